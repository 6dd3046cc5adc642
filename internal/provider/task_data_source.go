package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// defaultTaskReadTimeout bounds a runway_task wait when timeouts.read is unset.
const defaultTaskReadTimeout = 30 * time.Minute

var _ datasource.DataSourceWithConfigure = (*taskDataSource)(nil)

// taskDataSource is runway_task: one useapi.net task by id, optionally
// waiting for it to finish (a task started by another pipeline).
type taskDataSource struct {
	configuredDataSource
}

func newTaskDataSource() datasource.DataSource { return &taskDataSource{} }

type taskDataSourceModel struct {
	taskQuery
	Name         types.String  `tfsdk:"name"`
	TaskType     types.String  `tfsdk:"task_type"`
	Status       types.String  `tfsdk:"status"`
	Progress     types.Float64 `tfsdk:"progress"`
	CreatedAt    types.String  `tfsdk:"created_at"`
	UpdatedAt    types.String  `tfsdk:"updated_at"`
	Error        types.String  `tfsdk:"error"`
	OptionsJSON  types.String  `tfsdk:"options_json"`
	ReplyURL     types.String  `tfsdk:"reply_url"`
	ReplyRef     types.String  `tfsdk:"reply_ref"`
	Artifacts    types.List    `tfsdk:"artifacts"`
	VideoURL     types.String  `tfsdk:"video_url"`
	VideoAssetID types.String  `tfsdk:"video_asset_id"`
}

func (d *taskDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_task"
}

func (d *taskDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Runway task of the useapi.net gateway by id (`GET /tasks/{taskId}`): status, " +
			"progress, error, options and artifacts. With `wait_for_completion = true` it waits until the task " +
			"succeeds or fails, so a pipeline can pick up a task started elsewhere.",
		Attributes: map[string]schema.Attribute{
			"task_id": schema.StringAttribute{
				MarkdownDescription: "Task id (`user:<id>-runwayml:<email>-task:<uuid>`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"wait_for_completion": schema.BoolAttribute{
				MarkdownDescription: "Wait until the task is `SUCCEEDED` or `FAILED` (within `timeouts.read`, default 30m). " +
					"A `FAILED` task is not an error here: read `status` and `error`.",
				Optional: true,
			},
			"timeouts":  timeouts.Attributes(ctx),
			"id":        computed("The task id."),
			"name":      computed("Task name given by Runway."),
			"task_type": computed("Task type, e.g. `gen2`, `gen3a`, `gen3a_turbo`."),
			"status": computed("`PENDING`, `RUNNING`, `THROTTLED`, `SUCCEEDED` or `FAILED` (only the last two are final), or a " +
				"status the gateway does not document, reported as is (a task cancelled in Runway's web app reports `CANCELED`); " +
				"with `wait_for_completion`, one that persists over 3 polls ends the wait."),
			"progress":     schema.Float64Attribute{Computed: true, MarkdownDescription: "Progress `0`…`1`; null before the task starts."},
			"created_at":   computed("Creation time (RFC 3339)."),
			"updated_at":   computed("Last update time (RFC 3339)."),
			"error":        computed("Why the task failed (message, reason and moderation category); null unless `FAILED`."),
			"options_json": computed("The task's options as the gateway reports them, as JSON (their shape depends on the task type): use `jsondecode()`."),
			"reply_url": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Always null: `GET /tasks/{taskId}` does not report a task's callback URL (only the " +
					"create answer does). Kept so that configurations referring to it still work; it will be removed.",
				DeprecationMessage: "GET /tasks/{taskId} does not report replyUrl: this attribute is always null and will be removed.",
			},
			"reply_ref": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Always null: `GET /tasks/{taskId}` does not report the reference given at submit (only " +
					"the create answer does). Kept so that configurations referring to it still work; it will be removed.",
				DeprecationMessage: "GET /tasks/{taskId} does not report replyRef: this attribute is always null and will be removed.",
			},
			"artifacts":      artifactsDataSourceAttribute(),
			"video_url":      computed("URL of the first artifact; null until the task has succeeded."),
			"video_asset_id": computed("Asset id of the first artifact, to feed a generation."),
		},
	}
}

func (d *taskDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	backend, diags := useapiBackendOf(d.data)
	readTaskDataSource[*useapi.Task, taskDataSourceModel](ctx, d.data, taskReader{gateway: "Runway", statusWord: "status"}, backend, diags, req, resp)
}

// report copies what GET /tasks/{taskId} says into the model.
func (m *taskDataSourceModel) report(ctx context.Context, task *useapi.Task) diag.Diagnostics {
	m.setID(task.TaskID)
	m.Name, m.TaskType = stringOrNull(task.Name), stringOrNull(task.TaskType)
	m.UpdatedAt = stringOrNull(task.UpdatedAt)
	m.OptionsJSON = rawJSONOrNull(task.Options)
	// The gateway reports neither on GET /tasks (see the schema).
	m.ReplyURL, m.ReplyRef = types.StringNull(), types.StringNull()

	var outputs generationCommon
	outputs.Artifacts = types.ListNull(artifactObjectType)
	diags := outputs.fill(ctx, task, time.Now())
	m.Status, m.Progress, m.CreatedAt, m.Error = outputs.Status, outputs.Progress, outputs.CreatedAt, outputs.Error
	m.Artifacts, m.VideoURL, m.VideoAssetID = outputs.Artifacts, outputs.VideoURL, outputs.OutputVideoAssetID
	return diags
}

func stringPtrOrNull(s *string) types.String {
	if s == nil || *s == "" {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

// rawJSONOrNull exposes an open-shaped JSON value as a string attribute.
func rawJSONOrNull(raw []byte) types.String {
	s := string(raw)
	if s == "" || s == "null" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

var _ attr.Value = types.Float64{}
