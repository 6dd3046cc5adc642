package useapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"
)

// scripted answers poll n with answers[n-1], repeating the last one.
func scripted(answers ...func(w http.ResponseWriter)) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		answers[min(n, len(answers))-1](w)
	}
}

func ok(body []byte) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { reply(w, 200, body) }
}

func status(code int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { reply(w, code, []byte(body)) }
}

func TestWaitForTaskScriptedSequence(t *testing.T) {
	g := newGateway(t, scripted(
		ok(taskBody(t, StatusPending, "null", "null")),
		ok(readFixture(t, "task_throttled.json")),
		ok(taskBody(t, StatusRunning, `"0.2"`, "0")),
		ok(taskBody(t, StatusRunning, `0.6`, "0")),
		ok(readFixture(t, "task_succeeded.json")),
	))
	c, _, _ := testClient(t, g, nil)
	clock := newFakeClock()
	var seen []string
	opts := WaitOptions{
		MinInterval: 2 * time.Second,
		MaxInterval: 20 * time.Second,
		OnPoll: func(task *Task) {
			p, _ := task.Progress()
			seen = append(seen, fmt.Sprintf("%s %.1f", task.Status, p))
		},
		Sleep: clock.Sleep,
		Now:   clock.Now,
	}
	task, err := c.WaitForTask(context.Background(), "user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11", opts)
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != StatusSucceeded || len(task.Artifacts) != 1 {
		t.Fatalf("task %+v", task)
	}
	want := []string{"PENDING 0.0", "THROTTLED 0.0", "RUNNING 0.2", "RUNNING 0.6", "SUCCEEDED 1.0"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Fatalf("OnPoll saw %v", seen)
	}
	sleeps := clock.Sleeps()
	if len(sleeps) != 4 || g.Count() != 5 {
		t.Fatalf("sleeps %v requests %d", sleeps, g.Count())
	}
	for _, d := range sleeps {
		if d < opts.MinInterval || d > opts.MaxInterval {
			t.Fatalf("sleep %v outside [%v, %v]: %v", d, opts.MinInterval, opts.MaxInterval, sleeps)
		}
	}
	if sleeps[0] != 2*time.Second {
		t.Errorf("PENDING without estimate starts at MinInterval: %v", sleeps[0])
	}
	if sleeps[1] != 20*time.Second {
		t.Errorf("THROTTLED with a 42.5 s estimate is clamped to MaxInterval: %v", sleeps[1])
	}
	for _, r := range g.Requests() {
		if r.Method != "GET" || r.RequestURI != "/v1/runwayml/tasks/user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11" {
			t.Fatalf("%s %s", r.Method, r.RequestURI)
		}
	}
}

func TestWaitForTaskUsesStartEstimate(t *testing.T) {
	g := newGateway(t, scripted(
		ok(readFixture(t, "task_throttled.json")),
		ok(readFixture(t, "task_succeeded.json")),
	))
	c, _, _ := testClient(t, g, nil)
	clock := newFakeClock()
	if _, err := c.WaitForTask(context.Background(), "t", WaitOptions{MaxInterval: time.Minute, Sleep: clock.Sleep, Now: clock.Now}); err != nil {
		t.Fatal(err)
	}
	if s := clock.Sleeps(); len(s) != 1 || s[0] != 42500*time.Millisecond {
		t.Fatalf("sleeps %v", s)
	}
}

// A status the gateway does not document is polled again; one that
// persists over UnknownStatusPolls consecutive polls ends the wait with an
// *UnknownStatusError carrying the raw status, so that a task cancelled in
// Runway's web app does not keep an apply waiting until its timeout.
func TestWaitForTaskUnknownStatus(t *testing.T) {
	unknown := func(status string) func(w http.ResponseWriter) { return ok(taskBody(t, status, "null", "null")) }
	running := ok(taskBody(t, StatusRunning, `"0.5"`, "0"))
	succeeded := ok(readFixture(t, "task_succeeded.json"))
	for _, tc := range []struct {
		name     string
		answers  []func(w http.ResponseWriter)
		limit    int
		polls    int    // requests sent
		status   string // final status returned
		giveUp   bool   // an *UnknownStatusError
		warnings int
	}{
		{"CANCELED three times gives up", []func(w http.ResponseWriter){unknown("CANCELED")}, 0, 3, "CANCELED", true, 1},
		{"CANCELLED spelling too", []func(w http.ResponseWriter){unknown("CANCELLED")}, 0, 3, "CANCELLED", true, 1},
		{"an empty status counts", []func(w http.ResponseWriter){unknown("")}, 0, 3, "", true, 1},
		{"a custom limit", []func(w http.ResponseWriter){unknown("CANCELED")}, 5, 5, "CANCELED", true, 1},
		{"mixed unknown statuses are consecutive", []func(w http.ResponseWriter){unknown("X"), unknown("Y"), unknown("X")}, 0, 3, "X", true, 2},
		{"a known status in between resets the count", []func(w http.ResponseWriter){
			unknown("CANCELED_MAYBE"), unknown("CANCELED_MAYBE"), running, unknown("CANCELED_MAYBE"), unknown(""), succeeded,
		}, 0, 6, StatusSucceeded, false, 2},
		{"a transient unknown status then success", []func(w http.ResponseWriter){unknown("QUEUED"), succeeded}, 0, 2, StatusSucceeded, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, scripted(tc.answers...))
			c, _, logs := testClient(t, g, nil)
			clock := newFakeClock()
			task, err := c.WaitForTask(context.Background(), "t", WaitOptions{Sleep: clock.Sleep, Now: clock.Now, UnknownStatusPolls: tc.limit})
			var use *UnknownStatusError
			if gaveUp := errors.As(err, &use); gaveUp != tc.giveUp || (!tc.giveUp && err != nil) {
				t.Fatalf("err %v, want give-up %v", err, tc.giveUp)
			}
			if task == nil || task.Status != tc.status || g.Count() != tc.polls {
				t.Fatalf("task %+v after %d polls, want status %q after %d", task, g.Count(), tc.status, tc.polls)
			}
			if tc.giveUp && (use.Status != tc.status || use.TaskID != "t" || use.Polls != g.Count() ||
				!strings.Contains(err.Error(), fmt.Sprintf("%q", tc.status))) {
				t.Errorf("error %+v: %v", use, err)
			}
			if n := logs.CountContaining("warn", "unknown task status"); n != tc.warnings {
				t.Errorf("%d warnings, want %d:\n%s", n, tc.warnings, logs.Text())
			}
			// Backoff from MinInterval: the verdict comes within seconds.
			var total time.Duration
			for _, d := range clock.Sleeps() {
				total += d
			}
			if tc.giveUp && total > 10*time.Second*time.Duration(max(1, tc.limit)) {
				t.Errorf("gave up only after %v (sleeps %v)", total, clock.Sleeps())
			}
		})
	}
}

func TestWaitForTaskSurvivesTransientErrors(t *testing.T) {
	g := newGateway(t, scripted(
		ok(taskBody(t, StatusRunning, `"0.1"`, "0")),
		status(503, `{"error":"Service Unavailable"}`),
		status(502, `<html>bad gateway</html>`),
		status(200, `<html>captive portal</html>`),
		status(429, `{"error":"slow down"}`),
		ok(readFixture(t, "task_succeeded.json")),
	))
	// No transport retries, so each failure reaches the wait loop.
	c, _, logs := testClient(t, g, func(cfg *Config) { cfg.Retry.MaxRetries = -1 })
	clock := newFakeClock()
	polls := 0
	task, err := c.WaitForTask(context.Background(), "t", WaitOptions{Sleep: clock.Sleep, Now: clock.Now, OnPoll: func(*Task) { polls++ }})
	if err != nil || task.Status != StatusSucceeded {
		t.Fatalf("err %v", err)
	}
	if polls != 2 || g.Count() != 6 {
		t.Fatalf("OnPoll %d requests %d", polls, g.Count())
	}
	if n := logs.CountContaining("warn", "polling the task failed"); n != 4 {
		t.Fatalf("warnings %d:\n%s", n, logs.Text())
	}
	s := clock.Sleeps()
	// After the first poll: the planner's wait; then error backoff 1s, 2s, 4s, 8s.
	if len(s) != 5 || s[1] != time.Second || s[2] != 2*time.Second || s[3] != 4*time.Second || s[4] != 8*time.Second {
		t.Fatalf("sleeps %v", s)
	}
}

func TestWaitForTaskFatalErrors(t *testing.T) {
	tests := []struct {
		name  string
		code  int
		check func(error) bool
	}{
		{"404", 404, IsNotFound},
		{"401", 401, IsUnauthorized},
		{"403", 403, func(err error) bool { var ae *APIError; return errors.As(err, &ae) && ae.StatusCode == 403 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, scripted(
				ok(taskBody(t, StatusRunning, `"0.5"`, "0")),
				status(tc.code, `{"error":"nope","code":`+fmt.Sprint(tc.code)+`}`),
				ok(readFixture(t, "task_succeeded.json")),
			))
			c, _, _ := testClient(t, g, nil)
			clock := newFakeClock()
			task, err := c.WaitForTask(context.Background(), "t", WaitOptions{Sleep: clock.Sleep, Now: clock.Now})
			if !tc.check(err) || errors.Is(err, context.Canceled) {
				t.Fatalf("err %v", err)
			}
			if task == nil || task.Status != StatusRunning {
				t.Fatalf("the last task seen is returned with the error: %+v", task)
			}
			if g.Count() != 2 {
				t.Fatalf("requests %d", g.Count())
			}
		})
	}
}

func TestWaitForTaskFailedIsNotAnError(t *testing.T) {
	g := newGateway(t, scripted(ok(readFixture(t, "task_failed_moderated.json"))))
	c, _, _ := testClient(t, g, nil)
	task, err := c.WaitForTask(context.Background(), "t", WaitOptions{Sleep: newFakeClock().Sleep})
	if err != nil || task.Status != StatusFailed || !strings.Contains(task.FailureMessage(), "VIOLENCE") {
		t.Fatalf("err %v task %+v", err, task)
	}
}

func TestWaitForTaskContextEnds(t *testing.T) {
	t.Run("cancel returns the last task", func(t *testing.T) {
		g := newGateway(t, scripted(ok(taskBody(t, StatusRunning, `"0.3"`, "0"))))
		c, _, _ := testClient(t, g, nil)
		clock := newFakeClock()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		polls := 0
		task, err := c.WaitForTask(ctx, "t", WaitOptions{Sleep: clock.Sleep, Now: clock.Now, OnPoll: func(*Task) {
			polls++
			if polls == 3 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) || task == nil || task.Status != StatusRunning {
			t.Fatalf("err %v task %+v", err, task)
		}
		if !strings.Contains(err.Error(), "last status RUNNING") {
			t.Fatalf("message %q", err)
		}
		if g.Count() != 3 {
			t.Fatalf("requests %d", g.Count())
		}
	})
	t.Run("deadline with real sleep", func(t *testing.T) {
		g := newGateway(t, scripted(ok(taskBody(t, StatusPending, "null", "null"))))
		c, _, _ := testClient(t, g, func(cfg *Config) { cfg.Sleep = nil })
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		start := time.Now()
		task, err := c.WaitForTask(ctx, "t", WaitOptions{MinInterval: time.Hour})
		if !errors.Is(err, context.DeadlineExceeded) || task == nil || task.Status != StatusPending {
			t.Fatalf("err %v task %+v", err, task)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("the deadline did not interrupt the wait")
		}
	})
	t.Run("no task seen", func(t *testing.T) {
		g := newGateway(t, scripted(status(503, `{}`)))
		c, _, _ := testClient(t, g, func(cfg *Config) { cfg.Retry.MaxRetries = -1 })
		ctx, cancel := context.WithCancel(context.Background())
		sleeps := 0
		task, err := c.WaitForTask(ctx, "t", WaitOptions{Sleep: func(ctx context.Context, d time.Duration) error {
			sleeps++
			if sleeps == 2 {
				cancel()
			}
			return ctx.Err()
		}})
		if task != nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "none seen") {
			t.Fatalf("task %+v err %v", task, err)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		g := newGateway(t, scripted(ok(readFixture(t, "task_succeeded.json"))))
		c, _, _ := testClient(t, g, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.WaitForTask(ctx, "t", WaitOptions{})
		if !errors.Is(err, context.Canceled) || g.Count() != 0 {
			t.Fatalf("err %v requests %d", err, g.Count())
		}
	})
}

func TestWaitForTaskInitial(t *testing.T) {
	t.Run("pending create answer delays the first poll", func(t *testing.T) {
		g := newGateway(t, scripted(ok(readFixture(t, "task_succeeded.json"))))
		c, _, _ := testClient(t, g, nil)
		clock := newFakeClock()
		initial := decodeFixtureTask(t, "gen3_video_200.json")
		task, err := c.WaitForTask(context.Background(), initial.TaskID, WaitOptions{Initial: initial, Sleep: clock.Sleep, Now: clock.Now})
		if err != nil || task.Status != StatusSucceeded || g.Count() != 1 || len(clock.Sleeps()) != 1 {
			t.Fatalf("err %v requests %d sleeps %v", err, g.Count(), clock.Sleeps())
		}
	})
	t.Run("terminal initial is returned without polling", func(t *testing.T) {
		g := newGateway(t, scripted(ok(readFixture(t, "task_running.json"))))
		c, _, _ := testClient(t, g, nil)
		initial := decodeFixtureTask(t, "task_succeeded.json")
		task, err := c.WaitForTask(context.Background(), "t", WaitOptions{Initial: initial})
		if err != nil || task != initial || g.Count() != 0 {
			t.Fatalf("err %v requests %d", err, g.Count())
		}
	})
	t.Run("cancel during the first delay returns the initial task", func(t *testing.T) {
		g := newGateway(t, scripted(ok(readFixture(t, "task_running.json"))))
		c, _, _ := testClient(t, g, nil)
		initial := decodeFixtureTask(t, "gen2_extend_200.json")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		task, err := c.WaitForTask(ctx, "t", WaitOptions{Initial: initial, Sleep: newFakeClock().Sleep})
		if task != initial || !errors.Is(err, context.Canceled) || g.Count() != 0 {
			t.Fatalf("task %v err %v", task, err)
		}
	})
}

// simTask describes a task whose state is a function of elapsed time.
type simTask struct {
	name     string
	pending  time.Duration
	estimate bool          // report estimatedTimeToStartSeconds while pending
	running  time.Duration // progress rises from 0 to 1 over this time
	finish   time.Duration // then stays RUNNING at progress 1 this long
	decimals int           // progress as a string with this many decimals; 0: full float number
	curve    func(float64) float64
}

func (s simTask) body(el time.Duration) []byte {
	m := map[string]any{"taskId": "t", "status": StatusSucceeded, "progressRatio": "1", "artifacts": []any{}}
	switch {
	case el < s.pending:
		m["status"] = StatusPending
		m["progressRatio"] = nil
		if s.estimate {
			m["estimatedTimeToStartSeconds"] = (s.pending - el).Seconds()
		}
	case el < s.pending+s.running+s.finish:
		m["status"] = StatusRunning
		x := math.Min(1, float64(el-s.pending)/float64(s.running))
		if s.curve != nil {
			x = s.curve(x)
		}
		if s.decimals > 0 {
			q := math.Pow(10, float64(s.decimals))
			m["progressRatio"] = fmt.Sprintf("%.*f", s.decimals, math.Floor(x*q+1e-9)/q)
		} else {
			m["progressRatio"] = x
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// TestWaitForTaskAdaptiveSchedule checks the polling budget against tasks
// driven by a fake clock: completion noticed within ~1 s, about one poll
// per 5 s of task time.
func TestWaitForTaskAdaptiveSchedule(t *testing.T) {
	tests := []struct {
		sim        simTask
		maxLatency time.Duration
		maxPolls   int
	}{
		{simTask{name: "linear 60s", running: 60 * time.Second}, time.Second, 12},
		{simTask{name: "pending 5s then 60s, 2 decimals", pending: 5 * time.Second, running: 60 * time.Second, decimals: 2}, time.Second, 13},
		{simTask{name: "pending 20s with estimate then 120s", pending: 20 * time.Second, estimate: true, running: 120 * time.Second, decimals: 2}, time.Second, 28},
		{simTask{name: "10 minutes", pending: time.Minute, running: 10 * time.Minute, decimals: 2}, time.Second, 40},
		{simTask{name: "30s with 0.1 steps", running: 30 * time.Second, decimals: 1}, 1500 * time.Millisecond, 12},
		{simTask{name: "decelerating 60s", running: 60 * time.Second, curve: math.Sqrt}, time.Second, 14},
		{simTask{name: "s-curve 60s", running: 60 * time.Second, curve: func(x float64) float64 { return 0.5 - 0.5*math.Cos(math.Pi*x) }}, time.Second, 12},
		{simTask{name: "stuck at 1 for 10s", running: 50 * time.Second, finish: 10 * time.Second, decimals: 2}, 3 * time.Second, 14},
	}
	for _, tc := range tests {
		t.Run(tc.sim.name, func(t *testing.T) {
			clock := newFakeClock()
			start := clock.Now()
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				reply(w, 200, tc.sim.body(clock.Now().Sub(start)))
			})
			c, _, _ := testClient(t, g, nil)
			task, err := c.WaitForTask(context.Background(), "t", WaitOptions{Sleep: clock.Sleep, Now: clock.Now})
			if err != nil || task.Status != StatusSucceeded {
				t.Fatalf("err %v", err)
			}
			done := tc.sim.pending + tc.sim.running + tc.sim.finish
			latency := clock.Now().Sub(start) - done
			polls := g.Count()
			t.Logf("%s: %d polls for %v (one per %.1fs), noticed %v after completion", tc.sim.name, polls, done, done.Seconds()/float64(polls), latency)
			if latency < 0 || latency > tc.maxLatency {
				t.Errorf("completion noticed %v late, want <= %v (sleeps %v)", latency, tc.maxLatency, clock.Sleeps())
			}
			if polls > tc.maxPolls {
				t.Errorf("%d polls, want <= %d (sleeps %v)", polls, tc.maxPolls, clock.Sleeps())
			}
			for _, d := range clock.Sleeps() {
				if d < DefaultMinPollInterval || d > DefaultMaxPollInterval {
					t.Fatalf("sleep %v outside the defaults", d)
				}
			}
		})
	}
}

// TestPollPlannerAlwaysClamps feeds the planner random, often nonsensical
// observations and checks that every wait stays within [Min, Max].
func TestPollPlannerAlwaysClamps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	statuses := []string{StatusPending, StatusRunning, StatusThrottled, "WEIRD", ""}
	progress := []string{`null`, `"0.5"`, `0.1`, `"1"`, `1.5`, `-1`, `"x"`, `"0.333333333333"`, `1e-9`, `"0.99"`, `0`}
	for _, bounds := range [][2]time.Duration{{time.Second, 30 * time.Second}, {5 * time.Second, 5 * time.Second}, {100 * time.Millisecond, time.Hour}} {
		pl := &pollPlanner{min: bounds[0], max: bounds[1]}
		now := time.Unix(1e9, 0)
		for i := 0; i < 5000; i++ {
			task := &Task{Status: statuses[rng.IntN(len(statuses))]}
			if rng.IntN(4) > 0 {
				task.Status = StatusRunning
			}
			_ = json.Unmarshal([]byte(progress[rng.IntN(len(progress))]), &task.ProgressRatio)
			_ = json.Unmarshal([]byte(fmt.Sprint(rng.Float64()*200-50)), &task.EstimatedTimeToStartSeconds)
			// The clock mostly moves forward, sometimes back.
			now = now.Add(time.Duration(rng.Int64N(int64(40*time.Second))) - 2*time.Second)
			d := pl.next(task, now)
			if d < bounds[0] || d > bounds[1] {
				t.Fatalf("step %d: %v outside %v", i, d, bounds)
			}
		}
	}
}

func TestWaitOptionsDefaults(t *testing.T) {
	g := newGateway(t, scripted(
		ok(taskBody(t, StatusPending, "null", "null")),
		ok(readFixture(t, "task_succeeded.json")),
	))
	c, _, _ := testClient(t, g, nil)
	clock := newFakeClock()
	// MaxInterval below MinInterval is raised to it.
	_, err := c.WaitForTask(context.Background(), "t", WaitOptions{MinInterval: 7 * time.Second, MaxInterval: time.Second, Sleep: clock.Sleep, Now: clock.Now})
	if err != nil || clock.Sleeps()[0] != 7*time.Second {
		t.Fatalf("err %v sleeps %v", err, clock.Sleeps())
	}
}
