package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// planAccepts runs plan-time string validators on v.
func planAccepts(v string, validators ...validator.String) bool {
	req := validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(v)}
	for _, val := range validators {
		var resp validator.StringResponse
		val.ValidateString(context.Background(), req, &resp)
		if resp.Diagnostics.HasError() {
			return false
		}
	}
	return true
}

// A callback URL that passes `terraform plan` must pass the client's own
// check at apply, or the plan promised an apply that fails (the design
// validates everything at plan time). Both gateways: reply_url (useapi.net)
// and callback_url (Apikley), with the validators their schemas use.
func FuzzCallbackURLPlanAndApplyAgree(f *testing.F) {
	for _, s := range []string{
		"https://example.com/hook", "http://127.0.0.1:9/x?a=b", "https://例え.jp/フック", "ftp://x", "https://",
		"https://h/" + strings.Repeat("é", 600), "https://h/" + strings.Repeat("a", 1015), "http://[::1]:80/", "https://a b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if planAccepts(s, stringvalidator.LengthAtMost(maxReplyLength), stringRuleValidator(callbackURLRule{})) {
			r := useapi.Gen2ExtendRequest{AssetID: "asset", CreateOptions: useapi.CreateOptions{ReplyURL: &s}}
			if err := r.Validate(); err != nil {
				t.Fatalf("reply_url %q passes the plan but the useapi.net client refuses it: %v", s, err)
			}
		}
		if planAccepts(s, stringvalidator.LengthAtMost(apikley.MaxCallbackURLLength), stringRuleValidator(callbackURLRule{})) {
			r := apikley.ExtendRequest{TaskID: "task", Prompt: "prompt", Quality: apikley.Quality720p, CallBackURL: s}
			if err := r.Validate(); err != nil {
				t.Fatalf("callback_url %q passes the plan but the Apikley client refuses it: %v", s, err)
			}
		}
	})
}
