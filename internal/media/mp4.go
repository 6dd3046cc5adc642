package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// MP4Info is what ParseMP4Info reads from an MP4/QuickTime file: the movie
// duration (mvhd) and the display size of its video track (tkhd).
type MP4Info struct {
	Duration      time.Duration
	Width, Height int
}

// ErrNotMP4 is returned (wrapped) for input that is not an ISO BMFF file or
// lacks the boxes ParseMP4Info needs.
var ErrNotMP4 = errors.New("not an MP4 file")

// MinimalMP4 builds a small (about 1 KB) but structurally valid MP4: ftyp,
// moov (mvhd with timescale and duration; one video trak with tkhd carrying
// width/height as 16.16 fixed point, mdia with mdhd, hdlr 'vide' and a
// minimal minf/stbl) and an mdat. It is not playable: its sample table is
// empty (ffprobe answers "invalid STSD entries 0" and Probe calls it
// corrupt), but ParseMP4Info reads the requested size and duration from
// it, which is what reader tests need. VideoMP4 writes playable files. Sizes are clamped to 0..65535 and negative durations to 0;
// a duration that is not a whole number of milliseconds is written with a
// nanosecond timescale so that ParseMP4Info returns it exactly.
func MinimalMP4(width, height int, duration time.Duration) []byte {
	width, height = clampDim(width), clampDim(height)
	if duration < 0 {
		duration = 0
	}
	timescale := uint32(1000)
	ticks := uint64(duration / time.Millisecond)
	if duration%time.Millisecond != 0 {
		timescale = uint32(time.Second)
		ticks = uint64(duration)
	}
	version := byte(0)
	if ticks > math.MaxUint32 {
		version = 1
	}

	ftyp := box("ftyp", []byte("isom"), u32(0x200), []byte("isomiso2avc1mp41"))
	mvhd := fullBox("mvhd", version, 0,
		times(version), u32(timescale), ticksField(version, ticks),
		u32(0x00010000), u16(0x0100), make([]byte, 10), unityMatrix(),
		make([]byte, 24), u32(2)) // next_track_ID
	tkhd := fullBox("tkhd", version, 0x000003, // enabled | in movie
		times(version), u32(1), u32(0), ticksField(version, ticks),
		make([]byte, 8), u16(0), u16(0), u16(0), u16(0), unityMatrix(),
		u32(uint32(width)<<16), u32(uint32(height)<<16)) //nolint:gosec // G115: clampDim keeps both in 0..65535
	mdhd := fullBox("mdhd", version, 0,
		times(version), u32(timescale), ticksField(version, ticks), u16(0x55c4), u16(0)) // language "und"
	hdlr := fullBox("hdlr", 0, 0, u32(0), []byte("vide"), make([]byte, 12), []byte("VideoHandler\x00"))
	vmhd := fullBox("vmhd", 0, 1, make([]byte, 8))
	dinf := box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1)))
	stbl := box("stbl",
		fullBox("stsd", 0, 0, u32(0)),
		fullBox("stts", 0, 0, u32(0)),
		fullBox("stsc", 0, 0, u32(0)),
		fullBox("stsz", 0, 0, u32(0), u32(0)),
		fullBox("stco", 0, 0, u32(0)))
	trak := box("trak", tkhd, box("mdia", mdhd, hdlr, box("minf", vmhd, dinf, stbl)))
	moov := box("moov", mvhd, trak)
	payload := make([]byte, 512)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	mdat := box("mdat", payload)
	out := make([]byte, 0, len(ftyp)+len(moov)+len(mdat))
	return append(append(append(out, ftyp...), moov...), mdat...)
}

func clampDim(v int) int { return max(0, min(v, 65535)) }

func box(typ string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	b = append(b, typ[:4]...)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func fullBox(typ string, version byte, flags uint32, parts ...[]byte) []byte {
	vf := u32(uint32(version)<<24 | flags&0xffffff)
	return box(typ, append([][]byte{vf}, parts...)...)
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// times is creation_time + modification_time (zero: deterministic output).
func times(version byte) []byte {
	if version == 1 {
		return make([]byte, 16)
	}
	return make([]byte, 8)
}

func ticksField(version byte, ticks uint64) []byte {
	if version == 1 {
		return binary.BigEndian.AppendUint64(nil, ticks)
	}
	return u32(uint32(ticks)) //nolint:gosec // G115: MinimalMP4 picks version 0 only when ticks fit 32 bits
}

func unityMatrix() []byte {
	var b []byte
	for _, v := range []uint32{0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

// Limits that keep ParseMP4Info cheap on hostile input.
const (
	maxBoxesVisited = 1 << 20 // a fragment per frame of an hour at 30 fps is 6 boxes × 108000
	maxHeaderRead   = 128     // bytes of a header box's payload ParseMP4Info reads
)

// topLevelTypes are box types that may open an ISO BMFF/QuickTime file; any
// other first box means the input is not one.
var topLevelTypes = map[string]bool{
	"ftyp": true, "moov": true, "mdat": true, "free": true, "skip": true, "wide": true,
	"pdin": true, "styp": true, "sidx": true, "uuid": true, "moof": true, "meta": true, "pnot": true,
}

type mp4Reader struct {
	r       io.ReaderAt
	visited int
}

type boxHeader struct {
	typ        string
	start, end int64 // whole box
	payload    int64 // offset of the payload
}

// next reads the box header at off inside a parent ending at end.
func (m *mp4Reader) next(off, end int64) (boxHeader, error) {
	m.visited++
	if m.visited > maxBoxesVisited {
		return boxHeader{}, fmt.Errorf("%w: too many boxes", ErrNotMP4)
	}
	var hdr [16]byte
	if err := m.read(hdr[:8], off); err != nil {
		return boxHeader{}, err
	}
	size := int64(binary.BigEndian.Uint32(hdr[:4]))
	h := boxHeader{typ: string(hdr[4:8]), start: off, payload: off + 8}
	switch size {
	case 0: // extends to the end of the parent
		h.end = end
	case 1: // 64-bit largesize follows the type
		if end-off < 16 {
			return boxHeader{}, fmt.Errorf("%w: truncated %q box header", ErrNotMP4, h.typ)
		}
		if err := m.read(hdr[8:16], off+8); err != nil {
			return boxHeader{}, err
		}
		large := binary.BigEndian.Uint64(hdr[8:16])
		if large < 16 || large > uint64(end-off) { //nolint:gosec // G115: end-off >= 16 was checked above
			return boxHeader{}, fmt.Errorf("%w: bad size %d of %q box", ErrNotMP4, large, h.typ)
		}
		h.payload = off + 16
		h.end = off + int64(large) //nolint:gosec // G115: large <= end-off, an int64
	default:
		if size < 8 || size > end-off {
			return boxHeader{}, fmt.Errorf("%w: bad size %d of %q box", ErrNotMP4, size, h.typ)
		}
		h.end = off + size
	}
	return h, nil
}

func (m *mp4Reader) read(b []byte, off int64) error {
	n, err := m.r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: reading at %d: %w", ErrNotMP4, off, err)
}

// payload reads up to maxHeaderRead bytes of a box's payload.
func (m *mp4Reader) payload(h boxHeader) ([]byte, error) {
	n := min(h.end-h.payload, maxHeaderRead)
	b := make([]byte, n)
	if err := m.read(b, h.payload); err != nil {
		return nil, err
	}
	return b, nil
}

// children calls fn for each child box of [start, end); fn returning an error
// stops the walk.
func (m *mp4Reader) children(start, end int64, fn func(boxHeader) error) error {
	for off := start; end-off >= 8; {
		h, err := m.next(off, end)
		if err != nil {
			return err
		}
		if err := fn(h); err != nil {
			return err
		}
		off = h.end
	}
	return nil
}
