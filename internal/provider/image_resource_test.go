package provider

import (
	"fmt"
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

// A prompt becomes four images; the first becomes a video (image to video
// with Gen-4): prompt → image → video in one apply. The estimate at plan is
// the images' count × the configured rate; import restores the images.
func TestAccImage_promptToImagesToVideo(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	config := sim.providerBlock(`credit_rates = { "image:nano-banana-pro" = 3 }`) + `
resource "runway_image" "stills" {
  model        = "nano-banana-pro"
  text_prompt  = "a lighthouse at dusk, watercolor"
  num_images   = 4
  aspect_ratio = "16:9"
  resolution   = "1K"
}

resource "runway_video" "moving" {
  model           = "gen4"
  text_prompt     = "waves roll in"
  image_asset_ids = [runway_image.stills.image_asset_id]
  duration        = 5
}
`
	stills := "runway_image.stills"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(stills, tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(4*3)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(stills, "status", "SUCCEEDED"),
					statecheck.ExpectKnownValue(stills, tfjsonpath.New("image_urls"), knownvalue.ListSizeExact(4)),
					statecheck.ExpectKnownValue(stills, tfjsonpath.New("image_asset_ids"), knownvalue.ListSizeExact(4)),
					stringMatches(stills, "image_asset_id", assetIDPattern),
					statecheck.CompareValuePairs(stills, tfjsonpath.New("image_asset_id"), stills, tfjsonpath.New("image_asset_ids").AtSliceIndex(0), compare.ValuesSame()),
					statecheck.CompareValuePairs(stills, tfjsonpath.New("image_url"), stills, tfjsonpath.New("image_urls").AtSliceIndex(0), compare.ValuesSame()),
					statecheck.ExpectKnownValue(stills, tfjsonpath.New("artifacts"), knownvalue.ListPartial(map[int]knownvalue.Check{
						3: knownvalue.ObjectPartial(map[string]knownvalue.Check{"width": knownvalue.Int64Exact(1024), "height": knownvalue.Int64Exact(576)}),
					})),
					stringValue("runway_video.moving", "status", "SUCCEEDED"),
					sim.expectCreates(2),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: stills, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"deletion_policy", "timeouts", "estimated_credits", "credits_used",
					"artifacts.0.url", "artifacts.1.url", "artifacts.2.url", "artifacts.3.url",
					"image_url", "image_urls.0", "image_urls.1", "image_urls.2", "image_urls.3", "seed", "explore_mode"},
			},
		},
		CheckDestroy: func(*terraform.State) error { return sim.expectCreates(2)() },
	})
}

// Each image model rule refuses at plan, naming the model, and nothing
// reaches the gateway; an unpriced model cannot pass max_credits_per_apply.
func TestAccImage_modelRulesAtPlan(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	cases := []struct{ config, want string }{
		{`model = "gpt-image-1-5"`, `gpt-image-1-5 requires text_prompt`},
		{`model = "gpt-image-1-mini"
  text_prompt = "x"
  aspect_ratio = "16:9"`, `gpt-image-1-mini takes aspect_ratio "1:1", "3:2" or "2:3", not "16:9"`},
		{`model = "nano-banana"
  text_prompt = "x"
  resolution = "2K"`, `nano-banana takes no resolution`},
		{`model = "flux-2-max"
  text_prompt = "x"
  style = "bw"`, `flux-2-max takes no style`},
		{`model = "gen4-turbo"
  text_prompt = "x"`, `gen4-turbo requires 1 reference image`},
		{fmt.Sprintf(`model = "flux-2-klein"
  text_prompt = %q`, strings.Repeat("x", 4001)), `flux-2-klein takes text_prompt of at most 4000 characters`},
		{`model = "nano-banana"
  text_prompt = "x"
  seed = 3`, `nano-banana takes no seed`},
		{`model = "gen4"
  text_prompt = "x"
  num_images = 2`, `num_images.*one of.*1.*4`},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: sim.providerBlock() + "resource \"runway_image\" \"t\" {\n  " + c.config + "\n}\n",
			PlanOnly: true, ExpectError: errorPattern(c.want)})
	}
	steps = append(steps, resource.TestStep{
		Config: sim.providerBlock(`max_credits_per_apply = 100`) + `
resource "runway_image" "t" {
  model       = "seedream-5"
  text_prompt = "x"
}
`,
		PlanOnly: true, ExpectError: errorPattern(`cannot be priced.*image:seedream-5`),
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if got := sim.Stats().Requests; got != 0 {
		t.Errorf("refusals at plan sent %d requests, want 0", got)
	}
}
