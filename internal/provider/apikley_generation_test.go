package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

// detail decodes a record-detail data object as the gateway sends it.
func apikleyDetail(t *testing.T, js string) *apikley.TaskDetail {
	t.Helper()
	var d apikley.TaskDetail
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

func TestApikleyOutputsOf(t *testing.T) {
	null := types.StringNull()
	cases := []struct {
		name string
		json string
		want apikleyOutputs
	}{
		{
			name: "success: URLs, UTC times, failCode 400 ignored",
			json: `{"taskId":"t1","parentTaskId":"","state":"success","generateTime":"2025-03-04 05:06:07",
				"videoInfo":{"videoId":"v1","taskId":"t1","videoUrl":"https://file.com/k/v1.mp4","imageUrl":"https://file.com/m/v1.png"},
				"failCode":400,"failMsg":"","expireFlag":0}`,
			want: apikleyOutputs{
				VideoURL: types.StringValue("https://file.com/k/v1.mp4"), CoverImageURL: types.StringValue("https://file.com/m/v1.png"),
				VideoID: types.StringValue("v1"), ParentTaskID: null,
				GeneratedAt: types.StringValue("2025-03-04T05:06:07Z"), ExpiresAt: types.StringValue("2025-03-18T05:06:07Z"),
				Expired: types.BoolValue(false), Error: null,
			},
		},
		{
			name: "expired extension",
			json: `{"taskId":"t2","parentTaskId":" t1 ","state":"success","generateTime":"2025-03-04 05:06:07",
				"videoInfo":{"videoId":"v2","videoUrl":"https://file.com/k/v2.mp4","imageUrl":""},"expireFlag":1}`,
			want: apikleyOutputs{
				VideoURL: types.StringValue("https://file.com/k/v2.mp4"), CoverImageURL: null, VideoID: types.StringValue("v2"),
				ParentTaskID: types.StringValue("t1"),
				GeneratedAt:  types.StringValue("2025-03-04T05:06:07Z"), ExpiresAt: types.StringValue("2025-03-18T05:06:07Z"),
				Expired: types.BoolValue(true), Error: null,
			},
		},
		{
			name: "success with an unreadable generateTime and no videoInfo",
			json: `{"taskId":"t3","state":"success","generateTime":"04/03/2025"}`,
			want: apikleyOutputs{VideoURL: null, CoverImageURL: null, VideoID: null, ParentTaskID: null,
				GeneratedAt: null, ExpiresAt: null, Expired: types.BoolValue(false), Error: null},
		},
		{
			name: "moderated",
			json: `{"taskId":"t4","state":"fail","generateTime":"","videoInfo":null,"failCode":400,
				"failMsg":"Your prompt was caught by our AI moderator.","expireFlag":0}`,
			want: apikleyOutputs{VideoURL: null, CoverImageURL: null, VideoID: null, ParentTaskID: null,
				GeneratedAt: null, ExpiresAt: null, Expired: types.BoolValue(false),
				Error: types.StringValue("Your prompt was caught by our AI moderator. (failCode 400)")},
		},
		{
			name: "failed without a reason, older empty failCode",
			json: `{"taskId":"t5","state":"fail","failCode":"","failMsg":" "}`,
			want: apikleyOutputs{VideoURL: null, CoverImageURL: null, VideoID: null, ParentTaskID: null,
				GeneratedAt: null, ExpiresAt: null, Expired: types.BoolValue(false),
				Error: types.StringValue("the gateway reported state fail without a reason")},
		},
		{
			name: "unfinished and unknown states expose nothing yet",
			json: `{"taskId":"t6","state":"rendering","failCode":400,"failMsg":"stale","videoInfo":{"videoUrl":"https://x/y.mp4"}}`,
			want: apikleyOutputs{VideoURL: null, CoverImageURL: null, VideoID: null, ParentTaskID: null,
				GeneratedAt: null, ExpiresAt: null, Expired: types.BoolValue(false), Error: null},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := apikleyOutputsOf(apikleyDetail(t, c.json)); got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestFillApikleyCommon(t *testing.T) {
	cases := []struct {
		name, priorID       string
		task                *apikley.TaskDetail
		wantID, wantStatus  string
		wantParentIsNullStr bool
	}{
		{"just submitted extension", "", submittedApikleyTask("new", "parent"), "new", "wait", false},
		{"just submitted generation", "", submittedApikleyTask("new", ""), "new", "wait", true},
		{"detail without its id keeps the state's", "kept", &apikley.TaskDetail{State: "queueing"}, "kept", "queueing", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m apikleyCommon
			m.ID = stringOrNull(c.priorID)
			m.fill(context.Background(), c.task, time.Now())
			if m.ID.ValueString() != c.wantID || m.Status.ValueString() != c.wantStatus || m.ParentTaskID.IsNull() != c.wantParentIsNullStr {
				t.Errorf("id %s status %s parent %s", m.ID, m.Status, m.ParentTaskID)
			}
			if m.Expired.IsNull() || m.Expired.IsUnknown() {
				t.Errorf("expired must be known, got %s", m.Expired)
			}
		})
	}
}

func TestApikleyBackend(t *testing.T) {
	b, g := apikleyBackend{}, apikleyGateway{}
	cases := []struct {
		state       string
		terminal    bool
		wantFailure string
	}{
		{apikley.StateWait, false, ""},
		{apikley.StateQueueing, false, ""},
		{apikley.StateGenerating, false, ""},
		// A state the gateway does not document (here another gateway's
		// word) is final: no plan waits in place for it.
		{"SUCCEEDED", true, ""},
		{"", true, ""},
		{apikley.StateSuccess, true, ""},
		{apikley.StateFail, true, "nsfw (failCode 400)"},
	}
	for _, c := range cases {
		task := &apikley.TaskDetail{State: c.state, FailMsg: "nsfw", FailCode: apikley.NewFlexInt(400)}
		if got := g.isFinal(b.status(task)); got != c.terminal {
			t.Errorf("terminal(%q) = %t", c.state, got)
		}
		if got := b.failure(task); got != c.wantFailure {
			t.Errorf("failure(%q) = %q, want %q", c.state, got, c.wantFailure)
		}
	}
	if b.status(nil) != "" || b.failure(nil) != "" || b.capacity("") != nil {
		t.Error("a nil task has no status or failure, and Apikley has no capacity gate")
	}
	notFound := &apikley.APIError{HTTPStatus: 200, Code: 404, Msg: "taskId x not found", FromEnvelope: true}
	proxy404 := &apikley.APIError{HTTPStatus: 404, Code: 404, Msg: "<html>"}
	if !b.isNotFound(fmt.Errorf("wrapped: %w", notFound)) || b.isNotFound(proxy404) || b.isNotFound(errors.New("x")) {
		t.Error("only the gateway's own code 404 means the task is gone")
	}
}

func TestApikleyErrorDiagnostic(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"rejected key", &apikley.APIError{HTTPStatus: 200, Code: 401, Msg: "Unauthorized", Method: "POST", Path: apikley.PathGenerate, FromEnvelope: true},
			[]string{"code 401: Unauthorized", "APIKLEY_API_KEY"}},
		{"credits", fmt.Errorf("ctx: %w", &apikley.APIError{HTTPStatus: 200, Code: 402, Msg: "Insufficient credits", Method: "POST", Path: apikley.PathExtend}),
			[]string{"code 402: Insufficient credits", "top up"}},
		{"code without hint", &apikley.APIError{HTTPStatus: 200, Code: 505, Msg: "feature disabled"}, []string{"code 505: feature disabled"}},
		{"other error", errors.New("connection refused"), []string{"connection refused"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diags := gatewayErrorDiagnostic("Summary", c.err)
			if len(diags) != 1 || diags[0].Summary() != "Summary" || !diags.HasError() {
				t.Fatalf("diags = %v", diags)
			}
			for _, w := range c.want {
				if !strings.Contains(diags[0].Detail(), w) {
					t.Errorf("detail %q lacks %q", diags[0].Detail(), w)
				}
			}
		})
	}
}

func TestForgetApikleyGenerationWarns(t *testing.T) {
	diags := forgetApikleyGeneration("ee603959-debb-48d1-98c4-a6d1c717eba6")
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want exactly one warning, got %v", diags)
	}
	for _, w := range []string{"no delete endpoint", "ee603959-debb-48d1-98c4-a6d1c717eba6", "14 days", "only removed"} {
		if !strings.Contains(diags[0].Detail(), w) {
			t.Errorf("warning %q lacks %q", diags[0].Detail(), w)
		}
	}
}

// resourceSchema returns a resource's schema.
func apikleyResourceSchema(t *testing.T, r resource.Resource) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// objectValue builds a value of a schema's type: every attribute null
// except those given.
func apikleyObjectValue(ctx context.Context, t *testing.T, s schema.Schema, vals map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	all := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		all[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range vals {
		if _, ok := all[name]; !ok {
			t.Fatalf("no attribute %s", name)
		}
		all[name] = v
	}
	return tftypes.NewValue(typ, all)
}

func akStr(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
func akNum(v int64) tftypes.Value  { return tftypes.NewValue(tftypes.Number, v) }

var apikleyUnknownString = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)

func TestApikleyVideoConfigValidators(t *testing.T) {
	s := apikleyResourceSchema(t, newApikleyVideoResource())
	cases := []struct {
		name    string
		vals    map[string]tftypes.Value
		wantErr string // attribute path of the error, "" for none
	}{
		{"1080p 5 s", map[string]tftypes.Value{"quality": akStr("1080p"), "duration": akNum(5), "aspect_ratio": akStr("16:9")}, ""},
		{"1080p 10 s", map[string]tftypes.Value{"quality": akStr("1080p"), "duration": akNum(10), "aspect_ratio": akStr("16:9")}, "quality"},
		{"720p 10 s", map[string]tftypes.Value{"quality": akStr("720p"), "duration": akNum(10), "aspect_ratio": akStr("16:9")}, ""},
		{"quality unknown", map[string]tftypes.Value{"quality": apikleyUnknownString, "duration": akNum(10), "aspect_ratio": akStr("16:9")}, ""},
		{"text-to-video without aspect_ratio", map[string]tftypes.Value{"quality": akStr("720p"), "duration": akNum(5)}, "aspect_ratio"},
		{"image-to-video", map[string]tftypes.Value{"quality": akStr("720p"), "duration": akNum(5), "image_url": akStr("https://x/y.png")}, ""},
		{"image_url unknown", map[string]tftypes.Value{"quality": akStr("720p"), "duration": akNum(5), "image_url": apikleyUnknownString}, ""},
		{"aspect_ratio unknown", map[string]tftypes.Value{"quality": akStr("720p"), "duration": akNum(5), "aspect_ratio": apikleyUnknownString}, ""},
	}
	validators := apikleyVideo{}.configValidators()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: s, Raw: apikleyObjectValue(context.Background(), t, s, c.vals)}}
			var resp resource.ValidateConfigResponse
			for _, v := range validators {
				v.ValidateResource(context.Background(), req, &resp)
			}
			var paths []string
			for _, d := range resp.Diagnostics.Errors() {
				if wp, ok := d.(diag.DiagnosticWithPath); ok {
					paths = append(paths, wp.Path().String())
				} else {
					paths = append(paths, fmt.Sprintf("%T", d))
				}
			}
			switch {
			case c.wantErr == "" && len(paths) > 0:
				t.Errorf("unexpected errors %v: %v", paths, resp.Diagnostics)
			case c.wantErr != "" && !slices.Equal(paths, []string{c.wantErr}):
				t.Errorf("errors on %v, want one on %s: %v", paths, c.wantErr, resp.Diagnostics)
			}
		})
	}
}

// The Apikley credential is only needed by Apikley resources: a missing key
// fails them with a message naming APIKLEY_API_KEY, before any request.
func TestAccApikley_missingAPIKey(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []acc.TestStep{{
			Config: fmt.Sprintf(`
provider "runway" {
  apikley = {
    endpoint = %q
  }
}
resource "runway_apikley_video" "test" {
  prompt       = "x"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "16:9"
}
`, gw.endpoint),
			ExpectError: errorPattern(`Apikley gateway not configured.*no Apikley API key.*api_key.*APIKLEY_API_KEY`),
		}},
	})
	if got := gw.Stats().Requests; got != 0 {
		t.Errorf("the provider sent %d requests without an API key", got)
	}
}

// A configuration of useapi.net resources only needs no Apikley key (nor an
// apikley block); the Apikley tests above, conversely, configure no
// useapi.net token.
func TestAccApikley_notRequiredByUseapiOnlyConfig(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	addr := "runway_gen2_extension.test"
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []acc.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "test" {
  asset_id = %q
}
`, sim.demoVideo()),
			ConfigStateChecks: []statecheck.StateCheck{
				stringValue(addr, "status", "SUCCEEDED"),
				sim.expectCreates(1),
			},
		}},
	})
}
