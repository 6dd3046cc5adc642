package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
)

// OutcomeUnknownError reports that a non-idempotent request (a paid create,
// an upload) may have reached the server but no usable answer came back:
// the connection was reset or closed after the request was written, the
// answer timed out, the caller's context ended mid-flight, or the answer
// could not be read. The gateway clients return it too, wrapping their own
// error as the cause, when an answer did arrive but proves nothing: a
// status for which CreateOutcomeUnknown holds (a 408 or 5xx, which a proxy
// can send after the server acted) or a success without a readable id. The server may have acted on the request, so it is never
// retried automatically; callers should tell the user that the gateway may
// have created the resource and how to check. It is the only type that
// means this: errors.As(err, new(*OutcomeUnknownError)) is the whole test.
type OutcomeUnknownError struct {
	// Method is the HTTP method of the request.
	Method string
	// URL is the request's URL path only: no host, query string or secret.
	URL string
	// StatusCode is the status of the answer that could not be used (its
	// body was unreadable, or it did not settle the outcome), or 0 when no
	// status line arrived.
	StatusCode int
	// Err is the underlying cause: a connection or context error, or a
	// gateway client's own error describing the answer.
	Err error
}

// Error explains that the request may have taken effect.
func (e *OutcomeUnknownError) Error() string {
	status := ""
	if e.StatusCode != 0 {
		status = fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	return fmt.Sprintf("%s %s: the request may have reached the server but no usable answer came back%s: %v; "+
		"it may have taken effect, so it was not retried", e.Method, e.URL, status, e.Err)
}

// Unwrap exposes the cause, e.g. io.EOF, context.Canceled or a gateway
// client's *APIError.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// RequestError is returned when no usable HTTP answer was obtained and the
// request certainly had no effect (idempotent requests, or non-idempotent
// ones that were never sent): connection failures once retries are spent,
// cancellation, an unreadable or oversized body. It carries the URL path
// only, because net/url's own errors print the whole URL including any
// query string.
type RequestError struct {
	// Method is the HTTP method of the request.
	Method string
	// URL is the request's URL path only.
	URL string
	// Attempts is how many times the request was sent or tried.
	Attempts int
	// Err is the underlying cause.
	Err error
}

// Error names the request and the number of attempts.
func (e *RequestError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%s %s: %v (after %d attempts)", e.Method, e.URL, e.Err, e.Attempts)
	}
	return fmt.Sprintf("%s %s: %v", e.Method, e.URL, e.Err)
}

// Unwrap exposes the cause so errors.Is(err, context.Canceled) and
// errors.Is(err, syscall.ECONNREFUSED) work.
func (e *RequestError) Unwrap() error { return e.Err }

// BodyTooLargeError is returned when a response body exceeds
// Config.MaxBodyBytes. The cap protects the provider's memory from a
// misbehaving proxy or endpoint; gateway JSON answers are small.
type BodyTooLargeError struct {
	// Limit is the configured cap in bytes.
	Limit int64
	// StatusCode is the status of the oversized answer.
	StatusCode int
}

// Error states the limit.
func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("response body (HTTP %d) is larger than the %d-byte limit", e.StatusCode, e.Limit)
}

// IsNotSent reports whether err proves that the request never left this
// machine: the connection was refused or could not be dialled. Only then is
// it safe to resubmit a non-idempotent request.
func IsNotSent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return false
}

// isTLSSetupError reports a failed TLS handshake (untrusted or mismatched
// certificate, a plain-HTTP server on an https:// URL): no HTTP request was
// sent, so it is not an unknown outcome, and retrying cannot fix it.
func isTLSSetupError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) ||
		errors.As(err, &ci) || errors.As(err, &rh)
}
