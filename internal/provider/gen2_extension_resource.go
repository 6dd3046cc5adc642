package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// gen2ExtensionModel is runway_gen2_extension: POST /gen2/extend (seed 000).
type gen2ExtensionModel struct {
	generationCommon
	VideoAssetID types.String `tfsdk:"video_asset_id"`
	AssetID      types.String `tfsdk:"asset_id"`
	Interpolate  types.Bool   `tfsdk:"interpolate"`
	Motion       types.Int64  `tfsdk:"motion"`
	Horizontal   types.Int64  `tfsdk:"horizontal"`
	Vertical     types.Int64  `tfsdk:"vertical"`
	Roll         types.Int64  `tfsdk:"roll"`
	Zoom         types.Int64  `tfsdk:"zoom"`
	Pan          types.Int64  `tfsdk:"pan"`
	Tilt         types.Int64  `tfsdk:"tilt"`
}

// cameraAxes are gen2's camera motion inputs, none of which may be combined
// with `motion`.
var cameraAxes = []string{"horizontal", "vertical", "roll", "zoom", "pan", "tilt"}

func newGen2ExtensionResource() resource.Resource {
	inputs := map[string]schema.Attribute{
		"video_asset_id": videoAssetIDOutputAttribute(),
		"asset_id":       assetIDAttribute("Video asset to extend (by 4 seconds).", true),
		"interpolate": boolInput(schema.BoolAttribute{
			MarkdownDescription: "Smooth the frames of the result. The gateway defaults to `true`.",
			Optional:            true,
		}),
		"motion": int64Input(schema.Int64Attribute{
			MarkdownDescription: "Intensity of motion, `1`…`10` (higher is more motion). Cannot be combined with the camera motion arguments.",
			Optional:            true,
			Validators:          []validator.Int64{int64validator.Between(1, 10)},
		}),
	}
	for _, axis := range cameraAxes {
		inputs[axis] = cameraMotionAttribute(axis)
	}
	conflicts := []resource.ConfigValidator{}
	for _, axis := range cameraAxes {
		conflicts = append(conflicts, resourcevalidator.Conflicting(path.MatchRoot("motion"), path.MatchRoot(axis)))
	}

	return newUseapiGeneration(useapiSpec[gen2ExtensionModel]{
		name: "gen2_extension",
		description: "Extends a video by 4 seconds with Runway Gen-2 (`POST /gen2/extend`). Apply submits one paid " +
			"task, saves its id in the state at once, waits for it and exposes the generated video " +
			"(`video_url`, `video_asset_id`, `artifacts`). Every generation input forces a new generation.",
		inputs:             inputs,
		configValidators:   conflicts,
		videoAssetIDOutput: func(m *gen2ExtensionModel) *types.String { return &m.VideoAssetID },
		common:             func(m *gen2ExtensionModel) *generationCommon { return &m.generationCommon },
		submit: func(ctx context.Context, client *useapi.Client, m *gen2ExtensionModel) (*useapi.Task, error) {
			o := m.options()
			return client.CreateGen2Extend(ctx, &useapi.Gen2ExtendRequest{
				AssetID:     m.AssetID.ValueString(),
				Interpolate: m.Interpolate.ValueBoolPointer(),
				Motion:      m.Motion.ValueInt64Pointer(),
				Horizontal:  m.Horizontal.ValueInt64Pointer(),
				Vertical:    m.Vertical.ValueInt64Pointer(),
				Roll:        m.Roll.ValueInt64Pointer(),
				Zoom:        m.Zoom.ValueInt64Pointer(),
				Pan:         m.Pan.ValueInt64Pointer(),
				Tilt:        m.Tilt.ValueInt64Pointer(),
				Seed:        o.Seed,
				ExploreMode: o.ExploreMode,
				ReplyURL:    o.ReplyURL,
				ReplyRef:    o.ReplyRef,
				MaxJobs:     o.MaxJobs,
			})
		},
		estimate: func(_ context.Context, d *providerData, m *gen2ExtensionModel) (estimate, string) {
			return estimateCredits(d.creditRates, "gen2", gen2ExtensionSeconds, m.ExploreMode), "extending " + describeID(m.AssetID)
		},
		imported: func(m *gen2ExtensionModel) bool { return m.AssetID.IsNull() },
		adopt: func(m *gen2ExtensionModel, t *useapi.Task) {
			m.Interpolate = optionsOf(t).bool("interpolate")
		},
	})
}
