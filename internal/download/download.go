package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// DefaultRetries is how many times a failed download is tried again when
// Request.Retry.MaxRetries is 0: three attempts in all.
const DefaultRetries = 2

var (
	clientOnce sync.Once
	client     *http.Client
)

// HTTPClient is one pooled client for all downloads, separate from the
// gateway clients; deadlines come from each download's context.
func HTTPClient() *http.Client {
	clientOnce.Do(func() { client = cleanhttp.DefaultPooledClient() })
	return client
}

// Request describes one download.
type Request struct {
	// URL is the file's address; only RedactURL(URL) is ever shown.
	URL string
	// Dir is the resolved directory the temporary file is created in, so
	// that the final rename stays on one file system (see ResolveTarget).
	Dir string
	// Target is the final path, inside Dir.
	Target string
	// ExpectedSHA256 is checked when not empty (either case).
	ExpectedSHA256 string
	// MaxBytes caps the file's size; it must be positive.
	MaxBytes int64
	// UserAgent is sent when not empty.
	UserAgent string
	// StallTimeout ends an attempt that receives nothing for this long, so
	// that a dead connection is retried; 0 disables it.
	StallTimeout time.Duration
	// Timeout is the overall deadline, only quoted in messages (ctx
	// carries it).
	Timeout time.Duration
	// Retry tunes the retries. MaxRetries counts the attempts after the
	// first one: 0 means DefaultRetries and a negative value disables
	// retries. MinBackoff, MaxBackoff and MaxRetryAfter are used as
	// transport.RetryPolicy.RetryDelay uses them (zero means their
	// defaults); the busy fields are not used.
	Retry transport.RetryPolicy
	// Logger, if set, receives a warn line before each retry.
	Logger transport.Logger
	// Sleep waits between attempts (default transport.SleepContext); it
	// must return a non-nil error when ctx ends. Tests replace it.
	Sleep transport.SleepFunc
	// Rand returns the backoff jitter in [0,1) (default math/rand/v2);
	// tests replace it for determinism.
	Rand transport.RandFunc
}

// Result is what a download wrote.
type Result struct {
	// SHA256 is the hex digest of the file, in lower case.
	SHA256 string
	// Size is the file's size in bytes.
	Size int64
}

// downloadError is a failed attempt, worded without the URL's query.
type downloadError struct {
	msg       string
	retryable bool
	// header is the answer's header, for its Retry-After; nil when no
	// answer arrived.
	header http.Header
}

func (e *downloadError) Error() string { return e.msg }

// Fetch streams req.URL to req.Target: into a temporary file in req.Dir,
// hashing while writing, synced, then renamed over the target. On any
// failure nothing is left behind and the target is untouched. Failed
// attempts are retried as the package documentation describes; ctx bounds
// the whole download, waits included.
func Fetch(ctx context.Context, client *http.Client, req Request) (Result, error) {
	if req.MaxBytes <= 0 {
		return Result{}, fmt.Errorf("downloading %s: the size limit must be positive, not %d", RedactURL(req.URL), req.MaxBytes)
	}
	if fi, err := os.Lstat(req.Target); err == nil && !fi.Mode().IsRegular() {
		return Result{}, fmt.Errorf("refusing to write %s: it exists and is not a regular file (%s); remove it or choose another filename", req.Target, fi.Mode().Type())
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Result{}, err
	}
	retries := transport.Setting(req.Retry.MaxRetries, DefaultRetries)
	sleep, rnd := req.Sleep.Or(transport.SleepContext), req.Rand.Or(rand.Float64)
	var last error
	for n := 0; ; n++ {
		info, err := fetchOnce(ctx, client, req)
		if err == nil {
			return info, nil
		}
		last = err
		var de *downloadError
		if !errors.As(err, &de) || !de.retryable || n >= retries || ctx.Err() != nil {
			break
		}
		wait := req.Retry.RetryDelay(n, de.header, time.Now(), rnd)
		if req.Logger != nil {
			req.Logger.Log(ctx, transport.LevelWarn, "retrying artifact download", map[string]any{
				"url": RedactURL(req.URL), "attempt": n + 1, "error": err.Error(), "delay_ms": wait.Milliseconds(),
			})
		}
		if sleep(ctx, wait) != nil {
			break
		}
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Result{}, fmt.Errorf("the download of %s did not finish within %s: raise timeouts.create (%w)", RedactURL(req.URL), req.Timeout, last)
		}
		return Result{}, fmt.Errorf("the download of %s was interrupted (%w)", RedactURL(req.URL), last)
	}
	return Result{}, last
}

// fetchOnce is one attempt of Fetch.
func fetchOnce(ctx context.Context, client *http.Client, d Request) (info Result, err error) {
	shown := RedactURL(d.URL)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stalled := fmt.Errorf("no data received for %s", d.StallTimeout)
	var watchdog *time.Timer
	if d.StallTimeout > 0 {
		watchdog = time.AfterFunc(d.StallTimeout, func() { cancel(stalled) })
		defer watchdog.Stop()
	}
	netErr := func(err error) error {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the whole URL, token included
		}
		if cause := context.Cause(ctx); errors.Is(cause, stalled) {
			err = stalled
		}
		return &downloadError{msg: fmt.Sprintf("GET %s: %v", shown, err), retryable: ctx.Err() == nil || errors.Is(context.Cause(ctx), stalled)}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL, nil)
	if err != nil {
		return info, fmt.Errorf("GET %s: the URL is not valid", shown)
	}
	if d.UserAgent != "" {
		req.Header.Set("User-Agent", d.UserAgent)
	}
	resp, err := client.Do(req)
	if err != nil {
		return info, netErr(err)
	}
	// The body is only read from: closing it cannot lose data.
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return info, statusError(shown, resp)
	}
	if resp.ContentLength > d.MaxBytes {
		return info, fmt.Errorf("GET %s: the file is %d bytes, more than max_bytes (%d)", shown, resp.ContentLength, d.MaxBytes)
	}

	tmp, err := os.CreateTemp(d.Dir, ".runway-artifact-*.part")
	if err != nil {
		return info, fmt.Errorf("creating a temporary file in %s: %w", d.Dir, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	h := newDigest()
	body := io.Reader(resp.Body)
	if watchdog != nil {
		body = &progressReader{r: body, onRead: func() { watchdog.Reset(d.StallTimeout) }}
	}
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, d.MaxBytes+1))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return info, fmt.Errorf("writing %s: %w", tmp.Name(), err)
		}
		return info, netErr(err)
	}
	if n > d.MaxBytes {
		return info, fmt.Errorf("GET %s: the file is larger than max_bytes (%d)", shown, d.MaxBytes)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return info, &downloadError{msg: fmt.Sprintf("GET %s: received %d of %d bytes", shown, n, resp.ContentLength), retryable: true}
	}
	sum := h.hex()
	if d.ExpectedSHA256 != "" && !strings.EqualFold(sum, d.ExpectedSHA256) {
		return info, fmt.Errorf("GET %s: the file's sha256 is %s, but expected_sha256 is %s; nothing was written to %s",
			shown, sum, strings.ToLower(d.ExpectedSHA256), d.Target)
	}
	if err = tmp.Sync(); err != nil {
		return info, fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return info, fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	if err = os.Chmod(tmp.Name(), FileMode); err != nil {
		return info, err
	}
	if err = os.Rename(tmp.Name(), d.Target); err != nil {
		return info, fmt.Errorf("moving the download into place: %w", err)
	}
	syncDir(d.Dir)
	return Result{SHA256: sum, Size: n}, nil
}

// statusError explains a non-200 answer; 403 and 410 are what a CDN says
// about an expired signature. Whether it is retried is
// transport.RetryableStatus's call.
func statusError(shown string, resp *http.Response) error {
	msg := fmt.Sprintf("GET %s: HTTP %d %s", shown, resp.StatusCode, http.StatusText(resp.StatusCode))
	code := resp.StatusCode
	switch code {
	case http.StatusForbidden, http.StatusGone, http.StatusUnauthorized:
		msg += ": the signed URL has probably expired; refresh the resource that produced it " +
			"(`terraform apply -refresh-only`) so that it hands out a freshly signed URL, then apply again"
	case http.StatusNotFound:
		msg += ": the file no longer exists at this address (it may have been deleted from the account)"
	}
	retryable := transport.RetryableStatus(code)
	if retryable {
		if ra, ok := transport.ParseRetryAfter(resp.Header, time.Now()); ok {
			msg += fmt.Sprintf(" (the server asked to retry after %ds)", int64(ra.Round(time.Second)/time.Second))
		}
	}
	return &downloadError{msg: msg, retryable: retryable, header: resp.Header}
}

// progressReader calls onRead whenever bytes arrive.
type progressReader struct {
	r      io.Reader
	onRead func()
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.onRead()
	}
	return n, err
}

// syncDir makes the rename durable where directories can be synced; it is
// best effort because some platforms refuse to open or sync a directory.
func syncDir(dir string) {
	f, err := os.Open(dir) //nolint:gosec // G304: the user-configured runway_artifact_file directory
	if err != nil {
		return
	}
	_ = f.Sync()
	_ = f.Close()
}
