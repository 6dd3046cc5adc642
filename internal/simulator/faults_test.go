package simulator

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFaultStatusForms(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 3, TaskDuration: time.Hour})
	running := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s, "replyUrl": "https://hooks.example/r", "replyRef": "r"}, 200)
	body := map[string]any{"assetId": demoVideo5s, "text_prompt": "x"}
	errBody := func(msg string, code int) any { return map[string]any{"error": msg, "code": jsonNum(code)} }
	tests := []struct {
		status     int
		busy       bool
		retryAfter string
		want       any
	}{
		{400, false, "", errBody("Bad Request", 400)},
		{401, false, "", errBody("Unauthorized", 401)},
		{404, false, "", errBody("Not found.", 404)},
		{412, false, "", loadFixture(t, "gen3_video_412.json")},
		{422, false, "", errBody(moderatedPromptMessage, 422)},
		{429, false, "", loadFixture(t, "gen3_video_429_runway.json")},
		{429, false, "17", loadFixture(t, "gen3_video_429_runway.json")},
		{429, true, "", nil}, // checked below
		{500, false, "", errBody("Internal Server Error", 500)},
		{502, false, "", errBody("Bad Gateway", 502)},
		{503, false, "30", errBody("Service Unavailable", 503)},
		{504, false, "", errBody("Gateway Timeout", 504)},
	}
	for _, tc := range tests {
		e.sim.Inject(Fault{Method: http.MethodPost, Path: PathGen3Video, Status: tc.status, Busy429: tc.busy, RetryAfter: tc.retryAfter})
		resp, data := e.request(http.MethodPost, PathGen3Video, body, nil)
		got := decodeJSON(t, data)
		if resp.StatusCode != tc.status {
			t.Errorf("fault %d: status %d", tc.status, resp.StatusCode)
		}
		if resp.Header.Get("Retry-After") != tc.retryAfter {
			t.Errorf("fault %d: Retry-After %q, want %q", tc.status, resp.Header.Get("Retry-After"), tc.retryAfter)
		}
		if tc.busy {
			if diffs := keyDiff("", loadFixture(t, "gen3_video_429_busy.json"), got, nil); len(diffs) > 0 {
				t.Errorf("busy fault shape: %v", diffs)
			}
			list := dig(t, got, "runningTasks", "demo@runway.local").([]any)
			if str(dig(t, got, "error")) != "Account demo@runway.local is busy executing 3 tasks" ||
				len(list) != 1 || str(dig(t, list[0], "taskId")) != str(running["taskId"]) {
				t.Errorf("busy fault %v", got)
			}
			continue
		}
		if !equalJSON(got, tc.want) {
			t.Errorf("fault %d: body %v, want %v", tc.status, got, tc.want)
		}
	}
	st := e.sim.Stats()
	if st.Creates != 1 || st.Rejected[429] != 3 || st.Rejected[503] != 1 || st.Rejected[412] != 1 {
		t.Errorf("stats %+v", st)
	}
	if e.sim.PendingFaults() != 0 {
		t.Errorf("%d faults left", e.sim.PendingFaults())
	}
	e.create(PathGen3Video, body, 200)
}

func TestFaultMatchingAndOrder(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 10})
	v := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	taskPath := "/tasks/" + url.PathEscape(str(v["taskId"]))
	statusOf := func(method, path string) int {
		t.Helper()
		resp, _ := e.request(method, path, nil, nil)
		return resp.StatusCode
	}

	// Method and path must both match; non-matching requests leave it queued.
	e.sim.Inject(Fault{Method: http.MethodGet, Path: "/tasks/", Status: 503, Times: 2})
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	if s := statusOf(http.MethodGet, "/assets/?offset=0&limit=1"); s != 200 {
		t.Errorf("assets hit by a /tasks/ fault: %d", s)
	}
	if s := statusOf(http.MethodDelete, taskPath+"-nope"); s != 404 {
		t.Errorf("DELETE hit by a GET fault: %d", s)
	}
	for i, want := range []int{503, 503, 200} {
		if s := statusOf(http.MethodGet, taskPath); s != want {
			t.Errorf("poll %d: %d, want %d", i, s, want)
		}
	}
	if e.sim.Polls(str(v["taskId"])) != 3 {
		t.Errorf("faulted polls not counted: %d", e.sim.Polls(str(v["taskId"])))
	}

	// Faults apply in the order they were injected.
	e.sim.Inject(Fault{Path: PathGen2Extend, Status: 500})
	e.sim.Inject(Fault{Path: PathGen2Extend, Status: 502})
	for i, want := range []int{500, 502, 200} {
		status, _ := e.call(http.MethodPost, PathGen2Extend, map[string]any{"assetId": demoVideo5s})
		if status != want {
			t.Errorf("create %d: %d, want %d", i, status, want)
		}
	}

	// Path "" matches every gateway route but not files; faults come before auth.
	_, a := e.getAsset(demoVideo5s)
	e.sim.Inject(Fault{Status: 503})
	if status, _, _ := e.fetch(str(a["url"])); status != 200 {
		t.Errorf("file hit by an API fault: %d", status)
	}
	resp, _ := e.request(http.MethodGet, "/assets/?offset=0&limit=1", nil, map[string]string{"Authorization": "Bearer wrong"})
	if resp.StatusCode != 503 {
		t.Errorf("fault after auth: %d", resp.StatusCode)
	}

	// A full path prefix works too; negative Times lasts until ClearFaults.
	e.sim.Inject(Fault{Path: APIPrefix + "/assets/", Status: 502, Times: -1})
	for i := 0; i < 3; i++ {
		if s := statusOf(http.MethodGet, "/assets/?offset=0&limit=1"); s != 502 {
			t.Errorf("unlimited fault, request %d: %d", i, s)
		}
	}
	e.sim.ClearFaults()
	if s := statusOf(http.MethodGet, "/assets/?offset=0&limit=1"); s != 200 || e.sim.PendingFaults() != 0 {
		t.Errorf("after ClearFaults: %d", s)
	}
}

// noReuseClient never reuses connections, so the transport cannot silently
// retry a GET whose connection was dropped.
func (e *env) noReuseClient() *http.Client {
	tr := e.srv.Client().Transport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func (e *env) rawDo(c *http.Client, method, path, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, e.srv.URL+APIPrefix+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func TestFaultDrop(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	c := e.noReuseClient()
	create := `{"assetId":"` + demoVideo5s + `"}`
	e.sim.Inject(Fault{Method: http.MethodPost, Path: PathGen2Extend, Drop: true})
	if resp, _, err := e.rawDo(c, http.MethodPost, PathGen2Extend, create); err == nil {
		t.Fatalf("dropped create answered %d", resp.StatusCode)
	}
	if st := e.sim.Stats(); st.Creates != 0 || len(e.sim.Tasks()) != 0 || len(st.Rejected) != 0 {
		t.Errorf("a dropped create was handled: %+v", st)
	}
	if _, used := e.sim.Credits(); used != 0 {
		t.Errorf("charged %d", used)
	}
	resp, data, err := e.rawDo(c, http.MethodPost, PathGen2Extend, create)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("create after the drop: %v %s", err, data)
	}
	id := str(dig(t, decodeJSON(t, data), "taskId"))
	e.sim.Inject(Fault{Path: "/tasks/", Drop: true})
	if _, _, err := e.rawDo(c, http.MethodGet, "/tasks/"+url.PathEscape(id), ""); err == nil {
		t.Error("dropped poll answered")
	}
	if e.sim.Polls(id) != 1 {
		t.Errorf("Polls %d", e.sim.Polls(id))
	}
}

func TestFaultDropAfterCreate(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	c := e.noReuseClient()
	e.sim.Inject(Fault{Path: PathGen2Extend, DropAfterCreate: true})
	if resp, _, err := e.rawDo(c, http.MethodPost, PathGen2Extend, `{"assetId":"`+demoVideo5s+`"}`); err == nil {
		t.Fatalf("answered %d", resp.StatusCode)
	}
	st := e.sim.Stats()
	if st.Creates != 1 || st.CreatesByPath[PathGen2Extend] != 1 || len(st.Rejected) != 0 {
		t.Errorf("stats %+v", st)
	}
	ids := e.sim.Tasks()
	if len(ids) != 1 {
		t.Fatalf("tasks %v", ids)
	}
	if got := e.getTask(ids[0]); got["status"] != "PENDING" {
		t.Errorf("the created task: %v", got["status"])
	}
	if _, used := e.sim.Credits(); used != 20 {
		t.Errorf("credits used %d, want 20", used)
	}
}

func TestFaultDelay(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 10})
	e.sim.Inject(Fault{Path: PathGen2Extend, Delay: 150 * time.Millisecond})
	start := time.Now()
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v", d)
	}
	e.sim.Inject(Fault{Path: "/assets/", Delay: 100 * time.Millisecond, Status: 503})
	start = time.Now()
	if resp, _ := e.request(http.MethodGet, "/assets/?offset=0&limit=1", nil, nil); resp.StatusCode != 503 || time.Since(start) < 100*time.Millisecond {
		t.Errorf("delayed 503: %d after %v", resp.StatusCode, time.Since(start))
	}
	// A client that gives up first gets no answer, and the server stops waiting.
	e.sim.Inject(Fault{Path: PathGen2Extend, Delay: 3 * time.Second})
	c := e.noReuseClient()
	c.Timeout = 50 * time.Millisecond
	start = time.Now()
	if _, _, err := e.rawDo(c, http.MethodPost, PathGen2Extend, `{"assetId":"`+demoVideo5s+`"}`); err == nil {
		t.Error("slow answer arrived before the client timeout")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("client waited %v", d)
	}
}

func TestFaultBody(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	huge := `{"taskId":"` + strings.Repeat("a", 4<<20) + `"}`
	tests := []struct {
		name       string
		status     int
		retryAfter string
		body       string
		wantStatus int
	}{
		{"truncated", 0, "", `{"taskId":"user:1234-runwayml:demo@runway.local-task:`, 200},
		{"malformed", 0, "", `{taskId: nope}`, 200},
		{"wrong types", 200, "", `{"taskId":42,"status":true,"progressRatio":{"a":1},"artifacts":"none"}`, 200},
		{"huge", 0, "", huge, 200},
		{"with status", 502, "9", `<html>bad gateway</html>`, 502},
	}
	for _, tc := range tests {
		e.sim.Inject(Fault{Path: PathGen3Video, Status: tc.status, RetryAfter: tc.retryAfter, Body: tc.body})
		resp, data := e.request(http.MethodPost, PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "x"}, nil)
		if resp.StatusCode != tc.wantStatus || string(data) != tc.body || resp.Header.Get("Retry-After") != tc.retryAfter {
			t.Errorf("%s: %d, %d bytes (want %d), Retry-After %q", tc.name, resp.StatusCode, len(data), len(tc.body), resp.Header.Get("Retry-After"))
		}
	}
	if st := e.sim.Stats(); st.Creates != 0 || st.Rejected[502] != 1 {
		t.Errorf("a Body fault handled the create: %+v", st)
	}
}

func TestFaultOnFiles(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	_, a := e.getAsset(demoVideo5s)
	e.sim.Inject(Fault{Path: "/files/", Status: 503, Times: 1})
	if status, _ := e.getAsset(demoVideo5s); status != 200 {
		t.Errorf("API hit by a files fault: %d", status)
	}
	if status, _, _ := e.fetch(str(a["url"])); status != 503 {
		t.Errorf("file fault: %d", status)
	}
	if status, _, _ := e.fetch(str(a["url"])); status != 200 {
		t.Errorf("file after the fault: %d", status)
	}
}
