package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
)

var _ datasource.DataSourceWithConfigure = (*apikleyTaskDataSource)(nil)

// apikleyTaskDataSource is runway_apikley_task: one Apikley task by id,
// optionally waiting for it to finish (a task started by another pipeline,
// or by a resource with wait_for_completion = false).
type apikleyTaskDataSource struct {
	configuredDataSource
}

func newApikleyTaskDataSource() datasource.DataSource { return &apikleyTaskDataSource{} }

type apikleyTaskDataSourceModel struct {
	taskQuery
	Status      types.String `tfsdk:"status"`
	State       types.String `tfsdk:"state"`
	Prompt      types.String `tfsdk:"prompt"`
	ImageURL    types.String `tfsdk:"image_url"`
	FailCode    types.Int64  `tfsdk:"fail_code"`
	FailMessage types.String `tfsdk:"fail_message"`

	apikleyOutputs
}

func (d *apikleyTaskDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_apikley_task"
}

func (d *apikleyTaskDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	attrs := map[string]schema.Attribute{
		"task_id": schema.StringAttribute{
			MarkdownDescription: "Task id (a UUID), e.g. the `id` of a `runway_apikley_video` or `runway_apikley_extension`.",
			Required:            true,
			Validators:          []validator.String{notBlank()},
		},
		"wait_for_completion": schema.BoolAttribute{
			MarkdownDescription: "Wait until the task's state is `success` or `fail` (within `timeouts.read`, default 30m). " +
				"A failed task is not an error here: read `status` and `error`.",
			Optional: true,
		},
		"timeouts":     timeouts.Attributes(ctx),
		"id":           computed("The task id."),
		"status":       computed(apikleyStatusDescription),
		"state":        computed("The gateway's `state`, the same value as `status`."),
		"prompt":       computed("The task's prompt, as the gateway echoes it."),
		"image_url":    computed("The reference image of an image-to-video generation; null for text-to-video and extensions."),
		"fail_code":    schema.Int64Attribute{Computed: true, MarkdownDescription: "The gateway's `failCode` of a failed task; null unless `status` is `fail` (the gateway also sends it on successes, where it means nothing)."},
		"fail_message": computed("The gateway's `failMsg` of a failed task; null unless `status` is `fail`."),
		"expired":      schema.BoolAttribute{Computed: true, MarkdownDescription: apikleyOutputDescriptions["expired"]},
	}
	for _, name := range []string{"video_url", "cover_image_url", "video_id", "parent_task_id", "generated_at", "expires_at", "error"} {
		attrs[name] = computed(apikleyOutputDescriptions[name])
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Runway task of the Apikley gateway by id (`GET /api/v1/runway/record-detail`): " +
			"state, video and cover URLs, expiry, failure code and message. With `wait_for_completion = true` it waits " +
			"until the task succeeds or fails, so a pipeline can pick up a task started elsewhere.",
		Attributes: attrs,
	}
}

func (d *apikleyTaskDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	backend, diags := apikleyBackendOf(d.data)
	readTaskDataSource[*apikley.TaskDetail, apikleyTaskDataSourceModel](ctx, d.data, taskReader{gateway: "Apikley", statusWord: "state"}, backend, diags, req, resp)
}

// report copies what record-detail says into the model; unlike the useapi
// model's, it has nothing to report as diagnostics.
func (m *apikleyTaskDataSourceModel) report(_ context.Context, task *apikley.TaskDetail) diag.Diagnostics { //nolint:unparam // implements taskReport
	m.setID(task.TaskID)
	m.Status = types.StringValue(task.State)
	m.State = m.Status
	m.Prompt = stringOrNull(task.GenerateParam.Prompt)
	m.ImageURL = stringOrNull(task.GenerateParam.ImageURL)
	m.FailCode, m.FailMessage = types.Int64Null(), types.StringNull()
	if task.State == apikley.StateFail {
		if code, ok := task.FailCode.Int64(); ok {
			m.FailCode = types.Int64Value(code)
		}
		m.FailMessage = stringOrNull(task.FailMsg)
	}
	m.apikleyOutputs = apikleyOutputsOf(task)
	return nil
}
