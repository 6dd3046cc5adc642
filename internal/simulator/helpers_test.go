package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "user:1234-simulator"

var (
	demoVideo5s = "user:1234-runwayml:demo@runway.local-asset:" + DemoVideoLandscapeUUID
	demoVideo4s = "user:1234-runwayml:demo@runway.local-asset:" + DemoVideoGen2UUID
	demoImage   = "user:1234-runwayml:demo@runway.local-asset:" + DemoImageUUID
)

// fakeClock is an injectable clock: tests move time explicitly.
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

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a simulator behind a real loopback HTTP server.
type env struct {
	t      *testing.T
	sim    *Simulator
	srv    *httptest.Server
	clock  *fakeClock // nil when the real clock is used
	client *http.Client
}

// newEnv starts a simulator with demo assets and a fake clock unless opts
// sets Now (use realClock for the real one).
func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	e := &env{t: t}
	if opts.Now == nil {
		e.clock = newFakeClock()
		opts.Now = e.clock.Now
	}
	e.sim = New(opts)
	e.srv = httptest.NewServer(e.sim)
	t.Cleanup(e.srv.Close)
	e.client = e.srv.Client()
	e.client.Timeout = 10 * time.Second
	return e
}

// realClock marks Options to use time.Now (newEnv otherwise installs a fake).
func realClock(o Options) Options { o.Now = time.Now; return o }

func (e *env) advance(d time.Duration) { e.t.Helper(); e.clock.Advance(d) }

// request sends method to APIPrefix+path (or to path itself when it starts
// with "http"). body: nil, string (raw), []byte, or anything JSON-encodable.
func (e *env) request(method, path string, body any, header map[string]string) (*http.Response, []byte) {
	e.t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = e.srv.URL + APIPrefix + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp, data
}

// call is request returning the status and the decoded JSON body.
func (e *env) call(method, path string, body any) (int, any) {
	e.t.Helper()
	resp, data := e.request(method, path, body, nil)
	return resp.StatusCode, decodeJSON(e.t, data)
}

func decodeJSON(t *testing.T, data []byte) any {
	t.Helper()
	if len(data) == 0 {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, data)
	}
	return v
}

// create posts a create and requires status want; it returns the body.
func (e *env) create(path string, body map[string]any, want int) map[string]any {
	e.t.Helper()
	status, v := e.call(http.MethodPost, path, body)
	if status != want {
		e.t.Fatalf("POST %s %v: status %d, want %d: %v", path, body, status, want, v)
	}
	m, _ := v.(map[string]any)
	return m
}

func (e *env) getTask(id string) map[string]any {
	e.t.Helper()
	status, v := e.call(http.MethodGet, "/tasks/"+url.PathEscape(id), nil)
	if status != http.StatusOK {
		e.t.Fatalf("GET task %s: status %d: %v", id, status, v)
	}
	return v.(map[string]any)
}

func (e *env) getAsset(id string) (int, map[string]any) {
	e.t.Helper()
	status, v := e.call(http.MethodGet, "/assets/"+url.PathEscape(id), nil)
	m, _ := v.(map[string]any)
	return status, m
}

// fetch GETs an absolute URL without credentials (files are public with a jwt).
func (e *env) fetch(u string) (int, http.Header, []byte) {
	e.t.Helper()
	resp, err := e.client.Get(u)
	if err != nil {
		e.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func str(v any) string { s, _ := v.(string); return s }

func num(t *testing.T, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a JSON number", v, v)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// dig walks nested maps/arrays: dig(v, "artifacts", 0, "url").
func dig(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("dig %v: %v is not an object", path, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("dig %v: %v is not an array with index %d", path, v, k)
			}
			v = a[k]
		}
	}
	return v
}

func loadFixture(t *testing.T, name string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, data)
}

// keyDiff compares the key sets of want and got at every level of want:
// objects must have exactly the same keys, nested objects are compared
// recursively and each element of a got array is compared with want's first
// element. Paths in ignore (e.g. "options") are not descended into.
func keyDiff(path string, want, got any, ignore map[string]bool) []string {
	if ignore[path] {
		return nil
	}
	var diffs []string
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %T", path, got)}
		}
		// A single placeholder key ("<Runway account email>") stands for
		// any key: every key of got must match its value's shape.
		if len(w) == 1 {
			for k, wv := range w {
				if strings.HasPrefix(k, "<") && strings.HasSuffix(k, ">") {
					if len(g) == 0 {
						diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, k))
					}
					for gk, gv := range g {
						diffs = append(diffs, keyDiff(path+"."+gk, wv, gv, ignore)...)
					}
					return diffs
				}
			}
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, k))
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: unexpected", path, k))
			}
		}
		for k, wv := range w {
			if gv, ok := g[k]; ok && wv != nil {
				diffs = append(diffs, keyDiff(path+"."+k, wv, gv, ignore)...)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an array, got %T", path, got)}
		}
		if len(w) > 0 {
			for i, gv := range g {
				diffs = append(diffs, keyDiff(fmt.Sprintf("%s[%d]", path, i), w[0], gv, ignore)...)
			}
		}
	}
	sort.Strings(diffs)
	return diffs
}

func keysOf(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
