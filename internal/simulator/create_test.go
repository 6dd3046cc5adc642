package simulator

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCreateValidation(t *testing.T) {
	long := strings.Repeat("x", 1025)
	atLimit := strings.Repeat("x", 1024)
	gen2 := func(kv ...any) map[string]any {
		m := map[string]any{"assetId": demoVideo5s, "exploreMode": true}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	gen3 := func(kv ...any) map[string]any {
		m := map[string]any{"assetId": demoVideo5s, "text_prompt": "a cat", "exploreMode": true}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	expand := func(kv ...any) map[string]any {
		m := map[string]any{"videoAssetId": demoVideo5s, "exploreMode": true}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	without := func(m map[string]any, k string) map[string]any { delete(m, k); return m }

	tests := []struct {
		name   string
		path   string
		body   any
		status int
		msg    []string // substrings of the error message (field and range)
	}{
		// gen2/extend
		{"gen2 missing assetId", PathGen2Extend, without(gen2(), "assetId"), 400, []string{"assetId", "required"}},
		{"gen2 empty assetId", PathGen2Extend, gen2("assetId", ""), 400, []string{"assetId", "required"}},
		{"gen2 assetId not a string", PathGen2Extend, gen2("assetId", 42), 400, []string{"assetId", "string"}},
		{"gen2 motion as string", PathGen2Extend, gen2("motion", "5"), 400, []string{"motion", "1 to 10"}},
		{"gen2 motion 0", PathGen2Extend, gen2("motion", 0), 400, []string{"motion", "1 to 10"}},
		{"gen2 motion 11", PathGen2Extend, gen2("motion", 11), 400, []string{"motion", "1 to 10"}},
		{"gen2 motion fractional", PathGen2Extend, gen2("motion", 5.5), 400, []string{"motion", "integer"}},
		{"gen2 motion 1", PathGen2Extend, gen2("motion", 1), 200, nil},
		{"gen2 motion 10", PathGen2Extend, gen2("motion", 10), 200, nil},
		{"gen2 horizontal -11", PathGen2Extend, gen2("horizontal", -11), 400, []string{"horizontal", "-10 to 10"}},
		{"gen2 vertical 11", PathGen2Extend, gen2("vertical", 11), 400, []string{"vertical", "-10 to 10"}},
		{"gen2 roll 11", PathGen2Extend, gen2("roll", 11), 400, []string{"roll", "-10 to 10"}},
		{"gen2 zoom -11", PathGen2Extend, gen2("zoom", -11), 400, []string{"zoom", "-10 to 10"}},
		{"gen2 pan 11", PathGen2Extend, gen2("pan", 11), 400, []string{"pan", "-10 to 10"}},
		{"gen2 tilt -11", PathGen2Extend, gen2("tilt", -11), 400, []string{"tilt", "-10 to 10"}},
		{"gen2 tilt as bool", PathGen2Extend, gen2("tilt", true), 400, []string{"tilt", "-10 to 10"}},
		{"gen2 all camera at bounds", PathGen2Extend, gen2("horizontal", -10, "vertical", 10, "roll", -10, "zoom", 10, "pan", -10, "tilt", 10), 200, nil},
		{"gen2 motion with horizontal", PathGen2Extend, gen2("motion", 5, "horizontal", 1), 400, []string{"motion", "horizontal"}},
		{"gen2 motion with tilt", PathGen2Extend, gen2("motion", 5, "tilt", -3), 400, []string{"motion", "tilt"}},
		{"gen2 interpolate as string", PathGen2Extend, gen2("interpolate", "yes"), 400, []string{"interpolate", "true or false"}},
		{"gen2 exploreMode as number", PathGen2Extend, gen2("exploreMode", 1), 400, []string{"exploreMode", "true or false"}},
		{"gen2 seed 0", PathGen2Extend, gen2("seed", 0), 400, []string{"seed", "1 to 4294967294"}},
		{"gen2 seed too big", PathGen2Extend, gen2("seed", 4294967295), 400, []string{"seed", "1 to 4294967294"}},
		{"gen2 seed as string", PathGen2Extend, gen2("seed", "7"), 400, []string{"seed", "1 to 4294967294"}},
		{"gen2 seed bounds", PathGen2Extend, gen2("seed", 4294967294), 200, nil},
		{"gen2 seed 1", PathGen2Extend, gen2("seed", 1), 200, nil},
		{"gen2 maxJobs 0", PathGen2Extend, gen2("maxJobs", 0), 400, []string{"maxJobs", "1 to 10"}},
		{"gen2 maxJobs 11", PathGen2Extend, gen2("maxJobs", 11), 400, []string{"maxJobs", "1 to 10"}},
		{"gen2 maxJobs 10", PathGen2Extend, gen2("maxJobs", 10), 200, nil},
		{"gen2 replyUrl too long", PathGen2Extend, gen2("replyUrl", long), 400, []string{"replyUrl", "1024"}},
		{"gen2 replyRef too long", PathGen2Extend, gen2("replyRef", long), 400, []string{"replyRef", "1024"}},
		{"gen2 replyUrl/Ref at 1024", PathGen2Extend, gen2("replyUrl", atLimit, "replyRef", atLimit), 200, nil},
		{"gen2 replyRef as number", PathGen2Extend, gen2("replyRef", 5), 400, []string{"replyRef", "string"}},
		{"gen2 unknown account email", PathGen2Extend, gen2("email", "other@example.com"), 400, []string{"email"}},
		{"gen2 null fields are absent", PathGen2Extend, gen2("motion", nil, "seed", nil), 200, nil},
		// gen3/video
		{"gen3 missing text_prompt", PathGen3Video, without(gen3(), "text_prompt"), 400, []string{"text_prompt", "required"}},
		{"gen3 blank text_prompt", PathGen3Video, gen3("text_prompt", "  "), 400, []string{"text_prompt", "required"}},
		{"gen3 text_prompt as number", PathGen3Video, gen3("text_prompt", 1), 400, []string{"text_prompt", "string"}},
		{"gen3 missing assetId", PathGen3Video, without(gen3(), "assetId"), 400, []string{"assetId", "required"}},
		{"gen3 structure -1", PathGen3Video, gen3("structure_transformation", -1), 400, []string{"structure_transformation", "0 to 10"}},
		{"gen3 structure 10.5", PathGen3Video, gen3("structure_transformation", 10.5), 400, []string{"structure_transformation", "0 to 10"}},
		{"gen3 structure as string", PathGen3Video, gen3("structure_transformation", "3"), 400, []string{"structure_transformation", "0 to 10"}},
		{"gen3 structure 0", PathGen3Video, gen3("structure_transformation", 0), 200, nil},
		{"gen3 structure 10", PathGen3Video, gen3("structure_transformation", 10), 200, nil},
		{"gen3 structure 2.5", PathGen3Video, gen3("structure_transformation", 2.5), 200, nil},
		{"gen3 resolution 1080p", PathGen3Video, gen3("resolution", "1080p"), 400, []string{"resolution", "720p"}},
		{"gen3 resolution 720p", PathGen3Video, gen3("resolution", "720p"), 200, nil},
		{"gen3 seconds 7", PathGen3Video, gen3("seconds", 7), 400, []string{"seconds", "5 or 10"}},
		{"gen3 seconds as string", PathGen3Video, gen3("seconds", "10"), 400, []string{"seconds", "5 or 10"}},
		{"gen3 seed 0", PathGen3Video, gen3("seed", 0), 400, []string{"seed", "1 to 4294967294"}},
		{"gen3 maxJobs 11", PathGen3Video, gen3("maxJobs", 11), 400, []string{"maxJobs", "1 to 10"}},
		{"gen3 replyUrl too long", PathGen3Video, gen3("replyUrl", long), 400, []string{"replyUrl", "1024"}},
		// gen3turbo/expand
		{"expand missing videoAssetId", PathGen3TurboExpand, without(expand(), "videoAssetId"), 400, []string{"videoAssetId", "required"}},
		{"expand seconds 7", PathGen3TurboExpand, expand("seconds", 7), 400, []string{"seconds", "5 or 10"}},
		{"expand seconds 5", PathGen3TurboExpand, expand("seconds", 5), 200, nil},
		{"expand seconds 10", PathGen3TurboExpand, expand("seconds", 10), 200, nil},
		{"expand aspect square", PathGen3TurboExpand, expand("outpaint_aspect_ratio", "square"), 400, []string{"outpaint_aspect_ratio", "landscape or portrait"}},
		{"expand aspect portrait", PathGen3TurboExpand, expand("outpaint_aspect_ratio", "portrait"), 200, nil},
		{"expand imageAssetId as number", PathGen3TurboExpand, expand("imageAssetId", 3), 400, []string{"imageAssetId", "string"}},
		{"expand text_prompt as bool", PathGen3TurboExpand, expand("text_prompt", false), 400, []string{"text_prompt", "string"}},
		{"expand seed too big", PathGen3TurboExpand, expand("seed", 1e10), 400, []string{"seed", "1 to 4294967294"}},
		{"expand maxJobs 0", PathGen3TurboExpand, expand("maxJobs", 0), 400, []string{"maxJobs", "1 to 10"}},
		{"expand replyRef too long", PathGen3TurboExpand, expand("replyRef", long), 400, []string{"replyRef", "1024"}},
		// bodies
		{"not JSON", PathGen2Extend, "assetId=1", 400, []string{"JSON"}},
		{"JSON array", PathGen3Video, "[]", 400, []string{"JSON object"}},
		{"truncated JSON", PathGen3TurboExpand, `{"videoAssetId":`, 400, []string{"JSON"}},
	}
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 10, TaskDuration: time.Second})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			before := e.sim.Stats().Creates
			status, v := e.call(http.MethodPost, tc.path, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, v)
			}
			e.advance(10 * time.Second) // finish accepted tasks: capacity never interferes
			if tc.status != 200 {
				if got := e.sim.Stats().Creates; got != before {
					t.Errorf("a rejected create counted: Creates %d -> %d", before, got)
				}
				if code := num(t, dig(t, v, "code")); code != float64(tc.status) {
					t.Errorf("code %v, want %d", code, tc.status)
				}
				msg := str(dig(t, v, "error"))
				for _, want := range tc.msg {
					if !strings.Contains(msg, want) {
						t.Errorf("message %q does not mention %q", msg, want)
					}
				}
			}
		})
	}
}

func TestCreateMultipartForm(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	post := func(fields map[string]string) (int, any) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		_ = mw.Close()
		resp, data := e.request(http.MethodPost, PathGen2Extend, buf.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()})
		return resp.StatusCode, decodeJSON(t, data)
	}
	status, v := post(map[string]string{"assetId": demoVideo5s, "motion": "7", "interpolate": "false", "seed": "99", "replyRef": "ref-1"})
	if status != 200 {
		t.Fatalf("multipart create: %d %v", status, v)
	}
	opts := dig(t, v, "options", "gen2Options")
	if got := num(t, dig(t, opts, "motion_score")); got != 16 {
		t.Errorf("motion_score %v, want 16 for motion 7", got)
	}
	if dig(t, opts, "interpolate") != false || num(t, dig(t, opts, "seed")) != 99 {
		t.Errorf("form values not applied: %v", opts)
	}
	if str(dig(t, v, "replyRef")) != "ref-1" {
		t.Errorf("replyRef %v", dig(t, v, "replyRef"))
	}
	status, v = post(map[string]string{"assetId": demoVideo5s, "motion": "lots"})
	if status != 400 || !strings.Contains(str(dig(t, v, "error")), "motion") {
		t.Errorf("bad multipart motion: %d %v", status, v)
	}
	status, v = post(map[string]string{"motion": "3"})
	if status != 400 || !strings.Contains(str(dig(t, v, "error")), "assetId") {
		t.Errorf("multipart without assetId: %d %v", status, v)
	}
}

func TestUnauthorized(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	routes := []struct{ method, path string }{
		{http.MethodPost, PathGen2Extend},
		{http.MethodPost, PathGen3Video},
		{http.MethodPost, PathGen3TurboExpand},
		{http.MethodGet, "/tasks/some-task"},
		{http.MethodDelete, "/tasks/some-task"},
		{http.MethodGet, "/tasks/?offset=0&limit=10"},
		{http.MethodGet, "/assets/?offset=0&limit=10"},
		{http.MethodGet, "/assets/" + demoVideo5s},
		{http.MethodPost, "/assets/?name=x"},
		{http.MethodDelete, "/assets/" + demoVideo5s},
	}
	headers := map[string]string{
		"missing":      "",
		"wrong token":  "Bearer user:1234-wrong",
		"basic scheme": "Basic " + testToken,
		"bare token":   testToken,
	}
	want := loadFixture(t, "gen2_extend_401.json")
	for _, rt := range routes {
		for name, h := range headers {
			resp, data := e.request(rt.method, rt.path, `{"assetId":"x"}`, map[string]string{"Authorization": h})
			if resp.StatusCode != 401 {
				t.Errorf("%s %s with %s: status %d", rt.method, rt.path, name, resp.StatusCode)
				continue
			}
			if got := decodeJSON(t, data); !equalJSON(got, want) {
				t.Errorf("%s %s: body %v, want %v", rt.method, rt.path, got, want)
			}
		}
	}
	if status, _ := e.getAsset(demoVideo5s); status != 200 {
		t.Error("the demo asset vanished after unauthorized deletes")
	}
	if st := e.sim.Stats(); st.Rejected[401] != len(routes)*len(headers) || st.Creates != 0 {
		t.Errorf("stats %+v", st)
	}
}

// equalJSON compares decoded JSON values.
func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !equalJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func TestUnknownAsset404(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	missing := "user:1234-runwayml:demo@runway.local-asset:11111111-2222-4333-8444-555555555555"
	tests := []struct {
		name string
		path string
		body map[string]any
		msg  string
	}{
		{"gen2 unknown", PathGen2Extend, map[string]any{"assetId": missing},
			"Unable to retrieve assetId " + missing + " (Not found.)"},
		{"gen2 image is not a video", PathGen2Extend, map[string]any{"assetId": demoImage},
			"Unable to retrieve assetId " + demoImage + " (Not found.)"},
		{"gen3 unknown", PathGen3Video, map[string]any{"assetId": missing, "text_prompt": "x"},
			"Unable to retrieve assetId " + missing + " (Not found.)"},
		{"expand unknown video", PathGen3TurboExpand, map[string]any{"videoAssetId": missing},
			"Unable to retrieve videoAssetId " + missing + " (Not found.)"},
		{"expand unknown image", PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "imageAssetId": missing},
			"Unable to retrieve imageAssetId " + missing + " (Not found.)"},
		{"expand video as image", PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "imageAssetId": demoVideo4s},
			"Unable to retrieve imageAssetId " + demoVideo4s + " (Not found.)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			status, v := e.call(http.MethodPost, tc.path, tc.body)
			want := map[string]any{"error": tc.msg, "code": jsonNum(404)}
			if status != 404 || !equalJSON(v, want) {
				t.Errorf("got %d %v, want 404 %v", status, v, want)
			}
		})
	}
	if st := e.sim.Stats(); st.Creates != 0 {
		t.Errorf("Creates %d", st.Creates)
	}
	permitted, used := e.sim.Credits()
	if permitted != DefaultCredits || used != 0 {
		t.Errorf("credits %d/%d after failed creates", used, permitted)
	}
}

func TestNoCredits412(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 10})
	e.sim.SetCredits(100, 81) // 19 left: below every cost
	want := loadFixture(t, "gen3_video_412.json")
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{PathGen2Extend, map[string]any{"assetId": demoVideo5s}},
		{PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "x", "seconds": 5}},
		{PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "seconds": 5}},
	} {
		status, v := e.call(http.MethodPost, c.path, c.body)
		if status != 412 || !equalJSON(v, want) {
			t.Errorf("%s: got %d %v, want 412 %v", c.path, status, v, want)
		}
	}
	// Explore mode costs nothing, so it still runs.
	v := e.create(PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "x", "exploreMode": true}, 200)
	if cost := e.sim.TaskCost(str(v["taskId"])); cost != 0 {
		t.Errorf("explore cost %d", cost)
	}
	// Exactly enough credits is enough.
	e.sim.SetCredits(100, 80)
	v = e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	if got := num(t, dig(t, v, "features", "numPlanCredits_used")); got != 100 {
		t.Errorf("numPlanCredits_used %v, want 100", got)
	}
	if _, used := e.sim.Credits(); used != 100 {
		t.Errorf("used %d", used)
	}
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 412)
	if st := e.sim.Stats(); st.Creates != 2 || st.Rejected[412] != 4 {
		t.Errorf("stats %+v", st)
	}
}

func TestCreditCosts(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 10})
	// An upload whose duration is unknown (not an MP4, no query duration).
	resp, data := e.request(http.MethodPost, "/assets/?name=clip.webm", []byte("webm bytes"), map[string]string{"Content-Type": "video/webm"})
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %d %s", resp.StatusCode, data)
	}
	noDuration := str(dig(t, decodeJSON(t, data), "assetId"))
	tests := []struct {
		name    string
		path    string
		body    map[string]any
		cost    int
		seconds float64
	}{
		{"gen2 is 4 s x 5", PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 20, 4},
		{"gen3 5 s", PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "x", "seconds": 5}, 50, 5},
		{"gen3 10 s", PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "x", "seconds": 10}, 100, 10},
		{"gen3 default from a 5 s asset", PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "x"}, 50, 5},
		{"gen3 default without duration", PathGen3Video, map[string]any{"assetId": noDuration, "text_prompt": "x"}, 100, 10},
		{"expand 10 s", PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "seconds": 10}, 50, 10},
		{"expand default from a 4 s asset", PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo4s}, 25, 5},
		{"expand default without duration", PathGen3TurboExpand, map[string]any{"videoAssetId": noDuration}, 50, 10},
		{"explore mode is free", PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "x", "exploreMode": true}, 0, 5},
	}
	total := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			v := e.create(tc.path, tc.body, 200)
			total += tc.cost
			if got := e.sim.TaskCost(str(v["taskId"])); got != tc.cost {
				t.Errorf("TaskCost %d, want %d", got, tc.cost)
			}
			if got := num(t, dig(t, v, "features", "numPlanCredits_used")); got != float64(total) {
				t.Errorf("numPlanCredits_used %v, want %d", got, total)
			}
			if got := num(t, dig(t, v, "options", "seconds")); got != tc.seconds {
				t.Errorf("options.seconds %v, want %v", got, tc.seconds)
			}
			e.advance(time.Minute)
		})
	}
}

func TestModeratedPrompt422(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 10})
	for _, prompt := range []string{"a forbidden scene", "FORBIDDEN", "it is Forbidden."} {
		status, v := e.call(http.MethodPost, PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": prompt})
		if status != 422 || num(t, dig(t, v, "code")) != 422 || !strings.HasPrefix(str(dig(t, v, "error")), "Prompt moderated") {
			t.Errorf("%q: %d %v", prompt, status, v)
		}
		status, _ = e.call(http.MethodPost, PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "text_prompt": prompt})
		if status != 422 {
			t.Errorf("expand %q: %d", prompt, status)
		}
	}
	if st := e.sim.Stats(); st.Creates != 0 || len(e.sim.Tasks()) != 0 {
		t.Errorf("moderated prompts created tasks: %+v", st)
	}
	if _, used := e.sim.Credits(); used != 0 {
		t.Errorf("moderated prompts were charged: %d", used)
	}
	// Only the word triggers it.
	e.create(PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "unforbiddenly calm"}, 200)
}

func TestBusy429(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 2, TaskDuration: 10 * time.Second, QueueDelay: time.Second})
	var ids []string
	for i, ref := range []string{"ref-a", "ref-b"} {
		v := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s, "replyUrl": "https://hooks.example/" + ref, "replyRef": ref}, 200)
		ids = append(ids, str(v["taskId"]))
		if i == 0 {
			e.advance(2 * time.Second) // the first is RUNNING, the second PENDING: both count
		}
	}
	status, v := e.call(http.MethodPost, PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "x"})
	if status != 429 {
		t.Fatalf("third create: %d %v", status, v)
	}
	if diffs := keyDiff("", loadFixture(t, "gen3_video_429_busy.json"), v, nil); len(diffs) > 0 {
		t.Errorf("busy answer shape differs from testdata/gen3_video_429_busy.json: %v", diffs)
	}
	if got := str(dig(t, v, "error")); got != "Account demo@runway.local is busy executing 2 tasks" {
		t.Errorf("error %q", got)
	}
	running := dig(t, v, "runningTasks", "demo@runway.local").([]any)
	if len(running) != 2 {
		t.Fatalf("runningTasks %v", running)
	}
	for i, r := range running {
		if str(dig(t, r, "taskId")) != ids[i] || !strings.HasSuffix(ids[i], str(dig(t, r, "id"))) ||
			str(dig(t, r, "email")) != "demo@runway.local" || !strings.HasPrefix(str(dig(t, r, "replyRef")), "ref-") {
			t.Errorf("runningTasks[%d] = %v", i, r)
		}
	}
	// A lower maxJobs in the request lowers the limit.
	e.advance(9 * time.Second) // first done at 11 s, second still running
	busy := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s, "maxJobs": 1}, 429)
	if got := str(busy["error"]); got != "Account demo@runway.local is busy executing 1 tasks" {
		t.Errorf("maxJobs 1: %q", got)
	}
	if n := len(dig(t, busy, "runningTasks", "demo@runway.local").([]any)); n != 1 {
		t.Errorf("runningTasks after one finished: %d", n)
	}
	// A higher maxJobs cannot exceed the account's capacity.
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s, "maxJobs": 10}, 200)
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s, "maxJobs": 10}, 429)
	st := e.sim.Stats()
	if st.MaxConcurrent != 2 || st.Creates != 3 || st.Rejected[429] != 3 {
		t.Errorf("stats %+v", st)
	}
	// The queue frees when the tasks end.
	e.advance(time.Minute)
	e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
}

func jsonNum(n int) any { return json.Number(strconv.Itoa(n)) }

var uuidV4 = `[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`

// The create answers have the keys and types of the gateway's documented
// examples, kept in testdata/*_200.json.
func TestCreateShapeMatchesFixture(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 10, QueueDelay: 1500 * time.Millisecond})
	taskIDRe := regexp.MustCompile(`^user:1234-runwayml:demo@runway\.local-task:(` + uuidV4 + `)$`)
	tests := []struct {
		fixture  string
		path     string
		body     map[string]any
		taskType string
		check    func(t *testing.T, options any)
	}{
		{"gen2_extend_200.json", PathGen2Extend,
			map[string]any{"assetId": demoVideo5s, "motion": 10, "seed": 12345678, "replyUrl": "https://webhook.site/abc", "replyRef": "r1"},
			"gen2", func(t *testing.T, o any) {
				g := dig(t, o, "gen2Options")
				if num(t, dig(t, g, "motion_score")) != 22 || dig(t, g, "use_motion_score") != true || dig(t, g, "use_motion_vectors") != false {
					t.Errorf("motion 10: %v", g)
				}
				if num(t, dig(t, g, "seed")) != 12345678 || dig(t, g, "interpolate") != true || str(dig(t, g, "mode")) != "gen2" {
					t.Errorf("gen2Options %v", g)
				}
				if !strings.Contains(str(dig(t, g, "init_video")), "/files/"+DemoVideoLandscapeUUID+".mp4?_jwt=") {
					t.Errorf("init_video %v", dig(t, g, "init_video"))
				}
				if num(t, dig(t, o, "seconds")) != 4 {
					t.Errorf("seconds %v", dig(t, o, "seconds"))
				}
			}},
		{"gen3_video_200.json", PathGen3Video,
			map[string]any{"assetId": demoVideo5s, "text_prompt": "a calm lake", "structure_transformation": 9, "seconds": 10, "seed": 123456789, "exploreMode": true, "replyUrl": "https://webhook.site/abc", "replyRef": "r2"},
			"gen3a", func(t *testing.T, o any) {
				if num(t, dig(t, o, "structure_transformation")) != 0.9 || num(t, dig(t, o, "seconds")) != 10 ||
					num(t, dig(t, o, "width")) != 1280 || num(t, dig(t, o, "height")) != 768 || str(dig(t, o, "text_prompt")) != "a calm lake" ||
					dig(t, o, "exploreMode") != true {
					t.Errorf("options %v", o)
				}
			}},
		{"gen3turbo_expand_200.json", PathGen3TurboExpand,
			map[string]any{"videoAssetId": demoVideo5s, "imageAssetId": demoImage, "text_prompt": "wider", "seconds": 10, "outpaint_aspect_ratio": "portrait", "replyUrl": "https://webhook.site/abc", "replyRef": "r3"},
			"gen3a_turbo", func(t *testing.T, o any) {
				if str(dig(t, o, "outpaint_aspect_ratio")) != "3:5" || num(t, dig(t, o, "seconds")) != 10 ||
					!strings.Contains(str(dig(t, o, "outpaint_guiding_image")), DemoImageUUID+".jpg?_jwt=") {
					t.Errorf("options %v", o)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			e.t = t
			v := e.create(tc.path, tc.body, 200)
			if diffs := keyDiff("", loadFixture(t, tc.fixture), v, nil); len(diffs) > 0 {
				t.Errorf("keys differ from %s:\n%s", tc.fixture, strings.Join(diffs, "\n"))
			}
			m := taskIDRe.FindStringSubmatch(str(v["taskId"]))
			if m == nil || m[1] != str(v["id"]) {
				t.Errorf("taskId %v / id %v", v["taskId"], v["id"])
			}
			if v["taskType"] != tc.taskType || v["status"] != "PENDING" || v["progressRatio"] != nil ||
				num(t, v["code"]) != 200 || len(v["artifacts"].([]any)) != 0 || v["error"] != nil {
				t.Errorf("task fields %v", v)
			}
			if num(t, v["estimatedTimeToStartSeconds"]) != 1.5 {
				t.Errorf("estimatedTimeToStartSeconds %v, want the queue delay", v["estimatedTimeToStartSeconds"])
			}
			if str(v["replyUrl"]) != "https://webhook.site/abc" || !strings.HasPrefix(str(v["replyRef"]), "r") {
				t.Errorf("reply fields %v %v", v["replyUrl"], v["replyRef"])
			}
			if num(t, dig(t, v, "features", "storageGB")) != 500 || num(t, dig(t, v, "features", "numPlanCredits_permitted")) != 2250 {
				t.Errorf("features %v", v["features"])
			}
			if _, err := time.Parse("2006-01-02T15:04:05.000Z", str(v["createdAt"])); err != nil {
				t.Errorf("createdAt %v: %v", v["createdAt"], err)
			}
			tc.check(t, v["options"])
		})
	}
	// Without reply fields the keys are still there, as null.
	v := e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200)
	if r, ok := v["replyUrl"]; !ok || r != nil {
		t.Errorf("replyUrl %v present=%v, want null", r, ok)
	}
	// Camera motion switches gen2 to motion vectors.
	v = e.create(PathGen2Extend, map[string]any{"assetId": demoVideo5s, "horizontal": -3, "zoom": 2, "tilt": 10}, 200)
	g := dig(t, v, "options", "gen2Options")
	want := map[string]any{"x": jsonNum(-3), "y": jsonNum(0), "r": jsonNum(0), "z": jsonNum(2), "bg_x_pan": jsonNum(0), "bg_y_pan": jsonNum(10)}
	if dig(t, g, "use_motion_vectors") != true || dig(t, g, "use_motion_score") != false || !equalJSON(dig(t, g, "motion_vector"), want) {
		t.Errorf("camera motion options %v", g)
	}
}

// The error answers have the shapes of the gateway's documented examples,
// kept in testdata/*_4xx.json.
func TestErrorShapesMatchFixture(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 1})
	check := func(fixture string, status int, v any, wantStatus int) {
		t.Helper()
		if status != wantStatus {
			t.Errorf("%s: status %d, want %d (%v)", fixture, status, wantStatus, v)
		}
		if diffs := keyDiff("", loadFixture(t, fixture), v, nil); len(diffs) > 0 {
			t.Errorf("%s: %v", fixture, diffs)
		}
	}
	for _, prefix := range []string{"gen2_extend", "gen3_video", "gen3turbo_expand"} {
		path := map[string]string{"gen2_extend": PathGen2Extend, "gen3_video": PathGen3Video, "gen3turbo_expand": PathGen3TurboExpand}[prefix]
		status, v := e.call(http.MethodPost, path, map[string]any{"seed": 0})
		check(prefix+"_400.json", status, v, 400)
		resp, data := e.request(http.MethodPost, path, "{}", map[string]string{"Authorization": "Bearer nope"})
		check(prefix+"_401.json", resp.StatusCode, decodeJSON(t, data), 401)
		status, v = e.call(http.MethodPost, path, map[string]any{"assetId": "nope", "videoAssetId": "nope", "text_prompt": "x"})
		check(prefix+"_404.json", status, v, 404)
		e.sim.Inject(Fault{Path: path, Status: 429})
		status, v = e.call(http.MethodPost, path, map[string]any{})
		check(prefix+"_429_runway.json", status, v, 429)
		e.sim.Inject(Fault{Path: path, Status: 429, Busy429: true})
		status, v = e.call(http.MethodPost, path, map[string]any{})
		check(prefix+"_429_busy.json", status, v, 429)
	}
	e.sim.SetCredits(0, 0)
	for _, prefix := range []string{"gen3_video", "gen3turbo_expand"} {
		path := map[string]string{"gen3_video": PathGen3Video, "gen3turbo_expand": PathGen3TurboExpand}[prefix]
		status, v := e.call(http.MethodPost, path, map[string]any{"assetId": demoVideo5s, "videoAssetId": demoVideo5s, "text_prompt": "x"})
		check(prefix+"_412.json", status, v, 412)
	}
}
