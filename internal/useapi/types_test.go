package useapi

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

func decodeFixtureTask(t testing.TB, name string) *Task {
	t.Helper()
	var task Task
	if err := json.Unmarshal(readFixture(t, name), &task); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return &task
}

// jsonEqual compares two JSON documents semantically.
func jsonEqual(t testing.TB, want, got []byte) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(want, &a); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("JSON differs\nwant: %s\n got: %s", want, got)
	}
}

func fixturesMatching(t testing.TB, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range m {
		out = append(out, filepath.Base(p))
	}
	sort.Strings(out)
	return out
}

func ptr[T any](v T) *T { return &v }

func TestDecodeCreateAnswers(t *testing.T) {
	tests := []struct {
		fixture  string
		taskType string
		check    func(t *testing.T, opts map[string]any)
	}{
		{"gen2_extend_200.json", "gen2", func(t *testing.T, opts map[string]any) {
			g2, ok := opts["gen2Options"].(map[string]any)
			if !ok {
				t.Fatalf("gen2Options missing: %v", opts)
			}
			if g2["motion_score"] != 22.0 || g2["mode"] != "gen2" || g2["interpolate"] != true || g2["use_motion_vectors"] != false {
				t.Fatalf("gen2Options = %v", g2)
			}
			if g2["extended_from_task_id"] != "<user:user_id-runwayml:account_email-task:parent_task_uuid>" {
				t.Fatalf("extended_from_task_id = %v", g2["extended_from_task_id"])
			}
			if opts["seconds"] != 4.0 {
				t.Fatalf("seconds = %v", opts["seconds"])
			}
		}},
		{"gen3_video_200.json", "gen3a", func(t *testing.T, opts map[string]any) {
			if opts["structure_transformation"] != 0.9 || opts["width"] != 1280.0 || opts["height"] != 768.0 || opts["enhance_prompt"] != true {
				t.Fatalf("options = %v", opts)
			}
		}},
		{"gen3turbo_expand_200.json", "gen3a_turbo", func(t *testing.T, opts map[string]any) {
			if opts["outpaint_aspect_ratio"] != "3:5" || opts["outpaint_guiding_image"] != "<first frame image url>" || opts["seconds"] != 10.0 {
				t.Fatalf("options = %v", opts)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			task := decodeFixtureTask(t, tc.fixture)
			if task.TaskID != "user:user_id-runwayml:account_email-task:task_uuid" || task.ID != "<uuid>" || task.Name != "<name>" {
				t.Fatalf("ids: %+v", task)
			}
			if task.TaskType != tc.taskType || task.Status != StatusPending || IsTerminal(task.Status) {
				t.Fatalf("type/status: %s %s", task.TaskType, task.Status)
			}
			if task.CreatedAt != "2024-08-01T01:02:03.456Z" || task.UpdatedAt != "2024-08-01T01:02:03.456Z" {
				t.Fatalf("times: %s %s", task.CreatedAt, task.UpdatedAt)
			}
			if task.Artifacts == nil || len(task.Artifacts) != 0 {
				t.Fatalf("artifacts = %#v", task.Artifacts)
			}
			if _, ok := task.Progress(); ok {
				t.Fatalf("progress should be absent")
			}
			if d, ok := task.EstimatedStart(); !ok || d != 0 {
				t.Fatalf("estimated start = %v %v", d, ok)
			}
			if used, ok := task.CreditsUsed(); !ok || used != 1315 {
				t.Fatalf("credits used = %v %v", used, ok)
			}
			if perm, ok := task.CreditsPermitted(); !ok || perm != 2250 {
				t.Fatalf("credits permitted = %v %v", perm, ok)
			}
			if gb, ok := task.Features.StorageGB.Int64(); !ok || gb != 500 {
				t.Fatalf("storage = %v", gb)
			}
			if task.ReplyURL == nil || *task.ReplyURL != "https://webhook.site/abc" || task.ReplyRef == nil || *task.ReplyRef != "<your optional reference id>" {
				t.Fatalf("reply: %v %v", task.ReplyURL, task.ReplyRef)
			}
			if task.Code == nil || *task.Code != 200 {
				t.Fatalf("code = %v", task.Code)
			}
			if task.FailureMessage() != "" || task.FailureDetail() != (TaskError{}) {
				t.Fatalf("no error expected: %q", task.FailureMessage())
			}
			var opts map[string]any
			if err := json.Unmarshal(task.Options, &opts); err != nil {
				t.Fatal(err)
			}
			if opts["assetGroupName"] != "Generative Video" || opts["recordingEnabled"] != true {
				t.Fatalf("common options: %v", opts)
			}
			tc.check(t, opts)
		})
	}
}

func TestDecodeTaskFixtures(t *testing.T) {
	const taskID = "user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11"
	t.Run("running with string progress", func(t *testing.T) {
		task := decodeFixtureTask(t, "task_running.json")
		if task.TaskID != taskID || task.Status != StatusRunning {
			t.Fatalf("%s %s", task.TaskID, task.Status)
		}
		if p, ok := task.Progress(); !ok || p != 0.45 {
			t.Fatalf("progress = %v %v", p, ok)
		}
		if string(task.ProgressRatio.Raw()) != `"0.45"` {
			t.Fatalf("raw progress %s", task.ProgressRatio.Raw())
		}
		if task.Features != nil || task.Code != nil || task.ReplyURL != nil {
			t.Fatalf("absent fields must stay nil")
		}
	})
	t.Run("throttled with start estimate", func(t *testing.T) {
		task := decodeFixtureTask(t, "task_throttled.json")
		if task.Status != StatusThrottled {
			t.Fatal(task.Status)
		}
		if d, ok := task.EstimatedStart(); !ok || d != 42500*time.Millisecond {
			t.Fatalf("estimated start = %v %v", d, ok)
		}
		if _, ok := task.Progress(); ok {
			t.Fatal("progress should be null")
		}
	})
	t.Run("succeeded with dimensions/size metadata", func(t *testing.T) {
		task := decodeFixtureTask(t, "task_succeeded.json")
		if task.Status != StatusSucceeded || !IsTerminal(task.Status) {
			t.Fatal(task.Status)
		}
		if p, ok := task.Progress(); !ok || p != 1 {
			t.Fatalf("progress = %v %v", p, ok)
		}
		if _, ok := task.EstimatedStart(); ok {
			t.Fatal("estimated start should be null")
		}
		if len(task.Artifacts) != 1 {
			t.Fatalf("artifacts = %d", len(task.Artifacts))
		}
		a := task.Artifacts[0]
		if a.AssetID != "user:1234-runwayml:someone@example.com-asset:9a8b7c6d-1111-2222-3333-444455556666" || a.ID != "9a8b7c6d-1111-2222-3333-444455556666" {
			t.Fatalf("artifact ids %s %s", a.AssetID, a.ID)
		}
		if n, ok := a.FileSizeBytes(); !ok || n != 12345678 {
			t.Fatalf("file size = %v %v", n, ok)
		}
		if string(a.FileSize.Raw()) != `"12345678"` {
			t.Fatalf("fileSize raw %s", a.FileSize.Raw())
		}
		if uid, ok := a.UserID.Int64(); !ok || uid != 1234 {
			t.Fatalf("userId %v", uid)
		}
		if a.Filename != "Gen-3 Alpha 123456789, a calm lake at dawn.mp4" || !strings.Contains(a.URL, "_jwt=") || len(a.PreviewURLs) != 2 {
			t.Fatalf("artifact %+v", a)
		}
		if a.ParentAssetGroupID == nil || *a.ParentAssetGroupID != "0f0e0d0c-aaaa-bbbb-cccc-ddddeeeeffff" {
			t.Fatalf("parent %v", a.ParentAssetGroupID)
		}
		if a.Private == nil || !*a.Private || a.Deleted == nil || *a.Deleted || a.IsDirectory == nil || *a.IsDirectory {
			t.Fatalf("flags %+v", a)
		}
		m := a.Media()
		if m.Width == nil || *m.Width != 1280 || m.Height == nil || *m.Height != 768 {
			t.Fatalf("dimensions %v %v", m.Width, m.Height)
		}
		if m.Duration == nil || *m.Duration != 10.042 || m.FrameRate == nil || *m.FrameRate != 24 {
			t.Fatalf("duration/frame rate %v %v", m.Duration, m.FrameRate)
		}
		if m.HasAudio != nil || m.HasAlphaChannel != nil {
			t.Fatalf("old shape has no audio flags")
		}
	})
	t.Run("succeeded with width/height metadata", func(t *testing.T) {
		task := decodeFixtureTask(t, "task_succeeded_new_metadata.json")
		m := task.Artifacts[0].Media()
		if m.Width == nil || *m.Width != 1280 || m.Height == nil || *m.Height != 768 {
			t.Fatalf("dimensions %v %v", m.Width, m.Height)
		}
		if m.Duration == nil || *m.Duration != 5.209 || m.FrameRate == nil || *m.FrameRate != 24 {
			t.Fatalf("duration %v", m.Duration)
		}
		if m.HasAudio == nil || *m.HasAudio || m.HasAlphaChannel == nil || *m.HasAlphaChannel {
			t.Fatalf("flags %v %v", m.HasAudio, m.HasAlphaChannel)
		}
	})
	t.Run("failed moderated with error object", func(t *testing.T) {
		task := decodeFixtureTask(t, "task_failed_moderated.json")
		if task.Status != StatusFailed || !IsTerminal(task.Status) {
			t.Fatal(task.Status)
		}
		d := task.FailureDetail()
		want := TaskError{ErrorMessage: "This task was moderated.", Reason: "SAFETY.INPUT.TEXT", Message: "Prompt flagged", ModerationCategory: "VIOLENCE", TallyAsimov: ptr(false)}
		if !reflect.DeepEqual(d, want) {
			t.Fatalf("detail = %+v", d)
		}
		msg := task.FailureMessage()
		if !strings.Contains(msg, "SAFETY.INPUT.TEXT") || !strings.Contains(msg, "VIOLENCE") || !strings.Contains(msg, "This task was moderated.") || !strings.Contains(msg, "Prompt flagged") {
			t.Fatalf("message = %q", msg)
		}
		if msg != "This task was moderated. Prompt flagged (reason SAFETY.INPUT.TEXT, moderation category VIOLENCE)" {
			t.Fatalf("message = %q", msg)
		}
		if p, ok := task.Progress(); !ok || p != 0.4 {
			t.Fatalf("numeric progress = %v %v", p, ok)
		}
	})
	t.Run("failed with string error", func(t *testing.T) {
		task := decodeFixtureTask(t, "task_failed_string_error.json")
		if task.FailureMessage() != "Internal error while generating the video." {
			t.Fatalf("message = %q", task.FailureMessage())
		}
		if p, ok := task.Progress(); !ok || p != 0 {
			t.Fatalf("progress %v %v", p, ok)
		}
	})
}

func TestRoundTripTaskFixtures(t *testing.T) {
	var names []string
	names = append(names, fixturesMatching(t, "*_200.json")...)
	names = append(names, fixturesMatching(t, "task_*.json")...)
	if len(names) < 10 {
		t.Fatalf("expected the 200 and task fixtures, found %v", names)
	}
	for _, name := range names {
		if strings.HasPrefix(name, "asset") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			raw := readFixture(t, name)
			var task Task
			if err := json.Unmarshal(raw, &task); err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(&task)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, raw, out)
			// And a second generation stays identical.
			var again Task
			if err := json.Unmarshal(out, &again); err != nil {
				t.Fatal(err)
			}
			out2, _ := json.Marshal(&again)
			jsonEqual(t, out, out2)
		})
	}
}

func TestRoundTripAssets(t *testing.T) {
	t.Run("list", func(t *testing.T) {
		raw := readFixture(t, "assets_list.json")
		var list []Asset
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(list)
		jsonEqual(t, raw, out)
		if len(list) != 2 {
			t.Fatal(len(list))
		}
		m0, m1 := list[0].Media(), list[1].Media()
		if *m0.Width != 1280 || *m0.Height != 768 || !*m0.HasAudio || *m0.Duration != 10.042 {
			t.Fatalf("asset 0 media %+v", m0)
		}
		if *m1.Width != 1920 || *m1.Height != 1080 || m1.HasAudio != nil || *m1.FrameRate != 30 {
			t.Fatalf("asset 1 media %+v", m1)
		}
		if n, ok := list[0].FileSizeBytes(); !ok || n != 12345678 {
			t.Fatalf("numeric fileSize %v %v", n, ok)
		}
		if list[0].MediaType != "video" || list[1].IsUserUpload == nil || !*list[1].IsUserUpload {
			t.Fatalf("fields %+v", list[1])
		}
	})
	t.Run("upload answer", func(t *testing.T) {
		raw := readFixture(t, "asset_upload_200.json")
		var up UploadedAsset
		if err := json.Unmarshal(raw, &up); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(up)
		jsonEqual(t, raw, out)
		if up.AssetID != "user:1234-runwayml:someone@example.com-asset:5e6f7a8b-0000-4000-8000-abcdefabcdef" || up.Type == nil || up.Type.Type != "video" {
			t.Fatalf("%+v", up)
		}
		if n, ok := up.Size.Int64(); !ok || n != 4567890 {
			t.Fatalf("size %v", n)
		}
	})
	t.Run("image with null metadata", func(t *testing.T) {
		var a Asset
		raw := readFixture(t, "asset_image_null_metadata.json")
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(a)
		jsonEqual(t, raw, out)
		if a.Media() != (MediaMetadata{}) || a.ParentAssetGroupID != nil || a.TaskID != nil || a.MediaType != "image" {
			t.Fatalf("%+v", a)
		}
	})
}

// The gateway documentation's request examples, retyped as valid JSON (the
// documentation ends each object with a trailing comma).
var documentedRequestBodies = []struct {
	name string
	body string
	into func() any
}{
	{"gen2/extend", `{
		"assetId": "Required assetId of video asset you want to extend",
		"interpolate": true,
		"motion": 10,
		"horizontal": -10,
		"vertical": -5,
		"roll": -1,
		"zoom": 2,
		"pan": 5,
		"tilt": 10,
		"seed": 12345678,
		"exploreMode": true,
		"replyUrl": "Place your call back URL here",
		"replyRef": "Place your reference id here",
		"maxJobs": 5
	}`, func() any { return &Gen2ExtendRequest{} }},
	{"gen3/video", `{
		"assetId": "Required assetId of video asset you want to edit",
		"text_prompt": "Required text prompt",
		"structure_transformation": 9,
		"seconds": 10,
		"seed": 12345678,
		"exploreMode": true,
		"replyUrl": "Place your call back URL here",
		"replyRef": "Place your reference id here",
		"maxJobs": 5
	}`, func() any { return &Gen3VideoRequest{} }},
	{"gen3/video with resolution", `{"assetId": "a", "text_prompt": "p", "resolution": "720p", "structure_transformation": 0.5}`,
		func() any { return &Gen3VideoRequest{} }},
	{"gen3turbo/expand", `{
		"videoAssetId": "Required video asset you want to expand",
		"imageAssetId": "Optional image asset to be used as video first frame",
		"text_prompt": "Optional text prompt",
		"seconds": 10,
		"seed": 12345678,
		"outpaint_aspect_ratio": "portrait",
		"exploreMode": true,
		"replyUrl": "Place your call back URL here",
		"replyRef": "Place your reference id here",
		"maxJobs": 5
	}`, func() any { return &Gen3TurboExpandRequest{} }},
	{"gen2/extend minimal (curl example)", `{"assetId": "…"}`, func() any { return &Gen2ExtendRequest{} }},
	{"gen3/video minimal (curl example)", `{"assetId": "…", "text_prompt": "…"}`, func() any { return &Gen3VideoRequest{} }},
	{"gen3turbo/expand minimal (curl example)", `{"videoAssetId": "…"}`, func() any { return &Gen3TurboExpandRequest{} }},
}

func TestRoundTripRequestBodies(t *testing.T) {
	for _, tc := range documentedRequestBodies {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.into()
			dec := json.NewDecoder(strings.NewReader(tc.body))
			dec.DisallowUnknownFields() // every documented field must have a home
			if err := dec.Decode(v); err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, []byte(tc.body), out)
		})
	}
}

func TestRequestsOmitUnsetOptionals(t *testing.T) {
	tests := []struct {
		req  any
		want string
	}{
		{&Gen2ExtendRequest{AssetID: "a"}, `{"assetId":"a"}`},
		{&Gen2ExtendRequest{AssetID: "a", Interpolate: ptr(false), Horizontal: ptr(int64(0))}, `{"assetId":"a","interpolate":false,"horizontal":0}`},
		{&Gen3VideoRequest{AssetID: "a", TextPrompt: "p", StructureTransformation: ptr(0.0)}, `{"assetId":"a","text_prompt":"p","structure_transformation":0}`},
		{&Gen3TurboExpandRequest{VideoAssetID: "v", CreateOptions: CreateOptions{ExploreMode: ptr(false)}}, `{"videoAssetId":"v","exploreMode":false}`},
	}
	for _, tc := range tests {
		out, _ := json.Marshal(tc.req)
		if string(out) != tc.want {
			t.Errorf("got %s, want %s", out, tc.want)
		}
	}
}

func TestFlexNumber(t *testing.T) {
	tests := []struct {
		raw      string
		want     float64
		ok       bool
		wantInt  int64
		intOK    bool
		wantNull bool
	}{
		{`0.45`, 0.45, true, 0, true, false},
		{`"0.45"`, 0.45, true, 0, true, false},
		{`"1"`, 1, true, 1, true, false},
		{`" 12345678 "`, 12345678, true, 12345678, true, false},
		{`12345678`, 12345678, true, 12345678, true, false},
		{`-3.7`, -3.7, true, -3, true, false},
		{`1e3`, 1000, true, 1000, true, false},
		{`null`, 0, false, 0, false, true},
		{`""`, 0, false, 0, false, false},
		{`"abc"`, 0, false, 0, false, false},
		{`"NaN"`, 0, false, 0, false, false},
		{`"Inf"`, 0, false, 0, false, false},
		{`"0x10"`, 0, false, 0, false, false},
		{`true`, 0, false, 0, false, false},
		{`{"a":1}`, 0, false, 0, false, false},
		{`[1]`, 0, false, 0, false, false},
		{`1e400`, 0, false, 0, false, false},
		{`9.3e18`, 9.3e18, true, 0, false, false},
	}
	for _, tc := range tests {
		var n FlexNumber
		if err := json.Unmarshal([]byte(tc.raw), &n); err != nil {
			t.Fatalf("%s: %v", tc.raw, err)
		}
		got, ok := n.Float64()
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("%s: Float64 = %v %v, want %v %v", tc.raw, got, ok, tc.want, tc.ok)
		}
		gi, iok := n.Int64()
		if iok != tc.intOK || (iok && gi != tc.wantInt) {
			t.Errorf("%s: Int64 = %v %v, want %v %v", tc.raw, gi, iok, tc.wantInt, tc.intOK)
		}
		if n.IsNull() != tc.wantNull {
			t.Errorf("%s: IsNull = %v", tc.raw, n.IsNull())
		}
		out, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("%s: marshal %v", tc.raw, err)
		}
		if string(out) != tc.raw {
			t.Errorf("%s: re-encoded as %s", tc.raw, out)
		}
	}
	var zero FlexNumber
	if !zero.IsNull() || zero.String() != "null" {
		t.Error("zero value must be null")
	}
	if out, _ := json.Marshal(zero); string(out) != "null" {
		t.Errorf("zero marshals to %s", out)
	}
	if v, ok := Number(0.25).Float64(); !ok || v != 0.25 || Number(0.25).String() != "0.25" {
		t.Error("Number")
	}
	if v, ok := NumberString(12345678).Float64(); !ok || v != 12345678 || NumberString(12345678).String() != `"12345678"` {
		t.Error("NumberString")
	}
	if !Number(math.NaN()).IsNull() || !NumberString(math.Inf(1)).IsNull() {
		t.Error("NaN/Inf must give null, not invalid JSON")
	}
}

func TestFlexNumberCopiesDoNotAlias(t *testing.T) {
	var a struct {
		N FlexNumber `json:"n"`
	}
	if err := json.Unmarshal([]byte(`{"n":"0.1"}`), &a); err != nil {
		t.Fatal(err)
	}
	saved := a.N
	if err := json.Unmarshal([]byte(`{"n":"0.9"}`), &a); err != nil {
		t.Fatal(err)
	}
	if saved.String() != `"0.1"` {
		t.Fatalf("a decode changed an earlier copy: %s", saved.String())
	}
}

func TestProgressEdgeCases(t *testing.T) {
	tests := []struct {
		raw  string
		want float64
		ok   bool
	}{
		{`"0.45"`, 0.45, true},
		{`0.6`, 0.6, true},
		{`"1.5"`, 1, true},
		{`-0.2`, 0, true},
		{`"-1"`, 0, true},
		{`null`, 0, false},
		{`"abc"`, 0, false},
		{`"NaN"`, 0, false},
		{`{}`, 0, false},
	}
	for _, tc := range tests {
		task := &Task{}
		if err := json.Unmarshal([]byte(`{"progressRatio":`+tc.raw+`}`), task); err != nil {
			t.Fatal(err)
		}
		got, ok := task.Progress()
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %v %v", tc.raw, got, ok)
		}
	}
}

func TestEstimatedStartEdgeCases(t *testing.T) {
	tests := []struct {
		raw  string
		want time.Duration
		ok   bool
	}{
		{`42.5`, 42500 * time.Millisecond, true},
		{`"10"`, 10 * time.Second, true},
		{`0`, 0, true},
		{`-5`, 0, false},
		{`null`, 0, false},
		{`1e300`, 365 * 24 * time.Hour, true},
	}
	for _, tc := range tests {
		task := &Task{}
		if err := json.Unmarshal([]byte(`{"estimatedTimeToStartSeconds":`+tc.raw+`}`), task); err != nil {
			t.Fatal(err)
		}
		got, ok := task.EstimatedStart()
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %v %v", tc.raw, got, ok)
		}
	}
}

func TestFailureDetailShapes(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    TaskError
		message string
	}{
		{"absent", ``, TaskError{}, ""},
		{"null", `null`, TaskError{}, ""},
		{"false", `false`, TaskError{}, ""},
		{"empty string", `""`, TaskError{}, ""},
		{"empty object", `{}`, TaskError{}, ""},
		{"string", `"Out of memory"`, TaskError{ErrorMessage: "Out of memory"}, "Out of memory"},
		{"full object", `{"errorMessage":"This task was moderated.","reason":"SAFETY.INPUT.TEXT","message":"Prompt flagged","moderation_category":"VIOLENCE","tally_asimov":true}`,
			TaskError{ErrorMessage: "This task was moderated.", Reason: "SAFETY.INPUT.TEXT", Message: "Prompt flagged", ModerationCategory: "VIOLENCE", TallyAsimov: ptr(true)},
			"This task was moderated. Prompt flagged (reason SAFETY.INPUT.TEXT, moderation category VIOLENCE)"},
		{"message only", `{"message":"Generation failed"}`, TaskError{Message: "Generation failed"}, "Generation failed"},
		{"duplicate texts", `{"errorMessage":"Failed","message":"Failed"}`, TaskError{ErrorMessage: "Failed", Message: "Failed"}, "Failed"},
		{"no punctuation joins with colon", `{"errorMessage":"Task failed","message":"GPU lost"}`, TaskError{ErrorMessage: "Task failed", Message: "GPU lost"}, "Task failed: GPU lost"},
		{"reason only", `{"reason":"SAFETY.INPUT.IMAGE"}`, TaskError{Reason: "SAFETY.INPUT.IMAGE"}, "reason SAFETY.INPUT.IMAGE"},
		{"category only", `{"moderation_category":"NUDITY"}`, TaskError{ModerationCategory: "NUDITY"}, "moderation category NUDITY"},
		{"tally as string", `{"errorMessage":"x","tally_asimov":"true"}`, TaskError{ErrorMessage: "x", TallyAsimov: ptr(true)}, "x"},
		{"numbers as fields", `{"errorMessage":500,"reason":null}`, TaskError{ErrorMessage: "500"}, "500"},
		{"unknown object", `{"code":"E42","detail":"boom"}`, TaskError{ErrorMessage: `{"code":"E42","detail":"boom"}`}, `{"code":"E42","detail":"boom"}`},
		{"number", `42`, TaskError{ErrorMessage: "42"}, "42"},
		{"array", `["a","b"]`, TaskError{ErrorMessage: `["a","b"]`}, `["a","b"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task := &Task{Error: json.RawMessage(tc.raw)}
			if got := task.FailureDetail(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("detail = %+v, want %+v", got, tc.want)
			}
			if got := task.FailureMessage(); got != tc.message {
				t.Fatalf("message = %q, want %q", got, tc.message)
			}
		})
	}
	long := `"` + strings.Repeat("x", 5000) + `"`
	if got := (&Task{Error: json.RawMessage(`{"weird":` + long + `}`)}).FailureMessage(); len(got) > maxErrorText {
		t.Fatalf("unknown shapes must be shortened, got %d bytes", len(got))
	}
}

func TestMediaShapes(t *testing.T) {
	i := func(v int64) *int64 { return &v }
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		raw  string
		want MediaMetadata
	}{
		{"absent", ``, MediaMetadata{}},
		{"null", `null`, MediaMetadata{}},
		{"not an object", `[1,2]`, MediaMetadata{}},
		{"old shape", `{"frameRate":24,"duration":5.209,"dimensions":[1280,768],"size":{"width":1280,"height":768}}`,
			MediaMetadata{FrameRate: f(24), Duration: f(5.209), Width: i(1280), Height: i(768)}},
		{"new shape", `{"frameRate":30,"duration":4,"width":720,"height":1280,"hasAlphaChannel":false,"hasAudio":true}`,
			MediaMetadata{FrameRate: f(30), Duration: f(4), Width: i(720), Height: i(1280), HasAlphaChannel: ptr(false), HasAudio: ptr(true)}},
		{"size only", `{"size":{"width":640,"height":480}}`, MediaMetadata{Width: i(640), Height: i(480)}},
		{"dimensions only", `{"dimensions":[640,480]}`, MediaMetadata{Width: i(640), Height: i(480)}},
		{"dimensions short", `{"dimensions":[640]}`, MediaMetadata{}},
		{"strings", `{"width":"1280","height":"768","duration":"10.5"}`, MediaMetadata{Width: i(1280), Height: i(768), Duration: f(10.5)}},
		{"width wins over size", `{"width":100,"size":{"width":200,"height":300}}`, MediaMetadata{Width: i(100), Height: i(300)}},
		{"garbage values", `{"width":"wide","height":{},"duration":null,"hasAudio":"maybe"}`, MediaMetadata{}},
		{"huge", `{"width":1e300}`, MediaMetadata{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Artifact{Metadata: json.RawMessage(tc.raw)}
			if got := a.Media(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("artifact media = %+v, want %+v", got, tc.want)
			}
			if got := (Asset{Metadata: json.RawMessage(tc.raw)}).Media(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("asset media = %+v", got)
			}
		})
	}
}

func TestNilTaskAccessors(t *testing.T) {
	var task *Task
	if _, ok := task.Progress(); ok {
		t.Error("progress")
	}
	if _, ok := task.EstimatedStart(); ok {
		t.Error("start")
	}
	if _, ok := task.CreditsUsed(); ok {
		t.Error("credits")
	}
	if _, ok := task.CreditsPermitted(); ok {
		t.Error("credits permitted")
	}
	if task.FailureMessage() != "" || task.FailureDetail() != (TaskError{}) {
		t.Error("failure")
	}
}

func TestIsTerminal(t *testing.T) {
	for status, want := range map[string]bool{
		StatusPending: false, StatusRunning: false, StatusThrottled: false,
		StatusSucceeded: true, StatusFailed: true, "CANCELED": false, "": false, "succeeded": false,
	} {
		if IsTerminal(status) != want {
			t.Errorf("IsTerminal(%q) != %v", status, want)
		}
	}
}

func TestCanonicalContentType(t *testing.T) {
	tests := []struct {
		in, canon, media string
		ok               bool
	}{
		{"video/mp4", "video/mp4", "video", true},
		{"VIDEO/MP4", "video/mp4", "video", true},
		{"video/mp2t", "video/MP2T", "video", true},
		{"video/MP2T", "video/MP2T", "video", true},
		{"image/png; charset=binary", "image/png", "image", true},
		{" audio/wave ", "audio/wave", "audio", true},
		{"image/mpo", "image/mpo", "image", true},
		{"application/octet-stream", "", "", false},
		{"image/svg+xml", "", "", false},
		{"", "", "", false},
		{";", "", "", false},
	}
	for _, tc := range tests {
		c, m, ok := CanonicalContentType(tc.in)
		if c != tc.canon || m != tc.media || ok != tc.ok {
			t.Errorf("%q: %q %q %v", tc.in, c, m, ok)
		}
	}
	if len(AcceptedContentTypes) != 22 {
		t.Errorf("the gateway documents 22 content types, map has %d", len(AcceptedContentTypes))
	}
	for ct, media := range AcceptedContentTypes {
		if !strings.HasPrefix(ct, media+"/") {
			t.Errorf("%s mapped to %s", ct, media)
		}
	}
}

func TestValidateRequests(t *testing.T) {
	tests := []struct {
		name  string
		req   interface{ Validate() error }
		field string // "" means valid
	}{
		{"gen2 minimal", &Gen2ExtendRequest{AssetID: "a"}, ""},
		{"gen2 full motion", &Gen2ExtendRequest{AssetID: "a", Motion: ptr(int64(10)), CreateOptions: CreateOptions{Seed: ptr(int64(MaxSeed)), MaxJobs: ptr(int64(10)), ReplyURL: ptr("https://webhook.site/abc"), ReplyRef: ptr("r")}}, ""},
		{"gen2 camera", &Gen2ExtendRequest{AssetID: "a", Horizontal: ptr(int64(-10)), Tilt: ptr(int64(10)), Zoom: ptr(int64(0))}, ""},
		{"gen2 no asset", &Gen2ExtendRequest{AssetID: "  "}, "assetId"},
		{"gen2 motion 0", &Gen2ExtendRequest{AssetID: "a", Motion: ptr(int64(0))}, "motion"},
		{"gen2 motion 11", &Gen2ExtendRequest{AssetID: "a", Motion: ptr(int64(11))}, "motion"},
		{"gen2 motion with camera", &Gen2ExtendRequest{AssetID: "a", Motion: ptr(int64(5)), Pan: ptr(int64(1))}, "motion"},
		{"gen2 roll -11", &Gen2ExtendRequest{AssetID: "a", Roll: ptr(int64(-11))}, "roll"},
		{"gen2 seed 0", &Gen2ExtendRequest{AssetID: "a", CreateOptions: CreateOptions{Seed: ptr(int64(0))}}, "seed"},
		{"gen2 seed too big", &Gen2ExtendRequest{AssetID: "a", CreateOptions: CreateOptions{Seed: ptr(int64(MaxSeed + 1))}}, "seed"},
		{"gen2 maxJobs 11", &Gen2ExtendRequest{AssetID: "a", CreateOptions: CreateOptions{MaxJobs: ptr(int64(11))}}, "maxJobs"},
		{"gen2 replyUrl relative", &Gen2ExtendRequest{AssetID: "a", CreateOptions: CreateOptions{ReplyURL: ptr("/hook")}}, "replyUrl"},
		{"gen2 replyUrl too long", &Gen2ExtendRequest{AssetID: "a", CreateOptions: CreateOptions{ReplyURL: ptr("https://x.example/" + strings.Repeat("a", 1100))}}, "replyUrl"},
		{"gen2 replyRef 1024 runes ok", &Gen2ExtendRequest{AssetID: "a", CreateOptions: CreateOptions{ReplyRef: ptr(strings.Repeat("é", 1024))}}, ""},
		{"gen2 replyRef 1025", &Gen2ExtendRequest{AssetID: "a", CreateOptions: CreateOptions{ReplyRef: ptr(strings.Repeat("a", 1025))}}, "replyRef"},
		{"gen2 nil", (*Gen2ExtendRequest)(nil), "request"},
		{"gen3 ok", &Gen3VideoRequest{AssetID: "a", TextPrompt: "p", StructureTransformation: ptr(10.0), Resolution: ptr("720p"), Seconds: ptr(int64(5))}, ""},
		{"gen3 no prompt", &Gen3VideoRequest{AssetID: "a"}, "text_prompt"},
		{"gen3 no asset", &Gen3VideoRequest{TextPrompt: "p"}, "assetId"},
		{"gen3 structure 10.5", &Gen3VideoRequest{AssetID: "a", TextPrompt: "p", StructureTransformation: ptr(10.5)}, "structure_transformation"},
		{"gen3 structure NaN", &Gen3VideoRequest{AssetID: "a", TextPrompt: "p", StructureTransformation: ptr(math.NaN())}, "structure_transformation"},
		{"gen3 resolution 1080p", &Gen3VideoRequest{AssetID: "a", TextPrompt: "p", Resolution: ptr("1080p")}, "resolution"},
		{"gen3 seconds 0", &Gen3VideoRequest{AssetID: "a", TextPrompt: "p", Seconds: ptr(int64(0))}, "seconds"},
		{"gen3 nil", (*Gen3VideoRequest)(nil), "request"},
		{"expand ok", &Gen3TurboExpandRequest{VideoAssetID: "v", ImageAssetID: ptr("i"), Seconds: ptr(int64(5)), OutpaintAspectRatio: ptr("portrait")}, ""},
		{"expand no video", &Gen3TurboExpandRequest{}, "videoAssetId"},
		{"expand empty image", &Gen3TurboExpandRequest{VideoAssetID: "v", ImageAssetID: ptr("")}, "imageAssetId"},
		{"expand seconds 7", &Gen3TurboExpandRequest{VideoAssetID: "v", Seconds: ptr(int64(7))}, "seconds"},
		{"expand ratio square", &Gen3TurboExpandRequest{VideoAssetID: "v", OutpaintAspectRatio: ptr("square")}, "outpaint_aspect_ratio"},
		{"expand maxJobs 0", &Gen3TurboExpandRequest{VideoAssetID: "v", CreateOptions: CreateOptions{MaxJobs: ptr(int64(0))}}, "maxJobs"},
		{"expand nil", (*Gen3TurboExpandRequest)(nil), "request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("err = %v, want field %s", err, tc.field)
			}
			if !strings.Contains(ve.Error(), tc.field) {
				t.Fatalf("message %q", ve.Error())
			}
		})
	}
}

func BenchmarkDecodeTask(b *testing.B) {
	raw := readFixture(b, "task_succeeded.json")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var task Task
		if err := json.Unmarshal(raw, &task); err != nil {
			b.Fatal(err)
		}
		_ = task.Artifacts[0].Media()
	}
}
