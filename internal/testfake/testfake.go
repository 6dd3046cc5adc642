// Package testfake holds the fakes several packages' tests share: a sleep
// that records its waits instead of sleeping, and a loopback file server
// that answers each request with the next scripted handler. It is imported
// by tests only and uses only the standard library.
package testfake

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Sleeper records requested waits without sleeping; like a real sleep it
// returns the context's error once the context has ended. The zero value is
// ready to use and safe for concurrent use.
type Sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
	hook  func(n int)
}

// Sleep records d and returns ctx.Err().
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	n, hook := len(s.waits), s.hook
	s.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return ctx.Err()
}

// Waits returns the waits recorded so far.
func (s *Sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// OnSleep makes every later Sleep call hook with the number of waits
// recorded so far (this one included), e.g. to change a fake gateway's
// answers between attempts.
func (s *Sleeper) OnSleep(hook func(n int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

// FileServer answers the n-th request with the n-th handler (the last one
// repeats) and counts requests. It listens on loopback only.
type FileServer struct {
	*httptest.Server
	n atomic.Int64
}

// NewFileServer starts a FileServer that t closes.
func NewFileServer(t testing.TB, answers ...http.HandlerFunc) *FileServer {
	t.Helper()
	if len(answers) == 0 {
		t.Fatal("testfake.NewFileServer needs at least one handler")
	}
	fsrv := &FileServer{}
	fsrv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(fsrv.n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w, r)
	}))
	t.Cleanup(fsrv.Close)
	return fsrv
}

// Requests is how many requests the server has answered or is answering.
func (f *FileServer) Requests() int64 { return f.n.Load() }

// ServeBytes answers body as a video/mp4 with its Content-Length.
func ServeBytes(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	}
}

// ServeStatus answers code with a short text body.
func ServeStatus(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "nope", code)
	}
}

// ServeStatusRetryAfter answers code with a Retry-After header.
func ServeStatusRetryAfter(code int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, "later", code)
	}
}
