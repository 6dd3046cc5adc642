package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// Credits are read before a generation at plan time and after it (through
// depends_on): the used credits grow by exactly what the simulator charged
// for the task.
func TestAccCreditsDataSource_usedGrowsByTaskCost(t *testing.T) {
	sim := newTestSim(t, simulator.Options{Credits: 1000})
	before := "data.runway_credits.before"
	after := "data.runway_credits.after"
	taskCost := func() int64 {
		tasks := sim.Tasks()
		if len(tasks) != 1 {
			return -1
		}
		return int64(sim.TaskCost(tasks[0]))
	}
	beforeConfig := sim.providerBlock() + `
data "runway_credits" "before" {}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: beforeConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(before, "id", "default"),
					statecheck.ExpectKnownValue(before, tfjsonpath.New("credits_permitted"), knownvalue.Int64Exact(1000)),
					statecheck.ExpectKnownValue(before, tfjsonpath.New("credits_used"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(before, tfjsonpath.New("credits_remaining"), knownvalue.Int64Exact(1000)),
					statecheck.ExpectKnownValue(before, tfjsonpath.New("storage_gb"), knownvalue.Float64Exact(500)),
				},
			},
			{
				Config: beforeConfig + fmt.Sprintf(`
resource "runway_gen2_extension" "clip" {
  asset_id = %q
}

data "runway_credits" "after" {
  email      = %q
  depends_on = [runway_gen2_extension.clip]
}
`, sim.demoVideo(), simulator.DefaultAccountEmail),
				ConfigStateChecks: []statecheck.StateCheck{
					sim.expectCreates(1),
					stringValue(after, "id", simulator.DefaultAccountEmail),
					statecheck.ExpectKnownValue(after, tfjsonpath.New("credits_used"), knownvalue.Int64Func(func(v int64) error {
						if cost := taskCost(); v != cost || cost <= 0 {
							return fmt.Errorf("credits_used = %d, want the task's cost %d", v, cost)
						}
						return nil
					})),
					statecheck.ExpectKnownValue(after, tfjsonpath.New("credits_remaining"), knownvalue.Int64Func(func(v int64) error {
						if want := 1000 - taskCost(); v != want {
							return fmt.Errorf("credits_remaining = %d, want %d", v, want)
						}
						return nil
					})),
					statecheck.ExpectKnownValue(after, tfjsonpath.New("credits_permitted"), knownvalue.Int64Exact(1000)),
				},
			},
		},
	})
}

func TestAccCreditsDataSource_unknownAccount(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + `
data "runway_credits" "other" {
  email = "nobody@example.com"
}
`,
			ExpectError: errorPattern(`Reading the Runway plan's credits failed.*404.*no configuration for the account nobody@example.com.*runway_accounts`),
		}},
	})
}
