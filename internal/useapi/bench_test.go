package useapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// BenchmarkWaitForTaskLoop (BenchmarkDecodeTask, in types_test.go, covers
// decoding alone) measures what one poll of WaitForTask costs the
// client besides the network: building the request, the transport, decoding
// the answer and planning the next poll. The gateway is an in-memory
// RoundTripper and sleeping only advances a fake clock, so one op is one poll
// of a task whose progress rises from 0 to 0.99 over the b.N polls.
func BenchmarkWaitForTaskLoop(b *testing.B) {
	running := progressBodies(b)
	succeeded, err := os.ReadFile(filepath.Join("testdata", "task_succeeded.json"))
	if err != nil {
		b.Fatal(err)
	}
	var done atomic.Int64
	n := int64(b.N)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		i := done.Add(1)
		body := succeeded
		if i < n {
			body = running[int(i*int64(len(running))/n)]
		}
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": []string{"application/json"}},
			Body:       io.NopCloser(bytes.NewReader(body)),
			Request:    r,
		}, nil
	})
	clock := &benchClock{now: time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)}
	c, err := NewClient(Config{
		Endpoint: "http://127.0.0.1:1/v1/runwayml",
		Token:    testToken,
		Config:   transport.Config{HTTPClient: &http.Client{Transport: rt}, Sleep: clock.Sleep},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	t, err := c.WaitForTask(context.Background(), "user:1234-runwayml:someone@example.com-task:3f0c1c2e", WaitOptions{
		Sleep: clock.Sleep,
		Now:   clock.Now,
	})
	b.StopTimer()
	if err != nil || t.Status != StatusSucceeded {
		b.Fatalf("WaitForTask: %v, %+v", err, t)
	}
	if got := done.Load(); got != n {
		b.Fatalf("%d polls for b.N = %d", got, n)
	}
}

// progressBodies returns the running fixture with progressRatio "0", "0.01",
// ... "0.99", as the gateway reports progress in steps of 0.01.
func progressBodies(b *testing.B) [][]byte {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "task_running.json"))
	if err != nil {
		b.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		b.Fatal(err)
	}
	out := make([][]byte, 100)
	for i := range out {
		m["progressRatio"] = strconv.FormatFloat(float64(i)/100, 'f', -1, 64)
		if out[i], err = json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// benchClock is a fake clock whose Sleep advances it instantly. Unlike the
// tests' fakeClock it records nothing, so it allocates nothing per poll.
type benchClock struct{ now time.Time }

func (c *benchClock) Now() time.Time { return c.now }

func (c *benchClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.now = c.now.Add(d)
	return nil
}
