package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// gen2ExtensionModel is runway_gen2_extension: POST /gen2/extend.
type gen2ExtensionModel struct {
	generationWithVideoAssetID
	AssetID     types.String `tfsdk:"asset_id"`
	Interpolate types.Bool   `tfsdk:"interpolate"`
	Motion      types.Int64  `tfsdk:"motion"`
	Horizontal  types.Int64  `tfsdk:"horizontal"`
	Vertical    types.Int64  `tfsdk:"vertical"`
	Roll        types.Int64  `tfsdk:"roll"`
	Zoom        types.Int64  `tfsdk:"zoom"`
	Pan         types.Int64  `tfsdk:"pan"`
	Tilt        types.Int64  `tfsdk:"tilt"`
}

// cameraAxes are gen2's camera motion inputs, none of which may be combined
// with `motion`.
var cameraAxes = []string{"horizontal", "vertical", "roll", "zoom", "pan", "tilt"}

// gen2Extension is runway_gen2_extension's generation kind.
type gen2Extension struct{}

func newGen2ExtensionResource() resource.Resource {
	return newUseapiGeneration[gen2ExtensionModel](gen2Extension{})
}

func (gen2Extension) name() string { return "gen2_extension" }

func (gen2Extension) description() string {
	return "Extends a video by 4 seconds with Runway Gen-2 (`POST /gen2/extend`); the generated video is " +
		"`video_url`, `video_asset_id` and `artifacts`."
}

func (gen2Extension) inputs() map[string]schema.Attribute {
	inputs := map[string]schema.Attribute{
		"video_asset_id": videoAssetIDOutputAttribute(),
		"asset_id":       assetIDAttribute("Video asset to extend (by 4 seconds).", true),
		"interpolate":    boolInput("Smooth the frames of the result. The gateway defaults to `true`."),
		"motion":         intRangeInput("Intensity of motion, `1`…`10` (higher is more motion). Cannot be combined with the camera motion arguments.", 1, 10),
	}
	for _, axis := range cameraAxes {
		inputs[axis] = cameraMotionAttribute(axis)
	}
	return inputs
}

// gen2Conflicts refuses `motion` with any camera axis: one validator that
// reads the seven attributes directly (resourcevalidator.Conflicting walks
// the whole configuration once per pair).
var gen2Conflicts = []resource.ConfigValidator{conflictingRootAttributes{attr: "motion", others: cameraAxes}}

func (gen2Extension) configValidators() []resource.ConfigValidator { return gen2Conflicts }

func (gen2Extension) submit(ctx context.Context, d *providerData, m *gen2ExtensionModel) (*useapi.Task, error) {
	return d.useapi.CreateGen2Extend(ctx, &useapi.Gen2ExtendRequest{
		AssetID:       m.AssetID.ValueString(),
		Interpolate:   m.Interpolate.ValueBoolPointer(),
		Motion:        m.Motion.ValueInt64Pointer(),
		Horizontal:    m.Horizontal.ValueInt64Pointer(),
		Vertical:      m.Vertical.ValueInt64Pointer(),
		Roll:          m.Roll.ValueInt64Pointer(),
		Zoom:          m.Zoom.ValueInt64Pointer(),
		Pan:           m.Pan.ValueInt64Pointer(),
		Tilt:          m.Tilt.ValueInt64Pointer(),
		CreateOptions: m.options(),
	})
}

func (gen2Extension) estimate(_ context.Context, d *providerData, m *gen2ExtensionModel) (estimate, string) {
	return estimateCredits(d.creditRates, "gen2", gen2ExtensionSeconds, m.ExploreMode), "extending " + describeID(m.AssetID)
}

func (gen2Extension) adopt(m *gen2ExtensionModel, t *useapi.Task) {
	m.Interpolate = optionsOf(t).bool("interpolate")
}
