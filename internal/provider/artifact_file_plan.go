package provider

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/download"
)

// ModifyPlan fills what is known before apply (filename, path, and the
// hash when expected_sha256 is set) and decides between an in-place update
// (a re-signed URL, max_bytes, timeouts) and a new download.
func (r *artifactFileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config artifactFileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *artifactFileModel
	if !req.State.Raw.IsNull() {
		state = &artifactFileModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	if config.Filename.IsNull() {
		plan.Filename = types.StringUnknown()
		if !plan.URL.IsUnknown() {
			name := urlFileName(plan.URL.ValueString(), &resp.Diagnostics)
			if name == "" {
				return
			}
			plan.Filename = types.StringValue(name)
		}
	}
	plan.Path, plan.ID = types.StringUnknown(), types.StringUnknown()
	if !plan.Directory.IsUnknown() && !plan.Filename.IsUnknown() {
		p := filepath.Join(plan.Directory.ValueString(), plan.Filename.ValueString())
		plan.Path, plan.ID = types.StringValue(p), types.StringValue(p)
	}
	expected := types.StringUnknown()
	if !plan.ExpectedSHA256.IsNull() && !plan.ExpectedSHA256.IsUnknown() {
		expected = types.StringValue(strings.ToLower(plan.ExpectedSHA256.ValueString()))
	}

	var replace path.Paths
	if state != nil {
		if !plan.Filename.Equal(state.Filename) {
			replace = append(replace, path.Root("filename"))
		}
		if plan.URL.IsUnknown() || stripQuery(plan.URL.ValueString()) != stripQuery(state.URL.ValueString()) {
			replace = append(replace, path.Root("url"))
		}
		if plan.ExpectedSHA256.IsUnknown() ||
			(!plan.ExpectedSHA256.IsNull() && !strings.EqualFold(plan.ExpectedSHA256.ValueString(), state.SHA256.ValueString())) {
			replace = append(replace, path.Root("expected_sha256"))
		}
		if !plan.Directory.Equal(state.Directory) {
			// Already forced by the attribute's plan modifier; listed so the
			// computed values below are planned for a new file.
			replace = append(replace, path.Root("directory"))
		}
	}
	if state != nil && len(replace) == 0 {
		// Same file: keep what refresh verified on disk.
		plan.Path, plan.ID, plan.SHA256, plan.Size = state.Path, state.ID, state.SHA256, state.Size
	} else {
		plan.SHA256, plan.Size = expected, types.Int64Unknown()
	}
	resp.RequiresReplace = append(resp.RequiresReplace, replace...)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// urlFileName is the default filename, taken from the URL; "" with an
// error on filename when the URL names no usable file.
func urlFileName(rawURL string, diags *diag.Diagnostics) string {
	name, err := download.FileNameFromURL(rawURL)
	if err != nil {
		diags.AddAttributeError(path.Root("filename"), "Cannot name the downloaded file", err.Error())
	}
	return name
}
