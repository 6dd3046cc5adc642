package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*apikleyCreditsDataSource)(nil)

// apikleyCreditsDataSource is runway_apikley_credits: the Apikley
// account's credit balance (GET /api/v1/chat/credit).
type apikleyCreditsDataSource struct {
	configuredDataSource
}

func newApikleyCreditsDataSource() datasource.DataSource { return &apikleyCreditsDataSource{} }

type apikleyCreditsDataSourceModel struct {
	ID      types.String `tfsdk:"id"`
	Balance types.Int64  `tfsdk:"balance"`
}

func (d *apikleyCreditsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_apikley_credits"
}

func (d *apikleyCreditsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the Apikley account's credit balance (`GET /api/v1/chat/credit`). Read at plan " +
			"time, it lets a configuration refuse to start Apikley generations the account cannot pay for (e.g. in a " +
			"`precondition`); with `depends_on` on generations it is read after them and shows what is left.",
		Attributes: map[string]schema.Attribute{
			"id":      schema.StringAttribute{Computed: true, MarkdownDescription: "Always `apikley`."},
			"balance": schema.Int64Attribute{Computed: true, MarkdownDescription: "Credits left on the Apikley account."},
		},
	}
}

func (d *apikleyCreditsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = d.data.withMasking(ctx)
	client, diags := d.data.apikleyClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	balance, err := client.Credits(ctx)
	if err != nil {
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Reading the Apikley credit balance failed", err)...)
		return
	}
	m := apikleyCreditsDataSourceModel{ID: types.StringValue("apikley"), Balance: types.Int64Value(balance)}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
