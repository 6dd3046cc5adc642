package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Every planning decision of a generation resource is made here, in
// ModifyPlan, from the schema's shape:
//   - a new generation is priced (estimated_credits, max_credits_per_apply);
//   - a changed input forces replacement: a different input is a different,
//     paid, generation — except right after an import, where an input the
//     gateway could not report is taken from the configuration in place, by
//     the update that the first plan after an import always is;
//   - a changed create option (createOptions: sent with the create, but
//     not part of what is generated) is recorded in place;
//   - outputs keep their state values (no "known after apply" noise when
//     only a knob changes), except when the task has not finished and the
//     configuration waits for it: the outputs are then unknown, which makes
//     the plan an in-place update that waits for the same task.

// Attribute names the engine reads or plans.
const (
	attrID                = "id"
	attrTaskID            = "task_id"
	attrStatus            = "status"
	attrCreatedAt         = "created_at"
	attrParentTaskID      = "parent_task_id"
	attrWaitForCompletion = "wait_for_completion"
	attrDeletionPolicy    = "deletion_policy"
	attrTimeouts          = "timeouts"
	attrEstimatedCredits  = "estimated_credits"
	attrCreditsUsed       = "credits_used"
)

// stableOutputs never change for one task (identity) or belong to the
// create (cost): they keep their state values even while the apply waits.
var stableOutputs = []string{attrID, attrTaskID, attrCreatedAt, attrParentTaskID, attrEstimatedCredits, attrCreditsUsed}

// createOptions are the arguments sent with a create that do not change
// what is generated: where and with what reference the gateway reports the
// result, and how many tasks the account runs at once. A change is recorded
// in place and starts no task (the submitted task keeps what it was sent):
// replacing a paid generation for a new callback would pay again for the
// same video. Attribute names mean one thing across the provider, so one
// list serves every resource.
var createOptions = []string{"reply_url", "reply_ref", "max_jobs", "callback_url"}

// createOptionNote ends the description of every createOptions attribute.
const createOptionNote = " Sent with the create only: changing it later is recorded in place and starts no new task " +
	"(the submitted task keeps the value it was sent)."

// planShape sorts a generation schema's attributes for planning.
type planShape struct {
	// inputs define the generation: required or optional, not computed,
	// not a knob and not a create option.
	inputs []string
	// options are the create options the schema has (createOptions).
	options []string
	// keyed are the inputs and the options: every argument a create sends,
	// which the crash journal's key is made of.
	keyed []string
	// refreshed are the outputs a wait for the task will change.
	refreshed []string
	// stable are the outputs that keep their state values (stableOutputs).
	stable []string
	// priced: the schema has estimated_credits.
	priced                       bool
	hasTaskID, hasDeletionPolicy bool
}

func planShapeOf(attrs map[string]schema.Attribute) planShape {
	var s planShape
	for name, a := range attrs {
		switch {
		case name == attrTimeouts:
		case !a.IsComputed() && slices.Contains(createOptions, name):
			s.options = append(s.options, name)
		case !a.IsComputed():
			s.inputs = append(s.inputs, name)
		case a.IsOptional(): // knobs with defaults: wait_for_completion, deletion_policy
		case slices.Contains(stableOutputs, name):
			s.stable = append(s.stable, name)
		default:
			s.refreshed = append(s.refreshed, name)
		}
	}
	slices.Sort(s.inputs)
	slices.Sort(s.options)
	s.keyed = slices.Sorted(slices.Values(append(slices.Clone(s.inputs), s.options...)))
	slices.Sort(s.refreshed)
	slices.Sort(s.stable)
	_, s.priced = attrs[attrEstimatedCredits]
	_, s.hasTaskID = attrs[attrTaskID]
	_, s.hasDeletionPolicy = attrs[attrDeletionPolicy]
	return s
}

// ModifyPlan makes the decisions listed at the top of this file.
func (r *generationResource[M, P, T]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	switch {
	case req.Plan.Raw.IsNull(): // destroy
		return
	case req.State.Raw.IsNull():
		r.priceCreate(ctx, req, resp)
		return
	}
	adopting := adoptingImport(ctx, req.Private)
	changed, err := r.plan.changedInputs(req.State.Raw, req.Plan.Raw, adopting)
	if err != nil {
		// Failing open would record a changed input in place, without the
		// new generation it needs.
		resp.Diagnostics.AddError("Planning the generation failed",
			"Whether an input changed cannot be decided ("+err.Error()+"), so nothing is planned. Nothing was submitted. "+
				"This is a bug in the provider.")
		return
	}
	resp.RequiresReplace = changed
	if len(resp.RequiresReplace) > 0 {
		return // Terraform plans the replacement's create (and price) anew
	}
	var status types.String
	var wait types.Bool
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attrStatus), &status)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(attrWaitForCompletion), &wait)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned, err := r.plan.outputs(req.Plan.Raw, req.State.Raw, r.waitsInPlace(wait, status))
	if err == nil && adopting {
		planned, err = endingAdoption(planned)
	}
	if err != nil {
		resp.Diagnostics.AddError("Planning the outputs failed", err.Error())
		return
	}
	resp.Plan.Raw = planned
}

// endingAdoption plans the status unknown, which makes the first plan after
// an import an update even when the configuration holds nothing to adopt:
// adoption ends in Update, and a plan that never reached it would leave
// the import's lenient input matching on for good (a later input the task
// did not report would then be recorded in place, without a new
// generation). Update keeps the status the state has.
func endingAdoption(plan tftypes.Value) (tftypes.Value, error) {
	var attrs map[string]tftypes.Value
	if err := plan.As(&attrs); err != nil {
		return plan, err
	}
	attrs[attrStatus] = tftypes.NewValue(attrs[attrStatus].Type(), tftypes.UnknownValue)
	return tftypes.NewValue(plan.Type(), attrs), nil
}

// waitsInPlace decides whether an update waits for the task in state: the
// configuration asks to wait and the task is unfinished. ModifyPlan plans
// the refreshed outputs unknown exactly when it is true, and Update waits
// exactly then, so plan and apply cannot disagree.
func (r *generationResource[M, P, T]) waitsInPlace(wait types.Bool, status types.String) bool {
	return wait.ValueBool() && !r.gateway.isFinal(status.ValueString())
}

// changedInputs lists the inputs whose planned value differs from the
// state's. After an import, a value the gateway could not report (null in
// state) or one the configuration leaves to the gateway (null in the plan)
// is no reason to pay again; only a contradiction is. Values it cannot read
// are an error, never "nothing changed".
func (s planShape) changedInputs(state, plan tftypes.Value, adopting bool) (path.Paths, error) {
	var stateAttrs, planAttrs map[string]tftypes.Value
	if err := state.As(&stateAttrs); err != nil {
		return nil, fmt.Errorf("reading the state: %w", err)
	}
	if err := plan.As(&planAttrs); err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	var changed path.Paths
	for _, name := range s.inputs {
		was, will := stateAttrs[name], planAttrs[name]
		if was.Equal(will) || (adopting && (was.IsNull() || will.IsNull())) {
			continue
		}
		changed = append(changed, path.Root(name))
	}
	return changed, nil
}

// hasUnknownInput reports whether an input of a planned create is known
// only after apply (it comes from another resource).
func (s planShape) hasUnknownInput(plan tftypes.Value) bool {
	var attrs map[string]tftypes.Value
	if plan.As(&attrs) != nil {
		return false
	}
	for _, name := range s.inputs {
		if v, ok := attrs[name]; ok && !v.IsFullyKnown() {
			return true
		}
	}
	return false
}

// outputs plans the outputs of an update: unknown when the apply waits for
// the task and they will change, else their state values.
func (s planShape) outputs(plan, state tftypes.Value, waits bool) (tftypes.Value, error) {
	var planAttrs, stateAttrs map[string]tftypes.Value
	if err := plan.As(&planAttrs); err != nil {
		return plan, err
	}
	if err := state.As(&stateAttrs); err != nil {
		return plan, err
	}
	keep := func(name string) {
		if v, ok := planAttrs[name]; ok && !v.IsKnown() {
			planAttrs[name] = stateAttrs[name]
		}
	}
	for _, name := range s.stable {
		keep(name)
	}
	for _, name := range s.refreshed {
		if waits {
			planAttrs[name] = tftypes.NewValue(planAttrs[name].Type(), tftypes.UnknownValue)
		} else {
			keep(name)
		}
	}
	return tftypes.NewValue(plan.Type(), planAttrs), nil
}

// priceCreate plans estimated_credits of a new generation, so that
// `terraform plan` shows what an apply will spend before it is approved, and
// refuses a plan whose new generations together exceed
// max_credits_per_apply.
func (r *generationResource[M, P, T]) priceCreate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	priced, ok := r.kind.(pricedKind[P])
	checked, hasChecks := r.kind.(planCheckedKind[P])
	if (!ok || !r.plan.priced) && !hasChecks {
		return
	}
	m := P(new(M))
	resp.Diagnostics.Append(req.Plan.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if hasChecks {
		for _, refusal := range checked.checkPlan(ctx, r.data, m) {
			resp.Diagnostics.AddAttributeError(path.Root(refusal.attr), refusal.summary, refusal.detail+" Nothing was submitted.")
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if !ok || !r.plan.priced || r.data == nil {
		// Without a configured provider (no rates, no budget) nothing can be
		// priced: estimated_credits stays unknown (known after apply), and the apply,
		// which plans again on a configured provider, prices it then.
		return
	}
	e, describe := priced.estimate(ctx, r.data, m)
	if e.inputErr != nil {
		// A guess here could differ from the apply's own plan, which
		// Terraform refuses after other resources may have been applied.
		resp.Diagnostics.AddError("Generation cannot be priced",
			fmt.Sprintf("%s %s is priced from its input's duration, read from the gateway at plan time, and that read "+
				"failed: %v\n\nNothing was submitted. Plan again once the gateway answers (if it does not know the asset, "+
				"check the id with the runway_assets data source).",
				r.typeName(), describe, e.inputErr))
		return
	}
	credits := types.Int64Value(e.credits)
	switch {
	case e.unpriced:
		credits = types.Int64Null()
	case r.plan.hasUnknownInput(req.Plan.Raw):
		// The apply plans again once the input is known, and may then
		// price it lower (a shorter input asset): the planned value must
		// not change, so it is "known after apply", while the budget below
		// counts this upper bound.
		credits = types.Int64Unknown()
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attrEstimatedCredits), credits)...)
	if r.data.budget == nil {
		return
	}
	if e.unpriced && r.data.budget.limit > 0 {
		// Counting it as 0 would let max_credits_per_apply pass a plan of
		// unknown cost.
		resp.Diagnostics.AddError("Plan cannot be checked against max_credits_per_apply",
			fmt.Sprintf("%s %s cannot be priced: %s. Nothing was submitted. Set its rate in the provider's credit_rates "+
				"(credits per second of output, or per image) so that max_credits_per_apply can count it.", r.typeName(), describe, e.basis))
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

// privateKeyAdoptInputs marks, in private state, a resource created by
// import whose inputs are adopted from the configuration: ImportState sets
// it, Read then fills the inputs the task reports, ModifyPlan takes the
// rest from the configuration without a replacement and always plans an
// update (endingAdoption), and that Update ends it.
const privateKeyAdoptInputs = "adopt_inputs"

// privateState is the part of the framework's private state used here.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// adoptingImport reports whether the resource was imported and its inputs
// are still being adopted. (The framework's GetKey answers nothing on a nil
// private state.)
func adoptingImport(ctx context.Context, private privateState) bool {
	v, _ := private.GetKey(ctx, privateKeyAdoptInputs)
	return len(v) > 0
}

func beginImportAdoption(ctx context.Context, private privateState) diag.Diagnostics {
	return private.SetKey(ctx, privateKeyAdoptInputs, []byte(`true`))
}

func endImportAdoption(ctx context.Context, private privateState) diag.Diagnostics {
	return private.SetKey(ctx, privateKeyAdoptInputs, nil)
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
