package apikley

import (
	"errors"
	"strings"
	"testing"
)

func TestGenerateValidate(t *testing.T) {
	long := strings.Repeat("é", MaxPromptLength)
	cases := []struct {
		name  string
		mod   func(*GenerateRequest)
		field string // "" = valid
	}{
		{"valid", func(*GenerateRequest) {}, ""},
		{"valid 10s", func(r *GenerateRequest) { r.Duration = 10 }, ""},
		{"valid 1080p 5s", func(r *GenerateRequest) { r.Quality = Quality1080p }, ""},
		{"valid image without ratio", func(r *GenerateRequest) { r.AspectRatio = ""; r.ImageURL = "https://x.test/a.png" }, ""},
		{"valid prompt at limit", func(r *GenerateRequest) { r.Prompt = long }, ""},
		{"prompt empty", func(r *GenerateRequest) { r.Prompt = " " }, "prompt"},
		{"prompt too long", func(r *GenerateRequest) { r.Prompt = long + "x" }, "prompt"},
		{"duration 0", func(r *GenerateRequest) { r.Duration = 0 }, "duration"},
		{"duration 8", func(r *GenerateRequest) { r.Duration = 8 }, "duration"},
		{"quality empty", func(r *GenerateRequest) { r.Quality = "" }, "quality"},
		{"quality 4k", func(r *GenerateRequest) { r.Quality = "4k" }, "quality"},
		{"1080p 10s", func(r *GenerateRequest) { r.Quality = Quality1080p; r.Duration = 10 }, "quality"},
		{"ratio missing", func(r *GenerateRequest) { r.AspectRatio = "" }, "aspectRatio"},
		{"ratio 21:9", func(r *GenerateRequest) { r.AspectRatio = "21:9" }, "aspectRatio"},
		{"image relative", func(r *GenerateRequest) { r.ImageURL = "/a.png" }, "imageUrl"},
		{"callback not http", func(r *GenerateRequest) { r.CallBackURL = "ftp://x.test/" }, "callBackUrl"},
		{"callback too long", func(r *GenerateRequest) { r.CallBackURL = "https://x.test/" + strings.Repeat("a", 1024) }, "callBackUrl"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := validGenerate()
			tc.mod(r)
			err := r.Validate()
			checkField(t, err, tc.field)
		})
	}
	var nilReq *GenerateRequest
	checkField(t, nilReq.Validate(), "request")
}

func TestExtendValidate(t *testing.T) {
	cases := []struct {
		name  string
		req   ExtendRequest
		field string
	}{
		{"valid without callBackUrl", ExtendRequest{TaskID: "t", Prompt: "p", Quality: Quality720p}, ""},
		{"prompt at the extend limit", ExtendRequest{TaskID: "t", Prompt: strings.Repeat("é", MaxExtendPromptLength), Quality: Quality720p}, ""},
		{"prompt over the extend limit", ExtendRequest{TaskID: "t", Prompt: strings.Repeat("é", MaxExtendPromptLength+1), Quality: Quality720p}, "prompt"},
		{"task missing", ExtendRequest{Prompt: "p", Quality: Quality720p}, "taskId"},
		{"prompt missing", ExtendRequest{TaskID: "t", Quality: Quality720p}, "prompt"},
		{"quality missing", ExtendRequest{TaskID: "t", Prompt: "p"}, "quality"},
		{"callback bad", ExtendRequest{TaskID: "t", Prompt: "p", Quality: Quality1080p, CallBackURL: "nope"}, "callBackUrl"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkField(t, tc.req.Validate(), tc.field) })
	}
	var nilReq *ExtendRequest
	checkField(t, nilReq.Validate(), "request")
}

func checkField(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	var ie *InvalidRequestError
	if !errors.As(err, &ie) || ie.Field != field || !IsValidation(err) || !strings.Contains(err.Error(), field) {
		t.Fatalf("err %v, want an InvalidRequestError on %s", err, field)
	}
}

func TestAPIErrorText(t *testing.T) {
	e := &APIError{HTTPStatus: 200, Code: 422, Msg: "quality is required", Method: "POST", Path: PathExtend, FromEnvelope: true}
	if got := e.Error(); got != "apikley: POST /api/v1/runway/extend: code 422: quality is required" {
		t.Errorf("%q", got)
	}
	e = &APIError{HTTPStatus: 401, Code: 401, Method: "GET", Path: PathCredit}
	if got := e.Error(); got != "apikley: GET /api/v1/chat/credit: code 401 (HTTP 401)" {
		t.Errorf("%q", got)
	}
	for code, part := range map[int]string{401: "api_key", 402: "credits", 404: "task id", 429: "rate-limited", 451: "image", 455: "maintenance", 500: "server error"} {
		if h := (&APIError{Code: code}).Hint(); !strings.Contains(h, part) {
			t.Errorf("hint %d = %q", code, h)
		}
	}
	de := &DecodeError{Method: "GET", Path: "/p", HTTPStatus: 200, Size: 3, Snippet: "<ht", Err: errNoCode}
	if !strings.Contains(de.Error(), `body starts "<ht"`) || !errors.Is(de, errNoCode) {
		t.Errorf("%q", de.Error())
	}
	if s := snippet([]byte(strings.Repeat("é", 200))); len(s) > snippetLen || !strings.HasPrefix(s, "éé") || !strings.HasSuffix(s, "é") {
		t.Errorf("snippet %q", s)
	}
}
