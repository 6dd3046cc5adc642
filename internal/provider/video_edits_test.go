package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// An Aleph edit of a clip feeds a 4K upscale; Act-Two animates a character
// from the same clip. Each estimate at plan is what the simulator charged
// (Act-Two has no published rate: null); import restores each.
func TestAccVideoEdits_editUpscaleActTwo(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	config := sim.providerBlock(`credit_rates = { act_two = 5 }`) + fmt.Sprintf(`
resource "runway_video_edit" "snow" {
  video_asset_id  = %[1]q
  text_prompt     = "make it snow"
  image_asset_id  = %[2]q
  deletion_policy = "ABANDON"
}

resource "runway_video_upscale" "k4" {
  video_asset_id  = runway_video_edit.snow.output_video_asset_id
  deletion_policy = "ABANDON"
}

resource "runway_act_two" "actor" {
  driving_asset_id     = %[1]q
  character_asset_id   = %[2]q
  aspect_ratio         = "9:16"
  expression_intensity = 4
  deletion_policy      = "ABANDON"
}
`, sim.demoVideo(), sim.demoImage())
	edit, up, actor := "runway_video_edit.snow", "runway_video_upscale.k4", "runway_act_two.actor"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(edit, tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(5*15)),
					// The edit's output is not known at plan: so is the price
					// (max_credits_per_apply counts the longest source, 40 s).
					plancheck.ExpectUnknownValue(up, tfjsonpath.New("estimated_credits")),
					plancheck.ExpectKnownValue(actor, tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(5*5)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(edit, "status", "SUCCEEDED"),
					stringValue(up, "status", "SUCCEEDED"),
					stringValue(actor, "status", "SUCCEEDED"),
					statecheck.ExpectKnownValue(up, tfjsonpath.New("artifacts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"width": knownvalue.Int64Exact(4096), "height": knownvalue.Int64Exact(2456)}),
					})),
					statecheck.ExpectKnownValue(actor, tfjsonpath.New("artifacts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"width": knownvalue.Int64Exact(720), "height": knownvalue.Int64Exact(1280)}),
					})),
					stringMatches(actor, "video_asset_id", assetIDPattern),
					// Priced once the edit's 5 s output was known: 5 s × 2.
					statecheck.ExpectKnownValue(up, tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(10)),
					sim.expectCreates(3),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: edit, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"video_asset_id", "image_asset_id", "deletion_policy", "timeouts",
					"estimated_credits", "credits_used", "artifacts.0.url", "video_url", "seed", "explore_mode"},
			},
			{
				ResourceName: up, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"video_asset_id", "deletion_policy", "timeouts", "estimated_credits",
					"credits_used", "artifacts.0.url", "video_url", "seed", "explore_mode"},
			},
			{
				ResourceName: actor, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"driving_asset_id", "character_asset_id", "body_control", "expression_intensity",
					"deletion_policy", "timeouts", "estimated_credits", "credits_used", "artifacts.0.url", "video_url", "seed", "explore_mode"},
			},
		},
		CheckDestroy: func(*terraform.State) error { return sim.expectCreates(3)() },
	})
}

// What the gateway would refuse is refused at plan, with nothing sent to
// it but the plan's asset lookups.
func TestAccVideoEdits_refusedAtPlan(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	client, err := useapi.NewClient(useapi.Config{Endpoint: sim.endpoint, Token: simulatorToken})
	if err != nil {
		t.Fatal(err)
	}
	long := 45.0
	clip := simulator.MinimalMP4(320, 240, time.Second)
	asset, err := client.UploadAsset(context.Background(), useapi.UploadAssetParams{Name: "long.mp4", ContentType: "video/mp4", Duration: &long},
		func() (io.Reader, int64, error) { return bytes.NewReader(clip), int64(len(clip)), nil })
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ config, want string }{
		{fmt.Sprintf(`resource "runway_video_upscale" "t" {
  video_asset_id = %q
}`, asset.AssetID), `Video too long to upscale.*45\.0 seconds long.*at most 40 seconds`},
		{fmt.Sprintf(`resource "runway_video_upscale" "t" {
  video_asset_id = %q
  seed           = 3
}`, sim.demoVideo()), `takes no seed`},
		{fmt.Sprintf(`resource "runway_video_edit" "t" {
  video_asset_id = %q
  text_prompt    = %q
}`, sim.demoVideo(), strings.Repeat("x", 1001)), `text_prompt.*between 1 and 1000`},
		{fmt.Sprintf(`resource "runway_act_two" "t" {
  driving_asset_id     = %q
  character_asset_id   = %q
  expression_intensity = 6
}`, sim.demoVideo(), sim.demoImage()), `expression_intensity.*between 1 and 5`},
		{fmt.Sprintf(`resource "runway_act_two" "t" {
  driving_asset_id   = %q
  character_asset_id = %q
}`, asset.AssetID, sim.demoImage()), `Driving video of the wrong length.*45\.0 seconds`},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: sim.providerBlock() + c.config, PlanOnly: true, ExpectError: errorPattern(c.want)})
	}
	// An input known only after apply is priced at its upper bound (40 s
	// × 2) against max_credits_per_apply, never as free.
	steps = append(steps, resource.TestStep{
		Config: sim.providerBlock(`max_credits_per_apply = 50`) + fmt.Sprintf(`
resource "terraform_data" "source" {
  input = %q
}

resource "runway_video_upscale" "t" {
  video_asset_id = terraform_data.source.output
}
`, sim.demoVideo()),
		PlanOnly:    true,
		ExpectError: errorPattern(`estimated at 80 credits so far.*max_credits_per_apply of 50`),
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if got := sim.Stats().Creates; got != 0 {
		t.Errorf("refusals at plan made %d creates, want 0", got)
	}
}
