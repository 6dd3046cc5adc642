package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// videoEditModel is runway_video_edit: POST /gen4/video (Aleph). Its input
// is `video_asset_id`, as the gateway names it; the edited video's asset id
// is `output_video_asset_id`.
type videoEditModel struct {
	generationCommon
	InputVideoAssetID types.String `tfsdk:"video_asset_id"`
	TextPrompt        types.String `tfsdk:"text_prompt"`
	ImageAssetID      types.String `tfsdk:"image_asset_id"`
}

// videoEdit is runway_video_edit's generation kind.
type videoEdit struct{}

func newVideoEditResource() resource.Resource {
	return newUseapiGeneration[videoEditModel](videoEdit{})
}

func (videoEdit) name() string { return "video_edit" }

func (videoEdit) description() string {
	return "Edits a video with a prompt, and optionally a reference image, using Runway Aleph (`POST /gen4/video`): " +
		"change the weather, the style, an object, the camera. The video asset must carry its duration, width and " +
		"height (a `runway_asset` upload or a generation's artifact does)."
}

func (videoEdit) inputs() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"video_asset_id": assetIDAttribute("Video asset to edit. The edited video's asset id is `output_video_asset_id`.", true),
		"text_prompt":    boundedTextInput("The edit to make, at most 1000 characters.", true, useapi.MaxAlephPromptLength),
		"image_asset_id": assetIDAttribute("Image asset that conditions the edit (a reference for the look or an object).", false),
	}
}

func (videoEdit) configValidators() []resource.ConfigValidator { return nil }

func (videoEdit) submit(ctx context.Context, d *providerData, m *videoEditModel) (*useapi.Task, error) {
	return d.useapi.EditVideo(ctx, &useapi.Gen4VideoRequest{
		VideoAssetID:  m.InputVideoAssetID.ValueString(),
		TextPrompt:    m.TextPrompt.ValueString(),
		ImageAssetID:  m.ImageAssetID.ValueStringPointer(),
		CreateOptions: m.options(),
	})
}

// estimate: the source's seconds (10 when not known at plan) × Aleph's rate.
func (videoEdit) estimate(ctx context.Context, d *providerData, m *videoEditModel) (estimate, string) {
	seconds, err := secondsOr(ctx, d, m.InputVideoAssetID, maxGenerationSeconds)
	return estimateCredits(d.creditRates, "gen4_aleph", seconds, m.ExploreMode).ofInput(err),
		"editing " + describeID(m.InputVideoAssetID) + " with " + describeText(m.TextPrompt)
}

func (videoEdit) adopt(m *videoEditModel, t *useapi.Task) {
	m.TextPrompt = optionsOf(t).string("text_prompt")
}
