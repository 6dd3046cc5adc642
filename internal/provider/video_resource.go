package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// videoModel is runway_video: POST /videos/create, the gateway's unified
// video endpoint for every current model. Its input lists are
// `*_asset_ids`, so the generated video's asset id is also `video_asset_id`.
type videoModel struct {
	generationWithVideoAssetID
	Model                types.String `tfsdk:"model"`
	TextPrompt           types.String `tfsdk:"text_prompt"`
	Duration             types.Int64  `tfsdk:"duration"`
	AspectRatio          types.String `tfsdk:"aspect_ratio"`
	Resolution           types.String `tfsdk:"resolution"`
	Audio                types.Bool   `tfsdk:"audio"`
	ImageAssetIDs        types.List   `tfsdk:"image_asset_ids"`
	StartFrameAssetID    types.String `tfsdk:"start_frame_asset_id"`
	EndFrameAssetID      types.String `tfsdk:"end_frame_asset_id"`
	VideoAssetIDs        types.List   `tfsdk:"video_asset_ids"`
	AudioAssetIDs        types.List   `tfsdk:"audio_asset_ids"`
	CharacterOrientation types.String `tfsdk:"character_orientation"`
	Shots                types.List   `tfsdk:"shots"`
}

// shotModel is one element of `shots`.
type shotModel struct {
	Prompt   types.String `tfsdk:"prompt"`
	Duration types.Int64  `tfsdk:"duration"`
}

// video is runway_video's generation kind.
type video struct{}

func newVideoResource() resource.Resource {
	return newUseapiGeneration[videoModel](video{})
}

func (video) name() string { return "video" }

func (video) description() string {
	return "Generates a video with any current model through the gateway's unified endpoint (`POST /videos/create`): " +
		"text to video, image to video (first frame, end frame, reference images), video references, multi-shot. " +
		"Every argument is checked at plan against the model's capabilities (the table below), so nothing is paid for " +
		"input the gateway would refuse; values known only at apply are checked before the request is sent." +
		"\n\n" + videoModelTableMarkdown()
}

func (video) inputs() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"model":                 modelInput(useapi.VideoModelIDs()),
		"text_prompt":           textInput("What the video shows. Required, optional or refused, and its maximum length, depend on the model.", false),
		"duration":              intInput("Length in seconds; the values depend on the model. Unset: the model's default."),
		"aspect_ratio":          stringInput("Aspect ratio, e.g. `16:9`; the values depend on the model and on whether an input image is given."),
		"resolution":            stringInput("Output resolution, e.g. `720p`; not accepted by every model."),
		"audio":                 boolInput("Generate sound (models with audio; the gateway's default is `true`)."),
		"image_asset_ids":       assetIDListInput("Input images, sent as `imageAssetId1`…: the first frame (and, on `gen4.5` and `veo-3.1`, the end frame second), or reference images.", 11),
		"start_frame_asset_id":  assetIDAttribute("Start keyframe (Seedance 2, Kling O3).", false),
		"end_frame_asset_id":    assetIDAttribute("End keyframe; needs `start_frame_asset_id`.", false),
		"video_asset_ids":       assetIDListInput("Input or reference videos, sent as `videoAssetId`, `videoAssetId2`, `videoAssetId3`.", 3),
		"audio_asset_ids":       assetIDListInput("Reference audio (Seedance 2), sent as `audioAssetId1`…; needs an image or video reference.", 3),
		"character_orientation": choiceInput("`kling-3.0-motion-control` only: orient the character by the `image` (default) or the `video`.", "image", "video"),
		"shots": schema.ListNestedAttribute{
			MarkdownDescription: "Multi-shot video (Kling 3.0: 2–5 shots, Kling O3: 2–6): each shot's prompt and length, " +
				"3–12 s each, 15 s in all. Sent as `multishot_prompt_N` / `multishot_duration_N`.",
			Optional: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"prompt":   textInput("What this shot shows.", true),
				"duration": schema.Int64Attribute{Required: true, MarkdownDescription: "Length of this shot, `3`…`12` seconds.", Validators: []validator.Int64{int64validator.Between(3, 12)}},
			}},
			Validators: []validator.List{listvalidator.SizeBetween(2, 6)},
		},
		"video_asset_id": videoAssetIDOutputAttribute(),
	}
}

// configValidators check every argument against the model's capabilities.
func (video) configValidators() []resource.ConfigValidator {
	return []resource.ConfigValidator{videoModelValidator{newModelRowCheck()}}
}

func (video) submit(ctx context.Context, d *providerData, m *videoModel) (*useapi.Task, error) {
	return d.useapi.CreateVideo(ctx, m.request(ctx))
}

// request maps the model onto the gateway's request.
func (m *videoModel) request(ctx context.Context) *useapi.VideoCreateRequest {
	r := &useapi.VideoCreateRequest{
		UnifiedFields: useapi.UnifiedFields{
			Model:         m.Model.ValueString(),
			TextPrompt:    m.TextPrompt.ValueStringPointer(),
			AspectRatio:   m.AspectRatio.ValueStringPointer(),
			Resolution:    m.Resolution.ValueStringPointer(),
			ImageAssetIDs: stringList(ctx, m.ImageAssetIDs),
		},
		Duration:             m.Duration.ValueInt64Pointer(),
		Audio:                m.Audio.ValueBoolPointer(),
		StartFrameAssetID:    m.StartFrameAssetID.ValueString(),
		EndFrameAssetID:      m.EndFrameAssetID.ValueString(),
		VideoAssetIDs:        stringList(ctx, m.VideoAssetIDs),
		AudioAssetIDs:        stringList(ctx, m.AudioAssetIDs),
		CharacterOrientation: m.CharacterOrientation.ValueStringPointer(),
		CreateOptions:        m.options(),
	}
	var shots []shotModel
	if !m.Shots.IsNull() && !m.Shots.IsUnknown() {
		_ = m.Shots.ElementsAs(ctx, &shots, false)
	}
	for _, s := range shots {
		r.Shots = append(r.Shots, useapi.Shot{Prompt: s.Prompt.ValueString(), Duration: s.Duration.ValueInt64()})
	}
	return r
}

// estimate prices the video: its seconds (the longest the model allows
// when the length is not known at plan) × the model's rate.
func (video) estimate(ctx context.Context, d *providerData, m *videoModel) (estimate, string) {
	id := m.Model.ValueString()
	describe := fmt.Sprintf("%s video of %s", id, describeText(m.TextPrompt))
	if m.Model.IsUnknown() {
		return estimate{unpriced: true, basis: "the model is known only after apply"}, describe
	}
	seconds := int64(0)
	switch {
	case !m.Duration.IsNull() && !m.Duration.IsUnknown():
		seconds = m.Duration.ValueInt64()
	case !m.Shots.IsNull() && !m.Shots.IsUnknown():
		var shots []shotModel
		_ = m.Shots.ElementsAs(ctx, &shots, false)
		for _, s := range shots {
			seconds += s.Duration.ValueInt64()
		}
	default:
		if vm, ok := useapi.VideoModelByID(id); ok && len(vm.Durations) > 0 {
			seconds = vm.Durations[len(vm.Durations)-1] // an upper bound
		} else {
			seconds = 30 // the length follows an input video of up to 30 s
		}
	}
	return estimateCredits(d.creditRates, id, seconds, m.ExploreMode), describe
}

func (video) adopt(m *videoModel, t *useapi.Task) {
	o := optionsOf(t)
	m.Model = o.string("model")
	m.TextPrompt = o.string("text_prompt")
	m.Duration = o.int64("seconds")
	m.AspectRatio = o.string("aspect_ratio")
	m.Resolution = o.string("resolution")
}

// videoModelValidator checks a runway_video configuration against its
// model's row of useapi.VideoModels; values not known yet are left to the
// check the client makes before sending.
type videoModelValidator struct{ modelRowCheck }

func (v videoModelValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m videoModel
	if diags := req.Config.Get(ctx, &m); diags.HasError() || m.Model.IsUnknown() || m.Model.IsNull() {
		return
	}
	model, ok := useapi.VideoModelByID(m.Model.ValueString())
	if !ok {
		return // the model attribute's own validator says so
	}
	in := useapi.VideoInputs{
		Duration: knownInt64(m.Duration), AspectRatio: knownString(m.AspectRatio), Resolution: knownString(m.Resolution),
		Audio: knownBool(m.Audio), CharacterOrientation: knownString(m.CharacterOrientation),
		StartFrame: !m.StartFrameAssetID.IsNull(), EndFrame: !m.EndFrameAssetID.IsNull(),
		Seed: !m.Seed.IsNull(), ExploreMode: m.ExploreMode.ValueBool(),
		PromptUnknown: m.TextPrompt.IsUnknown(), ImagesUnknown: m.ImageAssetIDs.IsUnknown(), VideosUnknown: m.VideoAssetIDs.IsUnknown(),
		Images: len(m.ImageAssetIDs.Elements()), Videos: len(m.VideoAssetIDs.Elements()), AudioRefs: len(m.AudioAssetIDs.Elements()),
	}
	if s := knownString(m.TextPrompt); s != nil {
		n := utf8.RuneCountInString(*s)
		in.PromptLength = &n
	}
	if !m.Shots.IsUnknown() {
		var shots []shotModel
		_ = m.Shots.ElementsAs(ctx, &shots, false)
		for _, s := range shots {
			in.Shots = append(in.Shots, s.Duration.ValueInt64())
		}
	}
	if p := model.Check(in); p != nil {
		v.refuse(&resp.Diagnostics, p.Field, model.ID, p.Message)
	}
}

func knownString(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueStringPointer()
}

func knownInt64(v types.Int64) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueInt64Pointer()
}

func knownBool(v types.Bool) *bool {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueBoolPointer()
}

// stringList reads a known list of strings (nil for null).
func stringList(ctx context.Context, l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	_ = l.ElementsAs(ctx, &out, false)
	return out
}

func backquoted(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = "`" + id + "`"
	}
	return strings.Join(q, ", ")
}

// videoModelTableMarkdown renders useapi.VideoModels for the docs.
func videoModelTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| model | duration (s) | aspect_ratio | resolution | images | videos | keyframes | text_prompt | audio | seed | explore_mode | shots |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, m := range useapi.VideoModels {
		ratios := listOrDash(m.AspectRatios)
		if m.ImageAspectRatios != nil {
			ratios += " (with an image: " + listOrDash(m.ImageAspectRatios) + ")"
		}
		prompt := fmt.Sprintf("optional, ≤ %d", m.MaxPrompt)
		switch {
		case m.PromptRequired:
			prompt = fmt.Sprintf("required, ≤ %d", m.MaxPrompt)
		case m.PromptRefused:
			prompt = "—"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %d–%d | %d–%d | %s | %s | %s | %s | %s | %s |\n",
			m.ID, durationsOrDash(m.Durations), ratios, listOrDash(m.Resolutions), m.MinImages, m.MaxImages,
			m.MinVideos, m.MaxVideos, yesNo(m.Keyframes), prompt, yesNo(m.Audio), yesNo(m.Seed), yesNo(m.Explore), shotsOrDash(m))
	}
	return b.String()
}

func listOrDash(l []string) string {
	if len(l) == 0 {
		return "—"
	}
	return strings.Join(l, ", ")
}

func durationsOrDash(d []int64) string {
	if len(d) == 0 {
		return "— (follows the input video)"
	}
	if len(d) > 3 {
		return fmt.Sprintf("%d–%d", d[0], d[len(d)-1])
	}
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ", ")
}

func shotsOrDash(m useapi.VideoModel) string {
	if m.MaxShots == 0 {
		return "—"
	}
	return fmt.Sprintf("%d–%d", m.MinShots, m.MaxShots)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "—"
}
