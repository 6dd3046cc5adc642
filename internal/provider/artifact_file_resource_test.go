package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/download"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/testfake"
)

// artifactSecret stands for the signature of a signed URL: it must never
// appear in an error message.
const artifactSecret = "SIGNATURE-s3cr3t"

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestCheckDownloadURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://cdn.example.com/a.mp4?_jwt=x", true},
		{"http://127.0.0.1:8787/files/a.mp4?_jwt=x", true},
		{"http://localhost/a.mp4", true},
		{"http://[::1]:80/a.mp4", true},
		{"http://cdn.example.com/a.mp4?_jwt=" + artifactSecret, false},
		{"ftp://127.0.0.1/a.mp4", false},
		{"file:///etc/passwd", false},
		{"/relative/a.mp4", false},
		{"https://", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := checkDownloadURL(tt.url)
			if (err == nil) != tt.ok {
				t.Fatalf("checkDownloadURL(%q) = %v, want ok=%v", tt.url, err, tt.ok)
			}
			if err != nil && strings.Contains(err.Error(), artifactSecret) {
				t.Errorf("error quotes the signature: %v", err)
			}
		})
	}
}

// startSimCountingDownloads serves a simulator like newTestSim and counts
// the downloads of asset and artifact files (previews excluded).
func startSimCountingDownloads(t *testing.T) (*testSim, *atomic.Int64) {
	t.Helper()
	sim := simulator.New(simulator.Options{Token: simulatorToken, TaskDuration: 400 * time.Millisecond, SeedDemoAssets: true})
	var downloads atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, simulator.FilesPrefix) && !strings.Contains(r.URL.Path, "-preview-") {
			downloads.Add(1)
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &testSim{Simulator: sim, endpoint: srv.URL + "/v1/runwayml"}, &downloads
}

// servedBytes fetches what the simulator serves at a file URL, in process,
// so that the test's own fetch is not counted as a download.
func servedBytes(sim *simulator.Simulator, rawURL string) ([]byte, error) {
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, rawURL, nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", download.RedactURL(rawURL), rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes(), nil
}

// artifactFileOnDisk checks a runway_artifact_file against the disk and,
// when sim is set, against the bytes the simulator serves at its URL.
type artifactFileOnDisk struct {
	addr string
	sim  *simulator.Simulator
}

func (c artifactFileOnDisk) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		resp.Error = fmt.Errorf("%s: no state", c.addr)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.addr {
			continue
		}
		v := r.AttributeValues
		p, _ := v["path"].(string)
		want, _ := v["sha256"].(string)
		b, err := os.ReadFile(p)
		if err != nil {
			resp.Error = fmt.Errorf("%s: reading %s: %w", c.addr, p, err)
			return
		}
		if got := sha256Hex(b); got != want || fmt.Sprint(v["size"]) != fmt.Sprint(len(b)) {
			resp.Error = fmt.Errorf("%s: the file has sha256 %s and %d bytes, the state says %s and %v", c.addr, got, len(b), want, v["size"])
			return
		}
		if c.sim != nil {
			u, _ := v["url"].(string)
			served, err := servedBytes(c.sim, u)
			if err != nil {
				resp.Error = err
				return
			}
			if sha256Hex(served) != want {
				resp.Error = fmt.Errorf("%s: the simulator serves sha256 %s, the state says %s", c.addr, sha256Hex(served), want)
			}
		}
		entries, _ := os.ReadDir(filepath.Dir(p))
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".part") {
				resp.Error = fmt.Errorf("temporary file %s left next to %s", e.Name(), p)
			}
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in state", c.addr)
}

// expectDownloads asserts how many file downloads the simulator served.
func expectDownloads(n *atomic.Int64, want int64) simCheck {
	return func() error {
		if got := n.Load(); got != want {
			return fmt.Errorf("the simulator served %d file downloads, want %d", got, want)
		}
		return nil
	}
}

// The life cycle of a kept artifact: downloaded once from a generation's
// video_url; plans stay empty while the gateway re-signs URLs; a re-signed
// URL is recorded without downloading; a file deleted or changed on disk is
// downloaded again; destroy removes the file and keeps the directory.
func TestAccArtifactFile_generationOutputLifeCycle(t *testing.T) {
	sim, downloads := startSimCountingDownloads(t)
	dir := filepath.Join(t.TempDir(), "out") // created by the resource
	addr := "runway_artifact_file.clip"
	var keptPath string
	config := func(urlExpr string) string {
		return sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "clip" {
  asset_id = %q
  motion   = 4
}

resource "runway_artifact_file" "clip" {
  url       = %s
  directory = %q
}
`, sim.demoVideo(), urlExpr, dir)
	}
	plain := config("runway_gen2_extension.clip.video_url")
	resigned := config(`"${runway_gen2_extension.clip.video_url}&resigned=1"`)
	pathPattern := regexp.MustCompile(`^` + regexp.QuoteMeta(dir+string(filepath.Separator)) + `[0-9a-f-]{36}\.mp4$`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: plain,
				ConfigStateChecks: []statecheck.StateCheck{
					artifactFileOnDisk{addr: addr, sim: sim.Simulator},
					stringMatches(addr, "path", pathPattern),
					stringMatches(addr, "filename", regexp.MustCompile(`^[0-9a-f-]{36}\.mp4$`)),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), addr, tfjsonpath.New("path"), compare.ValuesSame()),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("url"), "runway_gen2_extension.clip", tfjsonpath.New("video_url"), compare.ValuesSame()),
					stringMatches(addr, "sha256", sha256Pattern),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("max_bytes"), knownvalue.Int64Exact(defaultArtifactMaxBytes)),
					expectDownloads(downloads, 1),
					sim.expectCreates(1),
					captureAttribute{addr: addr, attr: "path", into: &keptPath},
				},
			},
			{
				// The plan's refresh re-reads the task, whose URLs the
				// gateway signs anew; nothing changes, nothing is downloaded.
				Config:            plain,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expectDownloads(downloads, 1)},
			},
			{
				// A new signature of the same file: recorded in place.
				Config: resigned,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("sha256"), knownvalue.StringRegexp(sha256Pattern)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stringMatches(addr, "url", regexp.MustCompile(`&resigned=1$`)),
					artifactFileOnDisk{addr: addr, sim: sim.Simulator},
					expectDownloads(downloads, 1),
				},
			},
			{
				// Deleted behind Terraform's back: refresh drops it from the
				// state, the plan creates it again.
				PreConfig: func() { removeOrFail(t, keptPath) },
				Config:    resigned,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					artifactFileOnDisk{addr: addr, sim: sim.Simulator},
					expectDownloads(downloads, 2),
					sim.expectCreates(1),
				},
			},
			{
				// Changed on disk: downloaded again over it.
				PreConfig: func() {
					if err := os.WriteFile(keptPath, []byte("tampered"), 0o644); err != nil {
						t.Fatal(err)
					}
				},
				Config: resigned,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					artifactFileOnDisk{addr: addr, sim: sim.Simulator},
					expectDownloads(downloads, 3),
					sim.expectCreates(1),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			switch _, err := os.Lstat(keptPath); {
			case err == nil:
				return fmt.Errorf("destroy left %s", keptPath)
			case !errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("checking that destroy removed %s: %w", keptPath, err)
			}
			switch fi, err := os.Stat(dir); {
			case err != nil:
				return fmt.Errorf("destroy removed the directory %s: %w", dir, err)
			case !fi.IsDir():
				return fmt.Errorf("destroy left %s, but not as a directory (%s)", dir, fi.Mode().Type())
			}
			return nil
		},
	})
}

// captureAttribute stores a string attribute of a resource for later steps.
type captureAttribute struct {
	addr, attr string
	into       *string
}

func (c captureAttribute) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State != nil && req.State.Values != nil {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address == c.addr {
				if v, ok := r.AttributeValues[c.attr].(string); ok && v != "" {
					*c.into = v
					return
				}
			}
		}
	}
	resp.Error = fmt.Errorf("%s.%s not in state", c.addr, c.attr)
}

func removeOrFail(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}

// Path escapes and malformed inputs fail at plan time, before anything is
// downloaded or created on disk.
func TestAccArtifactFile_planTimeValidation(t *testing.T) {
	srv := testfake.NewFileServer(t, testfake.ServeBytes([]byte("never fetched")))
	fileURL := srv.URL + "/files/clip.mp4?_jwt=" + artifactSecret
	tests := []struct {
		name, attrs, want string // name documents the case
	}{
		{"parent directory", `filename = "../x"`, `Invalid file name.*plain file name`},
		{"dot-dot", `filename = ".."`, `Invalid file name.*not \. or \.\.`},
		{"absolute path", `filename = "/etc/passwd"`, `Invalid file name.*plain file name`},
		{"backslash", `filename = "a\\b"`, `Invalid file name.*plain file name`},
		{"empty", `filename = ""`, `Invalid file name.*must not be empty`},
		{"no name in the URL", `url = "` + srv.URL + `/?_jwt=` + artifactSecret + `"`, `Cannot name the downloaded file.*no usable file name.*set .filename.`},
		{"plain http elsewhere", `url = "http://cdn.example.com/clip.mp4?_jwt=` + artifactSecret + `"`, `Invalid URL.*plain http://`},
		{"other scheme", `url = "file:///etc/passwd"`, `Invalid URL.*scheme "file"`},
		{"short digest", `expected_sha256 = "abc123"`, `expected_sha256.*64 hexadecimal characters`},
		{"max_bytes zero", `max_bytes = 0`, `max_bytes.*at least 1`},
		{"empty directory", `directory = ""`, `directory.*at least 1`},
	}
	dir := filepath.Join(t.TempDir(), "out")
	steps := make([]resource.TestStep, 0, len(tests))
	for _, tt := range tests {
		attrs := map[string]string{"url": fmt.Sprintf("url = %q", fileURL), "directory": fmt.Sprintf("directory = %q", dir)}
		extra := tt.attrs
		for k := range attrs {
			if strings.HasPrefix(tt.attrs, k+" ") {
				attrs[k], extra = tt.attrs, ""
			}
		}
		steps = append(steps, resource.TestStep{
			Config: fmt.Sprintf(`
resource "runway_artifact_file" "t" {
  %s
  %s
  %s
}
`, attrs["url"], attrs["directory"], extra),
			PlanOnly:    true,
			ExpectError: errorPattern(tt.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d downloads during failed plans", n)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a plan created %s (%v)", dir, err)
	}
}

// Any URL can be kept: a verified download with a chosen name, moved when
// the directory changes, and a digest mismatch that leaves nothing behind.
func TestAccArtifactFile_anyURLVerifiedAndMoved(t *testing.T) {
	payload := []byte("a rendered clip, kept on disk\n")
	sum := sha256Hex(payload)
	srv := testfake.NewFileServer(t, testfake.ServeBytes(payload))
	base := t.TempDir()
	first, second := filepath.Join(base, "first"), filepath.Join(base, "second")
	addr := "runway_artifact_file.kept"
	config := func(dir, expected string) string {
		return fmt.Sprintf(`
resource "runway_artifact_file" "kept" {
  url             = %q
  directory       = %q
  filename        = "clip.bin"
  expected_sha256 = %q
  max_bytes       = 1024
}
`, srv.URL+"/render/out.bin?token="+artifactSecret, dir, expected)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config(first, strings.ToUpper(sum)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Known before the download: the digest it must have and
					// where it goes.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("sha256"), knownvalue.StringExact(sum)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("path"), knownvalue.StringExact(filepath.Join(first, "clip.bin"))),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					artifactFileOnDisk{addr: addr},
					stringValue(addr, "sha256", sum),
					stringValue(addr, "id", filepath.Join(first, "clip.bin")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("size"), knownvalue.Int64Exact(int64(len(payload)))),
				},
			},
			{
				Config: config(second, sum),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					artifactFileOnDisk{addr: addr},
					stringValue(addr, "path", filepath.Join(second, "clip.bin")),
					simCheck(func() error {
						switch _, err := os.Stat(filepath.Join(first, "clip.bin")); {
						case err == nil:
							return errors.New("the file in the old directory was kept")
						case !errors.Is(err, fs.ErrNotExist):
							return fmt.Errorf("checking the old directory: %w", err)
						}
						return nil
					}),
				},
			},
		},
	})
	if n := srv.Requests(); n != 2 {
		t.Errorf("%d downloads, want 2 (one per directory)", n)
	}
}

// Downloads that must not be kept fail the apply and leave nothing at the
// target: a digest mismatch, an oversized file, an expired signature (the
// message shows the URL without its query), a symlink in the way.
func TestAccArtifactFile_refusals(t *testing.T) {
	payload := []byte("0123456789abcdef")
	srv := testfake.NewFileServer(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/expired/") {
			testfake.ServeStatus(http.StatusForbidden)(w, r)
			return
		}
		testfake.ServeBytes(payload)(w, r)
	})
	dir := filepath.Join(t.TempDir(), "out")
	elsewhere := filepath.Join(t.TempDir(), "elsewhere")
	tests := []struct {
		name, prefix, attrs string
		prepare             func()
		want                string
	}{
		{
			name: "expected sha256 mismatch", prefix: "ok",
			attrs: `expected_sha256 = "` + strings.Repeat("ab", 32) + `"`,
			want:  `sha256 is ` + sha256Hex(payload) + `, but expected_sha256 is (ab){32}; nothing was written`,
		},
		{
			name: "larger than max_bytes", prefix: "ok", attrs: `max_bytes = 8`,
			want: `the file is 16 bytes, more than max_bytes \(8\)`,
		},
		{
			name: "expired signature", prefix: "expired",
			want: `GET http://127\.0\.0\.1:\d+/expired/out\.bin\?…: HTTP 403 Forbidden: the signed URL has probably expired.*-refresh-only`,
		},
		{
			name: "symlink in the way", prefix: "ok",
			prepare: func() {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if runtime.GOOS == "windows" { // symlinks need privileges there
					if err := os.Mkdir(filepath.Join(dir, "out.bin"), 0o755); err != nil {
						t.Fatal(err)
					}
					return
				}
				if err := os.Symlink(elsewhere, filepath.Join(dir, "out.bin")); err != nil {
					t.Fatal(err)
				}
			},
			want: `refusing to write .*out\.bin: it exists and is not a regular file`,
		},
	}
	steps := make([]resource.TestStep, 0, len(tests))
	for _, tt := range tests {
		steps = append(steps, resource.TestStep{
			PreConfig: tt.prepare,
			Config: fmt.Sprintf(`
resource "runway_artifact_file" "t" {
  url       = %q
  directory = %q
  %s
}
`, srv.URL+"/"+tt.prefix+"/out.bin?token="+artifactSecret, dir, tt.attrs),
			ExpectError: errorPattern(tt.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "out.bin" { // the symlink of the last case
			t.Errorf("a refused download left %s in the directory", e.Name())
		}
	}
	if _, err := os.Lstat(elsewhere); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the download wrote through the symlink to %s (%v)", elsewhere, err)
	}
}
