package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

var _ datasource.DataSourceWithConfigure = (*assetDataSource)(nil)

// assetDataSource is runway_asset: one asset by id (GET /assets/{assetId}).
type assetDataSource struct {
	configuredDataSource
}

func newAssetDataSource() datasource.DataSource { return &assetDataSource{} }

func (d *assetDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_asset"
}

func (d *assetDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := assetDataSourceAttributes("id")
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "Asset id (`user:<id>-runwayml:<email>-asset:<uuid>`).",
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one asset of the useapi.net gateway (an uploaded file or a generated video) by id.",
		Attributes:          attrs,
	}
}

func (d *assetDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = d.data.withMasking(ctx)
	var m assetModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ID.ValueString()
	asset, err := client.GetAsset(ctx, id)
	if err != nil {
		summary := "Reading asset " + id + " failed"
		if useapi.IsNotFound(err) {
			summary = "Asset " + id + " not found"
		}
		resp.Diagnostics.Append(gatewayErrorDiagnostic(summary, err)...)
		return
	}
	out, diags := assetFromAPI(ctx, asset)
	resp.Diagnostics.Append(diags...)
	out.ID = m.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
