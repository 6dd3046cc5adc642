package simulator

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/media"
)

// probeVideo checks with media.Probe that data is a complete MP4 of the
// given size and duration.
func probeVideo(t *testing.T, name string, data []byte, w, h int, d time.Duration) {
	t.Helper()
	info, err := media.ProbeBytes(data)
	want := media.Info{Format: media.FormatMP4, Duration: d, DurationKnown: true, Width: w, Height: h}
	if err != nil || info != want {
		t.Errorf("%s: Probe = %+v, %v; want %+v", name, info, err, want)
	}
}

// decodeWithFFmpeg has ffprobe read a video and ffmpeg decode every frame;
// it skips the test when they are not on PATH.
func decodeWithFFmpeg(t *testing.T, name string, data []byte, w, h int, d time.Duration) {
	t.Helper()
	for _, tool := range []string{"ffprobe", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH (apt-get install ffmpeg): skipping the decode of %s", tool, name)
		}
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,r_frame_rate:format=duration", "-of", "csv=p=0", p).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", name, err, out)
	}
	got := strings.Join(strings.Fields(string(out)), " ")
	if want := fmt.Sprintf("h264,%d,%d,24/1 %.6f", w, h, d.Seconds()); got != want {
		t.Errorf("ffprobe %s: %q, want %q", name, got, want)
	}
	out, err = exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", p, "-f", "null", "-").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("ffmpeg could not decode %s: %v\n%s", name, err, out)
	}
}

// A generated artifact, fetched over HTTP like a client does, is a real
// video of the size and duration the task reports.
func TestArtifactIsPlayable(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, TaskDuration: time.Second})
	v := e.create(PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "a watercolor fox", "seconds": 5}, 200)
	e.advance(time.Hour)
	got := e.getTask(str(v["taskId"]))
	if got["status"] != "SUCCEEDED" {
		t.Fatalf("task %v", got)
	}
	status, hdr, body := e.fetch(str(dig(t, got, "artifacts", 0, "url")))
	if status != 200 || hdr.Get("Content-Type") != "video/mp4" {
		t.Fatalf("GET artifact: %d %v", status, hdr)
	}
	probeVideo(t, "artifact.mp4", body, 1280, 768, 5*time.Second)
	t.Logf("artifact: %d bytes, %.1f KB per second", len(body), float64(len(body))/5/1024)

	_, asset := e.getAsset(demoVideo5s)
	status, _, demo := e.fetch(str(asset["url"]))
	if status != 200 {
		t.Fatalf("GET demo asset: %d", status)
	}
	probeVideo(t, "demo.mp4", demo, 1280, 768, 5*time.Second)

	decodeWithFFmpeg(t, "artifact.mp4", body, 1280, 768, 5*time.Second)
	decodeWithFFmpeg(t, "demo.mp4", demo, 1280, 768, 5*time.Second)
}

// taskVideo draws the task on the frames: other tasks, other bytes.
func TestTaskVideo(t *testing.T) {
	a := &task{taskID: "user:1234-runwayml:demo@runway.local-task:0001", taskType: "gen3a_turbo", path: PathGen3TurboExpand,
		params: createParams{textPrompt: "a lighthouse at dusk", seed: 7, inputUUID: DemoVideoLandscapeUUID}, outW: 768, outH: 1280, outDur: 10 * time.Second}
	b := *a
	b.taskID = "user:1234-runwayml:demo@runway.local-task:0002"
	va, vb := taskVideo(a), taskVideo(&b)
	if bytes.Equal(va, vb) {
		t.Error("two tasks got the same video")
	}
	if bytes.Equal(va, MinimalMP4(768, 1280, 10*time.Second)) {
		t.Error("the task video does not show the task")
	}
	probeVideo(t, "task.mp4", va, 768, 1280, 10*time.Second)
	decodeWithFFmpeg(t, "task.mp4", va, 768, 1280, 10*time.Second)
}

// Sizes media.VideoMP4 cannot draw still get an MP4 with the metadata.
func TestMinimalMP4Fallback(t *testing.T) {
	b := MinimalMP4(8, 8, time.Second)
	info, err := ParseMP4Info(bytes.NewReader(b), int64(len(b)))
	if err != nil || info != (MP4Info{Duration: time.Second, Width: 8, Height: 8}) {
		t.Errorf("ParseMP4Info = %+v, %v", info, err)
	}
}
