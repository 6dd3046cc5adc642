package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

func TestEstimateCredits(t *testing.T) {
	five, eight := 5.0, 8.0
	cases := []struct {
		name    string
		model   string
		seconds int64
		explore types.Bool
		want    int64
	}{
		{"gen2 extension", "gen2", gen2ExtensionSeconds, types.BoolNull(), 20},
		{"gen3 alpha 10 s", "gen3a", 10, types.BoolValue(false), 100},
		{"gen3 turbo 5 s", "gen3a_turbo", 5, types.BoolNull(), 25},
		{"explore mode is free for gen3a", "gen3a", 10, types.BoolValue(true), 0},
		{"explore mode is free for gen2", "gen2", gen2ExtensionSeconds, types.BoolValue(true), 0},
		{"explore mode is free for gen3a_turbo", "gen3a_turbo", 10, types.BoolValue(true), 0},
		{"explore mode off", "gen3a_turbo", 10, types.BoolValue(false), 50},
		{"explore mode on a model without it is paid", "gen4_turbo", 10, types.BoolValue(true), 50},
		{"from a 5 s asset", "gen3a", secondsFromDuration(&five), types.BoolNull(), 50},
		{"from an 8 s asset", "gen3a", secondsFromDuration(&eight), types.BoolNull(), 100},
		{"from an asset without duration", "gen3a_turbo", secondsFromDuration(nil), types.BoolNull(), 50},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rates := map[string]int64{"gen4_turbo": 5}
			for k, v := range defaultCreditRates {
				rates[k] = v
			}
			if got := estimateCredits(rates, c.model, c.seconds, c.explore); got.credits != c.want {
				t.Errorf("estimate = %d (%s), want %d", got.credits, got.basis, c.want)
			}
		})
	}
}

// An input's duration read at plan time prices its generation; a read that
// fails is an error (and a WARN line), never a guess that the apply's plan
// could contradict.
func TestSecondsOfInputLookup(t *testing.T) {
	cases := []struct {
		name    string
		fault   bool
		want    int64
		wantErr bool
	}{
		{"read", false, 5, false},
		{"read fails", true, maxGenerationSeconds, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim := newTestSim(t, simulator.Options{})
			if c.fault {
				sim.Inject(simulator.Fault{Method: "GET", Path: "/assets/", Status: 500, Times: -1})
			}
			client, err := useapi.NewClient(useapi.Config{Endpoint: sim.endpoint, Token: simulatorToken,
				Config: transport.Config{Retry: transport.RetryPolicy{MaxRetries: -1}}})
			if err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &log)
			asset := types.StringValue(sim.demoVideo()) // 5 s long
			d := &providerData{useapi: client}
			got, err := secondsOfInput(ctx, d, types.Int64Null(), asset)
			if got != c.want || (err != nil) != c.wantErr {
				t.Errorf("secondsOfInput = %d, %v; want %d, error %t", got, err, c.want, c.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), sim.demoVideo()) {
				t.Errorf("error %q does not name the asset", err)
			}
			got, err = secondsOr(ctx, d, asset, 40)
			if want := map[bool]int64{false: 5, true: 40}[c.fault]; got != want || (err != nil) != c.wantErr {
				t.Errorf("secondsOr = %d, %v; want %d, error %t", got, err, want, c.wantErr)
			}
			warned := strings.Contains(log.String(), `"@level":"warn","@message":"reading an input asset at plan time failed`) && strings.Contains(log.String(), sim.demoVideo())
			if warned != c.wantErr {
				t.Errorf("warned = %t, want %t; log:\n%s", warned, c.wantErr, log.String())
			}
		})
	}
	// Only a figure that depends on the seconds is refused.
	failed := errors.New("read failed")
	rates := map[string]int64{"gen3a": 10}
	for _, c := range []struct {
		name    string
		e       estimate
		refused bool
	}{
		{"priced", estimateCredits(rates, "gen3a", 10, types.BoolNull()), true},
		{"explore mode", estimateCredits(rates, "gen3a", 10, types.BoolValue(true)), false},
		{"unpriced", estimateCredits(rates, "act_two", 10, types.BoolNull()), false},
	} {
		if got := c.e.ofInput(failed).inputErr != nil; got != c.refused {
			t.Errorf("%s: refused = %t, want %t", c.name, got, c.refused)
		}
		if c.e.ofInput(nil).inputErr != nil {
			t.Errorf("%s: refused without an error", c.name)
		}
	}
}

func TestCreditBudget(t *testing.T) {
	b := &creditBudget{limit: 100}
	if ok, total, _ := b.add("a", estimate{credits: 60}); !ok || total != 60 {
		t.Fatalf("first add: ok=%v total=%d", ok, total)
	}
	ok, total, list := b.add("b", estimate{credits: 50, basis: "5 s × 10 credits/s (gen3a)"})
	if ok || total != 110 {
		t.Fatalf("second add: ok=%v total=%d, want refused at 110", ok, total)
	}
	if want := "  - a: 60 credits ()\n  - b: 50 credits (5 s × 10 credits/s (gen3a))"; list != want {
		t.Errorf("list = %q, want %q", list, want)
	}
	unlimited := &creditBudget{}
	if ok, _, _ := unlimited.add("x", estimate{credits: 1 << 40}); !ok {
		t.Error("a budget without limit refused a plan")
	}
}

// The plan shows what each generation will cost, and the estimates match
// what the gateway charges.
func TestAccCost_estimatesMatchCharges(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	config := sim.providerBlock(`credit_rates = { gen3a_turbo = 6 }`) + fmt.Sprintf(`
resource "runway_gen2_extension" "a" {
  asset_id = %[1]q
}

resource "runway_video_to_video" "b" {
  asset_id    = %[1]q
  text_prompt = "pencil sketch"
}

resource "runway_video_to_video" "c" {
  asset_id     = %[1]q
  text_prompt  = "free"
  seconds      = 10
  explore_mode = true
}
`, sim.demoVideo())
	type check struct {
		addr string
		want int64
	}
	// The demo video lasts 5 s: video to video without seconds makes 5 s.
	checks := []check{{"runway_gen2_extension.a", 20}, {"runway_video_to_video.b", 50}, {"runway_video_to_video.c", 0}}
	var planChecks []plancheck.PlanCheck
	var stateChecks []statecheck.StateCheck
	for _, c := range checks {
		planChecks = append(planChecks, plancheck.ExpectKnownValue(c.addr, tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(c.want)))
		stateChecks = append(stateChecks, statecheck.ExpectKnownValue(c.addr, tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(c.want)))
	}
	stateChecks = append(stateChecks,
		statecheck.ExpectKnownValue("runway_gen2_extension.a", tfjsonpath.New("credits_used"), knownvalue.NotNull()))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: planChecks},
			ConfigStateChecks: stateChecks,
			Check: func(s *terraform.State) error {
				for _, c := range checks {
					id := s.RootModule().Resources[c.addr].Primary.ID
					if charged := sim.TaskCost(id); int64(charged) != c.want {
						return fmt.Errorf("%s: simulator charged %d credits, estimate was %d", c.addr, charged, c.want)
					}
				}
				return nil
			},
		}},
	})
}

// A custom rate changes the estimate.
// A plan that cannot read the input asset its price depends on fails,
// saying nothing was submitted, instead of planning a guess that the
// apply's own plan could contradict; an explicit seconds needs no read.
func TestAccCost_unreadableInputRefusesThePlan(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	sim.Inject(simulator.Fault{Method: "GET", Path: "/assets/", Status: 503, Times: -1})
	config := func(seconds string) string {
		return sim.providerBlock(`max_retries = 0`) + fmt.Sprintf(`
resource "runway_video_to_video" "x" {
  asset_id    = %q
  text_prompt = "pencil sketch"
  %s
}
`, sim.demoVideo(), seconds)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      config(""),
				ExpectError: errorPattern(`Generation cannot be priced.*runway_video_to_video restyling.*read from the gateway.*` + sim.demoVideo() + `.*503.*Nothing was submitted`),
			},
			{
				Config:             config("seconds = 5"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("runway_video_to_video.x", tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(50)),
				}},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := sim.Stats().Creates; n != 0 {
				return fmt.Errorf("%d creates, want 0", n)
			}
			return nil
		},
	})
}

func TestAccCost_creditRatesOverride(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock(`credit_rates = { gen3a_turbo = 7 }`) + fmt.Sprintf(`
resource "runway_expansion" "x" {
  video_asset_id = %q
  seconds        = 10
}
`, sim.demoVideo()),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("runway_expansion.x", tfjsonpath.New("estimated_credits"), knownvalue.Int64Exact(70)),
			}},
		}},
	})
}

// max_credits_per_apply refuses the plan, naming each generation; nothing
// is submitted.
func TestAccCost_maxCreditsPerApply(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock(`max_credits_per_apply = 100`) + fmt.Sprintf(`
resource "runway_gen2_extension" "small" {
  asset_id = %[1]q
}

resource "runway_video_to_video" "big" {
  asset_id    = %[1]q
  text_prompt = "expensive"
  seconds     = 10
}
`, sim.demoVideo()),
			ExpectError: errorPattern(`Plan exceeds max_credits_per_apply.*120 credits.*max_credits_per_apply of 100.*` +
				`runway_gen2_extension extending \S+: 20 credits.*runway_video_to_video restyling \S+ as "expensive": 100 credits`),
		}},
	})
	if n := sim.Stats().Creates; n != 0 {
		t.Errorf("creates = %d, want 0", n)
	}
}
