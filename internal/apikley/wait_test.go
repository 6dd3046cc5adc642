package apikley

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func detailBody(state string) string {
	return env(200, "success", map[string]any{
		"taskId": "t", "parentTaskId": "", "state": state, "generateTime": "", "videoInfo": nil,
		"failCode": 400, "failMsg": "", "expireFlag": 0,
		"generateParam": map[string]any{"prompt": "p", "imageUrl": "", "expandPrompt": false},
	})
}

// The interval starts at MinInterval, grows gently while the state holds,
// is capped at MaxInterval and resets on every state change; unknown states
// keep the wait going (and are logged once).
func TestWaitCadence(t *testing.T) {
	var replies []reply
	add := func(state string, n int) {
		for range n {
			replies = append(replies, reply{200, detailBody(state)})
		}
	}
	add(StateWait, 2)
	add(StateQueueing, 1)
	add("paused", 2)
	add(StateGenerating, 12)
	replies = append(replies, reply{200, string(fixture(t, "apikley_record_detail_success.json"))})
	srv := newScripted(t, replies...)
	h := newHarness(t, srv.URL, nil)
	var seen []string
	d, err := h.c.WaitForTask(context.Background(), "t", WaitOptions{
		MinInterval: 2 * time.Second, MaxInterval: 10 * time.Second,
		OnPoll: func(d *TaskDetail) { seen = append(seen, d.State) },
	})
	if err != nil || d.State != StateSuccess || d.VideoInfo == nil {
		t.Fatalf("%+v %v", d, err)
	}
	if len(seen) != len(replies) || seen[len(seen)-1] != StateSuccess {
		t.Errorf("OnPoll saw %v", seen)
	}
	s := time.Second
	ms := time.Millisecond
	want := []time.Duration{
		2 * s, 2500 * ms, // wait, wait
		2 * s,            // queueing (reset)
		2 * s, 2500 * ms, // paused (unknown, reset), paused
		2 * s, 2500 * ms, 3125 * ms, 3906250 * us, 4882812500, 6103515625, 7629394531, 9536743163, 10 * s, 10 * s, 10 * s, 10 * s,
	}
	got := h.sleep.Waits()
	if len(got) != len(want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	for i := range want {
		if diff := got[i] - want[i]; diff < -ms || diff > ms {
			t.Errorf("wait %d = %v, want %v", i, got[i], want[i])
		}
	}
	if n := strings.Count(h.log.Text(), "unknown task state"); n != 1 {
		t.Errorf("unknown state logged %d times:\n%s", n, h.log.Text())
	}
}

const us = time.Microsecond

// A failed task is a result, not an error; failCode is not what decides.
func TestWaitReturnsFailedTask(t *testing.T) {
	srv := newScripted(t, reply{200, string(fixture(t, "apikley_record_detail_fail.json"))})
	h := newHarness(t, srv.URL, nil)
	d, err := h.c.WaitForTask(context.Background(), "t", WaitOptions{})
	if err != nil || d.State != StateFail || !strings.Contains(d.FailMsg, "moderator") || len(h.sleep.Waits()) != 0 {
		t.Fatalf("%+v %v waits %v", d, err, h.sleep.Waits())
	}
}

// Transient trouble is waited out; a definitive answer ends the wait.
func TestWaitErrors(t *testing.T) {
	t.Run("transient then success", func(t *testing.T) {
		srv := newScripted(t,
			reply{200, detailBody(StateGenerating)},
			reply{502, "<html>bad gateway</html>"},
			reply{200, "<html>proxy page</html>"},
			reply{200, env(500, "Server Error", nil)},
			reply{200, string(fixture(t, "apikley_record_detail_success.json"))})
		h := newHarness(t, srv.URL, func(c *Config) { c.Retry.MaxRetries = -1 })
		d, err := h.c.WaitForTask(context.Background(), "t", WaitOptions{})
		if err != nil || d.State != StateSuccess {
			t.Fatalf("%+v %v", d, err)
		}
		if n := strings.Count(h.log.Text(), "polling failed"); n != 3 {
			t.Errorf("%d poll failures logged:\n%s", n, h.log.Text())
		}
	})
	t.Run("not found ends the wait", func(t *testing.T) {
		srv := newScripted(t, reply{200, detailBody(StateQueueing)}, reply{200, env(404, "not found", nil)})
		h := newHarness(t, srv.URL, nil)
		d, err := h.c.WaitForTask(context.Background(), "t", WaitOptions{})
		if !IsNotFound(err) || d == nil || d.State != StateQueueing || srv.count() != 2 {
			t.Fatalf("%+v %v", d, err)
		}
	})
	t.Run("persistent garbage ends the wait", func(t *testing.T) {
		srv := newScripted(t, reply{200, "garbage"})
		h := newHarness(t, srv.URL, nil)
		_, err := h.c.WaitForTask(context.Background(), "t", WaitOptions{})
		if !errors.As(err, new(*DecodeError)) || srv.count() != maxDecodeFailures {
			t.Fatalf("%v after %d polls", err, srv.count())
		}
	})
	t.Run("context ends: last detail and ctx error", func(t *testing.T) {
		srv := newScripted(t, reply{200, detailBody(StateGenerating)})
		h := newHarness(t, srv.URL, nil)
		ctx, cancel := context.WithCancel(context.Background())
		h.sleep.OnSleep(func(n int) {
			if n == 4 {
				cancel()
			}
		})
		d, err := h.c.WaitForTask(ctx, "t", WaitOptions{})
		if d == nil || d.State != StateGenerating || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "generating") {
			t.Fatalf("%+v %v", d, err)
		}
	})
	t.Run("context already ended", func(t *testing.T) {
		srv := newScripted(t, reply{200, detailBody(StateGenerating)})
		h := newHarness(t, srv.URL, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		d, err := h.c.WaitForTask(ctx, "t", WaitOptions{})
		if d != nil || !errors.Is(err, context.Canceled) || srv.count() != 0 {
			t.Fatalf("%+v %v", d, err)
		}
	})
}

func TestWaitOptionsDefaults(t *testing.T) {
	o := WaitOptions{}.withDefaults()
	if o.MinInterval != 2*time.Second || o.MaxInterval != 30*time.Second || o.Growth != 1.25 {
		t.Errorf("%+v", o)
	}
	o = WaitOptions{MinInterval: time.Minute, MaxInterval: time.Second, Growth: 0.5}.withDefaults()
	if o.MaxInterval != time.Minute || o.Growth != 1 {
		t.Errorf("%+v", o)
	}
}
