package media

import (
	"hash/fnv"
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Frames are drawn with basicfont.Face7x13, a bitmap font, scaled by whole
// pixels: integer arithmetic only, so that the bytes VideoMP4 writes are the
// same on every platform (the demo clip test compares them).

const (
	glyphW = 7
	glyphH = 13
)

// frameCanvas is a 4:2:0 YCbCr image the frame is painted on; image/jpeg
// encodes it without a colour conversion.
type frameCanvas struct {
	img   *image.YCbCr
	scale int // pixels per font pixel
}

func newCanvas(w, h int, bg color.YCbCr) *frameCanvas {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	fill(img.Y, bg.Y)
	fill(img.Cb, bg.Cb)
	fill(img.Cr, bg.Cr)
	// One font pixel per 256 pixels of the shorter side, at least 1: 3 at
	// 1280x768, where a line holds 58 characters.
	scale := max(1, min(w, h)/256)
	return &frameCanvas{img: img, scale: scale}
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// rect paints [x0,x1)×[y0,y1) (clipped) in luma y and chroma cb, cr.
func (c *frameCanvas) rect(x0, y0, x1, y1 int, col color.YCbCr) {
	r := image.Rect(x0, y0, x1, y1).Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.img.Y[y*c.img.YStride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			row[x] = col.Y
		}
	}
	for y := r.Min.Y / 2; y < (r.Max.Y+1)/2; y++ {
		for x := r.Min.X / 2; x < (r.Max.X+1)/2; x++ {
			i := y*c.img.CStride + x
			c.img.Cb[i], c.img.Cr[i] = col.Cb, col.Cr
		}
	}
}

// text draws s with its top-left corner at (x, y) in luma only (white on
// the background's hue) and returns the x after it.
func (c *frameCanvas) text(x, y int, s string, luma byte) int {
	face := basicfont.Face7x13
	for _, r := range s {
		if x+glyphW*c.scale > c.img.Rect.Max.X {
			break
		}
		dot := fixed.P(0, face.Ascent)
		dr, mask, mp, _, ok := face.Glyph(dot, r)
		if !ok {
			dr, mask, mp, _, _ = face.Glyph(dot, '?')
		}
		for gy := 0; gy < dr.Dy(); gy++ {
			for gx := 0; gx < dr.Dx(); gx++ {
				_, _, _, a := mask.At(mp.X+gx, mp.Y+gy).RGBA()
				if a < 0x8000 {
					continue
				}
				px, py := x+(dr.Min.X+gx)*c.scale, y+(dr.Min.Y+gy)*c.scale
				for dy := range c.scale {
					if py+dy >= c.img.Rect.Max.Y {
						break
					}
					row := c.img.Y[(py+dy)*c.img.YStride:]
					for dx := range c.scale {
						if px+dx < c.img.Rect.Max.X {
							row[px+dx] = luma
						}
					}
				}
			}
		}
		x += glyphW * c.scale
	}
	return x
}

// background picks a dark colour from the title, so that videos of
// different models look different at a glance.
func background(title string) color.YCbCr {
	h := fnv.New32a()
	_, _ = h.Write([]byte(title))
	v := h.Sum32()
	return color.YCbCr{Y: 40, Cb: 128 - 24 + byte(v%48), Cr: 128 - 24 + byte((v>>8)%48)}
}

// wrap breaks s into lines of at most n characters (n >= 1), at spaces
// where it can.
func wrap(s string, n int) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		r := []rune(para)
		for len(r) > n {
			cut := n
			for i := n; i > n/2; i-- {
				if r[i] == ' ' {
					cut = i
					break
				}
			}
			lines = append(lines, strings.TrimRight(string(r[:cut]), " "))
			r = []rune(strings.TrimLeft(string(r[cut:]), " "))
		}
		lines = append(lines, string(r))
	}
	return lines
}
