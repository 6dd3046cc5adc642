package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/testfake"
)

func newTestClient(t *testing.T, cfg Config) (*Client, *testfake.Sleeper, *recLogger) {
	t.Helper()
	s := &testfake.Sleeper{}
	l := &recLogger{}
	if cfg.Sleep == nil {
		cfg.Sleep = s.Sleep
	}
	if cfg.Logger == nil {
		cfg.Logger = l
	}
	if cfg.Rand == nil {
		cfg.Rand = fixedRand(0.5)
	}
	return New(cfg), s, l
}

func TestIdempotentRetriedOnRetryableStatus(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		status   int
		failures int
	}{
		{"GET 500 once", http.MethodGet, 500, 1},
		{"GET 502 twice", http.MethodGet, 502, 2},
		{"GET 503 three times", http.MethodGet, 503, 3},
		{"GET 504 five times", http.MethodGet, 504, 5},
		{"GET 429 twice", http.MethodGet, 429, 2},
		{"DELETE 503 once", http.MethodDelete, 503, 1},
		{"GET 599 once", http.MethodGet, 599, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen counter
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != tc.method {
					t.Errorf("method = %s", r.Method)
				}
				if seen.Inc() <= tc.failures {
					w.WriteHeader(tc.status)
					fmt.Fprint(w, `{"error":"temporary"}`)
					return
				}
				fmt.Fprint(w, `{"ok":true}`)
			}))
			defer srv.Close()
			c, sl, _ := newTestClient(t, Config{})
			resp, err := c.Do(context.Background(), Request{Method: tc.method, URL: srv.URL + "/x", Idempotent: true})
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if resp.StatusCode != 200 || string(resp.Body) != `{"ok":true}` {
				t.Fatalf("resp = %d %s", resp.StatusCode, resp.Body)
			}
			if resp.Attempts != tc.failures+1 || seen.Get() != tc.failures+1 {
				t.Fatalf("attempts = %d, server saw %d, want %d", resp.Attempts, seen.Get(), tc.failures+1)
			}
			waits := sl.Waits()
			if len(waits) != tc.failures {
				t.Fatalf("waits = %v, want %d", waits, tc.failures)
			}
			for i, w := range waits {
				want := DefaultRetryPolicy().Backoff(i, fixedRand(0.5))
				if w != want {
					t.Errorf("wait %d = %v, want %v", i, w, want)
				}
			}
		})
	}
}

func TestNonRetryableStatusesReturnedAtOnce(t *testing.T) {
	for _, status := range []int{200, 201, 204, 400, 401, 403, 404, 412, 422, 501} {
		for _, idem := range []bool{true, false} {
			t.Run(fmt.Sprintf("%d idempotent=%v", status, idem), func(t *testing.T) {
				var seen counter
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					seen.Inc()
					w.WriteHeader(status)
					if status != 204 {
						fmt.Fprintf(w, `{"code":%d}`, status)
					}
				}))
				defer srv.Close()
				c, sl, _ := newTestClient(t, Config{})
				method := http.MethodGet
				if !idem {
					method = http.MethodPost
				}
				resp, err := c.Do(context.Background(), Request{Method: method, URL: srv.URL, Body: []byte(`{}`), Idempotent: idem})
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				if resp.StatusCode != status || resp.Attempts != 1 || seen.Get() != 1 || len(sl.Waits()) != 0 {
					t.Fatalf("status %d attempts %d seen %d waits %v", resp.StatusCode, resp.Attempts, seen.Get(), sl.Waits())
				}
			})
		}
	}
}

func TestRetriesExhaustedReturnLastResponse(t *testing.T) {
	tests := []struct {
		name       string
		maxRetries int
		wantTries  int
	}{
		{"default", 0, DefaultMaxRetries + 1},
		{"two", 2, 3},
		{"disabled", -1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen counter
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := seen.Inc()
				w.WriteHeader(503)
				fmt.Fprintf(w, "overloaded %d", n)
			}))
			defer srv.Close()
			c, sl, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxRetries: tc.maxRetries}})
			resp, err := c.Do(context.Background(), Request{URL: srv.URL, Idempotent: true})
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if resp.StatusCode != 503 || resp.Attempts != tc.wantTries || seen.Get() != tc.wantTries {
				t.Fatalf("status %d attempts %d seen %d", resp.StatusCode, resp.Attempts, seen.Get())
			}
			if want := fmt.Sprintf("overloaded %d", tc.wantTries); string(resp.Body) != want {
				t.Fatalf("body %q, want the last one %q", resp.Body, want)
			}
			if len(sl.Waits()) != tc.wantTries-1 {
				t.Fatalf("waits %v", sl.Waits())
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		method        string
		header        string
		maxRetryAfter time.Duration
		want          time.Duration
		tolerance     time.Duration
	}{
		{"GET 429 seconds", 429, "GET", "7", 0, 7 * time.Second, 0},
		{"GET 503 seconds", 503, "GET", "3", 0, 3 * time.Second, 0},
		{"GET 429 zero", 429, "GET", "0", 0, 0, 0},
		{"GET 429 capped by default", 429, "GET", "3600", 0, DefaultMaxRetryAfter, 0},
		{"GET 429 capped by policy", 429, "GET", "120", 5 * time.Second, 5 * time.Second, 0},
		{"GET 429 http date", 429, "GET", time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat), 0, 20 * time.Second, 2 * time.Second},
		{"GET 429 http date capped", 429, "GET", time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat), 0, DefaultMaxRetryAfter, 0},
		{"GET 429 garbage falls back to backoff", 429, "GET", "soon", 0, DefaultRetryPolicy().Backoff(0, fixedRand(0.5)), 0},
		{"POST 429 seconds", 429, "POST", "12", 0, 12 * time.Second, 0},
		{"POST 429 capped", 429, "POST", "999", 0, DefaultMaxRetryAfter, 0},
		{"POST 429 zero floored at MinBackoff", 429, "POST", "0", 0, DefaultMinBackoff, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen counter
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if seen.Inc() == 1 {
					w.Header().Set("Retry-After", tc.header)
					w.WriteHeader(tc.status)
					return
				}
				fmt.Fprint(w, "ok")
			}))
			defer srv.Close()
			busy := &testfake.Sleeper{}
			c, sl, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxRetryAfter: tc.maxRetryAfter}, BusyWait: busy.Sleep})
			resp, err := c.Do(context.Background(), Request{Method: tc.method, URL: srv.URL, Idempotent: tc.method == "GET"})
			if err != nil || resp.StatusCode != 200 || resp.Attempts != 2 {
				t.Fatalf("resp %+v err %v", resp, err)
			}
			waits := sl.Waits()
			if tc.method == "POST" {
				if len(waits) != 0 {
					t.Fatalf("POST 429 must use BusyWait, Sleep got %v", waits)
				}
				waits = busy.Waits()
			}
			if len(waits) != 1 {
				t.Fatalf("waits %v", waits)
			}
			if d := waits[0] - tc.want; d > tc.tolerance || -d > tc.tolerance {
				t.Fatalf("wait %v, want %v±%v", waits[0], tc.want, tc.tolerance)
			}
		})
	}
}

func TestNeverWaitsPastDeadline(t *testing.T) {
	tests := []struct {
		name   string
		method string
		idem   bool
		status int
		header string
		retry  RetryPolicy
	}{
		{"GET Retry-After beyond deadline", "GET", true, 503, "10", RetryPolicy{}},
		{"GET backoff beyond deadline", "GET", true, 502, "", RetryPolicy{MinBackoff: 5 * time.Second}},
		{"POST busy beyond deadline", "POST", false, 429, "", RetryPolicy{}},
		{"POST busy Retry-After beyond deadline", "POST", false, 429, "30", RetryPolicy{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen counter
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen.Inc()
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, `{"error":"later"}`)
			}))
			defer srv.Close()
			// Real sleeping: the point is that the call returns promptly.
			c := New(Config{Retry: tc.retry, Rand: fixedRand(0.5)})
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			start := time.Now()
			resp, err := c.Do(ctx, Request{Method: tc.method, URL: srv.URL, Idempotent: tc.idem})
			if el := time.Since(start); el > time.Second {
				t.Fatalf("took %v, should have returned at once", el)
			}
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if resp.StatusCode != tc.status || string(resp.Body) != `{"error":"later"}` || seen.Get() != 1 {
				t.Fatalf("resp %d %s seen %d", resp.StatusCode, resp.Body, seen.Get())
			}
		})
	}
}

func TestPostResubmittedAfter429UntilAccepted(t *testing.T) {
	const busyAnswers = 8 // more than MaxRetries: the busy loop has no count limit
	var seen, accepted counter
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if seen.Inc() <= busyAnswers {
			w.WriteHeader(429)
			fmt.Fprint(w, `{"error":"Account x is busy executing 1 tasks","code":429}`)
			return
		}
		accepted.Inc()
		fmt.Fprint(w, `{"taskId":"t1"}`)
	}))
	defer srv.Close()
	busy := &testfake.Sleeper{}
	c, sl, logs := newTestClient(t, Config{BusyWait: busy.Sleep, Rand: fixedRand(0.25)})
	resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL + "/gen3/video", Body: []byte(`{"a":1}`), ContentType: "application/json"})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if resp.StatusCode != 200 || resp.Attempts != busyAnswers+1 || accepted.Get() != 1 {
		t.Fatalf("status %d attempts %d accepted %d", resp.StatusCode, resp.Attempts, accepted.Get())
	}
	for i, b := range bodies {
		if b != `{"a":1}` {
			t.Fatalf("body %d = %q: the JSON body must be re-sent in full", i, b)
		}
	}
	if len(sl.Waits()) != 0 {
		t.Fatalf("Sleep used for busy waits: %v", sl.Waits())
	}
	want := DefaultBusyMinBackoff + (DefaultBusyMaxBackoff-DefaultBusyMinBackoff)/4
	for _, w := range busy.Waits() {
		if w != want {
			t.Fatalf("busy wait %v, want %v", w, want)
		}
	}
	if len(busy.Waits()) != busyAnswers {
		t.Fatalf("busy waits %d", len(busy.Waits()))
	}
	if logs.Count(LevelWarn) != busyAnswers {
		t.Fatalf("warn lines %d\n%s", logs.Count(LevelWarn), logs.Text())
	}
}

func TestBusyJitterWithinBounds(t *testing.T) {
	p := RetryPolicy{BusyMinBackoff: 10 * time.Second, BusyMaxBackoff: 30 * time.Second}
	for _, r := range []float64{0, 0.1, 0.5, 0.999, 1, -1, 2} {
		d := p.BusyBackoff(fixedRand(r))
		if d < 10*time.Second || d > 30*time.Second {
			t.Errorf("rand %v: %v out of [10s,30s]", r, d)
		}
	}
}

func TestBusyWaitMayReturnEarly(t *testing.T) {
	var seen counter
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Inc() == 1 {
			w.WriteHeader(429)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	calls := 0
	c := New(Config{BusyWait: func(ctx context.Context, d time.Duration) error {
		calls++
		return nil // capacity was freed: resubmit now
	}})
	start := time.Now()
	resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL})
	if err != nil || resp.StatusCode != 200 || calls != 1 || time.Since(start) > time.Second {
		t.Fatalf("resp %v err %v calls %d", resp, err, calls)
	}
}

func TestPostServerErrorsNotRetried(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			var seen counter
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen.Inc()
				w.WriteHeader(status)
			}))
			defer srv.Close()
			c, sl, _ := newTestClient(t, Config{})
			resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte("{}")})
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if resp.StatusCode != status || seen.Get() != 1 || len(sl.Waits()) != 0 {
				t.Fatalf("status %d seen %d waits %v", resp.StatusCode, seen.Get(), sl.Waits())
			}
		})
	}
}

func TestPostConnectionDroppedAfterSendIsOutcomeUnknown(t *testing.T) {
	tests := []struct {
		name    string
		handler func(t *testing.T, w http.ResponseWriter, r *http.Request)
	}{
		{"closed after body read", func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			hijackClose(t, w)
		}},
		{"closed mid body", func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"taskId":"user:1-runwayml:a@b.c-task:`))
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen counter
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen.Inc()
				tc.handler(t, w, r)
			}))
			defer srv.Close()
			c, sl, _ := newTestClient(t, Config{})
			resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL + "/v1/runwayml/gen3/video?secret=1", Body: []byte(`{"assetId":"x"}`)})
			if resp != nil {
				t.Fatalf("resp = %+v", resp)
			}
			var ou *OutcomeUnknownError
			if !errors.As(err, &ou) {
				t.Fatalf("err = %T %v, want *OutcomeUnknownError", err, err)
			}
			if ou.Method != "POST" || ou.URL != "/v1/runwayml/gen3/video" {
				t.Fatalf("outcome error %+v", ou)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error leaks the query string: %v", err)
			}
			if seen.Get() != 1 || len(sl.Waits()) != 0 {
				t.Fatalf("server saw %d requests, waits %v: must never resend", seen.Get(), sl.Waits())
			}
		})
	}
}

func TestPostCancelledInFlightIsOutcomeUnknown(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, _, _ := newTestClient(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, Request{Method: "POST", URL: srv.URL, Body: []byte("{}")})
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want OutcomeUnknownError wrapping the deadline", err)
	}
}

func closedPortURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/gen3/video"
}

func TestPostRefusedConnectionRetried(t *testing.T) {
	t.Run("closed port", func(t *testing.T) {
		c, sl, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxRetries: 3}})
		resp, err := c.Do(context.Background(), Request{Method: "POST", URL: closedPortURL(t), Body: []byte("{}")})
		if resp != nil {
			t.Fatalf("resp %+v", resp)
		}
		var ou *OutcomeUnknownError
		if errors.As(err, &ou) {
			t.Fatalf("a refused connection sent nothing; got %v", err)
		}
		var re *RequestError
		if !errors.As(err, &re) || re.Attempts != 4 || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("err = %#v", err)
		}
		if len(sl.Waits()) != 3 {
			t.Fatalf("waits %v", sl.Waits())
		}
	})
	t.Run("refused twice then accepted", func(t *testing.T) {
		var seen counter
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen.Inc()
			fmt.Fprint(w, `{"taskId":"t"}`)
		}))
		defer srv.Close()
		var dials atomic.Int32
		tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dials.Add(1) <= 2 {
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.AddrError{Err: "refused"}}
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}}
		defer tr.CloseIdleConnections()
		c, sl, _ := newTestClient(t, Config{HTTPClient: &http.Client{Transport: tr}})
		resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte("{}")})
		if err != nil || resp.StatusCode != 200 || resp.Attempts != 3 || seen.Get() != 1 || len(sl.Waits()) != 2 {
			t.Fatalf("resp %+v err %v seen %d waits %v", resp, err, seen.Get(), sl.Waits())
		}
	})
}

func TestIsNotSent(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{syscall.ECONNREFUSED, true},
		{fmt.Errorf("wrapped: %w", &net.OpError{Op: "dial", Err: errors.New("no route")}), true},
		{&net.OpError{Op: "read", Err: syscall.ECONNRESET}, false},
		{io.EOF, false},
		{context.DeadlineExceeded, false},
	}
	for _, tc := range tests {
		if got := IsNotSent(tc.err); got != tc.want {
			t.Errorf("IsNotSent(%v) = %v", tc.err, got)
		}
	}
}

func TestDroppedConnectionOnGetRetried(t *testing.T) {
	var seen counter
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Inc() == 1 {
			hijackClose(t, w)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	c, sl, _ := newTestClient(t, Config{})
	resp, err := c.Do(context.Background(), Request{URL: srv.URL + "/tasks/x", Idempotent: true})
	if err != nil || resp.StatusCode != 200 || string(resp.Body) != "ok" || seen.Get() != 2 || len(sl.Waits()) != 1 {
		t.Fatalf("resp %+v err %v seen %d waits %v", resp, err, seen.Get(), sl.Waits())
	}
}

func TestGetConnectionErrorsExhausted(t *testing.T) {
	c, sl, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxRetries: 2}})
	_, err := c.Do(context.Background(), Request{URL: closedPortURL(t), Idempotent: true})
	var re *RequestError
	if !errors.As(err, &re) || re.Attempts != 3 || re.URL != "/gen3/video" || len(sl.Waits()) != 2 {
		t.Fatalf("err %v waits %v", err, sl.Waits())
	}
}

func TestAttemptTimeoutRetriesHungGet(t *testing.T) {
	var seen counter
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Inc() == 1 {
			<-r.Context().Done()
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	c, _, _ := newTestClient(t, Config{AttemptTimeout: 50 * time.Millisecond})
	resp, err := c.Do(context.Background(), Request{URL: srv.URL, Idempotent: true})
	if err != nil || resp.StatusCode != 200 || resp.Attempts != 2 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
}

func TestBodyCap(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		limit   int64
		idem    bool
		status  int
		wantErr bool
		outcome bool
	}{
		{"exactly at cap", 64, 64, true, 200, false, false},
		{"one over cap GET", 65, 64, true, 200, true, false},
		{"large GET", 1 << 20, 1024, true, 200, true, false},
		{"over cap POST 200 is outcome unknown", 100, 64, false, 200, true, true},
		{"over cap POST 400 is a plain error", 100, 64, false, 400, true, false},
		{"over cap POST 408 is outcome unknown", 100, 64, false, 408, true, true},
		{"over cap POST 504 is outcome unknown", 100, 64, false, 504, true, true},
		{"over cap POST 501 is a plain error", 100, 64, false, 501, true, false},
		{"default cap ok", 1 << 20, 0, true, 200, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen counter
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen.Inc()
				w.WriteHeader(tc.status)
				_, _ = w.Write(bytes.Repeat([]byte("a"), tc.size))
			}))
			defer srv.Close()
			c, _, _ := newTestClient(t, Config{MaxBodyBytes: tc.limit})
			method := "GET"
			if !tc.idem {
				method = "POST"
			}
			resp, err := c.Do(context.Background(), Request{Method: method, URL: srv.URL, Idempotent: tc.idem})
			if !tc.wantErr {
				if err != nil || len(resp.Body) != tc.size {
					t.Fatalf("err %v", err)
				}
				return
			}
			var big *BodyTooLargeError
			if !errors.As(err, &big) || big.StatusCode != tc.status {
				t.Fatalf("err = %v, want BodyTooLargeError", err)
			}
			var ou *OutcomeUnknownError
			if errors.As(err, &ou) != tc.outcome {
				t.Fatalf("outcome unknown = %v, want %v (%v)", !tc.outcome, tc.outcome, err)
			}
			if seen.Get() != 1 {
				t.Fatalf("an oversized body must not be retried; seen %d", seen.Get())
			}
		})
	}
}

func TestContextCancellationStopsWaits(t *testing.T) {
	tests := []struct {
		name   string
		method string
		idem   bool
		status int
	}{
		{"GET backoff", "GET", true, 503},
		{"POST busy wait", "POST", false, 429},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			// Real sleep with long waits and no deadline: only cancel can end it.
			c := New(Config{Retry: RetryPolicy{MinBackoff: time.Hour, MaxBackoff: time.Hour, BusyMinBackoff: time.Hour, BusyMaxBackoff: time.Hour}})
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			start := time.Now()
			resp, err := c.Do(ctx, Request{Method: tc.method, URL: srv.URL, Idempotent: tc.idem})
			if time.Since(start) > 2*time.Second {
				t.Fatalf("cancel did not stop the wait")
			}
			if resp != nil || !errors.Is(err, context.Canceled) {
				t.Fatalf("resp %v err %v", resp, err)
			}
			var ou *OutcomeUnknownError
			if errors.As(err, &ou) {
				t.Fatalf("cancelling a wait after 429 is not an unknown outcome: %v", err)
			}
		})
	}
	t.Run("already cancelled sends nothing", func(t *testing.T) {
		var seen counter
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Inc() }))
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := New(Config{}).Do(ctx, Request{Method: "POST", URL: srv.URL})
		var ou *OutcomeUnknownError
		if !errors.Is(err, context.Canceled) || errors.As(err, &ou) || seen.Get() != 0 {
			t.Fatalf("err %v seen %d", err, seen.Get())
		}
	})
}

func TestStreamedBodyReopenedPerAttempt(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789"), 1000)
	var seen counter
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !bytes.Equal(b, payload) {
			t.Errorf("body len %d, want %d", len(b), len(payload))
		}
		if r.ContentLength != int64(len(payload)) {
			t.Errorf("Content-Length %d", r.ContentLength)
		}
		if r.Header.Get("Content-Type") != "video/mp4" {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		if seen.Inc() == 1 {
			w.WriteHeader(429)
			return
		}
		fmt.Fprint(w, `{"assetId":"a"}`)
	}))
	defer srv.Close()
	opens, closes := 0, 0
	open := func() (io.Reader, int64, error) {
		opens++
		return &closeCounter{Reader: bytes.NewReader(payload), n: &closes}, int64(len(payload)), nil
	}
	c, _, _ := newTestClient(t, Config{BusyWait: (&testfake.Sleeper{}).Sleep})
	resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, BodyReader: open, ContentType: "video/mp4"})
	if err != nil || resp.StatusCode != 200 || opens != 2 || closes != 2 {
		t.Fatalf("resp %+v err %v opens %d closes %d", resp, err, opens, closes)
	}
}

type closeCounter struct {
	io.Reader
	n *int
}

func (c *closeCounter) Close() error { *c.n++; return nil }

func TestBodyReaderErrorsAreLocal(t *testing.T) {
	var seen counter
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Inc() }))
	defer srv.Close()
	boom := errors.New("file vanished")
	c, _, _ := newTestClient(t, Config{})
	_, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, BodyReader: func() (io.Reader, int64, error) { return nil, 0, boom }})
	var ou *OutcomeUnknownError
	if !errors.Is(err, boom) || errors.As(err, &ou) || seen.Get() != 0 {
		t.Fatalf("err %v seen %d", err, seen.Get())
	}
}

func TestHeadersAndLoggingRedaction(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer s3cr3t-token" {
			t.Errorf("Authorization %q", got)
		}
		if got := r.Header.Get("User-Agent"); got != "terraform-provider-runway/test" {
			t.Errorf("User-Agent %q", got)
		}
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type %q", got)
		}
		if r.URL.RawQuery != "email=someone%40example.com&key=qu3ry-s3cr3t" {
			t.Errorf("query %q", r.URL.RawQuery)
		}
		w.Header().Set("Set-Cookie", "session=c00kie")
		w.WriteHeader(503)
		fmt.Fprint(w, "b0dy-s3cr3t")
	}))
	defer srv.Close()
	c, _, logs := newTestClient(t, Config{UserAgent: "terraform-provider-runway/test", Retry: RetryPolicy{MaxRetries: 1}})
	h := http.Header{}
	h.Set("Authorization", "Bearer s3cr3t-token")
	resp, err := c.Do(context.Background(), Request{
		URL: srv.URL + "/v1/tasks/a?email=someone%40example.com&key=qu3ry-s3cr3t", Header: h, Idempotent: true,
		Body: []byte(`{"p":"b0dy-s3cr3t"}`), ContentType: "application/json",
	})
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	text := logs.Text()
	for _, secret := range []string{"s3cr3t", "c00kie", "email=", "Bearer"} {
		if strings.Contains(text, secret) {
			t.Fatalf("log contains %q:\n%s", secret, text)
		}
	}
	var debug []logLine
	for _, l := range logs.Lines() {
		if l.Level == LevelDebug {
			debug = append(debug, l)
		}
	}
	if len(debug) != 2 || logs.Count(LevelWarn) != 1 {
		t.Fatalf("want 2 debug + 1 warn lines:\n%s", text)
	}
	for i, l := range debug {
		for _, k := range []string{"method", "path", "status", "latency_ms", "attempt"} {
			if _, ok := l.Fields[k]; !ok {
				t.Fatalf("debug line lacks %q: %v", k, l.Fields)
			}
		}
		if l.Fields["path"] != "/v1/tasks/a" || l.Fields["attempt"] != i+1 || l.Fields["status"] != 503 {
			t.Fatalf("fields %v", l.Fields)
		}
	}
	for _, l := range logs.Lines() {
		if l.Level == LevelWarn {
			if _, ok := l.Fields["reason"]; !ok {
				t.Fatalf("warn line lacks reason: %v", l.Fields)
			}
			if _, ok := l.Fields["delay_ms"]; !ok {
				t.Fatalf("warn line lacks delay_ms: %v", l.Fields)
			}
		}
	}
}

func TestInvalidURL(t *testing.T) {
	for _, u := range []string{"", "/relative", "://bad", "http://"} {
		_, err := New(Config{}).Do(context.Background(), Request{URL: u})
		var re *RequestError
		if !errors.As(err, &re) {
			t.Errorf("%q: err %v", u, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{MinBackoff: time.Second, MaxBackoff: 10 * time.Second}
	tests := []struct {
		n    int
		r    float64
		want time.Duration
	}{
		{0, 0, time.Second}, // floored at MinBackoff
		{0, 1, time.Second},
		{1, 0, time.Second},
		{1, 1, 2 * time.Second},
		{2, 0.5, 3 * time.Second},
		{3, 1, 8 * time.Second},
		{4, 1, 10 * time.Second}, // capped
		{4, 0, 5 * time.Second},
		{60, 1, 10 * time.Second}, // no overflow
		{1000, 0.5, 7500 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := p.Backoff(tc.n, fixedRand(tc.r)); got != tc.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", tc.n, tc.r, got, tc.want)
		}
	}
	if got := p.Backoff(3, nil); got != 8*time.Second {
		t.Errorf("nil rand = %v", got)
	}
}

func TestRetryPolicyDefaults(t *testing.T) {
	got := RetryPolicy{MinBackoff: time.Minute, MaxBackoff: time.Second, BusyMinBackoff: time.Minute, BusyMaxBackoff: time.Second, MaxRetries: -3}.withDefaults()
	if got.MaxRetries != 0 || got.MaxBackoff != time.Minute || got.BusyMaxBackoff != time.Minute || got.MaxRetryAfter != DefaultMaxRetryAfter {
		t.Fatalf("%+v", got)
	}
	d := DefaultRetryPolicy()
	if d.MaxRetries != 5 || d.MinBackoff != time.Second || d.MaxBackoff != 30*time.Second ||
		d.BusyMinBackoff != 10*time.Second || d.BusyMaxBackoff != 30*time.Second || d.MaxRetryAfter != 60*time.Second {
		t.Fatalf("defaults %+v", d)
	}
	if New(Config{}).RetryPolicy() != d {
		t.Fatalf("client policy differs from defaults")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		v      string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"5", 5 * time.Second, true},
		{" 30 ", 30 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"99999999999999999", time.Duration(1<<63 - 1).Truncate(time.Second), true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"tomorrow", 0, false},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.v != "" {
			h.Set("Retry-After", tc.v)
		}
		got, ok := ParseRetryAfter(h, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%q: got %v %v, want %v %v", tc.v, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestSleepContext(t *testing.T) {
	if err := SleepContext(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := SleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := SleepContext(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

func TestErrorMessages(t *testing.T) {
	ou := &OutcomeUnknownError{Method: "POST", URL: "/v1/runwayml/gen3/video", Err: io.EOF}
	if !strings.Contains(ou.Error(), "POST /v1/runwayml/gen3/video") || !strings.Contains(ou.Error(), "may have") || !errors.Is(ou, io.EOF) {
		t.Errorf("%v", ou)
	}
	ou.StatusCode = 200
	if !strings.Contains(ou.Error(), "HTTP 200") {
		t.Errorf("%v", ou)
	}
	re := &RequestError{Method: "GET", URL: "/x", Attempts: 3, Err: syscall.ECONNREFUSED}
	if !strings.Contains(re.Error(), "after 3 attempts") || !errors.Is(re, syscall.ECONNREFUSED) {
		t.Errorf("%v", re)
	}
	if (&RequestError{Method: "GET", URL: "/x", Attempts: 1, Err: io.EOF}).Error() != "GET /x: EOF" {
		t.Errorf("single attempt message")
	}
	if !strings.Contains((&BodyTooLargeError{Limit: 10, StatusCode: 200}).Error(), "10-byte") {
		t.Errorf("body too large message")
	}
}

func TestTLSFailureIsNotAnUnknownOutcome(t *testing.T) {
	var seen counter
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Inc() }))
	defer srv.Close()
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	for _, idem := range []bool{false, true} {
		// The default client does not trust the test server's certificate.
		c, sl, _ := newTestClient(t, Config{})
		_, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte("{}"), Idempotent: idem})
		var ou *OutcomeUnknownError
		var re *RequestError
		if errors.As(err, &ou) || !errors.As(err, &re) || !strings.Contains(err.Error(), "nothing was sent") {
			t.Fatalf("err %v", err)
		}
		if len(sl.Waits()) != 0 || seen.Get() != 0 {
			t.Fatalf("a certificate problem must not be retried: waits %v", sl.Waits())
		}
	}
}
