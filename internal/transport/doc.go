// Package transport is the one HTTP layer shared by the gateway clients
// (useapi.net and Apikley). It exists so that the rules that protect the
// user's money and secrets live in exactly one place:
//
//   - Idempotent requests (GET, DELETE) are retried on connection errors,
//     429 and 5xx (except 501) with capped exponential backoff and jitter,
//     honouring Retry-After, but never sleeping past the caller's deadline.
//   - Non-idempotent requests (paid creates, uploads) are resubmitted only
//     when the server provably did nothing: after an HTTP 429, or when the
//     connection was refused before anything was sent. Any other failure
//     after the request may have reached the server is reported as an
//     *OutcomeUnknownError and never retried, because the gateways have no
//     idempotency key and a second POST is a second paid task. Which
//     answers leave a create's outcome unknown (408, 5xx except 501 and
//     505, a success without an id) is decided by CreateOutcomeUnknown,
//     for both gateways.
//   - Response bodies are read with a size cap, and logs carry only the
//     method, the URL path, the status and timings: never headers (the
//     Authorization token), query strings or bodies.
//
// The package knows nothing about Terraform or about any gateway's JSON.
package transport
