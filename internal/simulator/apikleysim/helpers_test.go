package apikleysim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a manual clock for deterministic life-cycle tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// answer is a decoded envelope plus the HTTP status and headers.
type answer struct {
	HTTP   int
	Header http.Header
	Code   int             `json:"code"`
	Msg    string          `json:"msg"`
	Data   json.RawMessage `json:"data"`
	Raw    []byte
}

// start serves g on loopback and closes both at the end of the test.
func start(t *testing.T, g *Gateway) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(g)
	t.Cleanup(func() {
		srv.Close()
		g.Close()
	})
	return srv
}

// call sends one API request with the default key and decodes the envelope.
func call(t *testing.T, srv *httptest.Server, method, path string, body any) answer {
	t.Helper()
	return callKey(t, srv, DefaultAPIKey, method, path, body)
}

func callKey(t *testing.T, srv *httptest.Server, key, method, path string, body any) answer {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{HTTP: resp.StatusCode, Header: resp.Header, Raw: raw}
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("%s %s: answer is not an envelope: %v: %s", method, path, err, raw)
	}
	return a
}

// generate creates a text-to-video task and returns its id.
func generate(t *testing.T, srv *httptest.Server, prompt string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"prompt": prompt, "duration": 5, "quality": "720p", "aspectRatio": "16:9"}
	for k, v := range extra {
		body[k] = v
	}
	a := call(t, srv, http.MethodPost, PathGenerate, body)
	return taskIDOf(t, a)
}

func taskIDOf(t *testing.T, a answer) string {
	t.Helper()
	if a.HTTP != 200 || a.Code != 200 {
		t.Fatalf("create: HTTP %d code %d msg %q", a.HTTP, a.Code, a.Msg)
	}
	var d struct {
		TaskID string `json:"taskId"`
	}
	if err := json.Unmarshal(a.Data, &d); err != nil || d.TaskID == "" {
		t.Fatalf("create: no taskId in %s", a.Raw)
	}
	return d.TaskID
}

// detail reads record-detail of id, expecting code 200.
func detail(t *testing.T, srv *httptest.Server, id string) taskDetail {
	t.Helper()
	a := call(t, srv, http.MethodGet, PathRecordDetail+"?taskId="+id, nil)
	if a.HTTP != 200 || a.Code != 200 {
		t.Fatalf("record-detail %s: HTTP %d code %d msg %q", id, a.HTTP, a.Code, a.Msg)
	}
	var d taskDetail
	if err := json.Unmarshal(a.Data, &d); err != nil {
		t.Fatalf("record-detail %s: %v", id, err)
	}
	return d
}

// readFixture reads a fixture from the client package's testdata, the one
// copy of the gateway's example bodies inside the module.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "apikley", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keySet lists every key path of a JSON document ("data.videoInfo.videoId"),
// so that two answers can be compared by shape, not by value.
func keySet(t *testing.T, raw []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, child := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, p)
			walk(p, child)
		}
	}
	walk("", v)
	sort.Strings(out)
	return out
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertSameJSON compares two JSON documents by meaning.
func assertSameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v: %s", err, want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("JSON differs:\n got %s\nwant %s", gb, wb)
	}
}
