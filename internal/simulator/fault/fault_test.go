package fault

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRuleMatches(t *testing.T) {
	tests := []struct {
		name   string
		rule   Rule
		method string
		path   string
		api    bool
		want   bool
	}{
		{"empty rule hits an API request", Rule{}, "GET", "/tasks/x", true, true},
		{"empty rule never hits a download", Rule{}, "GET", "/files/x.mp4", false, false},
		{"empty path with a method", Rule{Method: "POST"}, "POST", "/gen3/video", true, true},
		{"method differs", Rule{Method: "POST"}, "GET", "/gen3/video", true, false},
		{"method is case-insensitive", Rule{Method: "get"}, "GET", "/tasks/x", true, true},
		{"path prefix", Rule{Path: "/tasks/"}, "GET", "/tasks/x", true, true},
		{"exact path", Rule{Path: "/tasks/x"}, "GET", "/tasks/x", true, true},
		{"other path", Rule{Path: "/tasks/"}, "GET", "/assets/x", true, false},
		{"longer than the path", Rule{Path: "/tasks/xy"}, "GET", "/tasks/x", true, false},
		{"path hits a download", Rule{Path: "/files/"}, "GET", "/files/x.mp4", false, true},
		{"method and path", Rule{Method: "DELETE", Path: "/tasks/"}, "GET", "/tasks/x", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.rule.Matches(tc.method, tc.path, tc.api); got != tc.want {
				t.Errorf("%+v.Matches(%q, %q, %v) = %v, want %v", tc.rule, tc.method, tc.path, tc.api, got, tc.want)
			}
		})
	}
}

// A Fault matches with its Method and Path as a Rule and ignores its other
// fields.
func TestFaultMatches(t *testing.T) {
	tests := []struct {
		name   string
		f      Fault
		method string
		path   string
		api    bool
		want   bool
	}{
		{"empty fault hits an API request", Fault{Status: 503}, "GET", "/tasks/x", true, true},
		{"empty path never hits a download", Fault{Code: 500, Times: -1}, "GET", "/files/x.mp4", false, false},
		{"method", Fault{Method: "post", Drop: true}, "POST", "/gen3/video", true, true},
		{"other method", Fault{Method: "POST", Delay: time.Second}, "GET", "/gen3/video", true, false},
		{"path prefix", Fault{Path: "/tasks/", Body: "{"}, "GET", "/tasks/x", true, true},
		{"other path", Fault{Path: "/tasks/"}, "GET", "/assets/x", true, false},
		{"path hits a download", Fault{Path: "/files/"}, "GET", "/files/x.mp4", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Matches(tc.method, tc.path, tc.api); got != tc.want {
				t.Errorf("Matches(%q, %q, %v) = %v, want %v", tc.method, tc.path, tc.api, got, tc.want)
			}
			rule := Rule{Method: tc.f.Method, Path: tc.f.Path}
			if want := rule.Matches(tc.method, tc.path, tc.api); tc.want != want {
				t.Errorf("the table says %v, Rule.Matches says %v", tc.want, want)
			}
		})
	}
}

// Effects carries over a Fault's gateway-independent fields and the body
// limit, and nothing of its answer.
func TestFaultEffects(t *testing.T) {
	tests := []struct {
		name  string
		f     Fault
		limit int64
		want  Effects
	}{
		{"no effect", Fault{}, 0, Effects{}},
		{"answer fields only", Fault{Method: "POST", Path: "/x", Times: 3, Status: 429, Busy429: true, RetryAfter: "5", Code: 455, Msg: "m", MessageKey: true, Body: "{}"}, 0, Effects{}},
		{"delay with a body limit", Fault{Delay: time.Second}, 1 << 20, Effects{Delay: time.Second, BodyLimit: 1 << 20}},
		{"drop", Fault{Drop: true, Status: 503}, 0, Effects{Drop: true}},
		{"drop after create", Fault{DropAfterCreate: true}, 7, Effects{BodyLimit: 7, DropAfterHandling: true}},
		{"all of them", Fault{Delay: time.Millisecond, Drop: true, DropAfterCreate: true}, 1, Effects{Delay: time.Millisecond, BodyLimit: 1, Drop: true, DropAfterHandling: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Effects(tc.limit); got != tc.want {
				t.Errorf("Effects(%d) = %+v, want %+v", tc.limit, got, tc.want)
			}
		})
	}
}

func TestFaultSetRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		f      Fault
		before string // a Retry-After already set ("" for none)
		want   []string
	}{
		{"unset", Fault{Status: 429}, "", nil},
		{"unset keeps one already set", Fault{Status: 429}, "1", []string{"1"}},
		{"seconds", Fault{Status: 429, RetryAfter: "17"}, "", []string{"17"}},
		{"replaces one already set", Fault{RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"}, "1", []string{"Wed, 21 Oct 2015 07:28:00 GMT"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.before != "" {
				h.Set("Retry-After", tc.before)
			}
			tc.f.SetRetryAfter(h)
			if got := h.Values("Retry-After"); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Retry-After %q, want %q", got, tc.want)
			}
		})
	}
}

// taken takes n times from q with match and returns what came out ("" for
// nothing).
func taken(q *Queue[string], n int, match func(string) bool) []string {
	var got []string
	for range n {
		f, ok := q.Take(match)
		if !ok {
			f = ""
		}
		got = append(got, f)
	}
	return got
}

func TestQueueTimes(t *testing.T) {
	all := func(string) bool { return true }
	tests := []struct {
		name    string
		add     func(q *Queue[string])
		match   func(string) bool
		takes   int
		want    []string
		wantLen int
	}{
		{"empty queue", func(*Queue[string]) {}, all, 1, []string{""}, 0},
		{"Times 0 means once", func(q *Queue[string]) { q.Add("a", 0) }, all, 2, []string{"a", ""}, 0},
		{"Times 1", func(q *Queue[string]) { q.Add("a", 1) }, all, 2, []string{"a", ""}, 0},
		{"Times 3", func(q *Queue[string]) { q.Add("a", 3) }, all, 4, []string{"a", "a", "a", ""}, 0},
		{"negative Times until Clear", func(q *Queue[string]) { q.Add("a", -1) }, all, 5, []string{"a", "a", "a", "a", "a"}, 1},
		{"first added applies first", func(q *Queue[string]) {
			q.Add("a", 2)
			q.Add("b", 1)
		}, all, 4, []string{"a", "a", "b", ""}, 0},
		{"an unlimited fault shadows later ones", func(q *Queue[string]) {
			q.Add("a", -1)
			q.Add("b", 1)
		}, all, 3, []string{"a", "a", "a"}, 2},
		{"non-matching faults stay queued", func(q *Queue[string]) {
			q.Add("a", 1)
			q.Add("b", 2)
			q.Add("c", 1)
		}, func(f string) bool { return f != "a" }, 4, []string{"b", "b", "c", ""}, 1},
		{"nothing matches", func(q *Queue[string]) { q.Add("a", 1) }, func(string) bool { return false }, 2, []string{"", ""}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var q Queue[string]
			tc.add(&q)
			got := taken(&q, tc.takes, tc.match)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("took %q, want %q", got, tc.want)
			}
			if n := q.Len(); n != tc.wantLen {
				t.Errorf("Len() = %d, want %d", n, tc.wantLen)
			}
			q.Clear()
			if n := q.Len(); n != 0 {
				t.Errorf("Len() after Clear = %d", n)
			}
			if f, ok := q.Take(all); ok {
				t.Errorf("took %q after Clear", f)
			}
		})
	}
}

// The queue is shared by every request of a server: concurrent takes use up
// exactly Times (run with -race).
func TestQueueConcurrentTakes(t *testing.T) {
	var q Queue[int]
	q.Add(1, 50)
	var hits atomic.Int32
	done := make(chan struct{})
	for range 10 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 10 {
				if _, ok := q.Take(func(int) bool { return true }); ok {
					hits.Add(1)
				}
			}
		}()
	}
	for range 10 {
		<-done
	}
	if hits.Load() != 50 || q.Len() != 0 {
		t.Errorf("%d hits, %d left; want 50 and 0", hits.Load(), q.Len())
	}
}

// effectsServer serves on loopback a handler that applies fx, answering 418
// "override" when override is set, and otherwise 200 "handled" (counting
// the handled requests, whether or not their answer is sent).
func effectsServer(t *testing.T, fx Effects, override bool) (*httptest.Server, *atomic.Int32, chan string) {
	t.Helper()
	var handled atomic.Int32
	bodies := make(chan string, 4)
	handle := func(w http.ResponseWriter, r *http.Request) {
		handled.Add(1)
		b, _ := io.ReadAll(r.Body)
		bodies <- string(b)
		_, _ = io.WriteString(w, "handled")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer := func(w http.ResponseWriter) bool {
			if !override {
				return false
			}
			w.WriteHeader(http.StatusTeapot)
			_, _ = io.WriteString(w, "override")
			return true
		}
		if fx.Apply(w, r, answer, func(w http.ResponseWriter) { handle(w, r) }) {
			return
		}
		handle(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &handled, bodies
}

// post sends body without connection reuse (so that the transport cannot
// replay a request whose connection was dropped) and returns the answer.
func post(ctx context.Context, srv *httptest.Server, body string) (int, string, error) {
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/x", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestEffects(t *testing.T) {
	const delay = 100 * time.Millisecond
	tests := []struct {
		name        string
		fx          Effects
		override    bool
		wantStatus  int // 0: no answer (dropped connection)
		wantBody    string
		wantHandled int32
		minTime     time.Duration
	}{
		{"no effect: handled normally", Effects{}, false, 200, "handled", 1, 0},
		{"answer override", Effects{}, true, 418, "override", 0, 0},
		{"delay then handled", Effects{Delay: delay, BodyLimit: 1 << 10}, false, 200, "handled", 1, delay},
		{"delay then override", Effects{Delay: delay, BodyLimit: 1 << 10}, true, 418, "override", 0, delay},
		{"drop", Effects{Drop: true}, false, 0, "", 0, 0},
		{"drop wins over the override", Effects{Drop: true}, true, 0, "", 0, 0},
		{"delay then drop", Effects{Delay: delay, BodyLimit: 1 << 10, Drop: true}, false, 0, "", 0, delay},
		{"drop after handling", Effects{DropAfterHandling: true}, false, 0, "", 1, 0},
		{"override wins over drop after handling", Effects{DropAfterHandling: true}, true, 418, "override", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, handled, bodies := effectsServer(t, tc.fx, tc.override)
			start := time.Now()
			status, body, err := post(t.Context(), srv, `{"a":1}`)
			if elapsed := time.Since(start); elapsed < tc.minTime {
				t.Errorf("answered after %v, want at least %v", elapsed, tc.minTime)
			}
			switch {
			case tc.wantStatus == 0 && err == nil:
				t.Errorf("answered %d %q, want a dropped connection", status, body)
			case tc.wantStatus != 0 && err != nil:
				t.Errorf("no answer: %v", err)
			case status != tc.wantStatus || body != tc.wantBody:
				t.Errorf("answered %d %q, want %d %q", status, body, tc.wantStatus, tc.wantBody)
			}
			if n := handled.Load(); n != tc.wantHandled {
				t.Errorf("handled %d times, want %d", n, tc.wantHandled)
			}
			if tc.wantHandled > 0 {
				if b := <-bodies; b != `{"a":1}` {
					t.Errorf("the handler read %q", b)
				}
			}
		})
	}
}

// A client that gives up during a delay gets no answer, the server stops
// waiting at once and nothing is handled.
func TestEffectsDelayClientGone(t *testing.T) {
	gone := make(chan time.Duration, 1)
	var handled atomic.Int32
	fx := Effects{Delay: time.Minute, BodyLimit: 1 << 10}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if !fx.Apply(w, r, nil, nil) {
			handled.Add(1)
		}
		gone <- time.Since(start)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := post(ctx, srv, `{"a":1}`); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the client's deadline", err)
	}
	select {
	case d := <-gone:
		if d > 5*time.Second {
			t.Errorf("the server waited %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server still waits after the client gave up")
	}
	if handled.Load() != 0 {
		t.Error("handled after the client gave up")
	}
}

// Hold reads at most limit+1 bytes of the body before waiting and hands
// them back to the handler.
func TestHoldBodyLimit(t *testing.T) {
	tests := []struct {
		name, body, want string
		limit            int64
	}{
		{"under the limit", "abc", "abc", 10},
		{"at the limit", "abc", "abc", 3},
		{"over the limit: one byte more", "abcdef", "abcd", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(tc.body))
			if !Hold(r, time.Millisecond, tc.limit) {
				t.Fatal("Hold reported the client gone")
			}
			if b, _ := io.ReadAll(r.Body); string(b) != tc.want {
				t.Errorf("body %q, want %q", b, tc.want)
			}
		})
	}
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	if !Hold(r, time.Millisecond, 0) || r.Body != http.NoBody {
		t.Error("Hold without a body")
	}
}

// Without a connection to hijack (a recorder, HTTP/2) Drop aborts the
// handler, which the server turns into a reset.
func TestDropWithoutHijack(t *testing.T) {
	defer func() {
		p := recover()
		if err, _ := p.(error); !errors.Is(err, http.ErrAbortHandler) {
			t.Errorf("recovered %v, want http.ErrAbortHandler", p)
		}
	}()
	Drop(httptest.NewRecorder())
	t.Error("Drop returned")
}

func TestWriteBody(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		wantStatus int
	}{
		{"default 200", 0, `{"taskId":`, http.StatusOK},
		{"with a status", http.StatusBadGateway, `<html>bad gateway</html>`, http.StatusBadGateway},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteBody(rec, tc.status, "application/json", tc.body)
			if rec.Code != tc.wantStatus || rec.Body.String() != tc.body || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("answered %d %q as %q", rec.Code, rec.Body.String(), rec.Header().Get("Content-Type"))
			}
		})
	}
}
