package provider

import (
	"context"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// Deletion policies of the useapi.net generation resources.
const (
	deletionPolicyDelete  = "DELETE"
	deletionPolicyAbandon = "ABANDON"
)

// generationCommon holds the attributes every useapi.net generation resource
// shares: the options every create accepts, the provider's knobs and the
// task's outputs. Resource models embed it.
type generationCommon struct {
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

// useapiSpec is what a useapi.net generation resource declares: its own
// inputs and how they map onto its create request.
type useapiSpec[M any] struct {
	name             string
	description      string
	inputs           map[string]schema.Attribute
	configValidators []resource.ConfigValidator
	// common returns the embedded generationCommon of a model.
	common func(m *M) *generationCommon
	// submit sends the create request for a model.
	submit func(ctx context.Context, client *useapi.Client, m *M) (*useapi.Task, error)
	// imported reports whether a model's required inputs are unknown to
	// the state, which only happens right after an import.
	imported func(m *M) bool
	// adopt fills, after an import, the inputs the task reports (prompt,
	// seconds…); inputs it cannot recover stay null and are taken from the
	// configuration by the next apply without a new task.
	adopt func(m *M, task *useapi.Task)
	// videoAssetIDOutput, when set, returns the model's `video_asset_id`
	// output, kept equal to `output_video_asset_id`.
	videoAssetIDOutput func(m *M) *types.String
	// estimate prices a planned generation with the provider's rates and
	// describes it for diagnostics.
	estimate func(ctx context.Context, d *providerData, m *M) (estimate, string)
}

// newUseapiGeneration builds a useapi.net generation resource on the engine.
func newUseapiGeneration[M any](spec useapiSpec[M]) resource.Resource {
	return &generationResource[M, *useapi.Task]{kind: generationKind[M, *useapi.Task]{
		name:             spec.name,
		description:      spec.description,
		configValidators: spec.configValidators,
		attributes: mergeAttributes(
			spec.inputs,
			commonInputAttributes(),
			useapiKnobAttributes(),
			generationOutputAttributes(),
		),
		lifecycle: func(m *M) *lifecycleFields { return &spec.common(m).lifecycleFields },
		backend:   useapiBackendOf,
		submit: func(ctx context.Context, d *providerData, m *M) (*useapi.Task, error) {
			return spec.submit(ctx, d.useapi, m)
		},
		fill: func(ctx context.Context, m *M, t *useapi.Task, now time.Time) diag.Diagnostics {
			c := spec.common(m)
			diags := fillFromTask(ctx, c, t, now)
			if spec.videoAssetIDOutput != nil {
				*spec.videoAssetIDOutput(m) = c.VideoAssetID
			}
			return diags
		},
		remove: func(ctx context.Context, d *providerData, m *M) diag.Diagnostics {
			return removeUseapiGeneration(ctx, d.useapi, spec.common(m))
		},
		afterRead: func(m *M, t *useapi.Task) {
			if spec.imported(m) {
				spec.adopt(m, t)
				c := spec.common(m)
				c.Seed, c.ExploreMode, c.ReplyURL, c.ReplyRef = adoptCommon(c, t)
			}
		},
		estimate: spec.estimate,
		importState: func(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("task_id"), req.ID)...)
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_policy"), deletionPolicyDelete)...)
		},
	}}
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
	c.VideoURL, c.VideoAssetID = firstArtifact(ctx, artifacts)
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

// removeUseapiGeneration implements deletion_policy: DELETE removes the
// artifact assets and the task (404 counts as done), ABANDON keeps them.
func removeUseapiGeneration(ctx context.Context, client *useapi.Client, c *generationCommon) diag.Diagnostics {
	var diags diag.Diagnostics
	if c.DeletionPolicy.ValueString() == deletionPolicyAbandon {
		tflog.Info(ctx, "deletion_policy is ABANDON: the task and its artifacts stay on the account", map[string]any{"task_id": c.ID.ValueString()})
		return diags
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
			diags.Append(useapiErrorDiagnostic("Deleting artifact asset "+id+" failed", err)...)
			return diags
		}
	}
	if err := client.DeleteTask(ctx, c.ID.ValueString()); err != nil && !useapi.IsNotFound(err) {
		diags.Append(useapiErrorDiagnostic("Deleting Runway task "+c.ID.ValueString()+" failed", err)...)
	}
	return diags
}

// useapiBackend is the useapi.net task API seen by the generation engine.
type useapiBackend struct {
	client *useapi.Client
	opts   useapi.WaitOptions
	gate   *capacityGate
}

func useapiBackendOf(d *providerData) (taskBackend[*useapi.Task], diag.Diagnostics) {
	client, diags := d.useapiClient()
	if diags.HasError() {
		return nil, diags
	}
	return useapiBackend{client: client, opts: d.wait, gate: d.capacity}, diags
}

func (b useapiBackend) get(ctx context.Context, id string) (*useapi.Task, error) {
	return b.client.GetTask(ctx, id)
}

func (b useapiBackend) wait(ctx context.Context, id string, initial *useapi.Task, onPoll func(*useapi.Task)) (*useapi.Task, error) {
	opts := b.opts
	opts.OnPoll = onPoll
	opts.Initial = initial
	return b.client.WaitForTask(ctx, id, opts)
}

func (useapiBackend) status(t *useapi.Task) string {
	if t == nil {
		return ""
	}
	return t.Status
}

func (useapiBackend) terminal(status string) bool { return useapi.IsTerminal(status) }

func (useapiBackend) failure(t *useapi.Task) string {
	if t == nil || t.Status != useapi.StatusFailed {
		return ""
	}
	return failureText(t)
}

func (useapiBackend) isNotFound(err error) bool { return useapi.IsNotFound(err) }

func (useapiBackend) errorDiagnostic(summary string, err error) diag.Diagnostics {
	return useapiErrorDiagnostic(summary, err)
}

func (b useapiBackend) capacity() *capacityGate { return b.gate }

// isOutcomeUnknown reports whether a create's fate is unknown on any gateway.
func isOutcomeUnknown(err error) bool {
	return useapi.IsOutcomeUnknown(err) || apikley.IsOutcomeUnknown(err)
}
