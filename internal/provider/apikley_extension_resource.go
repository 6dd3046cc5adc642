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
// /api/v1/runway/extend (seed 003).
type apikleyExtensionModel struct {
	apikleyCommon
	TaskID types.String `tfsdk:"task_id"`
}

func newApikleyExtensionResource() resource.Resource {
	inputs := map[string]schema.Attribute{
		"task_id": stringInput(schema.StringAttribute{
			MarkdownDescription: "Task id of the video to extend: the `id` of a `runway_apikley_video`, or of another " +
				"`runway_apikley_extension` to extend an extension. That task must have succeeded and its video must " +
				"not have expired (14 days); keep `wait_for_completion = true` on the resource it comes from.",
			Required:   true,
			Validators: []validator.String{notBlank()},
		}),
		"prompt": apikleyPromptAttribute("How the video continues: the actions, movements or developments that happen next."),
	}
	return newApikleyGeneration(apikleySpec[apikleyExtensionModel]{
		name: "apikley_extension",
		description: "Extends a video generated through the Apikley gateway (`POST /api/v1/runway/extend`), keeping " +
			"its aspect ratio. Apply submits one paid task, saves its id in the state at once, waits for it and exposes " +
			"the extended video and cover URLs. Every generation input forces a new generation. Its `id` can be " +
			"extended again by another `runway_apikley_extension`. Apikley has no delete endpoint: destroy only removes " +
			"the resource from the state (the gateway keeps videos 14 days).",
		inputs: inputs,
		common: func(m *apikleyExtensionModel) *apikleyCommon { return &m.apikleyCommon },
		submit: func(ctx context.Context, client *apikley.Client, m *apikleyExtensionModel) (string, error) {
			return client.Extend(ctx, &apikley.ExtendRequest{
				TaskID:      m.TaskID.ValueString(),
				Prompt:      m.Prompt.ValueString(),
				Quality:     m.Quality.ValueString(),
				WaterMark:   m.Watermark.ValueStringPointer(),
				CallBackURL: m.CallbackURL.ValueString(),
			})
		},
		parent:   func(m *apikleyExtensionModel) string { return m.TaskID.ValueString() },
		imported: func(m *apikleyExtensionModel) bool { return m.TaskID.IsNull() },
		adopt: func(m *apikleyExtensionModel, t *apikley.TaskDetail) {
			m.TaskID = stringOrNull(strings.TrimSpace(t.ParentTaskID))
			m.Prompt = stringOrNull(t.GenerateParam.Prompt)
		},
	})
}
