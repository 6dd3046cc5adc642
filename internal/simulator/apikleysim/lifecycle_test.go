package apikleysim

import (
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestLifeCycleStates(t *testing.T) {
	clk := newFakeClock()
	g := New(Options{Now: clk.Now, TaskDuration: 10 * time.Second, QueueDelay: 2 * time.Second})
	srv := start(t, g)

	created := clk.Now()
	id := generate(t, srv, "a cat dancing", map[string]any{"imageUrl": "https://example.com/cat.png"})
	if !uuidV4.MatchString(id) {
		t.Fatalf("taskId %q is not a v4 UUID", id)
	}
	steps := []struct {
		at    time.Duration
		state string
	}{
		{0, StateWait},
		{999 * time.Millisecond, StateWait},
		{time.Second, StateQueueing},
		{2 * time.Second, StateGenerating},
		{11999 * time.Millisecond, StateGenerating},
		{12 * time.Second, StateSuccess},
		{13 * 24 * time.Hour, StateSuccess},
	}
	for _, s := range steps {
		clk.mu.Lock()
		clk.t = created.Add(s.at)
		clk.mu.Unlock()
		d := detail(t, srv, id)
		if d.State != s.state {
			t.Fatalf("at +%v: state %q, want %q", s.at, d.State, s.state)
		}
		if d.TaskID != id || d.ParentTaskID != "" || d.GenerateParam.Prompt != "a cat dancing" ||
			d.GenerateParam.ImageURL != "https://example.com/cat.png" || d.FailCode != FailCode || d.ExpireFlag != 0 {
			t.Fatalf("at +%v: detail %+v", s.at, d)
		}
		if s.state != StateSuccess {
			if d.VideoInfo != nil || d.GenerateTime != "" || d.FailMsg != "" {
				t.Fatalf("at +%v: unfinished task shows results: %+v", s.at, d)
			}
			continue
		}
		if want := created.Add(12 * time.Second).UTC().Format(GenerateTimeLayout); d.GenerateTime != want {
			t.Errorf("generateTime %q, want %q", d.GenerateTime, want)
		}
		if d.VideoInfo == nil || d.VideoInfo.TaskID != id || !uuidV4.MatchString(d.VideoInfo.VideoID) {
			t.Fatalf("videoInfo %+v", d.VideoInfo)
		}
		if want := srv.URL + FilesPrefix + d.VideoInfo.VideoID + ".mp4"; d.VideoInfo.VideoURL != want {
			t.Errorf("videoUrl %q, want %q", d.VideoInfo.VideoURL, want)
		}
		if want := srv.URL + FilesPrefix + d.VideoInfo.VideoID + ".png"; d.VideoInfo.ImageURL != want {
			t.Errorf("imageUrl %q, want %q", d.VideoInfo.ImageURL, want)
		}
	}
	if at, ok := g.CompletedAt(id); !ok || !at.Equal(created.Add(12*time.Second)) {
		t.Errorf("CompletedAt = %v, %v", at, ok)
	}
	if s := g.Stats(); s.Polls[id] != len(steps) || s.TotalPolls != len(steps) || s.Creates != 1 || s.CreatesByPath[PathGenerate] != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestFilesServedUntilExpiry(t *testing.T) {
	clk := newFakeClock()
	g := New(Options{Now: clk.Now, TaskDuration: time.Second, Retention: time.Hour})
	srv := start(t, g)
	id := generate(t, srv, "a cat", nil)
	clk.Advance(2 * time.Second)
	d := detail(t, srv, id)
	if d.State != StateSuccess {
		t.Fatalf("state %q", d.State)
	}

	get := func(u string) (*http.Response, []byte) {
		t.Helper()
		resp, err := srv.Client().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get(d.VideoInfo.VideoURL)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "video/mp4" || string(body[4:8]) != "ftyp" {
		t.Errorf("video: %d %q % x", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = get(d.VideoInfo.ImageURL)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("cover: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, err := png.Decode(strings.NewReader(string(body))); err != nil {
		t.Errorf("cover is not a PNG: %v", err)
	}
	if resp, _ := get(srv.URL + FilesPrefix + "nope.mp4"); resp.StatusCode != 404 {
		t.Errorf("unknown file: %d", resp.StatusCode)
	}
	if resp, _ := get(srv.URL + FilesPrefix + d.VideoInfo.VideoID + ".gif"); resp.StatusCode != 404 {
		t.Errorf("unknown extension: %d", resp.StatusCode)
	}

	// Retention over: expireFlag=1, files gone, extension refused.
	clk.Advance(time.Hour)
	d2 := detail(t, srv, id)
	if d2.ExpireFlag != 1 || d2.State != StateSuccess {
		t.Errorf("after retention: %+v", d2)
	}
	for _, u := range []string{d.VideoInfo.VideoURL, d.VideoInfo.ImageURL} {
		if resp, _ := get(u); resp.StatusCode != 404 {
			t.Errorf("%s after expiry: %d", u, resp.StatusCode)
		}
	}
	a := call(t, srv, http.MethodPost, PathExtend, map[string]any{"taskId": id, "prompt": "more", "quality": "720p"})
	if a.Code != 422 || !strings.Contains(a.Msg, "expired") {
		t.Errorf("extend of expired: code %d msg %q", a.Code, a.Msg)
	}
}

func TestExpireTaskForcesFlag(t *testing.T) {
	g := New(Options{})
	srv := start(t, g)
	id := g.SeedTask("seeded")
	if d := detail(t, srv, id); d.ExpireFlag != 0 || d.State != StateSuccess || d.VideoInfo == nil {
		t.Fatalf("seeded: %+v", d)
	}
	g.ExpireTask(id)
	if d := detail(t, srv, id); d.ExpireFlag != 1 {
		t.Fatalf("after ExpireTask: %+v", d)
	}
	if s := g.Stats(); s.Creates != 0 || g.TaskCost(id) != 0 {
		t.Errorf("seeding counted as a paid create: %+v cost %d", s, g.TaskCost(id))
	}
}

func TestModeratedPromptFails(t *testing.T) {
	clk := newFakeClock()
	g := New(Options{Now: clk.Now, TaskDuration: time.Second})
	srv := start(t, g)
	id := generate(t, srv, "please MODERATE-ME now", nil)
	clk.Advance(2 * time.Second)
	d := detail(t, srv, id)
	if d.State != StateFail || d.FailCode != 400 || d.FailMsg != ModerationMessage || d.VideoInfo != nil || d.GenerateTime != "" {
		t.Fatalf("moderated: %+v", d)
	}
	if _, ok := g.CompletedAt(id); !ok {
		t.Error("CompletedAt not set on a failed task")
	}
}

func TestExtendChain(t *testing.T) {
	clk := newFakeClock()
	g := New(Options{Now: clk.Now, TaskDuration: time.Second})
	srv := start(t, g)
	root := generate(t, srv, "a cat", map[string]any{"aspectRatio": "9:16"})
	clk.Advance(2 * time.Second)

	ids := []string{root}
	for i, q := range []string{"720p", "1080p"} {
		a := call(t, srv, http.MethodPost, PathExtend, map[string]any{
			"taskId": ids[i], "prompt": "continue " + q, "quality": q, "waterMark": "",
		})
		id := taskIDOf(t, a)
		if d := detail(t, srv, id); d.State != StateWait || d.ParentTaskID != ids[i] {
			t.Fatalf("extension %d just created: %+v", i, d)
		}
		clk.Advance(2 * time.Second)
		d := detail(t, srv, id)
		if d.State != StateSuccess || d.ParentTaskID != ids[i] || d.GenerateParam.Prompt != "continue "+q || d.VideoInfo == nil {
			t.Fatalf("extension %d: %+v", i, d)
		}
		ids = append(ids, id)
	}
	g.mu.Lock()
	for _, id := range ids {
		if ar := g.tasks[id].aspectRatio; ar != "9:16" {
			t.Errorf("task %s aspect ratio %q, want the source's 9:16", id, ar)
		}
	}
	g.mu.Unlock()
	s := g.Stats()
	if s.Creates != 3 || s.CreatesByPath[PathGenerate] != 1 || s.CreatesByPath[PathExtend] != 2 {
		t.Errorf("stats %+v", s)
	}
}

func TestCreditsCharged(t *testing.T) {
	g := New(Options{Credits: 80})
	srv := start(t, g)
	balance := func() int {
		a := call(t, srv, http.MethodGet, PathCredit, nil)
		var n int
		if a.Code != 200 || a.Msg != "success" || json.Unmarshal(a.Data, &n) != nil {
			t.Fatalf("credit: %s", a.Raw)
		}
		return n
	}
	if b := balance(); b != 80 {
		t.Fatalf("initial balance %d", b)
	}
	cases := []struct {
		quality  string
		duration int
		cost     int
	}{{"720p", 5, 12}, {"720p", 10, 30}, {"1080p", 5, 30}}
	want := 80
	for _, c := range cases {
		id := generate(t, srv, "x", map[string]any{"quality": c.quality, "duration": c.duration})
		want -= c.cost
		if got := g.TaskCost(id); got != c.cost {
			t.Errorf("%s %ds: cost %d, want %d", c.quality, c.duration, got, c.cost)
		}
		if b := balance(); b != want {
			t.Errorf("after %s %ds: balance %d, want %d", c.quality, c.duration, b, want)
		}
	}
	// 8 left: a 12-credit task is refused and charges nothing.
	a := call(t, srv, http.MethodPost, PathGenerate, map[string]any{"prompt": "x", "duration": 5, "quality": "720p", "aspectRatio": "1:1"})
	if a.Code != 402 || !strings.Contains(a.Msg, "credits") {
		t.Errorf("insufficient: code %d msg %q", a.Code, a.Msg)
	}
	if b := balance(); b != 8 {
		t.Errorf("balance after refusal %d", b)
	}
	if s := g.Stats(); s.Creates != 3 {
		t.Errorf("creates %d", s.Creates)
	}
}

func TestHoldForgetAndSeed(t *testing.T) {
	clk := newFakeClock()
	g := New(Options{Now: clk.Now, TaskDuration: time.Second})
	srv := start(t, g)
	g.HoldTasks(true)
	id := generate(t, srv, "held", nil)
	clk.Advance(time.Minute)
	if d := detail(t, srv, id); d.State != StateGenerating {
		t.Fatalf("held task: %q", d.State)
	}
	if _, ok := g.CompletedAt(id); ok {
		t.Fatal("held task completed")
	}
	released := clk.Now()
	g.HoldTasks(false)
	if d := detail(t, srv, id); d.State != StateSuccess {
		t.Fatalf("released task: %q", d.State)
	}
	if at, ok := g.CompletedAt(id); !ok || !at.Equal(released) {
		t.Errorf("CompletedAt %v %v, want the release time %v", at, ok, released)
	}

	g.ForgetTask(id)
	if a := call(t, srv, http.MethodGet, PathRecordDetail+"?taskId="+id, nil); a.Code != 404 {
		t.Errorf("forgotten task: code %d", a.Code)
	}
	seeded := g.SeedTask("demo")
	d := detail(t, srv, seeded)
	if d.State != StateSuccess || d.GenerateParam.Prompt != "demo" || d.VideoInfo == nil {
		t.Errorf("seeded: %+v", d)
	}
	u, _ := url.Parse(d.VideoInfo.VideoURL)
	if "http://"+u.Host != srv.URL {
		t.Errorf("seeded URL host %q, want the request's %q", u.Host, srv.URL)
	}
}

// The answers' key sets equal the documented examples' key sets, at every
// depth, for both terminal states.
func TestAnswerShapesMatchFixtures(t *testing.T) {
	clk := newFakeClock()
	g := New(Options{Now: clk.Now, TaskDuration: time.Second})
	srv := start(t, g)
	ok := generate(t, srv, "fine", nil)
	bad := generate(t, srv, "moderate-me", nil)
	clk.Advance(2 * time.Second)
	for _, c := range []struct{ id, fixture string }{
		{ok, "apikley_record_detail_success.json"},
		{bad, "apikley_record_detail_fail.json"},
	} {
		a := call(t, srv, http.MethodGet, PathRecordDetail+"?taskId="+c.id, nil)
		got, want := keySet(t, a.Raw), keySet(t, readFixture(t, c.fixture))
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got keys %v\nwant keys %v", c.fixture, got, want)
		}
	}
	a := call(t, srv, http.MethodPost, PathExtend, map[string]any{"taskId": ok, "prompt": "more", "quality": "720p"})
	if got, want := keySet(t, a.Raw), keySet(t, readFixture(t, "apikley_extend_200.json")); !slices.Equal(got, want) {
		t.Errorf("extend 200: got %v want %v", got, want)
	}
}
