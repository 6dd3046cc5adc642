package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// videoToVideoModel is runway_video_to_video: POST /gen3/video.
type videoToVideoModel struct {
	generationWithVideoAssetID
	AssetID                 types.String  `tfsdk:"asset_id"`
	TextPrompt              types.String  `tfsdk:"text_prompt"`
	StructureTransformation types.Float64 `tfsdk:"structure_transformation"`
	Seconds                 types.Int64   `tfsdk:"seconds"`
	Resolution              types.String  `tfsdk:"resolution"`
}

// videoToVideo is runway_video_to_video's generation kind.
type videoToVideo struct{}

func newVideoToVideoResource() resource.Resource {
	return newUseapiGeneration[videoToVideoModel](videoToVideo{})
}

func (videoToVideo) name() string { return "video_to_video" }

func (videoToVideo) description() string {
	return "Restyles a video with a text prompt using Runway Gen-3 Alpha Video to Video (`POST /gen3/video`)."
}

func (videoToVideo) inputs() map[string]schema.Attribute {
	inputs := map[string]schema.Attribute{
		"video_asset_id": videoAssetIDOutputAttribute(),
		"asset_id":       assetIDAttribute("Video asset to restyle. Video to Video works in 16:9; other aspect ratios are cropped.", true),
		"text_prompt":    textInput("Describes the desired changes.", true),
		"structure_transformation": floatRangeInput("How far the result may depart from the input's structure, `0`…`10` "+
			"(higher is more change). The gateway defaults to `3`.", 0, 10),
		"seconds":    intChoiceInput("Length of the result in seconds, `5` or `10`. Defaults to the asset's duration, else 10.", 5, 10),
		"resolution": choiceInput("Output resolution; only `720p` is supported (the default).", "720p"),
	}
	return inputs
}

func (videoToVideo) configValidators() []resource.ConfigValidator { return nil }

func (videoToVideo) submit(ctx context.Context, d *providerData, m *videoToVideoModel) (*useapi.Task, error) {
	return d.useapi.CreateGen3Video(ctx, &useapi.Gen3VideoRequest{
		AssetID:                 m.AssetID.ValueString(),
		TextPrompt:              m.TextPrompt.ValueString(),
		StructureTransformation: m.StructureTransformation.ValueFloat64Pointer(),
		Seconds:                 m.Seconds.ValueInt64Pointer(),
		Resolution:              m.Resolution.ValueStringPointer(),
		CreateOptions:           m.options(),
	})
}

func (videoToVideo) estimate(ctx context.Context, d *providerData, m *videoToVideoModel) (estimate, string) {
	seconds, err := secondsOfInput(ctx, d, m.Seconds, m.AssetID)
	return estimateCredits(d.creditRates, "gen3a", seconds, m.ExploreMode).ofInput(err), "restyling " + describeID(m.AssetID) + " as " + describeText(m.TextPrompt)
}

func (videoToVideo) adopt(m *videoToVideoModel, t *useapi.Task) {
	o := optionsOf(t)
	m.TextPrompt = o.string("text_prompt")
	m.Seconds = o.int64("seconds")
}
