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
				created, ok := sim.CreatedAt(ours)
				if !ok {
					return fmt.Errorf("no task of ours among %v", sim.Tasks())
				}
				lag := created.Sub(freed)
				t.Logf("create accepted %s after the other client's task ended", lag)
				if lag < 0 || lag > 2*time.Second {
					return fmt.Errorf("our create went %s after the foreign task ended, want within the watcher's poll (100 ms) plus scheduling", lag)
				}
				if st := sim.Stats(); st.Creates != 2 {
					return fmt.Errorf("creates = %d, want 2", st.Creates)
				}
				return nil
			},
		}},
	})
}
