package apikley

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tfrunway/terraform-provider-runway/internal/testfake"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

const testKey = "test-key-s3cr3t"

// fixture reads a gateway example body from testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// logger records log lines.
type logger struct {
	mu    sync.Mutex
	lines []string
}

func (l *logger) Log(_ context.Context, level, msg string, fields map[string]any) {
	b, _ := json.Marshal(fields)
	l.mu.Lock()
	l.lines = append(l.lines, level+" "+msg+" "+string(b))
	l.mu.Unlock()
}

func (l *logger) Text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// harness is a client wired to fake waits.
type harness struct {
	c     *Client
	sleep *testfake.Sleeper // read retries, transport backoff and polls
	busy  *testfake.Sleeper // create resubmits
	log   *logger
}

func newHarness(t testing.TB, endpoint string, mod func(*Config)) *harness {
	t.Helper()
	h := &harness{sleep: &testfake.Sleeper{}, busy: &testfake.Sleeper{}, log: &logger{}}
	cfg := Config{Endpoint: endpoint, APIKey: testKey, Config: transport.Config{
		Logger:   h.log,
		Sleep:    h.sleep.Sleep,
		BusyWait: h.busy.Sleep,
		Rand:     func() float64 { return 0.5 },
	}}
	if mod != nil {
		mod(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	return h
}

// reply is one scripted answer.
type reply struct {
	status int
	body   string
}

// scripted serves the replies in order (the last one repeats) and records
// the requests.
type scripted struct {
	*httptest.Server
	mu       sync.Mutex
	replies  []reply
	requests []*http.Request
	bodies   [][]byte
}

func newScripted(t testing.TB, replies ...reply) *scripted {
	s := &scripted{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, r)
		s.bodies = append(s.bodies, buf.Bytes())
		rep := s.replies[min(n, len(s.replies)-1)]
		s.mu.Unlock()
		status := rep.status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(rep.body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *scripted) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *scripted) request(i int) (*http.Request, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[i], s.bodies[i]
}

// env builds an envelope answer.
func env(code int, msg string, data any) string {
	b, err := json.Marshal(map[string]any{"code": code, "msg": msg, "data": data})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// sameJSON compares two JSON documents by meaning.
func sameJSON(t testing.TB, got, want []byte) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v", err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	return bytes.Equal(gb, wb)
}

func validGenerate() *GenerateRequest {
	return &GenerateRequest{Prompt: "a cat dancing", Duration: 5, Quality: Quality720p, AspectRatio: "16:9"}
}
