package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// artifactModel is one element of the `artifacts` list.
type artifactModel struct {
	AssetID     types.String  `tfsdk:"asset_id"`
	ID          types.String  `tfsdk:"id"`
	URL         types.String  `tfsdk:"url"`
	PreviewURLs types.List    `tfsdk:"preview_urls"`
	Filename    types.String  `tfsdk:"filename"`
	FileSize    types.Int64   `tfsdk:"file_size"`
	Duration    types.Float64 `tfsdk:"duration"`
	Width       types.Int64   `tfsdk:"width"`
	Height      types.Int64   `tfsdk:"height"`
	FrameRate   types.Float64 `tfsdk:"frame_rate"`
	CreatedAt   types.String  `tfsdk:"created_at"`
}

// artifactsFromTask converts the task's artifacts, keeping the URLs of prior
// (the artifacts already in state) while their signature is still valid.
//
// The gateway signs artifact URLs anew on every read. Taking every new URL
// would make each refresh change the outputs (and everything downstream of
// them); keeping old URLs forever would leave dead links in state. So a URL
// is replaced only when it has expired or will expire soon.
func artifactsFromTask(_ context.Context, task *useapi.Task, prior types.List, now time.Time) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	// The lists are read and built directly, not through ElementsAs and
	// ListValueFrom: their reflection was a third of what a refresh spends
	// in the provider's own code.
	priorByID := map[string]map[string]attr.Value{}
	if !prior.IsNull() && !prior.IsUnknown() {
		for _, e := range prior.Elements() {
			if o, ok := e.(types.Object); ok && !o.IsNull() && !o.IsUnknown() {
				attrs := o.Attributes()
				priorByID[attrString(attrs, "id").ValueString()] = attrs
			}
		}
	}

	out := make([]attr.Value, 0, len(task.Artifacts))
	for _, a := range task.Artifacts {
		media := a.Media()
		url := stringOrNull(a.URL)
		previews := a.PreviewURLs
		if old, ok := priorByID[a.ID]; ok {
			url = types.StringValue(stableURL(attrString(old, "url").ValueString(), a.URL, now))
			if oldPreviews, ok := stringElements(old["preview_urls"]); ok && len(oldPreviews) == len(previews) {
				kept := make([]string, len(previews))
				for i := range previews {
					kept[i] = stableURL(oldPreviews[i], previews[i], now)
				}
				previews = kept
			}
		}
		previewValues := make([]attr.Value, len(previews))
		for i, p := range previews {
			previewValues[i] = types.StringValue(p)
		}
		previewList, d := types.ListValue(types.StringType, previewValues)
		diags.Append(d...)
		obj, d := types.ObjectValue(artifactAttrTypes, map[string]attr.Value{
			"asset_id":     stringOrNull(a.AssetID),
			"id":           stringOrNull(a.ID),
			"url":          url,
			"preview_urls": previewList,
			"filename":     stringOrNull(a.Filename),
			"file_size":    flexInt64(a.FileSize),
			"duration":     types.Float64PointerValue(media.Duration),
			"width":        types.Int64PointerValue(media.Width),
			"height":       types.Int64PointerValue(media.Height),
			"frame_rate":   types.Float64PointerValue(media.FrameRate),
			"created_at":   stringOrNull(a.CreatedAt),
		})
		diags.Append(d...)
		out = append(out, obj)
	}
	if diags.HasError() {
		return types.ListNull(artifactObjectType), diags
	}
	list, d := types.ListValue(artifactObjectType, out)
	diags.Append(d...)
	return list, diags
}

// attrString is the string attribute name of an object's attributes (null
// when absent or not a string).
func attrString(attrs map[string]attr.Value, name string) types.String {
	if s, ok := attrs[name].(types.String); ok {
		return s
	}
	return types.StringNull()
}

// stringElements are the values of a known list of strings; false when v is
// not one or holds a null or unknown element.
func stringElements(v attr.Value) ([]string, bool) {
	l, ok := v.(types.List)
	if !ok || l.IsNull() || l.IsUnknown() {
		return nil, false
	}
	elems := l.Elements()
	out := make([]string, len(elems))
	for i, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			return nil, false
		}
		out[i] = s.ValueString()
	}
	return out, true
}

// firstArtifact returns the video URL and asset id of the first artifact.
func firstArtifact(_ context.Context, artifacts types.List) (types.String, types.String) {
	if artifacts.IsNull() || artifacts.IsUnknown() {
		return types.StringNull(), types.StringNull()
	}
	elems := artifacts.Elements()
	if len(elems) == 0 {
		return types.StringNull(), types.StringNull()
	}
	o, ok := elems[0].(types.Object)
	if !ok || o.IsNull() || o.IsUnknown() {
		return types.StringNull(), types.StringNull()
	}
	attrs := o.Attributes()
	return attrString(attrs, "url"), attrString(attrs, "asset_id")
}

// urlRenewMargin is how long before expiry a signed URL is replaced; for
// short-lived signatures a quarter of their lifetime is used instead.
const urlRenewMargin = time.Hour

// stableURL returns old when it is still valid and points to the same file
// as fresh, else fresh.
func stableURL(old, fresh string, now time.Time) string {
	if old == "" || old == fresh {
		return fresh
	}
	if stripQuery(old) != stripQuery(fresh) {
		return fresh // a different file: take it
	}
	iat, exp, ok := urlSignatureWindow(old)
	if !ok {
		// No readable expiry: the signature cannot be judged, so prefer
		// the URL the gateway hands out now.
		return fresh
	}
	margin := urlRenewMargin
	if life := exp.Sub(iat); life > 0 && life/4 < margin {
		margin = life / 4
	}
	if now.Add(margin).Before(exp) {
		return old
	}
	return fresh
}

func stripQuery(raw string) string {
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		return raw[:i]
	}
	return raw
}

// urlSignatureWindow reads the iat/exp claims of the JWT in a signed URL's
// `_jwt` query parameter (the form Runway's CDN uses). The signature itself
// is not checked: only the CDN can do that.
func urlSignatureWindow(raw string) (iat, exp time.Time, ok bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	token := u.Query().Get("_jwt")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	var claims struct {
		Iat *float64 `json:"iat"`
		Exp *float64 `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Exp == nil {
		return time.Time{}, time.Time{}, false
	}
	exp = time.Unix(int64(*claims.Exp), 0)
	if claims.Iat != nil {
		iat = time.Unix(int64(*claims.Iat), 0)
	}
	return iat, exp, true
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func flexInt64(n useapi.FlexNumber) types.Int64 {
	if v, ok := n.Int64(); ok {
		return types.Int64Value(v)
	}
	return types.Int64Null()
}

func flexFloat64(n useapi.FlexNumber) types.Float64 {
	if v, ok := n.Float64(); ok {
		return types.Float64Value(v)
	}
	return types.Float64Null()
}

var _ attr.Value = types.String{}
