package apikley

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

func TestRequestsOnTheWire(t *testing.T) {
	srv := newScripted(t, reply{body: string(fixture(t, "apikley_extend_200.json"))})
	h := newHarness(t, srv.URL+"/", func(c *Config) { c.UserAgent = "tf-test/1" })
	wm := ""
	id, err := h.c.Extend(context.Background(), &ExtendRequest{TaskID: "ee603959", Prompt: "more", Quality: Quality1080p, WaterMark: &wm})
	if err != nil || id != "ee603959-debb-48d1-98c4-a6d1c717eba6" {
		t.Fatalf("Extend = %q, %v", id, err)
	}
	req, body := srv.request(0)
	if req.Method != http.MethodPost || req.URL.Path != PathExtend || req.Header.Get("Authorization") != "Bearer "+testKey ||
		req.Header.Get("Content-Type") != "application/json" || req.Header.Get("User-Agent") != "tf-test/1" {
		t.Errorf("request %s %s %v", req.Method, req.URL, req.Header)
	}
	if want := `{"taskId":"ee603959","prompt":"more","quality":"1080p","waterMark":""}`; string(body) != want {
		t.Errorf("body %s, want %s", body, want)
	}

	srv2 := newScripted(t, reply{body: string(fixture(t, "apikley_record_detail_success.json"))})
	h2 := newHarness(t, srv2.URL, nil)
	if _, err := h2.c.GetTask(context.Background(), "a b&c"); err != nil {
		t.Fatal(err)
	}
	req, _ = srv2.request(0)
	if req.Method != http.MethodGet || req.URL.Path != PathRecordDetail || req.URL.Query().Get("taskId") != "a b&c" {
		t.Errorf("GET %s", req.URL)
	}
	if strings.Contains(h.log.Text()+h2.log.Text(), testKey) {
		t.Error("the API key was logged")
	}
}

// Every envelope code maps to the right typed error, helper and hint,
// whether the gateway puts it inside HTTP 200 or in the HTTP status.
func TestErrorMapping(t *testing.T) {
	cases := []struct {
		name     string
		rep      reply
		is       func(error) bool
		code     int
		hintPart string
	}{
		{"401 in HTTP 200", reply{200, env(401, "Unauthorized", nil)}, IsUnauthorized, 401, "APIKLEY_API_KEY"},
		{"401 as HTTP 401", reply{401, env(401, "Unauthorized", nil)}, IsUnauthorized, 401, "api_key"},
		{"HTTP 401 without envelope", reply{401, "Unauthorized"}, IsUnauthorized, 401, "api_key"},
		{"402", reply{200, env(402, "Insufficient credits", nil)}, IsInsufficientCredits, 402, "credits"},
		{"404", reply{200, env(404, "task not found", nil)}, IsNotFound, 404, "task id"},
		{"422 fixture", reply{200, string(fixture(t, "apikley_extend_422.json"))}, IsValidation, 422, "quality is required"},
		{"451", reply{200, env(451, "Failed to fetch the image", nil)}, func(err error) bool { ae, _ := asAPIError(err); return ae.Code == 451 }, 451, "image_url"},
		{"505 unknown to hints", reply{200, env(505, "feature disabled", nil)}, func(err error) bool { ae, _ := asAPIError(err); return ae.Code == 505 }, 505, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScripted(t, tc.rep)
			h := newHarness(t, srv.URL, nil)
			check := func(what string, err error) {
				t.Helper()
				ae, ok := asAPIError(err)
				if !ok || ae.Code != tc.code || !tc.is(err) {
					t.Fatalf("%s: err %v, want APIError code %d", what, err, tc.code)
				}
				if !strings.Contains(ae.Hint(), tc.hintPart) {
					t.Errorf("%s: hint %q lacks %q", what, ae.Hint(), tc.hintPart)
				}
				if IsOutcomeUnknown(err) {
					t.Errorf("%s: a refusal is not an unknown outcome", what)
				}
			}
			_, err := h.c.GetTask(context.Background(), "t")
			check("GetTask", err)
			_, err = h.c.Credits(context.Background())
			check("Credits", err)
			n := srv.count()
			_, err = h.c.Generate(context.Background(), validGenerate())
			check("Generate", err)
			if srv.count() != n+1 {
				t.Errorf("Generate sent %d requests", srv.count()-n)
			}
		})
	}
}

// An HTML 404 from a proxy is an error, but not the gateway saying the
// task is gone: the provider must not drop state on it.
func TestHTTP404WithoutEnvelopeIsNotNotFound(t *testing.T) {
	srv := newScripted(t, reply{404, "<html>404 page not found</html>"})
	h := newHarness(t, srv.URL, nil)
	_, err := h.c.GetTask(context.Background(), "t")
	ae, ok := asAPIError(err)
	if !ok || ae.Code != 404 || ae.FromEnvelope || IsNotFound(err) || !strings.Contains(ae.Msg, "404 page not found") {
		t.Fatalf("err %v", err)
	}
}

// Envelope codes 429/455/500 inside HTTP 200 are retried for reads with
// capped exponential backoff; the transport never saw them.
func TestReadRetriesEnvelopeCodes(t *testing.T) {
	for _, code := range []int{429, 455, 500} {
		srv := newScripted(t,
			reply{200, env(code, "busy", nil)},
			reply{200, env(code, "busy", nil)},
			reply{200, env(200, "success", 77)})
		h := newHarness(t, srv.URL, nil)
		n, err := h.c.Credits(context.Background())
		if err != nil || n != 77 || srv.count() != 3 {
			t.Fatalf("code %d: %d %v after %d requests", code, n, err, srv.count())
		}
		// Backoff(0)=1s, Backoff(1)=2s*0.75 with jitter 0.5.
		if w := h.sleep.Waits(); len(w) != 2 || w[0] != time.Second || w[1] != 1500*time.Millisecond {
			t.Errorf("code %d: waits %v", code, w)
		}
		if !strings.Contains(h.log.Text(), "retrying read") {
			t.Errorf("no retry log:\n%s", h.log.Text())
		}
	}
}

func TestReadRetriesAreBounded(t *testing.T) {
	srv := newScripted(t, reply{200, env(500, "boom", nil)})
	h := newHarness(t, srv.URL, func(c *Config) { c.Retry.MaxRetries = 2 })
	_, err := h.c.GetTask(context.Background(), "t")
	ae, ok := asAPIError(err)
	if !ok || ae.Code != 500 || srv.count() != 3 {
		t.Fatalf("err %v after %d requests", err, srv.count())
	}
	if !strings.Contains(ae.Hint(), "server error") {
		t.Errorf("hint %q", ae.Hint())
	}
}

// A retry whose wait would end after the deadline is not attempted.
func TestReadRetryRespectsDeadline(t *testing.T) {
	srv := newScripted(t, reply{200, env(455, "maintenance", nil)})
	h := newHarness(t, srv.URL, func(c *Config) { c.Retry.MinBackoff = time.Minute; c.Retry.MaxBackoff = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := h.c.GetTask(ctx, "t")
	ae, ok := asAPIError(err)
	if !ok || !IsMaintenance(err) || srv.count() != 1 || len(h.sleep.Waits()) != 0 {
		t.Fatalf("err %v requests %d waits %v", err, srv.count(), h.sleep.Waits())
	}
	if !strings.Contains(ae.Hint(), "maintenance") {
		t.Errorf("hint %q", ae.Hint())
	}
}

// HTTP 5xx on a read is the transport's to retry; the envelope layer does
// not multiply the attempts.
func TestHTTP5xxReadRetriedOnceLayered(t *testing.T) {
	srv := newScripted(t, reply{503, env(500, "down", nil)})
	h := newHarness(t, srv.URL, func(c *Config) { c.Retry.MaxRetries = 2 })
	_, err := h.c.GetTask(context.Background(), "t")
	if ae, ok := asAPIError(err); !ok || ae.HTTPStatus != 503 || srv.count() != 3 {
		t.Fatalf("err %v after %d requests, want 3 (transport retries only)", err, srv.count())
	}
}

// Codes 429 and 455 on a create created nothing: resubmit after a 10-30 s
// jittered busy wait.
func TestCreateResubmitsWhenBusy(t *testing.T) {
	for _, code := range []int{429, 455} {
		srv := newScripted(t,
			reply{200, env(code, "busy", nil)},
			reply{200, env(code, "busy", nil)},
			reply{200, string(fixture(t, "apikley_extend_200.json"))})
		h := newHarness(t, srv.URL, func(c *Config) { c.Rand = nil })
		id, err := h.c.Generate(context.Background(), validGenerate())
		if err != nil || id == "" || srv.count() != 3 {
			t.Fatalf("code %d: %q %v after %d requests", code, id, err, srv.count())
		}
		for _, w := range h.busy.Waits() {
			if w < 10*time.Second || w > 30*time.Second {
				t.Errorf("busy wait %v outside 10-30s", w)
			}
		}
		if len(h.busy.Waits()) != 2 || len(h.sleep.Waits()) != 0 {
			t.Errorf("busy %v sleep %v", h.busy.Waits(), h.sleep.Waits())
		}
	}
}

// A busy create keeps waiting until the context ends, then reports both
// the gateway's refusal and the context's end.
func TestCreateBusyUntilContextEnds(t *testing.T) {
	srv := newScripted(t, reply{200, env(429, "Rate Limited", nil)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := newHarness(t, srv.URL, nil)
	h.busy.OnSleep(func(n int) {
		if n == 3 {
			cancel()
		}
	})
	_, err := h.c.Generate(ctx, validGenerate())
	if !IsRateLimited(err) || !errors.Is(err, context.Canceled) || IsOutcomeUnknown(err) || srv.count() != 3 {
		t.Fatalf("err %v after %d requests", err, srv.count())
	}

	// With a deadline too close for the next wait, it stops at once.
	srv2 := newScripted(t, reply{200, env(455, "maintenance", nil)})
	h2 := newHarness(t, srv2.URL, nil)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	_, err = h2.c.Extend(ctx2, &ExtendRequest{TaskID: "t", Prompt: "p", Quality: Quality720p})
	if !IsMaintenance(err) || srv2.count() != 1 || len(h2.busy.Waits()) != 0 {
		t.Fatalf("err %v after %d requests, waits %v", err, srv2.count(), h2.busy.Waits())
	}
}

// HTTP 429 on a create is resubmitted by the transport (through the same
// BusyWait hook), not a second time by this package.
func TestCreateHTTP429HandledByTransport(t *testing.T) {
	srv := newScripted(t, reply{429, env(429, "busy", nil)}, reply{200, string(fixture(t, "apikley_extend_200.json"))})
	h := newHarness(t, srv.URL, nil)
	id, err := h.c.Generate(context.Background(), validGenerate())
	if err != nil || id == "" || srv.count() != 2 || len(h.busy.Waits()) != 1 {
		t.Fatalf("%q %v requests %d busy %v", id, err, srv.count(), h.busy.Waits())
	}
}

// After a 500, an HTTP 5xx, an unreadable success, a success without a
// task id or a connection lost after sending, a create is never
// resubmitted: the outcome is unknown. Every case is a
// *transport.OutcomeUnknownError, and the answer's own error (*APIError,
// *DecodeError) stays reachable as its cause.
func TestCreateOutcomeUnknown(t *testing.T) {
	cases := []struct {
		name string
		rep  reply
		drop bool // close the connection after reading the request
		// status is the OutcomeUnknownError's StatusCode.
		status int
		// apiCode, apiHTTP: the *APIError cause's Code and HTTPStatus
		// (apiHTTP 0: no *APIError cause).
		apiCode, apiHTTP int
		// decode: the cause is a *DecodeError wrapping decodeErr (if set).
		decode    bool
		decodeErr error
		// tooBig: the cause is a *transport.BodyTooLargeError.
		tooBig bool
	}{
		{name: "code 500 in HTTP 200", rep: reply{200, env(500, "Server Error", nil)}, status: 200, apiCode: 500, apiHTTP: 200},
		{name: "code 408", rep: reply{200, env(408, "Upstream has produced no result for over 10 minutes", nil)}, status: 200, apiCode: 408, apiHTTP: 200},
		{name: "HTTP 500 envelope", rep: reply{500, env(500, "Server Error", nil)}, status: 500, apiCode: 500, apiHTTP: 500},
		{name: "HTTP 502 HTML", rep: reply{502, "<html>Bad Gateway</html>"}, status: 502, apiCode: 502, apiHTTP: 502},
		{name: "HTTP 408 from a proxy", rep: reply{408, "<html>408 Request Time-out</html>"}, status: 408, apiCode: 408, apiHTTP: 408},
		{name: "HTTP 504 from a proxy", rep: reply{504, "<html>Gateway Time-out</html>"}, status: 504, apiCode: 504, apiHTTP: 504},
		{name: "HTTP 524 from a CDN", rep: reply{524, "<html>A timeout occurred</html>"}, status: 524, apiCode: 524, apiHTTP: 524},
		{name: "HTTP 504 with code 200", rep: reply{504, env(200, "success", nil)}, status: 504, apiCode: 504, apiHTTP: 504},
		{name: "undocumented code", rep: reply{200, env(10001, "upstream busy", nil)}, status: 200, apiCode: 10001, apiHTTP: 200},
		{name: "code 0 with a task id", rep: reply{200, env(0, "ok", map[string]any{"taskId": "t-1"})}, status: 200, apiCode: 0, apiHTTP: 200},
		{name: "HTTP 200 not JSON", rep: reply{200, "<html>ok?</html>"}, status: 200, decode: true},
		{name: "HTTP 200 truncated", rep: reply{200, `{"code":200,"msg":"success","data":{"taskId":"ab`}, status: 200, decode: true},
		{name: "code 200 without taskId", rep: reply{200, env(200, "success", map[string]any{})}, status: 200, decode: true, decodeErr: errNoID},
		{name: "code 200 with null data", rep: reply{200, env(200, "success", nil)}, status: 200, decode: true, decodeErr: errNoID},
		{name: "huge success body", rep: reply{200, `{"code":200,"msg":"` + strings.Repeat("x", 2<<20) + `"}`}, status: 200, tooBig: true},
		{name: "connection dropped after sending", drop: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var count func() int
			endpoint := ""
			if tc.drop {
				var n atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					n.Add(1)
					_, _ = io.Copy(io.Discard, r.Body)
					if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
						_ = conn.Close()
					}
				}))
				t.Cleanup(srv.Close)
				endpoint, count = srv.URL, func() int { return int(n.Load()) }
			} else {
				srv := newScripted(t, tc.rep)
				endpoint, count = srv.URL, srv.count
			}
			h := newHarness(t, endpoint, nil)
			_, err := h.c.Generate(context.Background(), validGenerate())
			var oe *transport.OutcomeUnknownError
			if !errors.As(err, &oe) || !IsOutcomeUnknown(err) || oe.URL != PathGenerate || oe.Method != http.MethodPost {
				t.Fatalf("err %v, want *transport.OutcomeUnknownError", err)
			}
			if oe.StatusCode != tc.status {
				t.Errorf("StatusCode %d, want %d", oe.StatusCode, tc.status)
			}
			if count() != 1 || len(h.busy.Waits())+len(h.sleep.Waits()) != 0 {
				t.Errorf("create sent %d times, waits %v %v", count(), h.busy.Waits(), h.sleep.Waits())
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "apikley: ") || !strings.Contains(msg, "may have taken effect") || strings.Contains(msg, testKey) {
				t.Errorf("message %q", msg)
			}

			ae, isAPI := asAPIError(err)
			if isAPI != (tc.apiHTTP != 0) || (isAPI && (ae.Code != tc.apiCode || ae.HTTPStatus != tc.apiHTTP || ae.Path != PathGenerate)) {
				t.Errorf("APIError cause %+v (found %v), want code %d HTTP %d", ae, isAPI, tc.apiCode, tc.apiHTTP)
			}
			if isAPI && !strings.Contains(msg, ae.Error()) {
				t.Errorf("message %q does not quote the gateway's %q", msg, ae.Error())
			}
			var de *DecodeError
			if errors.As(err, &de) != tc.decode || (tc.decode && (de.HTTPStatus != 200 || de.Path != PathGenerate)) {
				t.Errorf("DecodeError cause %+v, want one: %v", de, tc.decode)
			}
			if tc.decodeErr != nil && !errors.Is(err, tc.decodeErr) {
				t.Errorf("err %v does not wrap %v", err, tc.decodeErr)
			}
			var big *transport.BodyTooLargeError
			if errors.As(err, &big) != tc.tooBig {
				t.Errorf("BodyTooLargeError cause: %v, want %v", big, tc.tooBig)
			}
		})
	}
}

// Extend is a create too: its unknown outcome names the extend path.
func TestExtendOutcomeUnknown(t *testing.T) {
	srv := newScripted(t, reply{200, env(500, "Server Error", nil)})
	h := newHarness(t, srv.URL, nil)
	_, err := h.c.Extend(context.Background(), &ExtendRequest{TaskID: "t", Prompt: "p", Quality: Quality720p})
	var oe *transport.OutcomeUnknownError
	ae, isAPI := asAPIError(err)
	if !errors.As(err, &oe) || oe.URL != PathExtend || !isAPI || ae.Code != 500 || srv.count() != 1 {
		t.Fatalf("err %v after %d requests", err, srv.count())
	}
}

// An answer that proves the create was refused (a 4xx other than 408, 501
// or 505, in the envelope or as the HTTP status of an answer without one)
// is a refusal, not an unknown outcome: transport.CreateOutcomeUnknown.
func TestCreateRefusals(t *testing.T) {
	cases := []struct {
		name string
		rep  reply
		code int // the *APIError's Code
	}{
		{"HTTP 403 without envelope", reply{403, "<html>Forbidden</html>"}, 403},
		{"code 401", reply{200, env(401, "Unauthorized", nil)}, 401},
		{"code 402", reply{200, env(402, "Insufficient credits", nil)}, 402},
		{"code 422", reply{200, env(422, "Validation Error", nil)}, 422},
		{"code 501", reply{200, env(501, "Generation Failed", nil)}, 501},
		{"code 505", reply{200, env(505, "Feature Disabled", nil)}, 505},
		{"HTTP 501 without envelope", reply{501, "Not Implemented"}, 501},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScripted(t, tc.rep)
			h := newHarness(t, srv.URL, nil)
			_, err := h.c.Generate(context.Background(), validGenerate())
			if ae, ok := asAPIError(err); !ok || ae.Code != tc.code || IsOutcomeUnknown(err) || srv.count() != 1 {
				t.Fatalf("err %v after %d requests", err, srv.count())
			}
		})
	}
}

func TestUnreadableReads(t *testing.T) {
	cases := []struct {
		name string
		rep  reply
	}{
		{"HTML in HTTP 200", reply{200, "<!doctype html><title>maintenance</title>"}},
		{"truncated", reply{200, `{"code":200,"msg":"success","data":{"taskId":"x","state":"gen`}},
		{"empty", reply{200, ""}},
		{"huge", reply{200, strings.Repeat(" ", 2<<20)}},
		{"no state", reply{200, env(200, "success", map[string]any{"taskId": "x"})}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScripted(t, tc.rep)
			h := newHarness(t, srv.URL, nil)
			_, err := h.c.GetTask(context.Background(), "x")
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err %#v, want *DecodeError", err)
			}
			if len(de.Snippet) > snippetLen || !strings.Contains(err.Error(), PathRecordDetail) || strings.Contains(err.Error(), "-1") {
				t.Errorf("error %q", err)
			}
		})
	}
	srv := newScripted(t, reply{200, env(200, "success", "lots")})
	h := newHarness(t, srv.URL, nil)
	if _, err := h.c.Credits(context.Background()); !errors.As(err, new(*DecodeError)) {
		t.Errorf("credits string: %v", err)
	}
	srv2 := newScripted(t, reply{200, env(200, "success", 12.75)})
	h2 := newHarness(t, srv2.URL, nil)
	if n, err := h2.c.Credits(context.Background()); err != nil || n != 12 {
		t.Errorf("fractional credits: %d %v", n, err)
	}
}

func TestEnvelopeLeniency(t *testing.T) {
	cases := []struct {
		body string
		code int
		msg  string
	}{
		{`{"code":"422","msg":"prompt is required"}`, 422, "prompt is required"},
		{`{"code":401,"msg":null,"data":null}`, 401, ""},
		{`{"code":500,"msg":{"detail":"x"}}`, 500, `{"detail":"x"}`},
		// Some documented error schemas name the text "message".
		{`{"code":402,"message":"Insufficient credits"}`, 402, "Insufficient credits"},
		{`{"code":402,"msg":"","message":"Insufficient credits","data":null}`, 402, "Insufficient credits"},
		{`{"code":402,"msg":"from msg","message":"from message"}`, 402, "from msg"},
	}
	for _, tc := range cases {
		_, err := interpret(200, "GET", "/p", []byte(tc.body))
		ae, ok := asAPIError(err)
		if !ok || ae.Code != tc.code || ae.Msg != tc.msg {
			t.Errorf("%s: %v", tc.body, err)
		}
	}
	// code 200 in an HTTP error: the HTTP status wins.
	_, err := interpret(503, "GET", "/p", []byte(env(200, "success", 1)))
	if ae, ok := asAPIError(err); !ok || ae.Code != 503 || ae.FromEnvelope {
		t.Errorf("code 200 in HTTP 503: %v", err)
	}
}

func TestNewClientConfig(t *testing.T) {
	if _, err := NewClient(Config{}); err == nil || !strings.Contains(err.Error(), "APIKLEY_API_KEY") {
		t.Errorf("empty key: %v", err)
	}
	for _, ep := range []string{"http://api.apikley.ru", "ftp://x", "https://user:pw@api.apikley.ru"} {
		if _, err := NewClient(Config{APIKey: "k", Endpoint: ep}); err == nil {
			t.Errorf("endpoint %q accepted", ep)
		}
	}
	c, err := NewClient(Config{APIKey: "k"})
	if err != nil || c.base != DefaultEndpoint {
		t.Errorf("default endpoint: %v %v", c, err)
	}
	c, err = NewClient(Config{APIKey: "k", Endpoint: "http://127.0.0.1:8080/base/"})
	if err != nil || c.base != "http://127.0.0.1:8080/base" {
		t.Errorf("loopback endpoint: %+v %v", c, err)
	}
	if r := c.retry; r != transport.DefaultRetryPolicy() {
		t.Errorf("retry %+v", r)
	}
}

func TestLocalValidationSendsNothing(t *testing.T) {
	srv := newScripted(t, reply{200, string(fixture(t, "apikley_extend_200.json"))})
	h := newHarness(t, srv.URL, nil)
	if _, err := h.c.Generate(context.Background(), &GenerateRequest{Prompt: "x", Duration: 10, Quality: Quality1080p, AspectRatio: "1:1"}); !IsValidation(err) {
		t.Errorf("generate: %v", err)
	}
	if _, err := h.c.Extend(context.Background(), &ExtendRequest{TaskID: "t", Prompt: "x"}); !IsValidation(err) {
		t.Errorf("extend: %v", err)
	}
	if _, err := h.c.GetTask(context.Background(), " "); !IsValidation(err) {
		t.Errorf("get: %v", err)
	}
	if srv.count() != 0 {
		t.Errorf("%d requests sent", srv.count())
	}
}
