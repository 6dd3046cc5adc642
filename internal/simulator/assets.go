package simulator

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	// Registered for image.DecodeConfig: uploads of these types get their
	// width and height read from the file when the query does not give them.
	_ "image/gif"
	_ "image/png"
)

// Fixed ids of the demo assets seeded by Options.SeedDemoAssets. They never
// change so that docs, examples and the demo can name them.
const (
	DemoVideoLandscapeUUID = "00000000-0000-4000-8000-000000000001" // 1280x768, 5 s
	DemoVideoGen2UUID      = "00000000-0000-4000-8000-000000000002" // 1280x768, 4 s
	DemoImageUUID          = "00000000-0000-4000-8000-000000000003" // 1280x768 JPEG
)

// asset is a stored file: an upload, a demo asset or a task's artifact.
type asset struct {
	uuid, assetID string
	email         string // the owning account
	name          string
	mediaType     string // video, image, audio
	contentType   string
	ext           string
	data          []byte
	created       time.Time
	seq           int
	generated     bool   // produced by a task (not a user upload)
	taskID        string // generating task (full id), "" for uploads
	width, height int    // 0 = unknown
	duration      float64
	hasDuration   bool
	frameRate     int  // 0 = unknown
	legacyMeta    bool // artifact metadata in the {dimensions,size} shape
}

func (s *Simulator) addAssetLocked(a *asset) {
	if a.email == "" {
		a.email = s.email
	}
	a.assetID = s.assetIDFor(a.email, a.uuid)
	s.assetSeq++
	a.seq = s.assetSeq
	s.assets[a.assetID] = a
	s.assetsByID[a.uuid] = a
}

func (s *Simulator) removeAssetLocked(a *asset) {
	delete(s.assets, a.assetID)
	delete(s.assetsByID, a.uuid)
}

var (
	demoJPEGOnce sync.Once
	demoJPEG     []byte
)

// demoJPEGBytes is a real 1280x768 JPEG (a gradient), encoded once per process.
func demoJPEGBytes() []byte {
	demoJPEGOnce.Do(func() {
		img := image.NewRGBA(image.Rect(0, 0, 1280, 768))
		for y := 0; y < 768; y++ {
			for x := 0; x < 1280; x++ {
				img.Set(x, y, color.RGBA{R: uint8(x / 5), G: uint8(y / 3), B: 128, A: 255})
			}
		}
		var buf bytes.Buffer
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 40})
		demoJPEG = buf.Bytes()
	})
	return demoJPEG
}

func (s *Simulator) seedDemoAssets() {
	now := s.now()
	demos := []*asset{
		{uuid: DemoVideoLandscapeUUID, name: "demo-landscape-5s.mp4", mediaType: "video", contentType: "video/mp4", ext: "mp4",
			width: 1280, height: 768, duration: 5, hasDuration: true, frameRate: 24, created: now.Add(-3 * time.Hour)},
		{uuid: DemoVideoGen2UUID, name: "demo-gen2-4s.mp4", mediaType: "video", contentType: "video/mp4", ext: "mp4",
			width: 1280, height: 768, duration: 4, hasDuration: true, frameRate: 24, created: now.Add(-2 * time.Hour)},
		{uuid: DemoImageUUID, name: "demo-first-frame.jpg", mediaType: "image", contentType: "image/jpeg", ext: "jpg",
			width: 1280, height: 768, created: now.Add(-1 * time.Hour), data: demoJPEGBytes()},
	}
	for _, a := range demos {
		if a.mediaType == "video" {
			a.data = MinimalMP4(a.width, a.height, time.Duration(a.duration*float64(time.Second)))
		}
		s.addAssetLocked(a)
		s.demoIDs = append(s.demoIDs, a.assetID)
	}
}

// acceptedUploadTypes are the Content-Types POST /assets/ accepts, as the
// gateway documents them for that endpoint, lower-cased, with the file
// extension the simulator serves them under.
var acceptedUploadTypes = []struct{ typ, ext string }{
	{"image/png", "png"}, {"image/jpeg", "jpg"}, {"image/gif", "gif"}, {"image/webp", "webp"}, {"image/mpo", "mpo"},
	{"video/mp4", "mp4"}, {"video/quicktime", "mov"}, {"video/3gpp", "3gp"}, {"video/x-matroska", "mkv"},
	{"video/x-flv", "flv"}, {"video/mpeg", "mpeg"}, {"video/mp2t", "ts"}, {"video/x-msvideo", "avi"},
	{"video/x-motion-jpeg", "mjpeg"}, {"video/webm", "webm"}, {"video/ogg", "ogv"},
	{"audio/wav", "wav"}, {"audio/wave", "wav"}, {"audio/mpeg", "mp3"}, {"audio/flac", "flac"},
	{"audio/ogg", "ogg"}, {"audio/webm", "weba"},
}

// acceptedTypesText lists the accepted types in the gateway's own spelling.
const acceptedTypesText = "image/png, image/jpeg, image/gif, image/webp, image/mpo, video/mp4, video/quicktime, " +
	"video/3gpp, video/x-matroska, video/x-flv, video/mpeg, video/MP2T, video/x-msvideo, video/x-motion-jpeg, " +
	"video/webm, video/ogg, audio/wav, audio/wave, audio/mpeg, audio/flac, audio/ogg, audio/webm"

// assetListJSON is an element of GET /assets/ and the answer of GET /assets/{id}.
type assetListJSON struct {
	AssetID             string   `json:"assetId"`
	ID                  string   `json:"id"`
	CreatedAt           string   `json:"createdAt"`
	UpdatedAt           string   `json:"updatedAt"`
	Name                string   `json:"name"`
	URL                 string   `json:"url"`
	PreviewURLs         []string `json:"previewUrls"`
	MediaType           string   `json:"mediaType"`
	MediaSubtype        *string  `json:"mediaSubtype"`
	FileCount           int      `json:"fileCount"`
	FileSize            int      `json:"fileSize"`
	FileExtStandardized string   `json:"fileExtStandardized"`
	IsUserUpload        bool     `json:"isUserUpload"`
	Metadata            any      `json:"metadata"`
	Username            string   `json:"username"`
	UserPicture         *string  `json:"userPicture"`
	UserID              int      `json:"userId"`
	CreatedBy           int      `json:"createdBy"`
	Private             bool     `json:"private"`
	PrivateInTeam       bool     `json:"privateInTeam"`
	ParentAssetGroupID  *string  `json:"parentAssetGroupId"`
	TaskID              *string  `json:"taskId"`
	Favorite            bool     `json:"favorite"`
}

// uploadJSON is the answer of POST /assets/, shaped differently from the
// list: the keys and value shapes of the gateway's documented example
// (the upload page's 200 answer): user and createdBy are the same user
// object, type names the media type twice ({"name":"image","type":"image"}),
// permissions are read/write/admin, sourceApplication is "web".
type uploadJSON struct {
	AssetID           string          `json:"assetId"`
	ID                string          `json:"id"`
	User              userJSON        `json:"user"`
	CreatedAt         string          `json:"createdAt"`
	UpdatedAt         string          `json:"updatedAt"`
	Name              string          `json:"name"`
	Description       string          `json:"description"`
	Type              assetTypeJSON   `json:"type"`
	Size              int             `json:"size"`
	URL               string          `json:"url"`
	PreviewURLs       []string        `json:"previewUrls"`
	FileCount         int             `json:"fileCount"`
	Private           bool            `json:"private"`
	Permissions       permissionsJSON `json:"permissions"`
	Annotated         bool            `json:"annotated"`
	IsUserUpload      bool            `json:"isUserUpload"`
	SourceApplication string          `json:"sourceApplication"`
	CreatedBy         userJSON        `json:"createdBy"`
	Favorite          bool            `json:"favorite"`
}

type userJSON struct {
	ID          int     `json:"id"`
	Username    string  `json:"username"`
	FirstName   string  `json:"firstName"`
	LastName    string  `json:"lastName"`
	Picture     *string `json:"picture"`
	TeamName    string  `json:"teamName"`
	TeamPicture *string `json:"teamPicture"`
}

type assetTypeJSON struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	IsDirectory bool   `json:"isDirectory"`
}

type permissionsJSON struct {
	Read  bool `json:"read"`
	Write bool `json:"write"`
	Admin bool `json:"admin"`
}

// assetMetadata renders what is known of a file. Generated and demo videos
// carry the full newer shape; uploads report only what the query or the file
// itself told (null when nothing), as the gateway does for uploaded images.
func assetMetadata(a *asset) any {
	if a.mediaType == "video" && a.frameRate > 0 {
		return videoMetadata{FrameRate: a.frameRate, Duration: a.duration, Width: a.width, Height: a.height}
	}
	m := map[string]any{}
	if a.hasDuration {
		m["duration"] = a.duration
	}
	if a.width > 0 {
		m["width"] = a.width
	}
	if a.height > 0 {
		m["height"] = a.height
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func (s *Simulator) renderAssetLocked(a *asset, now time.Time, base string) assetListJSON {
	j := assetListJSON{
		AssetID:             a.assetID,
		ID:                  a.uuid,
		CreatedAt:           timestamp(a.created),
		UpdatedAt:           timestamp(a.created),
		Name:                a.name,
		URL:                 s.signedURL(base, a.uuid, a.ext, now),
		PreviewURLs:         previewURLs(base, a),
		MediaType:           a.mediaType,
		MediaSubtype:        nil, // null in every documented example
		FileCount:           1,
		FileSize:            len(a.data),
		FileExtStandardized: a.ext,
		IsUserUpload:        !a.generated,
		Metadata:            assetMetadata(a),
		Username:            username(a.email),
		UserID:              s.userID,
		CreatedBy:           s.userID,
		Private:             true,
		PrivateInTeam:       true,
	}
	if a.generated {
		g, t := s.groupID, a.taskID
		j.ParentAssetGroupID, j.TaskID = &g, &t
	}
	return j
}

// sortedAssetsLocked returns the assets newest first.
func (s *Simulator) sortedAssetsLocked() []*asset {
	list := make([]*asset, 0, len(s.assets))
	for _, a := range s.assets {
		list = append(list, a)
	}
	slices.SortFunc(list, func(a, b *asset) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return b.seq - a.seq
	})
	return list
}

// handleAssetList answers GET /assets/?offset=&limit=[&mediaType=][&email=]:
// the account's assets (email is required when several accounts are
// configured).
func (s *Simulator) handleAssetList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, msg := queryInt(q, "offset", 0, 1000)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	limit, msg := queryInt(q, "limit", 1, 50)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	mediaType := q.Get("mediaType")
	switch mediaType {
	case "", "video", "image", "audio":
	default:
		writeError(w, http.StatusBadRequest, "mediaType must be one of video, image, audio")
		return
	}
	email, status, msg := s.accountParam(q)
	if msg != "" {
		writeError(w, status, msg)
		return
	}
	s.mu.Lock()
	now := s.now()
	s.advanceLocked(now)
	base := baseURL(r)
	out := []assetListJSON{}
	skipped := 0
	for _, a := range s.sortedAssetsLocked() {
		if a.email != email || (mediaType != "" && a.mediaType != mediaType) {
			continue
		}
		if skipped < offset {
			skipped++
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, s.renderAssetLocked(a, now, base))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// handleAssetGet answers GET /assets/{assetId}.
func (s *Simulator) handleAssetGet(w http.ResponseWriter, r *http.Request, id string) {
	s.answerFound(w, func(now time.Time) (any, bool) {
		a, ok := s.assets[id]
		if !ok {
			return nil, false
		}
		return s.renderAssetLocked(a, now, baseURL(r)), true
	})
}

// handleAssetDelete answers DELETE /assets/{assetId}.
func (s *Simulator) handleAssetDelete(w http.ResponseWriter, id string) {
	s.answerFound(w, func(time.Time) (any, bool) {
		a, ok := s.assets[id]
		if ok {
			s.removeAssetLocked(a)
			s.stats.Deletes++
		}
		return successAnswer, ok
	})
}

// handleAssetUpload answers POST /assets/?name=[&email=][&duration=][&width=][&height=]
// whose body is the raw file; the asset belongs to the account email names
// (required when several accounts are configured).
func (s *Simulator) handleAssetUpload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	email, status, msg := s.accountParam(q)
	if msg != "" {
		writeError(w, status, msg)
		return
	}
	name := strings.TrimSpace(q.Get("name"))
	if name == "" {
		writeError(w, http.StatusBadRequest, "name is required")
		return
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	ext := ""
	if err == nil {
		for _, t := range acceptedUploadTypes {
			if t.typ == ct {
				ext = t.ext
				break
			}
		}
	}
	if ext == "" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Content-Type %q is not supported, accepted types: %s",
			r.Header.Get("Content-Type"), acceptedTypesText))
		return
	}
	mediaType, _, _ := strings.Cut(ct, "/")

	a := &asset{email: email, name: name, mediaType: mediaType, contentType: ct, ext: ext}
	if v := q.Get("duration"); v != "" {
		d, err := strconv.ParseFloat(v, 64)
		if err != nil || d < 0 || math.IsInf(d, 0) || math.IsNaN(d) {
			writeError(w, http.StatusBadRequest, "duration must be a non-negative number of seconds")
			return
		}
		a.duration, a.hasDuration = d, true
	}
	for _, dim := range []struct {
		name string
		dst  *int
	}{{"width", &a.width}, {"height", &a.height}} {
		if v := q.Get(dim.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				writeError(w, http.StatusBadRequest, dim.name+" must be an integer number of pixels from 1 to 65535")
				return
			}
			*dim.dst = n
		}
	}

	s.mu.Lock()
	limit := s.maxUpload
	s.mu.Unlock()
	tooLarge := fmt.Sprintf("file too large: the upload limit is %d bytes", limit)
	if limit >= 1<<20 {
		tooLarge = fmt.Sprintf("file too large: the upload limit is %d MiB (%d bytes)", limit>>20, limit)
	}
	if r.ContentLength > limit {
		writeError(w, http.StatusBadRequest, tooLarge)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "could not read the request body: "+err.Error())
		return
	}
	if int64(len(data)) > limit {
		writeError(w, http.StatusBadRequest, tooLarge)
		return
	}
	if len(data) == 0 {
		writeError(w, http.StatusBadRequest, "request body is empty: send the file's bytes with its Content-Type")
		return
	}
	a.data = data
	fillMetadataFromFile(a)

	s.mu.Lock()
	now := s.now()
	s.advanceLocked(now)
	a.uuid = s.newUUID()
	a.created = now
	s.addAssetLocked(a)
	s.stats.Uploads++
	base := baseURL(r)
	user := userJSON{ID: s.userID, Username: username(email), FirstName: "Demo", LastName: "User", TeamName: username(email)}
	body := uploadJSON{
		AssetID:           a.assetID,
		ID:                a.uuid,
		User:              user,
		CreatedAt:         timestamp(now),
		UpdatedAt:         timestamp(now),
		Name:              a.name,
		Type:              assetTypeJSON{Name: mediaType, Type: mediaType},
		Size:              len(a.data),
		URL:               s.signedURL(base, a.uuid, a.ext, now),
		PreviewURLs:       previewURLs(base, a),
		FileCount:         1,
		Private:           true,
		Permissions:       permissionsJSON{Read: true, Write: true, Admin: true},
		IsUserUpload:      true,
		SourceApplication: "web",
		CreatedBy:         user,
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// fillMetadataFromFile completes what the query did not say from the file
// itself: MP4/QuickTime headers for videos, image headers for images. A file
// that cannot be parsed is still accepted, with unknown metadata.
func fillMetadataFromFile(a *asset) {
	switch {
	case a.contentType == "video/mp4" || a.contentType == "video/quicktime":
		if a.hasDuration && a.width > 0 && a.height > 0 {
			return
		}
		info, err := ParseMP4Info(bytes.NewReader(a.data), int64(len(a.data)))
		if err != nil {
			return
		}
		if !a.hasDuration {
			a.duration, a.hasDuration = info.Duration.Seconds(), true
		}
		if a.width == 0 {
			a.width = info.Width
		}
		if a.height == 0 {
			a.height = info.Height
		}
	case a.mediaType == "image":
		if a.width > 0 && a.height > 0 {
			return
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(a.data))
		if err != nil {
			return
		}
		if a.width == 0 {
			a.width = cfg.Width
		}
		if a.height == 0 {
			a.height = cfg.Height
		}
	}
}

// queryInt reads a required integer query parameter in [lo, hi]; msg is the
// 400 message naming the parameter and its range, "" when valid.
func queryInt(q url.Values, name string, lo, hi int) (int, string) {
	rangeMsg := fmt.Sprintf("%s must be an integer from %d to %d", name, lo, hi)
	if !q.Has(name) || q.Get(name) == "" {
		return 0, fmt.Sprintf("%s is required (an integer from %d to %d)", name, lo, hi)
	}
	n, err := strconv.Atoi(q.Get(name))
	if err != nil || n < lo || n > hi {
		return 0, rangeMsg
	}
	return n, ""
}
