package media

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// decodeLuma has ffmpeg decode every frame of the video at path and returns
// the luma planes, width×height each.
func decodeLuma(t *testing.T, path string, w, h int) [][]byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("ffmpeg could not decode %s: %v\n%s", filepath.Base(path), err, stderr.String())
	}
	frameLen := w*h + 2*(w/2)*(h/2)
	if len(out)%frameLen != 0 {
		t.Fatalf("ffmpeg wrote %d bytes, not a whole number of %dx%d frames", len(out), w, h)
	}
	var frames [][]byte
	for off := 0; off < len(out); off += frameLen {
		frames = append(frames, out[off:off+w*h])
		for i, c := range out[off+w*h : off+frameLen] {
			if c != 128 {
				t.Fatalf("frame %d: chroma sample %d is %d, want 128", len(frames)-1, i, c)
			}
		}
	}
	return frames
}

// The luma ffmpeg decodes is the encoder's own reconstruction, byte for
// byte, in every frame: the bitstream says what the encoder meant.
func TestVideoMP4DecodesToReconstruction(t *testing.T) {
	requireFFmpeg(t)
	dir := t.TempDir()
	for _, spec := range []VideoSpec{
		{Width: 16, Height: 16, Duration: 500 * time.Millisecond, FrameRate: 4, Title: "x"},
		{Width: 34, Height: 18, Duration: 1200 * time.Millisecond, FrameRate: 5, Title: "odd macroblocks"},
		{Width: 640, Height: 360, Duration: 2500 * time.Millisecond, FrameRate: 30, Title: "gen2", Lines: []string{"prompt: ünïcödé → ?"}},
		{Width: 1280, Height: 768, Duration: 2 * time.Second, FrameRate: 24, Title: "gen3a_turbo", Lines: []string{"prompt: a cat"}},
		{Width: 1920, Height: 1080, Duration: 1500 * time.Millisecond, FrameRate: 24, Title: "gen4_turbo", Lines: []string{"task 1234"}},
	} {
		name := fmt.Sprintf("%dx%d", spec.Width, spec.Height)
		t.Run(name, func(t *testing.T) {
			var recon [][]byte
			b, err := videoMP4(spec, func(i int, luma []byte) { recon = append(recon, luma) })
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, name+".mp4")
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			got := decodeLuma(t, p, spec.Width, spec.Height)
			if len(got) != len(recon) {
				t.Fatalf("ffmpeg decoded %d frames, want %d", len(got), len(recon))
			}
			for i := range got {
				if !bytes.Equal(got[i], recon[i]) {
					n, first := 0, -1
					for j := range got[i] {
						if got[i][j] != recon[i][j] {
							if first < 0 {
								first = j
							}
							n++
						}
					}
					t.Fatalf("frame %d: %d of %d luma samples differ from the reconstruction, the first at (%d, %d): %d, want %d",
						i, n, len(got[i]), first%spec.Width, first/spec.Width, got[i][first], recon[i][first])
				}
			}
		})
	}
}
