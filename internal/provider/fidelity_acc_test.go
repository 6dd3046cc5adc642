package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// With two accounts on useapi.net the gateway requires `email` on uploads
// and listings: runway_asset and runway_assets send their own, else the
// provider's; without either the gateway's 400 is reported.
func TestAccAsset_multiAccountUploadAndListing(t *testing.T) {
	const first, second = "first@runway.local", "second@runway.local"
	sim := newTestSim(t, simulator.Options{AccountEmails: []string{first, second}})
	dir := t.TempDir()
	clipA, _ := writeClip(t, dir, "a.mp4", 640, 360, 2*time.Second)
	clipB, _ := writeClip(t, dir, "b.mp4", 640, 360, 3*time.Second)
	accountOf := func(email string) *regexp.Regexp {
		return regexp.MustCompile(`^user:1234-runwayml:` + regexp.QuoteMeta(email) + `-asset:[0-9a-f-]{36}$`)
	}
	config := func(providerEmail string) string {
		extra := []string{}
		if providerEmail != "" {
			extra = append(extra, fmt.Sprintf("email = %q", providerEmail))
		}
		return sim.providerBlock(extra...) + fmt.Sprintf(`
resource "runway_asset" "on_default" {
  source = %q
}

resource "runway_asset" "on_second" {
  source = %q
  email  = %q
}

data "runway_assets" "second" {
  email      = %q
  depends_on = [runway_asset.on_second]
}

data "runway_assets" "default" {
  depends_on = [runway_asset.on_default]
}
`, clipA, clipB, second, second)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				// No email anywhere: the gateway's 400, verbatim.
				Config:      config(""),
				ExpectError: errorPattern(`email is required when multiple accounts are configured`),
			},
			{
				Config: config(first),
				ConfigStateChecks: []statecheck.StateCheck{
					stringMatches("runway_asset.on_default", "id", accountOf(first)),
					stringMatches("runway_asset.on_second", "id", accountOf(second)),
					statecheck.CompareValuePairs("data.runway_assets.second", tfjsonpath.New("ids").AtSliceIndex(0),
						"runway_asset.on_second", tfjsonpath.New("id"), compareEqual),
					statecheck.ExpectKnownValue("data.runway_assets.second", tfjsonpath.New("ids"), knownvalue.ListSizeExact(1)),
					stringValue("data.runway_assets.second", "id", "assets////"+second),
				},
				Check: func(s *terraform.State) error {
					ds := s.RootModule().Resources["data.runway_assets.default"].Primary.Attributes
					onDefault := s.RootModule().Resources["runway_asset.on_default"].Primary.ID
					found := false
					for k, v := range ds {
						if strings.HasPrefix(k, "ids.") && k != "ids.#" {
							if !accountOf(first).MatchString(v) {
								return fmt.Errorf("the default account lists %s", v)
							}
							found = found || v == onDefault
						}
					}
					if !found {
						return fmt.Errorf("the default account's listing lacks %s", onDefault)
					}
					return nil
				},
			},
		},
	})
}

// Destroying a generation whose task still runs removes it from the
// gateway's scheduler first (its maxJobs slot is free at once), then
// deletes it; Runway would still finish it.
func TestAccGeneration_destroyRunningTaskStopsTracking(t *testing.T) {
	sim := newTestSim(t, simulator.Options{TaskDuration: 10 * time.Minute, MaxJobs: 1})
	addr := "runway_video_to_video.v"
	var taskID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_video_to_video" "v" {
  asset_id            = %q
  text_prompt         = "pencil sketch"
  seconds             = 5
  reply_ref           = "ref-1"
  wait_for_completion = false
}

# GET /tasks does not report reply fields: the data source says null.
data "runway_task" "v" {
  task_id = runway_video_to_video.v.id
}
`, sim.demoVideo()),
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(addr, "reply_ref", "ref-1"),
					statecheck.ExpectKnownValue("data.runway_task.v", tfjsonpath.New("reply_ref"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.runway_task.v", tfjsonpath.New("reply_url"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					taskID = s.RootModule().Resources[addr].Primary.ID
					if !sim.Tracked(taskID) {
						return fmt.Errorf("task %s is not tracked after its create", taskID)
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			st := sim.Stats()
			if sim.Tracked(taskID) || st.Untracked != 1 {
				return fmt.Errorf("after destroy: tracked %v, DELETE /scheduler calls %d (want 1)", sim.Tracked(taskID), st.Untracked)
			}
			if st.Deletes != 1 {
				return fmt.Errorf("deletes = %d, want the task's 1", st.Deletes)
			}
			return nil
		},
	})
}

// A task put into a status the gateway does not document (cancelled in
// Runway's web app) fails the apply within seconds, with the raw status,
// instead of waiting until timeouts.create; the id stays in the state.
func TestAccGeneration_unknownStatusFailsSoon(t *testing.T) {
	sim := newTestSim(t, simulator.Options{TaskDuration: 10 * time.Minute})
	addr := "runway_video_to_video.v"
	config := sim.providerBlock() + fmt.Sprintf(`
resource "runway_video_to_video" "v" {
  asset_id    = %q
  text_prompt = "pencil sketch"
  seconds     = 5
  timeouts = {
    create = "2m"
  }
}
`, sim.demoVideo())
	cancelled := make(chan time.Time, 1)
	// Cancel the task as soon as the apply has submitted it. Started by the
	// step itself: a parallel test may wait a long time for its turn.
	cancelWhenSubmitted := func() {
		go func() {
			deadline := time.Now().Add(2 * time.Minute)
			for time.Now().Before(deadline) {
				if ids := sim.Tasks(); len(ids) > 0 && sim.SetTaskStatus(ids[0], "CANCELED") {
					cancelled <- time.Now()
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				PreConfig:   cancelWhenSubmitted,
				Config:      config,
				ExpectError: errorPattern(`Runway generation failed.*"CANCELED", which the gateway does not document.*The task id is kept in the state`),
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // tainted: the next apply would replace it
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(addr, "id", taskIDPattern),
					resource.TestCheckResourceAttr(addr, "status", "CANCELED"),
					resource.TestCheckNoResourceAttr(addr, "video_url"),
					func(*terraform.State) error {
						select {
						case at := <-cancelled:
							if since := time.Since(at); since > time.Minute {
								return fmt.Errorf("cancelled %v ago", since)
							}
						default:
							return fmt.Errorf("the task was never cancelled")
						}
						return sim.expectCreates(1)()
					},
				),
			},
		},
	})
}
