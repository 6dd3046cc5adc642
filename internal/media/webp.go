package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// A WebP file is a RIFF container: "RIFF", a little-endian size, "WEBP",
// then chunks. The picture size is in the first chunk: VP8 (lossy: a VP8
// key frame header), VP8L (lossless: 14-bit sizes after a signature byte)
// or VP8X (extended: the 24-bit canvas size; animations follow in ANMF
// chunks, whose frame durations the reader adds up).

var errNotWebP = errors.New("not a WebP file")

const maxWebPChunks = 100000

type webpResult struct {
	width, height int
	duration      time.Duration // animations only
}

func parseWebP(r io.ReaderAt, size int64) (webpResult, error) {
	var res webpResult
	var hdr [12]byte
	if size < 12 {
		return res, fmt.Errorf("%w: too short", errNotWebP)
	}
	if n, _ := r.ReadAt(hdr[:], 0); n < 12 || string(hdr[:4]) != "RIFF" || string(hdr[8:12]) != "WEBP" {
		return res, fmt.Errorf("%w: no RIFF WEBP header", errNotWebP)
	}
	riffEnd := 8 + int64(binary.LittleEndian.Uint32(hdr[4:8]))
	if riffEnd > size {
		return res, fmt.Errorf("%w: truncated: the RIFF header claims %d bytes, the file has %d", errNotWebP, riffEnd, size)
	}
	first := true
	var ms int64
	chunks := 0
	for off := int64(12); riffEnd-off >= 8; {
		chunks++
		if chunks > maxWebPChunks {
			return res, fmt.Errorf("%w: too many chunks", errNotWebP)
		}
		var ch [8]byte
		if n, _ := r.ReadAt(ch[:], off); n < 8 {
			return res, fmt.Errorf("%w: truncated chunk header at %d", errNotWebP, off)
		}
		fourcc, n := string(ch[:4]), int64(binary.LittleEndian.Uint32(ch[4:8]))
		payload := off + 8
		if n > riffEnd-payload {
			return res, fmt.Errorf("%w: the %q chunk at %d claims %d bytes, %d are left", errNotWebP, printable(fourcc), off, n, riffEnd-payload)
		}
		body := make([]byte, min(n, 30))
		if k, _ := r.ReadAt(body, payload); k < len(body) {
			return res, fmt.Errorf("%w: truncated %q chunk", errNotWebP, printable(fourcc))
		}
		switch {
		case first && fourcc == "VP8 ":
			// frame tag (3 bytes), start code 9d 01 2a, then 14-bit sizes.
			if len(body) < 10 || body[3] != 0x9d || body[4] != 0x01 || body[5] != 0x2a {
				return res, fmt.Errorf("%w: bad VP8 frame header", errNotWebP)
			}
			res.width = int(binary.LittleEndian.Uint16(body[6:8]) & 0x3fff)
			res.height = int(binary.LittleEndian.Uint16(body[8:10]) & 0x3fff)
		case first && fourcc == "VP8L":
			if len(body) < 5 || body[0] != 0x2f {
				return res, fmt.Errorf("%w: bad VP8L signature", errNotWebP)
			}
			bits := binary.LittleEndian.Uint32(body[1:5])
			res.width = int(bits&0x3fff) + 1
			res.height = int(bits>>14&0x3fff) + 1
		case first && fourcc == "VP8X":
			if len(body) < 10 {
				return res, fmt.Errorf("%w: truncated VP8X chunk", errNotWebP)
			}
			res.width = int(uint24(body[4:7])) + 1
			res.height = int(uint24(body[7:10])) + 1
		case first:
			return res, fmt.Errorf("%w: the first chunk is %q, not VP8, VP8L or VP8X", errNotWebP, printable(fourcc))
		case fourcc == "ANMF":
			// X, Y, width-1, height-1 (24 bits each), duration (24 bits, ms).
			if len(body) < 15 {
				return res, fmt.Errorf("%w: truncated ANMF chunk", errNotWebP)
			}
			ms += int64(uint24(body[12:15]))
		}
		first = false
		off = payload + n + n&1 // chunks are padded to an even size
	}
	if first {
		return res, fmt.Errorf("%w: no image chunk", errNotWebP)
	}
	if res.width == 0 || res.height == 0 {
		return res, fmt.Errorf("%w: the image is %dx%d", errNotWebP, res.width, res.height)
	}
	res.duration = time.Duration(ms) * time.Millisecond
	return res, nil
}

func uint24(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 }
