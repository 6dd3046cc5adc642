package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfrunway/terraform-provider-runway/internal/download"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// stringRule is a plan-time check of a string attribute: what it requires
// (the validator's description, repeated in the error), the summary of the
// error, and why a value breaks it.
type stringRule interface {
	requirement() string
	summary() string
	check(value string) error
}

// ruleValidator runs a stringRule as a validator.String. Null and unknown
// values pass: a required attribute is the schema's business, and a value
// known only at apply is checked again before the request is sent.
type ruleValidator struct{ rule stringRule }

func stringRuleValidator(r stringRule) validator.String { return ruleValidator{rule: r} }

func (v ruleValidator) Description(context.Context) string { return v.rule.requirement() }

func (v ruleValidator) MarkdownDescription(context.Context) string { return v.rule.requirement() }

func (v ruleValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.rule.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.rule.summary(),
			fmt.Sprintf("Attribute %s %s: %s.", req.Path, v.rule.requirement(), err))
	}
}

// endpointRule requires an https:// URL, or http:// on a loopback host (the
// bundled simulator), so that a token is never sent in clear text over a
// network.
type endpointRule struct{}

func (endpointRule) requirement() string {
	return "must be an absolute https:// URL (http:// is accepted for loopback hosts only)"
}
func (endpointRule) summary() string { return "Invalid endpoint" }
func (endpointRule) check(v string) error {
	_, err := transport.ValidateEndpoint(v)
	return err
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

// describedCheck gives a resource-level configuration check its
// description: what it requires, in the framework's two forms.
type describedCheck string

func (d describedCheck) Description(context.Context) string         { return string(d) }
func (d describedCheck) MarkdownDescription(context.Context) string { return string(d) }

// modelRowCheck is the part the configuration checks of the unified
// endpoints' resources (runway_video, runway_image) share: each checks the
// arguments against its model's row of the client's capability table.
type modelRowCheck struct{ describedCheck }

func newModelRowCheck() modelRowCheck {
	return modelRowCheck{"every argument must be one the model accepts"}
}

// refuse reports the argument the model does not accept.
func (modelRowCheck) refuse(diags *diag.Diagnostics, attr, modelID, message string) {
	diags.AddAttributeError(path.Root(attr), "Not accepted by model "+modelID, message+".")
}

// configuredValue: set in the configuration (neither null, absent nor
// unknown).
func configuredValue(v tftypes.Value) bool {
	return v.Type() != nil && v.IsKnown() && !v.IsNull()
}

// durationRule accepts Go durations ("90s", "5m") no shorter than min.
type durationRule struct{ min time.Duration }

func (r durationRule) requirement() string {
	return fmt.Sprintf("must be a duration such as \"30s\" or \"5m\", at least %s", r.min)
}
func (durationRule) summary() string { return "Invalid duration" }
func (r durationRule) check(v string) error {
	if d, err := time.ParseDuration(v); err != nil || d < r.min {
		return fmt.Errorf("got %q", v)
	}
	return nil
}

// callbackURLRule checks the URLs the gateways call back (reply_url,
// callback_url): absolute http(s) URLs with a host, as the gateway would
// otherwise reject the paid request or silently never call back.
type callbackURLRule struct{}

func (callbackURLRule) requirement() string {
	return "must be an absolute http:// or https:// URL with a host"
}
func (callbackURLRule) summary() string { return "Invalid URL" }
func (callbackURLRule) check(v string) error {
	if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("got %q", v)
	}
	return nil
}

// sha256Pattern is a hex SHA-256 digest, in either case.
var sha256Pattern = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// downloadURLRule requires an absolute https:// URL with a host, or
// http:// on a loopback host, as the gateways' signed URLs carry their
// token in the query string.
type downloadURLRule struct{}

func (downloadURLRule) requirement() string {
	return "must be an absolute https:// URL with a host (http:// only for loopback hosts)"
}
func (downloadURLRule) summary() string      { return "Invalid URL" }
func (downloadURLRule) check(v string) error { return checkDownloadURL(v) }

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

// plainFileNameRule applies download.CheckFileName at plan time.
type plainFileNameRule struct{}

func (plainFileNameRule) requirement() string {
	return "must be a plain file name: no / or \\, not . or .., not absolute"
}
func (plainFileNameRule) summary() string      { return "Invalid file name" }
func (plainFileNameRule) check(v string) error { return download.CheckFileName(v) }

// noNULRule refuses a NUL byte, which no file system accepts in a path.
type noNULRule struct{}

func (noNULRule) requirement() string { return "must not contain a NUL byte" }
func (noNULRule) summary() string     { return "Invalid path" }
func (noNULRule) check(v string) error {
	if strings.ContainsRune(v, 0) {
		return fmt.Errorf("found one at byte %d", strings.IndexByte(v, 0))
	}
	return nil
}
