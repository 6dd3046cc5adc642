package simulator

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Paths of the current model endpoints.
const (
	PathVideosCreate  = "/videos/create"
	PathVideosUpscale = "/videos/upscale"
	PathGen4Video     = "/gen4/video"
	PathGen4ActTwo    = "/gen4/act-two"
)

// upscaled is the 4K size POST /videos/upscale makes of a source, keeping
// its aspect ratio (1280×720 → 4096×2304, 1080×1920 → 2160×3840).
func upscaled(w, h int) (int, int) {
	if w <= 0 || h <= 0 {
		w, h = 1280, 720
	}
	if w >= h {
		return 4096, 4096 * h / w / 2 * 2
	}
	return 3840 * w / h / 2 * 2, 3840
}

// videoModelTable is the gateway's per-model table of POST /videos/create
// ("Videos" page, March 2026 updated May 2026, and the newer Postman
// collection of July 2026 where they differ), kept here as data in the
// page's own shape, independently of the client's table: a test compares
// the two. Columns: durations (a-b range, list, or - when refused); text
// to video ratios (std = 16:9 9:16 1:1 4:3 3:4 21:9; - refused); ratios
// with an input image (= as text to video); resolutions (- refused);
// images min-max; max images+videos (0 none); videos min-max; audio refs
// max; keyframes (no, yes, refs: may mix with reference images); prompt
// (opt, req, no) with max length; audio switch; explore mode; seed; shots
// min-max (0-0 none); character orientation; credits per second (0 unknown).
const videoModelTable = `
seedance-2               4-15   std                     =    480p,720p,1080p 0-11 11 0-3 3 yes  opt:3500 yes no  no  0-0 no  36
seedance-2-fast          4-15   std                     =    480p,720p,1080p 0-11 11 0-3 3 yes  opt:3500 yes no  no  0-0 no  0
grok-imagine-1.5         3-15   16:9,9:16,1:1,4:3,3:4,2:3,3:2 = 480p,720p     1-1  0  0-0 0 no   opt:2500 no  no  no  0-0 no  0
happyhorse-1.0           3-15   16:9,9:16,1:1,4:3,3:4   =    720p,1080p      0-1  0  0-0 0 no   opt:2500 no  no  no  0-0 no  0
kling-o3-4k              5,10,15 16:9,9:16,1:1          =    -               0-7  0  0-0 0 refs opt:2500 yes no  no  2-6 no  0
kling-o3-pro             5,10,15 16:9,9:16,1:1          =    -               0-7  0  0-1 0 refs opt:2500 yes no  no  2-6 no  0
kling-o3-standard        5,10,15 16:9,9:16,1:1          =    -               0-7  0  0-1 0 refs opt:2500 yes no  no  2-6 no  0
kling-3.0-pro            5,10,15 16:9,9:16,1:1          =    -               0-2  0  0-0 0 no   opt:5000 yes no  no  2-5 no  0
kling-3.0-standard       5,10,15 16:9,9:16,1:1          =    -               0-2  0  0-0 0 no   opt:5000 yes no  no  2-5 no  0
kling-3.0-motion-control -      std                     =    720p,1080p      0-1  0  1-1 0 no   opt:2500 yes no  no  0-0 yes 0
kling-2.6-pro            5,10   16:9,9:16               =    -               0-1  0  0-0 0 no   req:5000 yes no  no  0-0 no  0
kling-2.6-i2v            5,10   -                       =    -               1-1  0  0-0 0 no   req:5000 no  no  no  0-0 no  0
wan-2.6-flash            5,10,15 std                    =    720p,1080p      1-1  0  0-0 0 no   req:5000 yes no  no  0-0 no  0
wan-2.2-animate          -      std                     =    -               1-1  0  1-1 0 no   no:0     no  no  no  0-0 no  0
veo-3.1                  4,6,8  std                     =    720p,1080p      0-2  0  0-0 0 no   opt:5000 yes no  no  0-0 no  40
sora-2                   4,8,12 std                     =    -               0-1  0  0-0 0 no   opt:5000 no  no  no  0-0 no  0
sora-2-pro               4,8,12 std                     =    720p,1080p      0-1  0  0-0 0 no   opt:5000 no  no  no  0-0 no  0
gen4.5                   2-10   16:9                    std  -               0-2  0  0-0 0 no   opt:5000 yes yes yes 0-0 no  12
gen4                     5,10   std                     =    720p            1-1  0  0-0 0 no   req:512  no  yes yes 0-0 no  0
gen4-turbo               5,10   std                     =    720p            1-1  0  0-0 0 no   req:512  no  yes yes 0-0 no  5
`

// videoModel is one row of videoModelTable.
type videoModel struct {
	id                       string
	durations                []int64 // nil: refused
	ratios, imageRatios      []string
	resolutions              []string
	minImages, maxImages     int
	maxRefs                  int
	minVideos, maxVideos     int
	maxAudio                 int
	keyframes, keyframesRefs bool
	prompt                   string // opt, req, no
	maxPrompt                int
	audio, explore, seed     bool
	minShots, maxShots       int
	orientation              bool
	creditsPerSecond         int
}

var videoModels = parseModelTable("videoModelTable", videoModelTable, 17, parseVideoModel)

// videoRatios reads a ratio cell; "std" is the six common ratios.
func videoRatios(cell string) []string {
	if cell == "std" {
		return []string{"16:9", "9:16", "1:1", "4:3", "3:4", "21:9"}
	}
	return cellList(cell)
}

func parseVideoModel(f []string) videoModel {
	m := videoModel{id: f[0], ratios: videoRatios(f[2]), resolutions: cellList(f[4])}
	switch {
	case f[1] == "-":
	case strings.Contains(f[1], ","):
		for _, d := range strings.Split(f[1], ",") {
			n, _ := strconv.ParseInt(d, 10, 64)
			m.durations = append(m.durations, n)
		}
	default:
		lo, hi := cellSpan(f[1])
		for d := lo; d <= hi; d++ {
			m.durations = append(m.durations, int64(d))
		}
	}
	m.imageRatios = m.ratios
	if f[3] != "=" {
		m.imageRatios = videoRatios(f[3])
	}
	m.minImages, m.maxImages = cellSpan(f[5])
	m.maxRefs, _ = strconv.Atoi(f[6])
	m.minVideos, m.maxVideos = cellSpan(f[7])
	m.maxAudio, _ = strconv.Atoi(f[8])
	m.keyframes, m.keyframesRefs = f[9] != "no", f[9] == "refs"
	m.prompt, m.maxPrompt = cellPrompt(f[10])
	m.audio, m.explore, m.seed = cellYes(f[11]), cellYes(f[12]), cellYes(f[13])
	m.minShots, m.maxShots = cellSpan(f[14])
	m.orientation = cellYes(f[15])
	m.creditsPerSecond, _ = strconv.Atoi(f[16])
	return m
}

// videoRequest is a validated POST /videos/create.
type videoRequest struct {
	model                videoModel
	prompt               string
	duration             int64
	aspect, resolution   string
	images, videos, refs []string // refs: audio
	startFrame, endFrame string
}

// parseVideoCreate validates a POST /videos/create body the way the
// gateway does, naming the model and what it allows in the 400 message.
func (s *Simulator) parseVideoCreate(v *validator) (*videoRequest, common) {
	m, f, ok := lookupModel(v, videoModels)
	if !ok {
		return nil, common{}
	}
	req := &videoRequest{model: m}
	bad := f.bad
	req.prompt = f.prompt(m.prompt, m.maxPrompt)
	if d := v.intRange("duration", 1, 60); d != nil {
		if !slices.Contains(m.durations, *d) {
			bad("duration %d is not supported", *d)
		}
		req.duration = *d
	} else if len(m.durations) > 0 {
		req.duration = m.durations[0]
		if slices.Contains(m.durations, 5) {
			req.duration = 5
		}
	}
	req.images = f.numbered("imageAssetId%d", 11)
	for i, name := range []string{"videoAssetId", "videoAssetId2", "videoAssetId3"} {
		if a := v.str(name, 0); a != nil {
			req.videos = append(req.videos, *a)
		} else if i == 0 {
			break
		}
	}
	req.refs = f.numbered("audioAssetId%d", 3)
	if a := v.str("startFrameAssetId", 0); a != nil {
		req.startFrame = *a
	}
	if a := v.str("endFrameAssetId", 0); a != nil {
		req.endFrame = *a
	}
	ratios := m.ratios
	if len(req.images) > 0 {
		ratios = m.imageRatios
	}
	req.aspect = f.choice("aspect_ratio", ratios)
	req.resolution = f.choice("resolution", m.resolutions)
	if v.boolean("audio") != nil && !m.audio {
		bad("audio is not supported")
	}
	if o := v.str("characterOrientation", 0); o != nil && (!m.orientation || (*o != "image" && *o != "video")) {
		bad("characterOrientation %s is not supported", *o)
	}
	shots := 0
	for i := 1; i <= 6; i++ {
		p, d := v.str(fmt.Sprintf("multishot_prompt_%d", i), 0), v.intRange(fmt.Sprintf("multishot_duration_%d", i), 3, 12)
		if p != nil || d != nil {
			shots++
		}
	}
	n, nv := len(req.images), len(req.videos)
	switch {
	case n < m.minImages || n > m.maxImages:
		bad("imageAssetId count %d is not supported (%d to %d)", n, m.minImages, m.maxImages)
	case nv < m.minVideos || nv > m.maxVideos:
		bad("videoAssetId count %d is not supported (%d to %d)", nv, m.minVideos, m.maxVideos)
	case m.maxRefs > 0 && n+nv > m.maxRefs:
		bad("at most %d image and video references", m.maxRefs)
	case len(req.refs) > m.maxAudio:
		bad("at most %d audioAssetId", m.maxAudio)
	case len(req.refs) > 0 && n+nv == 0:
		bad("audioAssetId needs an image or video reference")
	case (req.startFrame != "" || req.endFrame != "") && !m.keyframes:
		bad("startFrameAssetId and endFrameAssetId are not supported")
	case req.endFrame != "" && req.startFrame == "":
		bad("endFrameAssetId requires startFrameAssetId")
	case req.startFrame != "" && n > 0 && !m.keyframesRefs, req.endFrame != "" && n > 0:
		bad("keyframes cannot be combined with imageAssetId references")
	case req.startFrame != "" && len(req.refs) > 0:
		bad("keyframes cannot be combined with audioAssetId")
	case shots > 0 && (shots < m.minShots || shots > m.maxShots):
		bad("%d shots are not supported", shots)
	}
	c := v.common(s)
	if c.seed != nil && !m.seed {
		bad("seed is not supported")
	}
	if c.explore && !m.explore {
		bad("exploreMode is not supported")
	}
	return req, c
}

// videoSize is the output size of a video for an aspect ratio.
func videoSize(aspect, resolution string) (int, int) {
	short := 720
	switch resolution {
	case "480p":
		short = 480
	case "1080p":
		short = 1080
	}
	w, h, ok := strings.Cut(aspect, ":")
	if !ok {
		w, h = "16", "9"
	}
	a, _ := strconv.Atoi(w)
	b, _ := strconv.Atoi(h)
	if a <= 0 || b <= 0 {
		a, b = 16, 9
	}
	if a >= b {
		return short * a / b / 2 * 2, short
	}
	return short, short * b / a / 2 * 2
}

// videoInputsLocked finds every input asset of a video create (404 for one
// the account does not have) and returns the one the output derives from:
// the first video, else the first image, else nil (text to video).
func (s *Simulator) videoInputsLocked(r *videoRequest) (*asset, int, any) {
	var first *asset
	check := func(field, id, mediaType string) (int, any) {
		a, ok := s.assets[id]
		if !ok || (mediaType != "" && a.mediaType != mediaType) {
			return http.StatusNotFound, errorBody{Error: fmt.Sprintf("Unable to retrieve %s %s (Not found.)", field, id), Code: http.StatusNotFound}
		}
		return 0, nil
	}
	for i, id := range r.videos {
		if status, answer := check("videoAssetId", id, "video"); status != 0 {
			return nil, status, answer
		}
		if i == 0 {
			first = s.assets[id]
		}
	}
	for i, id := range append(append([]string{}, r.images...), nonEmpty(r.startFrame, r.endFrame)...) {
		if status, answer := check(fmt.Sprintf("imageAssetId%d", i+1), id, "image"); status != 0 {
			return nil, status, answer
		}
		if first == nil {
			first = s.assets[id]
		}
	}
	for i, id := range r.refs {
		if status, answer := check(fmt.Sprintf("audioAssetId%d", i+1), id, ""); status != 0 {
			return nil, status, answer
		}
	}
	return first, 0, nil
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
