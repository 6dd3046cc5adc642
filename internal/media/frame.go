package media

import (
	"hash/fnv"
	"image"
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

// frameCanvas is the grayscale image a frame is painted on.
type frameCanvas struct {
	img   *image.Gray
	scale int // pixels per font pixel
}

func newCanvas(w, h int, bg byte) *frameCanvas {
	img := image.NewGray(image.Rect(0, 0, w, h))
	fill(img.Pix, bg)
	// One font pixel per 256 pixels of the shorter side, at least 1: 3 at
	// 1280x768, where a line holds 58 characters.
	scale := max(1, min(w, h)/256)
	return &frameCanvas{img: img, scale: scale}
}

// fill sets every byte of b to v (doubling copies: cheap on big frames).
func fill(b []byte, v byte) {
	if len(b) == 0 {
		return
	}
	b[0] = v
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}

// rect paints [x0,x1)×[y0,y1) (clipped) in luma.
func (c *frameCanvas) rect(x0, y0, x1, y1 int, luma byte) {
	r := image.Rect(x0, y0, x1, y1).Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		fill(c.img.Pix[y*c.img.Stride+r.Min.X:y*c.img.Stride+r.Max.X], luma)
	}
}

// text draws s with its top-left corner at (x, y) in luma and returns the
// x after it.
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
					row := c.img.Pix[(py+dy)*c.img.Stride:]
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

// background picks a dark gray from the title, so that videos of
// different models look different at a glance.
func background(title string) byte {
	h := fnv.New32a()
	_, _ = h.Write([]byte(title))
	return 24 + byte(h.Sum32()%48)
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
