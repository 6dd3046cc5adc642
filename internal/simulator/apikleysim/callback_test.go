package apikleysim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// receiver is a loopback callback endpoint that records what it is sent.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("callback %s with Content-Type %q", req.Method, req.Header.Get("Content-Type"))
		}
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) received() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.bodies)
}

// countingTransport records every host the callback client dials.
type countingTransport struct {
	calls atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// The callbacks fire from the timer, with nobody polling, and carry the
// documented payload; a non-loopback URL is never called.
func TestCallbacksWithoutPolling(t *testing.T) {
	rcv := newReceiver(t)
	ct := &countingTransport{}
	g := New(Options{TaskDuration: 60 * time.Millisecond, CallbackClient: &http.Client{Transport: ct, Timeout: CallbackTimeout}})
	srv := start(t, g)

	okID := generate(t, srv, "fine", map[string]any{"callBackUrl": rcv.URL + "/cb?ref=1"})
	badID := generate(t, srv, "moderate-me", map[string]any{"callBackUrl": rcv.URL + "/cb"})
	generate(t, srv, "remote", map[string]any{"callBackUrl": "https://callback.example.com/cb"})
	generate(t, srv, "no callback", nil)

	waitFor(t, 5*time.Second, "two callbacks", func() bool { return len(rcv.received()) >= 2 })
	time.Sleep(100 * time.Millisecond) // a third (wrong) callback would land by now
	bodies := rcv.received()
	if len(bodies) != 2 {
		t.Fatalf("%d callbacks, want 2", len(bodies))
	}
	if n := ct.calls.Load(); n != 2 {
		t.Errorf("callback client used %d times, want 2 (never for a non-loopback URL)", n)
	}
	if s := g.Stats(); s.Callbacks != 2 || s.TotalPolls != 0 {
		t.Errorf("stats %+v", s)
	}

	want := keySet(t, readFixture(t, "apikley_extend_callback.json"))
	byTask := map[string]callbackPayload{}
	for _, b := range bodies {
		if got := keySet(t, b); !slices.Equal(got, want) {
			t.Errorf("callback keys %v, want %v", got, want)
		}
		var p callbackPayload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		byTask[p.Data.TaskID] = p
	}
	ok := byTask[okID]
	d := detail(t, srv, okID)
	if ok.Code != 200 || ok.Msg != "All generated successfully." || ok.Data.VideoID != d.VideoInfo.VideoID ||
		ok.Data.VideoURL != d.VideoInfo.VideoURL || ok.Data.ImageURL != d.VideoInfo.ImageURL {
		t.Errorf("success callback %+v, detail %+v", ok, d.VideoInfo)
	}
	bad := byTask[badID]
	if bad.Code != 400 || bad.Msg != ModerationMessage || bad.Data.VideoID != "" || bad.Data.VideoURL != "" || bad.Data.ImageURL != "" {
		t.Errorf("failure callback %+v", bad)
	}
}

// Polling before the timer fires sends the callback exactly once.
func TestCallbackSentOnceWhenPolled(t *testing.T) {
	rcv := newReceiver(t)
	g := New(Options{TaskDuration: 30 * time.Millisecond})
	srv := start(t, g)
	id := generate(t, srv, "fine", map[string]any{"callBackUrl": rcv.URL})
	waitFor(t, 5*time.Second, "success", func() bool { return detail(t, srv, id).State == StateSuccess })
	for range 5 {
		detail(t, srv, id)
	}
	waitFor(t, 5*time.Second, "callback", func() bool { return len(rcv.received()) == 1 })
	time.Sleep(50 * time.Millisecond)
	if n := len(rcv.received()); n != 1 {
		t.Errorf("%d callbacks, want 1", n)
	}
}

// Close stops the timers: a task ending after Close sends nothing.
func TestCloseStopsCallbacks(t *testing.T) {
	rcv := newReceiver(t)
	g := New(Options{TaskDuration: 50 * time.Millisecond})
	srv := httptest.NewServer(g)
	defer srv.Close()
	generate(t, srv, "fine", map[string]any{"callBackUrl": rcv.URL})
	g.Close()
	g.Close() // idempotent
	time.Sleep(150 * time.Millisecond)
	if n := len(rcv.received()); n != 0 {
		t.Errorf("%d callbacks after Close", n)
	}
}

func TestIsLoopbackURL(t *testing.T) {
	for u, want := range map[string]bool{
		"http://127.0.0.1:8080/cb":      true,
		"http://127.3.4.5/cb":           true,
		"http://[::1]:9/cb":             true,
		"https://localhost/cb":          true,
		"http://LOCALHOST:1/":           true,
		"http://[::ffff:127.0.0.1]/":    true,
		"http://example.com/cb":         false,
		"http://10.0.0.1/cb":            false,
		"http://localhost.example.com/": false,
		"ftp://127.0.0.1/":              false,
		"::nonsense":                    false,
	} {
		if got := isLoopbackURL(u); got != want {
			t.Errorf("isLoopbackURL(%q) = %v, want %v", u, got, want)
		}
	}
}
