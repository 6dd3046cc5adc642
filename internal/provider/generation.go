package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// Deletion policies of the generation resources.
const (
	deletionPolicyDelete  = "DELETE"
	deletionPolicyAbandon = "ABANDON"
)

// Default deadlines. A relaxed (explore mode) generation can queue for a
// long time, hence the generous create default.
const (
	defaultCreateTimeout = 2 * time.Hour
	defaultUpdateTimeout = 2 * time.Hour
	defaultDeleteTimeout = 10 * time.Minute
)

// generationCommon holds the attributes every useapi.net generation resource
// shares: the options every create accepts, the provider's knobs and the
// task's outputs. Resource models embed it.
type generationCommon struct {
	// Inputs common to every create.
	Seed        types.Int64  `tfsdk:"seed"`
	ExploreMode types.Bool   `tfsdk:"explore_mode"`
	ReplyURL    types.String `tfsdk:"reply_url"`
	ReplyRef    types.String `tfsdk:"reply_ref"`
	MaxJobs     types.Int64  `tfsdk:"max_jobs"`

	// Knobs.
	WaitForCompletion types.Bool     `tfsdk:"wait_for_completion"`
	DeletionPolicy    types.String   `tfsdk:"deletion_policy"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`

	// Outputs.
	ID        types.String  `tfsdk:"id"`
	TaskID    types.String  `tfsdk:"task_id"`
	Status    types.String  `tfsdk:"status"`
	Progress  types.Float64 `tfsdk:"progress"`
	CreatedAt types.String  `tfsdk:"created_at"`
	Error     types.String  `tfsdk:"error"`
	Artifacts types.List    `tfsdk:"artifacts"`
	VideoURL  types.String  `tfsdk:"video_url"`
	// VideoAssetID is `output_video_asset_id`: runway_expansion uses the
	// name `video_asset_id` for its input, so the one name that means "the
	// generated video's asset" on every resource is this one; the other
	// resources also expose it as `video_asset_id` (see videoAssetIDOutput).
	VideoAssetID types.String `tfsdk:"output_video_asset_id"`
}

// commonOptions are the create options shared by every request struct.
type commonOptions struct {
	Seed        *int64
	ExploreMode *bool
	ReplyURL    *string
	ReplyRef    *string
	MaxJobs     *int64
}

func (c *generationCommon) options() commonOptions {
	return commonOptions{
		Seed:        c.Seed.ValueInt64Pointer(),
		ExploreMode: c.ExploreMode.ValueBoolPointer(),
		ReplyURL:    c.ReplyURL.ValueStringPointer(),
		ReplyRef:    c.ReplyRef.ValueStringPointer(),
		MaxJobs:     c.MaxJobs.ValueInt64Pointer(),
	}
}

// generationKind is what distinguishes one generation resource from another:
// its name, its own inputs and how they map onto a create request. The
// engine (generationResource) does everything else.
type generationKind[M any] struct {
	// name is the resource type name without the provider prefix.
	name string
	// description is the resource's markdown description.
	description string
	// inputs are the resource's own generation inputs.
	inputs map[string]schema.Attribute
	// configValidators are cross-attribute checks run at plan time.
	configValidators []resource.ConfigValidator
	// common returns the embedded generationCommon of a model.
	common func(m *M) *generationCommon
	// submit sends the create request for a model.
	submit func(ctx context.Context, client *useapi.Client, m *M) (*useapi.Task, error)
	// adopt fills, after an import, the inputs the task reports (prompt,
	// seed…); inputs it cannot recover stay null and are taken from the
	// configuration by the next apply without a new task.
	adopt func(m *M, task *useapi.Task)
	// videoAssetIDOutput, when set, returns the model's `video_asset_id`
	// output, kept equal to `output_video_asset_id`.
	videoAssetIDOutput func(m *M) *types.String
	// imported reports whether a model's required inputs are unknown to the
	// state, which only happens right after an import.
	imported func(m *M) bool
}

// generationResource is the engine shared by the useapi.net generation
// resources: submit → save the task id → wait → read the artifacts.
type generationResource[M any] struct {
	kind generationKind[M]
	data *providerData
}

var (
	_ resource.ResourceWithConfigure        = (*generationResource[struct{}])(nil)
	_ resource.ResourceWithImportState      = (*generationResource[struct{}])(nil)
	_ resource.ResourceWithConfigValidators = (*generationResource[struct{}])(nil)
)

func (r *generationResource[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.name
}

func (r *generationResource[M]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: r.kind.description,
		Attributes: mergeAttributes(
			r.kind.inputs,
			commonInputAttributes(),
			knobAttributes(ctx),
			generationOutputAttributes(),
		),
	}
}

func (r *generationResource[M]) ConfigValidators(context.Context) []resource.ConfigValidator {
	return r.kind.configValidators
}

func (r *generationResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *generationResource[M]) typeName() string { return "runway_" + r.kind.name }

func (r *generationResource[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx = r.data.withMasking(ctx)
	var m M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.kind.common(&m)
	client, diags := r.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	timeout, diags := c.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if err := r.data.capacity.beforeSubmit(ctx); err != nil {
		resp.Diagnostics.AddError("Generation not submitted",
			fmt.Sprintf("Waiting for a free slot on the account ended (%v) before anything was submitted; no task was created and nothing was charged.", err))
		return
	}
	task, err := r.kind.submit(ctx, client, &m)
	if err != nil {
		resp.Diagnostics.Append(submitErrorDiagnostic(r.typeName(), err)...)
		return
	}
	r.data.capacity.submitted()
	tflog.Info(ctx, "Runway task submitted", map[string]any{"task_id": task.TaskID, "resource": r.typeName(), "status": task.Status})

	// The task exists and is paid for from here on: its id goes into the
	// state before anything else can go wrong.
	resp.Diagnostics.Append(fillFromTask(ctx, c, task, time.Now())...)
	r.syncAliases(&m)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if resp.Diagnostics.HasError() || !c.WaitForCompletion.ValueBool() {
		if !resp.Diagnostics.HasError() {
			r.releaseIfTerminal(task.Status)
		}
		return
	}
	r.wait(ctx, &m, &resp.State, &resp.Diagnostics, timeout, true)
}

// wait polls the task of m until it is final or ctx ends, and writes what
// it learnt to state whatever the outcome.
func (r *generationResource[M]) wait(ctx context.Context, m *M, state *tfsdk.State, diags *diag.Diagnostics, timeout time.Duration, creating bool) {
	c := r.kind.common(m)
	client, d := r.data.useapiClient()
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	taskID := c.TaskID.ValueString()
	opts := r.data.wait
	opts.OnPoll = func(t *useapi.Task) {
		fields := map[string]any{"task_id": taskID, "status": t.Status}
		if p, ok := t.Progress(); ok {
			fields["progress"] = p
		}
		tflog.Debug(ctx, "Runway task polled", fields)
		r.releaseIfTerminal(t.Status)
	}
	started := time.Now()
	task, err := client.WaitForTask(ctx, taskID, opts)
	if task != nil {
		diags.Append(fillFromTask(ctx, c, task, time.Now())...)
		r.syncAliases(m)
	}
	diags.Append(state.Set(ctx, m)...)
	tflog.Info(ctx, "Runway task wait ended", map[string]any{
		"task_id": taskID, "status": c.Status.ValueString(), "waited_ms": time.Since(started).Milliseconds(),
	})

	switch {
	case err != nil && ctx.Err() != nil:
		diags.AddError(waitInterruptedSummary(ctx), waitInterruptedDetail(r.typeName(), c, ctx, timeout, creating))
	case err != nil:
		diags.Append(gatewayErrorDiagnostic("Waiting for Runway task "+taskID+" failed", err)...)
	case task != nil && task.Status == useapi.StatusFailed:
		diags.AddError("Runway generation failed",
			fmt.Sprintf("Runway task %s failed: %s\n\nThe task id is kept in the state. Terraform marks the resource as tainted: "+
				"the next apply submits a new generation (and pays for it again). Change the inputs first if the "+
				"failure was a moderation of the prompt or the input.", taskID, failureText(task)))
	}
}

// syncAliases copies outputs exposed under a second name.
func (r *generationResource[M]) syncAliases(m *M) {
	if r.kind.videoAssetIDOutput != nil {
		*r.kind.videoAssetIDOutput(m) = r.kind.common(m).VideoAssetID
	}
}

func (r *generationResource[M]) releaseIfTerminal(status string) {
	if useapi.IsTerminal(status) {
		r.data.capacity.release()
	}
}

func waitInterruptedSummary(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "Timed out waiting for the Runway generation"
	}
	return "Waiting for the Runway generation was interrupted"
}

func waitInterruptedDetail(typeName string, c *generationCommon, ctx context.Context, timeout time.Duration, creating bool) string {
	progress := ""
	if !c.Progress.IsNull() {
		progress = fmt.Sprintf(", progress %.0f%%", c.Progress.ValueFloat64()*100)
	}
	why := "the wait was interrupted"
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		why = fmt.Sprintf("the wait reached its timeout (%s)", timeout)
	}
	msg := fmt.Sprintf("Runway task %s is still %s%s: %s. The task was NOT cancelled: it keeps running on the "+
		"account and its credits are spent. Its id and last status are saved in the state.\n\n",
		c.TaskID.ValueString(), c.Status.ValueString(), progress, why)
	if creating {
		msg += fmt.Sprintf("To keep waiting for this same task without paying again, run:\n\n"+
			"  terraform untaint %s.<name>\n  terraform apply\n\n"+
			"(raise timeouts.create if it needs longer). A plain `terraform apply` without untaint would replace "+
			"the resource and pay for a new generation.", typeName)
	} else {
		msg += "Run `terraform apply` again to keep waiting for the same task (raise timeouts.update if it needs longer); no new task is submitted."
	}
	return msg
}

// failureText combines the gateway's message, reason and moderation
// category of a failed task.
func failureText(t *useapi.Task) string {
	if s := t.FailureMessage(); s != "" {
		return s
	}
	return "the gateway reported FAILED without a reason"
}

// fillFromTask copies everything the gateway reports about a task into c.
// Every output ends up known (a value or null), as Terraform requires after
// apply.
func fillFromTask(ctx context.Context, c *generationCommon, task *useapi.Task, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	if task.TaskID != "" {
		c.ID = types.StringValue(task.TaskID)
		c.TaskID = types.StringValue(task.TaskID)
	}
	c.Status = stringOrNull(task.Status)
	if p, ok := task.Progress(); ok {
		c.Progress = types.Float64Value(math.Round(p*1e4) / 1e4)
	} else if task.Status == useapi.StatusSucceeded {
		c.Progress = types.Float64Value(1)
	} else {
		c.Progress = types.Float64Null()
	}
	c.CreatedAt = stringOrNull(task.CreatedAt)
	if task.Status == useapi.StatusFailed {
		c.Error = types.StringValue(failureText(task))
	} else {
		c.Error = types.StringNull()
	}
	artifacts, d := artifactsFromTask(ctx, task, c.Artifacts, now)
	diags.Append(d...)
	c.Artifacts = artifacts
	c.VideoURL, c.VideoAssetID = firstArtifact(ctx, artifacts)
	return diags
}

func (r *generationResource[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx = r.data.withMasking(ctx)
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.kind.common(&m)
	client, diags := r.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	task, err := client.GetTask(ctx, c.TaskID.ValueString())
	if useapi.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Runway task no longer exists",
			fmt.Sprintf("The gateway no longer knows task %s (404): it was deleted outside Terraform, or has expired. "+
				"It is removed from the state; the next apply creates a new generation (and pays for it) if the "+
				"resource is still configured.", c.TaskID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Reading Runway task "+c.TaskID.ValueString()+" failed", err)...)
		return
	}
	if r.kind.imported(&m) {
		r.kind.adopt(&m, task)
		c.Seed, c.ExploreMode, c.ReplyURL, c.ReplyRef = adoptCommon(c, task)
	}
	resp.Diagnostics.Append(fillFromTask(ctx, c, task, time.Now())...)
	r.syncAliases(&m)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update only ever changes knobs (every input forces replacement), adopts
// the configured inputs after an import, and waits for an unfinished task
// when the configuration asks to.
func (r *generationResource[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx = r.data.withMasking(ctx)
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pc, sc := r.kind.common(&plan), r.kind.common(&state)
	pc.ID, pc.TaskID, pc.Status, pc.Progress = sc.ID, sc.TaskID, sc.Status, sc.Progress
	pc.CreatedAt, pc.Error, pc.Artifacts = sc.CreatedAt, sc.Error, sc.Artifacts
	pc.VideoURL, pc.VideoAssetID = sc.VideoURL, sc.VideoAssetID
	r.syncAliases(&plan)
	// The inputs are now the configuration's: no further adoption.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyAdoptInputs, nil)...)

	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !pc.WaitForCompletion.ValueBool() || useapi.IsTerminal(pc.Status.ValueString()) {
		return
	}
	timeout, diags := pc.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.wait(ctx, &plan, &resp.State, &resp.Diagnostics, timeout, false)
}

func (r *generationResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx = r.data.withMasking(ctx)
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.kind.common(&m)
	if !useapi.IsTerminal(c.Status.ValueString()) {
		resp.Diagnostics.AddWarning("Unfinished Runway task left running",
			fmt.Sprintf("Task %s is %s. Runway tasks cannot be cancelled: it keeps running on the account and its credits are not refunded.",
				c.TaskID.ValueString(), c.Status.ValueString()))
	}
	if c.DeletionPolicy.ValueString() == deletionPolicyAbandon {
		tflog.Info(ctx, "deletion_policy is ABANDON: the task and its artifacts stay on the account", map[string]any{"task_id": c.TaskID.ValueString()})
		return
	}
	client, diags := r.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	timeout, diags := c.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var artifacts []artifactModel
	if !c.Artifacts.IsNull() && !c.Artifacts.IsUnknown() {
		resp.Diagnostics.Append(c.Artifacts.ElementsAs(ctx, &artifacts, false)...)
	}
	for _, a := range artifacts {
		id := a.AssetID.ValueString()
		if id == "" {
			continue
		}
		if err := client.DeleteAsset(ctx, id); err != nil && !useapi.IsNotFound(err) {
			resp.Diagnostics.Append(gatewayErrorDiagnostic("Deleting artifact asset "+id+" failed", err)...)
			return
		}
	}
	if err := client.DeleteTask(ctx, c.TaskID.ValueString()); err != nil && !useapi.IsNotFound(err) {
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Deleting Runway task "+c.TaskID.ValueString()+" failed", err)...)
	}
}

// ImportState takes a task id; Read then fills every attribute the gateway
// reports.
func (r *generationResource[M]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resp.Diagnostics.AddError("Missing task id", "Import a generation by its task id: terraform import "+r.typeName()+".<name> 'user:<id>-runwayml:<email>-task:<uuid>'")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("task_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_completion"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_policy"), deletionPolicyDelete)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyAdoptInputs, []byte(`true`))...)
}

// submitErrorDiagnostic explains a failed create. Whether a task may exist
// matters most: an unknown outcome must not be retried blindly.
func submitErrorDiagnostic(typeName string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	var unknown *transport.OutcomeUnknownError
	if errors.As(err, &unknown) {
		diags.AddError("Runway generation outcome unknown",
			fmt.Sprintf("The connection to the gateway failed after the create request was sent (%v). The gateway may "+
				"have accepted it and started a paid task, so the provider did not resubmit it. Nothing is saved in the "+
				"state. Check the account's tasks (the runway_task data source, or GET /tasks/) before applying again: "+
				"if the task exists, import it with `terraform import %s.<name> <task id>` instead of paying twice.", err, typeName))
		return diags
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		diags.AddError("Generation not submitted",
			fmt.Sprintf("The create did not complete before the deadline or interrupt (%v). The gateway refused every attempt "+
				"so far (429: account busy), so no task was created and nothing was charged. Raise timeouts.create or "+
				"lower the number of generations per apply.", err))
		return diags
	}
	return gatewayErrorDiagnostic("Runway generation not submitted", err)
}

// gatewayErrorDiagnostic shows the gateway's message verbatim plus what to do.
func gatewayErrorDiagnostic(summary string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	var apiErr *useapi.APIError
	if errors.As(err, &apiErr) {
		detail := apiErr.Error()
		if hint := apiErr.Hint(); hint != "" {
			detail += "\n\n" + hint
		}
		diags.AddError(summary, detail)
		return diags
	}
	diags.AddError(summary, err.Error())
	return diags
}
