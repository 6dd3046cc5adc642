package transport

import "net/http"

// CreateOutcomeUnknown reports whether an answer with this HTTP status to a
// non-idempotent request (a paid create, an upload) leaves open whether the
// server acted on it, when the answer carries no usable result (no task id).
// It is the one rule for every gateway client: the useapi.net client applies
// it to HTTP statuses, the Apikley client also to the business code of its
// JSON envelope, which mirrors HTTP statuses.
//
// Only answers that prove the request was refused before any work began
// report false:
//
//   - 4xx other than 408: the request itself was rejected (authentication,
//     validation, an unknown id, no credits) or, for 429, the server was
//     too busy to take it.
//   - 501 Not Implemented and 505 HTTP Version Not Supported: the server
//     does not offer the operation at all.
//
// Everything else may hide a created task, and is reported as unknown:
//
//   - 408 Request Timeout: a proxy or load balancer that gave up waiting may
//     already have forwarded the request.
//   - Every other 5xx, standard or not (502, 504, a CDN's 52x): a proxy sends
//     them after forwarding, or the server failed after starting the work.
//   - 2xx: a success whose body could not be read, or had no id.
//   - 1xx, 3xx and anything unexpected: a create should never end on them.
//
// The bias is deliberate. Telling a user that nothing was created when a
// task may exist invites a second, paid, apply; telling them to check first
// when nothing was created costs only a look at the gateway.
func CreateOutcomeUnknown(status int) bool {
	switch {
	case status == http.StatusRequestTimeout:
		return true
	case status >= 400 && status <= 499:
		return false
	case status == http.StatusNotImplemented, status == http.StatusHTTPVersionNotSupported:
		return false
	}
	return true
}
