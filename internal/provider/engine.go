package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/journal"
)

// The generation engine. Every generation resource, whatever its gateway,
// has the same life cycle:
//
//	Create  adopt a task a killed apply submitted (crash journal), or wait
//	        for account capacity → record the intent → submit → task id
//	        into the journal and the state at once → wait for a final
//	        status → fill the outputs
//	Read    refresh the task; a task the gateway forgot leaves the state
//	Update  only knobs change (ModifyPlan decides); waits for an unfinished task
//	Delete  the model's remove: deletion_policy, or forget
//
// A resource is made of three named parts:
//   - its generationKind (the resource file): inputs, request, price and
//     what an imported task reports of its inputs;
//   - its model, which embeds its gateway's common struct
//     (generationCommon for a video, imageCommon for images, apikleyCommon)
//     and so has the methods of generationModel: life-cycle fields, outputs
//     from a task, destroy;
//   - its gateway's generationGateway (useapiGateway, useapiImageGateway,
//     apikleyGateway): the
//     task API (a taskBackend over the gateway's client), final statuses and
//     the attributes every resource of that gateway shares.
//
// Planning (replacement, waiting in place, import adoption, price) is in
// engine_plan.go; the crash journal's part in engine_journal.go; account
// capacity in capacity.go.

// Default deadlines. A relaxed (explore mode) generation can queue for a
// long time, hence the generous create default.
const (
	defaultCreateTimeout = 2 * time.Hour
	defaultUpdateTimeout = 2 * time.Hour
	defaultDeleteTimeout = 10 * time.Minute
)

// lifecycleFields are the attributes the engine itself reads and writes on
// every generation resource, whatever the gateway.
type lifecycleFields struct {
	WaitForCompletion types.Bool     `tfsdk:"wait_for_completion"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	ID                types.String   `tfsdk:"id"`
	Status            types.String   `tfsdk:"status"`
}

// lifecycle is promoted to every model that embeds the fields.
func (l *lifecycleFields) lifecycle() *lifecycleFields { return l }

// taskBackend is one gateway's task API (T is its task type), as the engine
// and the task data sources use it.
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
	// failure is the reason of a failed task, "" unless it failed.
	failure(t T) string
	// isNotFound reports whether err means the gateway does not know the id.
	isNotFound(err error) bool
	// capacity is the gate pacing creates against an account's capacity
	// ("" for the configured or only account), nil when the gateway has
	// none to pace.
	capacity(account string) *capacityGate
}

// generationGateway is what one gateway gives all its generation resources.
type generationGateway[T any] interface {
	// taskAPI returns the gateway's task API, or why it is not configured.
	taskAPI(d *providerData) (taskBackend[T], diag.Diagnostics)
	// isFinal reports whether a task status is final (success or failure).
	isFinal(status string) bool
	// sharedAttributes are the inputs, knobs and outputs every generation
	// resource of the gateway has.
	sharedAttributes() map[string]schema.Attribute
	// lifecycleDescription says, in every generation resource's docs, what
	// apply, a changed argument and destroy do.
	lifecycleDescription() string
}

// generationModel is what the engine needs of a resource's model. *M
// satisfies it through the methods promoted from the gateway's common
// struct that M embeds.
type generationModel[M any, T any] interface {
	*M
	lifecycle() *lifecycleFields
	// fill copies everything the gateway reports about a task into the
	// outputs (including the life-cycle id and status), leaving none unknown.
	fill(ctx context.Context, t T, now time.Time) diag.Diagnostics
	// adoptReported fills, after an import, the common inputs the task reports.
	adoptReported(t T)
	// remove implements destroy.
	remove(ctx context.Context, d *providerData) diag.Diagnostics
}

// generationKind is what one generation resource declares; the engine does
// everything else.
type generationKind[P any, T any] interface {
	// name is the resource type name without the provider prefix.
	name() string
	// description is the resource's markdown description.
	description() string
	// inputs are the resource's own inputs (every one forces replacement).
	inputs() map[string]schema.Attribute
	// configValidators are cross-attribute checks run at plan time.
	configValidators() []resource.ConfigValidator
	// submit sends the create request of a model and returns the new task.
	submit(ctx context.Context, d *providerData, m P) (T, error)
	// adopt fills, after an import, the resource's inputs the task reports;
	// the others stay null and are taken from the configuration in place.
	adopt(m P, t T)
}

// pricedKind is a generationKind with a price: the engine then plans
// `estimated_credits` and enforces max_credits_per_apply.
type pricedKind[P any] interface {
	// estimate prices a planned create and describes it for diagnostics.
	estimate(ctx context.Context, d *providerData, m P) (e estimate, describe string)
}

// planCheckedKind is a generationKind with checks that need the gateway at
// plan time (e.g. an input asset's duration): ModifyPlan runs them for every
// planned create, before anything is submitted.
type planCheckedKind[P any] interface {
	checkPlan(ctx context.Context, d *providerData, m P) []planRefusal
}

// planRefusal is an input a planCheckedKind refuses: the attribute, the
// diagnostic's summary and what is wrong (the engine adds that nothing was
// submitted).
type planRefusal struct{ attr, summary, detail string }

// generationResource is a generation resource: a kind on a gateway.
type generationResource[M any, P generationModel[M, T], T any] struct {
	configuredResource
	kind    generationKind[P, T]
	gateway generationGateway[T]
	plan    planShape
}

var (
	_ resource.ResourceWithConfigure        = (*generationResource[apikleyVideoModel, *apikleyVideoModel, *apikley.TaskDetail])(nil)
	_ resource.ResourceWithImportState      = (*generationResource[apikleyVideoModel, *apikleyVideoModel, *apikley.TaskDetail])(nil)
	_ resource.ResourceWithConfigValidators = (*generationResource[apikleyVideoModel, *apikleyVideoModel, *apikley.TaskDetail])(nil)
	_ resource.ResourceWithModifyPlan       = (*generationResource[apikleyVideoModel, *apikleyVideoModel, *apikley.TaskDetail])(nil)
)

func newGenerationResource[M any, P generationModel[M, T], T any](kind generationKind[P, T], gateway generationGateway[T]) *generationResource[M, P, T] {
	r := &generationResource[M, P, T]{kind: kind, gateway: gateway}
	r.plan = r.shape().plan
	return r
}

// generationShape is a generation resource type's schema attributes and
// their planShape, built once per type: the framework creates a resource
// value for every request, and a plan of many resources would otherwise
// build the same maps again for each.
type generationShape struct {
	attributes map[string]schema.Attribute
	plan       planShape
}

// generationShapes caches generationShape by resource type name
// (*generationShape values).
var generationShapes sync.Map

func (r *generationResource[M, P, T]) shape() *generationShape {
	name := r.kind.name()
	if s, ok := generationShapes.Load(name); ok {
		if shape, ok := s.(*generationShape); ok {
			return shape
		}
	}
	attrs := mergeAttributes(r.kind.inputs(), r.gateway.sharedAttributes())
	shape := &generationShape{attributes: attrs, plan: planShapeOf(attrs)}
	generationShapes.Store(name, shape)
	return shape
}

// attributes are the schema's attributes, shared by every caller: read only.
func (r *generationResource[M, P, T]) attributes() map[string]schema.Attribute {
	return r.shape().attributes
}

func (r *generationResource[M, P, T]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.name()
}

func (r *generationResource[M, P, T]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// The gateway's life-cycle sentences follow the kind's first paragraph
	// (a kind may add more, e.g. runway_video's model table).
	first, more, _ := strings.Cut(r.kind.description(), "\n\n")
	description := first + " " + r.gateway.lifecycleDescription()
	if more != "" {
		description += "\n\n" + more
	}
	resp.Schema = schema.Schema{MarkdownDescription: description, Attributes: r.attributes()}
}

func (r *generationResource[M, P, T]) ConfigValidators(context.Context) []resource.ConfigValidator {
	return r.kind.configValidators()
}

func (r *generationResource[M, P, T]) typeName() string { return "runway_" + r.kind.name() }

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
	key, err := generationKey(r.typeName(), r.plan.inputs, req.Plan.Raw)
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
		diags.Append(gatewayErrorDiagnostic("Waiting for Runway task "+taskID+" failed", err)...)
	default:
		if reason := tasks.failure(task); reason != "" {
			// A status the gateway does not document is final here even
			// though isFinal does not know it: free its slot too.
			if gate != nil {
				gate.finished(taskID)
			}
			diags.AddError("Runway generation failed",
				fmt.Sprintf("Runway task %s failed: %s\n\nThe task id is kept in the state. Terraform marks the resource as tainted: "+
					"the next apply submits a new generation (and pays for it again). Change the inputs first if the "+
					"failure was a moderation of the prompt or the input.", taskID, reason))
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

// Update only ever changes knobs (ModifyPlan replaces the resource when an
// input changes) or adopts the configured inputs after an import; it waits
// for an unfinished task when the configuration asks to. It never submits.
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
	if !lc.WaitForCompletion.ValueBool() || r.gateway.isFinal(lc.Status.ValueString()) {
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
	}
	var none T // the task in state may be stale: poll it at once
	r.wait(ctx, tasks, gate, m, none, &resp.State, &resp.Diagnostics, timeout, false)
}

func (r *generationResource[M, P, T]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx = r.data.withMasking(ctx)
	m := P(new(M))
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	_, diags := r.gateway.taskAPI(r.data) // destroy, too, needs the gateway configured
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
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
