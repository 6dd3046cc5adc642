package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// WebM and Matroska files are EBML: elements of an ID and a size, both
// variable-length integers, then the payload. The reader walks the EBML
// header, then the Segment's Info (TimecodeScale, Duration) and Tracks (the
// first video track's PixelWidth and PixelHeight), skipping everything
// else by size.

var errNotEBML = errors.New("not an EBML file")

// EBML element IDs (with their length marker bits, as written).
const (
	idEBML          = 0x1A45DFA3
	idDocType       = 0x4282
	idSegment       = 0x18538067
	idInfo          = 0x1549A966
	idTimecodeScale = 0x2AD7B1
	idDuration      = 0x4489
	idTracks        = 0x1654AE6B
	idTrackEntry    = 0xAE
	idTrackType     = 0x83
	idVideo         = 0xE0
	idPixelWidth    = 0xB0
	idPixelHeight   = 0xBA
	idCluster       = 0x1F43B675
)

const maxEBMLElements = 100000

type ebmlReader struct {
	r       io.ReaderAt
	size    int64
	visited int
}

type ebmlElement struct {
	id             uint32
	start, payload int64
	end            int64 // payload end; the parent's end for an unknown size
	sizeUnknown    bool  // all size bits set: a live stream's Segment or Cluster
}

// vint reads a variable-length integer at off: its length and value. For
// IDs keepMarker keeps the length marker bit (IDs are written with it).
func (e *ebmlReader) vint(off int64, maxLen int, keepMarker bool) (n int, v uint64, allOnes bool, err error) {
	var first [1]byte
	if err := e.read(first[:], off); err != nil {
		return 0, 0, false, err
	}
	n = 1
	for mask := byte(0x80); n <= 8 && first[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > maxLen {
		return 0, 0, false, fmt.Errorf("%w: bad variable-length integer at offset %d", errNotEBML, off)
	}
	buf := make([]byte, n)
	if err := e.read(buf, off); err != nil {
		return 0, 0, false, err
	}
	if !keepMarker {
		buf[0] &= byte(0xff >> n)
	}
	allOnes = true
	for i, b := range buf {
		v = v<<8 | uint64(b)
		want := byte(0xff)
		if i == 0 {
			want = byte(0xff >> n)
		}
		if b != want {
			allOnes = false
		}
	}
	return n, v, allOnes, nil
}

func (e *ebmlReader) read(b []byte, off int64) error {
	if off < 0 || off+int64(len(b)) > e.size {
		return fmt.Errorf("%w: truncated at offset %d", errNotEBML, off)
	}
	n, err := e.r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	return fmt.Errorf("%w: reading at %d: %w", errNotEBML, off, err)
}

// element reads the element header at off inside a parent ending at end.
func (e *ebmlReader) element(off, end int64) (ebmlElement, error) {
	e.visited++
	if e.visited > maxEBMLElements {
		return ebmlElement{}, fmt.Errorf("%w: too many elements", errNotEBML)
	}
	n, id, _, err := e.vint(off, 4, true)
	if err != nil {
		return ebmlElement{}, err
	}
	m, size, allOnes, err := e.vint(off+int64(n), 8, false)
	if err != nil {
		return ebmlElement{}, err
	}
	el := ebmlElement{id: uint32(id), start: off, payload: off + int64(n+m)} //nolint:gosec // G115: an ID is at most 4 bytes
	if el.payload > end {
		return ebmlElement{}, fmt.Errorf("%w: element header at offset %d overruns its parent", errNotEBML, off)
	}
	if allOnes {
		el.end, el.sizeUnknown = end, true
		return el, nil
	}
	if size > uint64(end-el.payload) { //nolint:gosec // G115: el.payload <= end once the header was read inside the parent
		return ebmlElement{}, fmt.Errorf("%w: element 0x%X at offset %d claims %d bytes, its parent has %d left (truncated?)",
			errNotEBML, id, off, size, end-el.payload)
	}
	el.end = el.payload + int64(size) //nolint:gosec // G115: size <= end-el.payload
	return el, nil
}

// children calls fn for each child of [start, end); fn returns false to stop.
func (e *ebmlReader) children(start, end int64, fn func(ebmlElement) (bool, error)) error {
	for off := start; off < end; {
		el, err := e.element(off, end)
		if err != nil {
			return err
		}
		more, err := fn(el)
		if err != nil || !more {
			return err
		}
		if el.end <= off {
			return fmt.Errorf("%w: element at %d does not advance", errNotEBML, off)
		}
		off = el.end
	}
	return nil
}

func (e *ebmlReader) uint(el ebmlElement) (uint64, error) {
	n := el.end - el.payload
	if n > 8 {
		return 0, fmt.Errorf("%w: integer of %d bytes", errNotEBML, n)
	}
	b := make([]byte, n)
	if err := e.read(b, el.payload); err != nil {
		return 0, err
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

func (e *ebmlReader) float(el ebmlElement) (float64, error) {
	switch el.end - el.payload {
	case 0:
		return 0, nil
	case 4:
		var b [4]byte
		if err := e.read(b[:], el.payload); err != nil {
			return 0, err
		}
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b[:]))), nil
	case 8:
		var b [8]byte
		if err := e.read(b[:], el.payload); err != nil {
			return 0, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b[:])), nil
	}
	return 0, fmt.Errorf("%w: float of %d bytes", errNotEBML, el.end-el.payload)
}

type ebmlResult struct {
	docType       string
	duration      time.Duration
	width, height int
}

// parseEBML reads a WebM/Matroska file: the EBML header, then the first
// Segment's Info and Tracks. A Segment whose size runs past the end of the
// file is a truncated file.
func parseEBML(r io.ReaderAt, size int64) (ebmlResult, error) {
	e := &ebmlReader{r: r, size: size}
	var res ebmlResult
	hdr, err := e.element(0, size)
	if err != nil {
		return res, err
	}
	if hdr.id != idEBML || hdr.sizeUnknown {
		return res, fmt.Errorf("%w: no EBML header", errNotEBML)
	}
	res.docType = "matroska"
	err = e.children(hdr.payload, hdr.end, func(el ebmlElement) (bool, error) {
		if el.id == idDocType && el.end-el.payload <= 64 {
			b := make([]byte, el.end-el.payload)
			if err := e.read(b, el.payload); err != nil {
				return false, err
			}
			res.docType = string(bytes0(b))
		}
		return true, nil
	})
	if err != nil {
		return res, err
	}
	seg, err := e.element(hdr.end, size)
	if err != nil {
		return res, err
	}
	if seg.id != idSegment {
		return res, fmt.Errorf("%w: no Segment after the EBML header", errNotEBML)
	}
	var (
		scale       uint64 = 1000000 // TimecodeScale default: milliseconds
		durTicks    float64
		sawInfo     bool
		sawTracks   bool
		videoW      uint64
		videoH      uint64
		sawClusters bool
	)
	err = e.children(seg.payload, seg.end, func(el ebmlElement) (bool, error) {
		switch el.id {
		case idInfo:
			sawInfo = true
			return true, e.children(el.payload, el.end, func(c ebmlElement) (bool, error) {
				var err error
				switch c.id {
				case idTimecodeScale:
					scale, err = e.uint(c)
				case idDuration:
					durTicks, err = e.float(c)
				}
				return true, err
			})
		case idTracks:
			sawTracks = true
			return true, e.children(el.payload, el.end, func(t ebmlElement) (bool, error) {
				if t.id != idTrackEntry || videoW != 0 {
					return true, nil
				}
				var typ, w, h uint64
				err := e.children(t.payload, t.end, func(c ebmlElement) (bool, error) {
					var err error
					switch c.id {
					case idTrackType:
						typ, err = e.uint(c)
					case idVideo:
						err = e.children(c.payload, c.end, func(v ebmlElement) (bool, error) {
							var err error
							switch v.id {
							case idPixelWidth:
								w, err = e.uint(v)
							case idPixelHeight:
								h, err = e.uint(v)
							}
							return true, err
						})
					}
					return true, err
				})
				if typ == 1 && err == nil {
					videoW, videoH = w, h
				}
				return true, err
			})
		case idCluster:
			sawClusters = true
			// Info and Tracks come before the first Cluster; the rest of
			// the file is media data, only walked (by size) in a file of
			// known size to tell whether it is complete.
			return !el.sizeUnknown && !seg.sizeUnknown, nil
		}
		return true, nil
	})
	if err != nil {
		return res, err
	}
	switch {
	case !sawInfo:
		return res, fmt.Errorf("%w: the Segment has no Info", errNotEBML)
	case !sawTracks:
		return res, fmt.Errorf("%w: the Segment has no Tracks", errNotEBML)
	case !sawClusters:
		return res, fmt.Errorf("%w: the Segment has no Cluster (no media data)", errNotEBML)
	}
	if scale == 0 || scale > uint64(time.Second) {
		return res, fmt.Errorf("%w: TimecodeScale %d", errNotEBML, scale)
	}
	if ns := durTicks * float64(scale); ns > 0 && ns < float64(math.MaxInt64/2) && !math.IsNaN(ns) {
		res.duration = time.Duration(math.Round(ns))
	}
	if videoW <= math.MaxInt32 && videoH <= math.MaxInt32 {
		res.width, res.height = int(videoW), int(videoH) //nolint:gosec // G115: both checked just above
	}
	return res, nil
}

// docType reads the DocType from the start of an EBML file ("" if the
// header is not in head).
func docType(head []byte) string {
	res, err := parseEBMLHeaderOnly(head)
	if err != nil {
		return ""
	}
	return res
}

func parseEBMLHeaderOnly(head []byte) (string, error) {
	e := &ebmlReader{r: bytesReaderAt(head), size: int64(len(head))}
	n, _, _, err := e.vint(0, 4, true)
	if err != nil {
		return "", err
	}
	m, size, _, err := e.vint(int64(n), 8, false)
	if err != nil {
		return "", err
	}
	end := min(int64(n+m)+int64(min(size, uint64(len(head)))), int64(len(head))) //nolint:gosec // G115: bounded by len(head)
	dt := ""
	_ = e.children(int64(n+m), end, func(el ebmlElement) (bool, error) {
		if el.id == idDocType {
			dt = string(bytes0(head[el.payload:el.end]))
			return false, nil
		}
		return true, nil
	})
	return dt, nil
}

// bytes0 cuts a string element at its first NUL (EBML strings may be padded).
func bytes0(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
