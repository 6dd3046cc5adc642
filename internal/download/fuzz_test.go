package download

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzFileNameFromURL feeds URLs as users and gateways write them: a name
// taken from a URL is always one plain, local path element, and neither it
// nor the redacted URL in an error carries the query string.
func FuzzFileNameFromURL(f *testing.F) {
	for _, s := range []string{
		"https://cdn.example.com/files/abc.mp4?_jwt=" + artifactSecret,
		"https://cdn.example.com/a%20b.mp4",
		"https://cdn.example.com/x/..%2Fescape.mp4",
		"https://cdn.example.com/x/%2E%2E",
		"https://cdn.example.com/a%5Cb.mp4",
		"https://user:pw@cdn.example.com/a.mp4#frag",
		"http://127.0.0.1:8787/files/a.mp4?",
		"::not a url",
		"C:%5Cwindows%5Cx.mp4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		red := RedactURL(raw)
		if i := strings.IndexAny(red, "?#"); i >= 0 && red[i:] != "?…" {
			t.Fatalf("RedactURL(%q) = %q keeps a query or fragment", raw, red)
		}
		// User info is what a parser reads as such: "//w@/w@" with its user
		// removed is the path "/w@", which only looks alike.
		if u, err := url.Parse(raw); err == nil && u.User != nil && u.User.String() != "" {
			if ru, err := url.Parse(red); err == nil && ru.User != nil && ru.User.String() != "" {
				t.Fatalf("RedactURL(%q) = %q keeps the user info", raw, red)
			}
		}
		name, err := FileNameFromURL(raw)
		if err != nil {
			if name != "" {
				t.Fatalf("FileNameFromURL(%q) = %q with error %v", raw, name, err)
			}
			return
		}
		if cerr := CheckFileName(name); cerr != nil {
			t.Fatalf("FileNameFromURL(%q) = %q, which CheckFileName refuses: %v", raw, name, cerr)
		}
		if strings.ContainsAny(name, `/\`) || !filepath.IsLocal(name) || filepath.Base(name) != name {
			t.Fatalf("FileNameFromURL(%q) = %q is not one local path element", raw, name)
		}
	})
}

// FuzzResolveTarget checks path confinement against any file name: a
// resolved target is always directly inside the resolved directory.
func FuzzResolveTarget(f *testing.F) {
	for _, s := range []string{"clip.mp4", "..", "../x", "a/../../b", `a\b`, "/etc/passwd", `C:\x`, "a\x00b", ".hidden", "a..b", strings.Repeat("a", 256)} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, name string) {
		realDir, target, err := ResolveTarget(dir, name, false)
		if err != nil {
			if CheckFileName(name) == nil {
				t.Fatalf("ResolveTarget(%q) refused a name CheckFileName accepts: %v", name, err)
			}
			return
		}
		if filepath.Dir(target) != realDir || filepath.Base(target) != name {
			t.Fatalf("ResolveTarget(%q) = %q in %q: not directly inside the directory", name, target, realDir)
		}
	})
}
