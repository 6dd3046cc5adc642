// Package apikley is a client for Apikley's Runway API
// (https://api.apikley.ru, a kie.ai clone): generate and extend videos,
// read task details, wait for tasks, read the credit balance, and decode
// completion callbacks. It knows nothing of Terraform.
//
// Every answer of this gateway is an envelope {"code","msg","data"} whose
// business code may be an error inside HTTP 200. HTTP-level retries
// (connection errors, HTTP 429/5xx) are the shared transport's job; this
// package adds the envelope-level rules the transport cannot see:
//
//   - Reads (record-detail, credit) are retried on codes 429, 455 and 500
//     with capped exponential backoff and jitter, never past the deadline.
//   - Creates (generate, extend) answered code 429 (rate limited) or 455
//     (maintenance) created nothing, so they are resubmitted after a 10-30 s
//     jittered wait until the context ends. A code (or, without an
//     envelope, an HTTP status) that does not prove a refusal (408, 5xx
//     except 501 and 505: transport.CreateOutcomeUnknown, the rule both
//     gateways share), a lost connection or an unreadable success answer
//     leave the outcome unknown: the error is, or wraps, a
//     *transport.OutcomeUnknownError whose cause (an *APIError, a
//     *DecodeError, a connection error) says what happened;
//     IsOutcomeUnknown reports it. It is never resubmitted blindly (no
//     idempotency key).
package apikley

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// DefaultEndpoint is the gateway's base URL.
const DefaultEndpoint = "https://api.apikley.ru"

// DefaultUserAgent is sent when Config.UserAgent is empty.
const DefaultUserAgent = "terraform-provider-runway (apikley client)"

// API paths, relative to the endpoint.
const (
	PathGenerate     = "/api/v1/runway/generate"
	PathExtend       = "/api/v1/runway/extend"
	PathRecordDetail = "/api/v1/runway/record-detail"
	PathCredit       = "/api/v1/chat/credit" //nolint:gosec // G101: a URL path, not a credential
)

// maxBodyBytes caps answers: the gateway's JSON is a few hundred bytes, so
// anything near a megabyte is an error page or garbage.
const maxBodyBytes = 1 << 20

const http200 = http.StatusOK

// Config configures a Client. Only APIKey is required.
type Config struct {
	// Endpoint is the gateway's base URL (default DefaultEndpoint); it must
	// be https:// except for loopback hosts (the simulator).
	Endpoint string
	// APIKey is sent as "Authorization: Bearer <APIKey>"; never logged.
	APIKey string
	// Config is the HTTP side (client, user agent, logger, retries, waits),
	// as for every gateway client; its Retry also tunes the envelope-level
	// retries, and Sleep paces polling. The client sets MaxBodyBytes.
	transport.Config
}

// Client talks to one Apikley endpoint with one API key. It is safe for
// concurrent use.
type Client struct {
	base   string // endpoint without a trailing slash
	apiKey string
	tc     *transport.Client
	retry  transport.RetryPolicy
	log    transport.Logger
}

// NewClient validates cfg and returns a Client.
func NewClient(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("apikley: the API key is empty: set the provider's apikley api_key or the APIKLEY_API_KEY environment variable")
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	u, err := transport.ValidateEndpoint(endpoint)
	if err != nil {
		return nil, fmt.Errorf("apikley: %w", err)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	cfg.MaxBodyBytes = maxBodyBytes
	tc := transport.New(cfg.Config)
	return &Client{
		base:   strings.TrimRight(u.String(), "/"),
		apiKey: strings.TrimSpace(cfg.APIKey),
		tc:     tc,
		retry:  tc.RetryPolicy(),
		log:    cfg.Logger,
	}, nil
}

// Generate submits a text- or image-to-video task and returns its id. The
// request is validated first (*InvalidRequestError) so that no paid call
// carries input the gateway would reject.
func (c *Client) Generate(ctx context.Context, r *GenerateRequest) (string, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	return c.create(ctx, PathGenerate, r)
}

// Extend submits an extension of a successful task and returns the new
// task's id (whose parentTaskId is r.TaskID).
func (c *Client) Extend(ctx context.Context, r *ExtendRequest) (string, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	return c.create(ctx, PathExtend, r)
}

// GetTask reads one task's details.
func (c *Client) GetTask(ctx context.Context, taskID string) (*TaskDetail, error) {
	if strings.TrimSpace(taskID) == "" {
		return nil, &InvalidRequestError{Field: "taskId", Msg: "is required"}
	}
	q := url.Values{"taskId": {taskID}}
	body, data, err := c.read(ctx, PathRecordDetail, q)
	if err != nil {
		return nil, err
	}
	return decodeDetailData(http.MethodGet, PathRecordDetail, body, data)
}

// Credits returns the account's credit balance.
func (c *Client) Credits(ctx context.Context) (int64, error) {
	body, data, err := c.read(ctx, PathCredit, nil)
	if err != nil {
		return 0, err
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return 0, newDecodeError(http.MethodGet, PathCredit, http200, body, err)
	}
	v, err := n.Int64()
	if err != nil {
		// A fractional balance is plausible on some kie.ai clones; keep
		// the whole credits rather than failing.
		f, ferr := n.Float64()
		if ferr != nil {
			return 0, newDecodeError(http.MethodGet, PathCredit, http200, body, err)
		}
		v = int64(f)
	}
	return v, nil
}

// envelope is the wrapper of every answer. Code and Msg are read leniently
// (a numeric string code, a non-string msg) because an error answer must
// still be reported as the gateway's error, not as garbage. The documented
// error schemas name the text `msg` in some places and `message` in others:
// both are read, msg first.
type envelope struct {
	Code    FlexInt         `json:"code"`
	Msg     json.RawMessage `json:"msg"`
	Message json.RawMessage `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// interpret turns an answer into its data or a typed error: *APIError for
// a non-200 code or an HTTP error, *DecodeError for an unreadable success.
func interpret(status int, method, path string, body []byte) (json.RawMessage, error) {
	var env envelope
	jerr := json.Unmarshal(body, &env)
	code, hasCode := env.Code.Int64()
	httpOK := status >= 200 && status <= 299
	if jerr != nil || !hasCode {
		if !httpOK {
			return nil, &APIError{HTTPStatus: status, Code: status, Msg: describeBody(status, body), Method: method, Path: path}
		}
		if jerr == nil {
			jerr = errNoCode
		}
		return nil, newDecodeError(method, path, status, body, jerr)
	}
	msg := envelopeMsg(env.Msg)
	if msg == "" {
		msg = envelopeMsg(env.Message)
	}
	switch {
	case code != 200:
		return nil, &APIError{HTTPStatus: status, Code: int(code), Msg: msg, Method: method, Path: path, FromEnvelope: true}
	case !httpOK:
		// "code 200" in an HTTP error is contradictory: trust the HTTP
		// status, which says nothing was done.
		return nil, &APIError{HTTPStatus: status, Code: status, Msg: msg, Method: method, Path: path}
	}
	return env.Data, nil
}

// envelopeMsg reads msg as a string, or keeps its JSON text otherwise.
func envelopeMsg(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if isNull(raw) {
		return ""
	}
	return snippet(raw)
}

// describeBody summarises a non-envelope error answer (an HTML page from a
// proxy, plain text).
func describeBody(status int, body []byte) string {
	s := strings.Join(strings.Fields(snippet(body)), " ")
	if s == "" {
		return http.StatusText(status)
	}
	return s
}

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

// send performs one logical request through the transport (which handles
// HTTP-level retries) and interprets the answer.
func (c *Client) send(ctx context.Context, method, path string, q url.Values, body []byte, idempotent bool) (*transport.Response, json.RawMessage, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.apiKey)
	h.Set("Accept", "application/json")
	req := transport.Request{Method: method, URL: u, Header: h, Body: body, Idempotent: idempotent}
	if body != nil {
		req.ContentType = "application/json"
	}
	resp, err := c.tc.Do(ctx, req)
	if err != nil {
		var big *transport.BodyTooLargeError
		if errors.As(err, &big) && idempotent {
			return nil, nil, &DecodeError{Method: method, Path: path, HTTPStatus: big.StatusCode, Size: -1, Err: err}
		}
		return nil, nil, fmt.Errorf("apikley: %w", err)
	}
	data, err := interpret(resp.StatusCode, method, path, resp.Body)
	return resp, data, err
}

// retryableRead reports envelope codes worth retrying for a read: rate
// limited, maintenance, server error.
func retryableRead(code int) bool { return code == 429 || code == 455 || code == 500 }

// read GETs path, retrying envelope codes 429/455/500 that arrived inside
// HTTP 2xx (errors in an HTTP error status were already retried by the
// transport; retrying them again would square the attempts). It returns
// the whole body and the envelope's data.
func (c *Client) read(ctx context.Context, path string, q url.Values) ([]byte, json.RawMessage, error) {
	for n := 0; ; n++ {
		resp, data, err := c.send(ctx, http.MethodGet, path, q, nil, true)
		if err == nil {
			return resp.Body, data, nil
		}
		ae, ok := asAPIError(err)
		if !ok || !ae.FromEnvelope || !retryableRead(ae.Code) || resp.StatusCode < 200 || resp.StatusCode > 299 || n >= c.retry.MaxRetries {
			return nil, nil, err
		}
		wait := c.retry.Backoff(n, c.tc.Jitter)
		if !c.fitsDeadline(ctx, wait) {
			return nil, nil, err
		}
		c.warn(ctx, "apikley: retrying read after gateway code", map[string]any{
			"path": path, "code": ae.Code, "attempt": n + 1, "delay_ms": wait.Milliseconds(),
		})
		if werr := c.tc.Sleep(ctx, wait); werr != nil {
			return nil, nil, fmt.Errorf("%w (stopped waiting to retry: %w)", err, ctxErrOr(ctx, werr))
		}
	}
}

// createBusy reports envelope codes that prove a create did nothing and may
// be resubmitted: 429 (rate limited) and 455 (maintenance).
func createBusy(code int) bool { return code == 429 || code == 455 }

// create POSTs a generate/extend body and returns the new task id.
func (c *Client) create(ctx context.Context, path string, body any) (string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("apikley: encoding %s: %w", path, err)
	}
	for attempt := 1; ; attempt++ {
		resp, data, err := c.send(ctx, http.MethodPost, path, nil, b, false)
		if err != nil {
			if IsOutcomeUnknown(err) {
				// The transport lost the answer; it already says so.
				return "", err
			}
			var de *DecodeError
			if errors.As(err, &de) {
				// A success status whose body we cannot read: the
				// task may well exist.
				return "", outcomeUnknown(path, resp, err)
			}
			ae, ok := asAPIError(err)
			if !ok {
				return "", err
			}
			// ae.Code is the envelope's code, which mirrors HTTP statuses,
			// or the HTTP status when the answer had no envelope: the
			// gateway's own word when it gave one, else the proxy's.
			if transport.CreateOutcomeUnknown(ae.Code) {
				return "", outcomeUnknown(path, resp, err)
			}
			// HTTP 429 was already resubmitted by the transport until the
			// deadline; only envelope codes are this loop's business.
			if !ae.FromEnvelope || !createBusy(ae.Code) || resp.StatusCode == http.StatusTooManyRequests {
				return "", err
			}
			wait := c.retry.BusyBackoff(c.tc.Jitter)
			if !c.fitsDeadline(ctx, wait) {
				return "", err
			}
			c.warn(ctx, "apikley: gateway busy, nothing was created; resubmitting", map[string]any{
				"path": path, "code": ae.Code, "attempt": attempt, "delay_ms": wait.Milliseconds(),
			})
			if werr := c.tc.BusyWait(ctx, wait); werr != nil {
				return "", fmt.Errorf("%w (stopped waiting to resubmit: %w)", err, ctxErrOr(ctx, werr))
			}
			continue
		}
		var out struct {
			TaskID string `json:"taskId"`
		}
		if jerr := json.Unmarshal(data, &out); jerr != nil || strings.TrimSpace(out.TaskID) == "" {
			if jerr == nil {
				jerr = errNoID
			}
			return "", outcomeUnknown(path, resp, newDecodeError(http.MethodPost, path, resp.StatusCode, resp.Body, jerr))
		}
		return out.TaskID, nil
	}
}

// outcomeUnknown reports a create whose answer arrived but does not settle
// whether a task was created; cause (an *APIError or a *DecodeError) says
// what the answer was and stays reachable with errors.As.
func outcomeUnknown(path string, resp *transport.Response, cause error) error {
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	return fmt.Errorf("apikley: %w", &transport.OutcomeUnknownError{Method: http.MethodPost, URL: path, StatusCode: status, Err: cause})
}

// fitsDeadline reports whether waiting d still ends before ctx's deadline;
// a retry that cannot happen in time is not worth waiting for.
func (c *Client) fitsDeadline(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) >= d
}

// ctxErrOr prefers the context's error, so callers can errors.Is it.
func ctxErrOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// warn logs at warn level: the client's own log lines are all about retries
// and oddities an operator may want to see; the transport logs the rest.
func (c *Client) warn(ctx context.Context, msg string, fields map[string]any) {
	if c.log != nil {
		c.log.Log(ctx, transport.LevelWarn, msg, fields)
	}
}
