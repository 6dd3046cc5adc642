package simulator

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// The simulator's copy of the gateway's per-model table and the client's
// (which drives the provider's plan-time validation) say the same thing.
func TestVideoModelTableMatchesClient(t *testing.T) {
	if !slices.Equal(videoModels.order, useapi.VideoModelIDs()) {
		t.Fatalf("model ids differ:\nsimulator %v\nclient    %v", videoModels.order, useapi.VideoModelIDs())
	}
	for _, c := range useapi.VideoModels {
		s := videoModels.byID[c.ID]
		imageRatios := c.ImageAspectRatios
		if imageRatios == nil {
			imageRatios = c.AspectRatios
		}
		prompt := "opt"
		switch {
		case c.PromptRequired:
			prompt = "req"
		case c.PromptRefused:
			prompt = "no"
		}
		checks := []struct {
			what      string
			sim, clnt any
		}{
			{"durations", s.durations, c.Durations},
			{"aspect ratios", s.ratios, c.AspectRatios},
			{"aspect ratios with an image", s.imageRatios, imageRatios},
			{"resolutions", s.resolutions, c.Resolutions},
			{"images", [2]int{s.minImages, s.maxImages}, [2]int{c.MinImages, c.MaxImages}},
			{"references", s.maxRefs, c.MaxImageRefs},
			{"videos", [2]int{s.minVideos, s.maxVideos}, [2]int{c.MinVideos, c.MaxVideos}},
			{"audio references", s.maxAudio, c.MaxAudioRefs},
			{"keyframes", [2]bool{s.keyframes, s.keyframesRefs}, [2]bool{c.Keyframes, c.KeyframesWithRefs}},
			{"prompt", prompt, s.prompt},
			{"prompt length", s.maxPrompt, c.MaxPrompt},
			{"audio", s.audio, c.Audio},
			{"explore mode", s.explore, c.Explore},
			{"seed", s.seed, c.Seed},
			{"shots", [2]int{s.minShots, s.maxShots}, [2]int{c.MinShots, c.MaxShots}},
			{"character orientation", s.orientation, c.CharacterOrientation},
		}
		for _, ch := range checks {
			if !equalish(ch.sim, ch.clnt) {
				t.Errorf("%s %s: simulator %v, client %v", c.ID, ch.what, ch.sim, ch.clnt)
			}
		}
	}
}

func equalish(a, b any) bool {
	switch a := a.(type) {
	case []int64:
		return slices.Equal(a, b.([]int64))
	case []string:
		return slices.Equal(a, b.([]string))
	}
	return a == b
}

func TestVideoCreate(t *testing.T) {
	cases := []struct {
		name string
		body map[string]any
		want int
		msg  string // in the 400/404 message
	}{
		{"text to video", map[string]any{"model": "gen4.5", "text_prompt": "a fox", "duration": 4}, 200, ""},
		{"image to video", map[string]any{"model": "gen4", "text_prompt": "a fox", "imageAssetId1": demoImage, "duration": 10, "seed": 7}, 200, ""},
		{"unknown model", map[string]any{"model": "gen9"}, 400, "model must be one of seedance-2"},
		{"missing model", map[string]any{"text_prompt": "x"}, 400, "model is required"},
		{"duration", map[string]any{"model": "gen4", "text_prompt": "x", "imageAssetId1": demoImage, "duration": 8}, 400, "model gen4: duration 8"},
		{"image required", map[string]any{"model": "gen4", "text_prompt": "x"}, 400, "model gen4: imageAssetId count 0"},
		{"prompt required", map[string]any{"model": "gen4", "imageAssetId1": demoImage}, 400, "model gen4: text_prompt is required"},
		{"prompt refused", map[string]any{"model": "wan-2.2-animate", "text_prompt": "x", "imageAssetId1": demoImage, "videoAssetId": demoVideo5s}, 400, "text_prompt is not supported"},
		{"prompt too long", map[string]any{"model": "gen4", "text_prompt": strings.Repeat("x", 513), "imageAssetId1": demoImage}, 400, "at most 512"},
		{"text to video ratio", map[string]any{"model": "gen4.5", "aspect_ratio": "9:16"}, 400, "aspect_ratio 9:16"},
		{"image to video ratio", map[string]any{"model": "gen4.5", "aspect_ratio": "9:16", "imageAssetId1": demoImage}, 200, ""},
		{"resolution refused", map[string]any{"model": "kling-o3-pro", "resolution": "720p"}, 400, "resolution 720p"},
		{"seed refused", map[string]any{"model": "veo-3.1", "seed": 3}, 400, "seed is not supported"},
		{"explore refused", map[string]any{"model": "veo-3.1", "exploreMode": true}, 400, "exploreMode is not supported"},
		{"end frame without start", map[string]any{"model": "seedance-2", "endFrameAssetId": demoImage}, 400, "requires startFrameAssetId"},
		{"shots", map[string]any{"model": "kling-3.0-pro", "multishot_prompt_1": "a", "multishot_duration_1": 5}, 400, "1 shots"},
		{"unknown image", map[string]any{"model": "gen4", "text_prompt": "x", "imageAssetId1": "user:1234-runwayml:demo@runway.local-asset:nope"}, 404, "imageAssetId1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{SeedDemoAssets: true})
			status, v := e.call(http.MethodPost, "/videos/create", c.body)
			if status != c.want {
				t.Fatalf("status %d, want %d: %v", status, c.want, v)
			}
			if c.msg != "" {
				if m, _ := v.(map[string]any); !strings.Contains(str(m["error"]), c.msg) {
					t.Fatalf("error %q lacks %q", m["error"], c.msg)
				}
				if n := e.sim.Stats().Creates; n != 0 {
					t.Fatalf("a refused create made %d tasks", n)
				}
				return
			}
			m := v.(map[string]any)
			e.advance(24 * 3600e9)
			task := e.getTask(str(m["taskId"]))
			if task["status"] != "SUCCEEDED" || task["taskType"] != c.body["model"] {
				t.Fatalf("task = %v", task)
			}
		})
	}
}

func TestVideoEditEndpoints(t *testing.T) {
	cases := []struct {
		name, path string
		body       map[string]any
		want       int
		msg        string
		w, h       float64
	}{
		{"upscale", "/videos/upscale", map[string]any{"videoAssetId": demoVideo5s}, 200, "", 4096, 2456},
		{"upscale without video", "/videos/upscale", map[string]any{}, 400, "videoAssetId is required", 0, 0},
		{"upscale with seed", "/videos/upscale", map[string]any{"videoAssetId": demoVideo5s, "seed": 3}, 400, "seed is not supported", 0, 0},
		{"aleph", "/gen4/video", map[string]any{"video_assetId": demoVideo5s, "text_prompt": "make it snow", "image_assetId": demoImage}, 200, "", 1280, 768},
		{"aleph without prompt", "/gen4/video", map[string]any{"video_assetId": demoVideo5s}, 400, "text_prompt is required", 0, 0},
		{"aleph prompt too long", "/gen4/video", map[string]any{"video_assetId": demoVideo5s, "text_prompt": strings.Repeat("x", 1001)}, 400, "at most 1000", 0, 0},
		{"act-two", "/gen4/act-two", map[string]any{"driving_assetId": demoVideo5s, "character_assetId": demoImage, "aspect_ratio": "9:16", "expression_intensity": 4}, 200, "", 720, 1280},
		{"act-two intensity", "/gen4/act-two", map[string]any{"driving_assetId": demoVideo5s, "character_assetId": demoImage, "expression_intensity": 6}, 400, "expression_intensity", 0, 0},
		{"act-two unknown character", "/gen4/act-two", map[string]any{"driving_assetId": demoVideo5s, "character_assetId": "user:1234-runwayml:demo@runway.local-asset:nope"}, 404, "character_assetId", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{SeedDemoAssets: true})
			status, v := e.call(http.MethodPost, c.path, c.body)
			if status != c.want {
				t.Fatalf("status %d, want %d: %v", status, c.want, v)
			}
			m := v.(map[string]any)
			if c.msg != "" {
				if !strings.Contains(str(m["error"]), c.msg) {
					t.Fatalf("error %q lacks %q", m["error"], c.msg)
				}
				return
			}
			e.advance(24 * 3600e9)
			task := e.getTask(str(m["taskId"]))
			if task["status"] != "SUCCEEDED" {
				t.Fatalf("task = %v", task)
			}
			if w, h := num(t, dig(t, task, "artifacts", 0, "metadata", "width")), num(t, dig(t, task, "artifacts", 0, "metadata", "height")); w != c.w || h != c.h {
				t.Fatalf("artifact %vx%v, want %vx%v", w, h, c.w, c.h)
			}
		})
	}
}
