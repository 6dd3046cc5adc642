package apikley

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeTaskDetail: any body yields a detail or a typed error, never a
// panic; an accepted detail survives an encode/decode cycle unchanged.
func FuzzDecodeTaskDetail(f *testing.F) {
	for _, name := range []string{"apikley_record_detail_success.json", "apikley_record_detail_fail.json", "apikley_extend_422.json", "apikley_extend_200.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"code":200,"msg":"success","data":{"state":"wait","failCode":""}}`))
	f.Add([]byte(`{"code":"429","msg":null}`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := DecodeTaskDetail(body)
		if err != nil {
			var de *DecodeError
			var ae *APIError
			if !errors.As(err, &de) && !errors.As(err, &ae) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if d != nil {
				t.Fatal("detail with an error")
			}
			if de != nil && (len(de.Snippet) > snippetLen || !utf8.ValidString(de.Snippet)) {
				t.Fatalf("snippet of %d bytes", len(de.Snippet))
			}
			return
		}
		if d.State == "" {
			t.Fatal("accepted a detail without state")
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		var again TaskDetail
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("decoding the re-encoding: %v", err)
		}
		out2, _ := json.Marshal(&again)
		if !reflect.DeepEqual(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		d.IsTerminal()
		d.GeneratedAt()
		d.ExpiresAt()
		d.FailCode.Int64()
	})
}

// FuzzDecodeCallback: any body yields a callback or a *DecodeError.
func FuzzDecodeCallback(f *testing.F) {
	f.Add(fixture(f, "apikley_extend_callback.json"))
	f.Add([]byte(`{"code":400,"msg":"Your prompt was caught by our AI moderator.","data":{"task_id":"t","video_id":"","video_url":"","image_url":""}}`))
	f.Add([]byte(`{"code":500,"msg":"x","data":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, err := DecodeCallback(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || cb != nil {
				t.Fatalf("error %T %v with callback %v", err, err, cb)
			}
			return
		}
		out, err := json.Marshal(cb)
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeCallback(out)
		if err != nil || *again != *cb {
			t.Fatalf("not stable: %+v vs %+v (%v)", cb, again, err)
		}
	})
}
