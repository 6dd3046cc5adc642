package useapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// ErrMissingToken is returned by every call of a Client built without a
// token. NewClient accepts an empty token so that a provider configured
// only for another gateway can still be set up; the error surfaces only
// when a useapi.net resource is actually used.
var ErrMissingToken = errors.New("useapi: no API token configured: set api_token in the provider configuration or the USEAPI_TOKEN environment variable")

// APIError is a non-2xx answer of the gateway. Message is the gateway's
// "error" text verbatim, so diagnostics can quote it; Hint says what the
// user can do about it.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the gateway's "error" string verbatim, or the (shortened)
	// body text when the answer is not JSON.
	Message string
	// Code is the body's "code" field when present (it mirrors the status).
	Code int
	// RunningTasks is the 429 "busy" answer's runningTasks, keyed by the
	// Runway account email; nil for Runway's own throttling 429.
	RunningTasks map[string][]RunningTask
	// RetryAfter is the server's Retry-After header (or retryAfter body
	// field), 0 when absent.
	RetryAfter time.Duration
	// Method and Path name the call; Path is relative to the endpoint and
	// carries no query string.
	Method, Path string
	// ID is the task or asset id the call addressed, when there was one,
	// so a 404 can say which id is unknown.
	ID string
}

// Error reads like "useapi: POST /gen3/video: 412: You do not have enough
// credits to run this task.".
func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("useapi: %s %s: %d: %s", e.Method, e.Path, e.StatusCode, msg)
}

// Hint tells the user what to do about the error, in terms of the
// provider's configuration; empty when there is nothing useful to add.
func (e *APIError) Hint() string {
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return "The gateway rejected the API token: check the provider's api_token setting (or the USEAPI_TOKEN environment variable) and that the useapi.net subscription is active."
	case http.StatusPaymentRequired:
		return "The useapi.net subscription appears to have expired: renew it, then apply again."
	case http.StatusForbidden:
		return "The token is not allowed to do this: check that it belongs to the useapi.net account that owns the Runway account."
	case http.StatusNotFound:
		if e.ID != "" {
			return fmt.Sprintf("The id %q is unknown to the gateway: it may have been deleted, may belong to another useapi.net account, or may be mistyped.", e.ID)
		}
		return "An id in the request is unknown to the gateway (see the message for which one): check the asset ids, e.g. with the runway_assets data source."
	case http.StatusPreconditionFailed:
		return "The Runway account is out of credits: top up the plan, or set explore_mode = true to generate in relaxed mode on a Runway Unlimited plan."
	case http.StatusUnprocessableEntity:
		return "Runway's moderation rejected the prompt or input: change the prompt (repeatedly moderated prompts can get the Runway account suspended)."
	case http.StatusTooManyRequests:
		if n := len(e.RunningTaskIDs()); n > 0 {
			return fmt.Sprintf("The Runway account is busy running its maxJobs tasks (%d running): wait for them to finish, raise max_jobs (1-10), or give the create timeout more time so the provider can wait for capacity.", n)
		}
		return "Runway is throttling the account, busy with too many tasks running or pending: wait for some to finish, or give the create timeout more time so the provider can wait for capacity."
	case http.StatusBadRequest:
		return "The gateway rejected the request as invalid; the message names the offending input."
	case 596:
		return "The gateway lost its session with the Runway account: re-add the account on useapi.net (POST /accounts/{email})."
	}
	if e.StatusCode >= 500 {
		return "The gateway had a temporary problem; try again later."
	}
	return ""
}

// BusyRunningTasks returns, inside a Config.BusyWait call, the tasks the
// 429 "account busy" answer listed as running on the account; nil for
// Runway's own throttling 429, which lists nothing.
func BusyRunningTasks(ctx context.Context) []RunningTask {
	answer := transport.BusyAnswer(ctx)
	if answer == nil {
		return nil
	}
	e := newAPIError(http.MethodPost, "", "", answer.StatusCode, answer.Header, answer.Body)
	var out []RunningTask
	for email, list := range e.RunningTasks {
		for _, rt := range list {
			if rt.Email == "" {
				rt.Email = email
			}
			out = append(out, rt)
		}
	}
	return out
}

// RunningTaskIDs lists the task ids of a 429 "busy" answer, sorted, so
// callers can show what occupies the account.
func (e *APIError) RunningTaskIDs() []string {
	var ids []string
	for _, list := range e.RunningTasks {
		for _, rt := range list {
			if rt.TaskID != "" {
				ids = append(ids, rt.TaskID)
			}
		}
	}
	sort.Strings(ids)
	return ids
}

func statusIs(err error, code int) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == code
}

// IsNotFound reports a 404: an unknown or deleted task or asset id.
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// IsUnauthorized reports a 401: a bad or missing token.
func IsUnauthorized(err error) bool { return statusIs(err, http.StatusUnauthorized) }

// IsInsufficientCredits reports a 412: the Runway account is out of credits.
func IsInsufficientCredits(err error) bool { return statusIs(err, http.StatusPreconditionFailed) }

// IsBusy reports a 429: the account runs maxJobs tasks, or Runway throttles.
// A 429 on a create proves nothing was created.
func IsBusy(err error) bool { return statusIs(err, http.StatusTooManyRequests) }

// IsModerated reports a 422: Runway's moderation rejected the prompt.
func IsModerated(err error) bool { return statusIs(err, http.StatusUnprocessableEntity) }

// IsOutcomeUnknown reports that a create or upload may have taken effect
// although no usable answer came back. Every such error of this package
// is, or wraps, a *transport.OutcomeUnknownError: the connection broke
// after the request was sent (the transport's own error), the gateway
// answered a status that does not prove a refusal (a 408 or 5xx, which a
// proxy in front of it can send after the task was created: see
// transport.CreateOutcomeUnknown; the cause is the *APIError), or a 2xx
// answer had no readable taskId/assetId (the cause is a *DecodeError). The
// provider must not silently resubmit then: it should tell the user to
// look for the task before applying again.
func IsOutcomeUnknown(err error) bool {
	var ou *transport.OutcomeUnknownError
	return errors.As(err, &ou)
}

// DecodeError reports an answer that is not the JSON this package expects:
// malformed, truncated, of the wrong types, or an HTML error page.
type DecodeError struct {
	// StatusCode is the answer's HTTP status.
	StatusCode int
	// Method and Path name the call, as in APIError.
	Method, Path string
	// Snippet is the start of the body, at most 200 bytes, safe to show.
	Snippet string
	// Err is the JSON error.
	Err error
}

// maxSnippet bounds DecodeError.Snippet.
const maxSnippet = 200

// Error names the call, the status and what the body looked like.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("useapi: %s %s: HTTP %d: unexpected answer (%v): %q", e.Method, e.Path, e.StatusCode, e.Err, e.Snippet)
}

// Unwrap exposes the JSON error.
func (e *DecodeError) Unwrap() error { return e.Err }

func newDecodeError(method, path string, status int, body []byte, err error) *DecodeError {
	return &DecodeError{StatusCode: status, Method: method, Path: path, Snippet: snippet(body, maxSnippet), Err: err}
}

// newAPIError reads the gateway's error JSON leniently: any of its fields
// may be missing or of another type, and the body may not be JSON at all.
func newAPIError(method, path, id string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path, ID: id}
	t := bytes.TrimSpace(body)
	var env map[string]json.RawMessage
	if len(t) > 0 && t[0] == '{' && json.Unmarshal(t, &env) == nil {
		for _, k := range []string{"error", "message", "msg"} {
			if s := lenientString(env[k]); s != "" {
				e.Message = s
				break
			}
		}
		if e.Message == "" && len(env) > 0 {
			e.Message = snippet(t, maxErrorText)
		}
		if c, ok := (FlexNumber{raw: env["code"]}).Int64(); ok && c >= 0 && c < 1000 {
			e.Code = int(c)
		}
		if raw, ok := env["runningTasks"]; ok {
			var rt map[string][]RunningTask
			if json.Unmarshal(raw, &rt) == nil && len(rt) > 0 {
				e.RunningTasks = rt
			}
		}
		if s, ok := (FlexNumber{raw: env["retryAfter"]}).Float64(); ok && s > 0 && s < 86400 {
			e.RetryAfter = time.Duration(s * float64(time.Second))
		}
	} else {
		e.Message = snippet(t, maxErrorText)
	}
	if ra, ok := transport.ParseRetryAfter(header, time.Now()); ok {
		e.RetryAfter = ra
	}
	return e
}

// ValidationError reports a request that the gateway would reject, found
// before anything was sent (and so before anything was paid). Field is the
// gateway's JSON name of the offending input.
type ValidationError struct {
	// Field is the gateway's name of the input, e.g. "motion" or "seed".
	Field string
	// Message says what is wrong, in words a user can act on.
	Message string
}

// Error reads like "useapi: invalid motion: must be between 1 and 10".
func (e *ValidationError) Error() string {
	return fmt.Sprintf("useapi: invalid %s: %s", e.Field, e.Message)
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}
