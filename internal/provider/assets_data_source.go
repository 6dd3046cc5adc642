package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// maxListedAssets is how far the gateway lets a listing page (offset ≤ 1000
// with pages of at most 50).
const maxListedAssets = 1050

var _ datasource.DataSourceWithConfigure = (*assetsDataSource)(nil)

// assetsDataSource is runway_assets: the account's assets, newest first,
// paging through GET /assets/ inside.
type assetsDataSource struct {
	configuredDataSource
}

func newAssetsDataSource() datasource.DataSource { return &assetsDataSource{} }

type assetsDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	MediaType  types.String `tfsdk:"media_type"`
	Name       types.String `tfsdk:"name"`
	NameRegex  types.String `tfsdk:"name_regex"`
	MaxResults types.Int64  `tfsdk:"max_results"`
	Email      types.String `tfsdk:"email"`
	Assets     types.List   `tfsdk:"assets"`
	IDs        types.List   `tfsdk:"ids"`
}

func (d *assetsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_assets"
}

func (d *assetsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the account's assets (uploads and generated videos), newest first, optionally " +
			"filtered by media type and name. Paging through `GET /assets/` (at most 50 per page, offset up to 1000) " +
			"happens inside.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier of this listing (its filters)."},
			"media_type": schema.StringAttribute{
				MarkdownDescription: "Only assets of this type: `video`, `image` or `audio`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("video", "image", "audio")},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only assets with exactly this name.",
				Optional:            true,
			},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Only assets whose name matches this regular expression (RE2 syntax).",
				Optional:            true,
				Validators:          []validator.String{stringRuleValidator(regexRule{})},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Runway account whose assets are listed (its email). Defaults to the provider's `email`; " +
					"required (here or there) when two or more accounts are configured on useapi.net.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(3)},
			},
			"max_results": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many assets to read from the gateway at most, before filtering by name (`1`…`%d`, the gateway's paging limit; default `%d`).", maxListedAssets, maxListedAssets),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, maxListedAssets)},
			},
			"assets": schema.ListNestedAttribute{
				MarkdownDescription: "The matching assets, newest first.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: assetDataSourceAttributes()},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The ids of `assets`, in the same order.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *assetsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = d.data.withMasking(ctx)
	var m assetsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var nameRe *regexp.Regexp
	if !m.NameRegex.IsNull() {
		re, err := regexp.Compile(m.NameRegex.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name_regex"), "Invalid regular expression", err.Error())
			return
		}
		nameRe = re
	}
	limit := maxListedAssets
	if !m.MaxResults.IsNull() {
		limit = int(m.MaxResults.ValueInt64())
	}
	email := d.data.accountEmail(m.Email)
	listed, err := client.ListAllAssets(ctx, m.MediaType.ValueString(), email, limit)
	if err != nil {
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Listing assets failed", err)...)
		return
	}
	assets := make([]assetModel, 0, len(listed))
	ids := make([]string, 0, len(listed))
	for i := range listed {
		a := &listed[i]
		if !m.Name.IsNull() && a.Name != m.Name.ValueString() {
			continue
		}
		if nameRe != nil && !nameRe.MatchString(a.Name) {
			continue
		}
		am, diags := assetFromAPI(ctx, a)
		resp.Diagnostics.Append(diags...)
		assets = append(assets, am)
		ids = append(ids, a.AssetID)
	}
	m.ID = types.StringValue(strings.Join([]string{"assets", m.MediaType.ValueString(), m.Name.ValueString(), m.NameRegex.ValueString(), email}, "/"))
	assetList, d1 := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: assetAttrTypes}, assets)
	resp.Diagnostics.Append(d1...)
	m.Assets = assetList
	idList, d3 := types.ListValueFrom(ctx, types.StringType, ids)
	resp.Diagnostics.Append(d3...)
	m.IDs = idList
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// regexRule requires a string that compiles as a Go regular expression.
type regexRule struct{}

func (regexRule) requirement() string { return "must be a valid regular expression" }
func (regexRule) summary() string     { return "Invalid regular expression" }
func (regexRule) check(v string) error {
	_, err := regexp.Compile(v)
	return err
}
