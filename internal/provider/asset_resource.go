package provider

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

const (
	defaultUploadTimeout      = 30 * time.Minute
	defaultAssetDeleteTimeout = 5 * time.Minute
)

var (
	_ resource.ResourceWithConfigure   = (*assetResource)(nil)
	_ resource.ResourceWithImportState = (*assetResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*assetResource)(nil)
)

// assetResource is runway_asset: a local file uploaded to the account
// (POST /assets/), so that a pipeline starts from a file in its repository.
type assetResource struct {
	configuredResource
}

func newAssetResource() resource.Resource { return &assetResource{} }

type assetResourceModel struct {
	Source      types.String   `tfsdk:"source"`
	SourceHash  types.String   `tfsdk:"source_hash"`
	Name        types.String   `tfsdk:"name"`
	ContentType types.String   `tfsdk:"content_type"`
	MediaType   types.String   `tfsdk:"media_type"`
	Duration    types.Float64  `tfsdk:"duration"`
	Width       types.Int64    `tfsdk:"width"`
	Height      types.Int64    `tfsdk:"height"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
	ID          types.String   `tfsdk:"id"`
	URL         types.String   `tfsdk:"url"`
	FileSize    types.Int64    `tfsdk:"file_size"`
	CreatedAt   types.String   `tfsdk:"created_at"`
	Email       types.String   `tfsdk:"email"`
}

func (r *assetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_asset"
}

func (r *assetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Uploads a local video, image or audio file to the useapi.net account (`POST /assets/`), " +
			"so that a pipeline starts from a file kept in its repository. Its `id` is the asset id the generation " +
			"resources take. The file is checked at plan time (exists, accepted type, at most 512 MiB, bytes of the declared " +
			"type — a PNG named `.mp4` is refused — and not a corrupt or truncated MP4, MOV, WebM or image) and its " +
			"SHA-256 is recorded in `source_hash`: a change of content uploads a new asset (replacement), while " +
			"moving the same file to another path does not. The upload streams from disk. Destroy deletes the asset.",
		Attributes: map[string]schema.Attribute{
			"source": schema.StringAttribute{
				MarkdownDescription: "Path of the file to upload (e.g. `\"${path.module}/clips/intro.mp4\"`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source_hash": schema.StringAttribute{
				MarkdownDescription: "Base64 SHA-256 of the file (as `filebase64sha256(source)`), computed at plan time; a change uploads a new asset.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Asset name on the account. Defaults to the file's base name.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"content_type": schema.StringAttribute{
				MarkdownDescription: "Content type sent with the upload. Inferred from the file extension; must be one the gateway accepts " +
					"(`video/mp4`, `video/quicktime`, `video/webm`, `image/png`, `image/jpeg`, `audio/mpeg`, …).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: replace,
			},
			"media_type": schema.StringAttribute{
				MarkdownDescription: "`video`, `image` or `audio`, from the content type.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"duration": schema.Float64Attribute{
				MarkdownDescription: "Duration in seconds sent with the upload (generations such as `runway_expansion` default their length to it). " +
					"Read from MP4/QuickTime (including fragmented files) and WebM/Matroska files; required for other video and audio formats " +
					"and for files whose headers do not give it (a live WebM recording).",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.Float64{float64validator.AtLeast(0.001)},
				PlanModifiers: []planmodifier.Float64{float64planmodifier.RequiresReplaceIfConfigured(), float64planmodifier.UseStateForUnknown()},
			},
			"width": schema.Int64Attribute{
				MarkdownDescription: "Width in pixels sent with the upload, as displayed (a video whose track matrix turns it a quarter turn has its stored " +
					"sizes swapped). Read from MP4/QuickTime, WebM/Matroska, PNG, JPEG, GIF and WebP files.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIfConfigured(), int64planmodifier.UseStateForUnknown()},
			},
			"height": schema.Int64Attribute{
				MarkdownDescription: "Height in pixels sent with the upload, as displayed. Read from MP4/QuickTime, WebM/Matroska, PNG, JPEG, GIF and WebP files.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplaceIfConfigured(), int64planmodifier.UseStateForUnknown()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Runway account to upload to (its email). Defaults to the provider's `email`; required " +
					"(here or there) when two or more accounts are configured on useapi.net. The generations that take this " +
					"asset run on that account. Changing it from one account to another uploads a new asset; setting it " +
					"where it was unset (after an import, or on an asset uploaded before this argument existed) does not.",
				Optional: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
					func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
						resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull() && !req.PlanValue.IsUnknown() &&
							req.StateValue.ValueString() != req.PlanValue.ValueString()
					},
					"Changing the account uploads a new asset.", "Changing the account uploads a new asset.")},
				Validators: []validator.String{stringvalidator.LengthAtLeast(3)},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Delete: true}),
			"id": schema.StringAttribute{
				MarkdownDescription: "Asset id (`user:<id>-runwayml:<email>-asset:<uuid>`): the input of the generation resources.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Signed download URL of the asset; kept while valid, renewed shortly before it expires.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"file_size": schema.Int64Attribute{
				MarkdownDescription: "Size in bytes.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "Upload time reported by the gateway.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ModifyPlan inspects the file at plan time: it refuses what the gateway
// would refuse, records the content hash (a new hash replaces the asset)
// and fills the metadata the upload sends.
func (r *assetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan assetResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Source.IsUnknown() {
		return // a path known only at apply: checked by Create
	}
	contentType := ""
	if !plan.ContentType.IsUnknown() && !plan.ContentType.IsNull() {
		contentType = plan.ContentType.ValueString()
	}
	info, err := inspectSource(plan.Source.ValueString(), contentType)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Cannot upload the source file", err.Error())
		return
	}
	if (info.MediaType == "video" || info.MediaType == "audio") && info.Duration == nil && (plan.Duration.IsNull() || plan.Duration.IsUnknown()) {
		resp.Diagnostics.AddAttributeError(path.Root("duration"), "Duration required",
			fmt.Sprintf("The duration of %q cannot be read (%s): set `duration` (seconds).", plan.Source.ValueString(), info.DurationNote))
		return
	}
	plan.SourceHash = types.StringValue(info.Hash)
	plan.ContentType = types.StringValue(info.ContentType)
	plan.MediaType = types.StringValue(info.MediaType)
	if plan.Name.IsUnknown() {
		plan.Name = types.StringValue(filepath.Base(plan.Source.ValueString()))
	}
	if plan.Duration.IsUnknown() {
		plan.Duration = types.Float64PointerValue(info.Duration)
	}
	if plan.Width.IsUnknown() {
		plan.Width = types.Int64PointerValue(info.Width)
	}
	if plan.Height.IsUnknown() {
		plan.Height = types.Int64PointerValue(info.Height)
	}

	if !req.State.Raw.IsNull() {
		var state assetResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !state.SourceHash.IsNull() && state.SourceHash.ValueString() != info.Hash {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("source_hash"))
			plan.ID, plan.URL, plan.FileSize, plan.CreatedAt = types.StringUnknown(), types.StringUnknown(), types.Int64Unknown(), types.StringUnknown()
		}
	} else {
		plan.FileSize = types.Int64Value(info.Size)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *assetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx = r.data.withMasking(ctx)
	var m assetResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	client, diags := r.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	timeout, diags := m.Timeouts.Create(ctx, defaultUploadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	source := m.Source.ValueString()
	// The file may have changed since the plan: upload exactly what was planned.
	info, err := inspectSource(source, m.ContentType.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Cannot upload the source file", err.Error())
		return
	}
	if info.Hash != m.SourceHash.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Source file changed since the plan",
			fmt.Sprintf("%q no longer has the content planned (SHA-256 %s, now %s). Run terraform apply again to plan the new content.",
				source, m.SourceHash.ValueString(), info.Hash))
		return
	}
	uploaded, err := client.UploadAsset(ctx, useapi.UploadAssetParams{
		Name:        m.Name.ValueString(),
		ContentType: m.ContentType.ValueString(),
		Duration:    m.Duration.ValueFloat64Pointer(),
		Width:       m.Width.ValueInt64Pointer(),
		Height:      m.Height.ValueInt64Pointer(),
		Email:       r.data.accountEmail(m.Email),
	}, func() (io.Reader, int64, error) {
		f, err := os.Open(source) //nolint:gosec // G304: the user-configured runway_asset source; the transport closes it
		if err != nil {
			return nil, 0, err
		}
		return f, info.Size, nil
	})
	if err != nil {
		if isOutcomeUnknown(err) {
			resp.Diagnostics.AddError("Upload outcome unknown",
				fmt.Sprintf("The gateway's answer to the upload of %q was lost (%v); the asset may exist. Look it up with the "+
					"runway_assets data source and import it (terraform import runway_asset.<name> <asset id>) or delete it before applying again.", source, err))
			return
		}
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Uploading "+source+" failed", err)...)
		return
	}
	tflog.Info(ctx, "asset uploaded", map[string]any{"asset_id": uploaded.AssetID, "bytes": info.Size})
	m.ID = types.StringValue(uploaded.AssetID)
	m.URL = stringOrNull(uploaded.URL)
	if v, ok := uploaded.Size.Int64(); ok {
		m.FileSize = types.Int64Value(v)
	} else {
		m.FileSize = types.Int64Value(info.Size)
	}
	m.CreatedAt = stringOrNull(uploaded.CreatedAt)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *assetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx = r.data.withMasking(ctx)
	var m assetResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client, diags := r.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	asset, err := client.GetAsset(ctx, m.ID.ValueString())
	if useapi.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Asset no longer exists",
			fmt.Sprintf("The gateway no longer knows asset %s (404); it is removed from the state and the next apply uploads the file again.", m.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Reading asset "+m.ID.ValueString()+" failed", err)...)
		return
	}
	m.URL = types.StringValue(stableURL(m.URL.ValueString(), asset.URL, time.Now()))
	if v, ok := asset.FileSizeBytes(); ok {
		m.FileSize = types.Int64Value(v)
	}
	if m.CreatedAt.IsNull() {
		m.CreatedAt = stringOrNull(asset.CreatedAt)
	}
	if m.Source.IsNull() {
		// Imported: take what the gateway knows; source is adopted from
		// the configuration by the next apply, in place.
		media := asset.Media()
		m.Name, m.MediaType = stringOrNull(asset.Name), stringOrNull(asset.MediaType)
		m.Duration, m.Width, m.Height = types.Float64PointerValue(media.Duration), types.Int64PointerValue(media.Width), types.Int64PointerValue(media.Height)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update only records a new path of the same content (and adopts the
// configuration after an import); everything else replaces the asset.
func (r *assetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	merged, err := knownFromState(req.Plan.Raw, req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Planning the update failed", err.Error())
		return
	}
	resp.State.Raw = merged
}

func (r *assetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx = r.data.withMasking(ctx)
	var m assetResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client, diags := r.data.useapiClient()
	resp.Diagnostics.Append(diags...)
	timeout, diags := m.Timeouts.Delete(ctx, defaultAssetDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := client.DeleteAsset(ctx, m.ID.ValueString()); err != nil && !useapi.IsNotFound(err) {
		resp.Diagnostics.Append(gatewayErrorDiagnostic("Deleting asset "+m.ID.ValueString()+" failed", err)...)
	}
}

// ImportState takes an asset id.
func (r *assetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
