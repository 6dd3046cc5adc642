package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// one create, a wait, SUCCEEDED outputs, and no drift even
// though the gateway re-signs artifact URLs on every read.
func TestAccGen2Extension_basic(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	addr := "runway_gen2_extension.test"
	config := sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "test" {
  asset_id = %q
  motion   = 5
  seed     = 42
}
`, sim.demoVideo())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(addr, "status", "SUCCEEDED"),
					stringMatches(addr, "id", taskIDPattern),
					stringMatches(addr, "task_id", taskIDPattern),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), addr, tfjsonpath.New("task_id"), compareEqual),
					stringMatches(addr, "video_url", fileURLPattern),
					stringMatches(addr, "video_asset_id", assetIDPattern),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("video_asset_id"), addr, tfjsonpath.New("output_video_asset_id"), compareEqual),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("progress"), knownvalue.Float64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("error"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("artifacts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"asset_id":     knownvalue.StringRegexp(assetIDPattern),
							"url":          knownvalue.StringRegexp(fileURLPattern),
							"filename":     knownvalue.StringRegexp(regexp.MustCompile(`\.mp4$`)),
							"file_size":    knownvalue.NotNull(),
							"width":        knownvalue.Int64Exact(1280),
							"height":       knownvalue.Int64Exact(768),
							"frame_rate":   knownvalue.Float64Exact(24),
							"duration":     knownvalue.NotNull(),
							"preview_urls": knownvalue.ListSizeExact(2),
						}),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("wait_for_completion"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("deletion_policy"), knownvalue.StringExact("DELETE")),
					sim.expectCreates(1),
				},
			},
			{
				// Refreshes hand out freshly signed URLs; state keeps the
				// valid ones, so nothing changes.
				RefreshState: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sim.expectCreates(1)},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// deletion_policy DELETE removed the task and its artifact.
			if d := sim.Stats().Deletes; d != 2 {
				return fmt.Errorf("deletes = %d, want 2 (artifact asset and task)", d)
			}
			return nil
		},
	})
}

// invalid input fails at plan with a message naming the
// attribute and the allowed values, and nothing is paid.
func TestAccGeneration_planTimeValidation(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	asset := sim.demoVideo()
	long := strings.Repeat("x", 1025)
	cases := []struct {
		name, config, want string
	}{
		{"motion out of range", fmt.Sprintf(`resource "runway_gen2_extension" "t" {
  asset_id = %q
  motion   = 11
}`, asset), `(?s)motion.*between 1 and 10, got: 11`},
		{"camera out of range", fmt.Sprintf(`resource "runway_gen2_extension" "t" {
  asset_id = %q
  tilt     = -11
}`, asset), `(?s)tilt.*between -10 and 10, got: -11`},
		{"motion with zoom", fmt.Sprintf(`resource "runway_gen2_extension" "t" {
  asset_id = %q
  motion   = 3
  zoom     = 2
}`, asset), `(?s)(motion.*zoom|zoom.*motion).*cannot be (configured|specified) together|(?s)Invalid Attribute Combination.*motion.*zoom`},
		{"seed out of range", fmt.Sprintf(`resource "runway_gen2_extension" "t" {
  asset_id = %q
  seed     = 4294967295
}`, asset), `(?s)seed.*between 1 and 4294967294`},
		{"expansion seconds 7", fmt.Sprintf(`resource "runway_expansion" "t" {
  video_asset_id = %q
  seconds        = 7
}`, asset), `(?s)seconds.*one of.*5.*10.*got: 7`},
		{"expansion aspect ratio", fmt.Sprintf(`resource "runway_expansion" "t" {
  video_asset_id        = %q
  outpaint_aspect_ratio = "square"
}`, asset), `(?s)outpaint_aspect_ratio.*"landscape".*"portrait"`},
		{"missing text_prompt", fmt.Sprintf(`resource "runway_video_to_video" "t" {
  asset_id = %q
}`, asset), `(?s)"text_prompt" is required`},
		{"structure_transformation out of range", fmt.Sprintf(`resource "runway_video_to_video" "t" {
  asset_id                 = %q
  text_prompt              = "x"
  structure_transformation = 11
}`, asset), `(?s)structure_transformation.*between 0\.0* and 10\.0*`},
		{"resolution", fmt.Sprintf(`resource "runway_video_to_video" "t" {
  asset_id    = %q
  text_prompt = "x"
  resolution  = "1080p"
}`, asset), `(?s)resolution.*"720p"`},
		{"reply_ref too long", fmt.Sprintf(`resource "runway_gen2_extension" "t" {
  asset_id  = %q
  reply_ref = %q
}`, asset, long), `(?s)reply_ref.*at most 1024`},
		{"bad reply_url", fmt.Sprintf(`resource "runway_gen2_extension" "t" {
  asset_id  = %q
  reply_url = "not a url"
}`, asset), `(?s)reply_url.*absolute http`},
		{"max_jobs out of range", fmt.Sprintf(`resource "runway_gen2_extension" "t" {
  asset_id = %q
  max_jobs = 11
}`, asset), `(?s)max_jobs.*between 1 and 10`},
		{"deletion_policy", fmt.Sprintf(`resource "runway_gen2_extension" "t" {
  asset_id        = %q
  deletion_policy = "KEEP"
}`, asset), `(?s)deletion_policy.*"DELETE".*"ABANDON"`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      sim.providerBlock() + c.config,
			PlanOnly:    true,
			ExpectError: errorPattern(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if got := sim.Stats().Requests; got != 0 {
		t.Errorf("plan-time validation sent %d requests to the gateway, want 0", got)
	}
}

// a 429 on submit (account busy) is waited out; one task.
func TestAccGeneration_busyAccountIsWaitedOut(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	sim.Inject(simulator.Fault{Method: "POST", Path: "/gen3/video", Status: 429, Busy429: true, Times: 2})
	sim.Inject(simulator.Fault{Method: "POST", Path: "/gen3/video", Status: 429, Times: 1})
	addr := "runway_video_to_video.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_video_to_video" "test" {
  asset_id    = %q
  text_prompt = "a watercolor painting"
  seconds     = 5
}
`, sim.demoVideo()),
			ConfigStateChecks: []statecheck.StateCheck{
				stringValue(addr, "status", "SUCCEEDED"),
				stringMatches(addr, "video_url", fileURLPattern),
				sim.expectCreates(1),
				simCheck(func() error {
					if got := sim.Stats().Rejected[429]; got != 3 {
						return fmt.Errorf("429 answers = %d, want 3", got)
					}
					return nil
				}),
			},
		}},
	})
}

// deletion_policy ABANDON keeps everything; import by task id
// fills what the gateway reports and adopts the rest in place.
func TestAccGeneration_abandonAndImport(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	addr := "runway_video_to_video.test"
	config := sim.providerBlock() + fmt.Sprintf(`
resource "runway_video_to_video" "test" {
  asset_id        = %q
  text_prompt     = "neon city at night"
  seconds         = 5
  deletion_policy = "ABANDON"
  timeouts = {
    create = "5m"
  }
}
`, sim.demoVideo())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				// Inputs the gateway does not report, and the knobs that only
				// live in the configuration.
				// The URLs are valid re-signed copies of the same files; seed and
				// explore_mode are reported by the gateway although the
				// configuration left them to it; the cost figures belong to the
				// plan and the create answer, which an import has neither of.
				ImportStateVerifyIgnore: []string{"asset_id", "deletion_policy", "timeouts", "artifacts.0.url", "video_url", "seed", "explore_mode", "estimated_credits", "credits_used"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if d := sim.Stats().Deletes; d != 0 {
				return fmt.Errorf("ABANDON deleted %d objects, want 0", d)
			}
			if c := sim.Stats().Creates; c != 1 {
				return fmt.Errorf("creates = %d, want 1", c)
			}
			return nil
		},
	})
}

var compareEqual = compare.ValuesSame()

// an extension's output feeds an expansion and a
// video-to-video in one apply.
func TestAccGeneration_chain(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "clip" {
  asset_id = %q
  pan      = 3
}

resource "runway_expansion" "portrait" {
  video_asset_id        = runway_gen2_extension.clip.video_asset_id
  outpaint_aspect_ratio = "portrait"
  seconds               = 5
}

resource "runway_video_to_video" "styled" {
  asset_id    = runway_gen2_extension.clip.video_asset_id
  text_prompt = "oil painting"
  seconds     = 5
}
`, sim.demoVideo()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs(
					"runway_gen2_extension.clip", tfjsonpath.New("video_asset_id"),
					"runway_expansion.portrait", tfjsonpath.New("video_asset_id"), compareEqual),
				statecheck.CompareValuePairs(
					"runway_gen2_extension.clip", tfjsonpath.New("video_asset_id"),
					"runway_video_to_video.styled", tfjsonpath.New("asset_id"), compareEqual),
				stringValue("runway_expansion.portrait", "status", "SUCCEEDED"),
				stringMatches("runway_expansion.portrait", "output_video_asset_id", assetIDPattern),
				stringValue("runway_video_to_video.styled", "status", "SUCCEEDED"),
				stringMatches("runway_video_to_video.styled", "video_url", fileURLPattern),
				sim.expectCreates(3),
			},
		}},
	})
}
