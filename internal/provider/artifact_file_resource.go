package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/download"
)

// Defaults of runway_artifact_file.
const (
	// defaultArtifactMaxBytes caps a download unless max_bytes says
	// otherwise: far above any generated clip, low enough that a wrong URL
	// cannot fill the disk.
	defaultArtifactMaxBytes = 2 << 30
	// defaultArtifactTimeout bounds a download unless timeouts.create says
	// otherwise.
	defaultArtifactTimeout = 30 * time.Minute
	// artifactStallTimeout ends an attempt that receives nothing for this
	// long, so that a dead connection is retried instead of holding the
	// apply until the create timeout.
	artifactStallTimeout = 2 * time.Minute
)

var (
	_ resource.ResourceWithConfigure  = (*artifactFileResource)(nil)
	_ resource.ResourceWithModifyPlan = (*artifactFileResource)(nil)
)

// artifactFileResource is runway_artifact_file: a generated file kept on
// the local disk, so that it outlives the gateway's signed URL.
type artifactFileResource struct {
	configuredResource
}

func newArtifactFileResource() resource.Resource { return &artifactFileResource{} }

type artifactFileModel struct {
	URL            types.String   `tfsdk:"url"`
	Directory      types.String   `tfsdk:"directory"`
	Filename       types.String   `tfsdk:"filename"`
	ExpectedSHA256 types.String   `tfsdk:"expected_sha256"`
	MaxBytes       types.Int64    `tfsdk:"max_bytes"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
	ID             types.String   `tfsdk:"id"`
	Path           types.String   `tfsdk:"path"`
	SHA256         types.String   `tfsdk:"sha256"`
	Size           types.Int64    `tfsdk:"size"`
}

func (r *artifactFileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_artifact_file"
}

func (r *artifactFileResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Downloads a generated file (for example a generation's `video_url`) into a local " +
			"directory and keeps it there, so that the result outlives the gateway's signed URL, which expires.\n\n" +
			"It is a resource of its own rather than an argument of the generation resources for three reasons. " +
			"It can keep any URL output: a generation's `video_url`, an element of its `artifacts`, the `url` of " +
			"`runway_asset`, an Apikley video URL. A local file has its own life cycle: when it is deleted or " +
			"changed on disk, only the file is downloaded again. And the paid generation never depends on local " +
			"files, so a fresh CI workspace never replaces (and pays for) a generation.\n\n" +
			"**Create** streams the download into a temporary file in `directory` (never holding it in memory), " +
			"hashing it on the way; it stops past `max_bytes`, requires HTTP 200, checks `expected_sha256` if set, " +
			"syncs the file to disk and renames it into place, so `path` never holds a partial file. Connection " +
			"errors and HTTP 429 and 5xx answers (except 501) are retried twice, waiting as long as a " +
			"`Retry-After` header asks (at most a minute); the whole download is bounded by " +
			"`timeouts.create` (default 30m). `directory` is created if missing.\n\n" +
			"**Refresh** hashes the file on disk. When it is missing, is no longer a regular file, or its " +
			"sha256 differs from the state, the resource is removed from the state with a warning, so the next " +
			"plan downloads it again (the same reconciliation as `local_file`).\n\n" +
			"**Changes**: a new signature of the same file (a `url` that differs only after `?`, as the gateways " +
			"hand out on every read) is recorded in place without downloading. A `url` naming another file (a " +
			"different part before `?`, or one not known until apply), a new `directory` or `filename`, or an " +
			"`expected_sha256` that the kept file does not match replace the file.\n\n" +
			"**Destroy** deletes the file (a missing file counts as done) and leaves `directory` in place.\n\n" +
			"The signed part of the URL (its query string) is never written to logs or error messages.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "URL of the file, for example `runway_gen2_extension.x.video_url`. Must be " +
					"`https://` (plain `http://` only for loopback hosts, such as the bundled simulator), because " +
					"signed URLs carry their token in the query string. A URL that differs only after `?` (a " +
					"re-signed link to the same file) is updated in place without downloading again.",
				Required:   true,
				Validators: []validator.String{stringRuleValidator(downloadURLRule{})},
			},
			"directory": schema.StringAttribute{
				MarkdownDescription: "Directory the file is written to, e.g. `\"${path.module}/out\"`; created " +
					"(with its parents) if missing. Changing it downloads the file to the new place.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), stringRuleValidator(noNULRule{})},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"filename": schema.StringAttribute{
				MarkdownDescription: "Name of the file inside `directory`. Defaults to the last element of the " +
					"URL's path (e.g. `3f0c…e1a11.mp4`). Must be a plain file name: no `/` or `\\`, not `.` or " +
					"`..`, not absolute; checked at plan time. Changing it downloads the file again under the new name.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringRuleValidator(plainFileNameRule{})},
			},
			"expected_sha256": schema.StringAttribute{
				MarkdownDescription: "If set, the hex SHA-256 the downloaded file must have; a download that " +
					"does not match fails and leaves nothing at `path`.",
				Optional: true,
				Validators: []validator.String{stringvalidator.RegexMatches(sha256Pattern,
					"must be 64 hexadecimal characters (a SHA-256 digest)")},
			},
			"max_bytes": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Largest accepted download, in bytes (default `%d`, 2 GiB). A larger "+
					"answer fails without leaving anything at `path`. Changing it never downloads again.", int64(defaultArtifactMaxBytes)),
				Optional:   true,
				Computed:   true,
				Default:    int64default.StaticInt64(defaultArtifactMaxBytes),
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create:            true,
				CreateDescription: "Longest time a download may take, as a Go duration (`\"10m\"`); default `30m`.",
			}),
			"id": schema.StringAttribute{
				MarkdownDescription: "The file's path, as `path`.",
				Computed:            true,
			},
			"path": schema.StringAttribute{
				MarkdownDescription: "Path of the downloaded file: `directory` joined with `filename`.",
				Computed:            true,
			},
			"sha256": schema.StringAttribute{
				MarkdownDescription: "Hex SHA-256 of the file, computed while downloading and checked on every refresh.",
				Computed:            true,
			},
			"size": schema.Int64Attribute{
				MarkdownDescription: "Size of the file in bytes.",
				Computed:            true,
			},
		},
	}
}

func (r *artifactFileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx = r.data.withMasking(ctx)
	var m artifactFileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Create(ctx, defaultArtifactTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	rawURL := m.URL.ValueString()
	name := m.Filename.ValueString()
	if m.Filename.IsUnknown() || m.Filename.IsNull() {
		if name = urlFileName(rawURL, &resp.Diagnostics); name == "" {
			return
		}
	}
	dir := m.Directory.ValueString()
	realDir, target, err := download.ResolveTarget(dir, name, true)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("directory"), "Cannot write the artifact file", err.Error())
		return
	}
	maxBytes := int64(defaultArtifactMaxBytes)
	if !m.MaxBytes.IsNull() && !m.MaxBytes.IsUnknown() {
		maxBytes = m.MaxBytes.ValueInt64()
	}
	tflog.Debug(ctx, "downloading artifact", map[string]any{"url": download.RedactURL(rawURL), "path": target})
	start := time.Now()
	got, err := download.Fetch(ctx, download.HTTPClient(), download.Request{
		URL:            rawURL,
		Dir:            realDir,
		Target:         target,
		ExpectedSHA256: m.ExpectedSHA256.ValueString(),
		MaxBytes:       maxBytes,
		UserAgent:      r.data.userAgent(),
		StallTimeout:   artifactStallTimeout,
		Timeout:        timeout,
		Logger:         r.data.logger(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Downloading the artifact failed", err.Error())
		return
	}
	tflog.Info(ctx, "artifact downloaded", map[string]any{
		"url": download.RedactURL(rawURL), "path": target, "bytes": got.Size, "sha256": got.SHA256,
		"duration_ms": time.Since(start).Milliseconds(),
	})

	p := filepath.Join(dir, name)
	m.Filename = types.StringValue(name)
	m.Path, m.ID = types.StringValue(p), types.StringValue(p)
	m.SHA256, m.Size = types.StringValue(got.SHA256), types.Int64Value(got.Size)
	m.MaxBytes = types.Int64Value(maxBytes)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read reconciles the state with the disk: a file that is gone or was
// changed is removed from the state, so the next plan downloads it again.
func (r *artifactFileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m artifactFileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := m.Path.ValueString()
	sum, size, err := download.HashRegularFile(p)
	var reason string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = "it no longer exists"
	case errors.Is(err, download.ErrNotRegularFile):
		reason = "it is no longer a regular file"
	case err != nil:
		resp.Diagnostics.AddError("Reading the artifact file failed", err.Error())
		return
	case sum != m.SHA256.ValueString():
		reason = fmt.Sprintf("its content changed (sha256 %s, expected %s)", sum, m.SHA256.ValueString())
	}
	if reason != "" {
		resp.Diagnostics.AddWarning("Artifact file will be downloaded again",
			fmt.Sprintf("The file %s was removed from the state because %s; the next apply downloads it again from its URL.", p, reason))
		resp.State.RemoveResource(ctx)
		return
	}
	m.Size = types.Int64Value(size)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update records a re-signed URL, max_bytes or timeouts; the file itself is
// untouched (anything else forces replacement, see ModifyPlan).
func (r *artifactFileResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (r *artifactFileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m artifactFileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	removed, err := download.Remove(m.Directory.ValueString(), m.Filename.ValueString())
	switch {
	case errors.Is(err, download.ErrNotRegularFile):
		resp.Diagnostics.AddWarning("Artifact file left in place",
			fmt.Sprintf("%v, so it was not created by this resource and is left alone.", err))
	case err != nil:
		resp.Diagnostics.AddError("Deleting the artifact file failed", err.Error())
	case removed != "":
		tflog.Debug(ctx, "artifact file deleted", map[string]any{"path": removed})
	}
}
