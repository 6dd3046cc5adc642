package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
)

// apikleyExtensionModel is runway_apikley_extension: POST
// /api/v1/runway/extend.
type apikleyExtensionModel struct {
	apikleyCommon
	TaskID types.String `tfsdk:"task_id"`
}

// apikleyExtension is runway_apikley_extension's generation kind.
type apikleyExtension struct{}

func newApikleyExtensionResource() resource.Resource {
	return newApikleyGeneration[apikleyExtensionModel](apikleyExtension{})
}

func (apikleyExtension) name() string { return "apikley_extension" }

func (apikleyExtension) description() string {
	return "Extends a video generated through the Apikley gateway (`POST /api/v1/runway/extend`), keeping " +
		"its aspect ratio: the extended video and cover URLs are outputs, and its `id` can be extended again by " +
		"another `runway_apikley_extension`."
}

func (apikleyExtension) inputs() map[string]schema.Attribute {
	inputs := map[string]schema.Attribute{
		"task_id": schema.StringAttribute{
			MarkdownDescription: "Task id of the video to extend: the `id` of a `runway_apikley_video`, or of another " +
				"`runway_apikley_extension` to extend an extension. That task must have succeeded and its video must " +
				"not have expired (14 days); keep `wait_for_completion = true` on the resource it comes from.",
			Required:   true,
			Validators: []validator.String{notBlank()},
		},
		"prompt": apikleyPromptAttribute("How the video continues: the actions, movements or developments that happen next.", apikley.MaxExtendPromptLength),
	}
	return inputs
}

func (apikleyExtension) configValidators() []resource.ConfigValidator { return nil }

func (apikleyExtension) submit(ctx context.Context, d *providerData, m *apikleyExtensionModel) (*apikley.TaskDetail, error) {
	id, err := d.apikley.Extend(ctx, &apikley.ExtendRequest{
		TaskID:      m.TaskID.ValueString(),
		Prompt:      m.Prompt.ValueString(),
		Quality:     m.Quality.ValueString(),
		WaterMark:   m.Watermark.ValueStringPointer(),
		CallBackURL: m.CallbackURL.ValueString(),
	})
	if err != nil {
		return nil, err
	}
	// The gateway reports the extended task as parentTaskId: known from now on.
	return submittedApikleyTask(id, m.TaskID.ValueString()), nil
}

func (apikleyExtension) adopt(m *apikleyExtensionModel, t *apikley.TaskDetail) {
	m.TaskID = stringOrNull(strings.TrimSpace(t.ParentTaskID))
}
