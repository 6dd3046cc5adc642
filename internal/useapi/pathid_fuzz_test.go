package useapi

import (
	"net/url"
	"strings"
	"testing"
)

// Task and asset ids are opaque and put in a URL path: whatever an id
// holds, it addresses exactly one path segment under /tasks/, and the
// gateway, decoding the path it receives, reads back the same id. A
// mismatch would poll, or delete, another task.
func FuzzPathIDRoundTrip(f *testing.F) {
	for _, id := range []string{
		"user:1234-runwayml:demo@runway.local-task:5d1f4d8e-7c1a-4a8e-9b3e-2f6c7d8e9f00",
		"user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000001",
		"a/../../assets/x", "..", ".", "%2e%2e", "a?b#c", "a b+c", "/", "x%", "ä€\x00", " ", "a;b=c",
	} {
		f.Add(id)
	}
	const base = "http://127.0.0.1:8787/v1/runwayml"
	f.Fuzz(func(t *testing.T, id string) {
		seg, err := pathID("taskId", id)
		if err != nil {
			if strings.TrimSpace(id) != "" && id != "." && id != ".." {
				t.Fatalf("pathID(%q) refused a usable id: %v", id, err)
			}
			return
		}
		if strings.ContainsAny(seg, "/?#") {
			t.Fatalf("pathID(%q) = %q spans more than one path segment", id, seg)
		}
		// What the client sends, and what the server parses out of the
		// request line.
		u, err := url.Parse(base + "/tasks/" + seg)
		if err != nil {
			t.Fatalf("the task URL of %q does not parse: %v", id, err)
		}
		got, err := url.ParseRequestURI(u.RequestURI())
		if err != nil {
			t.Fatalf("the request URI of %q does not parse: %v", id, err)
		}
		rest, ok := strings.CutPrefix(got.EscapedPath(), "/v1/runwayml/tasks/")
		if !ok || strings.Contains(rest, "/") {
			t.Fatalf("id %q reached path %q, not one segment under /tasks/", id, got.EscapedPath())
		}
		back, err := url.PathUnescape(rest)
		if err != nil || back != id {
			t.Fatalf("id %q came back as %q (%v)", id, back, err)
		}
	})
}
