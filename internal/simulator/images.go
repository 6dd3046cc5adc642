package simulator

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
)

// PathImagesCreate is the gateway's image endpoint.
const PathImagesCreate = "/images/create"

// imageModelTable is the gateway's per-model table of POST /images/create
// (Postman collection, July 2026, newer than the "Images" page of February
// 2026), as data in the page's shape, independent of the client's table: a
// test compares them. Columns: aspect ratios (all = 16:9 9:16 1:1 4:3 3:4
// 21:9 4:5 5:4 3:2 2:3 9:21; nb = auto and all but 9:21); resolutions (-
// refused); reference images min-max; prompt (opt, req) and its maximum;
// style; diversity; seed.
const imageModelTable = `
flux-2-max         all             1K,2K,4K,0.6MP 0-8 opt:4000 no  no  yes
flux-2-klein       all             1K,2K,0.6MP    0-4 opt:4000 no  no  yes
nano-banana        nb              -              0-3 opt:5000 no  no  no
nano-banana-pro    nb              1K,2K,4K       0-8 opt:5000 no  no  no
nano-banana-2      nb              1K,2K,4K       0-8 opt:5000 no  no  no
nano-banana-2-lite nb              -              0-8 opt:5000 no  no  no
gpt-image-1-5      1:1,3:2,2:3     -              0-4 req:5000 no  no  no
gpt-image-1-mini   1:1,3:2,2:3     -              0-4 req:5000 no  no  no
seedream-5         16:9,9:16,1:1,4:3,3:4,21:9,3:2,2:3 2K,3K 0-8 opt:5000 no no no
gen4               16:9,9:16,1:1,4:3,3:4,21:9 1080p,720p 0-3 opt:5000 yes yes yes
gen4-turbo         16:9,9:16,1:1,4:3,3:4,21:9 1080p 1-3 opt:5000 yes no yes
`

type imageModel struct {
	id                     string
	ratios, resolutions    []string
	minImages, maxImages   int
	prompt                 string
	maxPrompt              int
	style, diversity, seed bool
}

var imageModels = parseModelTable("imageModelTable", imageModelTable, 8, parseImageModel)

// allImageRatios is the table's "all".
var allImageRatios = []string{"16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "4:5", "5:4", "3:2", "2:3", "9:21"}

func parseImageModel(f []string) imageModel {
	m := imageModel{id: f[0], resolutions: cellList(f[2])}
	switch f[1] {
	case "all":
		m.ratios = allImageRatios
	case "nb":
		m.ratios = append([]string{"auto"}, allImageRatios[:len(allImageRatios)-1]...)
	default:
		m.ratios = cellList(f[1])
	}
	m.minImages, m.maxImages = cellSpan(f[3])
	m.prompt, m.maxPrompt = cellPrompt(f[4])
	m.style, m.diversity, m.seed = cellYes(f[5]), cellYes(f[6]), cellYes(f[7])
	return m
}

// imageRequest is a validated POST /images/create.
type imageRequest struct {
	model      imageModel
	prompt     string
	aspect     string
	resolution string
	count      int
	images     []string
}

func (s *Simulator) parseImageCreate(v *validator) (*imageRequest, common) {
	m, f, ok := lookupModel(v, imageModels)
	if !ok {
		return nil, common{}
	}
	r := &imageRequest{model: m, count: 1, aspect: "1:1"}
	bad := f.bad
	r.prompt = f.prompt(m.prompt, m.maxPrompt)
	if a := f.choice("aspect_ratio", m.ratios); a != "" {
		r.aspect = a
	}
	r.resolution = f.choice("resolution", m.resolutions)
	if n := v.intRange("num_images", 1, 4); n != nil {
		if *n != 1 && *n != 4 {
			bad("num_images must be 1 or 4")
		}
		r.count = int(*n)
	}
	r.images = f.numbered("imageAssetId%d", 8)
	if n := len(r.images); n < m.minImages || n > m.maxImages {
		bad("imageAssetId count %d is not supported (%d to %d)", n, m.minImages, m.maxImages)
	}
	if v.str("style", 0) != nil && !m.style {
		bad("style is not supported")
	}
	if d := v.intRange("diversity", 1, 5); d != nil && !m.diversity {
		bad("diversity is not supported")
	}
	c := v.common(s)
	if c.seed != nil && !m.seed {
		bad("seed is not supported")
	}
	return r, c
}

// imageSize is the output size of an image for an aspect ratio and a
// resolution (the long side: 1K 1024, 2K 2048…, 720p/1080p the short side).
func imageSize(aspect, resolution string) (int, int) {
	w, h, ok := strings.Cut(aspect, ":")
	a, _ := strconv.Atoi(w)
	b, _ := strconv.Atoi(h)
	if !ok || a <= 0 || b <= 0 {
		a, b = 1, 1
	}
	switch resolution {
	case "720p", "1080p":
		return videoSize(aspect, resolution)
	}
	long := 1024
	switch resolution {
	case "2K":
		long = 2048
	case "3K":
		long = 3072
	case "4K":
		long = 4096
	case "0.6MP":
		long = 896
	}
	if a >= b {
		return long, long * b / a
	}
	return long * a / b, long
}

// generatedPNG is a real PNG of the given size: a gradient that differs per
// image of a task.
func generatedPNG(w, h, n int) []byte {
	w, h = max(w, 1), max(h, 1)
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: byteOf(x * 255 / w), G: byteOf(y * 255 / h), B: byteOf(64 * (n % 4)), A: 255})
		}
	}
	var b bytes.Buffer
	_ = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img)
	return b.Bytes()
}

// byteOf clamps a channel value to 0..255.
func byteOf(v int) uint8 { return uint8(min(max(v, 0), 255)) } //nolint:gosec // G115: clamped above
