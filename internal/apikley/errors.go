package apikley

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// APIError is an answer in which the gateway refused or failed a request:
// an envelope code other than 200 (usually inside HTTP 200), or an HTTP
// error status without a usable envelope.
type APIError struct {
	// HTTPStatus is the HTTP status of the answer (usually 200).
	HTTPStatus int
	// Code is the envelope's business code, or HTTPStatus when the answer
	// had no envelope.
	Code int
	// Msg is the gateway's message verbatim (or a snippet of a non-JSON
	// answer).
	Msg string
	// Method and Path name the request (path only: no host, no query).
	Method, Path string
	// FromEnvelope reports that Code came from the gateway's JSON envelope.
	// Only such answers prove what the gateway thinks; e.g. an HTML 404
	// from a misconfigured proxy must not make a task look deleted.
	FromEnvelope bool
}

// Error quotes the gateway's message with the code, and the HTTP status
// when it is not 200.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apikley: %s %s: code %d", e.Method, e.Path, e.Code)
	if e.HTTPStatus != http200 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	return b.String()
}

// Hint tells the user what to do about the error, for diagnostics.
func (e *APIError) Hint() string {
	switch e.Code {
	case 401:
		return "The Apikley API key was rejected: check the provider's apikley api_key (or the APIKLEY_API_KEY environment variable)."
	case 402:
		return "The Apikley account has insufficient credits: top up the balance, then apply again."
	case 404:
		return "Apikley does not know this task id: check the id (tasks belong to the account of the API key)."
	case 422:
		return "Apikley rejected the request as invalid: " + e.Msg
	case 429:
		return "Apikley rate-limited the request: wait a little and apply again."
	case 451:
		return "Apikley could not fetch the image at image_url: make sure the URL is public and points at an image."
	case 455:
		return "Apikley is under maintenance: retry later."
	case 500:
		return "Apikley had a server error: retry later."
	}
	return ""
}

func (e *APIError) codeIs(code int) bool { return e.Code == code || e.HTTPStatus == code }

func asAPIError(err error) (*APIError, bool) {
	var ae *APIError
	ok := errors.As(err, &ae)
	return ae, ok
}

// IsNotFound reports whether the gateway itself (in its envelope) said the
// task is unknown (code 404).
func IsNotFound(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.FromEnvelope && ae.Code == 404
}

// IsUnauthorized reports a rejected API key (code or HTTP status 401).
func IsUnauthorized(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.codeIs(401)
}

// IsValidation reports a request the gateway (code 422) or this package
// (*InvalidRequestError) rejected as invalid.
func IsValidation(err error) bool {
	var ie *InvalidRequestError
	if errors.As(err, &ie) {
		return true
	}
	ae, ok := asAPIError(err)
	return ok && ae.Code == 422
}

// IsRateLimited reports code or HTTP status 429.
func IsRateLimited(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.codeIs(429)
}

// IsMaintenance reports code 455 (service under maintenance).
func IsMaintenance(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.Code == 455
}

// IsInsufficientCredits reports code 402.
func IsInsufficientCredits(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.Code == 402
}

// DecodeError is an answer that could not be read as the documented JSON:
// not JSON, truncated, missing its code/data/state, or larger than the
// body limit. It carries a short snippet of the body for the diagnostic.
type DecodeError struct {
	// Method and Path name the request ("(callback)" for DecodeCallback).
	Method, Path string
	// HTTPStatus is the answer's status (0 when unknown).
	HTTPStatus int
	// Size is the body length in bytes, -1 when the body was too large to
	// be read.
	Size int
	// Snippet is the start of the body, valid UTF-8, at most snippetLen
	// bytes.
	Snippet string
	// Err is the cause.
	Err error
}

// snippetLen bounds DecodeError.Snippet: enough to recognise an HTML error
// page or a truncated object, short enough for a diagnostic.
const snippetLen = 200

// Error describes the answer and quotes its start.
func (e *DecodeError) Error() string {
	status := ""
	if e.HTTPStatus != 0 {
		status = fmt.Sprintf("HTTP %d, ", e.HTTPStatus)
	}
	if e.Size < 0 {
		return fmt.Sprintf("apikley: %s %s: unreadable answer (%sover the size limit): %v", e.Method, e.Path, status, e.Err)
	}
	return fmt.Sprintf("apikley: %s %s: unreadable answer (%s%d bytes): %v; body starts %q",
		e.Method, e.Path, status, e.Size, e.Err, e.Snippet)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

var (
	errNoCode  = errors.New(`no "code" in the answer`)
	errNoData  = errors.New(`no "data" in a successful answer`)
	errNoState = errors.New(`no "state" in the task detail`)
	errNoID    = errors.New(`no "taskId" in a successful create answer`)
)

func newDecodeError(method, path string, status int, body []byte, err error) *DecodeError {
	return &DecodeError{Method: method, Path: path, HTTPStatus: status, Size: len(body), Snippet: snippet(body), Err: err}
}

// snippet returns the start of b as valid UTF-8 of at most snippetLen
// bytes; invalid bytes (and a character cut at the end) become "?", which
// unlike U+FFFD cannot make the snippet longer than the cut.
func snippet(b []byte) string {
	if len(b) > snippetLen {
		b = b[:snippetLen]
	}
	return strings.ToValidUTF8(string(b), "?")
}

// IsOutcomeUnknown reports whether err says a create (generate or extend)
// may have taken effect: the gateway may have created, and will charge for,
// a task whose id never reached us. Such errors are, or wrap, a
// *transport.OutcomeUnknownError, whatever detected it: the transport (the
// connection was lost mid-request) or this package (a code or HTTP status
// that does not prove a refusal, such as 500, 408 or an HTTP 504: see
// transport.CreateOutcomeUnknown; or a success answer without a readable
// task id), in which case
// its cause is the *APIError or *DecodeError describing the answer. A create
// is never resubmitted then, because the gateway has no idempotency key and
// a second POST is a second paid task: the user should look for the task in
// the Apikley dashboard before retrying.
func IsOutcomeUnknown(err error) bool {
	var ou *transport.OutcomeUnknownError
	return errors.As(err, &ou)
}

// InvalidRequestError is a request this package refused to send because
// the gateway would reject it (and a paid call is not the place to find
// out).
type InvalidRequestError struct {
	// Field is the gateway's name of the offending field (e.g. "quality").
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error names the field.
func (e *InvalidRequestError) Error() string {
	return fmt.Sprintf("apikley: invalid request: %s: %s", e.Field, e.Msg)
}
