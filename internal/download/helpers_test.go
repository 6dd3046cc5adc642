package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// artifactSecret stands for the signature of a signed URL: it must never
// appear in an error message.
const artifactSecret = "SIGNATURE-s3cr3t"

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fileServer answers each request with the handler for its 1-based index
// (the last one repeats) and counts requests. It listens on loopback only.
type fileServer struct {
	*httptest.Server
	n atomic.Int64
}

func newFileServer(t *testing.T, answers ...http.HandlerFunc) *fileServer {
	t.Helper()
	fsrv := &fileServer{}
	fsrv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(fsrv.n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w, r)
	}))
	t.Cleanup(fsrv.Close)
	return fsrv
}

func serveBytes(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	}
}

func serveStatus(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "nope", code)
	}
}

// serveStatusRetryAfter answers code with a Retry-After header.
func serveStatusRetryAfter(code int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, "later", code)
	}
}

// recSleep records the waits between attempts instead of sleeping.
type recSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *recSleep) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *recSleep) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// recLogger records log lines.
type recLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recLogger) Log(_ context.Context, level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *recLogger) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func fixedRand(v float64) func() float64 { return func() float64 { return v } }
