package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

var booldefaultTrue = booldefault.StaticBool(true)

func stringDefault(v string) defaults.String { return stringdefault.StaticString(v) }

func timeoutsAttribute(ctx context.Context) schema.Attribute {
	return timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})
}

// privateKeyAdoptInputs marks, in private state, a resource created by
// import whose generation inputs the gateway could not report.
const privateKeyAdoptInputs = "adopt_inputs"

// privateGetter is the part of the framework's private state the plan
// modifiers read.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// replaceIfStateKnown forces replacement when a generation input changes,
// because a different input is a different (paid) generation. The one
// exception is a resource just imported: inputs the gateway could not
// report are null in its state, and the configured values are recorded in
// place rather than paying for the same generation again; only a value that
// contradicts what the gateway reported still forces replacement.
type replaceIfStateKnown struct{}

func (replaceIfStateKnown) Description(context.Context) string {
	return "Changing this value starts a new generation (replacement)."
}

func (m replaceIfStateKnown) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func requiresReplace(ctx context.Context, state tfsdk.State, private privateGetter, stateValue, planValue attr.Value) bool {
	if state.Raw.IsNull() || stateValue.Equal(planValue) {
		return false
	}
	if private != nil {
		if v, _ := private.GetKey(ctx, privateKeyAdoptInputs); len(v) > 0 {
			// Imported: a value the gateway could not report (null in
			// state) or one the configuration leaves to the gateway (null
			// in the plan) is no reason to pay again.
			return !stateValue.IsNull() && !planValue.IsNull()
		}
	}
	return true
}

func (replaceIfStateKnown) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var private privateGetter
	if req.Private != nil {
		private = req.Private
	}
	resp.RequiresReplace = requiresReplace(ctx, req.State, private, req.StateValue, req.PlanValue)
}

func (replaceIfStateKnown) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	var private privateGetter
	if req.Private != nil {
		private = req.Private
	}
	resp.RequiresReplace = requiresReplace(ctx, req.State, private, req.StateValue, req.PlanValue)
}

func (replaceIfStateKnown) PlanModifyFloat64(ctx context.Context, req planmodifier.Float64Request, resp *planmodifier.Float64Response) {
	var private privateGetter
	if req.Private != nil {
		private = req.Private
	}
	resp.RequiresReplace = requiresReplace(ctx, req.State, private, req.StateValue, req.PlanValue)
}

func (replaceIfStateKnown) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	var private privateGetter
	if req.Private != nil {
		private = req.Private
	}
	resp.RequiresReplace = requiresReplace(ctx, req.State, private, req.StateValue, req.PlanValue)
}

// useStateUnlessWaiting keeps a computed output's state value in the plan
// (no "known after apply" noise when only a knob changes), except when the
// task in state has not finished and the configuration asks to wait for it:
// then the outputs are unknown, which makes the plan an in-place update
// that waits for the same task — never a new submit.
type useStateUnlessWaiting struct {
	// finished reports whether a status of the gateway is final.
	finished func(status string) bool
	// keepAlways is for identity outputs that never change for one task.
	keepAlways bool
}

// Output plan modifiers of each gateway's generation resources.
var (
	useapiOutput   = useStateUnlessWaiting{finished: useapi.IsTerminal}
	apikleyOutput  = useStateUnlessWaiting{finished: apikley.IsTerminal}
	identityOutput = useStateUnlessWaiting{keepAlways: true}
)

func (useStateUnlessWaiting) Description(context.Context) string {
	return "Keeps the value in state unless the task is unfinished and the apply will wait for it."
}

func (m useStateUnlessWaiting) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

// keepStateValue decides for one attribute; it reads the task status from
// the state and wait_for_completion from the plan.
func (m useStateUnlessWaiting) keepStateValue(ctx context.Context, state tfsdk.State, plan tfsdk.Plan, planUnknown bool) bool {
	if state.Raw.IsNull() || !planUnknown {
		return false
	}
	if m.keepAlways {
		return true
	}
	var status types.String
	var wait types.Bool
	if diags := state.GetAttribute(ctx, path.Root("status"), &status); diags.HasError() {
		return true
	}
	if diags := plan.GetAttribute(ctx, path.Root("wait_for_completion"), &wait); diags.HasError() {
		return true
	}
	waiting := !wait.IsNull() && !wait.IsUnknown() && wait.ValueBool()
	return !waiting || m.finished(status.ValueString())
}

// waitsForUnfinished reports whether the apply of this plan waits for the
// task in state: it has not finished and wait_for_completion is true. The
// task's outputs are then unknown even when nothing in the configuration
// changed (after `terraform untaint`, or an update that timed out), which
// makes the plan an in-place update that waits for the same task.
func (m useStateUnlessWaiting) waitsForUnfinished(ctx context.Context, state tfsdk.State, plan tfsdk.Plan) bool {
	if m.keepAlways || state.Raw.IsNull() || plan.Raw.IsNull() {
		return false
	}
	var status types.String
	var wait types.Bool
	if state.GetAttribute(ctx, path.Root("status"), &status).HasError() ||
		plan.GetAttribute(ctx, path.Root("wait_for_completion"), &wait).HasError() {
		return false
	}
	return wait.ValueBool() && !m.finished(status.ValueString())
}

func (m useStateUnlessWaiting) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if m.waitsForUnfinished(ctx, req.State, req.Plan) {
		resp.PlanValue = types.StringUnknown()
		return
	}
	if m.keepStateValue(ctx, req.State, req.Plan, req.PlanValue.IsUnknown()) {
		resp.PlanValue = req.StateValue
	}
}

func (m useStateUnlessWaiting) PlanModifyFloat64(ctx context.Context, req planmodifier.Float64Request, resp *planmodifier.Float64Response) {
	if m.waitsForUnfinished(ctx, req.State, req.Plan) {
		resp.PlanValue = types.Float64Unknown()
		return
	}
	if m.keepStateValue(ctx, req.State, req.Plan, req.PlanValue.IsUnknown()) {
		resp.PlanValue = req.StateValue
	}
}

func (m useStateUnlessWaiting) PlanModifyList(ctx context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if m.waitsForUnfinished(ctx, req.State, req.Plan) {
		resp.PlanValue = types.ListUnknown(req.PlanValue.ElementType(ctx))
		return
	}
	if m.keepStateValue(ctx, req.State, req.Plan, req.PlanValue.IsUnknown()) {
		resp.PlanValue = req.StateValue
	}
}

func (m useStateUnlessWaiting) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if m.waitsForUnfinished(ctx, req.State, req.Plan) {
		resp.PlanValue = types.BoolUnknown()
		return
	}
	if m.keepStateValue(ctx, req.State, req.Plan, req.PlanValue.IsUnknown()) {
		resp.PlanValue = req.StateValue
	}
}

func (m useStateUnlessWaiting) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if m.waitsForUnfinished(ctx, req.State, req.Plan) {
		resp.PlanValue = types.Int64Unknown()
		return
	}
	if m.keepStateValue(ctx, req.State, req.Plan, req.PlanValue.IsUnknown()) {
		resp.PlanValue = req.StateValue
	}
}
