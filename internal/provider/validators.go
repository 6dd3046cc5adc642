package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfrunway/terraform-provider-runway/internal/download"
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

// conflictingRootAttributes refuses the top-level attribute attr together
// with any of others. It reads the configuration's attributes directly, so
// it costs one look-up per attribute, and reports each conflict as
// resourcevalidator.Conflicting(attr, other) would ("Invalid Attribute
// Combination: These attributes cannot be configured together: [a,b]").
type conflictingRootAttributes struct {
	attr   string
	others []string
}

var _ resource.ConfigValidator = conflictingRootAttributes{}

func (v conflictingRootAttributes) Description(context.Context) string {
	return fmt.Sprintf("%s cannot be configured together with any of %s", v.attr, strings.Join(v.others, ", "))
}

func (v conflictingRootAttributes) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v conflictingRootAttributes) ValidateResource(_ context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var attrs map[string]tftypes.Value
	if req.Config.Raw.As(&attrs) != nil || !configuredValue(attrs[v.attr]) {
		return
	}
	for _, other := range v.others {
		if configuredValue(attrs[other]) {
			resp.Diagnostics.AddAttributeError(path.Root(v.attr), "Invalid Attribute Combination",
				fmt.Sprintf("These attributes cannot be configured together: [%s,%s]", v.attr, other))
		}
	}
}

// configuredValue: set in the configuration (neither null, absent nor
// unknown).
func configuredValue(v tftypes.Value) bool {
	return v.Type() != nil && v.IsKnown() && !v.IsNull()
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

// sha256Pattern is a hex SHA-256 digest, in either case.
var sha256Pattern = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// downloadURLValidator requires an absolute https:// URL with a host, or
// http:// on a loopback host, as the gateways' signed URLs carry their
// token in the query string.
type downloadURLValidator struct{}

func (downloadURLValidator) Description(context.Context) string {
	return "must be an absolute https:// URL with a host (http:// only for loopback hosts)"
}

func (v downloadURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v downloadURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkDownloadURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("Attribute %s %s: %v", req.Path, v.Description(ctx), err))
	}
}

func checkDownloadURL(raw string) error {
	u, err := url.Parse(raw)
	shown := download.RedactURL(raw)
	switch {
	case err != nil:
		return errors.New("it cannot be parsed")
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%s uses the unsupported scheme %q", shown, u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%s has no host", shown)
	case u.Scheme == "http" && !transport.IsLoopbackHost(u.Hostname()):
		return fmt.Errorf("%s uses plain http:// on a non-loopback host, which would send its signature in clear text", shown)
	}
	return nil
}

// plainFileNameValidator applies download.CheckFileName at plan time.
type plainFileNameValidator struct{}

func (plainFileNameValidator) Description(context.Context) string {
	return "must be a plain file name: no / or \\, not . or .., not absolute"
}

func (v plainFileNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v plainFileNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := download.CheckFileName(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid file name",
			fmt.Sprintf("Attribute %s %s, got %q.", req.Path, err, req.ConfigValue.ValueString()))
	}
}

// noNULValidator refuses a NUL byte, which no file system accepts in a path.
type noNULValidator struct{}

func (noNULValidator) Description(context.Context) string { return "must not contain a NUL byte" }

func (v noNULValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v noNULValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if strings.ContainsRune(req.ConfigValue.ValueString(), 0) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid path", fmt.Sprintf("Attribute %s %s.", req.Path, v.Description(ctx)))
	}
}
