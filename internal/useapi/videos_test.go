package useapi

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestVideoModelCheck(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	s := func(v string) *string { return &v }
	n := func(v int) *int { return &v }
	cases := []struct {
		model string
		in    VideoInputs
		field string // "" for accepted
		msg   string
	}{
		{"gen4", VideoInputs{Duration: i64(8), Images: 1, PromptLength: n(5)}, "duration", "gen4 takes duration 5 or 10, not 8"},
		{"seedance-2", VideoInputs{Duration: i64(16)}, "duration", "seedance-2 takes duration 4 to 15, not 16"},
		{"gen4", VideoInputs{Duration: i64(10), Images: 1, PromptLength: n(5)}, "", ""},
		{"gen4", VideoInputs{PromptLength: n(5)}, "image_asset_ids", "gen4 requires 1 input image(s)"},
		{"gen4", VideoInputs{PromptLength: n(5), ImagesUnknown: true}, "", ""},
		{"gen4", VideoInputs{Images: 1}, "text_prompt", "gen4 requires text_prompt"},
		{"gen4", VideoInputs{Images: 1, PromptUnknown: true}, "", ""},
		{"gen4", VideoInputs{Images: 1, PromptLength: n(513)}, "text_prompt", "at most 512 characters, not 513"},
		{"wan-2.2-animate", VideoInputs{Images: 1, Videos: 1, PromptLength: n(3)}, "text_prompt", "wan-2.2-animate takes no text_prompt"},
		{"kling-3.0-motion-control", VideoInputs{Duration: i64(5), Videos: 1}, "duration", "takes no duration"},
		{"gen4.5", VideoInputs{AspectRatio: s("9:16")}, "aspect_ratio", `gen4.5 takes aspect_ratio "16:9" without an input image, not "9:16"`},
		{"gen4.5", VideoInputs{AspectRatio: s("9:16"), Images: 1}, "", ""},
		{"kling-o3-pro", VideoInputs{Resolution: s("720p")}, "resolution", "kling-o3-pro takes no resolution"},
		{"sora-2-pro", VideoInputs{Resolution: s("480p")}, "resolution", `takes resolution "720p" or "1080p", not "480p"`},
		{"gen4", VideoInputs{Images: 1, PromptLength: n(1), Audio: new(bool)}, "audio", "gen4 has no audio switch"},
		{"veo-3.1", VideoInputs{Seed: true}, "seed", "veo-3.1 takes no seed"},
		{"veo-3.1", VideoInputs{ExploreMode: true}, "explore_mode", "veo-3.1 is not documented with explore mode"},
		{"seedance-2", VideoInputs{Images: 9, Videos: 3}, "image_asset_ids", "at most 11 references"},
		{"seedance-2", VideoInputs{AudioRefs: 1}, "audio_asset_ids", "needs an image or video reference"},
		{"seedance-2", VideoInputs{EndFrame: true}, "end_frame_asset_id", "needs start_frame_asset_id"},
		{"seedance-2", VideoInputs{StartFrame: true, Images: 1}, "start_frame_asset_id", "cannot combine keyframes"},
		{"kling-o3-pro", VideoInputs{StartFrame: true, Images: 1}, "", ""},
		{"gen4.5", VideoInputs{StartFrame: true}, "start_frame_asset_id", "gen4.5 takes no keyframes"},
		{"kling-3.0-pro", VideoInputs{Shots: []int64{5}}, "shots", "takes 2 to 5 shots, not 1"},
		{"kling-3.0-pro", VideoInputs{Shots: []int64{8, 8}}, "shots", "at most 15 seconds in all, not 16"},
		{"kling-3.0-pro", VideoInputs{Shots: []int64{5, 5}}, "", ""},
		{"gen4.5", VideoInputs{Shots: []int64{5, 5}}, "shots", "gen4.5 takes no shots"},
		{"kling-3.0-motion-control", VideoInputs{Videos: 1, CharacterOrientation: s("side")}, "character_orientation", `"image" or "video", not "side"`},
	}
	for _, c := range cases {
		m, ok := VideoModelByID(c.model)
		if !ok {
			t.Fatalf("no model %s", c.model)
		}
		p := m.Check(c.in)
		switch {
		case c.field == "" && p != nil:
			t.Errorf("%s %+v: refused %+v", c.model, c.in, p)
		case c.field != "" && (p == nil || p.Field != c.field || !strings.Contains(p.Message, c.msg)):
			t.Errorf("%s %+v: got %+v, want %s %q", c.model, c.in, p, c.field, c.msg)
		}
	}
}

func TestVideoCreateRequestBody(t *testing.T) {
	prompt, seed := "a fox", int64(7)
	r := &VideoCreateRequest{
		UnifiedFields: UnifiedFields{Model: "kling-o3-pro", TextPrompt: &prompt, ImageAssetIDs: []string{"a1", "a2"}},
		VideoAssetIDs: []string{"v1"}, Shots: []Shot{{"one", 5}, {"two", 6}},
		CreateOptions: CreateOptions{Seed: &seed},
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"model": "kling-o3-pro", "text_prompt": "a fox", "imageAssetId1": "a1", "imageAssetId2": "a2",
		"videoAssetId": "v1", "multishot_prompt_1": "one", "multishot_duration_1": 5.0,
		"multishot_prompt_2": "two", "multishot_duration_2": 6.0, "seed": 7.0,
	}
	if len(got) != len(want) {
		t.Fatalf("body %s, want the %d keys of %v", b, len(want), want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (body %s)", k, got[k], v, b)
		}
	}
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Fatalf("a seed on kling-o3-pro must be refused before sending: %v", err)
	}
}

func FuzzVideoCreateRequest(f *testing.F) {
	f.Add("gen4", "a fox", int64(5), "16:9", 1)
	f.Add("seedance-2", "", int64(16), "21:9", 12)
	f.Fuzz(func(t *testing.T, model, prompt string, duration int64, ratio string, images int) {
		images = min(max(images, 0), 20)
		r := &VideoCreateRequest{UnifiedFields: UnifiedFields{Model: model, TextPrompt: &prompt, AspectRatio: &ratio}, Duration: &duration}
		for range images {
			r.ImageAssetIDs = append(r.ImageAssetIDs, "asset")
		}
		_ = r.Validate()
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
	})
}
