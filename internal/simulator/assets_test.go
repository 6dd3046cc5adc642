package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

var assetListKeys = []string{"assetId", "createdAt", "createdBy", "favorite", "fileCount", "fileExtStandardized", "fileSize", "id",
	"isUserUpload", "mediaSubtype", "mediaType", "metadata", "name", "parentAssetGroupId", "previewUrls", "private", "privateInTeam",
	"taskId", "updatedAt", "url", "userId", "userPicture", "username"}

var uploadKeys = []string{"annotated", "assetId", "createdAt", "createdBy", "description", "favorite", "fileCount", "id", "isUserUpload", "name",
	"permissions", "previewUrls", "private", "size", "sourceApplication", "type", "updatedAt", "url", "user"}

func (e *env) upload(query string, contentType string, body []byte) (int, map[string]any) {
	e.t.Helper()
	resp, data := e.request(http.MethodPost, "/assets/?"+query, body, map[string]string{"Content-Type": contentType})
	m, _ := decodeJSON(e.t, data).(map[string]any)
	return resp.StatusCode, m
}

func (e *env) listAssets(q string) []string {
	e.t.Helper()
	status, v := e.call(http.MethodGet, "/assets/?"+q, nil)
	if status != 200 {
		e.t.Fatalf("list ?%s: %d %v", q, status, v)
	}
	var ids []string
	for _, a := range v.([]any) {
		m := a.(map[string]any)
		if got := strings.Join(keysOf(m), ","); got != strings.Join(assetListKeys, ",") {
			e.t.Errorf("list element keys %s", got)
		}
		ids = append(ids, str(m["assetId"]))
	}
	return ids
}

func TestAssetListPaging(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	var uploads []string
	for i := 0; i < 3; i++ {
		e.advance(time.Second)
		status, v := e.upload(fmt.Sprintf("name=clip-%d.mp4", i), "video/mp4", MinimalMP4(640, 360, 2*time.Second))
		if status != 200 {
			t.Fatalf("upload: %d %v", status, v)
		}
		uploads = append(uploads, str(v["assetId"]))
	}
	all := e.listAssets("offset=0&limit=50")
	want := []string{uploads[2], uploads[1], uploads[0], demoImage, demoVideo4s, demoVideo5s}
	if strings.Join(all, ",") != strings.Join(want, ",") {
		t.Fatalf("newest first:\n got %v\nwant %v", all, want)
	}
	var paged []string
	for off := 0; off < 8; off += 2 {
		paged = append(paged, e.listAssets(fmt.Sprintf("offset=%d&limit=2", off))...)
	}
	if strings.Join(paged, ",") != strings.Join(all, ",") {
		t.Errorf("pages of 2: %v", paged)
	}
	if got := e.listAssets("offset=0&limit=50&mediaType=image"); len(got) != 1 || got[0] != demoImage {
		t.Errorf("images: %v", got)
	}
	if got := e.listAssets("offset=1&limit=3&mediaType=video"); strings.Join(got, ",") != strings.Join([]string{uploads[1], uploads[0], demoVideo4s}, ",") {
		t.Errorf("videos offset 1: %v", got)
	}
	// An empty page is an empty array, not null.
	resp, data := e.request(http.MethodGet, "/assets/?offset=0&limit=5&mediaType=audio", nil, nil)
	if resp.StatusCode != 200 || strings.TrimSpace(string(data)) != "[]" {
		t.Errorf("audio: %d %s", resp.StatusCode, data)
	}
	if got := e.listAssets("offset=1000&limit=50"); len(got) != 0 {
		t.Errorf("offset 1000: %v", got)
	}
	for _, c := range []struct{ q, field string }{
		{"limit=10", "offset"},
		{"offset=0", "limit"},
		{"offset=-1&limit=10", "offset"},
		{"offset=1001&limit=10", "offset"},
		{"offset=0&limit=0", "limit"},
		{"offset=0&limit=51", "limit"},
		{"offset=0&limit=ten", "limit"},
		{"offset=0&limit=10&mediaType=document", "mediaType"},
	} {
		status, v := e.call(http.MethodGet, "/assets/?"+c.q, nil)
		if status != 400 || !strings.Contains(str(dig(t, v, "error")), c.field) || num(t, dig(t, v, "code")) != 400 {
			t.Errorf("?%s: %d %v", c.q, status, v)
		}
	}
}

func TestDemoAssets(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	if got := e.sim.DemoAssetIDs(); strings.Join(got, ",") != strings.Join([]string{demoVideo5s, demoVideo4s, demoImage}, ",") {
		t.Errorf("DemoAssetIDs %v", got)
	}
	for _, c := range []struct {
		id        string
		mediaType string
		w, h      int
		d         time.Duration
	}{
		{demoVideo5s, "video", 1280, 768, 5 * time.Second},
		{demoVideo4s, "video", 1280, 768, 4 * time.Second},
		{demoImage, "image", 1280, 768, 0},
	} {
		status, a := e.getAsset(c.id)
		if status != 200 || a["mediaType"] != c.mediaType || a["isUserUpload"] != true {
			t.Fatalf("%s: %d %v", c.id, status, a)
		}
		if num(t, dig(t, a, "metadata", "width")) != float64(c.w) || num(t, dig(t, a, "metadata", "height")) != float64(c.h) {
			t.Errorf("%s metadata %v", c.id, a["metadata"])
		}
		status, hdr, body := e.fetch(str(a["url"]))
		if status != 200 || num(t, a["fileSize"]) != float64(len(body)) {
			t.Fatalf("%s file: %d, %d bytes", c.id, status, len(body))
		}
		if c.mediaType == "video" {
			info, err := ParseMP4Info(bytes.NewReader(body), int64(len(body)))
			if err != nil || info != (MP4Info{Duration: c.d, Width: c.w, Height: c.h}) {
				t.Errorf("%s file %+v %v", c.id, info, err)
			}
		} else {
			cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
			if err != nil || format != "jpeg" || cfg.Width != c.w || hdr.Get("Content-Type") != "image/jpeg" {
				t.Errorf("%s image %v %s %v", c.id, cfg, format, err)
			}
		}
	}
	if got := New(Options{}).DemoAssetIDs(); len(got) != 0 {
		t.Errorf("assets seeded without SeedDemoAssets: %v", got)
	}
}

func TestUploadGetDelete(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, TaskDuration: time.Second})
	file := MinimalMP4(640, 360, 3*time.Second)
	status, up := e.upload("name="+url.QueryEscape("my clip.mp4"), "video/mp4", file)
	if status != 200 {
		t.Fatalf("upload: %d %v", status, up)
	}
	if got := strings.Join(keysOf(up), ","); got != strings.Join(uploadKeys, ",") {
		t.Errorf("upload keys %s", got)
	}
	id := str(up["assetId"])
	if !strings.HasPrefix(id, "user:1234-runwayml:demo@runway.local-asset:") || !strings.HasSuffix(id, str(up["id"])) ||
		up["name"] != "my clip.mp4" || num(t, up["size"]) != float64(len(file)) || up["isUserUpload"] != true ||
		!equalJSON(up["type"], map[string]any{"name": "video", "type": "video", "isDirectory": false}) ||
		!equalJSON(up["permissions"], map[string]any{"read": true, "write": true, "admin": true}) ||
		up["sourceApplication"] != "web" || up["description"] != "" || !equalJSON(up["user"], up["createdBy"]) ||
		strings.Join(keysOf(up["user"].(map[string]any)), ",") != "firstName,id,lastName,picture,teamName,teamPicture,username" {
		t.Errorf("upload answer %v", up)
	}
	status, a := e.getAsset(id)
	if status != 200 || a["mediaType"] != "video" || a["fileExtStandardized"] != "mp4" || a["taskId"] != nil || a["parentAssetGroupId"] != nil {
		t.Fatalf("get: %d %v", status, a)
	}
	wantMeta := map[string]any{"duration": jsonNum(3), "width": jsonNum(640), "height": jsonNum(360)}
	if !equalJSON(a["metadata"], wantMeta) {
		t.Errorf("metadata read from the MP4: %v, want %v", a["metadata"], wantMeta)
	}
	_, hdr, body := e.fetch(str(a["url"]))
	if !bytes.Equal(body, file) || hdr.Get("Content-Type") != "video/mp4" {
		t.Errorf("file served back differs (%d bytes, %s)", len(body), hdr.Get("Content-Type"))
	}
	// Usable as input: 3 s + 4 s.
	v := e.create(PathGen2Extend, map[string]any{"assetId": id}, 200)
	e.advance(time.Minute)
	if d := num(t, dig(t, e.getTask(str(v["taskId"])), "artifacts", 0, "metadata", "duration")); d != 7 {
		t.Errorf("extended upload: %v s", d)
	}
	if st := e.sim.Stats(); st.Uploads != 1 {
		t.Errorf("Uploads %d", st.Uploads)
	}

	status, del := e.call(http.MethodDelete, "/assets/"+url.PathEscape(id), nil)
	if status != 200 || !equalJSON(del, map[string]any{"success": true, "code": jsonNum(200)}) {
		t.Fatalf("delete: %d %v", status, del)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		status, v := e.call(m, "/assets/"+url.PathEscape(id), nil)
		if status != 404 || !equalJSON(v, map[string]any{"error": "Not found.", "code": jsonNum(404)}) {
			t.Errorf("%s after delete: %d %v", m, status, v)
		}
	}
	if status, _, _ := e.fetch(str(a["url"])); status != 404 {
		t.Errorf("file of a deleted asset: %d", status)
	}
	e.create(PathGen2Extend, map[string]any{"assetId": id}, 404)
	if st := e.sim.Stats(); st.Deletes != 1 {
		t.Errorf("Deletes %d", st.Deletes)
	}
}

func TestUploadMetadataSources(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true})
	var pngBuf bytes.Buffer
	_ = png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 32, 16)))
	tests := []struct {
		name        string
		query       string
		contentType string
		body        []byte
		mediaType   string
		meta        any
	}{
		{"query overrides the file", "name=a.mp4&duration=7.5&width=100", "video/mp4", MinimalMP4(640, 360, 3*time.Second), "video",
			map[string]any{"duration": jsonNumF("7.5"), "width": jsonNum(100), "height": jsonNum(360)}},
		{"quicktime parsed too", "name=a.mov", "video/quicktime", MinimalMP4(320, 240, time.Second), "video",
			map[string]any{"duration": jsonNum(1), "width": jsonNum(320), "height": jsonNum(240)}},
		{"unparsable video keeps unknown metadata", "name=a.webm", "video/webm", []byte("webm"), "video", nil},
		{"png size from the file", "name=a.png", "image/png", pngBuf.Bytes(), "image",
			map[string]any{"width": jsonNum(32), "height": jsonNum(16)}},
		{"content type case and parameters", "name=a.ts&duration=4", "video/MP2T; charset=binary", []byte("ts"), "video",
			map[string]any{"duration": jsonNum(4)}},
		{"audio", "name=a.mp3&duration=12", "audio/mpeg", []byte("ID3"), "audio", map[string]any{"duration": jsonNum(12)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			status, up := e.upload(tc.query, tc.contentType, tc.body)
			if status != 200 {
				t.Fatalf("upload: %d %v", status, up)
			}
			_, a := e.getAsset(str(up["assetId"]))
			if a["mediaType"] != tc.mediaType || !equalJSON(a["metadata"], tc.meta) {
				t.Errorf("mediaType %v metadata %v, want %s %v", a["mediaType"], a["metadata"], tc.mediaType, tc.meta)
			}
		})
	}
	// The PNG works as a guiding image, not as a video.
	imgID := e.listAssets("offset=0&limit=1&mediaType=image")[0]
	e.create(PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "imageAssetId": imgID}, 200)
	e.create(PathGen2Extend, map[string]any{"assetId": imgID}, 404)
	if got := e.listAssets("offset=0&limit=50&mediaType=audio"); len(got) != 1 {
		t.Errorf("audio list %v", got)
	}
}

func TestUploadValidation(t *testing.T) {
	e := newEnv(t, Options{})
	e.sim.maxUpload = 1000
	tests := []struct {
		name        string
		query       string
		contentType string
		body        []byte
		msg         []string
	}{
		{"missing name", "duration=1", "video/mp4", []byte("x"), []string{"name"}},
		{"blank name", "name=%20", "video/mp4", []byte("x"), []string{"name"}},
		{"unsupported type", "name=a.txt", "text/plain", []byte("x"), []string{"text/plain", "video/mp4", "image/png", "audio/wav"}},
		{"no content type", "name=a", "", []byte("x"), []string{"Content-Type", "video/mp4"}},
		{"json is not a file type", "name=a", "application/json", []byte("{}"), []string{"application/json"}},
		{"empty body", "name=a.mp4", "video/mp4", nil, []string{"empty"}},
		{"too large", "name=a.mp4", "video/mp4", make([]byte, 1001), []string{"too large", "1000"}},
		{"bad duration", "name=a.mp4&duration=long", "video/mp4", []byte("x"), []string{"duration"}},
		{"negative duration", "name=a.mp4&duration=-1", "video/mp4", []byte("x"), []string{"duration"}},
		{"zero width", "name=a.mp4&width=0", "video/mp4", []byte("x"), []string{"width"}},
		{"bad height", "name=a.mp4&height=tall", "video/mp4", []byte("x"), []string{"height"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			status, v := e.upload(tc.query, tc.contentType, tc.body)
			if status != 400 {
				t.Fatalf("status %d: %v", status, v)
			}
			for _, m := range tc.msg {
				if !strings.Contains(str(v["error"]), m) {
					t.Errorf("message %q does not mention %q", v["error"], m)
				}
			}
		})
	}
	if status, _ := e.upload("name=a.mp4", "video/mp4", make([]byte, 1000)); status != 200 {
		t.Errorf("upload at the limit: %d", status)
	}
	if st := e.sim.Stats(); st.Uploads != 1 || st.Rejected[400] != len(tests) {
		t.Errorf("stats %+v", st)
	}
}

func jsonNumF(s string) any { return json.Number(s) }
