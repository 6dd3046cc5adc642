package apikley

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// typedEnvelope is the fully typed form of an answer, for round trips.
type typedEnvelope[T any] struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
	Data T      `json:"data"`
}

// roundTrip decodes raw into T and encodes it back.
func roundTrip[T any](t *testing.T, raw []byte) []byte {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every fixture decodes into this package's types and encodes back to the
// same document: no field is lost or reshaped.
func TestFixturesRoundTrip(t *testing.T) {
	type created struct {
		TaskID string `json:"taskId"`
	}
	cases := []struct {
		fixture string
		rt      func(*testing.T, []byte) []byte
	}{
		{"apikley_record_detail_success.json", roundTrip[typedEnvelope[*TaskDetail]]},
		{"apikley_record_detail_fail.json", roundTrip[typedEnvelope[*TaskDetail]]},
		{"apikley_extend_200.json", roundTrip[typedEnvelope[created]]},
		{"apikley_extend_422.json", roundTrip[typedEnvelope[*created]]},
		{"apikley_extend_callback.json", roundTrip[Callback]},
		{"apikley_extend_callback.json", func(t *testing.T, raw []byte) []byte {
			cb, err := DecodeCallback(raw)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(cb)
			return out
		}},
		{"apikley_record_detail_success.json", func(t *testing.T, raw []byte) []byte {
			d, err := DecodeTaskDetail(raw)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(typedEnvelope[*TaskDetail]{Code: 200, Msg: "success", Data: d})
			return out
		}},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			raw := fixture(t, tc.fixture)
			if got := tc.rt(t, raw); !sameJSON(t, got, raw) {
				t.Errorf("round trip changed the document:\n got %s\nwant %s", got, raw)
			}
		})
	}
}

func TestDecodeTaskDetailFixtures(t *testing.T) {
	ok, err := DecodeTaskDetail(fixture(t, "apikley_record_detail_success.json"))
	if err != nil {
		t.Fatal(err)
	}
	// failCode is 400 on a success: the state decides.
	if fc, _ := ok.FailCode.Int64(); fc != 400 || !ok.IsTerminal() || ok.State != StateSuccess || ok.VideoInfo == nil {
		t.Fatalf("success: %+v", ok)
	}
	if ok.VideoInfo.VideoURL != "https://file.com/k/xxxxxxx.mp4" || ok.VideoInfo.ImageURL != "https://file.com/m/xxxxxxxx.png" ||
		ok.VideoInfo.VideoID != "485da89c-7fca-4340-8c04-101025b2ae71" || ok.ParentTaskID != "ee603959-debb-48d1-98c4-a6d1c717eba6" ||
		!ok.GenerateParam.ExpandPrompt || ok.Expired() {
		t.Errorf("success fields: %+v %+v", ok, ok.VideoInfo)
	}
	gen, has := ok.GeneratedAt()
	if want := time.Date(2023, 8, 15, 14, 30, 45, 0, time.UTC); !has || !gen.Equal(want) {
		t.Errorf("GeneratedAt = %v %v", gen, has)
	}
	if exp, has := ok.ExpiresAt(); !has || !exp.Equal(gen.Add(14*24*time.Hour)) {
		t.Errorf("ExpiresAt = %v %v", exp, has)
	}

	bad, err := DecodeTaskDetail(fixture(t, "apikley_record_detail_fail.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bad.State != StateFail || !bad.IsTerminal() || bad.VideoInfo != nil ||
		bad.FailMsg != "Your prompt was caught by our AI moderator. Please adjust it and try again!" {
		t.Errorf("fail: %+v", bad)
	}
	if _, has := bad.GeneratedAt(); has {
		t.Error("GeneratedAt of a task without generateTime")
	}
	if _, has := bad.ExpiresAt(); has {
		t.Error("ExpiresAt of a task without generateTime")
	}
}

func TestDecodeCallback(t *testing.T) {
	cb, err := DecodeCallback(fixture(t, "apikley_extend_callback.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !cb.Succeeded() || cb.Msg != "All generated successfully." || cb.Data.TaskID != "ee603959-debb-48d1-98c4-a6d1c717eba6" ||
		cb.Data.VideoID != "485da89c-7fca-4340-8c04-101025b2ae71" || cb.Data.VideoURL != "https://file.com/k/xxxxxxx.mp4" ||
		cb.Data.ImageURL != "https://file.com/m/xxxxxxxx.png" {
		t.Errorf("callback %+v", cb)
	}
	failed, err := DecodeCallback([]byte(`{"code":400,"msg":"Your prompt was caught","data":null}`))
	if err != nil || failed.Succeeded() || failed.Msg != "Your prompt was caught" || failed.Data != (CallbackData{}) {
		t.Errorf("failed callback %+v %v", failed, err)
	}
	for _, body := range []string{``, `[]`, `{"msg":"no code"}`, `{"code":"x"}`, `{"code":200,"data":[1]}`, `{"code":200`} {
		_, err := DecodeCallback([]byte(body))
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("DecodeCallback(%q) = %v, want *DecodeError", body, err)
		}
	}
}

func TestDecodeTaskDetailErrors(t *testing.T) {
	cases := []struct {
		name string
		body string
		api  int // expected APIError code, 0 for a DecodeError
	}{
		{"not JSON", `<html>502 Bad Gateway</html>`, 0},
		{"truncated", `{"code":200,"msg":"success","data":{"taskId":"a","sta`, 0},
		{"no code", `{"msg":"success","data":{}}`, 0},
		{"null data", `{"code":200,"msg":"success","data":null}`, 0},
		{"no state", `{"code":200,"msg":"success","data":{"taskId":"a"}}`, 0},
		{"wrong type", `{"code":200,"msg":"success","data":{"taskId":1,"state":"wait"}}`, 0},
		{"data array", `{"code":200,"msg":"success","data":[]}`, 0},
		{"code 404", `{"code":404,"msg":"task not found","data":null}`, 404},
		{"code as string", `{"code":"455","msg":"maintenance"}`, 455},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeTaskDetail([]byte(tc.body))
			if tc.api != 0 {
				ae, ok := asAPIError(err)
				if !ok || ae.Code != tc.api || !ae.FromEnvelope {
					t.Fatalf("err %v, want APIError %d", err, tc.api)
				}
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Snippet == "" && tc.body != "" {
				t.Fatalf("err %#v, want *DecodeError with a snippet", err)
			}
		})
	}
}

// Older answers carry failCode "" and extra keys; they still decode.
func TestLenientOlderShape(t *testing.T) {
	body := `{"code":200,"msg":"success","data":{"id":12,"parentId":3,"taskId":"t","state":"generating","failCode":"","failMsg":"","expireFlag":0,"videoInfo":null,"generateTime":""}}`
	d, err := DecodeTaskDetail([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.FailCode.Int64(); ok || string(d.FailCode.Raw()) != `""` || d.IsTerminal() {
		t.Errorf("detail %+v", d)
	}
}

func TestFlexInt(t *testing.T) {
	cases := []struct {
		raw  string
		want int64
		ok   bool
	}{
		{`400`, 400, true}, {`"400"`, 400, true}, {`" 7 "`, 7, true}, {`""`, 0, false},
		{`null`, 0, false}, {`4.5`, 0, false}, {`"x"`, 0, false}, {`{}`, 0, false},
	}
	for _, tc := range cases {
		var f FlexInt
		if err := json.Unmarshal([]byte(tc.raw), &f); err != nil {
			t.Fatal(err)
		}
		if v, ok := f.Int64(); v != tc.want || ok != tc.ok {
			t.Errorf("%s: %d %v", tc.raw, v, ok)
		}
		if out, _ := json.Marshal(f); string(out) != tc.raw {
			t.Errorf("%s re-encoded as %s", tc.raw, out)
		}
	}
	if out, _ := json.Marshal(FlexInt{}); string(out) != "null" {
		t.Errorf("zero FlexInt = %s", out)
	}
	if v, ok := NewFlexInt(400).Int64(); !ok || v != 400 {
		t.Errorf("NewFlexInt = %d %v", v, ok)
	}
}

func TestStates(t *testing.T) {
	for _, s := range []string{StateWait, StateQueueing, StateGenerating} {
		if IsTerminal(s) || !IsKnownState(s) {
			t.Errorf("%s", s)
		}
	}
	for _, s := range []string{StateSuccess, StateFail} {
		if !IsTerminal(s) || !IsKnownState(s) {
			t.Errorf("%s", s)
		}
	}
	if IsTerminal("SUCCESS") || IsKnownState("cancelled") || IsTerminal("") {
		t.Error("unknown states must not be terminal")
	}
}
