// Package provider maps Terraform configuration onto the gateway clients in
// internal/useapi and internal/apikley. It owns everything Terraform-specific:
// schemas, plan-time validation, state and diagnostics. The ten generation
// resources (eight on useapi.net, two on Apikley) run on one engine
// (engine.go, its life cycle in engine_apply.go, its planning in
// engine_plan.go); each resource file declares only its model, inputs,
// request mapping and price.
package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// Environment variables read when the matching provider argument is unset.
const (
	envUseapiToken     = "USEAPI_TOKEN"
	envUseapiEndpoint  = "USEAPI_ENDPOINT"
	envUseapiEmail     = "USEAPI_EMAIL"
	envApikleyAPIKey   = "APIKLEY_API_KEY" //nolint:gosec // G101: the name of an environment variable, not a credential
	envApikleyEndpoint = "APIKLEY_ENDPOINT"
	envCrashJournal    = "RUNWAY_CRASH_JOURNAL"
)

// Defaults of the provider's steering knobs.
const (
	defaultPollInterval      = time.Second
	defaultMaxPollInterval   = 30 * time.Second
	defaultMaxRetries        = 5
	defaultBusyRetryInterval = 10 * time.Second
)

var _ provider.Provider = (*runwayProvider)(nil)

// New returns a constructor of the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &runwayProvider{version: version}
	}
}

type runwayProvider struct {
	version string
}

// providerModel is the provider block.
type providerModel struct {
	APIToken          types.String `tfsdk:"api_token"`
	Endpoint          types.String `tfsdk:"endpoint"`
	Email             types.String `tfsdk:"email"`
	PollInterval      types.String `tfsdk:"poll_interval"`
	MaxPollInterval   types.String `tfsdk:"max_poll_interval"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	BusyRetryInterval types.String `tfsdk:"busy_retry_interval"`
	Apikley           types.Object `tfsdk:"apikley"`
	CreditRates       types.Map    `tfsdk:"credit_rates"`
	MaxCreditsPerPlan types.Int64  `tfsdk:"max_credits_per_apply"`
	CrashJournal      types.String `tfsdk:"crash_journal"`
}

// apikleyModel is the nested `apikley` block.
type apikleyModel struct {
	APIKey   types.String `tfsdk:"api_key"`
	Endpoint types.String `tfsdk:"endpoint"`
}

func (p *runwayProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "runway"
	resp.Version = p.version
}

func (p *runwayProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Drives Runway video generation through two gateways: useapi.net " +
			"(`https://api.useapi.net/v1/runwayml`) and Apikley (`https://api.apikley.ru`, in the `apikley` " +
			"block). Every argument is optional: credentials may come from the environment, and each gateway's " +
			"credential is only required by the resources that call that gateway.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				MarkdownDescription: "useapi.net API token (`user:<number>-<string>`). May also be set with the `" +
					envUseapiToken + "` environment variable. Required only when a useapi.net resource or data source is used.",
				Optional:  true,
				Sensitive: true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the useapi.net Runway API. Defaults to `" + useapi.DefaultEndpoint +
					"`; may also be set with `" + envUseapiEndpoint + "`. Must be `https://`, except for loopback " +
					"hosts such as the bundled simulator (`http://127.0.0.1:8787/v1/runwayml`).",
				Optional:   true,
				Validators: []validator.String{stringRuleValidator(endpointRule{})},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Default Runway account (its email, as in `runway_accounts`) of the useapi.net calls " +
					"scoped to one account: uploads (`runway_asset`), asset listings (`runway_assets`) and `runway_credits`, " +
					"when they do not set their own `email`. The gateway requires it once two or more Runway accounts are " +
					"configured (it answers 400 without it); with one account it may be left unset. Generations need " +
					"none: they run on the account that owns their input asset. May also be set with `" + envUseapiEmail + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(3)},
			},
			"poll_interval": schema.StringAttribute{
				MarkdownDescription: "Shortest time between two polls of one task, as a Go duration (`\"1s\"`). " +
					"The provider polls adaptively: it uses the gateway's `estimatedTimeToStartSeconds` and the " +
					"rate of `progressRatio` to poll when completion is likely. Defaults to `1s`.",
				Optional:   true,
				Validators: []validator.String{stringRuleValidator(durationRule{min: 100 * time.Millisecond})},
			},
			"max_poll_interval": schema.StringAttribute{
				MarkdownDescription: "Longest time between two polls of one task. Defaults to `30s`.",
				Optional:            true,
				Validators:          []validator.String{stringRuleValidator(durationRule{min: 100 * time.Millisecond})},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a read or delete request is retried after a connection error, " +
					"HTTP 429 or 5xx (except 501). Creates are never retried blindly: only after a 429 (nothing " +
					"was created) or a refused connection (nothing was sent). Defaults to `5`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"busy_retry_interval": schema.StringAttribute{
				MarkdownDescription: "Base wait before a create refused with HTTP 429 (account busy running `maxJobs` " +
					"tasks, or Runway throttling) is submitted again; a random jitter of up to twice this value is " +
					"added, so the default `10s` waits 10–30 s as the gateway advises. The wait ends early when " +
					"another generation of this provider finishes and frees a slot.",
				Optional:   true,
				Validators: []validator.String{stringRuleValidator(durationRule{min: 10 * time.Millisecond})},
			},
			"credit_rates": schema.MapAttribute{
				MarkdownDescription: "Credits per second of output by Runway model, used for the `estimated_credits` of useapi.net " +
					"generations (Apikley generations are not priced). Keys: `gen2` " +
					"(Gen-2, default 5), `gen3a` (Gen-3 Alpha, default 10), `gen3a_turbo` (Gen-3 Alpha Turbo, default 5), and " +
					"`upscale` (`runway_video_upscale`, default 2), `gen4_aleph` (`runway_video_edit`, default 15), `act_two` " +
					"(`runway_act_two`, no default), `image:<model>` for each model of `runway_image` (credits per image, no " +
					"defaults), and every `model` of `runway_video`: `gen4.5` (default 12), `gen4-turbo` (default 5), `seedance-2` (default 36), " +
					"`veo-3.1` (default 40) and the others without a default (their `estimated_credits` is null until a rate " +
					"is set here). Set the ones whose price changed; the others keep their defaults.",
				Optional:    true,
				ElementType: types.Int64Type,
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.OneOf(creditRateKeys()...)),
					mapvalidator.ValueInt64sAre(int64validator.AtLeast(0)),
				},
			},
			"max_credits_per_apply": schema.Int64Attribute{
				MarkdownDescription: "Refuse, at plan time, a plan whose new useapi.net generations together are estimated above " +
					"this many Runway credits (their `estimated_credits`); the error lists each planned generation and its estimate. " +
					"Apikley generations (`runway_apikley_*`) are not priced and not counted: Apikley charges them in its own " +
					"credits. Unset: no limit.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"crash_journal": schema.StringAttribute{
				MarkdownDescription: "Where the crash journal is kept: the file that lets an apply adopt the generations an " +
					"earlier apply submitted but could not record because Terraform or the provider was killed hard (see the " +
					"\"Crash safety\" section of the index). Defaults to `runway-crash-journal.json` in Terraform's data " +
					"directory (`TF_DATA_DIR`, else `.terraform` in the working directory); may also be set with `" +
					envCrashJournal + "`. On ephemeral CI runners, point it at a cached path. `\"off\"` turns it off.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"apikley": schema.SingleNestedAttribute{
				MarkdownDescription: "Apikley's Runway API, used by the `runway_apikley_*` resources and data sources.",
				Optional:            true,
				Attributes: map[string]schema.Attribute{
					"api_key": schema.StringAttribute{
						MarkdownDescription: "Apikley API key. May also be set with `" + envApikleyAPIKey + "`. Required only when an Apikley resource or data source is used.",
						Optional:            true,
						Sensitive:           true,
					},
					"endpoint": schema.StringAttribute{
						MarkdownDescription: "Base URL of Apikley's API. Defaults to `" + apikley.DefaultEndpoint + "`; may also be set with `" +
							envApikleyEndpoint + "`. Must be `https://`, except for loopback hosts.",
						Optional:   true,
						Validators: []validator.String{stringRuleValidator(endpointRule{})},
					},
				},
			},
		},
	}
}

func (p *runwayProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{
		version:  p.version,
		capacity: newCapacityGates(),
	}

	token, endpoint := data.credentials(cfg.APIToken, envUseapiToken, cfg.Endpoint, envUseapiEndpoint, useapi.DefaultEndpoint)
	data.defaultEmail = strings.TrimSpace(stringOrEnv(cfg.Email, envUseapiEmail))
	var ak apikleyModel
	if !cfg.Apikley.IsNull() && !cfg.Apikley.IsUnknown() {
		resp.Diagnostics.Append(cfg.Apikley.As(ctx, &ak, basetypes.ObjectAsOptions{})...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	apikleyKey, apikleyEndpoint := data.credentials(ak.APIKey, envApikleyAPIKey, ak.Endpoint, envApikleyEndpoint, apikley.DefaultEndpoint)
	ctx = maskSecrets(ctx, data.secrets)

	// Both endpoints are checked whether or not their gateway will be used,
	// as the schema checks the `endpoint` arguments: one taken from the
	// environment would otherwise go unchecked until its credential is set.
	if !cfg.Endpoint.IsUnknown() {
		checkEndpoint(&resp.Diagnostics, "useapi.net", path.Root("endpoint"), cfg.Endpoint, envUseapiEndpoint, endpoint)
	}
	if !cfg.Apikley.IsUnknown() && !ak.Endpoint.IsUnknown() {
		checkEndpoint(&resp.Diagnostics, "Apikley", path.Root("apikley").AtName("endpoint"), ak.Endpoint, envApikleyEndpoint, apikleyEndpoint)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	data.creditRates = map[string]int64{}
	for model, rate := range defaultCreditRates {
		data.creditRates[model] = rate
	}
	if !cfg.CreditRates.IsNull() && !cfg.CreditRates.IsUnknown() {
		var rates map[string]int64
		resp.Diagnostics.Append(cfg.CreditRates.ElementsAs(ctx, &rates, false)...)
		for model, rate := range rates {
			data.creditRates[model] = rate
		}
	}
	data.budget = &creditBudget{}
	if !cfg.MaxCreditsPerPlan.IsNull() && !cfg.MaxCreditsPerPlan.IsUnknown() {
		data.budget.limit = cfg.MaxCreditsPerPlan.ValueInt64()
	}

	data.journal, data.journalErr = openCrashJournal(stringOrEnv(cfg.CrashJournal, envCrashJournal))

	pollInterval := durationOr(cfg.PollInterval, defaultPollInterval)
	maxPollInterval := durationOr(cfg.MaxPollInterval, defaultMaxPollInterval)
	if maxPollInterval < pollInterval {
		resp.Diagnostics.AddAttributeError(path.Root("max_poll_interval"), "Invalid polling bounds",
			fmt.Sprintf("max_poll_interval (%s) must not be shorter than poll_interval (%s).", maxPollInterval, pollInterval))
		return
	}
	data.wait = useapi.WaitOptions{MinInterval: pollInterval, MaxInterval: maxPollInterval}
	data.capacity.pollEvery = pollInterval

	maxRetries := defaultMaxRetries
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if maxRetries == 0 {
		maxRetries = -1 // the transport reads 0 as "default"; -1 is "no retries"
	}
	busy := durationOr(cfg.BusyRetryInterval, defaultBusyRetryInterval)
	data.capacity.fallback = busy
	retry := transport.RetryPolicy{
		MaxRetries:     maxRetries,
		BusyMinBackoff: busy,
		BusyMaxBackoff: 3 * busy,
	}
	// Both gateways' clients: one user agent, logger (secrets masked) and
	// retry policy.
	httpSide := transport.Config{
		UserAgent: "terraform-provider-runway/" + p.version,
		Logger:    tflogLogger{secrets: data.secrets},
		Retry:     retry,
	}

	if cfg.APIToken.IsUnknown() || cfg.Endpoint.IsUnknown() {
		// Known only after apply of another resource: nothing can be called
		// during this plan, and the resources say so if they need the client.
		data.useapiErr = "the useapi.net provider arguments are not known yet (they depend on values known only after apply)"
	} else if token == "" {
		data.useapiErr = "no useapi.net API token: set `api_token` in the provider block or the " + envUseapiToken + " environment variable"
	} else {
		useapiHTTP := httpSide
		useapiHTTP.BusyWait = data.capacity.busyWait
		client, err := useapi.NewClient(useapi.Config{Endpoint: endpoint, Token: token, Config: useapiHTTP})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid useapi.net endpoint", err.Error())
			return
		}
		data.useapi = client
		data.capacity.watcher = useapiTaskWatcher{client: client}
	}
	data.apikleyWait = apikley.WaitOptions{MinInterval: pollInterval, MaxInterval: maxPollInterval}
	switch {
	case cfg.Apikley.IsUnknown() || ak.APIKey.IsUnknown() || ak.Endpoint.IsUnknown():
		data.apikleyErr = "the apikley provider arguments are not known yet (they depend on values known only after apply)"
	case apikleyKey == "":
		data.apikleyErr = "no Apikley API key: set `api_key` in the provider's `apikley` block or the " + envApikleyAPIKey + " environment variable"
	default:
		client, err := apikley.NewClient(apikley.Config{Endpoint: apikleyEndpoint, APIKey: apikleyKey, Config: httpSide})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("apikley").AtName("endpoint"), "Invalid Apikley endpoint", err.Error())
			return
		}
		data.apikley = client
	}

	// Redacted even though checked: an endpoint still unknown at plan time
	// left the environment's value unchecked.
	tflog.Debug(ctx, "configured runway provider", map[string]any{
		"apikley_endpoint":   transport.RedactEndpoint(apikleyEndpoint),
		"apikley_configured": data.apikley != nil,
		"useapi_endpoint":    transport.RedactEndpoint(endpoint),
		"useapi_configured":  data.useapi != nil,
		"poll_interval":      pollInterval.String(),
		"max_poll_interval":  maxPollInterval.String(),
		"max_retries":        maxRetries,
	})

	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *runwayProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newGen2ExtensionResource,
		newVideoToVideoResource,
		newExpansionResource,
		newVideoResource,
		newImageResource,
		newVideoUpscaleResource,
		newVideoEditResource,
		newActTwoResource,
		newAssetResource,
		newApikleyVideoResource,
		newApikleyExtensionResource,
		newArtifactFileResource,
	}
}

func (p *runwayProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newTaskDataSource,
		newAssetDataSource,
		newAssetsDataSource,
		newApikleyTaskDataSource,
		newAccountsDataSource,
		newCreditsDataSource,
		newApikleyCreditsDataSource,
	}
}

// checkEndpoint validates a gateway's endpoint (value), taken from the
// argument at attr when configured, else from the environment variable env,
// else the default. The error quotes the endpoint without any credential
// in it and names where it came from.
func checkEndpoint(diags *diag.Diagnostics, gateway string, attr path.Path, configured types.String, env, value string) {
	_, err := transport.ValidateEndpoint(value)
	if err == nil {
		return
	}
	if configured.IsNull() || configured.ValueString() == "" {
		diags.AddError("Invalid "+gateway+" endpoint in "+env,
			fmt.Sprintf("The %s environment variable: %s. Nothing was sent to any gateway: fix or unset %s, then run the command again.", env, err, env))
		return
	}
	diags.AddAttributeError(attr, "Invalid "+gateway+" endpoint",
		fmt.Sprintf("%s. Nothing was sent to any gateway: fix the endpoint, then run the command again.", err))
}

// stringOrEnv returns the configured value, else the environment variable.
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// durationOr parses an already validated duration argument.
func durationOr(v types.String, def time.Duration) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return def
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil {
		return def
	}
	return d
}

// accountEmail is the account a call scoped to one account uses: the
// resource's own `email`, else the provider's, else "" (the only account).
func (d *providerData) accountEmail(own types.String) string {
	if v := strings.TrimSpace(own.ValueString()); v != "" {
		return v
	}
	if d == nil {
		return ""
	}
	return d.defaultEmail
}
