package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// expansionModel is runway_expansion: POST /gen3turbo/expand.
// Its input keeps the gateway's name `video_asset_id`; the generated video's
// asset id is `output_video_asset_id`.
type expansionModel struct {
	generationCommon
	InputVideoAssetID   types.String `tfsdk:"video_asset_id"`
	ImageAssetID        types.String `tfsdk:"image_asset_id"`
	TextPrompt          types.String `tfsdk:"text_prompt"`
	Seconds             types.Int64  `tfsdk:"seconds"`
	OutpaintAspectRatio types.String `tfsdk:"outpaint_aspect_ratio"`
}

// expansion is runway_expansion's generation kind.
type expansion struct{}

func newExpansionResource() resource.Resource {
	return newUseapiGeneration[expansionModel](expansion{})
}

func (expansion) name() string { return "expansion" }

func (expansion) description() string {
	return "Expands (outpaints) a video to another format with Runway Gen-3 Alpha Turbo (`POST /gen3turbo/expand`)."
}

func (expansion) inputs() map[string]schema.Attribute {
	inputs := map[string]schema.Attribute{
		"video_asset_id":        assetIDAttribute("Video asset to expand (outpaint). The generated video's asset id is `output_video_asset_id`.", true),
		"image_asset_id":        assetIDAttribute("Image asset used as the first frame; an outpainted image of the video's first frame gives the best results.", false),
		"text_prompt":           textInput("Optional text prompt; Expand Video works well without one.", false),
		"seconds":               intChoiceInput("Length of the result in seconds, `5` or `10`. Defaults to the asset's duration, else 10.", 5, 10),
		"outpaint_aspect_ratio": choiceInput("Aspect ratio of the result: `landscape` (the gateway's default) or `portrait`.", "landscape", "portrait"),
	}
	return inputs
}

func (expansion) configValidators() []resource.ConfigValidator { return nil }

func (expansion) submit(ctx context.Context, d *providerData, m *expansionModel) (*useapi.Task, error) {
	return d.useapi.CreateGen3TurboExpand(ctx, &useapi.Gen3TurboExpandRequest{
		VideoAssetID:        m.InputVideoAssetID.ValueString(),
		ImageAssetID:        m.ImageAssetID.ValueStringPointer(),
		TextPrompt:          m.TextPrompt.ValueStringPointer(),
		Seconds:             m.Seconds.ValueInt64Pointer(),
		OutpaintAspectRatio: m.OutpaintAspectRatio.ValueStringPointer(),
		CreateOptions:       m.options(),
	})
}

func (expansion) estimate(ctx context.Context, d *providerData, m *expansionModel) (estimate, string) {
	seconds, err := secondsOfInput(ctx, d, m.Seconds, m.InputVideoAssetID)
	return estimateCredits(d.creditRates, "gen3a_turbo", seconds, m.ExploreMode).ofInput(err), "expanding " + describeID(m.InputVideoAssetID)
}

func (expansion) adopt(m *expansionModel, t *useapi.Task) {
	o := optionsOf(t)
	m.TextPrompt = o.string("text_prompt")
	m.Seconds = o.int64("seconds")
}
