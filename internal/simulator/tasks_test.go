package simulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTaskLifecycle(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, TaskDuration: 10 * time.Second, QueueDelay: 2 * time.Second})
	start := e.clock.Now()
	v := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	id := str(v["taskId"])

	// PENDING with the remaining queue time.
	for _, c := range []struct {
		at  time.Duration
		eta float64
	}{{0, 2}, {500 * time.Millisecond, 1.5}, {1900 * time.Millisecond, 0.1}} {
		e.clock.Set(start.Add(c.at))
		got := e.getTask(id)
		if got["status"] != "PENDING" || got["progressRatio"] != nil || num(t, got["estimatedTimeToStartSeconds"]) != c.eta {
			t.Errorf("at %v: status %v progress %v eta %v", c.at, got["status"], got["progressRatio"], got["estimatedTimeToStartSeconds"])
		}
	}
	// RUNNING with a string progress rising linearly.
	prev := -1.0
	for _, c := range []struct {
		at   time.Duration
		want string
	}{{2 * time.Second, "0"}, {2*time.Second + 4500*time.Millisecond, "0.45"}, {9 * time.Second, "0.7"}, {11*time.Second + 999*time.Millisecond, "0.99"}} {
		e.clock.Set(start.Add(c.at))
		got := e.getTask(id)
		p, ok := got["progressRatio"].(string)
		if got["status"] != "RUNNING" || !ok || p != c.want {
			t.Fatalf("at %v: status %v progressRatio %#v, want RUNNING %q", c.at, got["status"], got["progressRatio"], c.want)
		}
		f, _ := strconv.ParseFloat(p, 64)
		if f <= prev || f >= 1 {
			t.Errorf("progress %v after %v: not rising below 1", f, prev)
		}
		prev = f
		if num(t, got["estimatedTimeToStartSeconds"]) != 0 || len(got["artifacts"].([]any)) != 0 {
			t.Errorf("running task %v", got)
		}
	}
	if _, ok := e.sim.CompletedAt(id); ok {
		t.Error("CompletedAt before the end")
	}
	// Observed long after the end: CompletedAt is the transition instant.
	e.clock.Set(start.Add(time.Hour))
	got := e.getTask(id)
	if got["status"] != "SUCCEEDED" || got["progressRatio"] != "1" || got["error"] != nil || got["estimatedTimeToStartSeconds"] != nil {
		t.Fatalf("finished task %v", got)
	}
	doneAt, ok := e.sim.CompletedAt(id)
	if !ok || !doneAt.Equal(start.Add(12*time.Second)) {
		t.Errorf("CompletedAt %v, want %v", doneAt, start.Add(12*time.Second))
	}
	if str(got["updatedAt"]) != timestamp(doneAt) {
		t.Errorf("updatedAt %v", got["updatedAt"])
	}
	if diffs := keyDiff("", loadFixture(t, "task_succeeded.json"), got, map[string]bool{".options": true}); len(diffs) > 0 {
		t.Errorf("task keys differ from task_succeeded.json: %v", diffs)
	}

	// The artifact: gen2 uses the {dimensions,size} metadata; 5 s input + 4 s.
	art := dig(t, got, "artifacts", 0).(map[string]any)
	wantMeta := map[string]any{"frameRate": jsonNum(24), "duration": jsonNum(9), "dimensions": []any{jsonNum(1280), jsonNum(768)},
		"size": map[string]any{"width": jsonNum(1280), "height": jsonNum(768)}}
	if !equalJSON(art["metadata"], wantMeta) {
		t.Errorf("metadata %v, want %v", art["metadata"], wantMeta)
	}
	if art["taskId"] != got["taskId"] || !strings.HasPrefix(str(art["assetId"]), "user:1234-runwayml:demo@runway.local-asset:") ||
		!strings.HasSuffix(str(art["assetId"]), str(art["id"])) || !strings.HasSuffix(str(art["filename"]), ".mp4") ||
		num(t, art["userId"]) != 1234 || art["private"] != true {
		t.Errorf("artifact %v", art)
	}
	u := str(art["url"])
	if !strings.HasPrefix(u, e.srv.URL+"/files/"+str(art["id"])+".mp4?_jwt=") {
		t.Errorf("artifact url %s", u)
	}
	status, hdr, body := e.fetch(u)
	if status != 200 || hdr.Get("Content-Type") != "video/mp4" {
		t.Fatalf("GET artifact: %d %v", status, hdr)
	}
	if str(art["fileSize"]) != strconv.Itoa(len(body)) {
		t.Errorf("fileSize %v, file has %d bytes", art["fileSize"], len(body))
	}
	info, err := ParseMP4Info(bytes.NewReader(body), int64(len(body)))
	if err != nil || info != (MP4Info{Duration: 9 * time.Second, Width: 1280, Height: 768}) {
		t.Errorf("artifact file: %+v, %v", info, err)
	}
	for _, p := range art["previewUrls"].([]any) {
		status, hdr, body := e.fetch(str(p))
		if status != 200 || hdr.Get("Content-Type") != "image/jpeg" {
			t.Errorf("preview %v: %d", p, status)
		} else if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
			t.Errorf("preview is not a JPEG: %v", err)
		}
	}

	// The artifact is an asset: newest in the list, and usable as input.
	status, list := e.call(http.MethodGet, "/assets/?offset=0&limit=1&mediaType=video", nil)
	if status != 200 || str(dig(t, list, 0, "assetId")) != str(art["assetId"]) || dig(t, list, 0, "taskId") != got["taskId"] || dig(t, list, 0, "mediaSubtype") != nil ||
		dig(t, list, 0, "isUserUpload") != false || num(t, dig(t, list, 0, "fileSize")) != float64(len(body)) {
		t.Errorf("asset list head %v", list)
	}
	next := e.create(PathGen2Extend, map[string]any{"assetId": art["assetId"]}, 200)
	if str(dig(t, next, "options", "gen2Options", "extended_from_task_id")) != id {
		t.Errorf("extended_from_task_id %v, want %s", dig(t, next, "options", "gen2Options", "extended_from_task_id"), id)
	}
	e.advance(time.Minute)
	next = e.getTask(str(next["taskId"]))
	if d := num(t, dig(t, next, "artifacts", 0, "metadata", "duration")); d != 13 {
		t.Errorf("extending the 9 s artifact gave %v s", d)
	}
}

func TestArtifactShapesPerTaskType(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 5, TaskDuration: time.Second})
	newMeta := loadFixture(t, "task_succeeded_new_metadata.json")
	tests := []struct {
		path string
		body map[string]any
		w, h int
		sec  float64
	}{
		{PathGen3Video, map[string]any{"assetId": demoVideo4s, "text_prompt": "neon", "seconds": 10}, 1280, 768, 10},
		{PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "outpaint_aspect_ratio": "portrait"}, 768, 1280, 5},
		{PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "seconds": 10}, 1280, 768, 10},
	}
	for _, tc := range tests {
		v := e.create(tc.path, tc.body, 200)
		e.advance(5 * time.Second)
		got := e.getTask(str(v["taskId"]))
		if diffs := keyDiff("", newMeta, got, map[string]bool{".options": true}); len(diffs) > 0 {
			t.Errorf("%s: keys differ from task_succeeded_new_metadata.json: %v", tc.path, diffs)
		}
		meta := dig(t, got, "artifacts", 0, "metadata")
		want := map[string]any{"frameRate": jsonNum(24), "duration": jsonNum(int(tc.sec)), "width": jsonNum(tc.w), "height": jsonNum(tc.h),
			"hasAlphaChannel": false, "hasAudio": false}
		if !equalJSON(meta, want) {
			t.Errorf("%s: metadata %v, want %v", tc.path, meta, want)
		}
		_, _, body := e.fetch(str(dig(t, got, "artifacts", 0, "url")))
		info, err := ParseMP4Info(bytes.NewReader(body), int64(len(body)))
		if err != nil || info.Width != tc.w || info.Height != tc.h || info.Duration != time.Duration(tc.sec)*time.Second {
			t.Errorf("%s: file %+v %v", tc.path, info, err)
		}
	}
}

func TestModerateMeFails(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 1, TaskDuration: 10 * time.Second, QueueDelay: time.Second})
	start := e.clock.Now()
	v := e.create(PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "please moderate-me now"}, 200)
	id := str(v["taskId"])
	e.advance(4 * time.Second) // 30 % into RUNNING
	if got := e.getTask(id); got["status"] != "RUNNING" || got["progressRatio"] != "0.3" {
		t.Fatalf("before failing: %v %v", got["status"], got["progressRatio"])
	}
	e.advance(time.Second)
	got := e.getTask(id)
	fixture := loadFixture(t, "task_failed_moderated.json")
	if got["status"] != "FAILED" || !equalJSON(got["error"], dig(t, fixture, "error")) {
		t.Fatalf("failed task: %v error %v", got["status"], got["error"])
	}
	if num(t, got["progressRatio"]) != 0.4 || len(got["artifacts"].([]any)) != 0 || got["estimatedTimeToStartSeconds"] != nil {
		t.Errorf("failed task %v", got)
	}
	if diffs := keyDiff("", fixture, got, map[string]bool{".options": true}); len(diffs) > 0 {
		t.Errorf("keys differ from task_failed_moderated.json: %v", diffs)
	}
	if at, ok := e.sim.CompletedAt(id); !ok || !at.Equal(start.Add(5*time.Second)) {
		t.Errorf("CompletedAt %v", at)
	}
	// The slot is free again (MaxJobs 1).
	e.create(PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "calm"}, 200)
}

func jwtClaimsOf(t *testing.T, u string) jwtClaims {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(pu.Query().Get("_jwt"), ".")
	if len(parts) != 3 {
		t.Fatalf("_jwt of %s is not a JWT", u)
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if string(hdr) != `{"alg":"HS256","typ":"JWT"}` {
		t.Errorf("jwt header %s", hdr)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c jwtClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) finishedArtifactURL() (taskID, assetID, u string) {
	e.t.Helper()
	v := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	e.advance(time.Minute)
	got := e.getTask(str(v["taskId"]))
	return str(v["taskId"]), str(dig(e.t, got, "artifacts", 0, "assetId")), str(dig(e.t, got, "artifacts", 0, "url"))
}

func TestURLRotatesOnEveryRead(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, TaskDuration: time.Second, URLTTL: 30 * time.Minute})
	id, assetID, first := e.finishedArtifactURL()
	seen := map[string]bool{first: true}
	for i := 0; i < 3; i++ {
		e.advance(time.Second)
		u := str(dig(t, e.getTask(id), "artifacts", 0, "url"))
		_, a := e.getAsset(assetID)
		for _, u := range []string{u, str(a["url"])} {
			c := jwtClaimsOf(t, u)
			if c.EXP-c.IAT != int64((30*time.Minute).Seconds()) || c.IAT != e.clock.Now().Unix() {
				t.Errorf("claims %+v at %v", c, e.clock.Now().Unix())
			}
			if status, _, _ := e.fetch(u); status != 200 {
				t.Errorf("fresh url %s: %d", u, status)
			}
		}
		if seen[u] {
			t.Errorf("read %d handed out an old URL", i)
		}
		seen[u] = true
	}
	// Older URLs stay valid until they expire.
	if status, _, _ := e.fetch(first); status != 200 {
		t.Errorf("first url: %d", status)
	}
}

func TestFileTokensRefused(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, TaskDuration: time.Second, URLTTL: time.Minute})
	_, assetID, u := e.finishedArtifactURL()
	pu, _ := url.Parse(u)
	token := pu.Query().Get("_jwt")
	parts := strings.Split(token, ".")
	_, demo := e.getAsset(demoVideo5s)
	demoURL, _ := url.Parse(str(demo["url"]))

	otherClaims, _ := json.Marshal(jwtClaims{IAT: 1, EXP: 1 << 40, Sub: strings.TrimSuffix(strings.TrimPrefix(pu.Path, "/files/"), ".mp4")})
	flipped := []byte(parts[2])
	flipped[3] ^= 1
	tests := []struct {
		name  string
		token string
	}{
		{"missing", ""},
		{"not a jwt", "abc"},
		{"forged signature", parts[0] + "." + parts[1] + "." + string(flipped)},
		{"claims rewritten to never expire", parts[0] + "." + base64.RawURLEncoding.EncodeToString(otherClaims) + "." + parts[2]},
		{"token of another file", demoURL.Query().Get("_jwt")},
	}
	for _, tc := range tests {
		q := url.Values{}
		if tc.token != "" {
			q.Set("_jwt", tc.token)
		}
		status, _, body := e.fetch(e.srv.URL + pu.Path + "?" + q.Encode())
		if status != 403 {
			t.Errorf("%s: status %d (%s)", tc.name, status, body)
		}
	}
	if status, _, _ := e.fetch(u); status != 200 {
		t.Fatalf("genuine url: %d", status)
	}
	e.advance(61 * time.Second)
	if status, _, body := e.fetch(u); status != 403 || !strings.Contains(string(body), "expired") {
		t.Errorf("expired url: %d %s", status, body)
	}
	// A valid token for a deleted asset: 404.
	_, a := e.getAsset(assetID)
	if status, _ := e.call(http.MethodDelete, "/assets/"+url.PathEscape(assetID), nil); status != 200 {
		t.Fatal("delete failed")
	}
	if status, _, _ := e.fetch(str(a["url"])); status != 404 {
		t.Errorf("deleted asset: %d", status)
	}
	if st := e.sim.Stats(); st.Rejected[403] != len(tests)+1 {
		t.Errorf("Rejected[403] = %d", st.Rejected[403])
	}
}

func TestCountersAndPolls(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 3, TaskDuration: 10 * time.Second})
	var ids []string
	for _, p := range []string{PathGen2Extend, PathGen2Extend, PathGen3Video} {
		v := e.create(p, map[string]any{"assetId": demoVideo5s, "text_prompt": "x"}, 200)
		ids = append(ids, str(v["taskId"]))
	}
	e.create(PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s}, 429)
	for i := 0; i < 4; i++ {
		e.getTask(ids[0])
	}
	e.getTask(ids[1])
	e.call(http.MethodGet, "/tasks/?taskId="+url.QueryEscape(ids[2]), nil)
	e.call(http.MethodGet, "/tasks/unknown-task", nil)
	st := e.sim.Stats()
	if st.Creates != 3 || st.CreatesByPath[PathGen2Extend] != 2 || st.CreatesByPath[PathGen3Video] != 1 || st.CreatesByPath[PathGen3TurboExpand] != 0 {
		t.Errorf("creates %+v", st)
	}
	if st.Polls[ids[0]] != 4 || st.Polls[ids[1]] != 1 || st.Polls[ids[2]] != 1 || st.Polls["unknown-task"] != 1 || st.TotalPolls != 7 {
		t.Errorf("polls %+v total %d", st.Polls, st.TotalPolls)
	}
	if e.sim.Polls(ids[0]) != 4 {
		t.Errorf("Polls(%s) = %d", ids[0], e.sim.Polls(ids[0]))
	}
	if st.MaxConcurrent != 3 || st.Rejected[429] != 1 || st.Rejected[404] != 1 || st.Requests != 11 {
		t.Errorf("stats %+v", st)
	}
	// Stats is a deep copy.
	st.Polls[ids[0]] = 100
	st.CreatesByPath[PathGen2Extend] = 100
	if e.sim.Polls(ids[0]) != 4 || e.sim.Stats().CreatesByPath[PathGen2Extend] != 2 {
		t.Error("Stats shares its maps with the simulator")
	}
	if got := e.sim.Tasks(); len(got) != 3 || got[0] != ids[0] || got[2] != ids[2] {
		t.Errorf("Tasks() = %v", got)
	}
}

// Many clients at once against the real clock: capacity holds, every create
// is accounted for, and -race sees no data race.
func TestConcurrentClientsRespectCapacity(t *testing.T) {
	e := newEnv(t, realClock(Options{SeedDemoAssets: true, MaxJobs: 3, TaskDuration: 60 * time.Millisecond, QueueDelay: 10 * time.Millisecond}))
	const clients = 12
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- e.runOne()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st := e.sim.Stats()
	if st.Creates != clients || st.MaxConcurrent > 3 || st.MaxConcurrent < 1 {
		t.Errorf("Creates %d MaxConcurrent %d", st.Creates, st.MaxConcurrent)
	}
	if st.Rejected[429] == 0 {
		t.Log("no 429 seen (clients never overlapped)")
	}
	if len(e.sim.Tasks()) != clients {
		t.Errorf("%d tasks", len(e.sim.Tasks()))
	}
}

// runOne creates a task (retrying on 429) and polls it to completion using
// only goroutine-safe calls.
func (e *env) runOne() error {
	post := func() (int, map[string]any, error) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+APIPrefix+PathGen2Extend, strings.NewReader(`{"assetId":"`+demoVideo5s+`"}`))
		req.Header.Set("Authorization", "Bearer "+testToken)
		return doJSON(e.client, req)
	}
	// The deadlines only stop a hung test: the simulator renders each
	// finished task's video under its lock, which takes long under -race on
	// a loaded machine.
	var id string
	for deadline := time.Now().Add(30 * time.Second); ; {
		status, v, err := post()
		if err != nil {
			return err
		}
		if status == 200 {
			id = str(v["taskId"])
			break
		}
		if status != 429 || time.Now().After(deadline) {
			return fmt.Errorf("create: %d %v", status, v)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+APIPrefix+"/tasks/"+url.PathEscape(id), nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		status, v, err := doJSON(e.client, req)
		if err != nil {
			return fmt.Errorf("poll: %w", err)
		}
		if status != 200 {
			return fmt.Errorf("poll: %d %v", status, v)
		}
		if v["status"] == "SUCCEEDED" {
			return nil
		}
	}
	return fmt.Errorf("task %s never finished", id)
}

func doJSON(c *http.Client, req *http.Request) (int, map[string]any, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var v map[string]any
	err = json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v, err
}

func TestHoldTasks(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 3, TaskDuration: 10 * time.Second, QueueDelay: time.Second})
	before := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	e.advance(6 * time.Second) // 50 %
	e.sim.HoldTasks(true)
	during := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	e.advance(time.Hour)
	for _, v := range []map[string]any{before, during} {
		got := e.getTask(str(v["taskId"]))
		if got["status"] != "RUNNING" || got["progressRatio"] != "0.99" {
			t.Errorf("held task: %v %v", got["status"], got["progressRatio"])
		}
		if _, ok := e.sim.CompletedAt(str(v["taskId"])); ok {
			t.Error("held task completed")
		}
	}
	// Held tasks keep their slots.
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 429)

	e.sim.HoldTasks(false)
	release := e.clock.Now()
	if got := e.getTask(str(before["taskId"])); got["progressRatio"] != "0.99" {
		t.Errorf("released task jumped to %v", got["progressRatio"])
	}
	e.advance(100 * time.Millisecond) // the last 1 % of 10 s
	for _, v := range []map[string]any{before, during} {
		if got := e.getTask(str(v["taskId"])); got["status"] != "SUCCEEDED" {
			t.Errorf("released task: %v", got["status"])
		}
		if at, ok := e.sim.CompletedAt(str(v["taskId"])); !ok || !at.Equal(release.Add(100*time.Millisecond)) {
			t.Errorf("CompletedAt %v, want %v", at, release.Add(100*time.Millisecond))
		}
	}
}

func TestForgetTask(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 1, TaskDuration: 10 * time.Second})
	v := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	id := str(v["taskId"])
	e.getTask(id)
	e.sim.ForgetTask(id)
	status, body := e.call(http.MethodGet, "/tasks/"+url.PathEscape(id), nil)
	if status != 404 || !equalJSON(body, map[string]any{"error": "Not found.", "code": jsonNum(404)}) {
		t.Errorf("forgotten task: %d %v", status, body)
	}
	if e.sim.Polls(id) != 2 || len(e.sim.Tasks()) != 1 || e.sim.TaskCost(id) != 20 {
		t.Errorf("counters lost: polls %d tasks %v cost %d", e.sim.Polls(id), e.sim.Tasks(), e.sim.TaskCost(id))
	}
	// Its slot is free and it never produces an artifact.
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	e.advance(time.Minute)
	if _, ok := e.sim.CompletedAt(id); ok {
		t.Error("forgotten task completed")
	}
	status, list := e.call(http.MethodGet, "/assets/?offset=0&limit=50&mediaType=video", nil)
	if n := len(list.([]any)); status != 200 || n != 3 { // two demo videos + the second task's artifact
		t.Errorf("%d video assets", n)
	}
}

func TestDeleteTask(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, TaskDuration: time.Second})
	id, assetID, _ := e.finishedArtifactURL()
	status, v := e.call(http.MethodDelete, "/tasks/"+url.PathEscape(id), nil)
	if status != 200 || !equalJSON(v, map[string]any{"success": true, "code": jsonNum(200)}) {
		t.Fatalf("delete: %d %v", status, v)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		status, v = e.call(m, "/tasks/"+url.PathEscape(id), nil)
		if status != 404 || str(dig(t, v, "error")) != "Not found." {
			t.Errorf("%s after delete: %d %v", m, status, v)
		}
	}
	if status, _ := e.getAsset(assetID); status != 200 {
		t.Errorf("the artifact asset went with the task: %d", status)
	}
	if st := e.sim.Stats(); st.Deletes != 1 {
		t.Errorf("Deletes %d", st.Deletes)
	}
}

func TestTaskIDPathEscaping(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	v := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	id := str(v["taskId"])
	full := strings.NewReplacer(":", "%3A", "@", "%40").Replace(id)
	for _, p := range []string{id, url.PathEscape(id), full} {
		status, got := e.call(http.MethodGet, "/tasks/"+p, nil)
		if status != 200 || str(dig(t, got, "taskId")) != id {
			t.Errorf("GET /tasks/%s: %d", p, status)
		}
	}
	if e.sim.Polls(id) != 3 {
		t.Errorf("polls %d", e.sim.Polls(id))
	}
	// Asset ids escape the same way.
	if status, _ := e.call(http.MethodGet, "/assets/"+strings.NewReplacer(":", "%3A", "@", "%40").Replace(demoVideo5s), nil); status != 200 {
		t.Errorf("escaped asset id: %d", status)
	}
}

func TestTaskQueries(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 5, TaskDuration: 10 * time.Second})
	var ids []string
	for i := 0; i < 4; i++ {
		v := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
		ids = append(ids, str(v["taskId"]))
		e.advance(4 * time.Second)
	}
	// Now: task 0 and 1 succeeded, 2 and 3 running.
	status, v := e.call(http.MethodGet, "/tasks/?taskId="+url.QueryEscape(ids[1]), nil)
	if status != 200 || str(dig(t, v, "taskId")) != ids[1] || str(dig(t, v, "status")) != "SUCCEEDED" {
		t.Errorf("?taskId=: %d %v", status, v)
	}
	if status, _ = e.call(http.MethodGet, "/tasks/?taskId=nope", nil); status != 404 {
		t.Errorf("?taskId=nope: %d", status)
	}
	list := func(q string) []string {
		t.Helper()
		status, v := e.call(http.MethodGet, "/tasks/?"+q, nil)
		if status != 200 {
			t.Fatalf("?%s: %d %v", q, status, v)
		}
		var out []string
		for _, x := range v.([]any) {
			out = append(out, str(dig(t, x, "taskId")))
		}
		return out
	}
	eq := func(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }
	if got := list("offset=0&limit=10"); !eq(got, []string{ids[3], ids[2], ids[1], ids[0]}) {
		t.Errorf("newest first: %v", got)
	}
	if got := list("offset=1&limit=2"); !eq(got, []string{ids[2], ids[1]}) {
		t.Errorf("paging: %v", got)
	}
	if got := list("offset=0&limit=10&statuses=SUCCEEDED"); !eq(got, []string{ids[1], ids[0]}) {
		t.Errorf("SUCCEEDED: %v", got)
	}
	if got := list("offset=0&limit=10&statuses=RUNNING,PENDING"); !eq(got, []string{ids[3], ids[2]}) {
		t.Errorf("RUNNING,PENDING: %v", got)
	}
	if got := list("offset=1000&limit=1000"); len(got) != 0 {
		t.Errorf("far offset: %v", got)
	}
	for _, q := range []string{"", "limit=10", "offset=0", "offset=-1&limit=1", "offset=1001&limit=1", "offset=0&limit=0",
		"offset=0&limit=1001", "offset=x&limit=1", "offset=0&limit=10&statuses=DONE"} {
		status, v := e.call(http.MethodGet, "/tasks/?"+q, nil)
		if status != 400 || num(t, dig(t, v, "code")) != 400 {
			t.Errorf("?%s: %d %v", q, status, v)
		}
	}
	// Listing is not polling.
	if st := e.sim.Stats(); st.TotalPolls != 2 {
		t.Errorf("TotalPolls %d", st.TotalPolls)
	}
}

func TestSetTaskDuration(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 5, TaskDuration: 10 * time.Second})
	start := e.clock.Now()
	old := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	e.sim.SetTaskDuration(2 * time.Second)
	short := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	if num(t, short["estimatedTimeToStartSeconds"]) != 0.2 {
		t.Errorf("queue delay did not follow: %v", short["estimatedTimeToStartSeconds"])
	}
	e.advance(time.Minute)
	a, _ := e.sim.CompletedAt(str(old["taskId"]))
	b, _ := e.sim.CompletedAt(str(short["taskId"]))
	if !a.Equal(start.Add(11*time.Second)) || !b.Equal(start.Add(2200*time.Millisecond)) {
		t.Errorf("completed at +%v and +%v", a.Sub(start), b.Sub(start))
	}
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, Options{})
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/gen2/extend", 405},
		{http.MethodPut, "/tasks/x", 405},
		{http.MethodPost, "/gen4/create", 404},
		{http.MethodGet, "/tasks/does-not-exist", 404},
		{http.MethodGet, "http://" + strings.TrimPrefix(e.srv.URL, "http://") + "/elsewhere", 404},
		{http.MethodPost, "http://" + strings.TrimPrefix(e.srv.URL, "http://") + "/files/x.mp4", 405},
	} {
		resp, _ := e.request(c.method, c.path, nil, nil)
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
	}
}
