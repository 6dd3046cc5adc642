package provider

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/media"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// clip is a playable MP4 of the given size and duration.
func clip(t *testing.T, w, h int, d time.Duration) []byte {
	t.Helper()
	data, err := media.VideoMP4(media.VideoSpec{Width: w, Height: h, Duration: d, Title: "runway_asset test clip"})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// writeClip writes a small MP4 and returns its path and base64 SHA-256.
func writeClip(t *testing.T, dir, name string, w, h int, d time.Duration) (string, string) {
	t.Helper()
	data := clip(t, w, h, d)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return p, base64.StdEncoding.EncodeToString(sum[:])
}

func assetConfig(sim *testSim, source string) string {
	return sim.providerBlock() + fmt.Sprintf(`
resource "runway_asset" "clip" {
  source = %q
}
`, source)
}

// Upload, keep, move, change: the content hash decides what is uploaded.
func TestAccAsset_uploadMoveReplace(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	dir := t.TempDir()
	addr := "runway_asset.clip"
	first, firstHash := writeClip(t, dir, "intro.mp4", 1280, 768, 5*time.Second)
	moved := filepath.Join(dir, "moved.mp4")
	var firstID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: assetConfig(sim, first),
				ConfigStateChecks: []statecheck.StateCheck{
					stringMatches(addr, "id", assetIDPattern),
					stringValue(addr, "name", "intro.mp4"),
					stringValue(addr, "content_type", "video/mp4"),
					stringValue(addr, "media_type", "video"),
					stringValue(addr, "source_hash", firstHash),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("duration"), knownvalue.Float64Exact(5)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("width"), knownvalue.Int64Exact(1280)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("height"), knownvalue.Int64Exact(768)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("file_size"), knownvalue.Int64Exact(int64(len(clip(t, 1280, 768, 5*time.Second))))),
					stringMatches(addr, "url", regexp.MustCompile(`^http://127\.0\.0\.1:\d+/files/`)),
					simCheck(func() error {
						if u := sim.Stats().Uploads; u != 1 {
							return fmt.Errorf("uploads = %d, want 1", u)
						}
						return nil
					}),
				},
				Check: func(s *terraform.State) error {
					firstID = s.RootModule().Resources[addr].Primary.ID
					return nil
				},
			},
			{
				// Same content at another path: recorded in place, no upload.
				PreConfig: func() {
					if err := os.Rename(first, moved); err != nil {
						t.Fatal(err)
					}
				},
				Config: assetConfig(sim, moved),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stringValue(addr, "source", moved),
					simCheck(func() error {
						if u := sim.Stats().Uploads; u != 1 {
							return fmt.Errorf("uploads = %d after a move, want 1", u)
						}
						return nil
					}),
				},
			},
			{
				// New content: a new asset replaces the old one.
				PreConfig: func() { writeClip(t, dir, "moved.mp4", 640, 360, 3*time.Second) },
				Config:    assetConfig(sim, moved),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("width"), knownvalue.Int64Exact(640)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("duration"), knownvalue.Float64Exact(3)),
					simCheck(func() error {
						st := sim.Stats()
						if st.Uploads != 2 || st.Deletes != 1 {
							return fmt.Errorf("uploads = %d, deletes = %d; want 2 and 1", st.Uploads, st.Deletes)
						}
						return nil
					}),
				},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources[addr].Primary.ID; id == firstID {
						return fmt.Errorf("asset id unchanged after a content change: %s", id)
					}
					return nil
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"source", "source_hash", "content_type", "timeouts", "url"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if d := sim.Stats().Deletes; d != 2 {
				return fmt.Errorf("deletes = %d after destroy, want 2", d)
			}
			return nil
		},
	})
}

// An uploaded file feeds a generation directly.
func TestAccAsset_feedsGeneration(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	clip, _ := writeClip(t, t.TempDir(), "source.mp4", 1280, 768, 4*time.Second)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: assetConfig(sim, clip) + `
resource "runway_gen2_extension" "more" {
  asset_id = runway_asset.clip.id
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("runway_asset.clip", tfjsonpath.New("id"),
					"runway_gen2_extension.more", tfjsonpath.New("asset_id"), compareEqual),
				stringValue("runway_gen2_extension.more", "status", "SUCCEEDED"),
				// 4 s source + 4 s extension.
				statecheck.ExpectKnownValue("runway_gen2_extension.more", tfjsonpath.New("artifacts").AtSliceIndex(0).AtMapKey("duration"),
					knownvalue.Float64Exact(8)),
				sim.expectCreates(1),
			},
		}},
	})
}

// corpusFile is a file of internal/media's corpus (made by ffmpeg; see
// internal/media/testdata/corpus/make.sh), copied into dir under name.
func corpusFile(t *testing.T, dir, file, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "media", "testdata", "corpus", file))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// liveWebM is vp9.webm without its Duration (the element turned into a
// Void of the same length), as a live recording is written.
func liveWebM(t *testing.T, dir string) string {
	t.Helper()
	p := corpusFile(t, dir, "vp9.webm", "live.webm")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte{0x44, 0x89, 0x88}) // Duration, 8-byte float
	if i < 0 {
		t.Fatal("vp9.webm has no 8-byte Duration element")
	}
	copy(data[i:], []byte{0xec, 0x40, 0x08}) // Void, 8 bytes
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// zeroDurationMP4 is faststart.mp4 with its movie and track durations
// (mvhd, mdhd) set to 0, as a file still being written may say: the
// duration is unknown, not 0.
func zeroDurationMP4(t *testing.T, dir string) string {
	t.Helper()
	p := corpusFile(t, dir, "faststart.mp4", "zero.mp4")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"mvhd", "mdhd"} {
		i := bytes.Index(data, []byte(typ))
		if i < 0 || data[i+4] != 0 {
			t.Fatalf("faststart.mp4 has no version 0 %s", typ)
		}
		// type(4) version/flags(4) creation(4) modification(4) timescale(4) duration(4)
		copy(data[i+20:i+24], []byte{0, 0, 0, 0})
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Files the gateway would refuse, or that would fail after the upload, are
// refused at plan time, naming the file and the problem, with no request.
func TestAccAsset_planTimeChecks(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a video"), 0o600); err != nil {
		t.Fatal(err)
	}
	fakeWebM := filepath.Join(dir, "clip.webm")
	if err := os.WriteFile(fakeWebM, []byte("webm bytes the standard library cannot read"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.mp4")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	headerOnly := filepath.Join(dir, "header-only.mp4")
	if err := os.WriteFile(headerOnly, media.MinimalMP4(320, 240, time.Second), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ source, want string }{
		{filepath.Join(dir, "missing.mp4"), `Cannot upload the source file.*does not exist`},
		{text, `does not accept ".txt" files.*video/mp4`},
		{fakeWebM, `clip\.webm" is declared video/webm \(by its extension ".webm"\) but its bytes are not a\s+WebM video`},
		{corpusFile(t, dir, "png-named.mp4", "png-named.mp4"), `png-named\.mp4" is declared video/mp4 \(by its extension\s+".mp4"\) but its bytes are a PNG image`},
		{corpusFile(t, dir, "lossy.webp", "still.png"), `still\.png" is declared image/png.*but its bytes are a\s+WebP image`},
		{corpusFile(t, dir, "vp8.webm", "clip.avi"), `clip\.avi" is declared video/x-msvideo.*but its bytes\s+are a WebM video`},
		{corpusFile(t, dir, "truncated.mp4", "truncated.mp4"), `truncated\.mp4" is an MP4 video but it is corrupt.*truncated: the\s+"mdat" box`},
		{corpusFile(t, dir, "truncated-no-moov.mp4", "no-moov.mp4"), `no-moov\.mp4" is an MP4 video but it is corrupt`},
		{headerOnly, `header-only\.mp4" is an MP4 video but it is corrupt.*no sample\s+description`},
		{zeroDurationMP4(t, dir), `Duration required.*zero\.mp4.*MP4 video whose headers do not give its duration`},
		{liveWebM(t, dir), `Duration required.*live\.webm.*WebM video whose headers do not give its\s+duration.*set ` + "`duration`"},
		{empty, `is empty`},
		{dir, `is a directory`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      assetConfig(sim, c.source),
			PlanOnly:    true,
			ExpectError: errorPattern(c.want),
		})
	}
	// Giving the metadata does not make a broken file uploadable.
	steps = append(steps, resource.TestStep{
		Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_asset" "clip" {
  source   = %q
  duration = 1
  width    = 96
  height   = 64
}
`, filepath.Join(dir, "truncated.mp4")),
		PlanOnly:    true,
		ExpectError: errorPattern(`truncated\.mp4" is an MP4 video but it is corrupt`),
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if n := sim.Stats().Requests; n != 0 {
		t.Errorf("plan-time checks sent %d requests", n)
	}
}

// Real files made by ffmpeg: duration and displayed size are read at plan
// time from fragmented, rotated, HEVC and QuickTime MP4s, WebM and WebP.
func TestAccAsset_readsRealFiles(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	dir := t.TempDir()
	files := []struct {
		file          string
		duration      float64 // 0: none (an image)
		width, height int64
	}{
		{"fragmented.mp4", 1, 96, 64},
		{"fragmented-audio.mp4", 1.08, 96, 64},
		{"rotated90.mp4", 1, 64, 96},
		{"hevc.mp4", 1, 96, 64},
		{"quicktime.mov", 1, 96, 64},
		{"video.m4v", 1, 96, 64},
		{"ntsc.mp4", 1.001, 96, 64},
		{"vp9.webm", 1, 96, 64},
		{"vp9-opus.mkv", 1.008, 96, 64},
		{"lossy.webp", 0, 96, 64},
		{"animated.webp", 0, 96, 64},
	}
	config := sim.providerBlock()
	var checks []statecheck.StateCheck
	for i, f := range files {
		name := fmt.Sprintf("f%d", i)
		config += fmt.Sprintf("resource \"runway_asset\" %q {\n  source = %q\n}\n", name, corpusFile(t, dir, f.file, f.file))
		addr := "runway_asset." + name
		var dur knownvalue.Check = knownvalue.Null()
		if f.duration > 0 {
			dur = knownvalue.Float64Exact(f.duration)
		}
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("duration"), dur),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("width"), knownvalue.Int64Exact(f.width)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("height"), knownvalue.Int64Exact(f.height)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// A WebM without a duration (a live recording) uploads once it is given.
func TestAccAsset_explicitMetadata(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	webm := liveWebM(t, t.TempDir())
	addr := "runway_asset.webm"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_asset" "webm" {
  source   = %q
  name     = "teaser"
  duration = 6.5
  width    = 1920
  height   = 1080
}
`, webm),
			ConfigStateChecks: []statecheck.StateCheck{
				stringValue(addr, "content_type", "video/webm"),
				stringValue(addr, "name", "teaser"),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("duration"), knownvalue.Float64Exact(6.5)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("width"), knownvalue.Int64Exact(1920)),
			},
		}},
	})
}
