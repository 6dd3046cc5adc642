package media

import (
	"hash/fnv"
	"image"
	"strings"
	"sync"

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

// canvasOn returns a w×h canvas drawn straight into buf (rows of stride
// bytes, at least h of them), every byte of which it sets to bg first.
func canvasOn(buf []byte, stride, w, h int, bg byte) *frameCanvas {
	fill(buf, bg)
	img := &image.Gray{Pix: buf, Stride: stride, Rect: image.Rect(0, 0, w, h)}
	// One font pixel per 256 pixels of the shorter side, at least 1: 3 at
	// 1280x768, where a line holds 58 characters.
	scale := max(1, min(w, h)/256)
	return &frameCanvas{img: img, scale: scale}
}

// glyph is the set pixels of a character of basicfont.Face7x13, relative
// to the top left of the character cell.
type glyph [][2]int

var (
	glyphsMu sync.Mutex
	glyphs   = map[rune]glyph{}
)

// glyphOf returns r's pixels ('?' for a rune the font lacks), reading the
// font's mask once per rune: far cheaper than a mask.At per pixel of
// every character drawn.
func glyphOf(r rune) glyph {
	glyphsMu.Lock()
	defer glyphsMu.Unlock()
	if g, ok := glyphs[r]; ok {
		return g
	}
	face := basicfont.Face7x13
	dot := fixed.P(0, face.Ascent)
	dr, mask, mp, _, ok := face.Glyph(dot, r)
	if !ok {
		dr, mask, mp, _, _ = face.Glyph(dot, '?')
	}
	g := glyph{}
	for gy := 0; gy < dr.Dy(); gy++ {
		for gx := 0; gx < dr.Dx(); gx++ {
			if _, _, _, a := mask.At(mp.X+gx, mp.Y+gy).RGBA(); a >= 0x8000 {
				g = append(g, [2]int{dr.Min.X + gx, dr.Min.Y + gy})
			}
		}
	}
	if len(glyphs) < 4096 { // a bound on what prompts can make it keep
		glyphs[r] = g
	}
	return g
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
	for _, r := range s {
		if x+glyphW*c.scale > c.img.Rect.Max.X {
			break
		}
		for _, p := range glyphOf(r) {
			px, py := x+p[0]*c.scale, y+p[1]*c.scale
			c.rect(px, py, px+c.scale, py+c.scale, luma)
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
