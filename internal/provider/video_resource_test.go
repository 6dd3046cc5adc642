package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// demoImage is the id of the seeded demo image asset.
func (s *testSim) demoImage() string {
	return "user:1234-runwayml:" + s.AccountEmail() + "-asset:" + simulator.DemoImageUUID
}

// A prompt becomes a video (text to video, Gen-4.5), whose first frame
// feeds an image-to-video Gen-4 generation; the estimate at plan is what the
// simulator charges; refresh and re-plan change nothing; import restores it.
func TestAccVideo_textThenImageToVideo(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	config := sim.providerBlock() + fmt.Sprintf(`
resource "runway_video" "story" {
  model        = "gen4.5"
  text_prompt  = "a lighthouse at dusk, waves"
  duration     = 4
  aspect_ratio = "16:9"
  seed         = 7
}

resource "runway_video" "next" {
  model           = "gen4"
  text_prompt     = "the camera pulls back"
  image_asset_ids = [%q]
  duration        = 5
  aspect_ratio    = "9:16"
  deletion_policy = "ABANDON"
}
`, sim.demoImage())
	story, next := "runway_video.story", "runway_video.next"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(story, tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(4*12)),
					// gen4 has no default rate: unknown cost is null, never 0.
					plancheck.ExpectKnownValue(next, tfjsonpath.New("estimated_credits"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(story, "status", "SUCCEEDED"),
					stringMatches(story, "video_url", fileURLPattern),
					stringMatches(story, "video_asset_id", assetIDPattern),
					statecheck.CompareValuePairs(story, tfjsonpath.New("video_asset_id"), story, tfjsonpath.New("output_video_asset_id"), compareEqual),
					statecheck.ExpectKnownValue(story, tfjsonpath.New("artifacts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"width": knownvalue.Int64Exact(1280), "height": knownvalue.Int64Exact(720), "duration": knownvalue.Float64Exact(4),
						}),
					})),
					stringValue(next, "status", "SUCCEEDED"),
					statecheck.ExpectKnownValue(next, tfjsonpath.New("artifacts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"width": knownvalue.Int64Exact(720), "height": knownvalue.Int64Exact(1280)}),
					})),
					sim.expectCreates(2),
					simCheck(func() error {
						for _, id := range sim.Tasks() {
							if c := sim.TaskCost(id); c != 48 && c != 50 {
								return fmt.Errorf("task %s cost %d", id, c)
							}
						}
						return nil
					}),
				},
			},
			{RefreshState: true},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      next,
				ImportState:       true,
				ImportStateVerify: true,
				// Inputs the task does not report, the knobs, the cost of the
				// create and the re-signed URLs.
				ImportStateVerifyIgnore: []string{"image_asset_ids", "deletion_policy", "timeouts", "estimated_credits",
					"credits_used", "artifacts.0.url", "video_url", "seed", "explore_mode"},
			},
		},
		CheckDestroy: func(*terraform.State) error { return sim.expectCreates(2)() },
	})
}

// Each model rule refuses at plan, naming the model and what it allows,
// and nothing reaches the gateway.
func TestAccVideo_modelRulesAtPlan(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	img := sim.demoImage()
	cases := []struct{ config, want string }{
		{fmt.Sprintf(`model = "gen4"
  text_prompt = "x"
  image_asset_ids = [%q]
  duration = 8`, img), `gen4 takes duration 5 or 10, not 8`},
		{`model = "gen4"
  text_prompt = "x"`, `gen4 requires 1 input image`},
		{fmt.Sprintf(`model = "gen4"
  image_asset_ids = [%q]`, img), `gen4 requires text_prompt`},
		{fmt.Sprintf(`model = "gen4-turbo"
  image_asset_ids = [%q]
  text_prompt = %q`, img, strings.Repeat("x", 513)), `gen4-turbo takes text_prompt of at most 512 characters, not 513`},
		{fmt.Sprintf(`model = "wan-2.2-animate"
  text_prompt = "x"
  image_asset_ids = [%q]
  video_asset_ids = [%q]`, img, sim.demoVideo()), `wan-2.2-animate takes no text_prompt`},
		{`model = "kling-o3-pro"
  resolution = "720p"`, `kling-o3-pro takes no resolution`},
		{`model = "gen4.5"
  aspect_ratio = "9:16"`, `gen4.5 takes aspect_ratio "16:9" without an input image, not "9:16"`},
		{`model = "seedance-2"
  resolution = "4k"`, `seedance-2 takes resolution "480p", "720p" or "1080p", not "4k"`},
		{`model = "veo-3.1"
  seed = 3`, `veo-3.1 takes no seed`},
		{`model = "veo-3.1"
  explore_mode = true`, `veo-3.1 is not documented with explore mode`},
		{`model = "gen4.5"
  audio = true
  shots = [{ prompt = "a", duration = 5 }, { prompt = "b", duration = 5 }]`, `gen4.5 takes no shots`},
		{`model = "kling-3.0-pro"
  shots = [{ prompt = "a", duration = 8 }, { prompt = "b", duration = 8 }]`, `kling-3.0-pro takes shots of at most 15 seconds in all, not 16`},
		{fmt.Sprintf(`model = "seedance-2"
  end_frame_asset_id = %q`, img), `seedance-2 needs start_frame_asset_id with end_frame_asset_id`},
		{`model = "gen5"`, `model.*value must be one of`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: sim.providerBlock() + `
resource "runway_video" "t" {
  ` + c.config + `
}
`,
			PlanOnly:    true,
			ExpectError: errorPattern(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if got := sim.Stats().Requests; got != 0 {
		t.Errorf("plan-time refusals sent %d requests to the gateway, want 0", got)
	}
}

// A value known only at apply is checked before the create is sent: the
// apply fails and nothing is paid.
func TestAccVideo_unknownAtPlanCheckedBeforeThePost(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
resource "terraform_data" "length" {
  input = 8
}

resource "runway_video" "t" {
  model           = "gen4"
  text_prompt     = "x"
  image_asset_ids = [%q]
  duration        = terraform_data.length.output
}
`, sim.demoImage()),
			// Terraform validates the configuration again once the value is
			// known, during the apply; the client checks it once more before
			// sending. Either way nothing reaches the gateway.
			ExpectError: errorPattern(`(Not accepted by model gen4|Runway generation not submitted).*gen4 takes duration 5 or 10, not 8`),
		}},
		CheckDestroy: func(*terraform.State) error { return sim.expectCreates(0)() },
	})
}

// A model without a known rate is not counted as free by
// max_credits_per_apply: the plan is refused with what to set.
func TestAccVideo_unpricedModelRefusedByBudget(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: sim.providerBlock(`max_credits_per_apply = 1000`) + `
resource "runway_video" "t" {
  model       = "sora-2"
  text_prompt = "a city"
  duration    = 4
}
`,
				PlanOnly:    true,
				ExpectError: errorPattern(`cannot be priced: no credit rate is known for sora-2.*credit_rates`),
			},
			{
				Config: sim.providerBlock(`max_credits_per_apply = 1000`, `credit_rates = { "sora-2" = 20 }`) + `
resource "runway_video" "t" {
  model       = "sora-2"
  text_prompt = "a city"
  duration    = 4
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("runway_video.t", tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(80)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stringValue("runway_video.t", "status", "SUCCEEDED")},
			},
		},
	})
}

// After an import whose first plan has nothing to adopt (every configured
// input is one the task reports), adoption still ends with that plan's
// apply: a later input that the task does not report, here an input image,
// is a new generation, not a value recorded in place.
func TestAccVideo_importAdoptionEndsWithFirstApply(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	addr := "runway_video.shot"
	generation := func(extra string) string {
		return sim.providerBlock() + `
resource "runway_video" "shot" {
  model        = "gen4.5"
  text_prompt  = "fog rolling over a pier"
  duration     = 4
  aspect_ratio = "16:9"
  seed         = 7
  explore_mode = false
  ` + extra + `
}
`
	}
	var taskID string
	sameTask := statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
		if id != taskID {
			return fmt.Errorf("id %s, want the imported %s", id, taskID)
		}
		return nil
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: generation(`deletion_policy = "ABANDON"`),
				Check: func(s *terraform.State) error {
					taskID = s.RootModule().Resources[addr].Primary.ID
					return nil
				},
			},
			{Config: sim.providerBlock()}, // abandoned: the task stays on the account
			{
				Config:             generation(""),
				ResourceName:       addr,
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return taskID, nil },
			},
			{
				Config: generation(""),
				// Nothing to adopt, yet an update: it ends the adoption.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("status")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("video_url"), knownvalue.StringRegexp(fileURLPattern)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameTask, stringValue(addr, "status", "SUCCEEDED"), sim.expectCreates(1)},
			},
			{
				Config: generation(fmt.Sprintf("image_asset_ids = [%q]", sim.demoImage())),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{sim.expectCreates(2)},
			},
		},
	})
}
