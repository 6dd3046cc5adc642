package provider

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// generationResources are every generation resource, with the status words
// of its gateway, for the engine's table tests.
var generationResources = []struct {
	name                      string
	new                       func() resource.Resource
	running, finished, failed string
	inputs                    int
}{
	{"runway_gen2_extension", newGen2ExtensionResource, "RUNNING", "SUCCEEDED", "FAILED", 11},
	{"runway_video_to_video", newVideoToVideoResource, "RUNNING", "SUCCEEDED", "FAILED", 7},
	{"runway_expansion", newExpansionResource, "THROTTLED", "SUCCEEDED", "FAILED", 7},
	{"runway_video", newVideoResource, "RUNNING", "SUCCEEDED", "FAILED", 15},
	{"runway_video_upscale", newVideoUpscaleResource, "PENDING", "SUCCEEDED", "FAILED", 3},
	{"runway_video_edit", newVideoEditResource, "RUNNING", "SUCCEEDED", "FAILED", 5},
	{"runway_act_two", newActTwoResource, "RUNNING", "SUCCEEDED", "FAILED", 7},
	{"runway_image", newImageResource, "RUNNING", "SUCCEEDED", "FAILED", 10},
	{"runway_apikley_video", newApikleyVideoResource, "generating", "success", "fail", 6},
	{"runway_apikley_extension", newApikleyExtensionResource, "queueing", "success", "fail", 4},
}

// modifyPlan runs a resource's ModifyPlan on a state and a plan.
func modifyPlan(ctx context.Context, t *testing.T, r resource.Resource, state, plan tftypes.Value) *resource.ModifyPlanResponse {
	t.Helper()
	s := schemaOf(ctx, t, r)
	req := resource.ModifyPlanRequest{
		State: tfsdk.State{Schema: s, Raw: state},
		Plan:  tfsdk.Plan{Schema: s, Raw: plan},
	}
	resp := &resource.ModifyPlanResponse{Plan: req.Plan}
	r.(resource.ResourceWithModifyPlan).ModifyPlan(ctx, req, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp
}

// Every generation input forces a new generation; the knobs, the create
// options and the outputs do not. Apikley resources have no
// deletion_policy, since Apikley cannot delete.
func TestGenerationInputsForceReplacement(t *testing.T) {
	ctx := context.Background()
	for _, g := range generationResources {
		t.Run(g.name, func(t *testing.T) {
			r := g.new()
			s := schemaOf(ctx, t, r)
			_, hasDeletionPolicy := s.Attributes[attrDeletionPolicy]
			if apikleyGen := g.finished == "success"; hasDeletionPolicy == apikleyGen {
				t.Errorf("deletion_policy present = %t on %s", hasDeletionPolicy, g.name)
			}
			shape := planShapeOf(s.Attributes)
			if len(shape.inputs) != g.inputs {
				t.Errorf("%d inputs %v, want %d", len(shape.inputs), shape.inputs, g.inputs)
			}
			for _, knob := range append([]string{attrWaitForCompletion, attrDeletionPolicy, attrTimeouts, attrID, attrStatus}, createOptions...) {
				if slices.Contains(shape.inputs, knob) {
					t.Errorf("%s counted as an input", knob)
				}
			}
			wantOptions := []string{"max_jobs", "reply_ref", "reply_url"}
			if apikleyGen := g.finished == "success"; apikleyGen {
				wantOptions = []string{"callback_url"}
			}
			if !slices.Equal(shape.options, wantOptions) {
				t.Errorf("create options %v, want %v", shape.options, wantOptions)
			}
			// The crash journal keys a create by everything it sends.
			if want := slices.Sorted(slices.Values(append(slices.Clone(shape.inputs), shape.options...))); !slices.Equal(shape.keyed, want) {
				t.Errorf("journal key attributes %v, want %v", shape.keyed, want)
			}
			typ := s.Type().TerraformType(ctx).(tftypes.Object)
			state := apikleyObjectValue(ctx, t, s, map[string]tftypes.Value{attrStatus: akStr(g.finished)})
			for _, input := range shape.inputs {
				changed := sampleValue(typ.AttributeTypes[input])
				plan := apikleyObjectValue(ctx, t, s, map[string]tftypes.Value{attrStatus: akStr(g.finished), input: changed})
				resp := modifyPlan(ctx, t, r, state, plan)
				if len(resp.RequiresReplace) != 1 || resp.RequiresReplace[0].String() != input {
					t.Errorf("changing %s: requires replace %v", input, resp.RequiresReplace)
				}
				// Right after an import, a value the gateway did not report
				// is adopted in place; a contradiction still replaces.
				if got, err := shape.changedInputs(state, plan, true); err != nil || len(got) != 0 {
					t.Errorf("adopting %s after import: replaces %v (%v)", input, got, err)
				}
				other := apikleyObjectValue(ctx, t, s, map[string]tftypes.Value{input: sampleValue2(typ.AttributeTypes[input])})
				if got, err := shape.changedInputs(other, plan, true); err != nil || len(got) != 1 {
					t.Errorf("a reported %s contradicted by the configuration must replace, got %v (%v)", input, got, err)
				}
			}
			// A changed create option is an in-place update that keeps the
			// finished task's outputs.
			for _, option := range shape.options {
				was := apikleyObjectValue(ctx, t, s, map[string]tftypes.Value{attrStatus: akStr(g.finished), option: sampleValue(typ.AttributeTypes[option])})
				plan := apikleyObjectValue(ctx, t, s, map[string]tftypes.Value{attrStatus: akStr(g.finished), option: sampleValue2(typ.AttributeTypes[option])})
				resp := modifyPlan(ctx, t, r, was, plan)
				if len(resp.RequiresReplace) != 0 {
					t.Errorf("changing %s: requires replace %v", option, resp.RequiresReplace)
				}
				var planned map[string]tftypes.Value
				if err := resp.Plan.Raw.As(&planned); err != nil {
					t.Fatal(err)
				}
				if !planned[option].Equal(sampleValue2(typ.AttributeTypes[option])) || !planned[attrStatus].Equal(akStr(g.finished)) {
					t.Errorf("changing %s: planned %s = %s, status %s", option, option, planned[option], planned[attrStatus])
				}
			}
		})
	}
}

// Outputs keep their state values unless the task is unfinished and the
// apply will wait for it; identity and cost outputs are always kept.
func TestGenerationOutputsPlan(t *testing.T) {
	ctx := context.Background()
	for _, g := range generationResources {
		cases := []struct {
			name       string
			status     string
			wait       bool
			wantKept   bool
			wantUpdate bool
		}{
			{"finished, knob change", g.finished, true, true, false},
			{"failed, knob change", g.failed, true, true, false},
			{"unfinished, will wait", g.running, true, false, true},
			// A status the gateway does not document (a task cancelled in
			// Runway's web app) is final: waiting in place for it would
			// plan an update on every run.
			{"undocumented status, final", "CANCELED", true, true, false},
			{"no status reported, final", "", true, true, false},
			{"unfinished, not waiting", g.running, false, true, false},
		}
		for _, c := range cases {
			t.Run(g.name+"/"+c.name, func(t *testing.T) {
				r := g.new()
				s := schemaOf(ctx, t, r)
				typ := s.Type().TerraformType(ctx).(tftypes.Object)
				shape := planShapeOf(s.Attributes)
				inState := map[string]tftypes.Value{attrStatus: akStr(c.status), attrID: akStr("task-1"), attrWaitForCompletion: tftypes.NewValue(tftypes.Bool, false)}
				inPlan := map[string]tftypes.Value{attrWaitForCompletion: tftypes.NewValue(tftypes.Bool, c.wait)}
				for _, name := range append(slices.Clone(shape.refreshed), shape.stable...) {
					if name != attrStatus && name != attrID {
						inState[name] = sampleValue(typ.AttributeTypes[name])
					}
					inPlan[name] = tftypes.NewValue(typ.AttributeTypes[name], tftypes.UnknownValue)
				}
				state := apikleyObjectValue(ctx, t, s, inState)
				resp := modifyPlan(ctx, t, r, state, apikleyObjectValue(ctx, t, s, inPlan))
				var planned map[string]tftypes.Value
				if err := resp.Plan.Raw.As(&planned); err != nil {
					t.Fatal(err)
				}
				for _, name := range shape.refreshed {
					if kept := planned[name].Equal(inState[name]); kept != c.wantKept {
						t.Errorf("%s kept = %t, want %t (planned %s)", name, kept, c.wantKept, planned[name])
					}
					if unknown := !planned[name].IsKnown(); unknown != c.wantUpdate {
						t.Errorf("%s unknown = %t, want %t", name, unknown, c.wantUpdate)
					}
				}
				for _, name := range shape.stable {
					if !planned[name].Equal(inState[name]) {
						t.Errorf("stable output %s not kept: %s", name, planned[name])
					}
				}
				if len(resp.RequiresReplace) != 0 {
					t.Errorf("a knob change replaces %v", resp.RequiresReplace)
				}
			})
		}
	}
}

// schemaOf returns a resource's schema.
func schemaOf(ctx context.Context, t *testing.T, r resource.Resource) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// sampleValue and sampleValue2 are two different known values of a type.
func sampleValue(typ tftypes.Type) tftypes.Value  { return sampleOf(typ, 0) }
func sampleValue2(typ tftypes.Type) tftypes.Value { return sampleOf(typ, 1) }

func sampleOf(typ tftypes.Type, n int) tftypes.Value {
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, []string{"a", "b"}[n])
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, int64(3+n))
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, n == 0)
	case typ.Is(tftypes.List{}):
		elem := typ.(tftypes.List).ElementType
		return tftypes.NewValue(typ, []tftypes.Value{sampleOf(elem, n)})
	case typ.Is(tftypes.Object{}):
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.(tftypes.Object).AttributeTypes {
			attrs[name] = sampleOf(at, n)
		}
		return tftypes.NewValue(typ, attrs)
	}
	return tftypes.NewValue(typ, nil)
}

// Only the unfinished statuses a useapi.net task documents are waited for;
// every other one is final, and failure explains it.
func TestUseapiStatuses(t *testing.T) {
	b, g := useapiBackend{}, useapiGateway{}
	cases := []struct {
		status      string
		final       bool
		wantFailure *regexp.Regexp
	}{
		{useapi.StatusPending, false, nil},
		{useapi.StatusRunning, false, nil},
		{useapi.StatusThrottled, false, nil},
		{useapi.StatusSucceeded, true, nil},
		{useapi.StatusFailed, true, regexp.MustCompile(`^the gateway reported FAILED without a reason$`)},
		{"CANCELED", true, regexp.MustCompile(`"CANCELED".*does not document.*treated as finished without a video`)},
		{"", true, regexp.MustCompile(`""`)},
	}
	for _, c := range cases {
		task := &useapi.Task{Status: c.status}
		if got := g.isFinal(b.status(task)); got != c.final {
			t.Errorf("isFinal(%q) = %t", c.status, got)
		}
		got := b.failure(task)
		if (c.wantFailure == nil) != (got == "") || c.wantFailure != nil && !c.wantFailure.MatchString(got) {
			t.Errorf("failure(%q) = %q, want %v", c.status, got, c.wantFailure)
		}
	}
}

// Destroy asks for credentials only when it calls the gateway: useapi.net
// with deletion_policy = "DELETE". Forgetting (Apikley, ABANDON) works with
// no gateway configured.
func TestDeleteNeedsCredentialsOnlyToCallTheGateway(t *testing.T) {
	ctx := context.Background()
	unconfigured := &providerData{useapiErr: "no useapi.net API token", apikleyErr: "no Apikley API key"}
	cases := []struct {
		name      string
		new       func() resource.Resource
		state     map[string]tftypes.Value
		wantError string
	}{
		{"apikley forgets", newApikleyVideoResource, map[string]tftypes.Value{attrID: akStr("t-1"), attrStatus: akStr("success")}, ""},
		{"useapi abandons", newVideoToVideoResource,
			map[string]tftypes.Value{attrID: akStr("t-1"), attrStatus: akStr("SUCCEEDED"), attrDeletionPolicy: akStr(deletionPolicyAbandon)}, ""},
		{"useapi deletes", newVideoToVideoResource,
			map[string]tftypes.Value{attrID: akStr("t-1"), attrStatus: akStr("SUCCEEDED"), attrDeletionPolicy: akStr(deletionPolicyDelete)},
			"useapi.net gateway not configured"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.new()
			var cresp resource.ConfigureResponse
			r.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: unconfigured}, &cresp)
			s := schemaOf(ctx, t, r)
			state := tfsdk.State{Schema: s, Raw: apikleyObjectValue(ctx, t, s, c.state)}
			resp := resource.DeleteResponse{State: state}
			r.Delete(ctx, resource.DeleteRequest{State: state}, &resp)
			var errs []string
			for _, d := range resp.Diagnostics.Errors() {
				errs = append(errs, d.Summary())
			}
			switch {
			case c.wantError == "" && len(errs) > 0:
				t.Errorf("destroy failed: %v", errs)
			case c.wantError != "" && !slices.Contains(errs, c.wantError):
				t.Errorf("errors %v, want %q", errs, c.wantError)
			}
		})
	}
}

// A state or plan that cannot be read fails the plan: "nothing changed"
// would record a changed input in place, without a new generation.
func TestChangedInputsFailsClosed(t *testing.T) {
	ctx := context.Background()
	r := newVideoToVideoResource()
	s := schemaOf(ctx, t, r)
	shape := planShapeOf(s.Attributes)
	good := apikleyObjectValue(ctx, t, s, nil)
	bad := tftypes.NewValue(tftypes.String, "not an object")
	for _, c := range []struct {
		name        string
		state, plan tftypes.Value
	}{
		{"state", bad, good},
		{"plan", good, bad},
	} {
		if got, err := shape.changedInputs(c.state, c.plan, false); err == nil {
			t.Errorf("unreadable %s: changed %v and no error", c.name, got)
		}
	}
	// Through ModifyPlan: an error, and no plan of an in-place update.
	req := resource.ModifyPlanRequest{
		State: tfsdk.State{Schema: s, Raw: good},
		Plan:  tfsdk.Plan{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), tftypes.UnknownValue)},
	}
	resp := &resource.ModifyPlanResponse{Plan: req.Plan}
	r.(resource.ResourceWithModifyPlan).ModifyPlan(ctx, req, resp)
	if !resp.Diagnostics.HasError() {
		t.Errorf("ModifyPlan on an unreadable plan: no error")
	}
}

// ModifyPlan of a create on a provider that is not configured (no rates,
// no budget) prices nothing and does not crash: estimated_credits stays
// unknown for the apply to price.
func TestPriceCreateWithoutProviderData(t *testing.T) {
	ctx := context.Background()
	for _, g := range generationResources {
		t.Run(g.name, func(t *testing.T) {
			r := g.new()
			s := schemaOf(ctx, t, r)
			typ := s.Type().TerraformType(ctx).(tftypes.Object)
			vals := map[string]tftypes.Value{}
			if _, ok := typ.AttributeTypes[attrEstimatedCredits]; ok {
				vals[attrEstimatedCredits] = tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
			}
			plan := apikleyObjectValue(ctx, t, s, vals)
			resp := modifyPlan(ctx, t, r, tftypes.NewValue(typ, nil), plan)
			var planned map[string]tftypes.Value
			if err := resp.Plan.Raw.As(&planned); err != nil {
				t.Fatal(err)
			}
			if v, ok := planned[attrEstimatedCredits]; ok && v.IsKnown() {
				t.Errorf("estimated_credits planned %s without a configured provider", v)
			}
		})
	}
}
