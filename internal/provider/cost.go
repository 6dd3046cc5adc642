package provider

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// Credit rates per second of output, by Runway model (the gateway's
// taskType), from Runway's public pricing. They change: the provider's
// `credit_rates` argument overrides them.
//
// The models of runway_video are keyed by their model id. The gateway
// publishes no price for them; the defaults below are Runway's published
// per-second prices of its own developer API for the same models (Gen-4.5
// 12, Gen-4 Turbo 5, Seedance 2 36, Veo 3.1 20–40: the upper bound), which
// the web-app plan credits the gateway spends may not match. Models without
// a published price have no default: their estimate is null until a rate is
// set, and max_credits_per_apply refuses to count them as free.
var defaultCreditRates = map[string]int64{
	"gen2":        5,  // Gen-2
	"gen3a":       10, // Gen-3 Alpha
	"gen3a_turbo": 5,  // Gen-3 Alpha Turbo
	"gen4.5":      12,
	"gen4-turbo":  5,
	"seedance-2":  36,
	"veo-3.1":     40,
	// runway_video_upscale: the gateway's page publishes 2 credits per
	// second; runway_video_edit (Aleph): Runway's developer API price.
	"upscale":    2,
	"gen4_aleph": 15,
}

// creditRateKeys are the models credit_rates accepts.
func creditRateKeys() []string {
	keys := append([]string{"gen2", "gen3a", "gen3a_turbo", "upscale", "gen4_aleph", "act_two"}, useapi.VideoModelIDs()...)
	for _, id := range useapi.ImageModelIDs() {
		keys = append(keys, imageRateKey(id))
	}
	return keys
}

// gen2ExtensionSeconds is the length every Gen-2 extension adds.
const gen2ExtensionSeconds = 4

// maxGenerationSeconds is the longest output of the Gen-3 endpoints: the
// estimate when the length depends on an input not known at plan time.
const maxGenerationSeconds = 10

// exploreModeModels are the models whose create endpoint documents
// exploreMode ("You are not charged credits for Explore mode
// generations"): gen2 (gen2/extend), gen3a (gen3/video) and gen3a_turbo
// (gen3turbo/expand) all list it in their request body. Not every model
// supports it (the gateway's videos/create page says so, and useapi.net's
// own sample no longer turns it on by default because Runway is retiring
// it), so a model missing here is priced in full even with
// explore_mode = true: an estimate may overstate a relaxed generation, never
// understate a paid one. Explore mode is free only on a Runway Unlimited
// plan; the estimate cannot know the plan and assumes it when asked.
//
// The same holds for the other endpoints whose pages list exploreMode:
// videos/upscale ("unlimited with explore mode"), gen4/video (Aleph) and
// gen4/act-two, and for the runway_video models the table marks
// (useapi.VideoModel.Explore).
var exploreModeModels = map[string]bool{
	"gen2":        true,
	"gen3a":       true,
	"gen3a_turbo": true,
	"upscale":     true,
	"gen4_aleph":  true,
	"act_two":     true,
}

// exploreModeSupported reports whether explore mode makes a model free.
func exploreModeSupported(model string) bool {
	if vm, ok := useapi.VideoModelByID(model); ok {
		return vm.Explore
	}
	return exploreModeModels[model]
}

// secondsFromDuration picks `seconds` when the request leaves it to the
// input asset (gen3/video, gen3turbo/expand). The gateway documents only
// that the asset's duration is used, else 10; how a duration that is
// neither 5 nor 10 maps onto the allowed 5 or 10 is not documented. The
// provider assumes the nearer one (5 for clips up to 7.5 s, else 10), which
// the simulator shares; a Runway that rounds up instead would charge up to
// twice this estimate for a 5–7.5 s clip. Set `seconds` to be sure.
func secondsFromDuration(duration *float64) int64 {
	if duration != nil && *duration > 0 && *duration <= 7.5 {
		return 5
	}
	return maxGenerationSeconds
}

// estimate is one generation's planned cost.
type estimate struct {
	credits int64
	// rate is the credits per second the figure was computed with: 0 when
	// it does not depend on the length (free, or unpriced).
	rate int64
	// unpriced: no rate is known for the model; credits is meaningless
	// and `estimated_credits` is null.
	unpriced bool
	// basis explains the figure in diagnostics ("10 s × 10 credits/s").
	basis string
	// inputErr is a failed plan-time read of an input the price depends
	// on; the plan is refused rather than priced with a guess.
	inputErr error
}

// estimateCredits prices a generation: seconds × the model's rate, 0 in
// explore mode when the model supports it (relaxed generations are not
// charged; see exploreModeModels).
func estimateCredits(rates map[string]int64, model string, seconds int64, explore types.Bool) estimate {
	rate, ok := rates[model]
	if explore.ValueBool() && exploreModeSupported(model) {
		return estimate{credits: 0, basis: "explore mode: no credits on a Runway Unlimited plan"}
	}
	if !ok {
		return estimate{unpriced: true, basis: fmt.Sprintf("no credit rate is known for %s", model)}
	}
	basis := fmt.Sprintf("%d s × %d credits/s (%s)", seconds, rate, model)
	if explore.ValueBool() {
		basis += "; explore mode is not documented for this model, so it is priced in full"
	}
	return estimate{credits: seconds * rate, rate: rate, basis: basis}
}

// ofInput records the failed plan-time read (if any) of the input that
// gave the seconds; it refuses the plan only when the figure depends on
// them.
func (e estimate) ofInput(err error) estimate {
	if e.rate > 0 {
		e.inputErr = err
	}
	return e
}

// secondsOfInput is the output length of a Gen-3 generation whose `seconds`
// is left to the input asset: it reads the asset's duration when the asset
// id is known at plan time and the gateway is configured, else it assumes
// the longest output (an upper bound). A failed read is an error, not a
// guess: see plannedAsset.
func secondsOfInput(ctx context.Context, d *providerData, seconds types.Int64, assetID types.String) (int64, error) {
	if !seconds.IsNull() && !seconds.IsUnknown() {
		return seconds.ValueInt64(), nil
	}
	asset, err := plannedAsset(ctx, d, assetID)
	if asset == nil {
		return maxGenerationSeconds, err
	}
	return secondsFromDuration(asset.Media().Duration), nil
}

// secondsOr is an input's known duration in whole seconds (rounded up),
// else upperBound; a failed read is an error (see plannedAsset).
func secondsOr(ctx context.Context, d *providerData, assetID types.String, upperBound int64) (int64, error) {
	asset, err := plannedAsset(ctx, d, assetID)
	if asset == nil || asset.Media().Duration == nil {
		return upperBound, err
	}
	return int64(math.Ceil(*asset.Media().Duration)), nil
}

// assetDuration is an input asset's duration, read from the gateway at plan
// time for a plan-time check; ok is false when the id is not known yet, the
// gateway is not configured, the read failed (the estimate reports that), or
// the asset reports none.
func assetDuration(ctx context.Context, d *providerData, assetID types.String) (float64, bool) {
	asset, _ := plannedAsset(ctx, d, assetID)
	if asset == nil || asset.Media().Duration == nil {
		return 0, false
	}
	return *asset.Media().Duration, true
}

// plannedAsset reads an input asset at plan time, when its id is known and
// the gateway configured (else nil, nil). A failed read is returned, and
// logged at WARN: the estimate must not fall back to a guess, because
// Terraform plans again at apply and refuses a known estimated_credits that
// changes between the two plans; a plan that could not read the input fails
// instead, saying that nothing was submitted.
func plannedAsset(ctx context.Context, d *providerData, assetID types.String) (*useapi.Asset, error) {
	if d == nil || d.useapi == nil || assetID.IsNull() || assetID.IsUnknown() {
		return nil, nil
	}
	asset, err := d.useapi.GetAsset(ctx, assetID.ValueString())
	if err != nil {
		tflog.Warn(ctx, "reading an input asset at plan time failed",
			map[string]any{"asset_id": assetID.ValueString(), "error": err.Error()})
		return nil, fmt.Errorf("reading input asset %s failed: %w", assetID.ValueString(), err)
	}
	return asset, nil
}

// creditBudget adds up the estimates of the generations one plan creates,
// to enforce `max_credits_per_apply`. Terraform configures the provider
// anew for every walk (validate, plan, apply), so one budget sees exactly
// the creates of one plan.
type creditBudget struct {
	mu      sync.Mutex
	limit   int64 // 0: no limit
	total   int64
	entries []string
}

// add records a planned create and reports whether the plan is still
// within the limit, with the list of creates so far.
func (b *creditBudget) add(description string, e estimate) (ok bool, total int64, list string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total += e.credits
	b.entries = append(b.entries, fmt.Sprintf("  - %s: %d credits (%s)", description, e.credits, e.basis))
	sorted := append([]string(nil), b.entries...)
	sort.Strings(sorted)
	return b.limit <= 0 || b.total <= b.limit, b.total, strings.Join(sorted, "\n")
}

// creditsUsedOf is the account's used plan credits the gateway reported
// with a task, or null.
func creditsUsedOf(t *useapi.Task) types.Int64 {
	if v, ok := t.CreditsUsed(); ok {
		return types.Int64Value(int64(v))
	}
	return types.Int64Null()
}

// describeID names an input in diagnostics ("(known after apply)" when it
// comes from another resource not applied yet).
func describeID(v types.String) string {
	if v.IsUnknown() {
		return "(an asset known after apply)"
	}
	return v.ValueString()
}

// describeText quotes a prompt, shortened.
func describeText(v types.String) string {
	if v.IsUnknown() {
		return "(a prompt known after apply)"
	}
	s := v.ValueString()
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// formatSeconds writes a duration in seconds for messages ("4.2 seconds").
func formatSeconds(sec float64) string {
	return strconv.FormatFloat(sec, 'f', 1, 64) + " seconds"
}

// imageRateKey is the credit_rates key of an image model: images are priced
// per image, videos per second, and gen4 names a model of both.
func imageRateKey(model string) string { return "image:" + model }
