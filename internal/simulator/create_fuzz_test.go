package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The create endpoints parse whatever a client sends, as JSON or as a form.
// For any body the simulator answers like the gateway: 200 with a task, or
// one of the documented refusals with an {"error": ...} message, never a
// panic or a 5xx; and it charges a create exactly when it answers 200.
func FuzzCreateRequests(f *testing.F) {
	paths := []string{PathGen2Extend, PathGen3Video, PathGen3TurboExpand}
	video := "user:1234-runwayml:demo@runway.local-asset:" + DemoVideoGen2UUID
	for i, body := range []string{
		`{"assetId":"` + video + `","motion":5,"seed":42}`,
		`{"assetId":"` + video + `","text_prompt":"a watercolor painting","seconds":5}`,
		`{"videoAssetId":"` + video + `","outpaint_aspect_ratio":"portrait","seconds":10}`,
		`{"assetId":"` + video + `","horizontal":-10,"zoom":10,"motion":1}`,
		`{"assetId":"` + video + `","seed":4294967295,"replyUrl":"not a url"}`,
		`{"assetId":"` + video + `","text_prompt":"forbidden"}`,
		`{"assetId":null,"motion":"5"}`,
		`assetId=` + video + `&motion=5&exploreMode=true`,
		`[1,2]`, `{"maxJobs":1e400}`, ``,
	} {
		f.Add(uint8(i), i%4 == 3, []byte(body))
	}
	clock := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	now := func() time.Time { return clock }
	f.Fuzz(func(t *testing.T, which uint8, form bool, body []byte) {
		sim := New(Options{Token: testToken, SeedDemoAssets: true, Now: now})
		path := paths[int(which)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, APIPrefix+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		if form {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		before := sim.Stats().Creates
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		created := sim.Stats().Creates - before

		var answer map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("POST %s answered %d with a body that is not a JSON object: %q", path, rec.Code, rec.Body.String())
		}
		switch rec.Code {
		case http.StatusOK:
			if id, _ := answer["taskId"].(string); id == "" || created != 1 {
				t.Fatalf("POST %s: 200 with taskId %q and %d creates charged", path, answer["taskId"], created)
			}
		case http.StatusBadRequest, http.StatusNotFound, http.StatusPreconditionFailed,
			http.StatusUnprocessableEntity, http.StatusTooManyRequests:
			if msg, _ := answer["error"].(string); msg == "" || created != 0 {
				t.Fatalf("POST %s: %d with error %q and %d creates charged", path, rec.Code, answer["error"], created)
			}
		default:
			t.Fatalf("POST %s answered %d: %s", path, rec.Code, rec.Body.String())
		}
	})
}
