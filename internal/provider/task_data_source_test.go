package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// A task started without waiting is picked up by runway_task, which waits
// for it and exposes the same outputs as the generation resource.
func TestAccTaskDataSource_waitsForTaskStartedElsewhere(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	ds := "data.runway_task.followed"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_video_to_video" "started" {
  asset_id            = %q
  text_prompt         = "film noir"
  seconds             = 5
  wait_for_completion = false
}

data "runway_task" "followed" {
  task_id             = runway_video_to_video.started.task_id
  wait_for_completion = true
  timeouts = {
    read = "1m"
  }
}
`, sim.demoVideo()),
			ConfigStateChecks: []statecheck.StateCheck{
				stringValue(ds, "status", "SUCCEEDED"),
				stringValue(ds, "task_type", "gen3a"),
				stringMatches(ds, "video_url", fileURLPattern),
				stringMatches(ds, "video_asset_id", assetIDPattern),
				stringMatches(ds, "options_json", regexp.MustCompile(`"text_prompt":"film noir"`)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("progress"), knownvalue.Float64Exact(1)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("error"), knownvalue.Null()),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("artifacts"), knownvalue.ListSizeExact(1)),
				sim.expectCreates(1),
			},
		}},
	})
}

func TestAccTaskDataSource_unknownTask(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + `
data "runway_task" "missing" {
  task_id = "user:1234-runwayml:demo@runway.local-task:00000000-0000-4000-8000-00000000dead"
}
`,
			ExpectError: errorPattern(`Reading Runway task .*dead failed.*404`),
		}},
	})
}
