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
		{name: "200", answers: []http.HandlerFunc{serveBytes(payload)}, wantReqs: 1},
		{name: "expected sha256 in upper case", answers: []http.HandlerFunc{serveBytes(payload)}, expected: strings.ToUpper(sum), wantReqs: 1},
		{name: "overwrites an earlier file", answers: []http.HandlerFunc{serveBytes(payload)}, existing: "old", wantReqs: 1},
		{
			name: "expected sha256 mismatch keeps the earlier file", answers: []http.HandlerFunc{serveBytes(payload)},
			expected: strings.Repeat("0", 64), existing: "old", wantReqs: 1,
			wantErr: `sha256 is ` + sum + `, but expected_sha256 is 0{64}; nothing was written`,
		},
		{name: "403 explains expiry and is not retried", answers: []http.HandlerFunc{serveStatus(403)}, wantReqs: 1, wantErr: `HTTP 403 Forbidden: the signed URL has probably expired`},
		{name: "404", answers: []http.HandlerFunc{serveStatus(404)}, wantReqs: 1, wantErr: `HTTP 404 Not Found: the file no longer exists`},
		{name: "206 is not a whole file", answers: []http.HandlerFunc{func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(payload[:10])
		}}, wantReqs: 1, wantErr: `HTTP 206`},
		{name: "503 then 200 is retried", answers: []http.HandlerFunc{serveStatus(503), serveBytes(payload)}, wantReqs: 2},
		{name: "5xx three times", answers: []http.HandlerFunc{serveStatus(502)}, wantReqs: 3, wantErr: `HTTP 502`},
		{name: "declared size above max_bytes", answers: []http.HandlerFunc{serveBytes(payload)}, maxBytes: 1000, wantReqs: 1, wantErr: `is \d+ bytes, more than max_bytes \(1000\)`},
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
		{name: "symlinked target is refused", answers: []http.HandlerFunc{serveBytes(payload)}, symlinked: true, wantReqs: 0, wantErr: `not a regular file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.symlinked && runtime.GOOS == "windows" {
				t.Log("symlinks need privileges on Windows; checking a directory in the way instead")
			}
			srv := newFileServer(t, tt.answers...)
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
			if n := srv.n.Load(); n != tt.wantReqs {
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
