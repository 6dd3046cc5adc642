package media

import (
	"bytes"
	"fmt"
	"image"
	"math/rand/v2"
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
	// Through a file: reading a pipe into a growing buffer is slow under
	// the race detector.
	raw := path + ".yuv"
	msg, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-y", raw).CombinedOutput()
	if err != nil || len(msg) > 0 {
		t.Fatalf("ffmpeg could not decode %s: %v\n%s", filepath.Base(path), err, msg)
	}
	out, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	frameLen := w*h + 2*(w/2)*(h/2)
	if len(out)%frameLen != 0 {
		t.Fatalf("ffmpeg wrote %d bytes, not a whole number of %dx%d frames", len(out), w, h)
	}
	var frames [][]byte
	for off := 0; off < len(out); off += frameLen {
		frames = append(frames, out[off:off+w*h])
		if chroma := out[off+w*h : off+frameLen]; bytes.Count(chroma, []byte{128}) != len(chroma) {
			t.Fatalf("frame %d: chroma is not 128 throughout", len(frames)-1)
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
		{Width: 1280, Height: 768, Duration: 2 * time.Second, FrameRate: 12, Title: "gen3a_turbo", Lines: []string{"prompt: a cat"}},
		{Width: 1920, Height: 1080, Duration: 2500 * time.Millisecond, FrameRate: 8, Title: "gen4_turbo", Lines: []string{"task 1234"}},
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
			ffprobeCheck(t, p, spec.Width, spec.Height, spec.Duration, spec.FrameRate)
			got := decodeLuma(t, p, spec.Width, spec.Height)
			if len(got) != len(recon) {
				t.Fatalf("ffmpeg decoded %d frames, want %d", len(got), len(recon))
			}
			compareFrames(t, got, recon, spec.Width)
		})
	}
}

func compareFrames(t *testing.T, got, want [][]byte, w int) {
	t.Helper()
	for i := range got {
		if i > 0 && &want[i][0] == &want[i-1][0] && bytes.Equal(got[i], got[i-1]) {
			continue // a repeated picture, equal to the one before
		}
		if bytes.Equal(got[i], want[i]) {
			continue
		}
		n, first := 0, -1
		for j := range got[i] {
			if got[i][j] != want[i][j] {
				if first < 0 {
					first = j
				}
				n++
			}
		}
		t.Fatalf("frame %d: %d of %d luma samples differ from the reconstruction, the first at (%d, %d): %d, want %d",
			i, n, len(got[i]), first%w, first/w, got[i][first], want[i][first])
	}
}

// Pictures far from the video frames (noise over the whole range,
// gradients, sparse changes in P pictures) exercise every coeff_token
// table, level escapes and intra macroblocks among skipped ones; ffmpeg
// decodes the raw stream to the reconstruction.
func TestH264StressDecodesToReconstruction(t *testing.T) {
	requireFFmpeg(t)
	const w, h = 80, 48
	rng := rand.New(rand.NewPCG(3, 4))
	e := newH264Encoder(w, h, 24)
	stream := []byte{}
	annexB := func(nal []byte) { stream = append(append(stream, 0, 0, 0, 1), nal...) }
	annexB(e.sps())
	annexB(e.pps())
	img := image.NewGray(image.Rect(0, 0, w, h))
	var recon [][]byte
	for f := range 8 {
		idr := f%4 == 0
		for i := range img.Pix {
			x, y := i%w, i/w
			switch {
			case f == 0 || f == 5:
				img.Pix[i] = byte(rng.IntN(256))
			case f == 4:
				img.Pix[i] = byte(x*3 + y*2)
			case rng.IntN(40) == 0: // sparse changes
				img.Pix[i] = byte(rng.IntN(256))
			}
		}
		annexB(e.encode(img, idr))
		recon = append(recon, e.reconstruction())
	}
	p := filepath.Join(t.TempDir(), "stress.h264")
	if err := os.WriteFile(p, stream, 0o600); err != nil {
		t.Fatal(err)
	}
	got := decodeLuma(t, p, w, h)
	if len(got) != len(recon) {
		t.Fatalf("ffmpeg decoded %d frames, want %d", len(got), len(recon))
	}
	compareFrames(t, got, recon, w)
}
