package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/journal"
)

// The life cycle of a generation resource (see engine.go): Create submits
// once and waits, Read refreshes, Update only waits or records knobs and create options,
// Delete applies the model's remove.

func (r *generationResource[M, P, T]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx = r.data.withMasking(ctx)
	m := P(new(M))
	resp.Diagnostics.Append(req.Plan.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lc := m.lifecycle()
	tasks, diags := r.gateway.taskAPI(r.data)
	resp.Diagnostics.Append(diags...)
	timeout, diags := lc.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	key, err := generationKey(r.typeName(), r.plan.keyed, req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Planning the generation failed", err.Error())
		return
	}

	gate := tasks.capacity(accountOfInputs(req.Plan.Raw, r.plan.inputs))

	// A generation an earlier, killed, apply submitted is adopted, not paid
	// for again (engine_journal.go).
	task, rec, adopted := r.claimOrphan(ctx, tasks, key, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	defer func() { settleJournal(ctx, rec) }()
	if !adopted {
		if task, rec, err = r.submit(ctx, gate, m, key, timeout, &resp.Diagnostics); err != nil {
			return
		}
	}

	// The task exists and is paid for from here on: its id goes into the
	// journal and the state before anything else can go wrong.
	resp.Diagnostics.Append(m.fill(ctx, task, time.Now())...)
	if !adopted {
		journalSubmitted(rec, lc.ID.ValueString(), &resp.Diagnostics)
	}
	if gate != nil {
		gate.track(lc.ID.ValueString())
		defer gate.untrack(ctx, lc.ID.ValueString()) // whether or not the wait below saw it final
	}
	tflog.Info(ctx, "Runway task submitted", map[string]any{"task_id": lc.ID.ValueString(), "resource": r.typeName(), "status": lc.Status.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !lc.WaitForCompletion.ValueBool() {
		r.releaseIfFinal(gate, lc.ID.ValueString(), lc.Status.ValueString())
		return
	}
	r.wait(ctx, tasks, gate, m, task, &resp.State, &resp.Diagnostics, timeout, true)
}

// submit waits for account capacity, records the intent in the crash
// journal and sends the create. An error is already in diags.
func (r *generationResource[M, P, T]) submit(ctx context.Context, gate *capacityGate, m P, key string, timeout time.Duration, diags *diag.Diagnostics) (T, *journal.Record, error) {
	var none T
	if gate != nil {
		ctx = withGate(ctx, gate) // a 429 answer waits on this account's gate
		if err := gate.beforeSubmit(ctx); err != nil {
			diags.AddError("Generation not submitted",
				fmt.Sprintf("Waiting for a free slot on the account ended (%v) before anything was submitted; no task was created and nothing was charged.", err))
			return none, nil, err
		}
	}
	rec := r.intend(key, time.Now().Add(timeout), diags)
	task, err := r.kind.submit(ctx, r.data, m)
	if err != nil {
		if gate != nil {
			gate.notSubmitted(ctx, err)
		}
		diags.Append(submitErrorDiagnostic(r.typeName(), err)...)
		if rec != nil {
			_ = rec.Done() // nothing to adopt: no task id came back
		}
		return none, nil, err
	}
	if gate != nil {
		gate.submitted()
	}
	return task, rec, nil
}

// wait polls the task of m until it is final or ctx ends, and writes what
// it learnt to state whatever the outcome.
func (r *generationResource[M, P, T]) wait(ctx context.Context, tasks taskBackend[T], gate *capacityGate, m P, initial T, state *tfsdk.State, diags *diag.Diagnostics, timeout time.Duration, creating bool) {
	lc := m.lifecycle()
	taskID := lc.ID.ValueString()
	started := time.Now()
	// A task final in the create answer itself is announced by no poll.
	r.releaseIfFinal(gate, taskID, tasks.status(initial))
	task, err := tasks.wait(ctx, taskID, initial, func(t T) {
		tflog.Debug(ctx, "Runway task polled", map[string]any{"task_id": taskID, "status": tasks.status(t)})
		r.releaseIfFinal(gate, taskID, tasks.status(t))
	})
	if tasks.status(task) != "" {
		diags.Append(m.fill(ctx, task, time.Now())...)
	}
	diags.Append(state.Set(ctx, m)...)
	tflog.Info(ctx, "Runway task wait ended", map[string]any{
		"task_id": taskID, "status": lc.Status.ValueString(), "waited_ms": time.Since(started).Milliseconds(),
	})

	switch {
	case err != nil && ctx.Err() != nil:
		diags.AddError(waitInterruptedSummary(ctx), waitInterruptedDetail(r.typeName(), lc, ctx, timeout, creating))
	case err != nil:
		diags.Append(waitFailedDiagnostic(r.typeName(), lc, err, creating, tasks.isNotFound(err))...)
	default:
		if reason := tasks.failure(task); reason != "" {
			diags.AddError("Runway generation failed", taskFailedDetail(r.typeName(), taskID, reason, creating))
		}
	}
}

// releaseIfFinal hands the account slot of a finished task to the next
// queued create.
func (r *generationResource[M, P, T]) releaseIfFinal(gate *capacityGate, taskID, status string) {
	if gate != nil && status != "" && r.gateway.isFinal(status) {
		gate.finished(taskID)
	}
}

func (r *generationResource[M, P, T]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx = r.data.withMasking(ctx)
	m := P(new(M))
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	tasks, diags := r.gateway.taskAPI(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.lifecycle().ID.ValueString()
	task, err := tasks.get(ctx, id)
	if tasks.isNotFound(err) {
		resp.Diagnostics.AddWarning("Runway task no longer exists",
			fmt.Sprintf("The gateway no longer knows task %s (404): it was deleted outside Terraform, or has expired. "+
				"It is removed from the state; the next apply creates a new generation (and pays for it) if the "+
				"resource is still configured.", id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Reading Runway task "+id+" failed", err)...)
		return
	}
	if adoptingImport(ctx, req.Private) {
		m.adoptReported(task)
		r.kind.adopt(m, task)
	}
	resp.Diagnostics.Append(m.fill(ctx, task, time.Now())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Update only ever records knobs and create options (ModifyPlan replaces
// the resource when an input changes) or adopts the configured inputs after
// an import; it waits for an unfinished task when the configuration asks to
// (waitsInPlace). It never submits.
func (r *generationResource[M, P, T]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx = r.data.withMasking(ctx)
	// The plan holds the configuration and, where outputs will change,
	// unknowns: start from the state's values for those.
	merged, err := knownFromState(req.Plan.Raw, req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Planning the update failed", err.Error())
		return
	}
	resp.State.Raw = merged
	m := P(new(M))
	resp.Diagnostics.Append(resp.State.Get(ctx, m)...)
	resp.Diagnostics.Append(endImportAdoption(ctx, resp.Private)...)
	tasks, diags := r.gateway.taskAPI(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	lc := m.lifecycle()
	if !r.waitsInPlace(lc.WaitForCompletion, lc.Status) {
		return
	}
	timeout, diags := lc.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	gate := tasks.capacity(accountOfInputs(resp.State.Raw, r.plan.inputs))
	if gate != nil {
		gate.track(lc.ID.ValueString())
		defer gate.untrack(ctx, lc.ID.ValueString()) // whether or not the wait below saw it final
	}
	var none T // the task in state may be stale: poll it at once
	r.wait(ctx, tasks, gate, m, none, &resp.State, &resp.Diagnostics, timeout, false)
}

func (r *generationResource[M, P, T]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx = r.data.withMasking(ctx)
	m := P(new(M))
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The gateway is needed only by a remove that calls it (useapi.net with
	// deletion_policy = "DELETE"), which asks for its client itself: a
	// generation that is only forgotten leaves the state without credentials.
	lc := m.lifecycle()
	if !r.gateway.isFinal(lc.Status.ValueString()) {
		resp.Diagnostics.AddWarning("Unfinished Runway task left running",
			fmt.Sprintf("Task %s is %s. Runway cannot cancel a task, and neither gateway has an endpoint that does: it keeps "+
				"running on the account until it finishes, and its credits are spent (not refunded). On useapi.net, "+
				"deletion_policy = \"DELETE\" first removes it from the gateway's scheduler, which frees its maxJobs slot "+
				"at once and stops its callback.",
				lc.ID.ValueString(), lc.Status.ValueString()))
	}
	timeout, diags := lc.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp.Diagnostics.Append(m.remove(ctx, r.data)...)
}

// ImportState takes a task id; Read then fills every attribute the gateway
// reports, and adopts the inputs it reports (see adoptingImport).
func (r *generationResource[M, P, T]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resp.Diagnostics.AddError("Missing task id", "Import a generation by its task id: terraform import "+r.typeName()+".<name> <task id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrID), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrWaitForCompletion), true)...)
	if r.plan.hasTaskID {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrTaskID), req.ID)...)
	}
	if r.plan.hasDeletionPolicy {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrDeletionPolicy), deletionPolicyDelete)...)
	}
	resp.Diagnostics.Append(beginImportAdoption(ctx, resp.Private)...)
}
