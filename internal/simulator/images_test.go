package simulator

import (
	"bytes"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// The simulator's copy of the image model table agrees with the client's.
func TestImageModelTableMatchesClient(t *testing.T) {
	if !slices.Equal(imageModels.order, useapi.ImageModelIDs()) {
		t.Fatalf("model ids differ:\nsimulator %v\nclient    %v", imageModels.order, useapi.ImageModelIDs())
	}
	for _, c := range useapi.ImageModels {
		s := imageModels.byID[c.ID]
		prompt := "opt"
		if c.PromptRequired {
			prompt = "req"
		}
		if !slices.Equal(s.ratios, c.AspectRatios) || !slices.Equal(s.resolutions, c.Resolutions) ||
			s.minImages != c.MinImages || s.maxImages != c.MaxImages || s.prompt != prompt || s.maxPrompt != c.MaxPrompt ||
			s.style != c.Style || s.diversity != c.Diversity || s.seed != c.Seed {
			t.Errorf("%s: simulator %+v, client %+v", c.ID, s, c)
		}
	}
}

func TestImageCreate(t *testing.T) {
	cases := []struct {
		name string
		body map[string]any
		want int
		msg  string
		n    int
		w, h float64
	}{
		{"four images", map[string]any{"model": "nano-banana-pro", "text_prompt": "a fox", "num_images": 4, "aspect_ratio": "16:9", "resolution": "2K"}, 200, "", 4, 2048, 1152},
		{"gen4 with a reference", map[string]any{"model": "gen4", "text_prompt": "a fox", "imageAssetId1": demoImage, "resolution": "720p", "aspect_ratio": "1:1", "seed": 5}, 200, "", 1, 720, 720},
		{"prompt required", map[string]any{"model": "gpt-image-1-5"}, 400, "text_prompt is required", 0, 0, 0},
		{"ratio", map[string]any{"model": "gpt-image-1-mini", "text_prompt": "x", "aspect_ratio": "16:9"}, 400, "aspect_ratio 16:9", 0, 0, 0},
		{"num_images", map[string]any{"model": "gen4", "text_prompt": "x", "num_images": 2}, 400, "num_images must be 1 or 4", 0, 0, 0},
		{"reference required", map[string]any{"model": "gen4-turbo", "text_prompt": "x"}, 400, "imageAssetId count 0", 0, 0, 0},
		{"style refused", map[string]any{"model": "flux-2-max", "text_prompt": "x", "style": "bw"}, 400, "style is not supported", 0, 0, 0},
		{"seed refused", map[string]any{"model": "nano-banana", "text_prompt": "x", "seed": 2}, 400, "seed is not supported", 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{SeedDemoAssets: true})
			status, v := e.call(http.MethodPost, "/images/create", c.body)
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
			arts, _ := task["artifacts"].([]any)
			if task["status"] != "SUCCEEDED" || len(arts) != c.n {
				t.Fatalf("task %v with %d artifacts, want %d", task["status"], len(arts), c.n)
			}
			for i := range arts {
				code, hdr, data := e.fetch(str(dig(t, task, "artifacts", i, "url")))
				img, err := png.Decode(bytes.NewReader(data))
				if code != 200 || err != nil || hdr.Get("Content-Type") != "image/png" {
					t.Fatalf("artifact %d: %d %s %v", i, code, hdr.Get("Content-Type"), err)
				}
				if b := img.Bounds(); float64(b.Dx()) != c.w || float64(b.Dy()) != c.h {
					t.Fatalf("artifact %d is %dx%d, want %vx%v", i, b.Dx(), b.Dy(), c.w, c.h)
				}
			}
		})
	}
}
