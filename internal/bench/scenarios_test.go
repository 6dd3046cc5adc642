package bench

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		method, target string
		want           reqKind
	}{
		{http.MethodPost, "/v1/runwayml/gen2/extend", kindCreate},
		{http.MethodPost, "/v1/runwayml/gen3/video/", kindCreate},
		{http.MethodPost, "/v1/runwayml/gen3turbo/expand", kindCreate},
		{http.MethodGet, "/v1/runwayml/gen2/extend", kindOther},
		{http.MethodGet, "/v1/runwayml/tasks/user:1-runwayml:a@b-task:x", kindPoll},
		{http.MethodGet, "/v1/runwayml/tasks/?taskId=x", kindPoll},
		{http.MethodGet, "/v1/runwayml/tasks/?offset=0&limit=10", kindOther},
		{http.MethodDelete, "/v1/runwayml/tasks/x", kindOther},
		{http.MethodGet, "/v1/runwayml/assets/", kindOther},
		{http.MethodGet, "/files/abc.mp4", kindOther},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.target, nil)
		if got := classify(r); got != tt.want {
			t.Errorf("%s %s: kind %d, want %d", tt.method, tt.target, got, tt.want)
		}
	}
}

// TestCollect drives a small batch by hand against a live simulator (two
// slots, three tasks) and checks what collect derives from it.
func TestCollect(t *testing.T) {
	wl := workload{n: 3, maxJobs: 2, taskTime: 100 * time.Millisecond}
	ls, err := startSim(wl.simOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer ls.stop(t.Context())
	start := time.Now()
	create := func() (int, string) {
		body, _ := json.Marshal(map[string]any{"assetId": demoVideoAssetID})
		req, _ := http.NewRequest(http.MethodPost, ls.srv.Endpoint()+simulator.PathGen2Extend, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+ls.sim.Token())
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var v struct {
			TaskID string `json:"taskId"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v.TaskID
	}
	poll := func(id string) {
		req, _ := http.NewRequest(http.MethodGet, ls.srv.Endpoint()+"/tasks/?taskId="+url.QueryEscape(id), nil)
		req.Header.Set("Authorization", "Bearer "+ls.sim.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	var ids []string
	for i := 0; i < 3; i++ {
		if status, id := create(); status == http.StatusOK {
			ids = append(ids, id)
		} else if status != http.StatusTooManyRequests {
			t.Fatalf("create answered %d", status)
		}
	}
	if len(ids) != 2 {
		t.Fatalf("%d creates accepted with two slots", len(ids))
	}
	for _, id := range ids {
		poll(id) // still running
	}
	time.Sleep(2 * wl.taskTime)
	status, id := create()
	if status != http.StatusOK {
		t.Fatalf("create after the first two finished answered %d", status)
	}
	poll(ids[0]) // notices the first one; the second is never polled again
	time.Sleep(2 * wl.taskTime)
	poll(id)
	r := collect(ls, wl, start, time.Now())

	if r.Creates != 3 || r.Busy429 != 1 || r.MaxConcurrent != 2 || r.Polls != 4 {
		t.Errorf("counters: %d creates, %d 429s, %d at once, %d polls", r.Creates, r.Busy429, r.MaxConcurrent, r.Polls)
	}
	if want := []int{2, 1, 1}; len(r.PollsPerTask) != 3 || r.PollsPerTask[0] != want[0] || r.PollsPerTask[1] != want[1] || r.PollsPerTask[2] != want[2] {
		t.Errorf("polls per task %v, want %v", r.PollsPerTask, want)
	}
	if len(r.Latencies) != 2 || r.Unnoticed != 1 {
		t.Errorf("%d latencies and %d unnoticed, want 2 and 1", len(r.Latencies), r.Unnoticed)
	}
	for _, l := range r.Latencies {
		if l < 0 {
			t.Errorf("negative latency %s", l)
		}
	}
	if r.FirstCreate <= 0 || r.Makespan <= 0 || r.Tail <= 0 || r.Ratio <= 0 {
		t.Errorf("timeline not derived: %+v", r)
	}
	if want := 2*r.Makespan.Seconds() - 3*wl.taskTime.Seconds(); r.IdleSlots != want {
		t.Errorf("idle %v slot-s, want %v", r.IdleSlots, want)
	}
}

func TestGenerationsConfig(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		k       knobs
		want    []string
		notWant []string
	}{
		{"defaults: empty provider block", 20, defaultKnobs,
			[]string{`provider "runway" {` + "\n}", "count    = 20", "seed     = count.index + 1", `asset_id = "` + demoVideoAssetID + `"`, `source = "tfrunway/runway"`},
			[]string{"poll_interval"}},
		{"tuned", 8, tunedKnobs,
			[]string{`poll_interval = "2s"`, "count    = 8"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := generationsConfig(tt.n, tt.k)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("config lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("config has %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestToolchainMirrorAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "harness")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tc, err := newToolchain(filepath.Join(dir, "work"), "/usr/bin/terraform", exe, "/real/provider")
	if err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "work", "mirror", "registry.terraform.io", "tfrunway", "runway", mirrorVersion, "*", "terraform-provider-runway_v"+mirrorVersion))
	if len(matches) != 1 {
		t.Fatalf("provider not installed in the mirror: %v", matches)
	}
	if fi, err := os.Stat(matches[0]); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("installed provider %v not executable: %v", fi, err)
	}
	rc, err := os.ReadFile(tc.rcFile)
	if err != nil || !strings.Contains(string(rc), "filesystem_mirror") || !strings.Contains(string(rc), filepath.Join(dir, "work", "mirror")) {
		t.Errorf("CLI configuration %q: %v", rc, err)
	}

	t.Setenv("TF_LOG", "trace")
	t.Setenv("USEAPI_TOKEN", "user:1-real-token")
	t.Setenv("APIKLEY_API_KEY", "real-key")
	t.Setenv("RUNWAY_BENCH_RSS_LOG", "/elsewhere")
	env := tc.environ(map[string]string{"USEAPI_ENDPOINT": "http://127.0.0.1:1/v1/runwayml"}, "/work/rss.log")
	got := map[string][]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		got[k] = append(got[k], v)
	}
	tests := []struct {
		key  string
		want []string // nil: absent
	}{
		{"TF_LOG", nil},
		{"USEAPI_TOKEN", nil},
		{"APIKLEY_API_KEY", nil},
		{"TF_CLI_CONFIG_FILE", []string{tc.rcFile}},
		{"CHECKPOINT_DISABLE", []string{"1"}},
		{envRealProvider, []string{"/real/provider"}},
		{envRSSLog, []string{"/work/rss.log"}},
		{"USEAPI_ENDPOINT", []string{"http://127.0.0.1:1/v1/runwayml"}},
	}
	for _, tt := range tests {
		if strings.Join(got[tt.key], "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s = %q, want %q", tt.key, got[tt.key], tt.want)
		}
	}
	if len(got["PATH"]) != 1 {
		t.Errorf("PATH not passed on: %q", got["PATH"])
	}
}

// TestNaiveScript runs the embedded script with a fast cadence: three jobs
// on two slots, so one of them must wait out a 429. The tasks last long
// enough (1 s) for the three jobs' first creates to overlap even when the
// machine is busy.
func TestNaiveScript(t *testing.T) {
	script, err := writeNaiveScript(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	wl := workload{n: 3, maxJobs: 2, taskTime: time.Second}
	r, err := runNaive(t.Context(), script, wl, naiveCadence{poll: 100 * time.Millisecond, busy: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Creates != 3 || r.Busy429 < 1 || r.MaxConcurrent != 2 || r.Unnoticed != 0 || len(r.Latencies) != 3 {
		t.Errorf("naive run: %+v", r)
	}
	if r.Requests != r.Creates+r.Busy429+r.Polls {
		t.Errorf("%d requests, want creates + 429s + polls = %d", r.Requests, r.Creates+r.Busy429+r.Polls)
	}
}

// TestSlotBatchNaive runs scenario 5's batch through the naive script with
// a fast cadence: the foreign tasks hold both slots until the first 429,
// finish 1–2 s later, and each freed slot pairs with one accepted create.
func TestSlotBatchNaive(t *testing.T) {
	dir := t.TempDir()
	script, err := writeNaiveScript(dir)
	if err != nil {
		t.Fatal(err)
	}
	wl := workload{n: 3, maxJobs: 2, parallelism: 3, taskTime: 200 * time.Millisecond}
	r, err := slotBatch(t.Context(), nil, script, wl, slotNaive, naiveCadence{poll: 100 * time.Millisecond, busy: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Creates != 3 || r.Busy429 < 3 || r.Posts != r.Creates+r.Busy429 || len(r.Lags) != 2 {
		t.Fatalf("slot batch: %+v", r)
	}
	if r.Wall < time.Second {
		t.Errorf("the batch took %s: the foreign tasks finished before 1 s had passed", r.Wall)
	}
	// 100 ms of cadence plus a shell and curl start per attempt; the bound
	// leaves room for a loaded machine.
	for _, l := range r.Lags {
		if l < 0 || l > 3*time.Second {
			t.Errorf("lag %s with a 100 ms resubmit cadence", l)
		}
	}
}
