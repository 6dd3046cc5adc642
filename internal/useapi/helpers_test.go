package useapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/testfake"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

const testToken = "user:1234-s3cr3tt0ken"

// recorded is what the fake gateway saw of one request.
type recorded struct {
	Method     string
	RequestURI string
	Path       string
	Query      map[string][]string
	Header     http.Header
	Body       []byte
}

// fakeGateway is an httptest server whose answers a test scripts; n is the
// 1-based index of the request.
type fakeGateway struct {
	t      *testing.T
	mu     sync.Mutex
	reqs   []recorded
	answer func(w http.ResponseWriter, r *http.Request, n int)
	srv    *httptest.Server
}

func newGateway(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, n int)) *fakeGateway {
	g := &fakeGateway{t: t, answer: answer}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.reqs = append(g.reqs, recorded{
			Method: r.Method, RequestURI: r.RequestURI, Path: r.URL.Path, Query: r.URL.Query(),
			Header: r.Header.Clone(), Body: body,
		})
		n := len(g.reqs)
		g.mu.Unlock()
		g.answer(w, r, n)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGateway) Endpoint() string { return g.srv.URL + "/v1/runwayml" }

func (g *fakeGateway) Requests() []recorded {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]recorded(nil), g.reqs...)
}

func (g *fakeGateway) Count() int { return len(g.Requests()) }

// reply writes a JSON body with a status.
func reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fakeClock is a clock whose Sleep advances it instantly.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

type logLine struct {
	Level  string
	Msg    string
	Fields map[string]any
}

type recLogger struct {
	mu    sync.Mutex
	lines []logLine
}

func (l *recLogger) Log(_ context.Context, level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{Level: level, Msg: msg, Fields: fields})
}

func (l *recLogger) Lines() []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logLine(nil), l.lines...)
}

func (l *recLogger) Text() string {
	var b strings.Builder
	for _, ln := range l.Lines() {
		fmt.Fprintf(&b, "%s %s %v\n", ln.Level, ln.Msg, ln.Fields)
	}
	return b.String()
}

func (l *recLogger) CountContaining(level, substr string) int {
	n := 0
	for _, ln := range l.Lines() {
		if ln.Level == level && strings.Contains(ln.Msg, substr) {
			n++
		}
	}
	return n
}

// testClient builds a client against g that never really sleeps.
func testClient(t *testing.T, g *fakeGateway, mod func(*Config)) (*Client, *testfake.Sleeper, *recLogger) {
	t.Helper()
	s := &testfake.Sleeper{}
	l := &recLogger{}
	cfg := Config{Endpoint: g.Endpoint(), Token: testToken, Config: transport.Config{
		UserAgent: "terraform-provider-runway/test",
		Logger:    l,
		Sleep:     s.Sleep,
		Rand:      func() float64 { return 0.5 },
	}}
	if mod != nil {
		mod(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, s, l
}

// taskBody returns the task_running fixture with status, progressRatio and
// estimatedTimeToStartSeconds replaced (raw JSON; "" keeps the fixture's).
func taskBody(t testing.TB, status, progress, est string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(readFixture(t, "task_running.json"), &m); err != nil {
		t.Fatal(err)
	}
	m["status"] = json.RawMessage(`"` + status + `"`)
	if progress != "" {
		m["progressRatio"] = json.RawMessage(progress)
	}
	if est != "" {
		m["estimatedTimeToStartSeconds"] = json.RawMessage(est)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
