package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // image.DecodeConfig reads GIF, JPEG and PNG headers
	_ "image/jpeg"
	_ "image/png"
	"io"
	"time"
)

// Format is a file type told from a file's first bytes.
type Format string

// The formats Sniff tells apart.
const (
	FormatUnknown  Format = ""
	FormatMP4      Format = "mp4"      // ISO BMFF: MP4, M4V, 3GP
	FormatMOV      Format = "mov"      // QuickTime (ftyp brand "qt  ", or no ftyp)
	FormatWebM     Format = "webm"     // EBML with DocType "webm"
	FormatMatroska Format = "matroska" // EBML with another DocType
	FormatPNG      Format = "png"
	FormatJPEG     Format = "jpeg"
	FormatGIF      Format = "gif"
	FormatWebP     Format = "webp"
)

// Name is how messages call the format ("an MP4 video").
func (f Format) Name() string {
	switch f {
	case FormatMP4:
		return "an MP4 video"
	case FormatMOV:
		return "a QuickTime (MOV) video"
	case FormatWebM:
		return "a WebM video"
	case FormatMatroska:
		return "a Matroska video"
	case FormatPNG:
		return "a PNG image"
	case FormatJPEG:
		return "a JPEG image"
	case FormatGIF:
		return "a GIF image"
	case FormatWebP:
		return "a WebP image"
	}
	return "of an unknown format"
}

// SniffLen is how many leading bytes Sniff needs to tell every format.
const SniffLen = 64

// Sniff tells a file's format from its first bytes (SniffLen of them, or
// the whole file if shorter). It never fails: FormatUnknown is the answer
// for anything else.
func Sniff(head []byte) Format {
	switch {
	case len(head) >= 8 && string(head[:8]) == "\x89PNG\r\n\x1a\n":
		return FormatPNG
	case len(head) >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff:
		return FormatJPEG
	case len(head) >= 6 && (string(head[:6]) == "GIF87a" || string(head[:6]) == "GIF89a"):
		return FormatGIF
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return FormatWebP
	case len(head) >= 4 && string(head[:4]) == "\x1a\x45\xdf\xa3":
		if docType(head) == "webm" {
			return FormatWebM
		}
		return FormatMatroska
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		if string(head[8:12]) == "qt  " {
			return FormatMOV
		}
		return FormatMP4
	case len(head) >= 8:
		switch string(head[4:8]) {
		case "moov", "mdat", "wide", "free", "skip", "pnot":
			return FormatMOV // QuickTime files may start without ftyp
		}
	}
	return FormatUnknown
}

// Info is what Probe reads from a file.
type Info struct {
	Format Format
	// Duration is the file's length; DurationKnown is false when the file
	// does not say (an image, a live WebM without a Duration, an MP4 whose
	// header and fragments say 0). An unknown duration is never 0 seconds.
	Duration      time.Duration
	DurationKnown bool
	// Width and Height are the displayed size: for a video whose track
	// matrix turns it a quarter turn, the stored size swapped. 0 when the
	// file has no picture (an audio-only MP4).
	Width, Height int
	// Rotation is the clockwise quarter turn (0, 90, 180 or 270 degrees)
	// the track matrix of an MP4/MOV video applies when it is displayed
	// (FFmpeg's display_rotation counts the other way: its 90 is 270 here).
	Rotation int
	// Fragmented is true for a fragmented MP4 (moov with mvex, samples in
	// moof boxes).
	Fragmented bool
}

// ErrUnknownFormat is returned (wrapped) by Probe for a file whose first
// bytes are no format it reads; nothing is known about it.
var ErrUnknownFormat = errors.New("unknown file format")

// ErrCorrupt is what every CorruptError wraps.
var ErrCorrupt = errors.New("corrupt file")

// CorruptError is Probe's verdict on a file of a known format whose
// structure is broken: cut short, boxes or elements that overrun their
// parent, a video track without a sample description. Players fail on it.
type CorruptError struct {
	Format Format
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt %s file: %s", e.Format, e.Reason)
}

// Unwrap makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Unwrap() error { return ErrCorrupt }

func corrupt(f Format, err error) error {
	reason := err.Error()
	// The reader's sentinel prefixes add nothing to "corrupt mp4 file: ".
	for _, p := range []string{ErrNotMP4.Error() + ": ", errNotEBML.Error() + ": ", errNotWebP.Error() + ": "} {
		reason = trimPrefix(reason, p)
	}
	return &CorruptError{Format: f, Reason: reason}
}

func trimPrefix(s, p string) string {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// Probe tells a file's format from its first bytes and reads its duration
// and displayed size: MP4/MOV (including fragmented and rotated files),
// WebM/Matroska, WebP, PNG, JPEG and GIF. The error is ErrUnknownFormat
// (wrapped) for other files and a *CorruptError for a file of a known
// format that is broken. It reads headers and indexes, never the media
// data, and never panics on hostile input.
func Probe(r io.ReaderAt, size int64) (Info, error) {
	if r == nil || size <= 0 {
		return Info{}, fmt.Errorf("%w: empty file", ErrUnknownFormat)
	}
	head := make([]byte, min(size, SniffLen))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		return Info{}, fmt.Errorf("reading the file: %w", err)
	}
	f := Sniff(head)
	info := Info{Format: f}
	switch f {
	case FormatMP4, FormatMOV:
		res, err := parseMP4(r, size, true)
		if err != nil {
			return info, corrupt(f, err)
		}
		if res.problem != "" {
			return info, &CorruptError{Format: f, Reason: res.problem}
		}
		info.Duration, info.DurationKnown = res.duration, res.duration > 0
		info.Width, info.Height, info.Rotation, info.Fragmented = res.width, res.height, res.rotation, res.fragmented
	case FormatWebM, FormatMatroska:
		res, err := parseEBML(r, size)
		if err != nil {
			return info, corrupt(f, err)
		}
		info.Duration, info.DurationKnown = res.duration, res.duration > 0
		info.Width, info.Height = res.width, res.height
	case FormatWebP:
		res, err := parseWebP(r, size)
		if err != nil {
			return info, corrupt(f, err)
		}
		info.Width, info.Height = res.width, res.height
		info.Duration, info.DurationKnown = res.duration, res.duration > 0
	case FormatPNG, FormatJPEG, FormatGIF:
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(r, 0, size))
		if err != nil {
			return info, &CorruptError{Format: f, Reason: "unreadable header: " + err.Error()}
		}
		info.Width, info.Height = cfg.Width, cfg.Height
	default:
		return info, fmt.Errorf("%w: it starts with % x", ErrUnknownFormat, head[:min(len(head), 8)])
	}
	return info, nil
}

// ProbeBytes is Probe of a byte slice.
func ProbeBytes(b []byte) (Info, error) {
	return Probe(bytes.NewReader(b), int64(len(b)))
}
