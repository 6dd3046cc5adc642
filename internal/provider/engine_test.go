package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

// The engine's behaviours are the same on every gateway, so each is tested
// once here, over both gateways' simulators, each through one reference
// generation resource.

// engineGateway is a gateway simulator as the engine tests drive it.
type engineGateway interface {
	providerBlock(extra ...string) string
	HoldTasks(hold bool)
	ForgetTask(taskID string)
	expectCreates(want int) simCheck
	// refuseNextTaskRead makes the next task read answer 401, as when the
	// credential is rotated while an apply waits.
	refuseNextTaskRead()
}

func (s *testSim) refuseNextTaskRead() {
	s.Inject(simulator.Fault{Method: "GET", Path: "/tasks/", Status: 401})
}

// The gateway answers a rejected key with code 401 inside HTTP 200.
func (a *testApikley) refuseNextTaskRead() {
	a.Inject(apikleysim.Fault{Method: "GET", Path: apikleysim.PathRecordDetail, Code: 401})
}

// engineCase is one gateway under the engine tests.
type engineCase struct {
	name string
	// start serves a simulator for one test; wrap, when set, sees every
	// request first.
	start func(t *testing.T, wrap func(http.Handler) http.Handler) engineGateway
	// taskReads matches the gateway's task reads.
	taskReads func(r *http.Request) bool
	// generation is the reference resource ("test") with a prompt and
	// extra arguments.
	generation func(gw engineGateway, prompt, extra string) string
	addr       string
	idPattern  *regexp.Regexp
	// Statuses: right after the submit (held), while running, finished
	// and failed.
	submitted, running, done, failed string
	videoURL                         *regexp.Regexp
	// moderated matches the apply's error for a moderated task, and
	// moderationReason the `error` output it leaves.
	moderated        string
	moderationReason *regexp.Regexp
	// unreported is an input the gateway does not report (and its value in
	// generation): after an import it is adopted from the configuration.
	unreported, unreportedValue string
	// importExtra configures the import test's generation: a number the
	// gateway does not report either (checked by adoptedNumber) and, where
	// destroy deletes, a policy that keeps the task on the account.
	importExtra   string
	adoptedNumber statecheck.StateCheck
	// unfinishedOutput checks an output of the gateway's that an
	// unfinished task leaves empty.
	unfinishedOutput statecheck.StateCheck
	// option is a create option of the reference resource (createOptions),
	// and optionArg sets it to a value derived from v.
	option    string
	optionArg func(v string) (arg, value string)
	// forgetArg makes destroy only forget the generation (no gateway call).
	forgetArg string
}

var engineCases = []engineCase{
	{
		name: "useapi",
		start: func(t *testing.T, wrap func(http.Handler) http.Handler) engineGateway {
			sim := simulator.New(simulator.Options{Token: simulatorToken, TaskDuration: 400 * time.Millisecond, SeedDemoAssets: true})
			var h http.Handler = sim
			if wrap != nil {
				h = wrap(sim)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			return &testSim{Simulator: sim, endpoint: srv.URL + "/v1/runwayml"}
		},
		taskReads: func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v1/runwayml/tasks/") },
		generation: func(gw engineGateway, prompt, extra string) string {
			return fmt.Sprintf(`
resource "runway_video_to_video" "test" {
  asset_id    = %q
  text_prompt = %q
  %s
}
`, gw.(*testSim).demoVideo(), prompt, extra)
		},
		addr:      "runway_video_to_video.test",
		idPattern: taskIDPattern,
		submitted: "PENDING", running: "RUNNING", done: "SUCCEEDED", failed: "FAILED",
		videoURL:         fileURLPattern,
		moderated:        `Runway generation failed.*task user:1234-runwayml:\S+-task:[0-9a-f-]+ failed:.*moderated.*SAFETY\.INPUT\.TEXT.*VIOLENCE.*id is kept in the state`,
		moderationReason: regexp.MustCompile(`VIOLENCE`),
		unreported:       "asset_id",
		importExtra: `structure_transformation = 7
  deletion_policy          = "ABANDON"`,
		adoptedNumber:    statecheck.ExpectKnownValue("runway_video_to_video.test", tfjsonpath.New("structure_transformation"), knownvalue.Float64Exact(7)),
		unfinishedOutput: statecheck.ExpectKnownValue("runway_video_to_video.test", tfjsonpath.New("artifacts"), knownvalue.ListSizeExact(0)),
		forgetArg:        `deletion_policy = "ABANDON"`,
		option:           "reply_ref",
		optionArg: func(v string) (string, string) {
			return fmt.Sprintf("reply_ref = %q", v), v
		},
	},
	{
		name: "apikley",
		start: func(t *testing.T, wrap func(http.Handler) http.Handler) engineGateway {
			gw := apikleysim.New(apikleysim.Options{APIKey: apikleyTestKey, TaskDuration: 300 * time.Millisecond})
			var h http.Handler = gw
			if wrap != nil {
				h = wrap(gw)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(func() {
				srv.Close()
				gw.Close()
			})
			return &testApikley{Gateway: gw, endpoint: srv.URL}
		},
		taskReads: func(r *http.Request) bool { return r.URL.Path == apikleysim.PathRecordDetail },
		generation: func(_ engineGateway, prompt, extra string) string {
			return fmt.Sprintf(`
resource "runway_apikley_video" "test" {
  prompt       = %q
  duration     = 5
  quality      = "720p"
  aspect_ratio = "9:16"
  %s
}
`, prompt, extra)
		},
		addr:      "runway_apikley_video.test",
		idPattern: apikleyTaskIDPattern,
		submitted: "wait", running: "generating", done: "success", failed: "fail",
		videoURL:         apikleyVideoURLPattern,
		moderated:        `Runway generation failed.*task [0-9a-f-]{36} failed: Your prompt was caught by our AI moderator.*\(failCode 400\).*id is kept in the state`,
		moderationReason: regexp.MustCompile(`^Your prompt was caught by our AI moderator.*\(failCode 400\)$`),
		unreported:       "quality", unreportedValue: "720p",
		adoptedNumber:    statecheck.ExpectKnownValue("runway_apikley_video.test", tfjsonpath.New("duration"), knownvalue.Int64Exact(5)),
		unfinishedOutput: statecheck.ExpectKnownValue("runway_apikley_video.test", tfjsonpath.New("generated_at"), knownvalue.Null()),
		option:           "callback_url",
		optionArg: func(v string) (string, string) {
			// The simulator posts the result there: a closed loopback port.
			url := "http://127.0.0.1:9/hooks/" + v
			return fmt.Sprintf("callback_url = %q", url), url
		},
	},
}

// unreportedWant is the value the unreported input must have once adopted.
func (c engineCase) unreportedWant(gw engineGateway) string {
	if c.unreportedValue != "" {
		return c.unreportedValue
	}
	return gw.(*testSim).demoVideo()
}

// A moderated task fails the apply with the gateway's reason; the task id
// stays in state and the resource is tainted (the next apply would pay for a
// new generation).
func TestAccEngine_moderatedTaskKeepsID(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw := c.start(t, nil)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config:      gw.providerBlock() + c.generation(gw, "please moderate-me", ""),
						ExpectError: errorPattern(c.moderated),
					},
					{
						RefreshState:       true,
						ExpectNonEmptyPlan: true, // tainted: the next apply would replace it
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestMatchResourceAttr(c.addr, "id", c.idPattern),
							resource.TestCheckResourceAttr(c.addr, "status", c.failed),
							resource.TestMatchResourceAttr(c.addr, "error", c.moderationReason),
							resource.TestCheckNoResourceAttr(c.addr, "video_url"),
							func(*terraform.State) error { return gw.expectCreates(1)() },
						),
					},
				},
			})
		})
	}
}

// A wait that outlives timeouts.create keeps the task id and last status,
// and says how to keep waiting without paying again.
func TestAccEngine_timeoutKeepsTask(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw := c.start(t, nil)
			gw.HoldTasks(true)
			typeName := strings.Split(c.addr, ".")[0]
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: gw.providerBlock() + c.generation(gw, "a lighthouse in a storm", `timeouts = {
    create = "2s"
  }`),
						ExpectError: errorPattern(`Timed out waiting.*still ` + c.running + `.*NOT cancelled.*terraform untaint ` + typeName + `\.<name>.*terraform apply`),
					},
					{
						RefreshState:       true,
						ExpectNonEmptyPlan: true,
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestMatchResourceAttr(c.addr, "id", c.idPattern),
							resource.TestCheckResourceAttr(c.addr, "status", c.running),
							func(*terraform.State) error { return gw.expectCreates(1)() },
						),
					},
				},
			})
		})
	}
}

// releaseOnSecondRead wraps a gateway so that, once armed, the second task
// read releases the held tasks: in a step that plans then applies, the
// plan's refresh is the first read and must still see the task unfinished,
// the apply's first poll is the second (a saved plan is applied without
// another refresh).
type releaseOnSecondRead struct {
	armed atomic.Bool
	reads atomic.Int32
	gw    engineGateway
}

// startHeldUntilSecondRead serves c's gateway with its tasks held until the
// second task read after release is armed.
func startHeldUntilSecondRead(t *testing.T, c engineCase) (engineGateway, *releaseOnSecondRead) {
	release := &releaseOnSecondRead{}
	gw := c.start(t, release.wrap(c))
	release.gw = gw
	gw.HoldTasks(true)
	return gw, release
}

func (h *releaseOnSecondRead) wrap(c engineCase) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h.armed.Load() && c.taskReads(r) && h.reads.Add(1) == 2 {
				h.gw.HoldTasks(false)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// A create whose wait ends on a gateway error that does not prove the task
// failed (here a 401 on the first poll, as when the credential is rotated
// mid-wait) fails the apply, so that nothing downstream goes on without the
// outputs, but keeps the paid task: its id and unfinished status are in the
// (tainted) state, and the error says how to keep waiting for it without
// paying again.
func TestAccEngine_waitErrorKeepsTask(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw := c.start(t, nil)
			gw.HoldTasks(true)
			gw.refuseNextTaskRead()
			typeName := strings.Split(c.addr, ".")[0]
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: gw.providerBlock() + c.generation(gw, "a kite over the dunes", ""),
						ExpectError: errorPattern(`Waiting for Runway task .* failed.*credits are spent.*401.*` +
							`does not prove that the task failed.*terraform untaint ` + typeName + `\.<name>.*terraform apply`),
					},
					{
						RefreshState:       true,
						ExpectNonEmptyPlan: true,
						Check: func(s *terraform.State) error {
							r := s.RootModule().Resources[c.addr].Primary
							if !r.Tainted {
								return fmt.Errorf("%s is not tainted after a failed create", c.addr)
							}
							if !c.idPattern.MatchString(r.ID) {
								return fmt.Errorf("id %q lost", r.ID)
							}
							if st := r.Attributes["status"]; st != c.submitted && st != c.running {
								return fmt.Errorf("status %q, want the task unfinished", st)
							}
							return gw.expectCreates(1)()
						},
					},
				},
			})
		})
	}
}

// wait_for_completion = false returns after the submit; turning it on makes
// the next apply an in-place update that waits for the same task. The task
// is held until the apply polls it (releaseOnSecondRead).
func TestAccEngine_waitLaterInPlace(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw, release := startHeldUntilSecondRead(t, c)
			config := func(wait bool) string {
				return gw.providerBlock() + c.generation(gw, "paper boats on a river", fmt.Sprintf("wait_for_completion = %t", wait))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: config(false),
						ConfigStateChecks: []statecheck.StateCheck{
							stringValue(c.addr, "status", c.submitted),
							stringMatches(c.addr, "id", c.idPattern),
							statecheck.ExpectKnownValue(c.addr, tfjsonpath.New("video_url"), knownvalue.Null()),
							c.unfinishedOutput,
							gw.expectCreates(1),
						},
					},
					{
						PreConfig: func() { release.armed.Store(true) },
						Config:    config(true),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(c.addr, plancheck.ResourceActionUpdate),
								plancheck.ExpectUnknownValue(c.addr, tfjsonpath.New("status")),
								plancheck.ExpectUnknownValue(c.addr, tfjsonpath.New("video_url")),
							},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							stringValue(c.addr, "status", c.done),
							stringMatches(c.addr, "video_url", c.videoURL),
							gw.expectCreates(1),
						},
					},
				},
			})
		})
	}
}

// A task the gateway forgot is removed from state with a warning, and the
// next plan proposes to create it again.
func TestAccEngine_vanishedTaskLeavesState(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw := c.start(t, nil)
			var taskID string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config:            gw.providerBlock() + c.generation(gw, "a city at dawn", ""),
						ConfigStateChecks: []statecheck.StateCheck{stringValue(c.addr, "status", c.done)},
						Check: func(s *terraform.State) error {
							taskID = s.RootModule().Resources[c.addr].Primary.ID
							return nil
						},
					},
					{
						PreConfig:          func() { gw.ForgetTask(taskID) },
						RefreshState:       true,
						ExpectNonEmptyPlan: true, // the resource is gone: the plan creates it again
						Check: func(s *terraform.State) error {
							if _, ok := s.RootModule().Resources[c.addr]; ok {
								return fmt.Errorf("%s still in state after its task vanished", c.addr)
							}
							return gw.expectCreates(1)()
						},
					},
				},
			})
		})
	}
}

// Import, then apply the configuration: the inputs the gateway does not
// report are adopted in place, and no new task is paid for.
func TestAccEngine_importThenApplyAdoptsInputs(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw := c.start(t, nil)
			extra := c.importExtra
			config := gw.providerBlock() + c.generation(gw, "koi in a pond, top view", extra)
			var taskID string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: config,
						Check: func(s *terraform.State) error {
							taskID = s.RootModule().Resources[c.addr].Primary.ID
							return nil
						},
					},
					{
						// Drop the resource from the configuration: the task stays.
						Config: gw.providerBlock(),
					},
					{
						Config:             config,
						ResourceName:       c.addr,
						ImportState:        true,
						ImportStatePersist: true,
						ImportStateIdFunc:  func(*terraform.State) (string, error) { return taskID, nil },
					},
					{
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(c.addr, plancheck.ResourceActionUpdate)},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							stringValue(c.addr, c.unreported, c.unreportedWant(gw)),
							c.adoptedNumber,
							statecheck.ExpectKnownValue(c.addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
								if id != taskID {
									return fmt.Errorf("id %s, want the imported %s", id, taskID)
								}
								return nil
							})),
							stringValue(c.addr, "status", c.done),
							gw.expectCreates(1),
						},
					},
				},
			})
		})
	}
}

// A status the gateway does not document is final: a task cancelled in
// Runway's web app (CANCELED) leaves the plan settled instead of planning a
// wait on every run. Turning wait_for_completion on for it is a knob change
// that waits for nothing, and the plan after it is empty (the test
// framework checks that). Only the useapi.net simulator can set such a
// status.
func TestAccEngine_undocumentedStatusIsFinal(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	sim.HoldTasks(true)
	addr := "runway_video_to_video.test"
	config := func(wait bool) string {
		return sim.providerBlock() + fmt.Sprintf(`
resource "runway_video_to_video" "test" {
  asset_id            = %q
  text_prompt         = "a paper lantern drifting"
  wait_for_completion = %t
}
`, sim.demoVideo(), wait)
	}
	var taskID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config(false),
				Check: func(s *terraform.State) error {
					taskID = s.RootModule().Resources[addr].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if !sim.SetTaskStatus(taskID, "CANCELED") {
						t.Fatalf("task %s could not be cancelled", taskID)
					}
				},
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("CANCELED")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(addr, "status", "CANCELED"),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("video_url"), knownvalue.Null()),
					sim.expectCreates(1),
				},
			},
		},
	})
}

// A task that fails while an update waits for it (after untaint, import or
// wait_for_completion turned on) fails that apply, which taints nothing: the
// error says so and names the command that pays for a new generation, and
// the next plan is empty.
func TestAccEngine_failureDuringUpdateSaysHowToReplace(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw, release := startHeldUntilSecondRead(t, c)
			typeName, _, _ := strings.Cut(c.addr, ".")
			config := func(wait bool) string {
				return gw.providerBlock() + c.generation(gw, "please moderate-me", fmt.Sprintf("wait_for_completion = %t", wait))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{Config: config(false)},
					{
						PreConfig:   func() { release.armed.Store(true) },
						Config:      config(true),
						ExpectError: errorPattern(`Runway generation failed.*id is kept in the state.*not tainted.*changes nothing.*terraform apply -replace=` + typeName + `\.<name>`),
					},
					{
						Config:   config(true),
						PlanOnly: true, // not tainted, final: nothing to do
						Check: func(*terraform.State) error {
							return gw.expectCreates(1)()
						},
					},
				},
			})
		})
	}
}

// A resumed wait (an update) that reaches its timeout names the timeout
// that bounds it, timeouts.update, and keeps the task.
func TestAccEngine_updateTimeoutNamesTimeoutsUpdate(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw := c.start(t, nil)
			gw.HoldTasks(true)
			config := func(wait bool) string {
				return gw.providerBlock() + c.generation(gw, "a slow tide", fmt.Sprintf(`wait_for_completion = %t
  timeouts = {
    update = "2s"
  }`, wait))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{Config: config(false)},
					{
						Config: config(true),
						ExpectError: errorPattern(`Timed out waiting.*still ` + c.running + `: the wait reached its timeout \(2s\).*NOT cancelled.*` +
							`terraform apply. again to keep waiting for the same task \(raise timeouts.update if it needs longer\); no new task`),
					},
				},
			})
			if err := gw.expectCreates(1)(); err != nil {
				t.Error(err)
			}
		})
	}
}

// A create option (sent with the create, not part of what is generated)
// changed after the task finished is an in-place update: the same task is
// kept and nothing is submitted or paid again.
func TestAccEngine_createOptionUpdatesInPlace(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw := c.start(t, nil)
			config := func(v string) (string, string) {
				arg, value := c.optionArg(v)
				return gw.providerBlock() + c.generation(gw, "lanterns at dusk", arg), value
			}
			first, _ := config("first")
			second, want := config("second")
			var taskID string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config:            first,
						ConfigStateChecks: []statecheck.StateCheck{stringValue(c.addr, "status", c.done), gw.expectCreates(1)},
						Check: func(s *terraform.State) error {
							taskID = s.RootModule().Resources[c.addr].Primary.ID
							return nil
						},
					},
					{
						Config: second,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(c.addr, plancheck.ResourceActionUpdate),
								plancheck.ExpectKnownValue(c.addr, tfjsonpath.New("video_url"), knownvalue.StringRegexp(c.videoURL)),
							},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							stringValue(c.addr, c.option, want),
							stringValue(c.addr, "status", c.done),
							statecheck.ExpectKnownValue(c.addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
								if id != taskID {
									return fmt.Errorf("id %s, want the first task %s", id, taskID)
								}
								return nil
							})),
							gw.expectCreates(1),
						},
					},
				},
			})
		})
	}
}

// A destroy that calls no gateway (Apikley cannot delete; useapi.net with
// deletion_policy = "ABANDON") needs no credentials: the generation leaves
// the state after the token or key was removed. (The destroy plan skips the
// refresh, which would need them, as `terraform destroy -refresh=false`.)
func TestAccEngine_forgetfulDestroyNeedsNoCredentials(t *testing.T) {
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			gw := c.start(t, nil)
			generation := c.generation(gw, "a quiet harbour", c.forgetArg)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
				Steps: []resource.TestStep{
					{
						Config:            gw.providerBlock() + generation,
						ConfigStateChecks: []statecheck.StateCheck{stringValue(c.addr, "status", c.done)},
					},
					{
						// No Check: it would refresh the state first.
						Config:  `provider "runway" {}` + generation,
						Destroy: true,
					},
				},
				CheckDestroy: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[c.addr]; ok {
						return fmt.Errorf("%s still in state after destroy", c.addr)
					}
					return gw.expectCreates(1)()
				},
			})
		})
	}
}
