package provider

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"slices"
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
	// Duration is nil when the file does not tell it (never 0);
	// DurationNote then says why, for the "Duration required" diagnostic.
	Duration     *float64
	DurationNote string
	Width        *int64
	Height       *int64
}

// formatsOf lists the formats (as media.Sniff tells them) a file of a
// content type may be; nil for the types whose bytes the provider does not
// read (the file is then refused only if it is plainly one of the formats
// it reads: a PNG named .avi).
func formatsOf(contentType string) []media.Format {
	switch contentType {
	case "video/mp4", "video/quicktime", "video/3gpp":
		return []media.Format{media.FormatMP4, media.FormatMOV}
	case "video/webm", "video/x-matroska", "audio/webm":
		return []media.Format{media.FormatWebM, media.FormatMatroska}
	case "image/png":
		return []media.Format{media.FormatPNG}
	case "image/jpeg", "image/mpo": // an MPO is a JPEG followed by more JPEGs
		return []media.Format{media.FormatJPEG}
	case "image/gif":
		return []media.Format{media.FormatGIF}
	case "image/webp":
		return []media.Format{media.FormatWebP}
	case "video/x-motion-jpeg": // raw Motion-JPEG: JPEG after JPEG
		return []media.Format{media.FormatJPEG, media.FormatUnknown}
	}
	return nil
}

// inspectSource reads a file to upload: size limit, accepted type, content
// hash, and what media.Probe reads from its bytes. It refuses a file whose
// bytes are not of its declared type (a PNG named .mp4) and a corrupt
// MP4/MOV, WebM/Matroska or image, naming the file and the problem; it
// fills duration, width and height where the file tells them (MP4 and MOV,
// fragmented or rotated, WebM/Matroska, PNG, JPEG, GIF, WebP).
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

	declaredBy := "by content_type"
	if contentType == "" {
		contentType = contentTypeOf(path)
		declaredBy = fmt.Sprintf("by its extension %q", filepath.Ext(path))
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

	probed, perr := media.Probe(f, info.Size)
	var corrupt *media.CorruptError
	switch {
	case errors.As(perr, &corrupt):
		probed.Format = corrupt.Format
	case perr != nil && !errors.Is(perr, media.ErrUnknownFormat):
		return info, fmt.Errorf("reading %q: %w", path, perr)
	}
	want := formatsOf(canonical)
	if !slices.Contains(want, probed.Format) && (want != nil || probed.Format != media.FormatUnknown) {
		what := "not " + article(canonical)
		if probed.Format != media.FormatUnknown {
			what = probed.Format.Name()
		}
		return info, fmt.Errorf("the file %q is declared %s (%s) but its bytes are %s; rename it or set content_type to what it is",
			path, canonical, declaredBy, what)
	}
	if corrupt != nil {
		return info, fmt.Errorf("the file %q is %s but it is corrupt (players would fail on it): %s", path, corrupt.Format.Name(), corrupt.Reason)
	}

	if probed.DurationKnown && (mediaType == "video" || mediaType == "audio") {
		d := probed.Duration.Seconds()
		info.Duration = &d
	}
	if probed.Width > 0 && probed.Height > 0 {
		w, hgt := int64(probed.Width), int64(probed.Height)
		info.Width, info.Height = &w, &hgt
	}
	switch {
	case info.Duration != nil:
	case probed.Format == media.FormatUnknown:
		info.DurationNote = fmt.Sprintf("the provider does not read the duration of %s files", canonical)
	default:
		info.DurationNote = fmt.Sprintf("it is %s whose headers do not give its duration", probed.Format.Name())
	}
	return info, nil
}

// article names a content type's files for "its bytes are not ...".
func article(contentType string) string {
	for _, f := range formatsOf(contentType) {
		if f != media.FormatUnknown {
			return f.Name()
		}
	}
	return "a " + contentType + " file"
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
