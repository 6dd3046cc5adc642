package media

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var updateDemoClip = flag.Bool("update-demo-clip", false, "rewrite examples/demo/clips/intro.mp4 with VideoMP4(demoClipSpec)")

const demoClipPath = "../../examples/demo/clips/intro.mp4"

// demoClipSpec is the demo's source clip: 5 s of 1280x768 at 24 fps.
var demoClipSpec = VideoSpec{
	Width: 1280, Height: 768, Duration: 5 * time.Second, FrameRate: 24,
	Title: "terraform-provider-runway demo clip",
	Lines: []string{"examples/demo/clips/intro.mp4", "uploaded by runway_asset.source (examples/demo/main.tf)"},
}

// The demo clip committed under examples/ is this package's own output, so
// the project owns every byte of it (go test ./internal/media -run DemoClip
// -update-demo-clip rewrites it).
func TestDemoClipIsVideoMP4(t *testing.T) {
	want, err := VideoMP4(demoClipSpec)
	if err != nil {
		t.Fatal(err)
	}
	if *updateDemoClip {
		if err := os.WriteFile(demoClipPath, want, 0o644); err != nil { //nolint:gosec // G306: a file of the repository
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(demoClipPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("examples/demo/clips/intro.mp4 (%d bytes) differs from VideoMP4(demoClipSpec) (%d bytes); run go test ./internal/media -run DemoClip -update-demo-clip",
			len(got), len(want))
	}
}

func TestVideoMP4(t *testing.T) {
	tests := []struct {
		name string
		spec VideoSpec
		// maxPerSecond bounds the size per second of video.
		maxPerSecond int
	}{
		{"landscape 5 s", VideoSpec{Width: 1280, Height: 768, Duration: 5 * time.Second, Title: "gen3a_turbo", Lines: []string{"prompt: a cat"}}, 40 << 10},
		{"portrait 10 s", VideoSpec{Width: 768, Height: 1280, Duration: 10 * time.Second, FrameRate: 24, Title: "gen3a"}, 40 << 10},
		{"not a whole number of frames", VideoSpec{Width: 640, Height: 360, Duration: 5209 * time.Millisecond, FrameRate: 30}, 20 << 10},
		{"smallest", VideoSpec{Width: 16, Height: 16, Duration: time.Millisecond, FrameRate: 1}, 1 << 30},
		{"odd macroblocks, 120 fps", VideoSpec{Width: 34, Height: 18, Duration: 1500 * time.Millisecond, FrameRate: 120}, 8 << 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := VideoMP4(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			info, err := ProbeBytes(b)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			want := Info{Format: FormatMP4, Duration: tc.spec.Duration, DurationKnown: true, Width: tc.spec.Width, Height: tc.spec.Height}
			if info != want {
				t.Errorf("Probe = %+v, want %+v", info, want)
			}
			if per := float64(len(b)) / tc.spec.Duration.Seconds(); per > float64(tc.maxPerSecond) {
				t.Errorf("%d bytes: %.0f bytes per second, want at most %d", len(b), per, tc.maxPerSecond)
			}
			again, _ := VideoMP4(tc.spec)
			if !bytes.Equal(b, again) {
				t.Error("two calls gave different bytes")
			}
		})
	}
}

func TestVideoMP4Refuses(t *testing.T) {
	for _, spec := range []VideoSpec{
		{Width: 15, Height: 100, Duration: time.Second},
		{Width: 100, Height: 4097, Duration: time.Second},
		{Width: 33, Height: 100, Duration: time.Second},
		{Width: 100, Height: 17, Duration: time.Second},
		{Width: 100, Height: 100},
		{Width: 100, Height: 100, Duration: 400 * time.Microsecond},
		{Width: 100, Height: 100, Duration: MaxVideoDuration + time.Second},
		{Width: 100, Height: 100, Duration: time.Second, FrameRate: -1},
		{Width: 100, Height: 100, Duration: time.Second, FrameRate: 121},
	} {
		if _, err := VideoMP4(spec); !errors.Is(err, ErrVideoSpec) {
			t.Errorf("VideoMP4(%+v) = %v, want ErrVideoSpec", spec, err)
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrap("a watercolor painting of the same scene\nsecond", 12)
	want := []string{"a watercolor", "painting of", "the same", "scene", "second"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap("abcdefghijklmnop", 5); fmt.Sprint(got) != "[abcde fghij klmno p]" {
		t.Errorf("wrap without spaces = %q", got)
	}
}

// ffprobeCheck compares what ffprobe says of the video at path with the
// size, duration and frame rate it should have, then has ffmpeg decode
// every frame.
func ffprobeCheck(t *testing.T, path string, w, h int, d time.Duration, fps int) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,r_frame_rate,nb_frames:format=duration",
		"-of", "default=noprint_wrappers=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", path, err, out)
	}
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			got[k] = v
		}
	}
	frames := int((d.Milliseconds()*int64(fps) + 999) / 1000)
	want := map[string]string{"codec_name": "h264", "width": strconv.Itoa(w), "height": strconv.Itoa(h),
		"r_frame_rate": fmt.Sprintf("%d/1", fps), "nb_frames": strconv.Itoa(frames),
		"duration": fmt.Sprintf("%.6f", d.Seconds())}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("ffprobe %s: %s=%s, want %s", filepath.Base(path), k, got[k], v)
		}
	}
	// Decode every frame: ffmpeg prints nothing at -v error when all is well.
	out, err = exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("ffmpeg could not decode %s: %v\n%s", filepath.Base(path), err, out)
	}
}

func requireFFmpeg(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ffprobe", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH (apt-get install ffmpeg): the decode check needs ffprobe and ffmpeg", tool)
		}
	}
}

// ffprobe and ffmpeg decode VideoMP4's output and the demo clip.
func TestVideoMP4DecodesWithFFmpeg(t *testing.T) {
	requireFFmpeg(t)
	ffprobeCheck(t, demoClipPath, 1280, 768, 5*time.Second, 24)
	dir := t.TempDir()
	for i, spec := range []VideoSpec{
		{Width: 640, Height: 360, Duration: 2500 * time.Millisecond, FrameRate: 30, Title: "gen2", Lines: []string{"prompt: ünïcödé → ?"}},
		{Width: 34, Height: 18, Duration: 1200 * time.Millisecond, FrameRate: 5},
	} {
		b, err := VideoMP4(spec)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("v%d.mp4", i))
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		ffprobeCheck(t, p, spec.Width, spec.Height, spec.Duration, spec.FrameRate)
	}
}
