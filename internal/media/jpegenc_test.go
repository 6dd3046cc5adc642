package media

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// image/jpeg decodes encodeGrayJPEG's output to the picture it was given,
// within what quantisation loses.
func TestEncodeGrayJPEGDecodes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		w, h    int
		quality int
		paint   func(x, y int) byte
		maxErr  int // largest mean absolute error per pixel allowed
	}{
		{"flat", 64, 48, 30, func(x, y int) byte { return 77 }, 1},
		{"gradient", 61, 37, 90, func(x, y int) byte { return byte(x*3 + y*2) }, 3},
		{"noise at quality 100", 40, 24, 100, func(x, y int) byte { return byte((x*7919 + y*104729) % 251) }, 3},
		{"hard edges at quality 1", 32, 32, 1, func(x, y int) byte { return byte(255 * ((x / 4) % 2)) }, 128},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := image.NewGray(image.Rect(0, 0, tc.w, tc.h))
			for y := range tc.h {
				for x := range tc.w {
					img.Pix[y*img.Stride+x] = tc.paint(x, y)
				}
			}
			data := encodeGrayJPEG(img, tc.quality)
			got, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("image/jpeg: %v", err)
			}
			g, ok := got.(*image.Gray)
			if !ok || g.Rect != img.Rect {
				t.Fatalf("decoded %T %v, want a %v *image.Gray", got, got.Bounds(), img.Rect)
			}
			sum := 0
			for y := range tc.h {
				for x := range tc.w {
					d := int(g.Pix[y*g.Stride+x]) - int(img.Pix[y*img.Stride+x])
					sum += max(d, -d)
				}
			}
			if mean := sum / (tc.w * tc.h); mean > tc.maxErr {
				t.Errorf("mean absolute error %d, want at most %d", mean, tc.maxErr)
			}
		})
	}
}

// The flat-block shortcut codes the exact DC (8·v, times 8 as fdct scales
// it); the fixed-point DCT comes within its rounding of it, with no AC.
func TestFlatBlockShortcut(t *testing.T) {
	for v := int32(-128); v < 128; v++ {
		var in, out [64]int32
		for i := range in {
			in[i] = v
		}
		fdct(&in, &out)
		if d := out[0] - 64*v; d < -2 || d > 2 {
			t.Errorf("DC of a flat block of %d = %d, want %d", v, out[0], 64*v)
		}
		for k := 1; k < 64; k++ {
			if out[k] != 0 {
				t.Fatalf("flat block of %d: AC %d = %d", v, k, out[k])
			}
		}
	}
}
