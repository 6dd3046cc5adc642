package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// Log levels passed to Logger.Log.
const (
	LevelTrace = "trace"
	LevelDebug = "debug"
	LevelWarn  = "warn"
)

// DefaultMaxBodyBytes caps response bodies when Config.MaxBodyBytes is 0.
// Gateway answers are a few kilobytes; 8 MiB leaves room for long asset
// listings while bounding memory.
const DefaultMaxBodyBytes int64 = 8 << 20

// DefaultAttemptTimeout bounds one attempt of an idempotent request when
// Config.AttemptTimeout is 0, so that one hung poll cannot stall a wait of
// hours: the attempt is abandoned and retried.
const DefaultAttemptTimeout = 2 * time.Minute

// Logger receives structured log lines. The provider adapts it to
// terraform-plugin-log; the clients stay free of Terraform imports.
// Fields never contain header values, query strings or bodies.
type Logger interface {
	Log(ctx context.Context, level string, msg string, fields map[string]any)
}

// Config configures a Client. Every field is optional.
type Config struct {
	// HTTPClient defaults to cleanhttp.DefaultPooledClient(). Its Timeout,
	// if any, applies on top of the context.
	HTTPClient *http.Client
	// Logger receives one debug line per attempt and a warn line per wait.
	Logger Logger
	// Retry tunes retries and waits; zero fields take defaults.
	Retry RetryPolicy
	// MaxBodyBytes caps response bodies (default DefaultMaxBodyBytes).
	// A larger body yields *BodyTooLargeError, never a panic or an OOM.
	MaxBodyBytes int64
	// UserAgent is sent unless the request sets its own User-Agent header.
	UserAgent string
	// AttemptTimeout bounds each attempt of an idempotent request
	// (default DefaultAttemptTimeout; negative disables). Non-idempotent
	// requests are bounded only by the context: abandoning a create or an
	// upload half-way would leave its outcome unknown.
	AttemptTimeout time.Duration
	// BusyWait is called instead of sleeping when a create (non-idempotent)
	// request got HTTP 429 and will be resubmitted. It may return early,
	// e.g. when the caller knows a slot on the account was freed; BusyAnswer
	// gives it the 429 answer from its ctx. It must return a non-nil error
	// when ctx ends. Default: sleep d or until ctx is done.
	BusyWait SleepFunc
	// Sleep waits between retries (default SleepContext); tests replace it
	// to avoid real sleeps.
	Sleep SleepFunc
	// Rand returns jitter in [0,1); tests replace it for determinism.
	Rand RandFunc
}

// Request is one logical request; the Client may send it several times.
type Request struct {
	// Method defaults to GET.
	Method string
	// URL must be absolute.
	URL string
	// Header is copied onto every attempt. Values are never logged.
	Header http.Header
	// Body is a small (JSON) body, re-sent on every attempt.
	Body []byte
	// BodyReader opens a streamed body (uploads). It is called once per
	// attempt so that a retry re-reads the source; it returns the reader
	// and its length (-1 if unknown). A reader that is also an io.Closer is
	// closed by the transport. Nil when Body is used.
	BodyReader func() (io.Reader, int64, error)
	// ContentType sets the Content-Type header when not empty.
	ContentType string
	// Idempotent marks requests that may be repeated without effect
	// (GET/DELETE): they are retried on connection errors, 429 and 5xx
	// except 501. When false (creates, uploads) the request is resubmitted
	// only after HTTP 429, which proves nothing was created, or after a
	// refused connection, which proves nothing was sent.
	Idempotent bool
}

// Response is the final answer, after any retries. Non-2xx statuses are
// returned as responses: turning them into errors is the gateway client's
// job, because only it can read the gateway's error JSON.
type Response struct {
	// StatusCode is the final attempt's HTTP status.
	StatusCode int
	// Header is a copy of the final answer's headers (e.g. Retry-After).
	Header http.Header
	// Body is the whole body, at most Config.MaxBodyBytes long.
	Body []byte
	// Attempts counts how many times the request was sent, including
	// resubmits after 429.
	Attempts int
}

// Client sends Requests with the retry rules of this package. It is safe
// for concurrent use.
type Client struct {
	// cfg is the Config given to New with every default filled in.
	cfg Config
}

// New returns a Client; zero Config fields take their defaults.
func New(cfg Config) *Client {
	cfg.Retry = cfg.Retry.withDefaults()
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = cleanhttp.DefaultPooledClient()
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	cfg.AttemptTimeout = Setting(cfg.AttemptTimeout, DefaultAttemptTimeout)
	cfg.Sleep = cfg.Sleep.Or(SleepContext)
	cfg.BusyWait = cfg.BusyWait.Or(cfg.Sleep)
	cfg.Rand = cfg.Rand.Or(rand.Float64)
	return &Client{cfg: cfg}
}

// Sleep waits as Config.Sleep does: gateway clients pace their own
// envelope-level retries and polls with it.
func (c *Client) Sleep(ctx context.Context, d time.Duration) error { return c.cfg.Sleep(ctx, d) }

// BusyWait waits as Config.BusyWait does, before resubmitting a create
// that the gateway said did nothing because it was busy.
func (c *Client) BusyWait(ctx context.Context, d time.Duration) error {
	return c.cfg.BusyWait(ctx, d)
}

// Jitter draws from Config.Rand, in [0,1).
func (c *Client) Jitter() float64 { return c.cfg.Rand() }

// RetryPolicy returns the effective policy, with defaults filled in.
func (c *Client) RetryPolicy() RetryPolicy { return c.cfg.Retry }

// Do sends r, retrying as described on Request.Idempotent, and returns the
// final response of any status. When retries are exhausted, or when the
// next wait would end after ctx's deadline, it returns the last response
// (so the caller sees the 429/5xx body) or the last error. Errors are
// *RequestError (nothing happened), *OutcomeUnknownError (a non-idempotent
// request may have taken effect), or wrap *BodyTooLargeError.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	if ctx == nil {
		// A nil ctx has nothing to inherit from: Background stands in for it.
		return c.do(context.Background(), r) //nolint:contextcheck // see above
	}
	return c.do(ctx, r)
}

// do is Do with a non-nil ctx.
func (c *Client) do(ctx context.Context, r Request) (*Response, error) {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	u, err := url.Parse(r.URL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, &RequestError{Method: method, URL: "(invalid)", Err: errors.New("the request URL is not an absolute URL")}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}

	retries := 0
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, &RequestError{Method: method, URL: path, Attempts: attempt - 1, Err: err}
		}
		resp, err := c.attempt(ctx, method, u, path, r, attempt)

		var wait time.Duration
		var reason string
		busy := false
		switch {
		case err != nil && resp == nil:
			// No answer at all.
			if ctx.Err() != nil {
				if !r.Idempotent && !IsNotSent(err) {
					return nil, &OutcomeUnknownError{Method: method, URL: path, Err: err}
				}
				return nil, &RequestError{Method: method, URL: path, Attempts: attempt, Err: err}
			}
			var open *bodyOpenError
			if errors.As(err, &open) {
				return nil, &RequestError{Method: method, URL: path, Attempts: attempt, Err: open.err}
			}
			if isTLSSetupError(err) {
				return nil, &RequestError{Method: method, URL: path, Attempts: attempt,
					Err: fmt.Errorf("TLS handshake failed, nothing was sent: %w", err)}
			}
			if !r.Idempotent && !IsNotSent(err) {
				return nil, &OutcomeUnknownError{Method: method, URL: path, Err: err}
			}
			if retries >= c.cfg.Retry.MaxRetries {
				return nil, &RequestError{Method: method, URL: path, Attempts: attempt, Err: err}
			}
			wait = c.cfg.Retry.Backoff(retries, c.cfg.Rand)
			retries++
			reason = "connection error: " + err.Error()
			if IsNotSent(err) {
				reason = "connection refused or not established: " + err.Error()
			}
		case err != nil:
			// A status line arrived but the body could not be read.
			var tooBig *BodyTooLargeError
			isTooBig := errors.As(err, &tooBig)
			if !r.Idempotent {
				if resp.StatusCode == http.StatusTooManyRequests && !isTooBig && ctx.Err() == nil {
					busy = true
					wait = c.busyDelay(resp.Header)
					reason = "HTTP 429 (body unreadable), nothing was created"
					break
				}
				if !CreateOutcomeUnknown(resp.StatusCode) {
					return nil, &RequestError{Method: method, URL: path, Attempts: attempt, Err: err}
				}
				return nil, &OutcomeUnknownError{Method: method, URL: path, StatusCode: resp.StatusCode, Err: err}
			}
			if isTooBig || ctx.Err() != nil || retries >= c.cfg.Retry.MaxRetries {
				return nil, &RequestError{Method: method, URL: path, Attempts: attempt, Err: err}
			}
			wait = c.cfg.Retry.Backoff(retries, c.cfg.Rand)
			retries++
			reason = fmt.Sprintf("HTTP %d with an unreadable body: %v", resp.StatusCode, err)
		default:
			resp.Attempts = attempt
			switch {
			case !r.Idempotent && resp.StatusCode == http.StatusTooManyRequests:
				busy = true
				wait = c.busyDelay(resp.Header)
				reason = "HTTP 429: the server is busy and created nothing; resubmitting"
			case r.Idempotent && RetryableStatus(resp.StatusCode) && retries < c.cfg.Retry.MaxRetries:
				wait = c.cfg.Retry.RetryDelay(retries, resp.Header, time.Now(), c.cfg.Rand)
				retries++
				reason = "HTTP " + strconv.Itoa(resp.StatusCode)
			default:
				return resp, nil
			}
		}

		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			c.logf(ctx, LevelWarn, "not retrying: the next wait would end after the deadline", map[string]any{
				"method": method, "path": path, "attempt": attempt, "reason": reason, "delay_ms": wait.Milliseconds(),
			})
			if resp != nil && err == nil {
				return resp, nil
			}
			return nil, &RequestError{Method: method, URL: path, Attempts: attempt, Err: err}
		}
		fields := map[string]any{
			"method": method, "path": path, "attempt": attempt, "reason": reason, "delay_ms": wait.Milliseconds(),
		}
		if resp != nil {
			fields["status"] = resp.StatusCode
		}
		c.logf(ctx, LevelWarn, "retrying request", fields)
		waitFn, waitCtx := c.cfg.Sleep, ctx
		if busy {
			waitFn, waitCtx = c.cfg.BusyWait, context.WithValue(ctx, busyAnswerKey{}, resp)
		}
		if werr := waitFn(waitCtx, wait); werr != nil {
			if ctx.Err() != nil {
				werr = ctx.Err()
			}
			return nil, &RequestError{Method: method, URL: path, Attempts: attempt,
				Err: fmt.Errorf("stopped while waiting to retry after %s: %w", reason, werr)}
		}
	}
}

type busyAnswerKey struct{}

// BusyAnswer returns, inside a Config.BusyWait call, the HTTP 429 answer
// that made the create wait (nil elsewhere): a gateway client can read
// what the server said occupies it.
func BusyAnswer(ctx context.Context) *Response {
	r, _ := ctx.Value(busyAnswerKey{}).(*Response)
	return r
}

// busyDelay is the wait before resubmitting a create after HTTP 429. A
// Retry-After is honoured (capped) but never shorter than MinBackoff,
// because this loop has no count limit and must not hammer the gateway.
func (c *Client) busyDelay(h http.Header) time.Duration {
	if ra, ok := ParseRetryAfter(h, time.Now()); ok {
		return max(min(ra, c.cfg.Retry.MaxRetryAfter), c.cfg.Retry.MinBackoff)
	}
	return c.cfg.Retry.BusyBackoff(c.cfg.Rand)
}

// bodyOpenError marks a failure of Request.BodyReader: a local problem
// (e.g. the upload file vanished) that no retry can fix.
type bodyOpenError struct{ err error }

// Error says the body could not be opened.
func (e *bodyOpenError) Error() string { return "opening the request body: " + e.err.Error() }

// Unwrap exposes the opener's error.
func (e *bodyOpenError) Unwrap() error { return e.err }

// attempt sends the request once. It returns (nil, err) when no answer
// arrived, (resp, err) when the status arrived but the body could not be
// read, and (resp, nil) on success.
func (c *Client) attempt(ctx context.Context, method string, u *url.URL, path string, r Request, n int) (*Response, error) {
	actx := ctx
	if r.Idempotent && c.cfg.AttemptTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.cfg.AttemptTimeout)
		defer cancel()
	}

	var body io.Reader
	size := int64(-1)
	switch {
	case r.BodyReader != nil:
		rd, sz, err := r.BodyReader()
		if err != nil {
			return nil, &bodyOpenError{err: err}
		}
		if rd == nil {
			rd = http.NoBody
			sz = 0
		}
		body, size = rd, sz
	case r.Body != nil:
		body = bytes.NewReader(r.Body)
		size = int64(len(r.Body))
	}

	req, err := http.NewRequestWithContext(actx, method, u.String(), body)
	if err != nil {
		if cl, ok := body.(io.Closer); ok {
			_ = cl.Close()
		}
		return nil, &bodyOpenError{err: err}
	}
	if r.BodyReader != nil {
		rc, ok := body.(io.ReadCloser)
		if !ok {
			rc = io.NopCloser(body)
		}
		switch {
		case size == 0:
			_ = rc.Close()
			req.Body = http.NoBody
			req.ContentLength = 0
		case size > 0:
			req.Body = rc
			req.ContentLength = size
		default:
			req.Body = rc
			req.ContentLength = -1
		}
		// Never let net/http replay a streamed body on its own.
		req.GetBody = nil
	}
	for k, vs := range r.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if c.cfg.UserAgent != "" && req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}

	start := time.Now()
	hresp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		err = unwrapURLError(err)
		c.logf(ctx, LevelDebug, "HTTP request failed", map[string]any{
			"method": method, "path": path, "attempt": n,
			"latency_ms": time.Since(start).Milliseconds(), "error": err.Error(),
		})
		return nil, err
	}
	// The body is only read from: closing it cannot change the answer.
	defer func() { _ = hresp.Body.Close() }()
	data, rerr := io.ReadAll(io.LimitReader(hresp.Body, c.cfg.MaxBodyBytes+1))
	latency := time.Since(start)
	resp := &Response{StatusCode: hresp.StatusCode, Header: hresp.Header.Clone(), Attempts: n}
	fields := map[string]any{
		"method": method, "path": path, "attempt": n, "status": hresp.StatusCode,
		"latency_ms": latency.Milliseconds(),
	}
	if rerr != nil {
		fields["error"] = rerr.Error()
		c.logf(ctx, LevelDebug, "HTTP response body unreadable", fields)
		return resp, fmt.Errorf("reading the response body: %w", rerr)
	}
	if int64(len(data)) > c.cfg.MaxBodyBytes {
		c.logf(ctx, LevelDebug, "HTTP response body too large", fields)
		return resp, &BodyTooLargeError{Limit: c.cfg.MaxBodyBytes, StatusCode: hresp.StatusCode}
	}
	resp.Body = data
	fields["bytes"] = len(data)
	c.logf(ctx, LevelDebug, "HTTP request", fields)
	return resp, nil
}

// unwrapURLError drops net/url's wrapper, whose message repeats the whole
// URL including the query string; callers add the path themselves.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

func (c *Client) logf(ctx context.Context, level, msg string, fields map[string]any) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.Log(ctx, level, msg, fields)
	}
}
