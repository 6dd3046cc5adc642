package useapi

import (
	"mime"
	"strings"
)

// AcceptedContentTypes maps each Content-Type that POST /assets/ accepts to
// the asset's media type ("video", "image" or "audio"). The list is the
// gateway's, spelled as it documents it (note video/MP2T); checking it
// before an upload turns a wasted transfer of a large file into an
// immediate, clear error. Use CanonicalContentType to match user input.
var AcceptedContentTypes = map[string]string{
	"image/png":  "image",
	"image/jpeg": "image",
	"image/gif":  "image",
	"image/webp": "image",
	"image/mpo":  "image",

	"video/mp4":           "video",
	"video/quicktime":     "video",
	"video/3gpp":          "video",
	"video/x-matroska":    "video",
	"video/x-flv":         "video",
	"video/mpeg":          "video",
	"video/MP2T":          "video",
	"video/x-msvideo":     "video",
	"video/x-motion-jpeg": "video",
	"video/webm":          "video",
	"video/ogg":           "video",

	"audio/wav":  "audio",
	"audio/wave": "audio",
	"audio/mpeg": "audio",
	"audio/flac": "audio",
	"audio/ogg":  "audio",
	"audio/webm": "audio",
}

// CanonicalContentType matches a content type against AcceptedContentTypes
// case-insensitively and ignoring parameters (media types are
// case-insensitive, but the gateway may compare them literally), and
// returns the gateway's spelling and the media type.
func CanonicalContentType(ct string) (canonical, mediaType string, ok bool) {
	ct = strings.TrimSpace(ct)
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		ct = mt
	} else if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(ct[:i])
	}
	if ct == "" {
		return "", "", false
	}
	if media, found := AcceptedContentTypes[ct]; found {
		return ct, media, true
	}
	for k, media := range AcceptedContentTypes {
		if strings.EqualFold(k, ct) {
			return k, media, true
		}
	}
	return "", "", false
}
