package provider

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
)

// The generation engine. Every generation resource, whatever its gateway,
// has the same life cycle:
//
//	Create  adopt a task a killed apply submitted (crash journal), or wait
//	        for account capacity → record the intent → submit → task id
//	        into the journal and the state at once → wait for a final
//	        status → fill the outputs
//	Read    refresh the task; a task the gateway forgot leaves the state
//	Update  only knobs and create options change (ModifyPlan decides); waits
//	        for an unfinished task
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
// The life cycle (Create, Read, Update, Delete, ImportState) is in
// engine_apply.go; planning (replacement, waiting in place, import
// adoption, price) in engine_plan.go; the crash journal's part in engine_journal.go; account
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
	// isFinal reports whether a task status is final: every status but the
	// gateway's listed unfinished ones, so that a status the gateway does not
	// document never leaves a plan waiting for it forever. The plan, Update
	// and Delete decide with it (waitsInPlace); only the client's wait keeps
	// its own rule for an unknown status met while polling (useapi.net
	// believes it after a few polls, Apikley waits through it).
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
