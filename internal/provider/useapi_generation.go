package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// Deletion policies of the useapi.net generation resources.
const (
	deletionPolicyDelete  = "DELETE"
	deletionPolicyAbandon = "ABANDON"
)

// taskCommon holds the attributes every useapi.net task shares, video or
// image: the options every create accepts, the provider's knobs and the
// task's outputs. generationCommon adds the video outputs; image models
// embed taskCommon through imageCommon.
type taskCommon struct {
	lifecycleFields

	// Inputs common to every create.
	Seed        types.Int64  `tfsdk:"seed"`
	ExploreMode types.Bool   `tfsdk:"explore_mode"`
	ReplyURL    types.String `tfsdk:"reply_url"`
	ReplyRef    types.String `tfsdk:"reply_ref"`
	MaxJobs     types.Int64  `tfsdk:"max_jobs"`

	DeletionPolicy types.String `tfsdk:"deletion_policy"`

	// Cost.
	EstimatedCredits types.Int64 `tfsdk:"estimated_credits"`
	CreditsUsed      types.Int64 `tfsdk:"credits_used"`

	// Outputs.
	TaskID    types.String  `tfsdk:"task_id"`
	Progress  types.Float64 `tfsdk:"progress"`
	CreatedAt types.String  `tfsdk:"created_at"`
	Error     types.String  `tfsdk:"error"`
	Artifacts types.List    `tfsdk:"artifacts"`
}

// generationCommon is taskCommon plus the outputs of a generated video: the
// first artifact's URL and asset id. Video resource models embed it.
type generationCommon struct {
	taskCommon
	VideoURL types.String `tfsdk:"video_url"`
	// OutputVideoAssetID: runway_expansion uses the name `video_asset_id`
	// for its input, so the one name that means "the generated video's
	// asset" on every resource is this one; some resources also expose it
	// as `video_asset_id` (generationWithVideoAssetID).
	OutputVideoAssetID types.String `tfsdk:"output_video_asset_id"`
}

// fill reads the task, then the first artifact as the generated video.
func (c *generationCommon) fill(ctx context.Context, task *useapi.Task, now time.Time) diag.Diagnostics {
	diags := c.taskCommon.fill(ctx, task, now)
	c.VideoURL, c.OutputVideoAssetID = firstArtifact(ctx, c.Artifacts)
	return diags
}

// generationWithVideoAssetID is embedded instead of generationCommon by the
// models whose own inputs leave the name `video_asset_id` free
// (runway_gen2_extension, runway_video_to_video): they expose the generated
// video's asset id under that name too, equal to `output_video_asset_id`.
type generationWithVideoAssetID struct {
	generationCommon
	VideoAssetID types.String `tfsdk:"video_asset_id"`
}

func (c *generationWithVideoAssetID) fill(ctx context.Context, t *useapi.Task, now time.Time) diag.Diagnostics {
	diags := c.generationCommon.fill(ctx, t, now)
	c.VideoAssetID = c.OutputVideoAssetID
	return diags
}

// options are the create options every useapi.net request embeds.
func (c *taskCommon) options() useapi.CreateOptions {
	return useapi.CreateOptions{
		Seed:        c.Seed.ValueInt64Pointer(),
		ExploreMode: c.ExploreMode.ValueBoolPointer(),
		ReplyURL:    c.ReplyURL.ValueStringPointer(),
		ReplyRef:    c.ReplyRef.ValueStringPointer(),
		MaxJobs:     c.MaxJobs.ValueInt64Pointer(),
	}
}

// newUseapiGeneration builds a useapi.net generation resource of model M
// on the engine.
func newUseapiGeneration[M any, P generationModel[M, *useapi.Task]](kind generationKind[P, *useapi.Task]) resource.Resource {
	return newGenerationResource[M, P, *useapi.Task](kind, useapiGateway{})
}

// useapiGateway is what useapi.net gives its generation resources.
type useapiGateway struct{}

func (useapiGateway) taskAPI(d *providerData) (taskBackend[*useapi.Task], diag.Diagnostics) {
	return useapiBackendOf(d)
}

func (useapiGateway) isFinal(status string) bool { return !useapiUnfinished(status) }

// useapiUnfinishedStatuses are the statuses of a useapi.net task still on
// its way. Every other status is final, including those the gateway does not
// document: a task cancelled in Runway's web app reports CANCELED and never
// moves again.
var useapiUnfinishedStatuses = []string{useapi.StatusPending, useapi.StatusRunning, useapi.StatusThrottled}

// useapiUnfinished reports whether a task with this status may still change.
func useapiUnfinished(status string) bool { return slices.Contains(useapiUnfinishedStatuses, status) }

func (useapiGateway) lifecycleDescription() string {
	return "Apply submits one paid task, saves its id in the state at once, waits for it and fills the outputs. " +
		"Every generation input forces a new generation; the other arguments never start a task: the knobs " +
		"`wait_for_completion`, `deletion_policy` and `timeouts`, and `reply_url`, `reply_ref` and `max_jobs`, which " +
		"only the create uses and which are recorded in place. Destroy deletes " +
		"the task and its artifacts from the account, or with `deletion_policy = \"ABANDON\"` keeps them."
}

func (useapiGateway) sharedAttributes() map[string]schema.Attribute {
	return mergeAttributes(commonInputAttributes(), useapiKnobAttributes(), generationOutputAttributes())
}

// adoptReported recovers, after an import, the common inputs a task reports.
func (c *taskCommon) adoptReported(t *useapi.Task) {
	c.Seed, c.ExploreMode, c.ReplyURL, c.ReplyRef = adoptCommon(c, t)
}

// remove implements deletion_policy. ABANDON calls nothing, so it needs no
// credentials: a generation can leave the state after its token was revoked.
func (c *taskCommon) remove(ctx context.Context, d *providerData) diag.Diagnostics {
	if c.DeletionPolicy.ValueString() == deletionPolicyAbandon {
		tflog.Info(ctx, "deletion_policy is ABANDON: the task and its artifacts stay on the account", map[string]any{"task_id": c.ID.ValueString()})
		return nil
	}
	client, diags := d.useapiClient()
	if diags.HasError() {
		return diags
	}
	return removeUseapiGeneration(ctx, client, c)
}

// fill copies everything the gateway reports about a task into c. Every
// output ends up known (a value or null), as Terraform requires after apply.
func (c *taskCommon) fill(ctx context.Context, task *useapi.Task, now time.Time) diag.Diagnostics {
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
	// Only create answers carry the account's credit figures: keep the
	// value recorded at submit when a later read has none.
	if used := creditsUsedOf(task); !used.IsNull() || c.CreditsUsed.IsUnknown() {
		c.CreditsUsed = used
	}
	if task.Status == useapi.StatusFailed {
		c.Error = types.StringValue(failureText(task))
	} else {
		c.Error = types.StringNull()
	}
	artifacts, d := artifactsFromTask(ctx, task, c.Artifacts, now)
	diags.Append(d...)
	c.Artifacts = artifacts
	return diags
}

// failureText combines the gateway's message, reason and moderation
// category of a failed task.
func failureText(t *useapi.Task) string {
	if s := t.FailureMessage(); s != "" {
		return s
	}
	return "the gateway reported FAILED without a reason"
}

// removeUseapiGeneration implements deletion_policy = DELETE: it removes the
// artifact assets and the task (404 counts as done). A task still running is first removed from the gateway's scheduler
// (DELETE /scheduler/{taskId}): that frees its maxJobs slot at once and
// stops its callback, but does not cancel it at Runway (no endpoint can):
// the generation finishes there and its credits are spent.
func removeUseapiGeneration(ctx context.Context, client *useapi.Client, c *taskCommon) diag.Diagnostics {
	var diags diag.Diagnostics
	if useapiUnfinished(c.Status.ValueString()) {
		// 404: the gateway no longer tracks it (final since the last
		// refresh, or removed already): nothing to free.
		if err := client.StopTracking(ctx, c.ID.ValueString()); err != nil && !useapi.IsNotFound(err) {
			diags.Append(gatewayErrorDiagnostic("Removing running Runway task "+c.ID.ValueString()+" from the gateway's scheduler failed", err)...)
			return diags
		}
		tflog.Info(ctx, "running task removed from the gateway's scheduler: its slot is free, Runway still finishes it", map[string]any{"task_id": c.ID.ValueString()})
	}
	var artifacts []artifactModel
	if !c.Artifacts.IsNull() && !c.Artifacts.IsUnknown() {
		diags.Append(c.Artifacts.ElementsAs(ctx, &artifacts, false)...)
	}
	for _, a := range artifacts {
		id := a.AssetID.ValueString()
		if id == "" {
			continue
		}
		if err := client.DeleteAsset(ctx, id); err != nil && !useapi.IsNotFound(err) {
			diags.Append(gatewayErrorDiagnostic("Deleting artifact asset "+id+" failed", err)...)
			return diags
		}
	}
	if err := client.DeleteTask(ctx, c.ID.ValueString()); err != nil && !useapi.IsNotFound(err) {
		diags.Append(gatewayErrorDiagnostic("Deleting Runway task "+c.ID.ValueString()+" failed", err)...)
	}
	return diags
}

// useapiBackend is the useapi.net task API seen by the generation engine.
type useapiBackend struct {
	client *useapi.Client
	opts   useapi.WaitOptions
	gates  *capacityGates
}

func useapiBackendOf(d *providerData) (taskBackend[*useapi.Task], diag.Diagnostics) {
	client, diags := d.useapiClient()
	if diags.HasError() {
		return nil, diags
	}
	return useapiBackend{client: client, opts: d.wait, gates: d.capacity}, diags
}

func (b useapiBackend) get(ctx context.Context, id string) (*useapi.Task, error) {
	return b.client.GetTask(ctx, id)
}

// wait polls until the task is final. A status the gateway does not
// document that persists (useapi.UnknownStatusError: a task cancelled in
// Runway's web app reports CANCELED) is a final verdict, not a failure to
// wait: the task is returned without error and failure reports it.
func (b useapiBackend) wait(ctx context.Context, id string, initial *useapi.Task, onPoll func(*useapi.Task)) (*useapi.Task, error) {
	opts := b.opts
	opts.OnPoll = onPoll
	opts.Initial = initial
	t, err := b.client.WaitForTask(ctx, id, opts)
	var unknown *useapi.UnknownStatusError
	if errors.As(err, &unknown) && t != nil {
		return t, nil
	}
	return t, err
}

func (useapiBackend) status(t *useapi.Task) string {
	if t == nil {
		return ""
	}
	return t.Status
}

// failure is the reason of a task that ended without a video: FAILED, or a
// status the gateway does not document that the wait gave up on.
func (useapiBackend) failure(t *useapi.Task) string {
	switch {
	case t == nil || useapi.IsKnownStatus(t.Status) && t.Status != useapi.StatusFailed:
		return ""
	case t.Status == useapi.StatusFailed:
		return failureText(t)
	}
	return unknownStatusText(t.Status)
}

// unknownStatusText explains a status the gateway does not document.
func unknownStatusText(status string) string {
	return fmt.Sprintf("Runway reported the status %q, which the gateway does not document (a task cancelled in Runway's "+
		"web app reports CANCELED); it did not change over %d polls, so the task is treated as finished without a video",
		status, useapi.DefaultUnknownStatusPolls)
}

func (useapiBackend) isNotFound(err error) bool { return useapi.IsNotFound(err) }

func (b useapiBackend) capacity(account string) *capacityGate { return b.gates.forAccount(account) }
