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
func artifactsFromTask(ctx context.Context, task *useapi.Task, prior types.List, now time.Time) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	priorByID := map[string]artifactModel{}
	if !prior.IsNull() && !prior.IsUnknown() {
		var old []artifactModel
		diags.Append(prior.ElementsAs(ctx, &old, false)...)
		for _, a := range old {
			priorByID[a.ID.ValueString()] = a
		}
	}

	out := make([]artifactModel, 0, len(task.Artifacts))
	for _, a := range task.Artifacts {
		media := a.Media()
		m := artifactModel{
			AssetID:   stringOrNull(a.AssetID),
			ID:        stringOrNull(a.ID),
			URL:       stringOrNull(a.URL),
			Filename:  stringOrNull(a.Filename),
			FileSize:  flexInt64(a.FileSize),
			Duration:  types.Float64PointerValue(media.Duration),
			Width:     types.Int64PointerValue(media.Width),
			Height:    types.Int64PointerValue(media.Height),
			FrameRate: types.Float64PointerValue(media.FrameRate),
			CreatedAt: stringOrNull(a.CreatedAt),
		}
		previews := a.PreviewURLs
		if old, ok := priorByID[a.ID]; ok {
			m.URL = types.StringValue(stableURL(old.URL.ValueString(), a.URL, now))
			var oldPreviews []string
			if !old.PreviewURLs.IsNull() && !old.PreviewURLs.IsUnknown() {
				diags.Append(old.PreviewURLs.ElementsAs(ctx, &oldPreviews, false)...)
			}
			if len(oldPreviews) == len(previews) {
				kept := make([]string, len(previews))
				for i := range previews {
					kept[i] = stableURL(oldPreviews[i], previews[i], now)
				}
				previews = kept
			}
		}
		if previews == nil {
			previews = []string{}
		}
		list, d := types.ListValueFrom(ctx, types.StringType, previews)
		diags.Append(d...)
		m.PreviewURLs = list
		out = append(out, m)
	}
	list, d := types.ListValueFrom(ctx, artifactObjectType, out)
	diags.Append(d...)
	return list, diags
}

// firstArtifact returns the video URL and asset id of the first artifact.
func firstArtifact(ctx context.Context, artifacts types.List) (types.String, types.String) {
	if artifacts.IsNull() || artifacts.IsUnknown() || len(artifacts.Elements()) == 0 {
		return types.StringNull(), types.StringNull()
	}
	var list []artifactModel
	if diags := artifacts.ElementsAs(ctx, &list, false); diags.HasError() || len(list) == 0 {
		return types.StringNull(), types.StringNull()
	}
	return list[0].URL, list[0].AssetID
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
