package apikleysim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestGenerateValidation(t *testing.T) {
	srv := start(t, New(Options{}))
	valid := func() map[string]any {
		return map[string]any{"prompt": "a cat", "duration": 5, "quality": "720p", "aspectRatio": "16:9"}
	}
	with := func(k string, v any) map[string]any {
		b := valid()
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	cases := []struct {
		name     string
		body     any
		code     int
		msgParts []string
	}{
		{"valid text-to-video", valid(), 200, []string{"success"}},
		{"valid 10s 720p", with("duration", 10), 200, nil},
		{"valid 1080p 5s", with("quality", "1080p"), 200, nil},
		{"valid duration as string", with("duration", "5"), 200, nil},
		{"valid image-to-video without aspectRatio", func() map[string]any {
			b := with("aspectRatio", nil)
			b["imageUrl"] = "https://example.com/cat.png"
			return b
		}(), 200, nil},
		{"aspectRatio ignored with image", func() map[string]any {
			b := with("aspectRatio", "21:9")
			b["imageUrl"] = "https://example.com/cat.png"
			return b
		}(), 200, nil},
		{"valid watermark and callback", func() map[string]any {
			b := valid()
			b["waterMark"] = "apikley"
			b["callBackUrl"] = "https://api.example.com/callback"
			return b
		}(), 200, nil},
		{"prompt at the limit", with("prompt", strings.Repeat("é", MaxPromptLength)), 200, nil},

		{"prompt missing", with("prompt", nil), 422, []string{"prompt", "required"}},
		{"prompt blank", with("prompt", "   "), 422, []string{"prompt", "required"}},
		{"prompt too long", with("prompt", strings.Repeat("a", MaxPromptLength+1)), 422, []string{"prompt", "1800"}},
		{"prompt wrong type", with("prompt", 12), 422, []string{"prompt"}},
		{"duration missing", with("duration", nil), 422, []string{"duration", "required"}},
		{"duration 8", with("duration", 8), 422, []string{"duration", "5 or 10"}},
		{"duration not a number", with("duration", "five"), 422, []string{"duration"}},
		{"quality missing", with("quality", nil), 422, []string{"quality", "required"}},
		{"quality 4k", with("quality", "4k"), 422, []string{"quality", "720p or 1080p"}},
		{"1080p with 10s", func() map[string]any {
			b := with("quality", "1080p")
			b["duration"] = 10
			return b
		}(), 422, []string{"quality", "1080p", "duration 5"}},
		{"aspectRatio missing", with("aspectRatio", nil), 422, []string{"aspectRatio", "required"}},
		{"aspectRatio 21:9", with("aspectRatio", "21:9"), 422, []string{"aspectRatio", "16:9"}},
		{"imageUrl not a URL", with("imageUrl", "not a url"), 422, []string{"imageUrl"}},
		{"imageUrl ftp", with("imageUrl", "ftp://example.com/a.png"), 422, []string{"imageUrl"}},
		{"imageUrl unfetchable", with("imageUrl", "https://fail.invalid/cat.png"), 451, []string{"image"}},
		{"callBackUrl relative", with("callBackUrl", "/callback"), 422, []string{"callBackUrl"}},
		{"callBackUrl garbage", with("callBackUrl", "http://[::1"), 422, []string{"callBackUrl"}},
		{"waterMark wrong type", with("waterMark", true), 422, []string{"waterMark"}},
		{"body not JSON", "prompt=cat", 422, []string{"JSON"}},
		{"body empty", "", 422, []string{"body"}},
		{"body an array", "[1,2]", 422, []string{"JSON object"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, srv, http.MethodPost, PathGenerate, tc.body)
			if a.HTTP != 200 || a.Code != tc.code {
				t.Fatalf("HTTP %d code %d msg %q, want HTTP 200 code %d", a.HTTP, a.Code, a.Msg, tc.code)
			}
			for _, p := range tc.msgParts {
				if !strings.Contains(a.Msg, p) {
					t.Errorf("msg %q does not mention %q", a.Msg, p)
				}
			}
			if tc.code != 200 && string(a.Data) != "null" {
				t.Errorf("data = %s, want null on an error", a.Data)
			}
		})
	}
}

func TestExtendValidationAndSourceRules(t *testing.T) {
	clk := newFakeClock()
	g := New(Options{Now: clk.Now, TaskDuration: 10 * time.Second, QueueDelay: 2 * time.Second, Credits: 100})
	srv := start(t, g)

	done := generate(t, srv, "a cat", nil)
	moderated := generate(t, srv, "please moderate-me", nil)
	expired := generate(t, srv, "a bird", nil)
	clk.Advance(12 * time.Second) // the three above are finished
	g.ExpireTask(expired)
	running := generate(t, srv, "a dog", nil)
	clk.Advance(3 * time.Second) // "a dog" is generating
	forgotten := g.SeedTask("old")
	g.ForgetTask(forgotten)

	body := func(id, prompt, quality string) map[string]any {
		b := map[string]any{"taskId": id, "prompt": prompt, "quality": quality}
		for k, v := range b {
			if v == "" {
				delete(b, k)
			}
		}
		return b
	}
	cases := []struct {
		name     string
		body     any
		code     int
		msgParts []string
	}{
		{"taskId missing", body("", "more", "720p"), 422, []string{"taskId", "required"}},
		{"prompt missing", body(done, "", "720p"), 422, []string{"prompt", "required"}},
		{"prompt too long", body(done, strings.Repeat("x", MaxExtendPromptLength+1), "720p"), 422, []string{"prompt", "2048"}},
		{"quality missing", body(done, "more", ""), 422, []string{"quality is required"}},
		{"quality bad", body(done, "more", "480p"), 422, []string{"quality"}},
		{"callBackUrl bad", map[string]any{"taskId": done, "prompt": "more", "quality": "720p", "callBackUrl": "nope"}, 422, []string{"callBackUrl"}},
		{"unknown source", body("00000000-0000-4000-8000-000000000000", "more", "720p"), 404, []string{"taskId", "not found"}},
		{"forgotten source", body(forgotten, "more", "720p"), 404, []string{"not found"}},
		{"source still generating", body(running, "more", "720p"), 422, []string{"taskId", "generating"}},
		{"source failed", body(moderated, "more", "720p"), 422, []string{"taskId", "fail"}},
		{"source expired", body(expired, "more", "720p"), 422, []string{"taskId", "expired"}},
		{"ok 1080p", body(done, "more", "1080p"), 200, nil},
		// Extend's limit is 2048, not generate's 1800; callBackUrl is optional.
		{"ok 720p, prompt at the extend limit, no callBackUrl", body(done, strings.Repeat("é", MaxExtendPromptLength), "720p"), 200, nil},
		// 100 - 4*12 (generates) - 30 - 12 (extends) = 10 left.
		{"insufficient credits", body(done, "more", "720p"), 402, []string{"credits", "12", "10"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, srv, http.MethodPost, PathExtend, tc.body)
			if a.HTTP != 200 || a.Code != tc.code {
				t.Fatalf("HTTP %d code %d msg %q, want code %d", a.HTTP, a.Code, a.Msg, tc.code)
			}
			for _, p := range tc.msgParts {
				if !strings.Contains(a.Msg, p) {
					t.Errorf("msg %q does not mention %q", a.Msg, p)
				}
			}
		})
	}
}

// The 422 answer to an extend without quality matches the gateway's
// example byte for byte in meaning (same code, message and null data).
func TestExtendQualityRequiredMatchesFixture(t *testing.T) {
	srv := start(t, New(Options{}))
	a := call(t, srv, http.MethodPost, PathExtend, map[string]any{"taskId": "x", "prompt": "more"})
	want := readFixture(t, "apikley_extend_422.json")
	assertSameJSON(t, a.Raw, want)
}

func TestRecordDetailErrors(t *testing.T) {
	srv := start(t, New(Options{}))
	a := call(t, srv, http.MethodGet, PathRecordDetail, nil)
	if a.Code != 422 || !strings.Contains(a.Msg, "taskId") {
		t.Errorf("missing taskId: code %d msg %q", a.Code, a.Msg)
	}
	a = call(t, srv, http.MethodGet, PathRecordDetail+"?taskId=nope", nil)
	if a.HTTP != 200 || a.Code != 404 || !strings.Contains(a.Msg, "nope") {
		t.Errorf("unknown taskId: HTTP %d code %d msg %q", a.HTTP, a.Code, a.Msg)
	}
}

func TestAuthAndRouting(t *testing.T) {
	g := New(Options{APIKey: "k-123"})
	srv := start(t, g)
	for _, key := range []string{"", "wrong", "k-12"} {
		a := callKey(t, srv, key, http.MethodGet, PathCredit, nil)
		if a.HTTP != 200 || a.Code != 401 || !strings.HasPrefix(a.Msg, "Unauthorized") || string(a.Data) != "null" {
			t.Errorf("key %q: HTTP %d code %d msg %q data %s", key, a.HTTP, a.Code, a.Msg, a.Data)
		}
		if strings.Contains(string(a.Raw), "k-123") {
			t.Errorf("answer leaks the key: %s", a.Raw)
		}
	}
	if a := callKey(t, srv, "k-123", http.MethodGet, PathCredit, nil); a.Code != 200 {
		t.Errorf("right key: code %d", a.Code)
	}
	if a := callKey(t, srv, "k-123", http.MethodGet, "/api/v1/runway/nothing", nil); a.HTTP != 404 || a.Code != 404 {
		t.Errorf("unknown path: HTTP %d code %d", a.HTTP, a.Code)
	}
	if a := callKey(t, srv, "k-123", http.MethodGet, PathGenerate, nil); a.HTTP != 405 || a.Code != 405 {
		t.Errorf("wrong method: HTTP %d code %d", a.HTTP, a.Code)
	}
	s := g.Stats()
	if s.Codes[401] != 3 || s.Codes[200] != 1 || s.Requests != 6 {
		t.Errorf("stats = %+v", s)
	}
}
