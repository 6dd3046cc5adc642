package provider

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // image.DecodeConfig reads the sizes of GIF uploads
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tfrunway/terraform-provider-runway/internal/media"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// maxUploadBytes is the largest file runway_asset uploads. The gateway
// documents no limit; Runway's own web app refuses larger video uploads, and
// refusing at plan time beats a paid pipeline failing half-way.
const maxUploadBytes = 512 << 20

// contentTypesByExtension maps file extensions to the gateway's accepted
// content types where Go's mime table has no (or another) answer.
var contentTypesByExtension = map[string]string{
	".mp4":  "video/mp4",
	".m4v":  "video/mp4",
	".mov":  "video/quicktime",
	".qt":   "video/quicktime",
	".3gp":  "video/3gpp",
	".mkv":  "video/x-matroska",
	".flv":  "video/x-flv",
	".mpeg": "video/mpeg",
	".mpg":  "video/mpeg",
	".ts":   "video/MP2T",
	".avi":  "video/x-msvideo",
	".mjpg": "video/x-motion-jpeg",
	".webm": "video/webm",
	".ogv":  "video/ogg",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".mpo":  "image/mpo",
	".wav":  "audio/wav",
	".mp3":  "audio/mpeg",
	".flac": "audio/flac",
	".ogg":  "audio/ogg",
	".oga":  "audio/ogg",
	".weba": "audio/webm",
}

// sourceInfo is what runway_asset learns from the local file at plan time.
type sourceInfo struct {
	Size        int64
	Hash        string // base64 SHA-256, as Terraform's filebase64sha256()
	ContentType string
	MediaType   string
	Duration    *float64
	Width       *int64
	Height      *int64
}

// inspectSource reads a file to upload: size limit, accepted type, content
// hash and, where the standard library can tell, duration and size.
// contentType overrides the type inferred from the extension.
func inspectSource(path, contentType string) (sourceInfo, error) {
	var info sourceInfo
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return info, fmt.Errorf("the file %q does not exist", path)
	case err != nil:
		return info, fmt.Errorf("the file %q cannot be read: %w", path, err)
	case st.IsDir():
		return info, fmt.Errorf("%q is a directory, not a file", path)
	case st.Size() == 0:
		return info, fmt.Errorf("the file %q is empty", path)
	case st.Size() > maxUploadBytes:
		return info, fmt.Errorf("the file %q is %d bytes, over the upload limit of %d bytes (512 MiB)", path, st.Size(), maxUploadBytes)
	}
	info.Size = st.Size()

	if contentType == "" {
		contentType = contentTypeOf(path)
	}
	canonical, mediaType, ok := useapi.CanonicalContentType(contentType)
	if !ok {
		return info, fmt.Errorf("the gateway does not accept %q files (content type %q); accepted types: %s",
			filepath.Ext(path), contentType, strings.Join(acceptedContentTypes(), ", "))
	}
	info.ContentType, info.MediaType = canonical, mediaType

	f, err := os.Open(path) //nolint:gosec // G304: the user-configured runway_asset source
	if err != nil {
		return info, fmt.Errorf("the file %q cannot be read: %w", path, err)
	}
	// Only read from: a close error cannot change what was read.
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return info, fmt.Errorf("reading %q: %w", path, err)
	}
	info.Hash = base64.StdEncoding.EncodeToString(h.Sum(nil))

	switch {
	case canonical == "video/mp4" || canonical == "video/quicktime" || canonical == "video/3gpp":
		if mi, err := media.ParseMP4Info(f, info.Size); err == nil {
			d := mi.Duration.Seconds()
			w, hgt := int64(mi.Width), int64(mi.Height)
			info.Duration = &d
			if w > 0 && hgt > 0 {
				info.Width, info.Height = &w, &hgt
			}
		}
	case mediaType == "image":
		if _, err := f.Seek(0, io.SeekStart); err == nil {
			if cfg, _, err := image.DecodeConfig(f); err == nil {
				w, hgt := int64(cfg.Width), int64(cfg.Height)
				info.Width, info.Height = &w, &hgt
			}
		}
	}
	return info, nil
}

// contentTypeOf infers a content type from a file name's extension.
func contentTypeOf(path string) string {
	ext := strings.ToLower(filepath.Ext(path))
	if ct, ok := contentTypesByExtension[ext]; ok {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		return ct
	}
	return "application/octet-stream"
}

func acceptedContentTypes() []string {
	out := make([]string, 0, len(useapi.AcceptedContentTypes))
	for ct := range useapi.AcceptedContentTypes {
		out = append(out, ct)
	}
	sort.Strings(out)
	return out
}
