package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	pathpkg "path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
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

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// Defaults and limits of runway_artifact_file.
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
	// artifactAttempts is how many times a download is tried when the
	// connection fails or the server answers 408, 429 or 5xx.
	artifactAttempts = 3
	// artifactFileMode is the mode of a downloaded file: generated media
	// are not secret, and other tools of the pipeline must read them.
	artifactFileMode = 0o644
	// maxFileNameBytes is the common file-system limit of one path element.
	maxFileNameBytes = 255
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
			"errors and HTTP 408, 429 and 5xx answers are retried twice; the whole download is bounded by " +
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
				Validators: []validator.String{downloadURLValidator{}},
			},
			"directory": schema.StringAttribute{
				MarkdownDescription: "Directory the file is written to, e.g. `\"${path.module}/out\"`; created " +
					"(with its parents) if missing. Changing it downloads the file to the new place.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), noNULValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"filename": schema.StringAttribute{
				MarkdownDescription: "Name of the file inside `directory`. Defaults to the last element of the " +
					"URL's path (e.g. `3f0c…e1a11.mp4`). Must be a plain file name: no `/` or `\\`, not `.` or " +
					"`..`, not absolute; checked at plan time. Changing it downloads the file again under the new name.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{plainFileNameValidator{}},
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
			name, err := fileNameFromURL(plan.URL.ValueString())
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("filename"), "Cannot name the downloaded file", err.Error())
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
		n, err := fileNameFromURL(rawURL)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("filename"), "Cannot name the downloaded file", err.Error())
			return
		}
		name = n
	}
	dir := m.Directory.ValueString()
	realDir, target, err := artifactTarget(dir, name, true)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("directory"), "Cannot write the artifact file", err.Error())
		return
	}
	maxBytes := int64(defaultArtifactMaxBytes)
	if !m.MaxBytes.IsNull() && !m.MaxBytes.IsUnknown() {
		maxBytes = m.MaxBytes.ValueInt64()
	}
	version := "dev"
	if r.data != nil && r.data.version != "" {
		version = r.data.version
	}
	tflog.Debug(ctx, "downloading artifact", map[string]any{"url": redactURL(rawURL), "path": target})
	start := time.Now()
	got, err := downloadArtifact(ctx, artifactHTTPClient(), artifactDownload{
		URL:            rawURL,
		Dir:            realDir,
		Target:         target,
		ExpectedSHA256: m.ExpectedSHA256.ValueString(),
		MaxBytes:       maxBytes,
		UserAgent:      "terraform-provider-runway/" + version,
		StallTimeout:   artifactStallTimeout,
		Timeout:        timeout,
	})
	if err != nil {
		resp.Diagnostics.AddError("Downloading the artifact failed", err.Error())
		return
	}
	tflog.Info(ctx, "artifact downloaded", map[string]any{
		"url": redactURL(rawURL), "path": target, "bytes": got.Size, "sha256": got.SHA256,
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
	sum, size, err := hashRegularFile(p)
	var reason string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = "it no longer exists"
	case errors.Is(err, errNotRegularFile):
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
func (r *artifactFileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m artifactFileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *artifactFileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m artifactFileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, target, err := artifactTarget(m.Directory.ValueString(), m.Filename.ValueString(), false)
	if errors.Is(err, fs.ErrNotExist) {
		return // the directory is gone, and the file with it
	}
	if err != nil {
		resp.Diagnostics.AddError("Deleting the artifact file failed", err.Error())
		return
	}
	fi, err := os.Lstat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return
	case err != nil:
		resp.Diagnostics.AddError("Deleting the artifact file failed", err.Error())
		return
	case !fi.Mode().IsRegular():
		resp.Diagnostics.AddWarning("Artifact file left in place",
			fmt.Sprintf("%s is no longer a regular file (%s), so it was not created by this resource and is left alone.", target, fi.Mode().Type()))
		return
	}
	if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		resp.Diagnostics.AddError("Deleting the artifact file failed", err.Error())
		return
	}
	tflog.Debug(ctx, "artifact file deleted", map[string]any{"path": target})
}

// errNotRegularFile reports a symlink, directory or device where a
// downloaded file is expected.
var errNotRegularFile = errors.New("not a regular file")

// artifactTarget resolves where a file named name goes in dir: the
// directory with its symlinks resolved (created first when create is set)
// and the file's path inside it. It refuses any result outside the
// directory, whatever the name; name is checked again even though the
// schema validated it, because the default name comes from the URL.
func artifactTarget(dir, name string, create bool) (realDir, target string, err error) {
	if err := checkPlainFileName(name); err != nil {
		return "", "", fmt.Errorf("file name %q: %w", name, err)
	}
	clean := filepath.Clean(dir)
	if create {
		// Like the files in it (artifactFileMode), the user's output
		// directory is meant to be read by the rest of the pipeline.
		if err := os.MkdirAll(clean, 0o755); err != nil { //nolint:gosec // G301: world-readable on purpose, see above
			return "", "", fmt.Errorf("creating the directory: %w", err)
		}
	}
	realDir, err = filepath.EvalSymlinks(clean)
	if err != nil {
		return "", "", fmt.Errorf("resolving the directory %s: %w", clean, err)
	}
	if fi, err := os.Stat(realDir); err != nil {
		return "", "", err
	} else if !fi.IsDir() {
		return "", "", fmt.Errorf("%s is not a directory", clean)
	}
	target = filepath.Join(realDir, name)
	if rel, err := filepath.Rel(realDir, target); err != nil || rel != name {
		return "", "", fmt.Errorf("the file %q would be written outside %s", name, clean)
	}
	return realDir, target, nil
}

// checkPlainFileName accepts a single, local path element: nothing that
// could name a file outside the target directory on any platform.
func checkPlainFileName(name string) error {
	switch {
	case name == "":
		return errors.New("must not be empty")
	case name == "." || name == "..":
		return errors.New("must be a file name, not . or ..") //nolint:staticcheck // ST1005: it ends with the name "..", not a full stop
	case strings.ContainsAny(name, `/\`):
		return errors.New("must be a plain file name, without / or \\ (put directories in `directory`)")
	case filepath.IsAbs(name) || filepath.VolumeName(name) != "":
		return errors.New("must not be an absolute path")
	case len(name) > maxFileNameBytes:
		return fmt.Errorf("must be at most %d bytes long", maxFileNameBytes)
	case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return errors.New("must not contain control characters")
	case !filepath.IsLocal(name):
		return errors.New("is not a valid local file name on this system")
	}
	return nil
}

// fileNameFromURL is the default filename: the last element of the URL's
// path, unescaped.
func fileNameFromURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("the URL %s cannot be parsed: set `filename`", redactURL(raw))
	}
	name := pathpkg.Base(u.Path)
	if err := checkPlainFileName(name); err != nil || u.Path == "" || strings.HasSuffix(u.Path, "/") {
		return "", fmt.Errorf("the URL %s has no usable file name at the end of its path: set `filename`", redactURL(raw))
	}
	return name, nil
}

// redactURL drops the query string (where signed URLs carry their token),
// the fragment and any user info, for logs and messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparseable URL)"
	}
	hadQuery := u.RawQuery != "" || u.ForceQuery
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment, u.User = "", false, "", "", nil
	s := u.String()
	if hadQuery {
		s += "?…"
	}
	return s
}

var (
	artifactClientOnce sync.Once
	artifactClient     *http.Client
)

// artifactHTTPClient is one pooled client for all downloads; deadlines come
// from each download's context.
func artifactHTTPClient() *http.Client {
	artifactClientOnce.Do(func() { artifactClient = cleanhttp.DefaultPooledClient() })
	return artifactClient
}

// artifactDownload describes one download.
type artifactDownload struct {
	URL string
	// Dir is the resolved directory the temporary file is created in, so
	// that the final rename stays on one file system.
	Dir string
	// Target is the final path, inside Dir.
	Target string
	// ExpectedSHA256 is checked when not empty (either case).
	ExpectedSHA256 string
	MaxBytes       int64
	UserAgent      string
	// StallTimeout ends an attempt that receives nothing for this long.
	StallTimeout time.Duration
	// Timeout is the overall deadline, only quoted in messages (ctx
	// carries it).
	Timeout time.Duration
	// Backoff is the wait before the second attempt (doubled after);
	// default one second.
	Backoff time.Duration
}

// artifactFileInfo is what a download wrote.
type artifactFileInfo struct {
	SHA256 string
	Size   int64
}

// downloadError is a failed download, worded without the URL's query.
type downloadError struct {
	msg       string
	retryable bool
}

func (e *downloadError) Error() string { return e.msg }

// downloadArtifact streams d.URL to d.Target: into a temporary file in
// d.Dir, hashing while writing, synced, then renamed over the target. On
// any failure nothing is left behind and the target is untouched.
func downloadArtifact(ctx context.Context, client *http.Client, d artifactDownload) (artifactFileInfo, error) {
	if fi, err := os.Lstat(d.Target); err == nil && !fi.Mode().IsRegular() {
		return artifactFileInfo{}, fmt.Errorf("refusing to write %s: it exists and is not a regular file (%s); remove it or choose another filename", d.Target, fi.Mode().Type())
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return artifactFileInfo{}, err
	}
	backoff := d.Backoff
	if backoff <= 0 {
		backoff = time.Second
	}
	var last error
	for attempt := 1; attempt <= artifactAttempts; attempt++ {
		info, err := downloadOnce(ctx, client, d)
		if err == nil {
			return info, nil
		}
		last = err
		var de *downloadError
		if !errors.As(err, &de) || !de.retryable || attempt == artifactAttempts || ctx.Err() != nil {
			break
		}
		tflog.Warn(ctx, "retrying artifact download", map[string]any{"url": redactURL(d.URL), "attempt": attempt, "error": err.Error()})
		if transport.SleepContext(ctx, backoff) != nil {
			break
		}
		backoff *= 2
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return artifactFileInfo{}, fmt.Errorf("the download of %s did not finish within %s: raise timeouts.create (%w)", redactURL(d.URL), d.Timeout, last)
		}
		return artifactFileInfo{}, fmt.Errorf("the download of %s was interrupted (%w)", redactURL(d.URL), last)
	}
	return artifactFileInfo{}, last
}

func downloadOnce(ctx context.Context, client *http.Client, d artifactDownload) (info artifactFileInfo, err error) {
	shown := redactURL(d.URL)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stalled := fmt.Errorf("no data received for %s", d.StallTimeout)
	var watchdog *time.Timer
	if d.StallTimeout > 0 {
		watchdog = time.AfterFunc(d.StallTimeout, func() { cancel(stalled) })
		defer watchdog.Stop()
	}
	netErr := func(err error) error {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the whole URL, token included
		}
		if cause := context.Cause(ctx); errors.Is(cause, stalled) {
			err = stalled
		}
		return &downloadError{msg: fmt.Sprintf("GET %s: %v", shown, err), retryable: ctx.Err() == nil || errors.Is(context.Cause(ctx), stalled)}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL, nil)
	if err != nil {
		return info, fmt.Errorf("GET %s: the URL is not valid", shown)
	}
	if d.UserAgent != "" {
		req.Header.Set("User-Agent", d.UserAgent)
	}
	resp, err := client.Do(req)
	if err != nil {
		return info, netErr(err)
	}
	// The body is only read from: closing it cannot lose data.
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return info, statusError(shown, resp)
	}
	if resp.ContentLength > d.MaxBytes {
		return info, fmt.Errorf("GET %s: the file is %d bytes, more than max_bytes (%d)", shown, resp.ContentLength, d.MaxBytes)
	}

	tmp, err := os.CreateTemp(d.Dir, ".runway-artifact-*.part")
	if err != nil {
		return info, fmt.Errorf("creating a temporary file in %s: %w", d.Dir, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	body := io.Reader(resp.Body)
	if watchdog != nil {
		body = &progressReader{r: body, onRead: func() { watchdog.Reset(d.StallTimeout) }}
	}
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, d.MaxBytes+1))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return info, fmt.Errorf("writing %s: %w", tmp.Name(), err)
		}
		return info, netErr(err)
	}
	if n > d.MaxBytes {
		return info, fmt.Errorf("GET %s: the file is larger than max_bytes (%d)", shown, d.MaxBytes)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return info, &downloadError{msg: fmt.Sprintf("GET %s: received %d of %d bytes", shown, n, resp.ContentLength), retryable: true}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if d.ExpectedSHA256 != "" && !strings.EqualFold(sum, d.ExpectedSHA256) {
		return info, fmt.Errorf("GET %s: the file's sha256 is %s, but expected_sha256 is %s; nothing was written to %s",
			shown, sum, strings.ToLower(d.ExpectedSHA256), d.Target)
	}
	if err = tmp.Sync(); err != nil {
		return info, fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return info, fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	if err = os.Chmod(tmp.Name(), artifactFileMode); err != nil {
		return info, err
	}
	if err = os.Rename(tmp.Name(), d.Target); err != nil {
		return info, fmt.Errorf("moving the download into place: %w", err)
	}
	syncDir(d.Dir)
	return artifactFileInfo{SHA256: sum, Size: n}, nil
}

// statusError explains a non-200 answer; 403 and 410 are what a CDN says
// about an expired signature.
func statusError(shown string, resp *http.Response) error {
	msg := fmt.Sprintf("GET %s: HTTP %d %s", shown, resp.StatusCode, http.StatusText(resp.StatusCode))
	code := resp.StatusCode
	switch code {
	case http.StatusForbidden, http.StatusGone, http.StatusUnauthorized:
		msg += ": the signed URL has probably expired; refresh the resource that produced it " +
			"(`terraform apply -refresh-only`) so that it hands out a freshly signed URL, then apply again"
	case http.StatusNotFound:
		msg += ": the file no longer exists at this address (it may have been deleted from the account)"
	}
	retryable := code == http.StatusRequestTimeout || code == http.StatusTooManyRequests ||
		(code >= 500 && code != http.StatusNotImplemented)
	if retryable {
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			if secs, err := strconv.Atoi(ra); err == nil {
				msg += fmt.Sprintf(" (the server asked to retry after %ds)", secs)
			}
		}
	}
	return &downloadError{msg: msg, retryable: retryable}
}

// progressReader calls onRead whenever bytes arrive.
type progressReader struct {
	r      io.Reader
	onRead func()
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.onRead()
	}
	return n, err
}

// syncDir makes the rename durable where directories can be synced; it is
// best effort because some platforms refuse to open or sync a directory.
func syncDir(dir string) {
	f, err := os.Open(dir) //nolint:gosec // G304: the user-configured runway_artifact_file directory
	if err != nil {
		return
	}
	_ = f.Sync()
	_ = f.Close()
}

// hashRegularFile streams a file through SHA-256. It refuses anything but a
// regular file (errNotRegularFile) without following a symlink.
func hashRegularFile(p string) (string, int64, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s: %w", p, errNotRegularFile)
	}
	f, err := os.Open(p) //nolint:gosec // G304: the user-configured runway_artifact_file target, checked to be a regular file above
	if err != nil {
		return "", 0, err
	}
	// Only read from: a close error cannot change the digest already taken.
	defer func() { _ = f.Close() }()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
