package simulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The documented task answers: only the create answer (and the 429
// runningTasks entries) carries replyUrl/replyRef, features and code;
// GET /tasks/{taskId}, GET /tasks/?taskId= and the task list answer the
// bare task object.
func TestTaskReadsCarryNoCreateOnlyFields(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, TaskDuration: 10 * time.Second})
	created := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s, "replyUrl": "https://hooks.example/x", "replyRef": "ref-x"}, 200)
	for _, k := range []string{"replyUrl", "replyRef", "features", "code"} {
		if _, ok := created[k]; !ok {
			t.Errorf("create answer lacks %s", k)
		}
	}
	id := str(created["taskId"])
	createOnly := []string{"replyUrl", "replyRef", "features", "code"}
	for _, tc := range []struct {
		name string
		path string
		pick func(v any) map[string]any
	}{
		{"GET /tasks/{taskId}", "/tasks/" + url.PathEscape(id), func(v any) map[string]any { return v.(map[string]any) }},
		{"GET /tasks/?taskId=", "/tasks/?taskId=" + url.QueryEscape(id), func(v any) map[string]any { return v.(map[string]any) }},
		{"GET /tasks/ list", "/tasks/?offset=0&limit=10", func(v any) map[string]any { return v.([]any)[0].(map[string]any) }},
	} {
		for _, phase := range []time.Duration{0, time.Hour} { // running, then final
			e.advance(phase)
			status, v := e.call(http.MethodGet, tc.path, nil)
			if status != 200 {
				t.Fatalf("%s: %d %v", tc.name, status, v)
			}
			task := tc.pick(v)
			for _, k := range createOnly {
				if _, ok := task[k]; ok {
					t.Errorf("%s (status %v) carries %s", tc.name, task["status"], k)
				}
			}
		}
	}
}

// GET /scheduler/ lists the tasks the gateway tracks with their reply
// fields; DELETE /scheduler/{taskId} stops the tracking (the maxJobs slot
// is free at once) while the generation carries on and stays charged.
func TestScheduler(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 1, TaskDuration: 10 * time.Second})
	first := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s, "replyUrl": "https://hooks.example/1", "replyRef": "r1"}, 200)
	firstID := str(first["taskId"])
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 429) // the account's only slot is taken

	steps := []struct {
		name   string
		method string
		path   string
		status int
		check  func(t *testing.T, v any)
	}{
		{"lists the tracked task with its reply fields", http.MethodGet, "/scheduler/", 200, func(t *testing.T, v any) {
			list := v.([]any)
			if len(list) != 1 || !equalJSON(list[0], map[string]any{"taskId": firstID, "replyUrl": "https://hooks.example/1", "replyRef": "r1"}) {
				t.Errorf("scheduler %v", v)
			}
		}},
		{"without a trailing slash", http.MethodGet, "/scheduler", 200, nil},
		{"no other method on the list", http.MethodPost, "/scheduler/", 405, nil},
		{"only DELETE on an entry", http.MethodGet, "/scheduler/" + url.PathEscape(firstID), 405, nil},
		{"an unknown task is not tracked", http.MethodDelete, "/scheduler/" + url.PathEscape(strings.Replace(firstID, "-task:", "-task:0", 1)), 404, func(t *testing.T, v any) {
			if !equalJSON(v, map[string]any{"error": "Not found.", "code": jsonNum(404)}) {
				t.Errorf("404 body %v", v)
			}
		}},
		{"stops tracking", http.MethodDelete, "/scheduler/" + url.PathEscape(firstID), 200, nil},
		{"twice is 404", http.MethodDelete, "/scheduler/" + url.PathEscape(firstID), 404, nil},
		{"no longer listed", http.MethodGet, "/scheduler/", 200, func(t *testing.T, v any) {
			if len(v.([]any)) != 0 {
				t.Errorf("scheduler %v", v)
			}
		}},
	}
	for _, st := range steps {
		status, v := e.call(st.method, st.path, nil)
		if status != st.status {
			t.Fatalf("%s: %d %v, want %d", st.name, status, v, st.status)
		}
		if st.check != nil {
			st.check(t, v)
		}
	}

	// The slot is free while the untracked task still runs.
	second := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	if got := e.getTask(firstID)["status"]; got != "RUNNING" && got != "PENDING" {
		t.Errorf("untracked task %v, want it still running", got)
	}
	if e.sim.Tracked(firstID) || !e.sim.Tracked(str(second["taskId"])) {
		t.Errorf("Tracked: first %v second %v", e.sim.Tracked(firstID), e.sim.Tracked(str(second["taskId"])))
	}
	e.advance(time.Hour)
	done := e.getTask(firstID)
	if done["status"] != "SUCCEEDED" || len(done["artifacts"].([]any)) != 1 || e.sim.TaskCost(firstID) == 0 {
		t.Errorf("the untracked generation did not finish and stay charged: %v, cost %d", done["status"], e.sim.TaskCost(firstID))
	}
	// A final task is no longer tracked.
	if e.sim.Tracked(str(second["taskId"])) {
		t.Error("a final task is still tracked")
	}
	if st := e.sim.Stats(); st.Untracked != 1 {
		t.Errorf("Untracked %d", st.Untracked)
	}
}

// SetTaskStatus puts a task into a status the gateway does not document
// (a task cancelled in Runway's web app): every read answers it, the task
// produces nothing and leaves its slot and the scheduler.
func TestSetTaskStatus(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 1, TaskDuration: 10 * time.Second})
	id := str(e.create(PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "rain"}, 200)["taskId"])
	for _, tc := range []struct {
		name   string
		id     string
		status string
		ok     bool
	}{
		{"unknown task", id + "0", "CANCELED", false},
		{"empty status", id, "", false},
		{"running task", id, "CANCELED", true},
	} {
		if got := e.sim.SetTaskStatus(tc.id, tc.status); got != tc.ok {
			t.Errorf("%s: SetTaskStatus = %v, want %v", tc.name, got, tc.ok)
		}
	}
	e.advance(time.Hour)
	got := e.getTask(id)
	if got["status"] != "CANCELED" || len(got["artifacts"].([]any)) != 0 {
		t.Errorf("forced task %v %v", got["status"], got["artifacts"])
	}
	if e.sim.Tracked(id) {
		t.Error("a cancelled task is still tracked")
	}
	e.create(PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "snow"}, 200) // slot free
	// A final task keeps its status.
	e.advance(time.Hour)
	if e.sim.SetTaskStatus(e.sim.Tasks()[1], "CANCELED") {
		t.Error("SetTaskStatus changed a final task")
	}
}

// With several accounts, the calls the gateway scopes to one account
// require email (400 in the gateway's error shape); ids name the account;
// a generation runs, and counts against maxJobs, on its input's account.
func TestMultipleAccounts(t *testing.T) {
	const a, b = "first@runway.local", "second@runway.local"
	e := newEnv(t, Options{SeedDemoAssets: true, AccountEmails: []string{a, b}, MaxJobs: 1, TaskDuration: 10 * time.Second})
	if got := strings.Join(e.sim.AccountEmails(), ","); got != a+","+b {
		t.Fatalf("accounts %s", got)
	}
	clip := MinimalMP4(640, 360, 3*time.Second)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   []byte
		status int
	}{
		{"list without email", http.MethodGet, "/assets/?offset=0&limit=10", nil, 400},
		{"upload without email", http.MethodPost, "/assets/?name=x.mp4", clip, 400},
		{"task list without email", http.MethodGet, "/tasks/?offset=0&limit=10", nil, 400},
		{"features without email", http.MethodGet, "/features/", nil, 400},
		{"list of an unknown account", http.MethodGet, "/assets/?offset=0&limit=10&email=nobody%40runway.local", nil, 404},
		{"upload to an unknown account", http.MethodPost, "/assets/?name=x.mp4&email=nobody%40runway.local", clip, 404},
		{"list with email", http.MethodGet, "/assets/?offset=0&limit=10&email=" + url.QueryEscape(b), nil, 200},
		{"task list with email", http.MethodGet, "/tasks/?offset=0&limit=10&email=" + url.QueryEscape(a), nil, 200},
		{"features with email", http.MethodGet, "/features/?email=" + url.QueryEscape(b), nil, 200},
		{"one account configuration", http.MethodGet, "/accounts/" + b, nil, 200},
	} {
		var body any
		hdr := map[string]string{}
		if tc.body != nil {
			body, hdr["Content-Type"] = tc.body, "video/mp4"
		}
		resp, data := e.request(tc.method, tc.path, body, hdr)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, data, tc.status)
			continue
		}
		if tc.status == 400 {
			v, _ := decodeJSON(t, data).(map[string]any)
			if !strings.Contains(str(v["error"]), "email") || num(t, v["code"]) != 400 || len(v) != 2 {
				t.Errorf("%s: error body %s", tc.name, data)
			}
		}
	}

	status, up := e.upload("name=b.mp4&email="+url.QueryEscape(b), "video/mp4", clip)
	if status != 200 || !strings.HasPrefix(str(up["assetId"]), "user:1234-runwayml:"+b+"-asset:") {
		t.Fatalf("upload to %s: %d %v", b, status, up)
	}
	listed := func(email string) []string { return e.listAssets("offset=0&limit=50&email=" + url.QueryEscape(email)) }
	if got := listed(b); len(got) != 1 || got[0] != str(up["assetId"]) {
		t.Errorf("%s lists %v", b, got)
	}
	for _, id := range listed(a) {
		if !strings.Contains(id, "-runwayml:"+a+"-asset:") {
			t.Errorf("%s lists %s", a, id)
		}
	}

	// Each account has its own slot: a's task does not block b's.
	demo := "user:1234-runwayml:" + a + "-asset:" + DemoVideoLandscapeUUID
	onA := e.create(PathGen2Extend, map[string]any{"assetId": demo}, 200)
	onB := e.create(PathGen2Extend, map[string]any{"assetId": up["assetId"], "email": a}, 200) // the asset pins b
	busy := e.create(PathGen2Extend, map[string]any{"assetId": up["assetId"]}, 429)
	if !strings.Contains(str(onA["taskId"]), "-runwayml:"+a+"-task:") || !strings.Contains(str(onB["taskId"]), "-runwayml:"+b+"-task:") {
		t.Errorf("task ids %v %v", onA["taskId"], onB["taskId"])
	}
	if running := dig(t, busy, "runningTasks", b).([]any); len(running) != 1 || str(dig(t, running, 0, "taskId")) != str(onB["taskId"]) {
		t.Errorf("429 runningTasks %v", busy["runningTasks"])
	}
	e.advance(time.Hour)
	art := dig(t, e.getTask(str(onB["taskId"])), "artifacts", 0).(map[string]any)
	if !strings.Contains(str(art["assetId"]), "-runwayml:"+b+"-asset:") || art["taskId"] != onB["taskId"] {
		t.Errorf("artifact of b's task %v", art)
	}
	status, all := e.call(http.MethodGet, "/accounts/", nil)
	if m, _ := all.(map[string]any); status != 200 || len(m) != 2 || m[a] == nil || m[b] == nil {
		t.Errorf("accounts %d %v", status, all)
	}
}
