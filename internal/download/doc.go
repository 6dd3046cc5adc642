// Package download fetches a file over HTTP into a local directory, for
// runway_artifact_file. It exists so that the download rules live in one
// place, apart from Terraform (it imports nothing from terraform-plugin-*):
//
//   - The file is streamed into a temporary file next to the target, hashed
//     on the way, capped at a size, synced and renamed into place, so the
//     target never holds a partial or unverified file and a failure leaves
//     nothing behind. A symlink or directory at the target is refused.
//   - Only HTTP 200 is a file. Connection errors, stalled or truncated
//     bodies and the statuses transport.RetryableStatus names are retried,
//     waiting as transport.RetryPolicy.RetryDelay says (the server's
//     Retry-After, capped, else capped exponential backoff): the same rules
//     as the gateway clients, not a copy of them.
//   - File names and directories are confined: a name is one plain path
//     element (CheckFileName), and ResolveTarget refuses any target outside
//     the directory once its symlinks are resolved.
//   - URLs appear in errors and logs only through RedactURL, without their
//     query string, where signed URLs carry their token.
//
// A download never carries the gateway token. The files are served from
// signed URLs, which authenticate with their query string, so no request
// of this package sets an Authorization header, and it uses its own HTTP
// client rather than the gateway clients'. This matters because of
// redirects: Go's http.Client forwards Authorization (and Cookie) headers
// when it follows a redirect to the same host or a subdomain, so a token
// put on a download would be replayed to wherever a gateway or CDN
// redirects on its own domain, including addresses that are not meant to
// receive it.
//
// Error messages name the runway_artifact_file attributes that fix them
// (max_bytes, expected_sha256, timeouts.create, filename), because that is
// where users read them.
package download
