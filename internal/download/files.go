package download

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

const (
	// FileMode is the mode of a downloaded file: generated media are not
	// secret, and other tools of the pipeline must read them.
	FileMode = 0o644
	// MaxFileNameBytes is the common file-system limit of one path element.
	MaxFileNameBytes = 255
)

// ErrNotRegularFile reports a symlink, directory or device where a
// downloaded file is expected.
var ErrNotRegularFile = errors.New("not a regular file")

// ResolveTarget resolves where a file named name goes in dir: the
// directory with its symlinks resolved (created first when create is set)
// and the file's path inside it. It refuses any result outside the
// directory, whatever the name; name is checked here even when a caller
// validated it already, because a default name may come from a URL.
// A missing directory (without create) yields an error wrapping
// fs.ErrNotExist.
func ResolveTarget(dir, name string, create bool) (realDir, target string, err error) {
	if err := CheckFileName(name); err != nil {
		return "", "", fmt.Errorf("file name %q: %w", name, err)
	}
	clean := filepath.Clean(dir)
	if create {
		// Like the files in it (FileMode), the user's output directory is
		// meant to be read by the rest of the pipeline.
		if err := os.MkdirAll(clean, 0o755); err != nil { //nolint:gosec // G301: world-readable on purpose, see above
			return "", "", fmt.Errorf("creating the directory: %w", err)
		}
	}
	realDir, err = filepath.EvalSymlinks(clean)
	if err != nil {
		return "", "", fmt.Errorf("resolving the directory %s: %w", clean, err)
	}
	if fi, err := os.Stat(realDir); err != nil {
		return "", "", err
	} else if !fi.IsDir() {
		return "", "", fmt.Errorf("%s is not a directory", clean)
	}
	target = filepath.Join(realDir, name)
	if rel, err := filepath.Rel(realDir, target); err != nil || rel != name {
		return "", "", fmt.Errorf("the file %q would be written outside %s", name, clean)
	}
	return realDir, target, nil
}

// CheckFileName accepts a single, local path element: nothing that could
// name a file outside the target directory on any platform.
func CheckFileName(name string) error {
	switch {
	case name == "":
		return errors.New("must not be empty")
	case name == "." || name == "..":
		return errors.New("must be a file name, not . or ..") //nolint:staticcheck // ST1005: it ends with the name "..", not a full stop
	case strings.ContainsAny(name, `/\`):
		return errors.New("must be a plain file name, without / or \\ (put directories in `directory`)")
	case filepath.IsAbs(name) || filepath.VolumeName(name) != "":
		return errors.New("must not be an absolute path")
	case len(name) > MaxFileNameBytes:
		return fmt.Errorf("must be at most %d bytes long", MaxFileNameBytes)
	case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return errors.New("must not contain control characters")
	case !filepath.IsLocal(name):
		return errors.New("is not a valid local file name on this system")
	}
	return nil
}

// FileNameFromURL is the default file name: the last element of the URL's
// path, unescaped, if it passes CheckFileName.
func FileNameFromURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("the URL %s cannot be parsed: set `filename`", RedactURL(raw))
	}
	name := path.Base(u.Path)
	if err := CheckFileName(name); err != nil || u.Path == "" || strings.HasSuffix(u.Path, "/") {
		return "", fmt.Errorf("the URL %s has no usable file name at the end of its path: set `filename`", RedactURL(raw))
	}
	return name, nil
}

// RedactURL drops the query string (where signed URLs carry their token),
// the fragment and any user info, for logs and messages. A dropped query
// shows as "?…".
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparseable URL)"
	}
	if u.Host == "" && strings.HasPrefix(u.EscapedPath(), "//") {
		// Without a host, a path starting with "//" would read as an
		// authority, with whatever precedes an "@" in it as user info.
		return "(a URL without a host)"
	}
	hadQuery := u.RawQuery != "" || u.ForceQuery
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment, u.User = "", false, "", "", nil
	s := u.String()
	if hadQuery {
		s += "?…"
	}
	return s
}

// HashRegularFile streams a file through SHA-256 and returns the hex digest
// and the size. It refuses anything but a regular file (ErrNotRegularFile)
// without following a symlink.
func HashRegularFile(p string) (string, int64, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s: %w", p, ErrNotRegularFile)
	}
	f, err := os.Open(p) //nolint:gosec // G304: the user-configured runway_artifact_file target, checked to be a regular file above
	if err != nil {
		return "", 0, err
	}
	// Only read from: a close error cannot change the digest already taken.
	defer func() { _ = f.Close() }()
	h := newDigest()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", p, err)
	}
	return h.hex(), n, nil
}

// digest is the SHA-256 of what is written to it, as the files' `sha256`
// attribute shows it: lower-case hex.
type digest struct{ hash.Hash }

func newDigest() digest { return digest{sha256.New()} }

func (d digest) hex() string { return hex.EncodeToString(d.Sum(nil)) }

// Remove deletes the regular file named name in dir (resolved as
// ResolveTarget does) and returns its path, or "" when there was nothing to
// delete: a missing directory or file counts as done. Anything but a
// regular file at that path was not written by Fetch: it is left alone and
// reported with an error wrapping ErrNotRegularFile.
func Remove(dir, name string) (removed string, err error) {
	_, target, err := ResolveTarget(dir, name, false)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil // the directory is gone, and the file with it
	}
	if err != nil {
		return "", err
	}
	fi, err := os.Lstat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	case err != nil:
		return "", err
	case !fi.Mode().IsRegular():
		return "", &notRegularError{path: target, mode: fi.Mode().Type()}
	}
	if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return target, nil
}

// notRegularError is ErrNotRegularFile with the path and what is there
// instead.
type notRegularError struct {
	path string
	mode fs.FileMode
}

func (e *notRegularError) Error() string {
	return fmt.Sprintf("%s is no longer a regular file (%s)", e.path, e.mode)
}

func (e *notRegularError) Unwrap() error { return ErrNotRegularFile }
