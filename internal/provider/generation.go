package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// Default deadlines. A relaxed (explore mode) generation can queue for a
// long time, hence the generous create default.
const (
	defaultCreateTimeout = 2 * time.Hour
	defaultUpdateTimeout = 2 * time.Hour
	defaultDeleteTimeout = 10 * time.Minute
)

// lifecycleFields are the attributes the generation engine itself reads and
// writes on every generation resource, whatever the gateway.
type lifecycleFields struct {
	WaitForCompletion types.Bool     `tfsdk:"wait_for_completion"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	ID                types.String   `tfsdk:"id"`
	Status            types.String   `tfsdk:"status"`
}

// taskBackend adapts one gateway's task API (T is its task type) to the
// generation engine.
type taskBackend[T any] interface {
	// get reads a task once.
	get(ctx context.Context, id string) (T, error)
	// wait polls until the task is final or ctx ends; it then returns the
	// last task seen (possibly nil) with an error wrapping ctx.Err().
	// initial, when not nil, is the task as the create answered it: the
	// first poll is then planned from it instead of being sent at once.
	wait(ctx context.Context, id string, initial T, onPoll func(T)) (T, error)
	// status is the task's status ("" for a nil task).
	status(t T) string
	// terminal reports whether a status is final.
	terminal(status string) bool
	// failure is the reason of a failed task, "" unless it failed.
	failure(t T) string
	// isNotFound reports whether err means the gateway does not know the id.
	isNotFound(err error) bool
	// errorDiagnostic renders a gateway error with what to do about it.
	errorDiagnostic(summary string, err error) diag.Diagnostics
	// capacity is the gate pacing creates against the account's capacity,
	// nil when the gateway has none to pace.
	capacity() *capacityGate
}

// generationKind is what distinguishes one generation resource from
// another. The engine (generationResource) does everything else.
type generationKind[M any, T any] struct {
	// name is the resource type name without the provider prefix.
	name string
	// description is the resource's markdown description.
	description string
	// attributes is the complete schema.
	attributes map[string]schema.Attribute
	// configValidators are cross-attribute checks run at plan time.
	configValidators []resource.ConfigValidator
	// lifecycle returns the engine's fields of a model.
	lifecycle func(m *M) *lifecycleFields
	// backend returns the gateway's task API, or why it is not configured.
	backend func(d *providerData) (taskBackend[T], diag.Diagnostics)
	// submit sends the create request for a model and returns the new task.
	submit func(ctx context.Context, d *providerData, m *M) (T, error)
	// fill copies everything the gateway reports about a task into the
	// model's outputs (including lifecycle ID and Status), leaving none
	// unknown.
	fill func(ctx context.Context, m *M, t T, now time.Time) diag.Diagnostics
	// remove implements destroy.
	remove func(ctx context.Context, d *providerData, m *M) diag.Diagnostics
	// afterRead, when set, runs after a successful refresh (import adoption).
	afterRead func(m *M, t T)
	// importState, when set, completes the state of an import after the
	// id and the engine's knobs were set.
	importState func(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse)
	// estimate, when set, prices a planned create; the result is the
	// `estimated_credits` attribute and counts against the provider's
	// max_credits_per_apply. describe names the generation in diagnostics.
	estimate func(ctx context.Context, d *providerData, m *M) (e estimate, describe string)
}

// generationResource is the engine shared by every generation resource:
// submit → save the task id at once → wait → read the outputs, with the
// same guarantees on failure, timeout and interrupt for every gateway.
type generationResource[M any, T any] struct {
	configuredResource
	kind generationKind[M, T]
}

var (
	_ resource.ResourceWithConfigure        = (*generationResource[struct{}, any])(nil)
	_ resource.ResourceWithImportState      = (*generationResource[struct{}, any])(nil)
	_ resource.ResourceWithConfigValidators = (*generationResource[struct{}, any])(nil)
	_ resource.ResourceWithModifyPlan       = (*generationResource[struct{}, any])(nil)
)

func (r *generationResource[M, T]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.name
}

func (r *generationResource[M, T]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: r.kind.description,
		Attributes:          r.kind.attributes,
	}
}

func (r *generationResource[M, T]) ConfigValidators(context.Context) []resource.ConfigValidator {
	return r.kind.configValidators
}

// ModifyPlan prices each planned create, so that `terraform plan` shows what
// an apply will spend before it is approved, and refuses a plan whose new
// generations together exceed max_credits_per_apply. Existing generations
// keep their estimate (a plan that changes nothing costs nothing).
func (r *generationResource[M, T]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() || r.kind.estimate == nil {
		return
	}
	var m M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e, describe := r.kind.estimate(ctx, r.data, &m)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("estimated_credits"), e.credits)...)
	if r.data == nil || r.data.budget == nil {
		return
	}
	if ok, total, list := r.data.budget.add(r.typeName()+" "+describe, e); !ok {
		resp.Diagnostics.AddError("Plan exceeds max_credits_per_apply",
			fmt.Sprintf("The generations this plan creates are estimated at %d credits so far, over the provider's "+
				"max_credits_per_apply of %d. Nothing was submitted. Planned generations:\n%s\n\n"+
				"Apply fewer generations at once (-target), use explore_mode where the plan allows it, or raise max_credits_per_apply.",
				total, r.data.budget.limit, list))
	}
}

func (r *generationResource[M, T]) typeName() string { return "runway_" + r.kind.name }

func (r *generationResource[M, T]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx = r.data.withMasking(ctx)
	var m M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lc := r.kind.lifecycle(&m)
	backend, diags := r.kind.backend(r.data)
	resp.Diagnostics.Append(diags...)
	timeout, diags := lc.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	gate := backend.capacity()
	if gate != nil {
		if err := gate.beforeSubmit(ctx); err != nil {
			resp.Diagnostics.AddError("Generation not submitted",
				fmt.Sprintf("Waiting for a free slot on the account ended (%v) before anything was submitted; no task was created and nothing was charged.", err))
			return
		}
	}
	task, err := r.kind.submit(ctx, r.data, &m)
	if err != nil {
		resp.Diagnostics.Append(submitErrorDiagnostic(r.typeName(), backend, err)...)
		return
	}
	if gate != nil {
		gate.submitted()
	}

	// The task exists and is paid for from here on: its id goes into the
	// state before anything else can go wrong.
	resp.Diagnostics.Append(r.kind.fill(ctx, &m, task, time.Now())...)
	tflog.Info(ctx, "Runway task submitted", map[string]any{"task_id": lc.ID.ValueString(), "resource": r.typeName(), "status": lc.Status.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !lc.WaitForCompletion.ValueBool() {
		r.releaseIfTerminal(backend, lc.Status.ValueString())
		return
	}
	r.wait(ctx, backend, &m, task, &resp.State, &resp.Diagnostics, timeout, true)
}

// wait polls the task of m until it is final or ctx ends, and writes what
// it learnt to state whatever the outcome.
func (r *generationResource[M, T]) wait(ctx context.Context, backend taskBackend[T], m *M, initial T, state *tfsdk.State, diags *diag.Diagnostics, timeout time.Duration, creating bool) {
	lc := r.kind.lifecycle(m)
	taskID := lc.ID.ValueString()
	started := time.Now()
	if st := backend.status(initial); st != "" && backend.terminal(st) {
		// Final in the create answer itself: no poll will announce it.
		r.releaseIfTerminal(backend, st)
	}
	task, err := backend.wait(ctx, taskID, initial, func(t T) {
		tflog.Debug(ctx, "Runway task polled", map[string]any{"task_id": taskID, "status": backend.status(t)})
		r.releaseIfTerminal(backend, backend.status(t))
	})
	if backend.status(task) != "" {
		diags.Append(r.kind.fill(ctx, m, task, time.Now())...)
	}
	diags.Append(state.Set(ctx, m)...)
	tflog.Info(ctx, "Runway task wait ended", map[string]any{
		"task_id": taskID, "status": lc.Status.ValueString(), "waited_ms": time.Since(started).Milliseconds(),
	})

	switch {
	case err != nil && ctx.Err() != nil:
		diags.AddError(waitInterruptedSummary(ctx), waitInterruptedDetail(r.typeName(), lc, ctx, timeout, creating))
	case err != nil:
		diags.Append(backend.errorDiagnostic("Waiting for Runway task "+taskID+" failed", err)...)
	default:
		if reason := backend.failure(task); reason != "" {
			diags.AddError("Runway generation failed",
				fmt.Sprintf("Runway task %s failed: %s\n\nThe task id is kept in the state. Terraform marks the resource as tainted: "+
					"the next apply submits a new generation (and pays for it again). Change the inputs first if the "+
					"failure was a moderation of the prompt or the input.", taskID, reason))
		}
	}
}

func (r *generationResource[M, T]) releaseIfTerminal(backend taskBackend[T], status string) {
	if gate := backend.capacity(); gate != nil && backend.terminal(status) {
		gate.release()
	}
}

func waitInterruptedSummary(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "Timed out waiting for the Runway generation"
	}
	return "Waiting for the Runway generation was interrupted"
}

func waitInterruptedDetail(typeName string, lc *lifecycleFields, ctx context.Context, timeout time.Duration, creating bool) string {
	why := "the wait was interrupted"
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		why = fmt.Sprintf("the wait reached its timeout (%s)", timeout)
	}
	msg := fmt.Sprintf("Runway task %s is still %s: %s. The task was NOT cancelled: it keeps running on the "+
		"account and its credits are spent. Its id and last status are saved in the state.\n\n",
		lc.ID.ValueString(), lc.Status.ValueString(), why)
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

func (r *generationResource[M, T]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx = r.data.withMasking(ctx)
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	backend, diags := r.kind.backend(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := r.kind.lifecycle(&m).ID.ValueString()
	task, err := backend.get(ctx, id)
	if backend.isNotFound(err) {
		resp.Diagnostics.AddWarning("Runway task no longer exists",
			fmt.Sprintf("The gateway no longer knows task %s (404): it was deleted outside Terraform, or has expired. "+
				"It is removed from the state; the next apply creates a new generation (and pays for it) if the "+
				"resource is still configured.", id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(backend.errorDiagnostic("Reading Runway task "+id+" failed", err)...)
		return
	}
	if r.kind.afterRead != nil {
		r.kind.afterRead(&m, task)
	}
	resp.Diagnostics.Append(r.kind.fill(ctx, &m, task, time.Now())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update only ever changes knobs (every generation input forces
// replacement) or adopts the configured inputs after an import; it waits
// for an unfinished task when the configuration asks to. It never submits.
func (r *generationResource[M, T]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx = r.data.withMasking(ctx)
	// The plan holds the configuration and, where outputs will change,
	// unknowns: start from the state's values for those.
	merged, err := knownFromState(req.Plan.Raw, req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Planning the update failed", err.Error())
		return
	}
	resp.State.Raw = merged
	var m M
	resp.Diagnostics.Append(resp.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyAdoptInputs, nil)...)
	backend, diags := r.kind.backend(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	lc := r.kind.lifecycle(&m)
	if !lc.WaitForCompletion.ValueBool() || backend.terminal(lc.Status.ValueString()) {
		return
	}
	timeout, diags := lc.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var none T // the task in state may be stale: poll it at once
	r.wait(ctx, backend, &m, none, &resp.State, &resp.Diagnostics, timeout, false)
}

// knownFromState replaces every unknown value of plan by the value at the
// same path in state. A path the prior state does not have (a null or
// unknown parent, an element that was not there) keeps its unknown.
func knownFromState(plan, state tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		if prior, ok := valueAt(state, p); ok {
			return prior, nil
		}
		return v, nil
	})
}

// valueAt returns the value at p inside v and whether there is one. A walk
// that cannot take a step means v has nothing at p: for knownFromState that
// is an answer (keep the unknown), not a failure, so it is reported as
// false rather than as an error.
func valueAt(v tftypes.Value, p *tftypes.AttributePath) (tftypes.Value, bool) {
	found, _, err := tftypes.WalkAttributePath(v, p)
	if err != nil {
		return tftypes.Value{}, false
	}
	fv, ok := found.(tftypes.Value)
	return fv, ok
}

func (r *generationResource[M, T]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx = r.data.withMasking(ctx)
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	backend, diags := r.kind.backend(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	lc := r.kind.lifecycle(&m)
	if !backend.terminal(lc.Status.ValueString()) {
		resp.Diagnostics.AddWarning("Unfinished Runway task left running",
			fmt.Sprintf("Task %s is %s. Runway tasks cannot be cancelled: it keeps running on the account and its credits are not refunded.",
				lc.ID.ValueString(), lc.Status.ValueString()))
	}
	timeout, diags := lc.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp.Diagnostics.Append(r.kind.remove(ctx, r.data, &m)...)
}

// ImportState takes a task id; Read then fills every attribute the gateway
// reports.
func (r *generationResource[M, T]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resp.Diagnostics.AddError("Missing task id", "Import a generation by its task id: terraform import "+r.typeName()+".<name> <task id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_completion"), true)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyAdoptInputs, []byte(`true`))...)
	if r.kind.importState != nil {
		r.kind.importState(ctx, req, resp)
	}
}

// submitErrorDiagnostic explains a failed create. Whether a task may exist
// matters most: an unknown outcome must not be retried blindly.
func submitErrorDiagnostic[T any](typeName string, backend taskBackend[T], err error) diag.Diagnostics {
	var diags diag.Diagnostics
	var unknown *transport.OutcomeUnknownError
	if errors.As(err, &unknown) || isOutcomeUnknown(err) {
		diags.AddError("Runway generation outcome unknown",
			fmt.Sprintf("The gateway's answer to the create request was lost or unusable (%v). The gateway may "+
				"have accepted it and started a paid task, so the provider did not resubmit it. Nothing is saved in the "+
				"state. Check the account's tasks before applying again: if the task exists, import it with "+
				"`terraform import %s.<name> <task id>` instead of paying twice.", err, typeName))
		return diags
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		diags.AddError("Generation not submitted",
			fmt.Sprintf("The create did not complete before the deadline or interrupt (%v). The gateway refused every attempt "+
				"so far (429: account busy), so no task was created and nothing was charged. Raise timeouts.create or "+
				"lower the number of generations per apply.", err))
		return diags
	}
	return backend.errorDiagnostic("Runway generation not submitted", err)
}
