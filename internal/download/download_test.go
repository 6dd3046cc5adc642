package download

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/testfake"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

func TestFetch(t *testing.T) {
	payload := []byte(strings.Repeat("runway artifact bytes ", 4096)) // ~90 KB
	sum := sha256Hex(payload)
	tests := []struct {
		name      string
		answers   []http.HandlerFunc
		expected  string
		maxBytes  int64
		existing  string // content of a file already at the target
		symlinked bool   // the target is a symlink
		timeout   time.Duration
		wantErr   string // regexp; "" = success
		wantReqs  int64
	}{
		{name: "200", answers: []http.HandlerFunc{testfake.ServeBytes(payload)}, wantReqs: 1},
		{name: "expected sha256 in upper case", answers: []http.HandlerFunc{testfake.ServeBytes(payload)}, expected: strings.ToUpper(sum), wantReqs: 1},
		{name: "overwrites an earlier file", answers: []http.HandlerFunc{testfake.ServeBytes(payload)}, existing: "old", wantReqs: 1},
		{
			name: "expected sha256 mismatch keeps the earlier file", answers: []http.HandlerFunc{testfake.ServeBytes(payload)},
			expected: strings.Repeat("0", 64), existing: "old", wantReqs: 1,
			wantErr: `sha256 is ` + sum + `, but expected_sha256 is 0{64}; nothing was written`,
		},
		{name: "403 explains expiry and is not retried", answers: []http.HandlerFunc{testfake.ServeStatus(403)}, wantReqs: 1, wantErr: `HTTP 403 Forbidden: the signed URL has probably expired`},
		{name: "404", answers: []http.HandlerFunc{testfake.ServeStatus(404)}, wantReqs: 1, wantErr: `HTTP 404 Not Found: the file no longer exists`},
		{name: "206 is not a whole file", answers: []http.HandlerFunc{func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(payload[:10])
		}}, wantReqs: 1, wantErr: `HTTP 206`},
		{name: "503 then 200 is retried", answers: []http.HandlerFunc{testfake.ServeStatus(503), testfake.ServeBytes(payload)}, wantReqs: 2},
		{name: "5xx three times", answers: []http.HandlerFunc{testfake.ServeStatus(502)}, wantReqs: 3, wantErr: `HTTP 502`},
		{name: "declared size above max_bytes", answers: []http.HandlerFunc{testfake.ServeBytes(payload)}, maxBytes: 1000, wantReqs: 1, wantErr: `is \d+ bytes, more than max_bytes \(1000\)`},
		{name: "streamed size above max_bytes", answers: []http.HandlerFunc{func(w http.ResponseWriter, _ *http.Request) {
			for i := 0; i < 10; i++ { // no Content-Length: chunked
				_, _ = w.Write(payload[:500])
				w.(http.Flusher).Flush()
			}
		}}, maxBytes: 1000, wantReqs: 1, wantErr: `larger than max_bytes \(1000\)`},
		{name: "truncated body is retried", answers: []http.HandlerFunc{func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(payload)))
			_, _ = w.Write(payload[:100])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // close the connection mid-body
		}}, wantReqs: 3, wantErr: `unexpected EOF|received 100 of`},
		{name: "stalled connection is retried", answers: []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			_, _ = w.Write(payload[:10])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}}, wantReqs: 3, wantErr: `no data received for 150ms`},
		{name: "overall deadline", answers: []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			for i := 0; ; i++ {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
					_, _ = w.Write([]byte("x"))
					w.(http.Flusher).Flush()
				}
			}
		}}, timeout: 300 * time.Millisecond, wantReqs: 1, wantErr: `did not finish within 300ms: raise timeouts.create`},
		{name: "symlinked target is refused", answers: []http.HandlerFunc{testfake.ServeBytes(payload)}, symlinked: true, wantReqs: 0, wantErr: `not a regular file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.symlinked && runtime.GOOS == "windows" {
				t.Log("symlinks need privileges on Windows; checking a directory in the way instead")
			}
			srv := testfake.NewFileServer(t, tt.answers...)
			dir := t.TempDir()
			target := filepath.Join(dir, "clip.mp4")
			elsewhere := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(elsewhere, []byte("do not touch"), 0o600); err != nil {
				t.Fatal(err)
			}
			if tt.existing != "" {
				if err := os.WriteFile(target, []byte(tt.existing), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tt.symlinked {
				if runtime.GOOS == "windows" {
					if err := os.Mkdir(target, 0o755); err != nil {
						t.Fatal(err)
					}
				} else if err := os.Symlink(elsewhere, target); err != nil {
					t.Fatal(err)
				}
			}
			maxBytes := tt.maxBytes
			if maxBytes == 0 {
				maxBytes = 2 << 30
			}
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 20 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			got, err := Fetch(ctx, HTTPClient(), Request{
				URL:            srv.URL + "/files/clip.mp4?_jwt=" + artifactSecret,
				Dir:            dir,
				Target:         target,
				ExpectedSHA256: tt.expected,
				MaxBytes:       maxBytes,
				UserAgent:      "terraform-provider-runway/test",
				StallTimeout:   150 * time.Millisecond,
				Timeout:        timeout,
				Retry:          transport.RetryPolicy{MinBackoff: time.Millisecond},
			})
			if n := srv.Requests(); n != tt.wantReqs {
				t.Errorf("%d requests, want %d", n, tt.wantReqs)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".part") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
			if b, _ := os.ReadFile(elsewhere); string(b) != "do not touch" {
				t.Errorf("the file behind the symlink was changed: %q", b)
			}
			if tt.wantErr != "" {
				if err == nil || !regexp.MustCompile(tt.wantErr).MatchString(err.Error()) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), artifactSecret) {
					t.Errorf("the error quotes the URL's signature: %v", err)
				}
				if !tt.symlinked {
					b, rerr := os.ReadFile(target)
					switch {
					case tt.existing == "" && !errors.Is(rerr, fs.ErrNotExist):
						t.Errorf("a failed download left %s (%v)", target, rerr)
					case tt.existing != "" && string(b) != tt.existing:
						t.Errorf("a failed download changed the earlier file: %q", b)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got.SHA256 != sum || got.Size != int64(len(payload)) {
				t.Errorf("got %+v, want sha256 %s size %d", got, sum, len(payload))
			}
			b, err := os.ReadFile(target)
			if err != nil || sha256Hex(b) != sum {
				t.Fatalf("file on disk: %v, sha256 %s", err, sha256Hex(b))
			}
			if fi, _ := os.Stat(target); runtime.GOOS != "windows" && fi.Mode().Perm() != FileMode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), os.FileMode(FileMode))
			}
		})
	}
}

// fetchTo downloads srvURL+"/files/clip.mp4?_jwt=…" into a new directory
// with the given request settings, without real waits between attempts.
func fetchTo(t *testing.T, srvURL string, req Request) (Result, string, error) {
	t.Helper()
	dir := t.TempDir()
	req.URL = srvURL + "/files/clip.mp4?_jwt=" + artifactSecret
	req.Dir, req.Target = dir, filepath.Join(dir, "clip.mp4")
	if req.MaxBytes == 0 {
		req.MaxBytes = 1 << 20
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := Fetch(ctx, HTTPClient(), req)
	if err != nil && strings.Contains(err.Error(), artifactSecret) {
		t.Errorf("the error quotes the URL's signature: %v", err)
	}
	return res, req.Target, err
}

// One rule decides which statuses are retried: transport.RetryableStatus.
func TestFetchRetriesByStatus(t *testing.T) {
	payload := []byte("clip")
	tests := []struct {
		code  int
		retry bool
	}{
		{400, false},
		{401, false},
		{403, false},
		{404, false},
		{408, false}, // not retried since the download follows transport's rule
		{410, false},
		{429, true},
		{500, true},
		{501, false},
		{502, true},
		{503, true},
		{504, true},
		{599, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			if got := transport.RetryableStatus(tt.code); got != tt.retry {
				t.Fatalf("transport.RetryableStatus(%d) = %v, the table says %v", tt.code, got, tt.retry)
			}
			srv := testfake.NewFileServer(t, testfake.ServeStatus(tt.code), testfake.ServeBytes(payload))
			sl := &testfake.Sleeper{}
			res, target, err := fetchTo(t, srv.URL, Request{Sleep: sl.Sleep})
			if !tt.retry {
				if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", tt.code)) {
					t.Fatalf("err = %v, want HTTP %d", err, tt.code)
				}
				if n := srv.Requests(); n != 1 || len(sl.Waits()) != 0 {
					t.Errorf("%d requests and waits %v, want 1 request and no wait", n, sl.Waits())
				}
				if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("a failed download left %s (%v)", target, err)
				}
				return
			}
			if err != nil || res.SHA256 != sha256Hex(payload) {
				t.Fatalf("Fetch = %+v, %v", res, err)
			}
			if n := srv.Requests(); n != 2 || len(sl.Waits()) != 1 {
				t.Errorf("%d requests and waits %v, want 2 requests and one wait", n, sl.Waits())
			}
		})
	}
}

// A readable Retry-After of a retried status replaces the backoff, capped
// at MaxRetryAfter; other statuses never wait.
func TestFetchRetryAfter(t *testing.T) {
	payload := []byte("clip")
	tests := []struct {
		name       string
		code       int
		retryAfter string
		maxAfter   time.Duration
		want       []time.Duration // the waits
		tolerance  time.Duration
	}{
		{name: "seconds", code: 503, retryAfter: "7", want: []time.Duration{7 * time.Second}},
		{name: "429 seconds", code: 429, retryAfter: "3", want: []time.Duration{3 * time.Second}},
		{name: "zero", code: 503, retryAfter: "0", want: []time.Duration{0}},
		{name: "capped by default", code: 503, retryAfter: "3600", want: []time.Duration{transport.DefaultMaxRetryAfter}},
		{name: "capped by the policy", code: 429, retryAfter: "120", maxAfter: 5 * time.Second, want: []time.Duration{5 * time.Second}},
		{name: "http date", code: 503, retryAfter: time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat), want: []time.Duration{20 * time.Second}, tolerance: 2 * time.Second},
		{name: "http date capped", code: 503, retryAfter: time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat), want: []time.Duration{transport.DefaultMaxRetryAfter}},
		{name: "garbage falls back to backoff", code: 503, retryAfter: "soon", want: []time.Duration{transport.DefaultMinBackoff}},
		{name: "negative falls back to backoff", code: 503, retryAfter: "-5", want: []time.Duration{transport.DefaultMinBackoff}},
		{name: "not for a status that is not retried", code: 403, retryAfter: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testfake.NewFileServer(t, testfake.ServeStatusRetryAfter(tt.code, tt.retryAfter), testfake.ServeBytes(payload))
			sl := &testfake.Sleeper{}
			_, _, err := fetchTo(t, srv.URL, Request{Sleep: sl.Sleep, Rand: fixedRand(0.5), Retry: transport.RetryPolicy{MaxRetryAfter: tt.maxAfter}})
			if (err == nil) != (len(tt.want) > 0) {
				t.Fatalf("err = %v", err)
			}
			waits := sl.Waits()
			if len(waits) != len(tt.want) {
				t.Fatalf("waits %v, want %v", waits, tt.want)
			}
			for i, w := range waits {
				if d := w - tt.want[i]; d > tt.tolerance || -d > tt.tolerance {
					t.Errorf("wait %d = %v, want %v±%v", i, w, tt.want[i], tt.tolerance)
				}
			}
		})
	}
}

// Failed attempts are retried MaxRetries times (DefaultRetries when 0),
// waiting by transport's backoff; the last error says what the server asked.
func TestFetchRetryCountAndBackoff(t *testing.T) {
	p := transport.RetryPolicy{MinBackoff: time.Second, MaxBackoff: 3 * time.Second}
	tests := []struct {
		name       string
		maxRetries int
		answer     http.HandlerFunc
		wantReqs   int64
		wantWaits  []time.Duration
		wantErr    string
	}{
		{name: "default", answer: testfake.ServeStatus(502), wantReqs: DefaultRetries + 1,
			wantWaits: []time.Duration{p.Backoff(0, fixedRand(0.5)), p.Backoff(1, fixedRand(0.5))}, wantErr: `HTTP 502 Bad Gateway$`},
		{name: "four", maxRetries: 4, answer: testfake.ServeStatus(500), wantReqs: 5,
			wantWaits: []time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond, 2250 * time.Millisecond}, wantErr: `HTTP 500`},
		{name: "disabled", maxRetries: -1, answer: testfake.ServeStatus(503), wantReqs: 1, wantErr: `HTTP 503`},
		{name: "retry-after quoted", answer: testfake.ServeStatusRetryAfter(503, "2"), wantReqs: 3,
			wantWaits: []time.Duration{2 * time.Second, 2 * time.Second}, wantErr: `HTTP 503 Service Unavailable \(the server asked to retry after 2s\)$`},
		{name: "connection dropped", answer: func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }, wantReqs: 3,
			wantWaits: []time.Duration{time.Second, 1500 * time.Millisecond}, wantErr: `GET http://127\.0\.0\.1:\d+/files/clip\.mp4\?…: `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testfake.NewFileServer(t, tt.answer)
			sl := &testfake.Sleeper{}
			log := &recLogger{}
			retry := p
			retry.MaxRetries = tt.maxRetries
			_, _, err := fetchTo(t, srv.URL, Request{Retry: retry, Sleep: sl.Sleep, Rand: fixedRand(0.5), Logger: log})
			if err == nil || !regexp.MustCompile(tt.wantErr).MatchString(err.Error()) {
				t.Fatalf("err = %v, want %s", err, tt.wantErr)
			}
			if n := srv.Requests(); n != tt.wantReqs {
				t.Errorf("%d requests, want %d", n, tt.wantReqs)
			}
			if got := sl.Waits(); fmt.Sprint(got) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits %v, want %v", got, tt.wantWaits)
			}
			lines := log.Lines()
			if len(lines) != len(tt.wantWaits) {
				t.Errorf("%d log lines, want one per retry: %q", len(lines), lines)
			}
			for _, l := range lines {
				if !strings.HasPrefix(l, "warn retrying artifact download") || strings.Contains(l, artifactSecret) {
					t.Errorf("log line %q", l)
				}
			}
		})
	}
}

// max_bytes is a hard cap, whether the size is declared or streamed.
func TestFetchSizeCap(t *testing.T) {
	const limit = 1000
	chunked := func(n int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			b := []byte(strings.Repeat("x", n))
			for len(b) > 0 { // no Content-Length: chunked
				k := min(len(b), 300)
				_, _ = w.Write(b[:k])
				w.(http.Flusher).Flush()
				b = b[k:]
			}
		}
	}
	tests := []struct {
		name    string
		answer  http.HandlerFunc
		size    int
		wantErr string
	}{
		{name: "declared below", answer: testfake.ServeBytes([]byte(strings.Repeat("x", limit-1))), size: limit - 1},
		{name: "declared at the cap", answer: testfake.ServeBytes([]byte(strings.Repeat("x", limit))), size: limit},
		{name: "declared above", answer: testfake.ServeBytes([]byte(strings.Repeat("x", limit+1))), wantErr: `the file is 1001 bytes, more than max_bytes \(1000\)`},
		{name: "streamed at the cap", answer: chunked(limit), size: limit},
		{name: "streamed above", answer: chunked(limit + 1), wantErr: `the file is larger than max_bytes \(1000\)`},
		{name: "empty", answer: testfake.ServeBytes(nil), size: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testfake.NewFileServer(t, tt.answer)
			res, target, err := fetchTo(t, srv.URL, Request{MaxBytes: limit})
			if n := srv.Requests(); n != 1 {
				t.Errorf("%d requests, want 1 (a size refusal is final)", n)
			}
			if tt.wantErr != "" {
				if err == nil || !regexp.MustCompile(tt.wantErr).MatchString(err.Error()) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				entries, _ := os.ReadDir(filepath.Dir(target))
				if len(entries) != 0 {
					t.Errorf("a refused download left %v", entries)
				}
				return
			}
			want := sha256Hex([]byte(strings.Repeat("x", tt.size)))
			if err != nil || res.Size != int64(tt.size) || res.SHA256 != want {
				t.Fatalf("Fetch = %+v, %v; want size %d sha256 %s", res, err, tt.size, want)
			}
			if sum, size, err := HashRegularFile(target); err != nil || sum != want || size != int64(tt.size) {
				t.Errorf("on disk: %s %d %v", sum, size, err)
			}
		})
	}
}

func TestFetchRefusesNonPositiveMaxBytes(t *testing.T) {
	srv := testfake.NewFileServer(t, testfake.ServeBytes([]byte("x")))
	for _, limit := range []int64{0, -1} {
		dir := t.TempDir()
		_, err := Fetch(context.Background(), HTTPClient(), Request{URL: srv.URL + "/a", Dir: dir, Target: filepath.Join(dir, "a"), MaxBytes: limit})
		if err == nil {
			t.Errorf("MaxBytes %d: no error", limit)
		}
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

// Downloads never carry the gateway token, not even after a redirect on
// the same host, where Go would forward an Authorization header.
func TestFetchSendsNoCredentials(t *testing.T) {
	payload := []byte("clip")
	var seen []string
	srv := testfake.NewFileServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, r.URL.Path+" auth="+r.Header.Get("Authorization")+" cookie="+r.Header.Get("Cookie")+" ua="+r.UserAgent())
			http.Redirect(w, r, "/elsewhere/clip.mp4?moved=1", http.StatusFound)
		},
		func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, r.URL.Path+" auth="+r.Header.Get("Authorization")+" cookie="+r.Header.Get("Cookie")+" ua="+r.UserAgent())
			testfake.ServeBytes(payload)(w, r)
		},
	)
	res, _, err := fetchTo(t, srv.URL, Request{UserAgent: "terraform-provider-runway/test"})
	if err != nil || res.SHA256 != sha256Hex(payload) {
		t.Fatalf("Fetch = %+v, %v", res, err)
	}
	want := []string{
		"/files/clip.mp4 auth= cookie= ua=terraform-provider-runway/test",
		"/elsewhere/clip.mp4 auth= cookie= ua=terraform-provider-runway/test",
	}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("requests %q, want %q", seen, want)
	}
}
