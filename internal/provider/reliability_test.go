package provider

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// The fault matrix: each test injects one kind of gateway misbehaviour into
// the simulator and drives the real Terraform CLI through it. README.md's
// "Reliability" section lists what each proves.

// threeGenerations configures one resource of each useapi.net generation
// type, all independent, so they are submitted and waited for concurrently.
func threeGenerations(sim *testSim) string {
	return fmt.Sprintf(`
resource "runway_gen2_extension" "a" {
  asset_id = %[1]q
  motion   = 5
}

resource "runway_video_to_video" "b" {
  asset_id    = %[1]q
  text_prompt = "a watercolor painting"
  seconds     = 5
}

resource "runway_expansion" "c" {
  video_asset_id        = %[1]q
  outpaint_aspect_ratio = "portrait"
  seconds               = 5
}
`, sim.demoVideo())
}

var threeAddresses = []string{"runway_gen2_extension.a", "runway_video_to_video.b", "runway_expansion.c"}

// allSucceeded checks that every resource of threeGenerations succeeded.
func allSucceeded() []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for _, addr := range threeAddresses {
		checks = append(checks,
			stringValue(addr, "status", "SUCCEEDED"),
			stringMatches(addr, "task_id", taskIDPattern),
			stringMatches(addr, "video_url", fileURLPattern))
	}
	return checks
}

// faultsUsedUp checks that every injected fault met a request, so that a
// test cannot pass because its fault was never exercised.
func (s *testSim) faultsUsedUp() simCheck {
	return func() error {
		if n := s.PendingFaults(); n != 0 {
			return fmt.Errorf("%d injected faults were never triggered", n)
		}
		return nil
	}
}

// A storm of HTTP 429 on submit, in both of the gateway's forms and with or
// without Retry-After: a 429 proves nothing was created, so every create is
// resubmitted until accepted. Every resource succeeds, the gateway answered
// exactly the injected 429s, and accepted exactly one create per resource.
func TestAccReliability_429StormOnSubmit(t *testing.T) {
	const storm = 6
	for _, tc := range []struct {
		name       string
		busy       bool
		retryAfter string
	}{
		{"account busy", true, ""},
		{"account busy with Retry-After", true, "1"},
		{"runway throttling", false, ""},
		{"runway throttling with Retry-After", false, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Room for every task: the only 429s are the injected ones.
			sim := newTestSim(t, simulator.Options{MaxJobs: 10})
			sim.Inject(simulator.Fault{Method: "POST", Status: 429, Busy429: tc.busy, RetryAfter: tc.retryAfter, Times: storm})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: sim.providerBlock() + threeGenerations(sim),
					ConfigStateChecks: append(allSucceeded(),
						sim.expectCreates(3),
						sim.faultsUsedUp(),
						simCheck(func() error {
							if got := sim.Stats().Rejected[429]; got != storm {
								return fmt.Errorf("the gateway answered %d 429s, want the %d injected", got, storm)
							}
							return nil
						})),
				}},
			})
		})
	}
}

// pollFaults are the transient failures injected on GET /tasks/{id} while
// the provider waits: every 5xx that retries apply to, a connection dropped
// without an answer, and answers that cannot be used (malformed, truncated,
// wrong types, over the body cap). Each is used up by one poll.
func pollFaults() []simulator.Fault {
	huge := `{"taskId":"` + strings.Repeat("x", int(transport.DefaultMaxBodyBytes)) + `"}`
	var faults []simulator.Fault
	for _, f := range []simulator.Fault{
		{Status: 500},
		{Status: 502},
		{Status: 503},
		{Status: 504},
		{Drop: true},
		{Body: `{"taskId": "user:1234-runwayml:x-task:1", "status": RUNNING}`},
		{Body: `{"taskId":"user:1234-runwayml:demo@runway.local-task:`},
		{Body: `{"taskId":["not","a","string"],"status":7}`},
		{Body: huge},
	} {
		f.Method, f.Path = "GET", "/tasks/"
		faults = append(faults, f)
	}
	return faults
}

// Gateway errors, dropped connections and garbage while polling are waited
// out: the wait recovers and every resource succeeds, with one create each.
//
// Polling stays bounded. Apart from the failed polls (one per injected
// fault), a task is polled at most once per poll_interval (100 ms: the
// adaptive schedule, the retry backoff and the wait after a failed poll are
// all at least that) while it is unfinished, and once more when it is
// final. A task is unfinished for its queue delay plus running time, 440 ms
// here, so each task costs at most faults + floor(440/100) + 1 + 1 polls,
// and all three together at most faults + 3 × 6.
func TestAccReliability_pollFaultsAreWaitedOut(t *testing.T) {
	sim := newTestSim(t, simulator.Options{MaxJobs: 10})
	faults := pollFaults()
	for _, f := range faults {
		sim.Inject(f)
	}
	// newTestSim's tasks queue for TaskDuration/10, then run TaskDuration.
	unfinished := 400*time.Millisecond + 400*time.Millisecond/10
	pollInterval := 100 * time.Millisecond
	perTask := int(unfinished/pollInterval) + 2
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// One transport retry per poll, so the wait loop's own recovery
			// is exercised too (and the test stays short).
			Config: sim.providerBlock(`max_retries = 1`) + threeGenerations(sim),
			ConfigStateChecks: append(allSucceeded(),
				sim.expectCreates(3),
				sim.faultsUsedUp(),
				simCheck(func() error {
					st := sim.Stats()
					for id, n := range st.Polls {
						if n > len(faults)+perTask {
							return fmt.Errorf("task %s was polled %d times, bound %d", id, n, len(faults)+perTask)
						}
					}
					if bound := len(faults) + 3*perTask; st.TotalPolls > bound {
						return fmt.Errorf("%d polls in all, bound %d", st.TotalPolls, bound)
					}
					t.Logf("polls: %d in all for %d injected faults (bound %d)", st.TotalPolls, len(faults), len(faults)+3*perTask)
					return nil
				})),
		}},
	})
}

// A create whose answer is lost after the gateway accepted it may have
// started a paid task: the provider does not resubmit it, says so, and says
// how to adopt the task (import). The account holds exactly one task, and
// importing it then applying pays for nothing more.
func TestAccReliability_droppedCreateIsNeverResubmitted(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	sim.Inject(simulator.Fault{Method: "POST", Path: "/gen2/extend", DropAfterCreate: true})
	addr := "runway_gen2_extension.test"
	config := sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "test" {
  asset_id = %q
  motion   = 4
}
`, sim.demoVideo())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: errorPattern(`Runway generation outcome unknown.*POST \S*/gen2/extend.*may have reached the server.*` +
					`may have accepted it and started a paid task, so the provider did not resubmit it.*Nothing is saved in the state.*` +
					`terraform import runway_gen2_extension\.<name> <task id>`),
			},
			{
				PreConfig: func() {
					if got := sim.Stats().Creates; got != 1 {
						t.Errorf("creates after the dropped answer = %d, want 1", got)
					}
					if ids := sim.Tasks(); len(ids) != 1 {
						t.Errorf("tasks on the account = %v, want exactly one", ids)
					}
				},
				// Follow the advice: import the task the gateway did create.
				Config:             config,
				ResourceName:       addr,
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					ids := sim.Tasks()
					if len(ids) == 0 {
						return "", fmt.Errorf("the gateway holds no task to import")
					}
					return ids[0], nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(addr, "status", "SUCCEEDED"),
					simCheck(func() error {
						if st, ids := sim.Stats(), sim.Tasks(); st.Creates != 1 || len(ids) != 1 {
							return fmt.Errorf("creates = %d, tasks = %v; want the one imported task", st.Creates, ids)
						}
						return nil
					}),
				},
			},
		},
	})
}

// A 5xx answer to a create can come from a proxy after the gateway created
// the task, so it is treated like a lost answer: reported as an unknown
// outcome, never resubmitted (the 502 was answered once, nothing created).
func TestAccReliability_serverErrorOnCreateIsNeverResubmitted(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	sim.Inject(simulator.Fault{Method: "POST", Path: "/gen3/video", Status: 502})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_video_to_video" "test" {
  asset_id    = %q
  text_prompt = "a watercolor painting"
}
`, sim.demoVideo()),
			ExpectError: errorPattern(`Runway generation outcome unknown.*502: Bad Gateway.*did not resubmit it.*terraform import runway_video_to_video\.<name> <task id>`),
		}},
	})
	if st := sim.Stats(); st.Rejected[502] != 1 || st.Creates != 0 {
		t.Errorf("502 answers = %d, creates = %d; want one answer and no resubmit", st.Rejected[502], st.Creates)
	}
}

// The create's answer cannot be used (200 with malformed, truncated,
// wrong-typed or oversized JSON, or no task id): the task may exist, so the
// apply fails with the unknown-outcome diagnostic naming what was wrong —
// no panic, no crash of the provider, no resubmit.
func TestAccReliability_unusableCreateAnswers(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	config := sim.providerBlock() + fmt.Sprintf(`
resource "runway_expansion" "test" {
  video_asset_id = %q
  seconds        = 5
}
`, sim.demoVideo())
	huge := `{"taskId":"` + strings.Repeat("x", int(transport.DefaultMaxBodyBytes)) + `"}`
	cases := []struct{ body, want string }{
		{`{"taskId" "user:1234-runwayml:demo@runway.local-task:1"}`, `unexpected answer \(invalid character`},
		{`{"taskId":"user:1234-runwayml:demo@runway.local-task:`, `unexpected answer \(unexpected end of JSON input\)`},
		{`{"taskId":42,"status":{"not":"a string"}}`, `unexpected answer \(json: cannot unmarshal number`},
		{`{"status":"PENDING"}`, `the answer has no taskId`},
		{`[]`, `expected a JSON object`},
		{huge, `larger than the 8388608-byte limit`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			PreConfig: func() { sim.Inject(simulator.Fault{Method: "POST", Path: "/gen3turbo/expand", Body: c.body}) },
			Config:    config,
			ExpectError: errorPattern(`Runway generation outcome unknown.*POST \S*/gen3turbo/expand.*` + c.want +
				`.*did not resubmit it.*terraform import runway_expansion\.<name> <task id>`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if st := sim.Stats(); st.Creates != 0 || sim.PendingFaults() != 0 {
		t.Errorf("creates = %d, unused faults = %d; want 0 and 0", st.Creates, sim.PendingFaults())
	}
}

// A refresh that gets an unusable GET /tasks answer fails with a diagnostic
// naming the task and what was wrong with the answer; the state is left as
// it was (the next plan is empty).
func TestAccReliability_unusableTaskAnswersOnRefresh(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	config := sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "test" {
  asset_id = %q
}
`, sim.demoVideo())
	huge := `{"taskId":"` + strings.Repeat("x", int(transport.DefaultMaxBodyBytes)) + `"}`
	cases := []struct{ body, want string }{
		{`{"status": SUCCEEDED}`, `unexpected answer \(invalid character`},
		{`{"taskId":"user:1234`, `unexpected answer \(unexpected end of JSON input\)`},
		{`{"status":["SUCCEEDED"]}`, `unexpected answer \(json: cannot unmarshal array`},
		{`"SUCCEEDED"`, `expected a JSON object`},
		{huge, `larger than the 8388608-byte limit`},
	}
	steps := []resource.TestStep{{
		Config:            config,
		ConfigStateChecks: []statecheck.StateCheck{stringValue("runway_gen2_extension.test", "status", "SUCCEEDED")},
	}}
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			PreConfig:    func() { sim.Inject(simulator.Fault{Method: "GET", Path: "/tasks/", Body: c.body}) },
			RefreshState: true,
			ExpectError:  errorPattern(`Reading Runway task user:1234-runwayml:\S+-task:[0-9a-f-]+ failed.*GET \S*/tasks/.*` + c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{sim.expectCreates(1), sim.faultsUsedUp()},
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
}

// singleError checks that a step failed with exactly one error diagnostic,
// matching a pattern. Set check as the TestCase's ErrorCheck (and leave the
// step's ExpectError unset), then call verify after the test case.
type singleError struct {
	pattern *regexp.Regexp
	seen    atomic.Bool
}

var errorDiagnosticLine = regexp.MustCompile(`(?m)^\s*(│\s*)?Error: `)

func (e *singleError) check(err error) error {
	if err == nil {
		return nil
	}
	e.seen.Store(true)
	msg := err.Error()
	if n := len(errorDiagnosticLine.FindAllString(msg, -1)); n != 1 {
		return fmt.Errorf("want exactly one error diagnostic, got %d: %w", n, err)
	}
	if !e.pattern.MatchString(msg) {
		return fmt.Errorf("the error does not match %s: %w", e.pattern, err)
	}
	return nil
}

func (e *singleError) verify(t *testing.T) {
	t.Helper()
	if !e.seen.Load() {
		t.Errorf("the step succeeded; want an error matching %s", e.pattern)
	}
}

// A refused create — wrong token (401), not enough credits (412), unknown
// asset (404) — fails the apply with one diagnostic that quotes the
// gateway's message and says what to do. Nothing is created.
func TestAccReliability_refusedCreatesExplainWhatToDo(t *testing.T) {
	missing := "user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-00000000dead"
	for _, tc := range []struct {
		name    string
		opts    simulator.Options
		setup   func(*testSim)
		assetID func(*testSim) string
		want    string
	}{
		{
			name:    "wrong token",
			opts:    simulator.Options{Token: "user:1234-another-token"},
			assetID: (*testSim).demoVideo,
			want: `Runway generation not submitted.*POST /gen2/extend: 401: Unauthorized.*` +
				`rejected the API token: check the provider's api_token setting \(or the USEAPI_TOKEN environment variable\)`,
		},
		{
			name:    "not enough credits",
			setup:   func(s *testSim) { s.SetCredits(100, 90) }, // a Gen-2 extension costs 20
			assetID: (*testSim).demoVideo,
			want: `Runway generation not submitted.*POST /gen2/extend: 412: You do not have enough credits to run this task\..*` +
				`out of credits: top up the plan, or set explore_mode = true`,
		},
		{
			name:    "unknown asset",
			assetID: func(*testSim) string { return missing },
			want: `Runway generation not submitted.*POST /gen2/extend: 404: Unable to retrieve assetId ` + regexp.QuoteMeta(missing) +
				` \(Not found\.\).*unknown to the gateway.*check the asset ids, e.g\. with the runway_assets data source`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := newTestSim(t, tc.opts)
			if tc.setup != nil {
				tc.setup(sim)
			}
			expect := &singleError{pattern: errorPattern(tc.want)}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				ErrorCheck:               expect.check,
				Steps: []resource.TestStep{{
					Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "test" {
  asset_id = %q
}
`, tc.assetID(sim)),
				}},
			})
			expect.verify(t)
			if got := sim.Stats().Creates; got != 0 {
				t.Errorf("creates = %d, want 0", got)
			}
		})
	}
}

// A task that outlives timeouts.create, on either gateway: the apply fails
// saying the task is still running and how to keep waiting; `terraform
// untaint` and `terraform apply` then wait for the same task, paying once.
func TestAccReliability_timeoutThenUntaintWaitsForSameTask(t *testing.T) {
	for _, tc := range []struct {
		name   string
		start  func(t *testing.T) (gw heldGateway, config string)
		addr   string
		status string
	}{
		{
			name: "useapi.net",
			start: func(t *testing.T) (heldGateway, string) {
				sim := newTestSim(t, simulator.Options{})
				return sim.held(), sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "clip" {
  asset_id = %q
  motion   = 5
  timeouts = {
    create = "2s"
  }
}
`, sim.demoVideo())
			},
			addr: "runway_gen2_extension.clip", status: "RUNNING",
		},
		{
			name: "apikley",
			start: func(t *testing.T) (heldGateway, string) {
				ak := newTestApikley(t, apikleysim.Options{})
				return ak.held(), ak.providerBlock() + `
resource "runway_apikley_video" "clip" {
  prompt       = "a lighthouse in a storm"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "16:9"
  timeouts = {
    create = "2s"
  }
}
`
			},
			addr: "runway_apikley_video.clip", status: "generating",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gw, config := tc.start(t)
			gw.hold(true)
			ws := newWorkspace(t, config)
			out, code := ws.run("apply", "-auto-approve", "-input=false")
			if code == 0 {
				t.Fatalf("apply succeeded although the task never finished:\n%s", out)
			}
			taskID, _ := ws.resource(tc.addr).Values["id"].(string)
			if gw.polls(taskID) == 0 || gw.creates() != 1 {
				t.Fatalf("state id %q: polled %d times, %d creates; want the one task created and polled", taskID, gw.polls(taskID), gw.creates())
			}
			typ, _, _ := strings.Cut(tc.addr, ".")
			want := errorPattern(`Timed out waiting for the Runway generation.*task ` + regexp.QuoteMeta(taskID) +
				` is still ` + tc.status + `: the wait reached its timeout \(2s\).*NOT cancelled.*terraform untaint ` + typ + `\.<name> terraform apply`)
			if !want.MatchString(diagnosticText(out)) {
				t.Fatalf("the timed out apply does not explain how to resume; output:\n%s", out)
			}
			assertResumesAfterUntaint(t, ws, gw, tc.addr, taskID)
		})
	}
}

// Thirty generations in one apply with -parallelism=10 on an account that
// runs three tasks at a time: all succeed, the account never runs more than
// three, each is created once, and the capacity gate keeps the 429s the
// gateway has to send bounded.
//
// The bound: the first wave of creates (parallelism 10 on 3 slots) meets up
// to 7 refusals; after that, creates queue in the gate and are released one
// per finished task, so a further 429 needs a queued create whose fallback
// timer (busy_retry_interval, jittered 1–3×) fires before a slot is handed to
// it. The test allows 2 × 30 in all: one refusal per resource on average
// would already mean the queue is not working, twice that means it is
// broken.
func TestAccReliability_manyGenerationsQueueBehindCapacity(t *testing.T) {
	t.Parallel()
	const n, maxJobs = 30, 3
	sim := newTestSim(t, simulator.Options{MaxJobs: maxJobs})
	ws := newWorkspace(t, sim.providerBlock()+fmt.Sprintf(`
resource "runway_gen2_extension" "batch" {
  count    = %d
  asset_id = %q
  seed     = count.index + 1
}
`, n, sim.demoVideo()))
	start := time.Now()
	ws.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=10")
	elapsed := time.Since(start)

	st := sim.Stats()
	succeeded := 0
	for addr, r := range ws.resources() {
		if r.Values["status"] == "SUCCEEDED" {
			succeeded++
		} else {
			t.Errorf("%s: status %v", addr, r.Values["status"])
		}
	}
	if succeeded != n {
		t.Errorf("%d of %d generations succeeded", succeeded, n)
	}
	if st.Creates != n {
		t.Errorf("creates = %d, want %d", st.Creates, n)
	}
	if st.MaxConcurrent > maxJobs {
		t.Errorf("the account ran %d tasks at once, capacity %d", st.MaxConcurrent, maxJobs)
	}
	floor := time.Duration(math.Ceil(float64(n)/maxJobs)) * 440 * time.Millisecond
	t.Logf("%d generations: %d 429s, %d polls, max %d concurrent, apply %s (capacity floor %s)",
		n, st.Rejected[429], st.TotalPolls, st.MaxConcurrent, elapsed.Round(time.Millisecond), floor)
	if bound := 2 * n; st.Rejected[429] > bound {
		t.Errorf("the gateway answered %d 429s, bound %d", st.Rejected[429], bound)
	}
}
