package apikley

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
	"github.com/tfrunway/terraform-provider-runway/internal/testfake"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// simHarness is a client talking to a real simulator over loopback HTTP.
// Polls really sleep (short intervals); create waits are faked.
type simHarness struct {
	*harness
	g   *apikleysim.Gateway
	srv *httptest.Server
}

var fastWait = WaitOptions{MinInterval: 10 * time.Millisecond, MaxInterval: 40 * time.Millisecond}

func newSim(t *testing.T, opts apikleysim.Options, mod func(*Config)) *simHarness {
	t.Helper()
	if opts.TaskDuration == 0 {
		opts.TaskDuration = 60 * time.Millisecond
	}
	g := apikleysim.New(opts)
	srv := httptest.NewServer(g)
	t.Cleanup(func() {
		srv.Close()
		g.Close()
	})
	h := newHarness(t, srv.URL, func(c *Config) {
		c.APIKey = apikleysim.DefaultAPIKey
		c.Sleep = transport.SleepContext // the simulator's clock is real
		if mod != nil {
			mod(c)
		}
	})
	return &simHarness{harness: h, g: g, srv: srv}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSimGenerateExtendChain(t *testing.T) {
	// A long queue so that the first poll surely sees the task before it runs.
	s := newSim(t, apikleysim.Options{Credits: 80, QueueDelay: 300 * time.Millisecond, TaskDuration: 100 * time.Millisecond}, nil)
	ctx := testCtx(t)

	id, err := s.c.Generate(ctx, &GenerateRequest{Prompt: "a cat", Duration: 10, Quality: Quality720p, AspectRatio: "9:16"})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	d, err := s.c.WaitForTask(ctx, id, WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond,
		OnPoll: func(d *TaskDetail) { states = append(states, d.State) }})
	if err != nil || d.State != StateSuccess || d.VideoInfo == nil || d.ParentTaskID != "" {
		t.Fatalf("%+v %v", d, err)
	}
	if states[0] != StateWait && states[0] != StateQueueing {
		t.Errorf("first state %q, want the task to be seen before it runs", states[0])
	}
	if !containsState(states, StateGenerating) {
		t.Errorf("states %v never showed generating", states)
	}
	gen, ok := d.GeneratedAt()
	if at, done := s.g.CompletedAt(id); !ok || !done || gen.Sub(at.UTC().Truncate(time.Second)) != 0 {
		t.Errorf("GeneratedAt %v, simulator completed at %v", gen, at)
	}
	if exp, _ := d.ExpiresAt(); exp.Sub(gen) != Retention {
		t.Errorf("ExpiresAt %v", exp)
	}
	fetch(t, d.VideoInfo.VideoURL, "video/mp4")
	fetch(t, d.VideoInfo.ImageURL, "image/png")

	// Extend it, then extend the extension.
	parent := id
	for _, q := range []string{Quality1080p, Quality720p} {
		ext, err := s.c.Extend(ctx, &ExtendRequest{TaskID: parent, Prompt: "and then", Quality: q})
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.c.WaitForTask(ctx, ext, fastWait)
		if err != nil || d.State != StateSuccess || d.ParentTaskID != parent || d.TaskID != ext {
			t.Fatalf("extension: %+v %v", d, err)
		}
		parent = ext
	}
	bal, err := s.c.Credits(ctx)
	if want := int64(80 - 30 - 30 - 12); err != nil || bal != want {
		t.Errorf("balance %d %v, want %d", bal, err, want)
	}
	if st := s.g.Stats(); st.Creates != 3 || st.CreatesByPath[apikleysim.PathExtend] != 2 {
		t.Errorf("stats %+v", st)
	}
	// 8 credits left: the next extension is refused with 402.
	_, err = s.c.Extend(ctx, &ExtendRequest{TaskID: parent, Prompt: "more", Quality: Quality720p})
	if ae, ok := asAPIError(err); !ok || !IsInsufficientCredits(err) || !strings.Contains(ae.Hint(), "credits") {
		t.Errorf("402: %v", err)
	}
}

func containsState(states []string, s string) bool {
	for _, x := range states {
		if x == s {
			return true
		}
	}
	return false
}

func fetch(t *testing.T, u, ctype string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ctype || len(b) == 0 {
		t.Errorf("%s: %d %q %d bytes", u, resp.StatusCode, resp.Header.Get("Content-Type"), len(b))
	}
}

func TestSimModeratedTaskFails(t *testing.T) {
	s := newSim(t, apikleysim.Options{}, nil)
	ctx := testCtx(t)
	id, err := s.c.Generate(ctx, &GenerateRequest{Prompt: "please moderate-me", Duration: 5, Quality: Quality720p, AspectRatio: "1:1"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.c.WaitForTask(ctx, id, fastWait)
	if err != nil || d.State != StateFail || d.VideoInfo != nil || d.FailMsg != apikleysim.ModerationMessage {
		t.Fatalf("%+v %v", d, err)
	}
	if fc, _ := d.FailCode.Int64(); fc != 400 {
		t.Errorf("failCode %d", fc)
	}
}

// Each refusal of the simulator maps to the right typed error and hint.
func TestSimErrorCodes(t *testing.T) {
	ctx := testCtx(t)
	cases := []struct {
		name  string
		setup func(*simHarness)
		call  func(*simHarness) error
		is    func(error) bool
		hint  string
	}{
		{"401 bad key", nil, func(s *simHarness) error {
			c, _ := NewClient(Config{Endpoint: s.srv.URL, APIKey: "wrong"})
			_, err := c.Credits(ctx)
			return err
		}, IsUnauthorized, "APIKLEY_API_KEY"},
		{"404 unknown task", nil, func(s *simHarness) error {
			_, err := s.c.GetTask(ctx, "00000000-0000-4000-8000-000000000000")
			return err
		}, IsNotFound, "task id"},
		{"404 extend unknown", nil, func(s *simHarness) error {
			_, err := s.c.Extend(ctx, &ExtendRequest{TaskID: "nope", Prompt: "p", Quality: Quality720p})
			return err
		}, IsNotFound, "task id"},
		{"422 extend running task", func(s *simHarness) { s.g.HoldTasks(true) }, func(s *simHarness) error {
			id, err := s.c.Generate(ctx, validGenerate())
			if err != nil {
				return err
			}
			_, err = s.c.Extend(ctx, &ExtendRequest{TaskID: id, Prompt: "p", Quality: Quality720p})
			return err
		}, IsValidation, "only a successful video"},
		{"451 image", nil, func(s *simHarness) error {
			_, err := s.c.Generate(ctx, &GenerateRequest{Prompt: "p", Duration: 5, Quality: Quality720p, ImageURL: "https://fail.invalid/x.png"})
			return err
		}, func(err error) bool { ae, ok := asAPIError(err); return ok && ae.Code == 451 }, "image_url"},
		{"455 on read, exhausted", func(s *simHarness) { s.g.Inject(apikleysim.Fault{Path: apikleysim.PathCredit, Code: 455, Times: -1}) }, func(s *simHarness) error {
			_, err := s.c.Credits(ctx)
			return err
		}, IsMaintenance, "maintenance"},
		{"429 on read, exhausted", func(s *simHarness) {
			s.g.Inject(apikleysim.Fault{Path: apikleysim.PathRecordDetail, Code: 429, Times: -1})
		}, func(s *simHarness) error {
			_, err := s.c.GetTask(ctx, "t")
			return err
		}, IsRateLimited, "rate-limited"},
		{"402 worded under message", func(s *simHarness) {
			s.g.Inject(apikleysim.Fault{Path: apikleysim.PathCredit, Code: 402, Msg: "Insufficient credits: top up", MessageKey: true, Times: -1})
		}, func(s *simHarness) error {
			_, err := s.c.Credits(ctx)
			return err
		}, func(err error) bool {
			ae, ok := asAPIError(err)
			return ok && ae.Code == 402 && ae.Msg == "Insufficient credits: top up"
		}, ""},
		{"402 worded under msg", func(s *simHarness) {
			s.g.Inject(apikleysim.Fault{Path: apikleysim.PathCredit, Code: 402, Msg: "Insufficient credits: top up", Times: -1})
		}, func(s *simHarness) error {
			_, err := s.c.Credits(ctx)
			return err
		}, func(err error) bool {
			ae, ok := asAPIError(err)
			return ok && ae.Code == 402 && ae.Msg == "Insufficient credits: top up"
		}, ""},
		{"500 on create", func(s *simHarness) { s.g.Inject(apikleysim.Fault{Path: apikleysim.PathGenerate, Code: 500, Times: 1}) }, func(s *simHarness) error {
			_, err := s.c.Generate(ctx, validGenerate())
			return err
		}, IsOutcomeUnknown, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, apikleysim.Options{}, func(c *Config) { c.Sleep = (&testfake.Sleeper{}).Sleep })
			if tc.setup != nil {
				tc.setup(s)
			}
			err := tc.call(s)
			if !tc.is(err) {
				t.Fatalf("err %v", err)
			}
			var ae *APIError
			if errors.As(err, &ae) && !strings.Contains(ae.Hint(), tc.hint) {
				t.Errorf("hint %q lacks %q", ae.Hint(), tc.hint)
			}
		})
	}
}

// Envelope 429/455 inside HTTP 200 on a create: resubmitted, and exactly
// one task is created and charged.
func TestSimCreateRetriedWhenBusy(t *testing.T) {
	s := newSim(t, apikleysim.Options{}, nil)
	s.g.Inject(apikleysim.Fault{Path: apikleysim.PathGenerate, Code: 429, Times: 2})
	s.g.Inject(apikleysim.Fault{Path: apikleysim.PathGenerate, Code: 455, Times: 1})
	// No deadline: a busy create waits (here: fake waits) as long as needed.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	id, err := s.c.Generate(ctx, validGenerate())
	if err != nil || id == "" {
		t.Fatal(err)
	}
	st := s.g.Stats()
	if st.Creates != 1 || st.Codes[429] != 2 || st.Codes[455] != 1 || len(s.busy.Waits()) != 3 {
		t.Errorf("stats %+v busy waits %v", st, s.busy.Waits())
	}
	if bal, _ := s.c.Credits(testCtx(t)); bal != apikleysim.DefaultCredits-int64(s.g.TaskCost(id)) {
		t.Errorf("balance %d", bal)
	}
}

// Reads ride out envelope and HTTP faults and dropped connections.
func TestSimReadsRideOutFaults(t *testing.T) {
	s := newSim(t, apikleysim.Options{}, func(c *Config) { c.Sleep = (&testfake.Sleeper{}).Sleep })
	id := s.g.SeedTask("seeded")
	s.g.Inject(apikleysim.Fault{Path: apikleysim.PathRecordDetail, Code: 500, Times: 1})
	s.g.Inject(apikleysim.Fault{Path: apikleysim.PathRecordDetail, Drop: true, Times: 1})
	s.g.Inject(apikleysim.Fault{Path: apikleysim.PathRecordDetail, Status: 503, Times: 1})
	s.g.Inject(apikleysim.Fault{Path: apikleysim.PathRecordDetail, Code: 429, Times: 1})
	d, err := s.c.GetTask(testCtx(t), id)
	if err != nil || d.State != StateSuccess {
		t.Fatalf("%+v %v", d, err)
	}
	if st := s.g.Stats(); st.TotalPolls != 1 || st.Requests != 5 {
		t.Errorf("stats %+v", st)
	}
}

// A create whose connection drops after the gateway created the task, or
// that is answered code 500, HTTP 408 or a 5xx, is not resubmitted: one
// request, outcome unknown.
func TestSimCreateNeverSentTwice(t *testing.T) {
	for _, f := range []apikleysim.Fault{
		{Path: apikleysim.PathGenerate, DropAfterCreate: true, Times: 1},
		{Path: apikleysim.PathGenerate, Code: 500, Times: 1},
		{Path: apikleysim.PathGenerate, Status: 502, Times: 1},
		{Path: apikleysim.PathGenerate, Status: 504, Times: 1},
		{Path: apikleysim.PathGenerate, Status: 408, Times: 1},
		{Path: apikleysim.PathGenerate, Body: `{"code":200,"msg":"success","data":{"taskId":`, Times: 1},
	} {
		s := newSim(t, apikleysim.Options{}, nil)
		s.g.Inject(f)
		_, err := s.c.Generate(testCtx(t), validGenerate())
		var ou *transport.OutcomeUnknownError
		if !IsOutcomeUnknown(err) || !errors.As(err, &ou) {
			t.Fatalf("%+v: err %v", f, err)
		}
		st := s.g.Stats()
		if st.Requests != 1 {
			t.Errorf("%+v: %d requests, want 1", f, st.Requests)
		}
		wantCreates := 0
		if f.DropAfterCreate {
			wantCreates = 1
		}
		if st.Creates != wantCreates {
			t.Errorf("%+v: creates %d", f, st.Creates)
		}
	}
}

// A create refused before anything was sent over a dropped connection
// (Drop) is also unknown to the client: it cannot tell the difference.
func TestSimDroppedCreateIsUnknown(t *testing.T) {
	s := newSim(t, apikleysim.Options{}, nil)
	s.g.Inject(apikleysim.Fault{Path: apikleysim.PathExtend, Drop: true, Times: 1})
	_, err := s.c.Extend(testCtx(t), &ExtendRequest{TaskID: s.g.SeedTask("x"), Prompt: "p", Quality: Quality720p})
	var ou *transport.OutcomeUnknownError
	if !IsOutcomeUnknown(err) || !errors.As(err, &ou) || s.g.Stats().Requests != 1 {
		t.Fatalf("err %v stats %+v", err, s.g.Stats())
	}
}

// Cancelling mid-wait returns the last detail and the context's error.
func TestSimCancelMidWait(t *testing.T) {
	s := newSim(t, apikleysim.Options{}, nil)
	s.g.HoldTasks(true)
	id, err := s.c.Generate(testCtx(t), validGenerate())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	d, err := s.c.WaitForTask(ctx, id, fastWait)
	if d == nil || d.State != StateGenerating || d.TaskID != id || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%+v %v", d, err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("returned %v after the deadline", el)
	}
	// Releasing the task lets a new wait finish it.
	s.g.HoldTasks(false)
	d, err = s.c.WaitForTask(testCtx(t), id, fastWait)
	if err != nil || d.State != StateSuccess {
		t.Fatalf("%+v %v", d, err)
	}
}

// A forgotten task ends the wait with IsNotFound.
func TestSimForgottenTask(t *testing.T) {
	s := newSim(t, apikleysim.Options{}, nil)
	s.g.HoldTasks(true)
	id, err := s.c.Generate(testCtx(t), validGenerate())
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	_, err = s.c.WaitForTask(testCtx(t), id, WaitOptions{MinInterval: 5 * time.Millisecond, OnPoll: func(*TaskDetail) {
		once.Do(func() { s.g.ForgetTask(id) })
	}})
	if !IsNotFound(err) {
		t.Fatalf("err %v", err)
	}
}

// The simulator's callback decodes with DecodeCallback and agrees with the
// task detail.
func TestSimCallbackDecodes(t *testing.T) {
	got := make(chan []byte, 1)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- b
	}))
	defer rcv.Close()
	s := newSim(t, apikleysim.Options{}, nil)
	req := validGenerate()
	req.CallBackURL = rcv.URL + "/hook"
	id, err := s.c.Generate(testCtx(t), req)
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	select {
	case body = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no callback")
	}
	cb, err := DecodeCallback(body)
	if err != nil || !cb.Succeeded() || cb.Data.TaskID != id {
		t.Fatalf("%+v %v", cb, err)
	}
	d, err := s.c.GetTask(testCtx(t), id)
	if err != nil || d.VideoInfo == nil || d.VideoInfo.VideoURL != cb.Data.VideoURL || d.VideoInfo.VideoID != cb.Data.VideoID {
		t.Fatalf("detail %+v callback %+v", d, cb)
	}
}

func TestSimConcurrentGenerations(t *testing.T) {
	s := newSim(t, apikleysim.Options{Credits: 10000}, nil)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := s.c.Generate(ctx, validGenerate())
			if err == nil {
				_, err = s.c.WaitForTask(ctx, id, fastWait)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if st := s.g.Stats(); st.Creates != 20 {
		t.Errorf("creates %d", st.Creates)
	}
}
