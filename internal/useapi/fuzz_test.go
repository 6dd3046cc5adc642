package useapi

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// exerciseTask calls every accessor; the fuzzers only require that none of
// them panics and that the results are sane.
func exerciseTask(t *testing.T, task *Task) {
	if p, ok := task.Progress(); ok && (p < 0 || p > 1) {
		t.Fatalf("progress %v out of [0,1]", p)
	}
	if d, ok := task.EstimatedStart(); ok && d < 0 {
		t.Fatalf("negative start estimate %v", d)
	}
	_ = task.FailureDetail()
	if msg := task.FailureMessage(); len(msg) > 4*maxErrorText+200 {
		t.Fatalf("failure message of %d bytes", len(msg))
	}
	_, _ = task.CreditsUsed()
	_, _ = task.CreditsPermitted()
	for _, a := range task.Artifacts {
		_ = a.Media()
		_, _ = a.FileSizeBytes()
	}
	pl := &pollPlanner{min: time.Second, max: 30 * time.Second}
	now := time.Unix(0, 0)
	for i := 0; i < 3; i++ {
		if d := pl.next(task, now); d < time.Second || d > 30*time.Second {
			t.Fatalf("planner wait %v", d)
		}
		now = now.Add(2 * time.Second)
	}
	if _, err := json.Marshal(task); err != nil {
		t.Fatalf("a decoded task must encode again: %v", err)
	}
}

func FuzzDecodeTask(f *testing.F) {
	for _, pattern := range []string{"*_200.json", "task_*.json", "*_4*.json"} {
		for _, name := range fixturesMatching(f, pattern) {
			f.Add(readFixture(f, name))
		}
	}
	f.Add([]byte(`{"progressRatio":"NaN","estimatedTimeToStartSeconds":1e308,"error":{"errorMessage":{"a":[1]}},"artifacts":[{"metadata":{"dimensions":["x",null]}}]}`))
	f.Add([]byte(`{"status":"RUNNING","progressRatio":"0.5","error":"x","features":{"numPlanCredits_used":"12"}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var task Task
		if err := json.Unmarshal(data, &task); err == nil {
			exerciseTask(t, &task)
		}
		// The client's decoding path must turn anything into a task or a
		// DecodeError, never a panic.
		resp := &transport.Response{StatusCode: 200, Body: data}
		got, err := decodeTask("GET", "/tasks/x", resp)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || len(de.Snippet) > maxSnippet {
				t.Fatalf("err %T %v", err, err)
			}
			return
		}
		exerciseTask(t, got)
		// And the error path reads any body.
		ae := newAPIError("POST", "/gen3/video", "", 429, http.Header{"Retry-After": {string(data)}}, data)
		_ = ae.Error()
		_ = ae.Hint()
		_ = ae.RunningTaskIDs()
		if len(ae.Message) > maxErrorText {
			t.Fatalf("message %d bytes", len(ae.Message))
		}
	})
}

func FuzzDecodeAsset(f *testing.F) {
	for _, name := range fixturesMatching(f, "asset*.json") {
		f.Add(readFixture(f, name))
	}
	var list []json.RawMessage
	if err := json.Unmarshal(readFixture(f, "assets_list.json"), &list); err != nil {
		f.Fatal(err)
	}
	for _, a := range list {
		f.Add([]byte(a))
	}
	f.Add([]byte(`{"metadata":{"width":"1e400","size":{"width":[]},"dimensions":{}}}`))
	f.Add([]byte(`{"metadata":"not an object","fileSize":"12a"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Asset
		if json.Unmarshal(data, &a) == nil {
			m := a.Media()
			if m.Width != nil && (*m.Width > 1<<53 || *m.Width < -(1<<53)) {
				t.Fatalf("width %d", *m.Width)
			}
			_, _ = a.FileSizeBytes()
			if _, err := json.Marshal(a); err != nil {
				t.Fatal(err)
			}
		}
		var list []Asset
		if json.Unmarshal(data, &list) == nil {
			for _, a := range list {
				_ = a.Media()
			}
		}
		var up UploadedAsset
		if json.Unmarshal(data, &up) == nil {
			_, _ = up.Size.Int64()
		}
		_ = Artifact{Metadata: data}.Media()
	})
}

func FuzzFlexNumber(f *testing.F) {
	for _, s := range []string{`0.45`, `"0.45"`, `"1"`, `null`, `""`, `"NaN"`, `1e400`, `"-0"`, `true`, `{"a":1}`, `"12345678"`, `9.3e18`, `"0x1p-2"`, `"1_000"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var n FlexNumber
		if err := json.Unmarshal(data, &n); err != nil {
			return
		}
		v, ok := n.Float64()
		if ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("unusable value %v reported as usable", v)
		}
		if i, iok := n.Int64(); iok && !ok {
			t.Fatalf("Int64 %d usable while Float64 is not", i)
		}
		_ = n.IsNull()
		_ = n.String()
		out, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back FlexNumber
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		v2, ok2 := back.Float64()
		if ok != ok2 || (ok && v != v2) {
			t.Fatalf("round trip changed the value: %v %v -> %v %v", v, ok, v2, ok2)
		}
		// The constructors always produce valid JSON.
		if ok {
			for _, c := range []FlexNumber{Number(v), NumberString(v)} {
				b, err := json.Marshal(c)
				if err != nil || !json.Valid(b) {
					t.Fatalf("constructor output %s: %v", b, err)
				}
				if w, wok := c.Float64(); !wok || w != v {
					t.Fatalf("constructor changed %v to %v", v, w)
				}
			}
		}
	})
}
