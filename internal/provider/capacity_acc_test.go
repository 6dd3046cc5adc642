package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// The account's only slot is held by a task another client started; the
// generation's create is refused (429, listing that task), and goes out as
// soon as the task ends — not after busy_retry_interval, here far longer
// than the whole test.
func TestAccCapacity_slotFreedByAnotherClient(t *testing.T) {
	sim := newTestSim(t, simulator.Options{MaxJobs: 1, TaskDuration: 1500 * time.Millisecond})
	client, err := useapi.NewClient(useapi.Config{Endpoint: sim.endpoint, Token: simulatorToken})
	if err != nil {
		t.Fatal(err)
	}
	var foreign string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				task, err := client.CreateGen2Extend(context.Background(), &useapi.Gen2ExtendRequest{AssetID: sim.demoVideo()})
				if err != nil {
					t.Fatal(err)
				}
				foreign = task.TaskID
			},
			Config: strings.Replace(sim.providerBlock(), `busy_retry_interval = "100ms"`, `busy_retry_interval = "5m"`, 1) + fmt.Sprintf(`
resource "runway_gen2_extension" "queued" {
  asset_id = %q
}
`, sim.demoVideo()),
			Check: func(*terraform.State) error {
				freed, ok := sim.CompletedAt(foreign)
				if !ok {
					return fmt.Errorf("the foreign task %s has not completed", foreign)
				}
				ours := ""
				for _, id := range sim.Tasks() {
					if id != foreign {
						ours = id
					}
				}
				return expectHandedOver(t, sim, ours, freed, "the other client's task")
			},
		}},
	})
}

// The account's only slot is held by a task of this apply that nobody waits
// for (wait_for_completion = false): the next create, refused with 429, goes
// as soon as that task ends, found by a watcher like another client's task —
// not after busy_retry_interval (a minute or more).
func TestAccCapacity_slotOfATaskNotWaitedFor(t *testing.T) {
	sim := newTestSim(t, simulator.Options{MaxJobs: 1, TaskDuration: 1500 * time.Millisecond})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: strings.Replace(sim.providerBlock(), `busy_retry_interval = "100ms"`, `busy_retry_interval = "1m"`, 1) + fmt.Sprintf(`
resource "runway_gen2_extension" "not_waited_for" {
  asset_id            = %[1]q
  wait_for_completion = false
}

resource "runway_gen2_extension" "queued" {
  asset_id   = %[1]q
  motion     = 6
  depends_on = [runway_gen2_extension.not_waited_for]
  timeouts = {
    create = "5m"
  }
}
`, sim.demoVideo()),
			Check: func(s *terraform.State) error {
				first := s.RootModule().Resources["runway_gen2_extension.not_waited_for"].Primary.ID
				second := s.RootModule().Resources["runway_gen2_extension.queued"].Primary.ID
				freed, ok := sim.CompletedAt(first)
				if !ok {
					return fmt.Errorf("the task not waited for (%s) has not completed", first)
				}
				return expectHandedOver(t, sim, second, freed, "the task not waited for")
			},
		}},
	})
}

// expectHandedOver checks that the queued create (task) went out within a
// watcher's poll (100 ms) plus scheduling after the slot's holder ended at
// freed, and that the account saw two creates in all.
func expectHandedOver(t *testing.T, sim *testSim, task string, freed time.Time, holder string) error {
	created, ok := sim.CreatedAt(task)
	if !ok {
		return fmt.Errorf("no task %q of ours among %v", task, sim.Tasks())
	}
	lag := created.Sub(freed)
	t.Logf("create accepted %s after %s ended", lag, holder)
	if lag < 0 || lag > 2*time.Second {
		return fmt.Errorf("the queued create went %s after %s ended, want within the watcher's poll (100 ms) plus scheduling", lag, holder)
	}
	if st := sim.Stats(); st.Creates != 2 {
		return fmt.Errorf("creates = %d, want 2", st.Creates)
	}
	return nil
}
