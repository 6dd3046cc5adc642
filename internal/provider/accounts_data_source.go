package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*accountsDataSource)(nil)

// accountsDataSource is runway_accounts: the Runway accounts configured on
// useapi.net. The gateway's answer also holds each account's Runway
// password and session JWT; the client drops them while decoding, so they
// can reach neither the state nor the logs.
type accountsDataSource struct {
	configuredDataSource
}

func newAccountsDataSource() datasource.DataSource { return &accountsDataSource{} }

type accountsDataSourceModel struct {
	ID       types.String `tfsdk:"id"`
	Accounts types.List   `tfsdk:"accounts"`
	Emails   types.List   `tfsdk:"emails"`
}

type accountModel struct {
	Email   types.String `tfsdk:"email"`
	MaxJobs types.Int64  `tfsdk:"max_jobs"`
	Error   types.String `tfsdk:"error"`
}

var accountAttrTypes = map[string]attr.Type{
	"email":    types.StringType,
	"max_jobs": types.Int64Type,
	"error":    types.StringType,
}

func (d *accountsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_accounts"
}

func (d *accountsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Runway accounts configured on useapi.net (`GET /accounts`): their emails, how many " +
			"tasks each runs at once, and any pending account error. Use it to check, before paying for anything, " +
			"that the account a pipeline expects is configured and healthy. The gateway also echoes each account's " +
			"Runway password and session token: they are never read into the state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Always `accounts`."},
			"accounts": schema.ListNestedAttribute{
				MarkdownDescription: "The configured accounts, sorted by email; empty when none is configured.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"email": schema.StringAttribute{Computed: true, MarkdownDescription: "Email of the Runway account (it also appears in task and asset ids)."},
					"max_jobs": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many tasks the gateway runs at once on this account (`1`…`10`); " +
						"more submits wait for a free slot (HTTP 429)."},
					"error": schema.StringAttribute{Computed: true, MarkdownDescription: "The account's pending error as the gateway words it " +
						"(e.g. a wrong password or a suspended account); null when the account is healthy."},
				}},
			},
			"emails": schema.ListAttribute{
				MarkdownDescription: "The emails of `accounts`, in the same order.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *accountsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = d.data.withMasking(ctx)
	client, diags := d.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	listed, err := client.ListAccounts(ctx)
	if err != nil {
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Listing the Runway accounts failed", err)...)
		return
	}
	keys := make([]string, 0, len(listed))
	for k := range listed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	accounts := make([]accountModel, 0, len(keys))
	emails := make([]string, 0, len(keys))
	for _, k := range keys {
		a := listed[k]
		accounts = append(accounts, accountModel{
			Email:   types.StringValue(a.Email),
			MaxJobs: flexInt64(a.MaxJobs),
			Error:   stringOrNull(a.Error),
		})
		emails = append(emails, a.Email)
	}
	m := accountsDataSourceModel{ID: types.StringValue("accounts")}
	list, d1 := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: accountAttrTypes}, accounts)
	resp.Diagnostics.Append(d1...)
	m.Accounts = list
	emailList, d2 := types.ListValueFrom(ctx, types.StringType, emails)
	resp.Diagnostics.Append(d2...)
	m.Emails = emailList
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
