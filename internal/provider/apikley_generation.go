package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
)

// apikleyOutputs are the computed attributes every Apikley task exposes,
// shared by the two generation resources and the runway_apikley_task data
// source. The cover image is `cover_image_url` rather than the gateway's
// `imageUrl`: on runway_apikley_video, `image_url` is already the reference
// image input, and one name must not mean two things across the provider.
type apikleyOutputs struct {
	VideoURL      types.String `tfsdk:"video_url"`
	CoverImageURL types.String `tfsdk:"cover_image_url"`
	VideoID       types.String `tfsdk:"video_id"`
	ParentTaskID  types.String `tfsdk:"parent_task_id"`
	GeneratedAt   types.String `tfsdk:"generated_at"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
	Expired       types.Bool   `tfsdk:"expired"`
	Error         types.String `tfsdk:"error"`
}

// apikleyCommon holds what both Apikley generation resources share: the
// engine's fields, the inputs both creates accept, and the outputs.
type apikleyCommon struct {
	lifecycleFields

	Prompt      types.String `tfsdk:"prompt"`
	Quality     types.String `tfsdk:"quality"`
	Watermark   types.String `tfsdk:"watermark"`
	CallbackURL types.String `tfsdk:"callback_url"`

	apikleyOutputs
}

// newApikleyGeneration builds an Apikley generation resource of model M on
// the engine. Apikley has no delete endpoint, hence no deletion_policy:
// destroy only forgets.
func newApikleyGeneration[M any, P generationModel[M, *apikley.TaskDetail]](kind generationKind[P, *apikley.TaskDetail]) resource.Resource {
	return newGenerationResource[M, P, *apikley.TaskDetail](kind, apikleyGateway{})
}

// apikleyGateway is what Apikley gives its generation resources.
type apikleyGateway struct{}

func (apikleyGateway) taskAPI(d *providerData) (taskBackend[*apikley.TaskDetail], diag.Diagnostics) {
	return apikleyBackendOf(d)
}

func (apikleyGateway) isFinal(status string) bool {
	return !slices.Contains(apikleyUnfinishedStates, status)
}

// apikleyUnfinishedStates are the states of an Apikley task still on its
// way. Every other state is final for planning, Update and destroy, so that a
// state the gateway does not document never plans a wait on every run.
// (A create's wait, in the client, waits through unknown states: the
// gateway documents every other state as "in progress".)
var apikleyUnfinishedStates = []string{apikley.StateWait, apikley.StateQueueing, apikley.StateGenerating}

func (apikleyGateway) lifecycleDescription() string {
	return "Apply submits one paid task, saves its id in the state at once, waits for it and fills the outputs. " +
		"Every generation input forces a new generation; the other arguments never start a task: the knobs " +
		"`wait_for_completion` and `timeouts`, and `callback_url`, which only the create uses and which is recorded " +
		"in place. Apikley has no " +
		"delete endpoint: destroy only removes the resource from the state (the gateway keeps videos 14 days)."
}

func (apikleyGateway) sharedAttributes() map[string]schema.Attribute {
	return mergeAttributes(apikleyCommonInputAttributes(), lifecycleKnobAttributes(), apikleyOutputAttributes())
}

// fill copies a task into the engine's fields and the outputs. Nothing here
// can fail; the result is generationModel's.
//
//nolint:unparam // the signature is generationModel's
func (c *apikleyCommon) fill(_ context.Context, t *apikley.TaskDetail, _ time.Time) diag.Diagnostics {
	if t.TaskID != "" {
		c.ID = types.StringValue(t.TaskID)
	}
	c.Status = stringOrNull(t.State)
	c.apikleyOutputs = apikleyOutputsOf(t)
	return nil
}

// adoptReported recovers, after an import, the prompt the task reports.
func (c *apikleyCommon) adoptReported(t *apikley.TaskDetail) {
	c.Prompt = stringOrNull(t.GenerateParam.Prompt)
}

// remove is destroy: the resource only leaves the state (forgetApikleyGeneration).
func (c *apikleyCommon) remove(context.Context, *providerData) diag.Diagnostics {
	return forgetApikleyGeneration(c.ID.ValueString())
}

// submittedApikleyTask stands for a task the gateway has just accepted: the
// create answers only the id, and "wait" is the gateway's own state for a
// task submitted but not yet queued. The first poll replaces it.
func submittedApikleyTask(id, parent string) *apikley.TaskDetail {
	return &apikley.TaskDetail{TaskID: id, ParentTaskID: parent, State: apikley.StateWait}
}

// apikleyOutputsOf renders what the gateway reports about a task. Every
// value is known (a value or null), as Terraform requires after apply. The
// decisions key off state alone: the gateway sends failCode 400 on
// successful tasks too.
func apikleyOutputsOf(t *apikley.TaskDetail) apikleyOutputs {
	o := apikleyOutputs{
		VideoURL:      types.StringNull(),
		CoverImageURL: types.StringNull(),
		VideoID:       types.StringNull(),
		ParentTaskID:  stringOrNull(strings.TrimSpace(t.ParentTaskID)),
		GeneratedAt:   types.StringNull(),
		ExpiresAt:     types.StringNull(),
		Expired:       types.BoolValue(t.Expired()),
		Error:         types.StringNull(),
	}
	switch t.State {
	case apikley.StateSuccess:
		if v := t.VideoInfo; v != nil {
			o.VideoURL, o.CoverImageURL, o.VideoID = stringOrNull(v.VideoURL), stringOrNull(v.ImageURL), stringOrNull(v.VideoID)
		}
		if g, ok := t.GeneratedAt(); ok {
			o.GeneratedAt = types.StringValue(g.Format(time.RFC3339))
		}
		if e, ok := t.ExpiresAt(); ok {
			o.ExpiresAt = types.StringValue(e.Format(time.RFC3339))
		}
	case apikley.StateFail:
		o.Error = types.StringValue(apikleyFailureText(t))
	}
	return o
}

// apikleyFailureText is the gateway's failMsg with its failCode.
func apikleyFailureText(t *apikley.TaskDetail) string {
	msg := strings.TrimSpace(t.FailMsg)
	if msg == "" {
		msg = "the gateway reported state fail without a reason"
	}
	if code, ok := t.FailCode.Int64(); ok {
		msg += fmt.Sprintf(" (failCode %d)", code)
	}
	return msg
}

// forgetApikleyGeneration is destroy: the gateway offers no way to delete
// a task or its video, so the resource only leaves the state, and the user
// is told so rather than led to believe the video is gone.
func forgetApikleyGeneration(taskID string) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddWarning("Apikley task only removed from the state",
		fmt.Sprintf("Apikley has no delete endpoint: task %s and its video stay on the Apikley account and their URLs keep "+
			"working until the gateway expires the video, 14 days after it was generated. The resource was only removed "+
			"from the Terraform state.", taskID))
	return diags
}

// apikleyBackend is Apikley's task API seen by the generation engine.
type apikleyBackend struct {
	client *apikley.Client
	opts   apikley.WaitOptions
}

func apikleyBackendOf(d *providerData) (taskBackend[*apikley.TaskDetail], diag.Diagnostics) {
	client, diags := d.apikleyClient()
	if diags.HasError() {
		return nil, diags
	}
	return apikleyBackend{client: client, opts: d.apikleyWait}, diags
}

func (b apikleyBackend) get(ctx context.Context, id string) (*apikley.TaskDetail, error) {
	return b.client.GetTask(ctx, id)
}

// wait ignores initial: Apikley's create answer holds only the task id.
func (b apikleyBackend) wait(ctx context.Context, id string, _ *apikley.TaskDetail, onPoll func(*apikley.TaskDetail)) (*apikley.TaskDetail, error) {
	opts := b.opts
	opts.OnPoll = onPoll
	return b.client.WaitForTask(ctx, id, opts)
}

func (apikleyBackend) status(t *apikley.TaskDetail) string {
	if t == nil {
		return ""
	}
	return t.State
}

func (apikleyBackend) failure(t *apikley.TaskDetail) string {
	if t == nil || t.State != apikley.StateFail {
		return ""
	}
	return apikleyFailureText(t)
}

func (apikleyBackend) isNotFound(err error) bool { return apikley.IsNotFound(err) }

// capacity is nil: Apikley publishes no per-account job limit to pace
// against; its rate limiting (code 429) is waited out by the client.
func (apikleyBackend) capacity(string) *capacityGate { return nil }

// Descriptions of the outputs, shared by the resources and the data source.
const (
	apikleyStatusDescription = "Task state as the gateway reports it: `wait` (submitted), `queueing`, `generating`, " +
		"`success` or `fail`. Only `wait`, `queueing` and `generating` are unfinished: a later apply waits in place only " +
		"for those. A create's own wait also waits through a state the provider does not know; anywhere else such a " +
		"state counts as final."
	apikleyGeneratedAtDescription = "When the video was completed, in RFC 3339. The gateway reports `YYYY-MM-DD HH:mm:ss` " +
		"without a time zone; the provider reads it as UTC (an assumption: if the gateway's clock runs in another zone, " +
		"this and `expires_at` are off by that offset). Null until the task has succeeded."
)

var apikleyOutputDescriptions = map[string]string{
	"video_url": "URL of the generated MP4, valid until the video expires (`expires_at`); null until the task has succeeded.",
	"cover_image_url": "URL of the video's cover (thumbnail) image, the gateway's `videoInfo.imageUrl`; null until the " +
		"task has succeeded.",
	"video_id": "Id of the generated video; null until the task has succeeded.",
	"parent_task_id": "The task this one extends (the `task_id` given to `runway_apikley_extension`); null for a " +
		"generation.",
	"generated_at": apikleyGeneratedAtDescription,
	"expires_at": "`generated_at` plus the gateway's 14-day retention: when `video_url` and `cover_image_url` stop " +
		"working and the video can no longer be extended. Null until the task has succeeded.",
	"expired": "Whether the gateway reports the video as expired (`expireFlag`, 14 days after generation): its URLs " +
		"no longer work and it can no longer be extended.",
	"error": "Why the task failed: the gateway's `failMsg` with its `failCode`; null unless `status` is `fail`.",
}

// apikleyCommonInputAttributes are the inputs both creates accept. Every
// one but callback_url (a create option) forces a new generation when
// changed.
func apikleyCommonInputAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"quality": schema.StringAttribute{
			MarkdownDescription: "Video resolution: `720p` or `1080p`.",
			Required:            true,
			Validators:          []validator.String{stringvalidator.OneOf(apikley.Quality720p, apikley.Quality1080p)},
		},
		"watermark": schema.StringAttribute{
			MarkdownDescription: "Watermark text shown in the bottom-right corner of the video; `\"\"` explicitly asks " +
				"for none. Unset leaves the choice to the gateway.",
			Optional: true,
		},
		"callback_url": schema.StringAttribute{
			MarkdownDescription: "URL the gateway POSTs the result to when the task ends (at most 1024 characters). " +
				"The provider does not need it: it polls the task. Apikley's pages describe it as required for " +
				"generation and extension requests, but their request schemas list it as optional and their examples " +
				"omit it; the provider follows the schemas and leaves it optional (a gateway that insisted would refuse " +
				"the request before charging anything)." + createOptionNote,
			Optional: true,
			Validators: []validator.String{
				stringvalidator.LengthAtMost(apikley.MaxCallbackURLLength),
				stringRuleValidator(callbackURLRule{}),
			},
		},
	}
}

// apikleyPromptAttribute is the prompt of a generation or an extension.
func apikleyPromptAttribute(description string, maxLen int) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("%s At most %d characters.", description, maxLen),
		Required:            true,
		Validators: []validator.String{
			stringvalidator.UTF8LengthAtMost(maxLen),
			notBlank(),
		},
	}
}

// nonBlankPattern matches any value with a visible character.
var nonBlankPattern = regexp.MustCompile(`\S`)

// notBlank refuses a value of only whitespace, which the gateway rejects
// like an empty one.
func notBlank() validator.String {
	return stringvalidator.RegexMatches(nonBlankPattern, "must not be empty or blank")
}

// apikleyOutputAttributes are the computed attributes of an Apikley
// generation. The task id and the parent never change for one task; the
// others are refreshed, and become unknown only when the plan will wait for
// an unfinished task.
func apikleyOutputAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The task id (a UUID): use it as `task_id` of a `runway_apikley_extension` or of the " +
				"`runway_apikley_task` data source, or to import the resource.",
			Computed: true,
		},
		"status": schema.StringAttribute{
			MarkdownDescription: apikleyStatusDescription,
			Computed:            true,
		},
		"parent_task_id": schema.StringAttribute{
			MarkdownDescription: apikleyOutputDescriptions["parent_task_id"],
			Computed:            true,
		},
		"expired": schema.BoolAttribute{
			MarkdownDescription: apikleyOutputDescriptions["expired"],
			Computed:            true,
		},
	}
	for _, name := range []string{"video_url", "cover_image_url", "video_id", "generated_at", "expires_at", "error"} {
		attrs[name] = schema.StringAttribute{
			MarkdownDescription: apikleyOutputDescriptions[name],
			Computed:            true,
		}
	}
	return attrs
}
