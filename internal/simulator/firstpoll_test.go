package simulator

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestFirstTerminalPollAt drives one task through its life with a fake clock
// and checks after each step when (if ever) a poll first saw it terminal.
func TestFirstTerminalPollAt(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, TaskDuration: 10 * time.Second, QueueDelay: -1})
	id := str(e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)["taskId"])
	start := e.clock.Now()
	end := start.Add(10 * time.Second)

	byPath := func() { e.getTask(id) }
	byQuery := func() {
		if status, v := e.call(http.MethodGet, "/tasks/?taskId="+url.QueryEscape(id), nil); status != http.StatusOK {
			t.Fatalf("GET /tasks/?taskId=: %d %v", status, v)
		}
	}
	list := func() {
		if status, v := e.call(http.MethodGet, "/tasks/?offset=0&limit=10", nil); status != http.StatusOK {
			t.Fatalf("GET /tasks/: %d %v", status, v)
		}
	}
	nothing := func() {}

	steps := []struct {
		name    string
		advance time.Duration // from the previous step
		act     func()
		wantOK  bool
		wantAt  time.Time
	}{
		{"running poll", 5 * time.Second, byPath, false, time.Time{}},
		{"completed, nobody polled", 6 * time.Second, nothing, false, time.Time{}},
		{"a task list is not a poll", 0, list, false, time.Time{}},
		{"first terminal poll by query", time.Second, byQuery, true, end.Add(2 * time.Second)},
		{"later polls keep the first", 3 * time.Second, byPath, true, end.Add(2 * time.Second)},
	}
	for _, s := range steps {
		e.advance(s.advance)
		s.act()
		at, ok := e.sim.FirstTerminalPollAt(id)
		if ok != s.wantOK || !at.Equal(s.wantAt) {
			t.Errorf("%s: FirstTerminalPollAt = %v, %v; want %v, %v", s.name, at, ok, s.wantAt, s.wantOK)
		}
	}
	if done, ok := e.sim.CompletedAt(id); !ok || !done.Equal(end) {
		t.Errorf("CompletedAt = %v, %v; want %v", done, ok, end)
	}
	if _, ok := e.sim.FirstTerminalPollAt("user:1234-runwayml:demo@runway.local-task:unknown"); ok {
		t.Error("FirstTerminalPollAt of an unknown task reported a poll")
	}
}
