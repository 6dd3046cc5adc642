package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// actTwoModel is runway_act_two: POST /gen4/act-two. Its inputs leave the
// name `video_asset_id` free for the generated video.
type actTwoModel struct {
	generationWithVideoAssetID
	DrivingAssetID      types.String `tfsdk:"driving_asset_id"`
	CharacterAssetID    types.String `tfsdk:"character_asset_id"`
	AspectRatio         types.String `tfsdk:"aspect_ratio"`
	BodyControl         types.Bool   `tfsdk:"body_control"`
	ExpressionIntensity types.Int64  `tfsdk:"expression_intensity"`
}

// actTwo is runway_act_two's generation kind.
type actTwo struct{}

func newActTwoResource() resource.Resource {
	return newUseapiGeneration[actTwoModel](actTwo{})
}

func (actTwo) name() string { return "act_two" }

func (actTwo) description() string {
	return "Transfers a performance from a driving video to a character image or video with Runway Act-Two " +
		"(`POST /gen4/act-two`): facial expression, and with `body_control` the body's motion."
}

func (actTwo) inputs() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"driving_asset_id":     assetIDAttribute("The performance: a video asset of 3 to 30 seconds.", true),
		"character_asset_id":   assetIDAttribute("The character: an image or a video asset.", true),
		"aspect_ratio":         choiceInput("Aspect ratio of the result: `16:9` (the gateway's default), `9:16`, `1:1`, `4:3`, `3:4` or `21:9`.", useapi.ActTwoAspectRatios...),
		"body_control":         boolInput("Transfer the body's motion as well as the face (the gateway's default is `true`)."),
		"expression_intensity": intRangeInput("How strongly the expressions carry over, `1`…`5` (the gateway's default is `3`).", 1, 5),
		"video_asset_id":       videoAssetIDOutputAttribute(),
	}
}

func (actTwo) configValidators() []resource.ConfigValidator { return nil }

func (actTwo) submit(ctx context.Context, d *providerData, m *actTwoModel) (*useapi.Task, error) {
	return d.useapi.CreateActTwo(ctx, &useapi.ActTwoRequest{
		DrivingAssetID:      m.DrivingAssetID.ValueString(),
		CharacterAssetID:    m.CharacterAssetID.ValueString(),
		AspectRatio:         m.AspectRatio.ValueStringPointer(),
		BodyControl:         m.BodyControl.ValueBoolPointer(),
		ExpressionIntensity: m.ExpressionIntensity.ValueInt64Pointer(),
		CreateOptions:       m.options(),
	})
}

// checkPlan refuses a driving video outside 3–30 s when its duration is known.
func (actTwo) checkPlan(ctx context.Context, d *providerData, m *actTwoModel) []planRefusal {
	if sec, ok := assetDuration(ctx, d, m.DrivingAssetID); ok && (sec < useapi.MinActTwoDrivingSeconds || sec > useapi.MaxActTwoDrivingSeconds) {
		return []planRefusal{{"driving_asset_id", "Driving video of the wrong length",
			"The driving video is " + formatSeconds(sec) + " long; Act-Two takes 3 to 30 seconds."}}
	}
	return nil
}

// estimate: the driving video's seconds (30, the longest, when not known)
// × the rate of credit_rates["act_two"]: the gateway publishes no price, so
// without one the estimate is null.
func (actTwo) estimate(ctx context.Context, d *providerData, m *actTwoModel) (estimate, string) {
	seconds, err := secondsOr(ctx, d, m.DrivingAssetID, useapi.MaxActTwoDrivingSeconds)
	return estimateCredits(d.creditRates, "act_two", seconds, m.ExploreMode).ofInput(err), "performing " + describeID(m.DrivingAssetID)
}

func (actTwo) adopt(m *actTwoModel, t *useapi.Task) {
	m.AspectRatio = optionsOf(t).string("aspect_ratio")
}
