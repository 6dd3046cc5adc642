package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

var _ datasource.DataSourceWithConfigure = (*creditsDataSource)(nil)

// creditsDataSource is runway_credits: the Runway plan's credits as
// useapi.net reports them (GET /features/).
type creditsDataSource struct {
	configuredDataSource
}

func newCreditsDataSource() datasource.DataSource { return &creditsDataSource{} }

type creditsDataSourceModel struct {
	Email            types.String  `tfsdk:"email"`
	ID               types.String  `tfsdk:"id"`
	CreditsPermitted types.Int64   `tfsdk:"credits_permitted"`
	CreditsUsed      types.Int64   `tfsdk:"credits_used"`
	CreditsRemaining types.Int64   `tfsdk:"credits_remaining"`
	StorageGB        types.Float64 `tfsdk:"storage_gb"`
}

func (d *creditsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_credits"
}

func (d *creditsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the Runway plan's credits through useapi.net (`GET /features/`): what the plan " +
			"permits, what was spent and what remains. Read at plan time, it lets a configuration refuse to start " +
			"generations the account cannot pay for (e.g. in a `precondition`); with `depends_on` on generations " +
			"it is read after them and shows what they cost. Relaxed generations (`explore_mode = true`) are not charged.",
		Attributes: map[string]schema.Attribute{
			"email": schema.StringAttribute{
				MarkdownDescription: "Runway account to read. Defaults to the provider's `email`. Optional when useapi.net " +
					"has a single account configured; required by the gateway when there are several (see `runway_accounts`).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The account's email (this data source's or the provider's), or `default` when neither is set."},
			"credits_permitted": schema.Int64Attribute{Computed: true, MarkdownDescription: "The plan's credit allowance; " +
				"null if the gateway does not report it."},
			"credits_used": schema.Int64Attribute{Computed: true, MarkdownDescription: "Credits spent so far; null if the gateway does not report it."},
			"credits_remaining": schema.Int64Attribute{Computed: true, MarkdownDescription: "`credits_permitted` minus `credits_used`, " +
				"never below zero; null when either is unknown."},
			"storage_gb": schema.Float64Attribute{Computed: true, MarkdownDescription: "The plan's storage allowance in gigabytes, if reported."},
		},
	}
}

func (d *creditsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = d.data.withMasking(ctx)
	var m creditsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	email := d.data.accountEmail(m.Email)
	f, err := client.GetFeatures(ctx, email)
	if err != nil {
		summary := "Reading the Runway plan's credits failed"
		if useapi.IsNotFound(err) {
			who := "the default account"
			if email != "" {
				who = "the account " + email
			}
			resp.Diagnostics.AddError(summary, err.Error()+"\n\nuseapi.net has no configuration for "+who+
				": check `email` against the runway_accounts data source.")
			return
		}
		resp.Diagnostics.Append(gatewayErrorDiagnostic(summary, err)...)
		return
	}
	m.ID = types.StringValue("default")
	if email != "" {
		m.ID = types.StringValue(email)
	}
	m.CreditsPermitted = int64OrNull(f.CreditsPermitted())
	m.CreditsUsed = int64OrNull(f.CreditsUsed())
	m.CreditsRemaining = int64OrNull(f.CreditsRemaining())
	m.StorageGB = flexFloat64(f.Permitted.StorageGB)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func int64OrNull(v int64, ok bool) types.Int64 {
	if !ok {
		return types.Int64Null()
	}
	return types.Int64Value(v)
}
