package download

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestCheckFileName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"clip.mp4", true},
		{"3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11.mp4", true},
		{".hidden", true},
		{"a..b", true},
		{"", false},
		{".", false},
		{"..", false},
		{"../x", false},
		{"a/b", false},
		{`a\b`, false},
		{"/etc/passwd", false},
		{`C:\x`, false},
		{"bad\x00name", false},
		{"line\nbreak", false},
		{strings.Repeat("a", 256), false},
		{strings.Repeat("a", 255), true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.name), func(t *testing.T) {
			if err := CheckFileName(tt.name); (err == nil) != tt.ok {
				t.Errorf("CheckFileName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
			}
		})
	}
}

func TestFileNameFromURL(t *testing.T) {
	tests := []struct {
		url, want string // want "" = error
	}{
		{"https://cdn.example.com/files/abc.mp4?_jwt=" + artifactSecret, "abc.mp4"},
		{"https://cdn.example.com/a%20b.mp4", "a b.mp4"},
		{"https://cdn.example.com/x/..%2Fescape.mp4", "escape.mp4"},
		{"https://cdn.example.com/x/%2E%2E", ""},
		{"https://cdn.example.com/", ""},
		{"https://cdn.example.com/dir/", ""},
		{"https://cdn.example.com", ""},
		{"https://cdn.example.com/a%5Cb.mp4", ""},
		{"::not a url", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := FileNameFromURL(tt.url)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("FileNameFromURL(%q) = %q, want an error", tt.url, got)
				}
				if strings.Contains(err.Error(), artifactSecret) {
					t.Errorf("error quotes the signature: %v", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("FileNameFromURL(%q) = %q, %v; want %q", tt.url, got, err, tt.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://cdn.example.com/f/a.mp4?_jwt=" + artifactSecret, "https://cdn.example.com/f/a.mp4?…"},
		{"https://cdn.example.com/f/a.mp4", "https://cdn.example.com/f/a.mp4"},
		{"https://user:" + artifactSecret + "@cdn.example.com/a.mp4#" + artifactSecret, "https://cdn.example.com/a.mp4"},
		{"https://cdn.example.com/a.mp4?", "https://cdn.example.com/a.mp4?…"},
		{"http://[::1", "(an unparseable URL)"},
		{"//0@//0@", "(a URL without a host)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := RedactURL(tt.in); got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestResolveTarget(t *testing.T) {
	base := t.TempDir()
	realDir := filepath.Join(base, "real")
	if err := os.Mkdir(realDir, 0o755); err != nil {
		t.Fatal(err)
	}
	resolvedBase, err := filepath.EvalSymlinks(base)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	canLink := runtime.GOOS != "windows" && os.Symlink(realDir, link) == nil
	aFile := filepath.Join(base, "file")
	if err := os.WriteFile(aFile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, file string
		create          bool
		wantDir         string // "" = error expected
		wantNotExist    bool
		needsSymlink    bool
	}{
		{name: "existing directory", dir: realDir, file: "a.mp4", wantDir: filepath.Join(resolvedBase, "real")},
		{name: "created with parents", dir: filepath.Join(base, "new", "nested"), file: "a.mp4", create: true, wantDir: filepath.Join(resolvedBase, "new", "nested")},
		{name: "uncleaned directory", dir: base + "/real/../real/", file: "a.mp4", wantDir: filepath.Join(resolvedBase, "real")},
		{name: "symlinked directory resolves", dir: link, file: "a.mp4", wantDir: filepath.Join(resolvedBase, "real"), needsSymlink: true},
		{name: "missing without create", dir: filepath.Join(base, "absent"), file: "a.mp4", wantNotExist: true},
		{name: "directory is a file", dir: aFile, file: "a.mp4"},
		{name: "escaping name", dir: realDir, file: "../a.mp4"},
		{name: "dot-dot name", dir: realDir, file: ".."},
		{name: "absolute name", dir: realDir, file: "/etc/passwd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needsSymlink && !canLink {
				t.Log("symlinks are not available here; checking the plain directory instead")
				tt.dir = realDir
			}
			gotDir, target, err := ResolveTarget(tt.dir, tt.file, tt.create)
			if tt.wantDir == "" {
				if err == nil {
					t.Fatalf("ResolveTarget(%q, %q) = %q, want an error", tt.dir, tt.file, target)
				}
				if tt.wantNotExist != errors.Is(err, fs.ErrNotExist) {
					t.Errorf("error %v: ErrNotExist = %v, want %v", err, errors.Is(err, fs.ErrNotExist), tt.wantNotExist)
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveTarget: %v", err)
			}
			if gotDir != tt.wantDir || target != filepath.Join(tt.wantDir, tt.file) {
				t.Errorf("ResolveTarget = %q, %q; want %q, %q", gotDir, target, tt.wantDir, filepath.Join(tt.wantDir, tt.file))
			}
		})
	}
}

func TestHashRegularFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a")
	if err := os.WriteFile(file, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	hasLink := runtime.GOOS != "windows" && os.Symlink(file, link) == nil
	tests := []struct {
		name, path string
		want       string
		wantErr    error
		skipNoLink bool
	}{
		{name: "file", path: file, want: sha256Hex([]byte("abc"))},
		{name: "missing", path: filepath.Join(dir, "missing"), wantErr: fs.ErrNotExist},
		{name: "directory", path: dir, wantErr: ErrNotRegularFile},
		{name: "symlink", path: link, wantErr: ErrNotRegularFile, skipNoLink: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.skipNoLink && !hasLink {
				t.Log("symlinks are not available here; the directory case covers non-regular files")
				return
			}
			sum, size, err := HashRegularFile(tt.path)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || sum != tt.want || size != 3 {
				t.Errorf("HashRegularFile = %s, %d, %v", sum, size, err)
			}
		})
	}
}

func TestRemove(t *testing.T) {
	tests := []struct {
		name        string
		prepare     func(t *testing.T, dir string) // makes dir/clip.mp4
		dir         string                         // "" = a fresh directory
		wantErr     error                          // nil = done
		wantGone    bool                           // dir/clip.mp4 no longer exists
		wantTarget  bool                           // the removed path is returned
		needsSymlnk bool
	}{
		{name: "regular file", prepare: func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "clip.mp4"), "x") }, wantGone: true, wantTarget: true},
		{name: "missing file", wantGone: true},
		{name: "missing directory", dir: filepath.Join("does", "not", "exist"), wantGone: true},
		{name: "directory in the way", prepare: func(t *testing.T, dir string) {
			if err := os.Mkdir(filepath.Join(dir, "clip.mp4"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, wantErr: ErrNotRegularFile},
		{name: "symlink in the way", needsSymlnk: true, prepare: func(t *testing.T, dir string) {
			victim := filepath.Join(t.TempDir(), "victim")
			writeFile(t, victim, "do not touch")
			if err := os.Symlink(victim, filepath.Join(dir, "clip.mp4")); err != nil {
				t.Fatal(err)
			}
		}, wantErr: ErrNotRegularFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needsSymlnk && runtime.GOOS == "windows" {
				t.Skip("symlinks need privileges on Windows")
			}
			dir := t.TempDir()
			if tt.dir != "" {
				dir = filepath.Join(dir, tt.dir)
			}
			if tt.prepare != nil {
				tt.prepare(t, dir)
			}
			target, err := Remove(dir, "clip.mp4")
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Remove = %q, %v; want error %v", target, err, tt.wantErr)
			}
			if tt.wantErr != nil && !strings.Contains(err.Error(), "clip.mp4 is no longer a regular file (") {
				t.Errorf("error %q does not say what is in the way", err)
			}
			if (target != "") != tt.wantTarget {
				t.Errorf("target %q, want one: %v", target, tt.wantTarget)
			}
			_, statErr := os.Lstat(filepath.Join(dir, "clip.mp4"))
			if gone := errors.Is(statErr, fs.ErrNotExist); gone != tt.wantGone {
				t.Errorf("gone = %v (%v), want %v", gone, statErr, tt.wantGone)
			}
		})
	}
	if _, err := Remove(t.TempDir(), "../escape"); err == nil {
		t.Error("Remove accepted a name outside the directory")
	}
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
