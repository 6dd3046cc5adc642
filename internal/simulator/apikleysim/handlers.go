package apikleysim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Validation limits of the documented gateway.
const (
	// MaxPromptLength is the documented prompt limit of a generate, in
	// characters; MaxExtendPromptLength that of an extend.
	MaxPromptLength       = 1800
	MaxExtendPromptLength = 2048
	// FailImageHost is an imageUrl host the simulator "cannot fetch": a
	// generate with it answers code 451, as the gateway does for images it
	// cannot download.
	FailImageHost = "fail.invalid"
	// maxBodyBytes bounds request bodies; real ones are a few hundred bytes.
	maxBodyBytes = 1 << 20
)

// aspectRatios are the documented aspectRatio values.
var aspectRatios = []string{"16:9", "4:3", "1:1", "3:4", "9:16"}

// msgImageFetch is the documented wording of code 451.
const msgImageFetch = "Unauthorized - Failed to fetch the image (imageUrl). Kindly verify any access limits set by you or your service provider."

// errValidation is a 422 answer whose message names the offending field.
type errValidation string

func (e errValidation) Error() string { return string(e) }

// generateBody is POST /api/v1/runway/generate. Pointers tell "absent" from
// "empty"; duration stays raw so that 5, 5.0 and "5" all read and anything
// else is reported as a duration error.
type generateBody struct {
	Prompt      *string         `json:"prompt"`
	Duration    json.RawMessage `json:"duration"`
	Quality     *string         `json:"quality"`
	AspectRatio *string         `json:"aspectRatio"`
	ImageURL    *string         `json:"imageUrl"`
	WaterMark   *string         `json:"waterMark"`
	CallBackURL *string         `json:"callBackUrl"`
}

// extendBody is POST /api/v1/runway/extend.
type extendBody struct {
	TaskID      *string `json:"taskId"`
	Prompt      *string `json:"prompt"`
	Quality     *string `json:"quality"`
	WaterMark   *string `json:"waterMark"`
	CallBackURL *string `json:"callBackUrl"`
}

// decodeBody reads a JSON object body; a wrong field type is reported with
// the field's name.
func decodeBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return errValidation("request body could not be read")
	}
	if len(b) > maxBodyBytes {
		return errValidation("request body is too large")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return errValidation("request body is required (a JSON object)")
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return errValidation(fmt.Sprintf("%s has an invalid type: %s", te.Field, te.Value))
		}
		return errValidation("request body must be a JSON object")
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func validatePrompt(p *string, maxLen int) (string, error) {
	s := str(p)
	if strings.TrimSpace(s) == "" {
		return "", errValidation("prompt is required")
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		return "", errValidation(fmt.Sprintf("prompt is too long: %d characters, at most %d", n, maxLen))
	}
	return s, nil
}

func validateQuality(p *string) (string, error) {
	switch q := str(p); q {
	case "":
		return "", errValidation("quality is required")
	case "720p", "1080p":
		return q, nil
	default:
		return "", errValidation(fmt.Sprintf("quality must be 720p or 1080p, not %q", q))
	}
}

// validateURL checks an optional URL field: absolute http(s) with a host.
func validateURL(field string, p *string) (string, error) {
	s := str(p)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errValidation(fmt.Sprintf("%s must be an absolute http(s) URL", field))
	}
	return s, nil
}

// validateGenerate applies the documented rules in the order of the fields.
func validateGenerate(b *generateBody) (*task, error) {
	t := &task{}
	var err error
	if t.prompt, err = validatePrompt(b.Prompt, MaxPromptLength); err != nil {
		return nil, err
	}
	raw := strings.Trim(string(b.Duration), `" `)
	if raw == "" || raw == "null" {
		return nil, errValidation("duration is required")
	}
	d, perr := strconv.ParseFloat(raw, 64)
	if perr != nil || (d != 5 && d != 10) {
		return nil, errValidation("duration must be 5 or 10")
	}
	t.duration = int(d)
	if t.quality, err = validateQuality(b.Quality); err != nil {
		return nil, err
	}
	if t.quality == "1080p" && t.duration != 5 {
		return nil, errValidation("quality 1080p is only available with duration 5")
	}
	if t.imageURL, err = validateURL("imageUrl", b.ImageURL); err != nil {
		return nil, err
	}
	// aspectRatio is required for text-to-video and ignored with an image
	// (the image decides), as documented.
	if t.imageURL == "" {
		ar := str(b.AspectRatio)
		if ar == "" {
			return nil, errValidation("aspectRatio is required when imageUrl is not given")
		}
		ok := false
		for _, a := range aspectRatios {
			ok = ok || a == ar
		}
		if !ok {
			return nil, errValidation(fmt.Sprintf("aspectRatio must be one of %s, not %q", strings.Join(aspectRatios, ", "), ar))
		}
		t.aspectRatio = ar
	}
	t.waterMark = str(b.WaterMark)
	if t.callBackURL, err = validateURL("callBackUrl", b.CallBackURL); err != nil {
		return nil, err
	}
	return t, nil
}

// validateExtend applies the documented rules of an extension, which is
// priced and timed as a 5 s task of its quality. Extensions report
// expandPrompt true (as in the gateway's success example), generations
// false: the gateway does not document what decides it.
func validateExtend(b *extendBody) (*task, error) {
	t := &task{expandPrompt: true, duration: 5, waterMark: str(b.WaterMark)}
	var err error
	if t.parentID = strings.TrimSpace(str(b.TaskID)); t.parentID == "" {
		return nil, errValidation("taskId is required")
	}
	if t.prompt, err = validatePrompt(b.Prompt, MaxExtendPromptLength); err != nil {
		return nil, err
	}
	if t.quality, err = validateQuality(b.Quality); err != nil {
		return nil, err
	}
	// callBackUrl is optional, as the client and the provider take it (see
	// ExtendRequest.Validate in internal/apikley).
	if t.callBackURL, err = validateURL("callBackUrl", b.CallBackURL); err != nil {
		return nil, err
	}
	t.cost = Cost(t.quality, t.duration)
	return t, nil
}

func (g *Gateway) handleGenerate(w http.ResponseWriter, r *http.Request) {
	var b generateBody
	if err := decodeBody(r, &b); err != nil {
		g.writeEnvelope(w, http.StatusOK, 422, err.Error(), nil)
		return
	}
	t, err := validateGenerate(&b)
	if err != nil {
		g.writeEnvelope(w, http.StatusOK, 422, err.Error(), nil)
		return
	}
	if t.imageURL != "" {
		if u, _ := url.Parse(t.imageURL); strings.EqualFold(u.Hostname(), FailImageHost) {
			g.writeEnvelope(w, http.StatusOK, 451, msgImageFetch, nil)
			return
		}
	}
	t.cost = Cost(t.quality, t.duration)
	g.createTask(w, r, t)
}

func (g *Gateway) handleExtend(w http.ResponseWriter, r *http.Request) {
	var b extendBody
	if err := decodeBody(r, &b); err != nil {
		g.writeEnvelope(w, http.StatusOK, 422, err.Error(), nil)
		return
	}
	t, err := validateExtend(&b)
	if err != nil {
		g.writeEnvelope(w, http.StatusOK, 422, err.Error(), nil)
		return
	}

	now := g.opts.Now()
	g.mu.Lock()
	src := g.tasks[t.parentID]
	var code int
	var msg string
	switch {
	case src == nil || src.forgotten:
		code, msg = 404, fmt.Sprintf("taskId %s not found", t.parentID)
	case g.stateLocked(src, now) != StateSuccess:
		code, msg = 422, fmt.Sprintf("taskId %s is in state %s: only a successful video can be extended", t.parentID, g.stateLocked(src, now))
	case g.isExpiredLocked(src, now):
		code, msg = 422, fmt.Sprintf("taskId %s: the video has expired and can no longer be extended", t.parentID)
	default:
		// The extension keeps the source's aspect ratio.
		t.aspectRatio = src.aspectRatio
	}
	g.mu.Unlock()
	if code != 0 {
		g.writeEnvelope(w, http.StatusOK, code, msg, nil)
		return
	}
	g.createTask(w, r, t)
}

// createTask charges the credits and starts t's clock.
func (g *Gateway) createTask(w http.ResponseWriter, r *http.Request, t *task) {
	now := g.opts.Now()
	g.mu.Lock()
	if g.credits < t.cost {
		bal := g.credits
		g.mu.Unlock()
		g.writeEnvelope(w, http.StatusOK, 402, fmt.Sprintf("Insufficient credits: this task costs %d, the balance is %d", t.cost, bal), nil)
		return
	}
	g.credits -= t.cost
	t.id = newUUID()
	t.createdAt = now
	t.doneAt = now.Add(g.opts.QueueDelay + g.opts.TaskDuration)
	t.moderated = strings.Contains(strings.ToLower(t.prompt), ModerationTrigger)
	t.scheme, t.host = requestScheme(r), r.Host
	g.tasks[t.id] = t
	g.stats.Creates++
	g.stats.CreatesByPath[r.URL.Path]++
	g.armTimerLocked(t, now)
	g.mu.Unlock()
	g.writeEnvelope(w, http.StatusOK, 200, "success", map[string]string{"taskId": t.id})
}

func (g *Gateway) handleRecordDetail(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSpace(r.URL.Query().Get("taskId"))
	if id == "" {
		g.writeEnvelope(w, http.StatusOK, 422, "taskId is required", nil)
		return
	}
	now := g.opts.Now()
	g.mu.Lock()
	g.stats.Polls[id]++
	g.stats.TotalPolls++
	t := g.tasks[id]
	if t == nil || t.forgotten {
		g.mu.Unlock()
		g.writeEnvelope(w, http.StatusOK, 404, fmt.Sprintf("taskId %s not found", id), nil)
		return
	}
	d := g.detailLocked(t, now, requestScheme(r), r.Host)
	g.mu.Unlock()
	g.writeEnvelope(w, http.StatusOK, 200, "success", d)
}

func (g *Gateway) handleCredit(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	bal := g.credits
	g.mu.Unlock()
	g.writeEnvelope(w, http.StatusOK, 200, "success", bal)
}

// serveFile serves <videoId>.mp4 and <videoId>.png of a successful task
// until its video expires; afterwards, like the gateway's storage, 404.
func (g *Gateway) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var content []byte
	var ctype string
	id, ok := strings.CutSuffix(name, ".mp4")
	if ok {
		content, ctype = mp4Bytes, "video/mp4"
	} else if id, ok = strings.CutSuffix(name, ".png"); ok {
		content, ctype = coverPNG(), "image/png"
	} else {
		http.NotFound(w, r)
		return
	}
	now := g.opts.Now()
	g.mu.Lock()
	t := g.videos[id]
	live := t != nil && !t.forgotten && !g.isExpiredLocked(t, now)
	var modTime time.Time
	if live {
		modTime = t.completedAt
	}
	g.mu.Unlock()
	if !live {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype)
	http.ServeContent(w, r, name, modTime, bytes.NewReader(content))
}

// mp4Bytes is a tiny ISO-BMFF file (an ftyp box and an empty free box):
// enough for a "video/mp4" download to look like one.
var mp4Bytes = []byte{
	0, 0, 0, 0x1c, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
	'i', 's', 'o', 'm', 'i', 's', 'o', '2', 'm', 'p', '4', '1',
	0, 0, 0, 8, 'f', 'r', 'e', 'e',
}

// coverPNG is a valid 2x2 PNG, encoded once.
var coverPNG = sync.OnceValue(func() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	for i := range 4 {
		img.Set(i%2, i/2, color.NRGBA{R: 0x20, G: 0x60, B: uint8(0x80 + 0x20*i), A: 0xff})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory image cannot fail
	}
	return buf.Bytes()
})
