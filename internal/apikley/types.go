package apikley

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Task states reported by record-detail, in life-cycle order. Only
// StateSuccess and StateFail are terminal; any other value, including one
// this package has never seen, means the task is still in progress.
const (
	StateWait       = "wait"       // submitted, not yet queued
	StateQueueing   = "queueing"   // waiting for a generation slot
	StateGenerating = "generating" // being generated
	StateSuccess    = "success"    // finished; videoInfo is set
	StateFail       = "fail"       // finished without a video; failMsg says why
)

// IsTerminal reports whether a task state is final. Decisions key off the
// state, never off failCode: the gateway sends failCode 400 on successful
// tasks too.
func IsTerminal(state string) bool {
	return state == StateSuccess || state == StateFail
}

// IsKnownState reports whether state is one of the documented states, so
// that callers can log an unexpected one (which is treated as unfinished).
func IsKnownState(state string) bool {
	switch state {
	case StateWait, StateQueueing, StateGenerating, StateSuccess, StateFail:
		return true
	}
	return false
}

// Retention is how long the gateway keeps a finished video (documented as
// 14 days; expireFlag turns 1 afterwards).
const Retention = 14 * 24 * time.Hour

// GenerateTimeLayout is the layout of generateTime ("YYYY-MM-DD HH:mm:ss").
const GenerateTimeLayout = "2006-01-02 15:04:05"

// GenerateRequest is the body of POST /api/v1/runway/generate. Call
// Validate (Generate does) to catch what the gateway would reject before a
// paid call is made.
type GenerateRequest struct {
	// Prompt describes the video (or how to animate ImageURL); required,
	// at most MaxPromptLength characters.
	Prompt string `json:"prompt"`
	// Duration in seconds: 5 or 10.
	Duration int `json:"duration"`
	// Quality is "720p" or "1080p"; 1080p only with a 5 s duration.
	Quality string `json:"quality"`
	// AspectRatio is required for text-to-video (one of AspectRatios());
	// the gateway ignores it when ImageURL is set (the image decides).
	AspectRatio string `json:"aspectRatio,omitempty"`
	// ImageURL is an optional reference image (image-to-video).
	ImageURL string `json:"imageUrl,omitempty"`
	// WaterMark is the watermark text; nil leaves the gateway's default,
	// "" explicitly asks for no watermark.
	WaterMark *string `json:"waterMark,omitempty"`
	// CallBackURL receives a POST when the task ends (see Callback).
	CallBackURL string `json:"callBackUrl,omitempty"`
}

// ExtendRequest is the body of POST /api/v1/runway/extend. The extension
// keeps the source video's aspect ratio.
type ExtendRequest struct {
	// TaskID is the successful task whose video is extended.
	TaskID string `json:"taskId"`
	// Prompt guides the continuation; required, at most MaxPromptLength.
	Prompt string `json:"prompt"`
	// Quality is "720p" or "1080p".
	Quality string `json:"quality"`
	// WaterMark is the watermark text; nil leaves the gateway's default,
	// "" explicitly asks for no watermark.
	WaterMark *string `json:"waterMark,omitempty"`
	// CallBackURL receives a POST when the task ends (see Callback).
	CallBackURL string `json:"callBackUrl,omitempty"`
}

// TaskDetail is the data of GET /api/v1/runway/record-detail. Every field
// is encoded without omitempty so that a decoded answer encodes back to the
// same document.
type TaskDetail struct {
	// TaskID is the task's id (a UUID).
	TaskID string `json:"taskId"`
	// ParentTaskID is the extended task for an extension, "" otherwise.
	ParentTaskID string `json:"parentTaskId"`
	// GenerateParam echoes the inputs.
	GenerateParam GenerateParam `json:"generateParam"`
	// State is one of the State* constants (or an unknown, unfinished one).
	State string `json:"state"`
	// GenerateTime is when the video was completed ("" before), in
	// GenerateTimeLayout without a zone; see GeneratedAt.
	GenerateTime string `json:"generateTime"`
	// VideoInfo is set when State is StateSuccess, nil otherwise.
	VideoInfo *VideoInfo `json:"videoInfo"`
	// FailCode is 400 on failures and, confusingly, on successes too; older
	// answers send "". It is informational only: key off State.
	FailCode FlexInt `json:"failCode"`
	// FailMsg is the human-readable reason of a failure ("" otherwise).
	FailMsg string `json:"failMsg"`
	// ExpireFlag is 1 once the video has been deleted (after Retention).
	ExpireFlag int `json:"expireFlag"`
}

// GenerateParam is the echo of a task's inputs inside TaskDetail.
type GenerateParam struct {
	// Prompt is the task's prompt.
	Prompt string `json:"prompt"`
	// ImageURL is the reference image, "" for text-to-video and extensions.
	ImageURL string `json:"imageUrl"`
	// ExpandPrompt reports whether the gateway expanded the prompt.
	ExpandPrompt bool `json:"expandPrompt"`
}

// VideoInfo describes a generated video.
type VideoInfo struct {
	// VideoID is the video's id.
	VideoID string `json:"videoId"`
	// TaskID is the task that produced it.
	TaskID string `json:"taskId"`
	// VideoURL is the MP4, valid until the video expires.
	VideoURL string `json:"videoUrl"`
	// ImageURL is the cover (thumbnail) image.
	ImageURL string `json:"imageUrl"`
}

// IsTerminal reports whether the task has finished (success or fail).
func (t *TaskDetail) IsTerminal() bool { return IsTerminal(t.State) }

// Expired reports whether the gateway says the video is gone.
func (t *TaskDetail) Expired() bool { return t.ExpireFlag == 1 }

// GeneratedAt parses GenerateTime as UTC. The gateway documents no zone,
// so UTC is an assumption; a wrong guess shifts ExpiresAt by hours, which
// callers absorb by refreshing URLs well before the 14 days are over.
func (t *TaskDetail) GeneratedAt() (time.Time, bool) {
	s := strings.TrimSpace(t.GenerateTime)
	if s == "" {
		return time.Time{}, false
	}
	ts, err := time.ParseInLocation(GenerateTimeLayout, s, time.UTC)
	if err != nil {
		return time.Time{}, false
	}
	return ts, true
}

// ExpiresAt is GeneratedAt plus Retention: when the video URL stops
// working.
func (t *TaskDetail) ExpiresAt() (time.Time, bool) {
	g, ok := t.GeneratedAt()
	if !ok {
		return time.Time{}, false
	}
	return g.Add(Retention), true
}

// FlexInt is a JSON integer that some gateway answers send as a number, as
// a numeric string, as "" or as null (failCode: 400 now, "" in older
// answers). It keeps the JSON as received, so a decoded answer encodes
// back unchanged, and interprets it on demand.
type FlexInt struct {
	raw json.RawMessage
}

// NewFlexInt returns a FlexInt holding the JSON number v.
func NewFlexInt(v int64) FlexInt {
	return FlexInt{raw: json.RawMessage(strconv.FormatInt(v, 10))}
}

// UnmarshalJSON keeps any JSON value: the field is informational, so an odd
// value must never fail the whole answer.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	f.raw = append(f.raw[:0:0], b...)
	return nil
}

// MarshalJSON writes the value as received (null when never set).
func (f FlexInt) MarshalJSON() ([]byte, error) {
	if len(f.raw) == 0 {
		return []byte("null"), nil
	}
	return f.raw, nil
}

// Int64 returns the value as an integer and whether it held one (a JSON
// integer, or a string holding one).
func (f FlexInt) Int64() (int64, bool) {
	t := bytes.TrimSpace(f.raw)
	if len(t) == 0 {
		return 0, false
	}
	s := string(t)
	if t[0] == '"' {
		if err := json.Unmarshal(t, &s); err != nil {
			return 0, false
		}
		s = strings.TrimSpace(s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// Raw returns the JSON as received (nil when absent).
func (f FlexInt) Raw() json.RawMessage { return f.raw }

// Callback is the body the gateway POSTs to callBackUrl when a generate or
// extend task ends. Its keys are snake_case, unlike the rest of the API.
type Callback struct {
	// Code is 200 on success, 400 (content, format, quota or concurrency
	// problems) or 500 on failure.
	Code int `json:"code"`
	// Msg is "All generated successfully." or the failure reason.
	Msg string `json:"msg"`
	// Data identifies the task and, on success, its files.
	Data CallbackData `json:"data"`
}

// CallbackData is the data of a Callback; the URLs are empty on failure.
type CallbackData struct {
	// TaskID is the task that ended.
	TaskID string `json:"task_id"`
	// VideoID is the generated video's id.
	VideoID string `json:"video_id"`
	// VideoURL is the MP4, valid for 14 days.
	VideoURL string `json:"video_url"`
	// ImageURL is the cover image.
	ImageURL string `json:"image_url"`
}

// Succeeded reports whether the callback announces a finished video.
func (c *Callback) Succeeded() bool { return c.Code == 200 }

// DecodeCallback parses a callback body. A body that is not a JSON object
// with a code yields *DecodeError; it never panics.
func DecodeCallback(body []byte) (*Callback, error) {
	var aux struct {
		Code *int            `json:"code"`
		Msg  string          `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &aux); err != nil {
		return nil, newDecodeError("POST", "(callback)", 0, body, err)
	}
	if aux.Code == nil {
		return nil, newDecodeError("POST", "(callback)", 0, body, errNoCode)
	}
	cb := &Callback{Code: *aux.Code, Msg: aux.Msg}
	if len(aux.Data) > 0 && string(aux.Data) != "null" {
		if err := json.Unmarshal(aux.Data, &cb.Data); err != nil {
			return nil, newDecodeError("POST", "(callback)", 0, body, err)
		}
	}
	return cb, nil
}

// DecodeTaskDetail parses a complete record-detail answer (the envelope).
// An envelope code other than 200 yields *APIError; a body that is not a
// usable answer (not JSON, no code, no data, no state) yields *DecodeError.
func DecodeTaskDetail(body []byte) (*TaskDetail, error) {
	data, err := interpret(http200, "GET", PathRecordDetail, body)
	if err != nil {
		return nil, err
	}
	return decodeDetailData("GET", PathRecordDetail, body, data)
}

// decodeDetailData decodes the data of a record-detail answer; body is the
// whole answer, for the error snippet.
func decodeDetailData(method, path string, body []byte, data json.RawMessage) (*TaskDetail, error) {
	if isNull(data) {
		return nil, newDecodeError(method, path, http200, body, errNoData)
	}
	var d TaskDetail
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, newDecodeError(method, path, http200, body, err)
	}
	if d.State == "" {
		// Without a state nobody can tell whether to keep waiting.
		return nil, newDecodeError(method, path, http200, body, errNoState)
	}
	return &d, nil
}
