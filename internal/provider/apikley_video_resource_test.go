package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

var (
	apikleyTaskIDPattern   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	apikleyVideoURLPattern = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/apikley-files/[0-9a-f-]{36}\.mp4$`)
	apikleyCoverURLPattern = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/apikley-files/[0-9a-f-]{36}\.png$`)
	rfc3339UTCPattern      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
)

// apikleyExpiryCheck asserts that a resource's expires_at is its
// generated_at plus the 14-day retention, and that generated_at was read
// in UTC (the simulator writes UTC, so a zone mix-up would shift it by
// hours from now).
type apikleyExpiryCheck string

func (addr apikleyExpiryCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		resp.Error = fmt.Errorf("%s: no state", addr)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != string(addr) {
			continue
		}
		gen, gerr := time.Parse(time.RFC3339, fmt.Sprint(r.AttributeValues["generated_at"]))
		exp, eerr := time.Parse(time.RFC3339, fmt.Sprint(r.AttributeValues["expires_at"]))
		switch {
		case gerr != nil || eerr != nil:
			resp.Error = fmt.Errorf("%s: generated_at/expires_at not RFC 3339: %w", addr, errors.Join(gerr, eerr))
		case exp.Sub(gen) != apikley.Retention:
			resp.Error = fmt.Errorf("%s: expires_at - generated_at = %s, want %s", addr, exp.Sub(gen), apikley.Retention)
		case time.Since(gen).Abs() > 10*time.Minute:
			resp.Error = fmt.Errorf("%s: generated_at %s is hours away from now: the zone was misread", addr, gen)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in state", addr)
}

// One create, a wait, success outputs; refresh and re-plan change nothing;
// a knob change is an in-place update that keeps the outputs and pays
// nothing. The provider block configures only Apikley: no useapi.net token
// is needed.
func TestAccApikleyVideo_basic(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	addr := "runway_apikley_video.test"
	config := func(create string) string {
		return gw.providerBlock() + fmt.Sprintf(`
resource "runway_apikley_video" "test" {
  prompt       = "a red fox running through fresh snow"
  duration     = 5
  quality      = "1080p"
  aspect_ratio = "16:9"
  watermark    = ""
  timeouts = {
    create = %q
  }
}
`, create)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config("10m"),
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(addr, "status", "success"),
					stringMatches(addr, "id", apikleyTaskIDPattern),
					stringMatches(addr, "video_url", apikleyVideoURLPattern),
					stringMatches(addr, "cover_image_url", apikleyCoverURLPattern),
					stringMatches(addr, "video_id", regexp.MustCompile(`^[0-9a-f-]{36}$`)),
					stringMatches(addr, "generated_at", rfc3339UTCPattern),
					stringMatches(addr, "expires_at", rfc3339UTCPattern),
					apikleyExpiryCheck(addr),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expired"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("parent_task_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("error"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("image_url"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("watermark"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("wait_for_completion"), knownvalue.Bool(true)),
					gw.expectCreates(1),
				},
			},
			{RefreshState: true},
			{
				Config: config("10m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{gw.expectCreates(1)},
			},
			{
				// A knob only: in place, outputs stay known, no new task.
				Config: config("20m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("video_url"), knownvalue.StringRegexp(apikleyVideoURLPattern)),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("expired"), knownvalue.Bool(false)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(addr, "status", "success"),
					gw.expectCreates(1),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// Destroy only forgets: nothing was created or cancelled.
			return gw.expectCreates(1)()
		},
	})
}

// Invalid input fails at plan, naming the attribute, and nothing is sent.
func TestAccApikley_planTimeValidation(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	video := func(body string) string {
		return `resource "runway_apikley_video" "t" {` + "\n" + body + "\n}"
	}
	cases := []struct {
		name, config, want string
	}{
		{"1080p with 10 s", video(`
  prompt       = "x"
  duration     = 10
  quality      = "1080p"
  aspect_ratio = "16:9"`), `Invalid combination of quality and duration.*quality = "1080p" is only available with duration = 5, but duration = 10`},
		{"text-to-video without aspect_ratio", video(`
  prompt   = "x"
  duration = 5
  quality  = "720p"`), `Missing aspect_ratio.*required for a text-to-video generation \(when image_url is not set\)`},
		{"bad callback_url", video(`
  prompt       = "x"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "1:1"
  callback_url = "not a url"`), `callback_url.*absolute http`},
		{"callback_url too long", video(fmt.Sprintf(`
  prompt       = "x"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "1:1"
  callback_url = "https://hooks.example.com/%s"`, strings.Repeat("a", 1000))), `callback_url.*at most 1024`},
		{"bad quality", video(`
  prompt       = "x"
  duration     = 5
  quality      = "4k"
  aspect_ratio = "1:1"`), `quality.*"720p".*"1080p".*got: "4k"`},
		{"over-long prompt", video(fmt.Sprintf(`
  prompt       = %q
  duration     = 5
  quality      = "720p"
  aspect_ratio = "1:1"`, strings.Repeat("é", 1801))), `prompt.*at most 1800, got: 1801`},
		{"blank prompt", video(`
  prompt       = "   "
  duration     = 5
  quality      = "720p"
  aspect_ratio = "1:1"`), `prompt.*must not be empty or blank`},
		{"duration 7", video(`
  prompt       = "x"
  duration     = 7
  quality      = "720p"
  aspect_ratio = "1:1"`), `duration.*one of.*5.*10.*got: 7`},
		{"aspect ratio", video(`
  prompt       = "x"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "2:1"`), `aspect_ratio.*"16:9".*"9:16".*got: "2:1"`},
		{"bad image_url", video(`
  prompt    = "x"
  duration  = 5
  quality   = "720p"
  image_url = "file:///etc/passwd"`), `image_url.*absolute http`},
		{"extension bad quality", `resource "runway_apikley_extension" "t" {
  task_id = "ee603959-debb-48d1-98c4-a6d1c717eba6"
  prompt  = "x"
  quality = "720"
}`, `quality.*"720p".*"1080p".*got: "720"`},
		{"extension prompt over its 2048 limit", fmt.Sprintf(`resource "runway_apikley_extension" "t" {
  task_id = "ee603959-debb-48d1-98c4-a6d1c717eba6"
  prompt  = %q
  quality = "720p"
}`, strings.Repeat("é", 2049)), `prompt.*at most 2048, got: 2049`},
		{"extension without task_id", `resource "runway_apikley_extension" "t" {
  prompt  = "x"
  quality = "720p"
}`, `"task_id" is required`},
		{"extension blank task_id", `resource "runway_apikley_extension" "t" {
  task_id = ""
  prompt  = "x"
  quality = "720p"
}`, `task_id.*must not be empty or blank`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      gw.providerBlock() + c.config,
			PlanOnly:    true,
			ExpectError: errorPattern(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if got := gw.Stats().Requests; got != 0 {
		t.Errorf("plan-time validation sent %d requests to the gateway, want 0", got)
	}
}

// Import by task id fills every output and the inputs the gateway echoes
// (prompt, image_url); the others are only in the configuration.
func TestAccApikleyVideo_import(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	addr := "runway_apikley_video.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: gw.providerBlock() + `
resource "runway_apikley_video" "test" {
  prompt       = "koi in a pond, top view"
  duration     = 10
  quality      = "720p"
  image_url    = "https://images.example.com/koi.png"
  watermark    = "studio"
  callback_url = "https://hooks.example.com/runway"
  timeouts = {
    create = "5m"
  }
}
`,
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				// The inputs record-detail does not echo, and the timeouts
				// knob that only lives in the configuration.
				ImportStateVerifyIgnore: []string{"duration", "quality", "aspect_ratio", "watermark", "callback_url", "timeouts"},
			},
		},
		CheckDestroy: func(*terraform.State) error { return gw.expectCreates(1)() },
	})
}
