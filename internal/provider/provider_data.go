package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/journal"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	version string

	// useapi is nil when the gateway is not configured; useapiErr says why,
	// so that only the resources that need the gateway fail.
	useapi    *useapi.Client
	useapiErr string
	wait      useapi.WaitOptions
	// defaultEmail is the provider's `email`: the account of the calls
	// scoped to one account when they name none ("" lets the gateway pick
	// its only account).
	defaultEmail string

	// apikley is nil when that gateway is not configured; apikleyErr says why.
	apikley     *apikley.Client
	apikleyErr  string
	apikleyWait apikley.WaitOptions

	// capacity paces creates against the account's maxJobs across all
	// resources of one apply (they share this provider instance).
	capacity *capacityGates

	// creditRates price generations (credits per output second by model);
	// budget enforces max_credits_per_apply over one plan.
	creditRates map[string]int64
	budget      *creditBudget

	// journal records submitted generations until Terraform has their
	// ids: nil when turned off or unusable. journalErr says why it is
	// unusable (nil when turned off); journalWarned makes that a warning
	// once per provider instance, not once per create.
	journal       *journal.Journal
	journalErr    error
	journalWarned sync.Once

	// secrets are masked from every log line written through this provider.
	secrets []string
}

// warnJournalUnusable warns, on the first create of this provider instance,
// that the crash journal configured (or defaulted) cannot be used: the
// generations go on without crash safety. A journal turned off with
// crash_journal = "off" is silent.
func (d *providerData) warnJournalUnusable(diags *diag.Diagnostics) {
	if d.journalErr == nil {
		return
	}
	d.journalWarned.Do(func() {
		diags.AddWarning("Crash journal not used",
			fmt.Sprintf("%v. The generations of this apply are submitted without it: a hard kill of Terraform while they "+
				"wait loses their task ids, and the next apply pays for them again. Fix the crash_journal path, or set "+
				"crash_journal = \"off\" to silence this.", d.journalErr))
	})
}

// useapiClient returns the configured client or a diagnostic explaining how
// to configure it.
func (d *providerData) useapiClient() (*useapi.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("Provider not configured",
			"The runway provider was not configured before this resource was used. This is a bug in the provider.")
		return nil, diags
	}
	if d.useapi == nil {
		diags.AddError("useapi.net gateway not configured", d.useapiErr+".")
		return nil, diags
	}
	return d.useapi, diags
}

// apikleyClient returns the configured Apikley client or a diagnostic
// explaining how to configure it.
func (d *providerData) apikleyClient() (*apikley.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("Provider not configured",
			"The runway provider was not configured before this resource was used. This is a bug in the provider.")
		return nil, diags
	}
	if d.apikley == nil {
		diags.AddError("Apikley gateway not configured", d.apikleyErr+".")
		return nil, diags
	}
	return d.apikley, diags
}

// providerDataFrom converts the opaque ProviderData of Configure requests.
func providerDataFrom(raw any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if raw == nil {
		return nil, diags // ValidateConfig and plan of unconfigured providers
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", raw))
		return nil, diags
	}
	return data, diags
}

// configuredResource is embedded by every resource: Configure hands it the
// provider's data (nil while the provider is not configured yet, e.g. during
// validation).
type configuredResource struct {
	data *providerData
}

func (c *configuredResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	c.data = data
}

// configuredDataSource is configuredResource for data sources.
type configuredDataSource struct {
	data *providerData
}

func (c *configuredDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	c.data = data
}

// withMasking returns ctx with the provider's secrets masked from tflog.
func (d *providerData) withMasking(ctx context.Context) context.Context {
	if d == nil {
		return ctx
	}
	return maskSecrets(ctx, d.secrets)
}

// userAgent is the User-Agent of requests that bypass the gateway clients
// (artifact downloads); "dev" stands for the version when it is unknown.
func (d *providerData) userAgent() string {
	if d == nil || d.version == "" {
		return "terraform-provider-runway/dev"
	}
	return "terraform-provider-runway/" + d.version
}

// logger adapts tflog for the clients and the download package, masking
// the provider's secrets (none when d is nil).
func (d *providerData) logger() tflogLogger {
	if d == nil {
		return tflogLogger{}
	}
	return tflogLogger{secrets: d.secrets}
}

// credentials resolves one gateway's secret and endpoint from the
// configuration, else the environment, else the default endpoint; the
// secret joins the values masked from every log line.
func (d *providerData) credentials(secret types.String, secretEnv string, endpoint types.String, endpointEnv, defaultEndpoint string) (string, string) {
	s := stringOrEnv(secret, secretEnv)
	e := stringOrEnv(endpoint, endpointEnv)
	if e == "" {
		e = defaultEndpoint
	}
	if s != "" {
		d.secrets = append(d.secrets, s)
	}
	return s, e
}
