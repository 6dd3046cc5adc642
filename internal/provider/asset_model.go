package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// assetModel is an asset as the data sources expose it.
type assetModel struct {
	ID          types.String  `tfsdk:"id"`
	Name        types.String  `tfsdk:"name"`
	MediaType   types.String  `tfsdk:"media_type"`
	URL         types.String  `tfsdk:"url"`
	PreviewURLs types.List    `tfsdk:"preview_urls"`
	CreatedAt   types.String  `tfsdk:"created_at"`
	FileSize    types.Int64   `tfsdk:"file_size"`
	Duration    types.Float64 `tfsdk:"duration"`
	Width       types.Int64   `tfsdk:"width"`
	Height      types.Int64   `tfsdk:"height"`
	FrameRate   types.Float64 `tfsdk:"frame_rate"`
	TaskID      types.String  `tfsdk:"task_id"`
}

var assetAttrTypes = map[string]attr.Type{
	"id":           types.StringType,
	"name":         types.StringType,
	"media_type":   types.StringType,
	"url":          types.StringType,
	"preview_urls": types.ListType{ElemType: types.StringType},
	"created_at":   types.StringType,
	"file_size":    types.Int64Type,
	"duration":     types.Float64Type,
	"width":        types.Int64Type,
	"height":       types.Int64Type,
	"frame_rate":   types.Float64Type,
	"task_id":      types.StringType,
}

var assetAttributeDescriptions = map[string]string{
	"id":           "Asset id (`user:<id>-runwayml:<email>-asset:<uuid>`), the input of the generation resources.",
	"name":         "Asset name.",
	"media_type":   "`video`, `image` or `audio`.",
	"url":          "Signed download URL (it expires; read it again rather than storing it).",
	"preview_urls": "Preview image URLs.",
	"created_at":   "Creation time (RFC 3339).",
	"file_size":    "Size in bytes.",
	"duration":     "Duration in seconds (audio and video).",
	"width":        "Width in pixels.",
	"height":       "Height in pixels.",
	"frame_rate":   "Frames per second (video).",
	"task_id":      "Id of the task that generated the asset; null for uploads.",
}

// assetDataSourceAttributes builds the computed attributes of an asset,
// except those listed in skip (which the caller defines itself).
func assetDataSourceAttributes(skip ...string) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
outer:
	for name, t := range assetAttrTypes {
		for _, s := range skip {
			if s == name {
				continue outer
			}
		}
		d := assetAttributeDescriptions[name]
		switch t {
		case types.StringType:
			out[name] = schema.StringAttribute{Computed: true, MarkdownDescription: d}
		case types.Int64Type:
			out[name] = schema.Int64Attribute{Computed: true, MarkdownDescription: d}
		case types.Float64Type:
			out[name] = schema.Float64Attribute{Computed: true, MarkdownDescription: d}
		default:
			out[name] = schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: d}
		}
	}
	return out
}

// assetFromAPI converts a gateway asset.
func assetFromAPI(ctx context.Context, a *useapi.Asset) (assetModel, diag.Diagnostics) {
	media := a.Media()
	previews := a.PreviewURLs
	if previews == nil {
		previews = []string{}
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, previews)
	m := assetModel{
		ID:          stringOrNull(a.AssetID),
		Name:        stringOrNull(a.Name),
		MediaType:   stringOrNull(a.MediaType),
		URL:         stringOrNull(a.URL),
		PreviewURLs: list,
		CreatedAt:   stringOrNull(a.CreatedAt),
		FileSize:    flexInt64(a.FileSize),
		Duration:    types.Float64PointerValue(media.Duration),
		Width:       types.Int64PointerValue(media.Width),
		Height:      types.Int64PointerValue(media.Height),
		FrameRate:   types.Float64PointerValue(media.FrameRate),
		TaskID:      stringPtrOrNull(a.TaskID),
	}
	return m, diags
}
