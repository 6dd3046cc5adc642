package provider

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// endpointValidator requires an https:// URL, or http:// on a loopback host
// (the bundled simulator), so that a token is never sent in clear text over
// a network.
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string {
	return "must be an absolute https:// URL (http:// is accepted for loopback hosts only)"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := transport.ValidateEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint",
			fmt.Sprintf("Attribute %s: %s", req.Path, err))
	}
}

// durationValidator accepts Go durations ("90s", "5m") no shorter than min.
type durationValidator struct{ min time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as \"30s\" or \"5m\", at least %s", v.min)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.min {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s %s, got: %q", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}

// callbackURLValidator checks the URLs the gateways call back (reply_url,
// callback_url): absolute http(s) URLs with a host, as the gateway would
// otherwise reject the paid request or silently never call back.
type callbackURLValidator struct{}

func (callbackURLValidator) Description(context.Context) string {
	return "must be an absolute http:// or https:// URL with a host"
}

func (v callbackURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v callbackURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("Attribute %s %s, got: %q", req.Path, v.Description(ctx), raw))
	}
}
