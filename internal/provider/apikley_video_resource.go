package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
)

// apikleyVideoModel is runway_apikley_video: POST /api/v1/runway/generate.
type apikleyVideoModel struct {
	apikleyCommon
	Duration    types.Int64  `tfsdk:"duration"`
	AspectRatio types.String `tfsdk:"aspect_ratio"`
	ImageURL    types.String `tfsdk:"image_url"`
}

// apikleyVideo is runway_apikley_video's generation kind.
type apikleyVideo struct{}

func newApikleyVideoResource() resource.Resource {
	return newApikleyGeneration[apikleyVideoModel](apikleyVideo{})
}

func (apikleyVideo) name() string { return "apikley_video" }

func (apikleyVideo) description() string {
	return "Generates a video with Runway through the Apikley gateway (`POST /api/v1/runway/generate`), " +
		"from a prompt (text-to-video) or a reference image (image-to-video): the video and cover URLs are outputs, " +
		"and its `id` is the `task_id` to extend with `runway_apikley_extension`."
}

func (apikleyVideo) inputs() map[string]schema.Attribute {
	inputs := map[string]schema.Attribute{
		"prompt": apikleyPromptAttribute("What the video shows; with `image_url`, how to animate the image.", apikley.MaxPromptLength),
		"duration": schema.Int64Attribute{
			MarkdownDescription: "Length of the video in seconds: `5` or `10`. A 10-second video cannot be `1080p`.",
			Required:            true,
			Validators:          []validator.Int64{int64validator.OneOf(5, 10)},
		},
		"aspect_ratio": choiceInput("Aspect ratio: `16:9`, `4:3`, `1:1`, `3:4` or `9:16`. Required without `image_url` "+
			"(text-to-video); with `image_url` the image decides and the gateway ignores this value.", apikley.AspectRatios()...),
		"image_url": schema.StringAttribute{
			MarkdownDescription: "Public URL of a reference image to animate (image-to-video), for example the " +
				"`cover_image_url` of another generation. The gateway answers code 451 when it cannot fetch it.",
			Optional:   true,
			Validators: []validator.String{stringRuleValidator(callbackURLRule{})},
		},
	}
	return inputs
}

func (apikleyVideo) configValidators() []resource.ConfigValidator {
	return []resource.ConfigValidator{
		qualityDurationValidator{"quality 1080p is only available with duration 5"},
		aspectRatioRequiredValidator{"aspect_ratio is required when image_url is not set"},
	}
}

func (apikleyVideo) submit(ctx context.Context, d *providerData, m *apikleyVideoModel) (*apikley.TaskDetail, error) {
	id, err := d.apikley.Generate(ctx, &apikley.GenerateRequest{
		Prompt:      m.Prompt.ValueString(),
		Duration:    int(m.Duration.ValueInt64()),
		Quality:     m.Quality.ValueString(),
		AspectRatio: m.AspectRatio.ValueString(),
		ImageURL:    m.ImageURL.ValueString(),
		WaterMark:   m.Watermark.ValueStringPointer(),
		CallBackURL: m.CallbackURL.ValueString(),
	})
	if err != nil {
		return nil, err
	}
	return submittedApikleyTask(id, ""), nil
}

func (apikleyVideo) adopt(m *apikleyVideoModel, t *apikley.TaskDetail) {
	m.ImageURL = stringOrNull(strings.TrimSpace(t.GenerateParam.ImageURL))
}

// qualityDurationValidator refuses 1080p with a 10-second duration, which
// the gateway rejects; both values must be known to judge.
type qualityDurationValidator struct{ describedCheck }

func (qualityDurationValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var quality types.String
	var duration types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("quality"), &quality)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("duration"), &duration)...)
	if resp.Diagnostics.HasError() || quality.IsNull() || quality.IsUnknown() || duration.IsNull() || duration.IsUnknown() {
		return
	}
	if quality.ValueString() == apikley.Quality1080p && duration.ValueInt64() != 5 {
		resp.Diagnostics.AddAttributeError(path.Root("quality"), "Invalid combination of quality and duration",
			fmt.Sprintf("quality = \"1080p\" is only available with duration = 5, but duration = %d. Use quality = \"720p\" "+
				"for a %d-second video, or duration = 5.", duration.ValueInt64(), duration.ValueInt64()))
	}
}

// aspectRatioRequiredValidator requires aspect_ratio for text-to-video.
// Either value being unknown (e.g. image_url fed by another resource's
// output) defers the decision to the gateway-side check at apply.
type aspectRatioRequiredValidator struct{ describedCheck }

func (aspectRatioRequiredValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var aspectRatio, imageURL types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("aspect_ratio"), &aspectRatio)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("image_url"), &imageURL)...)
	if resp.Diagnostics.HasError() || aspectRatio.IsUnknown() || imageURL.IsUnknown() {
		return
	}
	if aspectRatio.IsNull() && imageURL.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("aspect_ratio"), "Missing aspect_ratio",
			"aspect_ratio is required for a text-to-video generation (when image_url is not set): one of "+
				strings.Join(apikley.AspectRatios(), ", ")+". With image_url, the image decides the aspect ratio.")
	}
}
