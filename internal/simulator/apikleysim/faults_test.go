package apikleysim

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var genBody = map[string]any{"prompt": "a cat", "duration": 5, "quality": "720p", "aspectRatio": "16:9"}

func TestEnvelopeFaults(t *testing.T) {
	cases := []struct {
		name       string
		fault      Fault
		wantHTTP   int
		wantCode   int
		wantMsg    string
		wantRetry  string // the Retry-After header
		wantCreate int
	}{
		{"429 inside HTTP 200", Fault{Path: PathGenerate, Code: 429}, 200, 429, "Rate Limited", "", 0},
		{"455 maintenance", Fault{Method: http.MethodPost, Code: 455}, 200, 455, "maintenance", "", 0},
		{"500 with message", Fault{Path: PathGenerate, Code: 500, Msg: "boom"}, 200, 500, "boom", "", 0},
		{"HTTP 503 only", Fault{Path: PathGenerate, Status: 503}, 503, 503, "Service Unavailable", "", 0},
		{"HTTP 401 with code", Fault{Status: 401, Code: 401}, 401, 401, "Unauthorized", "", 0},
		{"429 with Retry-After", Fault{Path: PathGenerate, Code: 429, RetryAfter: "17"}, 200, 429, "Rate Limited", "17", 0},
		{"HTTP 503 with Retry-After", Fault{Path: PathGenerate, Status: 503, RetryAfter: "30"}, 503, 503, "Service Unavailable", "30", 0},
		{"other path untouched", Fault{Path: PathExtend, Code: 500}, 200, 200, "success", "", 1},
		{"other method untouched", Fault{Method: http.MethodGet, Code: 500}, 200, 200, "success", "", 1},
		{"no Retry-After when untouched", Fault{Path: PathExtend, Code: 429, RetryAfter: "17"}, 200, 200, "success", "", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := New(Options{})
			srv := start(t, g)
			g.Inject(tc.fault)
			a := call(t, srv, http.MethodPost, PathGenerate, genBody)
			if a.HTTP != tc.wantHTTP || a.Code != tc.wantCode || !strings.Contains(a.Msg, tc.wantMsg) {
				t.Errorf("HTTP %d code %d msg %q, want HTTP %d code %d msg ~%q", a.HTTP, a.Code, a.Msg, tc.wantHTTP, tc.wantCode, tc.wantMsg)
			}
			if got := a.Header.Get("Retry-After"); got != tc.wantRetry {
				t.Errorf("Retry-After %q, want %q", got, tc.wantRetry)
			}
			s := g.Stats()
			if s.Creates != tc.wantCreate || s.Codes[tc.wantCode] != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func TestFaultTimesAndClear(t *testing.T) {
	g := New(Options{})
	srv := start(t, g)
	g.Inject(Fault{Path: PathCredit, Code: 429, Times: 2})
	var codes []int
	for range 3 {
		codes = append(codes, call(t, srv, http.MethodGet, PathCredit, nil).Code)
	}
	if want := []int{429, 429, 200}; !equalInts(codes, want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
	g.Inject(Fault{Path: PathCredit, Code: 455, Times: -1}) // until cleared
	for range 3 {
		if c := call(t, srv, http.MethodGet, PathCredit, nil).Code; c != 455 {
			t.Errorf("code %d, want 455", c)
		}
	}
	g.ClearFaults()
	if c := call(t, srv, http.MethodGet, PathCredit, nil).Code; c != 200 {
		t.Errorf("after ClearFaults: code %d", c)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBodyFault(t *testing.T) {
	g := New(Options{})
	srv := start(t, g)
	g.Inject(Fault{Path: PathRecordDetail, Body: `{"code":200,"msg":"success","data":{"taskId":`, Times: 1})
	g.Inject(Fault{Path: PathRecordDetail, Body: `<html>bad gateway</html>`, Status: 502, RetryAfter: "9", Times: 1})
	for _, want := range []struct {
		status     int
		body       string
		retryAfter string
	}{{200, `{"code":200,"msg":"success","data":{"taskId":`, ""}, {502, `<html>bad gateway</html>`, "9"}} {
		resp, err := srv.Client().Get(srv.URL + PathRecordDetail + "?taskId=x")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want.status || string(b) != want.body {
			t.Errorf("got %d %q, want %d %q", resp.StatusCode, b, want.status, want.body)
		}
		if got := resp.Header.Get("Retry-After"); got != want.retryAfter {
			t.Errorf("Retry-After %q, want %q", got, want.retryAfter)
		}
	}
}

// post sends a create with the right key and returns the transport error.
func post(srv interface{ Client() *http.Client }, url string) error {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(`{"prompt":"a cat","duration":5,"quality":"720p","aspectRatio":"16:9"}`)))
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	resp, err := srv.Client().Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func TestDropFaults(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      Fault
		wantCreate int
	}{
		{"drop before processing", Fault{Path: PathGenerate, Drop: true, Times: 1}, 0},
		{"drop after create", Fault{Path: PathGenerate, DropAfterCreate: true, Times: 1}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := New(Options{Credits: 100})
			srv := start(t, g)
			g.Inject(tc.fault)
			if err := post(srv, srv.URL+PathGenerate); err == nil {
				t.Fatal("request succeeded, want a dropped connection")
			}
			s := g.Stats()
			if s.Creates != tc.wantCreate {
				t.Errorf("creates %d, want %d", s.Creates, tc.wantCreate)
			}
			a := call(t, srv, http.MethodGet, PathCredit, nil)
			if want := 100 - 12*tc.wantCreate; string(a.Data) != strconv.Itoa(want) {
				t.Errorf("balance %s, want %d", a.Data, want)
			}
		})
	}
}

func TestDelayFault(t *testing.T) {
	g := New(Options{})
	srv := start(t, g)
	g.Inject(Fault{Path: PathCredit, Delay: 150 * time.Millisecond, Times: 1})
	t0 := time.Now()
	if a := call(t, srv, http.MethodGet, PathCredit, nil); a.Code != 200 {
		t.Errorf("delayed answer code %d", a.Code)
	}
	if el := time.Since(t0); el < 150*time.Millisecond {
		t.Errorf("answered after %v, want >= 150ms", el)
	}

	// A client that gives up during the delay: nothing is processed.
	g.Inject(Fault{Path: PathGenerate, Delay: time.Minute, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+PathGenerate, strings.NewReader(`{}`))
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("want a timeout")
	}
	time.Sleep(50 * time.Millisecond)
	if s := g.Stats(); s.Creates != 0 {
		t.Errorf("creates %d", s.Creates)
	}
}

// Many concurrent creates and polls keep the counters exact (run with -race).
func TestConcurrentUse(t *testing.T) {
	g := New(Options{TaskDuration: 20 * time.Millisecond, Credits: 100000})
	srv := start(t, g)
	var wg sync.WaitGroup
	ids := make([]string, 40)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = generate(t, srv, "x", nil)
			for detail(t, srv, ids[i]).State != StateSuccess {
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	s := g.Stats()
	if s.Creates != len(ids) {
		t.Errorf("creates %d", s.Creates)
	}
	sum := 0
	for _, n := range s.Polls {
		sum += n
	}
	if sum != s.TotalPolls || len(s.Polls) != len(ids) {
		t.Errorf("polls %d over %d ids, total %d", sum, len(s.Polls), s.TotalPolls)
	}
}

// Path is a prefix; an empty Path hits API requests but never downloads.
func TestFaultMatching(t *testing.T) {
	g := New(Options{})
	srv := start(t, g)
	id := g.SeedTask("x")
	videoURL := detail(t, srv, id).VideoInfo.VideoURL
	download := func() int {
		resp, err := srv.Client().Get(videoURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	g.Inject(Fault{Code: 500, Times: -1})
	if s := download(); s != 200 {
		t.Errorf("download hit by an API fault: %d", s)
	}
	if a := call(t, srv, http.MethodGet, PathCredit, nil); a.Code != 500 {
		t.Errorf("API not hit: %d", a.Code)
	}
	g.ClearFaults()
	g.Inject(Fault{Path: FilesPrefix, Status: 503})
	if s := download(); s != 503 {
		t.Errorf("files fault: %d", s)
	}
	if s := download(); s != 200 {
		t.Errorf("Times 0 means once: %d", s)
	}
	g.Inject(Fault{Path: "/api/v1/runway/", Method: "get", Code: 455})
	if a := call(t, srv, http.MethodGet, PathRecordDetail+"?taskId="+id, nil); a.Code != 455 {
		t.Errorf("prefix fault: %d", a.Code)
	}
}
