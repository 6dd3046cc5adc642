package provider

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// imageModel is runway_image: POST /images/create. It makes one or four
// images: `image_urls` and `image_asset_ids` list them in order, `image_url`
// and `image_asset_id` are the first. Because `image_asset_ids` names the
// generated images, the reference images are `reference_image_asset_ids`.
type imageModel struct {
	imageCommon
	Model                  types.String `tfsdk:"model"`
	TextPrompt             types.String `tfsdk:"text_prompt"`
	AspectRatio            types.String `tfsdk:"aspect_ratio"`
	Resolution             types.String `tfsdk:"resolution"`
	NumImages              types.Int64  `tfsdk:"num_images"`
	ReferenceImageAssetIDs types.List   `tfsdk:"reference_image_asset_ids"`
	Style                  types.String `tfsdk:"style"`
	Diversity              types.Int64  `tfsdk:"diversity"`
}

// imageCommon is taskCommon plus the generated images' outputs.
type imageCommon struct {
	taskCommon
	ImageURL      types.String `tfsdk:"image_url"`
	ImageAssetID  types.String `tfsdk:"image_asset_id"`
	ImageURLs     types.List   `tfsdk:"image_urls"`
	ImageAssetIDs types.List   `tfsdk:"image_asset_ids"`
}

// fill reads the task, then its artifacts as the generated images.
func (c *imageCommon) fill(ctx context.Context, task *useapi.Task, now time.Time) diag.Diagnostics {
	diags := c.taskCommon.fill(ctx, task, now)
	var artifacts []artifactModel
	if !c.Artifacts.IsNull() && !c.Artifacts.IsUnknown() {
		diags.Append(c.Artifacts.ElementsAs(ctx, &artifacts, false)...)
	}
	urls, ids := make([]string, 0, len(artifacts)), make([]string, 0, len(artifacts))
	for _, a := range artifacts {
		urls, ids = append(urls, a.URL.ValueString()), append(ids, a.AssetID.ValueString())
	}
	var d diag.Diagnostics
	c.ImageURLs, d = types.ListValueFrom(ctx, types.StringType, urls)
	diags.Append(d...)
	c.ImageAssetIDs, d = types.ListValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	c.ImageURL, c.ImageAssetID = types.StringNull(), types.StringNull()
	if len(artifacts) > 0 {
		c.ImageURL, c.ImageAssetID = artifacts[0].URL, artifacts[0].AssetID
	}
	return diags
}

// useapiImageGateway is useapi.net for the image resource: the generated
// files are images, not a video.
type useapiImageGateway struct{ useapiGateway }

func (useapiImageGateway) sharedAttributes() map[string]schema.Attribute {
	outputs := taskOutputAttributes()
	outputs["image_url"] = schema.StringAttribute{MarkdownDescription: "URL of the first generated image; null until the task has succeeded.", Computed: true}
	outputs["image_asset_id"] = schema.StringAttribute{MarkdownDescription: "Asset id of the first generated image, to feed a generation (e.g. `runway_video.image_asset_ids`); null until the task has succeeded.", Computed: true}
	outputs["image_urls"] = schema.ListAttribute{MarkdownDescription: "URLs of every generated image, in order.", Computed: true, ElementType: types.StringType}
	outputs["image_asset_ids"] = schema.ListAttribute{MarkdownDescription: "Asset ids of every generated image, in order.", Computed: true, ElementType: types.StringType}
	return mergeAttributes(commonInputAttributes(), useapiKnobAttributes(), outputs)
}

// image is runway_image's generation kind.
type image struct{}

func newImageResource() resource.Resource {
	return newGenerationResource[imageModel, *imageModel, *useapi.Task](image{}, useapiImageGateway{})
}

func (image) name() string { return "image" }

func (image) description() string {
	return "Generates one or four images from a prompt, and optionally reference images, through the gateway's image " +
		"endpoint (`POST /images/create`): FLUX.2, Nano Banana, GPT Image, Seedream and Gen-4 models. Every argument is " +
		"checked at plan against the model's capabilities. The images are `image_urls` and `image_asset_ids` (the " +
		"first as `image_url`, `image_asset_id`)."
}

func (image) inputs() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"model":                     modelInput(useapi.ImageModelIDs()),
		"text_prompt":               textInput("What the image shows (required by the GPT Image models; at most 4000 characters for FLUX.2, 5000 otherwise).", false),
		"aspect_ratio":              stringInput("Aspect ratio, e.g. `16:9`, or `auto` for the Nano Banana models; the values depend on the model."),
		"resolution":                stringInput("Resolution: `1K`, `2K`, `3K`, `4K`, `0.6MP`, `720p` or `1080p` depending on the model; not every model takes one."),
		"num_images":                intChoiceInput("How many images to make: `1` (the gateway's default) or `4`.", 1, 4),
		"reference_image_asset_ids": assetIDListInput("Reference images, sent as `imageAssetId1`…`8`; how many depends on the model.", 8),
		"style":                     stringInput("A style preset (`gen4` and `gen4-turbo` only)."),
		"diversity":                 intRangeInput("How different the images are from each other, `1`…`5` (`gen4` only).", 1, 5),
	}
}

func (image) configValidators() []resource.ConfigValidator {
	return []resource.ConfigValidator{imageModelValidator{newModelRowCheck()}}
}

func (image) submit(ctx context.Context, d *providerData, m *imageModel) (*useapi.Task, error) {
	return d.useapi.CreateImage(ctx, &useapi.ImageCreateRequest{
		UnifiedFields: useapi.UnifiedFields{
			Model:         m.Model.ValueString(),
			TextPrompt:    m.TextPrompt.ValueStringPointer(),
			AspectRatio:   m.AspectRatio.ValueStringPointer(),
			Resolution:    m.Resolution.ValueStringPointer(),
			ImageAssetIDs: stringList(ctx, m.ReferenceImageAssetIDs),
		},
		NumImages:     m.NumImages.ValueInt64Pointer(),
		Style:         m.Style.ValueStringPointer(),
		Diversity:     m.Diversity.ValueInt64Pointer(),
		CreateOptions: m.options(),
	})
}

// estimate prices the images: their count × the model's rate per image
// (credit_rates; the gateway publishes none, so the estimate is null until
// a rate is set).
func (image) estimate(_ context.Context, d *providerData, m *imageModel) (estimate, string) {
	count := int64(1)
	if !m.NumImages.IsNull() && !m.NumImages.IsUnknown() {
		count = m.NumImages.ValueInt64()
	} else if m.NumImages.IsUnknown() {
		count = 4 // the upper bound
	}
	describe := fmt.Sprintf("%d %s image(s) of %s", count, m.Model.ValueString(), describeText(m.TextPrompt))
	e := estimateCredits(d.creditRates, imageRateKey(m.Model.ValueString()), count, m.ExploreMode)
	if !e.unpriced && e.credits > 0 {
		e.basis = fmt.Sprintf("%d image(s) × %d credits/image (%s)", count, e.credits/count, m.Model.ValueString())
	}
	return e, describe
}

func (image) adopt(m *imageModel, t *useapi.Task) {
	o := optionsOf(t)
	m.Model, m.TextPrompt = o.string("model"), o.string("text_prompt")
	m.AspectRatio, m.Resolution, m.NumImages = o.string("aspect_ratio"), o.string("resolution"), o.int64("num_images")
}

// imageModelValidator checks a runway_image configuration against its
// model's row of useapi.ImageModels.
type imageModelValidator struct{ modelRowCheck }

func (v imageModelValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m imageModel
	if diags := req.Config.Get(ctx, &m); diags.HasError() || m.Model.IsUnknown() || m.Model.IsNull() {
		return
	}
	model, ok := useapi.ImageModelByID(m.Model.ValueString())
	if !ok {
		return
	}
	in := useapi.ImageInputs{
		PromptUnknown: m.TextPrompt.IsUnknown(), AspectRatio: knownString(m.AspectRatio), Resolution: knownString(m.Resolution),
		NumImages: knownInt64(m.NumImages), Images: len(m.ReferenceImageAssetIDs.Elements()), ImagesUnknown: m.ReferenceImageAssetIDs.IsUnknown(),
		Style: !m.Style.IsNull(), Diversity: !m.Diversity.IsNull(), Seed: !m.Seed.IsNull(),
	}
	if s := knownString(m.TextPrompt); s != nil {
		n := utf8.RuneCountInString(*s)
		in.PromptLength = &n
	}
	if p := model.Check(in); p != nil {
		field := p.Field
		if field == "image_asset_ids" {
			field = "reference_image_asset_ids"
		}
		v.refuse(&resp.Diagnostics, field, model.ID, p.Message)
	}
}
