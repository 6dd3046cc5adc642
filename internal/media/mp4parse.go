package media

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"
)

// ParseMP4Info reads the duration and the video track's displayed width and
// height of an MP4/QuickTime file of the given size. The duration is the
// movie's (mvhd); in a fragmented file whose header says 0 it is mehd's, or
// the sum of the fragments' sample durations. Width and height are tkhd's,
// swapped when the track matrix turns the picture a quarter turn. It handles
// version 0 and 1 boxes, 64-bit and to-end-of-file box sizes, reads only
// box headers and sample tables (never the media data), and refuses
// garbage with an error wrapping ErrNotMP4 rather than panicking. A file
// without a video track yields zero width and height. A movie duration
// that is unknown (all ones) or 0, and not given by the fragments, falls
// back to the video track's mdhd duration.
//
// ParseMP4Info is lenient: it does not look past a complete moov (except at
// fragments), so a partly downloaded faststart file still yields its
// metadata. Probe is the strict reader that calls such a file corrupt.
func ParseMP4Info(r io.ReaderAt, size int64) (MP4Info, error) {
	mi, err := parseMP4(r, size, false)
	if err != nil {
		return MP4Info{}, err
	}
	return MP4Info{Duration: mi.duration, Width: mi.width, Height: mi.height}, nil
}

// mp4Result is what parseMP4 learns.
type mp4Result struct {
	duration      time.Duration
	width, height int // displayed
	rotation      int // degrees: 0, 90, 180 or 270
	fragmented    bool
	quicktime     bool   // ftyp major brand "qt  ", or no ftyp
	problem       string // strict mode: why the file is corrupt ("" if it is not)
}

// Limits that keep parseMP4 cheap on hostile input.
const (
	maxTrunSamples = 1 << 20 // samples summed per trun
	maxTracks      = 64
)

type trackInfo struct {
	id            uint32
	width, height int
	rotation      int
	video         bool
	timescale     uint32
	duration      time.Duration
	hasDuration   bool
	stsdEntries   int // -1: no stsd seen
	trexDuration  uint32
	fragTicks     uint64 // end of the last fragment, in timescale ticks
	fragSeen      bool
	fragBase      uint64 // running decode time when a traf has no tfdt
}

// parseMP4 walks the top-level boxes. strict: look at every top-level box
// (a box running past the end of the file, a missing moov or a video track
// without a sample description make the result's problem non-empty).
func parseMP4(r io.ReaderAt, size int64, strict bool) (mp4Result, error) {
	if r == nil || size < 8 {
		return mp4Result{}, fmt.Errorf("%w: too short", ErrNotMP4)
	}
	m := &mp4Reader{r: r}
	var (
		res        mp4Result
		foundMoov  bool
		first      = true
		mv         movie
		sawFtyp    bool
		truncation string
	)
	off := int64(0)
	for size-off >= 8 {
		h, err := m.next(off, size)
		if err != nil {
			if first {
				return mp4Result{}, err
			}
			// A box running past the end: the file is cut short.
			var hdr [8]byte
			if m.read(hdr[:], off) == nil {
				truncation = fmt.Sprintf("truncated: the %q box at offset %d claims %d bytes, the file ends %d bytes later",
					printable(string(hdr[4:8])), off, binary.BigEndian.Uint32(hdr[:4]), size-off)
			} else {
				truncation = fmt.Sprintf("truncated at offset %d", off)
			}
			if !foundMoov {
				return mp4Result{}, fmt.Errorf("%w: %s", ErrNotMP4, truncation)
			}
			break
		}
		if first {
			first = false
			if !topLevelTypes[h.typ] {
				return mp4Result{}, fmt.Errorf("%w: starts with %q", ErrNotMP4, printable(h.typ))
			}
		}
		switch h.typ {
		case "ftyp":
			if !sawFtyp {
				sawFtyp = true
				b, err := m.payload(h)
				if err != nil {
					return mp4Result{}, err
				}
				res.quicktime = len(b) >= 4 && string(b[:4]) == "qt  "
			}
		case "moov":
			if foundMoov {
				break
			}
			mv, err = m.parseMoov(h)
			if err != nil {
				return mp4Result{}, err
			}
			foundMoov = true
		case "moof":
			if foundMoov && mv.fragmented {
				if err := m.parseMoof(h, &mv); err != nil {
					if !strict {
						off = size // keep what the earlier fragments said
						continue
					}
					return mp4Result{}, err
				}
			}
		}
		if foundMoov && !strict && !mv.fragmented {
			break // junk after a complete moov does not matter
		}
		off = h.end
	}
	if !foundMoov {
		return mp4Result{}, fmt.Errorf("%w: no moov box", ErrNotMP4)
	}
	if !sawFtyp {
		res.quicktime = true
	}
	if err := mv.finish(&res); err != nil {
		return mp4Result{}, err
	}
	if strict {
		switch {
		case truncation != "":
			res.problem = truncation
		case mv.video != nil && mv.video.stsdEntries == 0:
			res.problem = "the video track has no sample description (stsd has 0 entries)"
		}
	}
	return res, nil
}

// movie is what the moov (and the fragments after it) say.
type movie struct {
	timescale  uint32
	ticks      uint64
	unknown    bool
	tracks     []*trackInfo
	video      *trackInfo
	fragmented bool // moov has an mvex: samples are in moof boxes
	mehdTicks  uint64
	trex       []trex
}

func (m *mp4Reader) parseMoov(moov boxHeader) (movie, error) {
	var mv movie
	haveMvhd := false
	err := m.children(moov.payload, moov.end, func(h boxHeader) error {
		switch h.typ {
		case "mvhd":
			b, err := m.payload(h)
			if err != nil {
				return err
			}
			mv.timescale, mv.ticks, mv.unknown, err = parseTimes(b, "mvhd")
			if err != nil {
				return err
			}
			haveMvhd = true
		case "trak":
			if len(mv.tracks) >= maxTracks {
				return fmt.Errorf("%w: more than %d tracks", ErrNotMP4, maxTracks)
			}
			t, err := m.parseTrak(h)
			if err != nil {
				return err
			}
			mv.tracks = append(mv.tracks, t)
		case "mvex":
			mv.fragmented = true
			return m.children(h.payload, h.end, func(c boxHeader) error {
				b, err := m.payload(c)
				if err != nil {
					return err
				}
				switch c.typ {
				case "mehd": // fragment_duration, in the movie timescale
					switch {
					case len(b) >= 12 && b[0] == 1:
						mv.mehdTicks = binary.BigEndian.Uint64(b[4:12])
					case len(b) >= 8 && b[0] == 0:
						mv.mehdTicks = uint64(binary.BigEndian.Uint32(b[4:8]))
					default:
						return fmt.Errorf("%w: bad mehd", ErrNotMP4)
					}
				case "trex": // track_ID, default_sample_description_index, default_sample_duration
					if len(b) < 16 {
						return fmt.Errorf("%w: truncated trex", ErrNotMP4)
					}
					mv.trex = append(mv.trex, trex{binary.BigEndian.Uint32(b[4:8]), binary.BigEndian.Uint32(b[12:16])})
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return movie{}, err
	}
	if !haveMvhd {
		return movie{}, fmt.Errorf("%w: moov without mvhd", ErrNotMP4)
	}
	for _, t := range mv.tracks {
		for _, x := range mv.trex {
			if x.track == t.id {
				t.trexDuration = x.duration
			}
		}
		if t.width == 0 || t.height == 0 {
			continue
		}
		if mv.video == nil || (t.video && !mv.video.video) {
			mv.video = t
		}
	}
	return mv, nil
}

type trex struct{ track, duration uint32 }

func (mv *movie) track(id uint32) *trackInfo {
	for _, t := range mv.tracks {
		if t.id == id {
			return t
		}
	}
	return nil
}

// finish fills the result from the movie: the movie duration (mvhd, else
// mehd, else the fragments) and the video track's displayed size.
func (mv *movie) finish(res *mp4Result) error {
	if v := mv.video; v != nil {
		res.width, res.height, res.rotation = v.width, v.height, v.rotation
		if v.rotation == 90 || v.rotation == 270 {
			res.width, res.height = v.height, v.width
		}
	}
	res.fragmented = mv.fragmented
	switch {
	case mv.unknown:
		if v := mv.video; v != nil && v.hasDuration {
			res.duration = v.duration
		}
	default:
		d, err := ticksToDuration(mv.ticks, mv.timescale)
		if err != nil {
			return err
		}
		res.duration = d
	}
	if res.duration == 0 && mv.fragmented {
		if mv.mehdTicks > 0 {
			if d, err := ticksToDuration(mv.mehdTicks, mv.timescale); err == nil {
				res.duration = d
			}
		}
		if res.duration == 0 {
			for _, t := range mv.tracks {
				if !t.fragSeen || t.timescale == 0 {
					continue
				}
				if d, err := ticksToDuration(t.fragTicks, t.timescale); err == nil && d > res.duration {
					res.duration = d
				}
			}
		}
	}
	if res.duration == 0 {
		// A movie header saying 0 (a file still being written, a careless
		// muxer): the video track's own duration, if it has one.
		if v := mv.video; v != nil && v.hasDuration {
			res.duration = v.duration
		}
	}
	return nil
}

func (m *mp4Reader) parseTrak(trak boxHeader) (*trackInfo, error) {
	t := &trackInfo{stsdEntries: -1}
	err := m.children(trak.payload, trak.end, func(h boxHeader) error {
		switch h.typ {
		case "tkhd":
			b, err := m.payload(h)
			if err != nil {
				return err
			}
			return parseTkhdInto(b, t)
		case "mdia":
			return m.children(h.payload, h.end, func(c boxHeader) error {
				switch c.typ {
				case "hdlr":
					b, err := m.payload(c)
					if err != nil {
						return err
					}
					// version/flags(4) pre_defined(4) handler_type(4)
					t.video = len(b) >= 12 && string(b[8:12]) == "vide"
				case "mdhd":
					b, err := m.payload(c)
					if err != nil {
						return err
					}
					ts, ticks, unknown, err := parseTimes(b, "mdhd")
					if err != nil {
						return err
					}
					t.timescale = ts
					if !unknown {
						if d, err := ticksToDuration(ticks, ts); err == nil {
							t.duration, t.hasDuration = d, true
						}
					}
				case "minf":
					return m.children(c.payload, c.end, func(s boxHeader) error {
						if s.typ != "stbl" {
							return nil
						}
						return m.children(s.payload, s.end, func(e boxHeader) error {
							if e.typ != "stsd" {
								return nil
							}
							b, err := m.payload(e)
							if err != nil {
								return err
							}
							if len(b) < 8 {
								return fmt.Errorf("%w: truncated stsd", ErrNotMP4)
							}
							t.stsdEntries = int(min(binary.BigEndian.Uint32(b[4:8]), math.MaxInt32))
							return nil
						})
					})
				}
				return nil
			})
		}
		return nil
	})
	return t, err
}

// parseTkhdInto reads track_ID, the matrix and the integer part of the
// 16.16 width and height of a tkhd payload.
func parseTkhdInto(b []byte, t *trackInfo) error {
	if len(b) < 4 {
		return fmt.Errorf("%w: truncated tkhd", ErrNotMP4)
	}
	var idOff, matrixOff int
	switch b[0] {
	case 0:
		idOff, matrixOff = 12, 40
	case 1:
		idOff, matrixOff = 20, 52
	default:
		return fmt.Errorf("%w: unsupported tkhd version %d", ErrNotMP4, b[0])
	}
	off := matrixOff + 36
	if len(b) < off+8 {
		return fmt.Errorf("%w: truncated tkhd", ErrNotMP4)
	}
	t.id = binary.BigEndian.Uint32(b[idOff : idOff+4])
	t.width = int(binary.BigEndian.Uint32(b[off:off+4]) >> 16)
	t.height = int(binary.BigEndian.Uint32(b[off+4:off+8]) >> 16)
	t.rotation = matrixRotation(b[matrixOff : matrixOff+36])
	return nil
}

// matrixRotation tells which clockwise quarter turn a tkhd matrix {a b u,
// c d v, x y w} (a, b, c, d in 16.16; a point (x, y) is displayed at
// (ax+cy, bx+dy), y pointing down) applies: 90 when a = d = 0, b > 0 and
// c < 0, 270 for the opposite signs, 180 when a and d are negative, 0
// otherwise (shears and scalings keep the orientation).
func matrixRotation(m []byte) int {
	v := func(i int) int32 { return int32(binary.BigEndian.Uint32(m[4*i:])) } //nolint:gosec // G115: the matrix holds signed 16.16 values
	a, b, c, d := v(0), v(1), v(3), v(4)
	switch {
	case a == 0 && d == 0 && b > 0 && c < 0:
		return 90
	case a == 0 && d == 0 && b < 0 && c > 0:
		return 270
	case a < 0 && d < 0 && b == 0 && c == 0:
		return 180
	}
	return 0
}

// parseMoof adds the sample durations of each traf to its track: the end
// of a fragment is its tfdt base media decode time (or where the previous
// fragment ended) plus the durations its trun boxes list, or tfhd's or
// trex's default duration per sample.
func (m *mp4Reader) parseMoof(moof boxHeader, mv *movie) error {
	return m.children(moof.payload, moof.end, func(h boxHeader) error {
		if h.typ != "traf" {
			return nil
		}
		var (
			t          *trackInfo
			defaultDur uint32
			base       uint64
			haveBase   bool
			sum        uint64
		)
		err := m.children(h.payload, h.end, func(c boxHeader) error {
			switch c.typ {
			case "tfhd":
				b, err := m.payload(c)
				if err != nil {
					return err
				}
				if len(b) < 8 {
					return fmt.Errorf("%w: truncated tfhd", ErrNotMP4)
				}
				flags := binary.BigEndian.Uint32(b[:4]) & 0xffffff
				t = mv.track(binary.BigEndian.Uint32(b[4:8]))
				if t == nil {
					return fmt.Errorf("%w: a fragment of unknown track %d", ErrNotMP4, binary.BigEndian.Uint32(b[4:8]))
				}
				defaultDur = t.trexDuration
				p := 8
				if flags&0x01 != 0 { // base-data-offset
					p += 8
				}
				if flags&0x02 != 0 { // sample-description-index
					p += 4
				}
				if flags&0x08 != 0 { // default-sample-duration
					if len(b) < p+4 {
						return fmt.Errorf("%w: truncated tfhd", ErrNotMP4)
					}
					defaultDur = binary.BigEndian.Uint32(b[p : p+4])
				}
			case "tfdt":
				b, err := m.payload(c)
				if err != nil {
					return err
				}
				switch {
				case len(b) >= 12 && b[0] == 1:
					base = binary.BigEndian.Uint64(b[4:12])
				case len(b) >= 8 && b[0] == 0:
					base = uint64(binary.BigEndian.Uint32(b[4:8]))
				default:
					return fmt.Errorf("%w: bad tfdt", ErrNotMP4)
				}
				haveBase = true
			case "trun":
				if t == nil {
					return fmt.Errorf("%w: trun before tfhd", ErrNotMP4)
				}
				d, err := m.trunDuration(c, defaultDur)
				if err != nil {
					return err
				}
				sum += d
			}
			return nil
		})
		if err != nil {
			return err
		}
		if t == nil {
			return fmt.Errorf("%w: traf without tfhd", ErrNotMP4)
		}
		if !haveBase {
			base = t.fragBase
		}
		end := base + sum
		t.fragBase = end
		t.fragTicks = max(t.fragTicks, end)
		t.fragSeen = true
		return nil
	})
}

// trunDuration sums a trun's sample durations (defaultDur for each sample
// when the trun lists none).
func (m *mp4Reader) trunDuration(h boxHeader, defaultDur uint32) (uint64, error) {
	var hdr [8]byte
	if h.end-h.payload < 8 {
		return 0, fmt.Errorf("%w: truncated trun", ErrNotMP4)
	}
	if err := m.read(hdr[:], h.payload); err != nil {
		return 0, err
	}
	flags := binary.BigEndian.Uint32(hdr[:4]) & 0xffffff
	count := binary.BigEndian.Uint32(hdr[4:8])
	if count > maxTrunSamples {
		return 0, fmt.Errorf("%w: trun of %d samples", ErrNotMP4, count)
	}
	off := h.payload + 8
	if flags&0x01 != 0 { // data-offset
		off += 4
	}
	if flags&0x04 != 0 { // first-sample-flags
		off += 4
	}
	if flags&0x100 == 0 {
		return uint64(count) * uint64(defaultDur), nil
	}
	stride := int64(4)
	for _, f := range []uint32{0x200, 0x400, 0x800} { // size, flags, composition offset
		if flags&f != 0 {
			stride += 4
		}
	}
	if need := int64(count) * stride; h.end-off < need {
		return 0, fmt.Errorf("%w: trun lists %d samples in %d bytes", ErrNotMP4, count, h.end-off)
	}
	var sum uint64
	buf := make([]byte, min(int64(count)*stride, 64<<10)/stride*stride)
	for left := int64(count); left > 0; {
		n := min(left, int64(len(buf))/stride)
		chunk := buf[:n*stride]
		if err := m.read(chunk, off); err != nil {
			return 0, err
		}
		for i := int64(0); i < n; i++ {
			sum += uint64(binary.BigEndian.Uint32(chunk[i*stride:]))
		}
		off += n * stride
		left -= n
	}
	return sum, nil
}

// parseTimes reads timescale and duration of an mvhd or mdhd payload
// (version 0: 32-bit times, version 1: 64-bit).
func parseTimes(b []byte, typ string) (timescale uint32, ticks uint64, unknown bool, err error) {
	if len(b) < 4 {
		return 0, 0, false, fmt.Errorf("%w: truncated %s", ErrNotMP4, typ)
	}
	switch b[0] {
	case 0:
		if len(b) < 20 {
			return 0, 0, false, fmt.Errorf("%w: truncated %s", ErrNotMP4, typ)
		}
		timescale = binary.BigEndian.Uint32(b[12:16])
		d := binary.BigEndian.Uint32(b[16:20])
		ticks, unknown = uint64(d), d == math.MaxUint32
	case 1:
		if len(b) < 32 {
			return 0, 0, false, fmt.Errorf("%w: truncated %s", ErrNotMP4, typ)
		}
		timescale = binary.BigEndian.Uint32(b[20:24])
		ticks = binary.BigEndian.Uint64(b[24:32])
		unknown = ticks == math.MaxUint64
	default:
		return 0, 0, false, fmt.Errorf("%w: unsupported %s version %d", ErrNotMP4, typ, b[0])
	}
	if timescale == 0 {
		return 0, 0, false, fmt.Errorf("%w: %s timescale is 0", ErrNotMP4, typ)
	}
	return timescale, ticks, unknown, nil
}

func ticksToDuration(ticks uint64, timescale uint32) (time.Duration, error) {
	ts := uint64(timescale)
	secs, rem := ticks/ts, ticks%ts
	if secs > uint64(math.MaxInt64/int64(time.Second))-1 {
		return 0, fmt.Errorf("%w: duration too large", ErrNotMP4)
	}
	// rem < 2^32, so rem*1e9 < 2^62: no overflow.
	return time.Duration(secs)*time.Second + time.Duration(rem*uint64(time.Second)/ts), nil //nolint:gosec // G115: secs is bounded above and rem/ts < 1, so both fit int64
}

func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}
