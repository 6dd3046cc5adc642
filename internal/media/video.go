package media

import (
	"errors"
	"fmt"
	"time"
)

// VideoSpec describes a video VideoMP4 writes.
type VideoSpec struct {
	Width, Height int
	// Duration is rounded to the millisecond.
	Duration time.Duration
	// FrameRate is the number of frames per second; 0 means 24.
	FrameRate int
	// Title is the first line of every frame (a model name, say); it also
	// picks the background gray.
	Title string
	// Lines are drawn under the title on every frame (long ones wrap).
	Lines []string
}

// Limits of VideoMP4: what a generated clip needs, with room to spare.
const (
	MaxVideoSide      = 4096
	MaxVideoDuration  = 10 * time.Minute
	MaxVideoFrameRate = 120
	// StillsPerSecond is how many distinct pictures VideoMP4 draws per
	// second of video; the frames in between repeat the last picture (P
	// pictures of skipped macroblocks, a few bytes each), which keeps a
	// 1280x768 video at 5 to 20 KB per second whatever its frame rate.
	StillsPerSecond = 1
	// stillsPerIDR is how many stills share an IDR picture (a sync sample,
	// where playback can start): the others are P pictures that code only
	// the macroblocks that changed (the frame counter, the progress bar).
	stillsPerIDR = 2
)

// ErrVideoSpec is returned (wrapped) by VideoMP4 for a spec it cannot write.
var ErrVideoSpec = errors.New("unsupported video spec")

// VideoMP4 writes a real, playable MP4: one H.264 video track (sample entry
// 'avc1' with its 'avcC'; Constrained Baseline, grayscale 4:2:0, an IDR
// picture every stillsPerIDR seconds, listed in 'stss'), which ffmpeg
// decodes and web browsers play, of spec.Width×spec.Height at
// spec.FrameRate for spec.Duration, with the moov before the mdat
// ("faststart"). Every frame shows the title, the lines, the size, frame rate
// and duration, a frame counter and a progress bar. The output depends only
// on spec: the same spec gives the same bytes on every platform. Both sides
// must be even: 4:2:0 H.264 crops a picture in steps of 2 pixels.
func VideoMP4(spec VideoSpec) ([]byte, error) { return videoMP4(spec, nil) }

// videoMP4 is VideoMP4; onFrame, when not nil, gets each frame's decoded
// luma (width×height) as a decoder will have it; frames that repeat a
// picture get the same slice.
func videoMP4(spec VideoSpec, onFrame func(frame int, luma []byte)) ([]byte, error) {
	fps := spec.FrameRate
	if fps == 0 {
		fps = 24
	}
	ms := int64((spec.Duration + time.Millisecond/2) / time.Millisecond)
	switch {
	case spec.Width < 16 || spec.Height < 16 || spec.Width > MaxVideoSide || spec.Height > MaxVideoSide:
		return nil, fmt.Errorf("%w: size %dx%d is outside 16..%d", ErrVideoSpec, spec.Width, spec.Height, MaxVideoSide)
	case spec.Width%2 != 0 || spec.Height%2 != 0:
		return nil, fmt.Errorf("%w: size %dx%d is odd (H.264 4:2:0 crops in steps of 2 pixels)", ErrVideoSpec, spec.Width, spec.Height)
	case ms <= 0 || spec.Duration > MaxVideoDuration:
		return nil, fmt.Errorf("%w: duration %v is outside 1ms..%v", ErrVideoSpec, spec.Duration, MaxVideoDuration)
	case fps < 1 || fps > MaxVideoFrameRate:
		return nil, fmt.Errorf("%w: frame rate %d is outside 1..%d", ErrVideoSpec, fps, MaxVideoFrameRate)
	}

	// The track's timescale counts thousandths of a frame, so that every
	// frame lasts 1000 ticks and the total is exactly ms milliseconds; the
	// last frame is shorter when the duration is not a whole number of frames.
	trackScale := uint32(fps) * 1000 //nolint:gosec // G115: fps <= MaxVideoFrameRate
	total := ms * int64(fps)         // ticks
	frames := int((total + 999) / 1000)
	last := total - int64(frames-1)*1000
	perStill := max(1, fps/StillsPerSecond)

	enc := newH264Encoder(spec.Width, spec.Height, fps)
	bg := background(spec.Title)
	samples := make([][]byte, frames)
	var syncs []uint32
	var recon []byte
	for i := range samples {
		var nal []byte
		switch k := i / perStill; {
		case i%perStill != 0:
			nal = enc.repeat()
		default:
			first, end := k*perStill, min((k+1)*perStill, frames)
			idr := k%stillsPerIDR == 0
			drawFrame(canvasOn(enc.next(), enc.stride, spec.Width, spec.Height, bg), spec, fps, frames, first, end, ms)
			nal = enc.code(idr)
			if idr {
				syncs = append(syncs, uint32(i+1)) //nolint:gosec // G115: frames <= 72000
			}
		}
		samples[i] = append(u32(uint32(len(nal))), nal...) //nolint:gosec // G115: a picture of at most 4096x4096 is far below 4 GiB
		if onFrame != nil {
			if i%perStill == 0 {
				recon = enc.reconstruction()
			}
			onFrame(i, recon) // a repeated picture shares the slice of the one before
		}
	}

	sizes := make([]uint32, frames)
	for i, smp := range samples {
		sizes[i] = uint32(len(smp)) //nolint:gosec // G115: see above
	}
	ftyp := box("ftyp", []byte("isom"), u32(0x200), []byte("isomiso2avc1mp41"))
	avcC := box("avcC", []byte{1, 66, 0xc0, enc.level, 0xff, 0xe1}, u16(uint16(len(enc.sps()))), enc.sps(), //nolint:gosec // G115: a few bytes
		[]byte{1}, u16(uint16(len(enc.pps()))), enc.pps()) //nolint:gosec // G115: a few bytes
	moovFor := func(base uint32) []byte {
		offsets := make([]uint32, frames)
		off := base
		for i, sz := range sizes {
			offsets[i] = off
			off += sz
		}
		return videoMoov(spec.Width, spec.Height, ms, trackScale, total, frames, last, sizes, offsets, avcC, syncs)
	}
	moov := moovFor(0)
	base := len(ftyp) + len(moov) + 8
	mdatLen := 8
	for _, smp := range samples {
		mdatLen += len(smp)
	}
	if int64(base)+int64(mdatLen) > 1<<31 {
		return nil, fmt.Errorf("%w: the video would be over 2 GiB", ErrVideoSpec)
	}
	moov = moovFor(uint32(base)) //nolint:gosec // G115: checked just above
	out := make([]byte, 0, len(ftyp)+len(moov)+mdatLen)
	out = append(out, ftyp...)
	out = append(out, moov...)
	out = append(out, u32(uint32(mdatLen))...) //nolint:gosec // G115: checked above
	out = append(out, "mdat"...)
	for _, smp := range samples {
		out = append(out, smp...)
	}
	return out, nil
}

// drawFrame paints on c the picture shown by frames [first, end) of frames.
func drawFrame(c *frameCanvas, spec VideoSpec, fps, frames, first, end int, ms int64) {
	w, h := spec.Width, spec.Height
	margin := 6 * c.scale
	lineH := (glyphH + 3) * c.scale
	cols := max(1, (w-2*margin)/(glyphW*c.scale))

	var lines []string
	if spec.Title != "" {
		lines = append(lines, wrap(spec.Title, cols)...)
	}
	titleLines := len(lines)
	for _, l := range spec.Lines {
		lines = append(lines, wrap(l, cols)...)
	}
	lines = append(lines,
		fmt.Sprintf("%dx%d  %d fps  %d.%03d s", w, h, fps, ms/1000, ms%1000),
		fmt.Sprintf("frame %d-%d of %d", first+1, end, frames),
		fmt.Sprintf("t = %s s", seconds(int64(first)*1000/int64(fps))))
	y := margin
	for i, l := range lines {
		if y+glyphH*c.scale > h-margin {
			break
		}
		luma := byte(200)
		if i < titleLines {
			luma = 250
		}
		c.text(margin, y, l, luma)
		y += lineH
	}
	// Progress bar: how far into the video this picture ends.
	barH := max(2, 3*c.scale)
	c.rect(0, h-barH, w, h, 90)
	c.rect(0, h-barH, w*end/frames, h, 230)
}

// seconds formats milliseconds as "1.250".
func seconds(ms int64) string { return fmt.Sprintf("%d.%03d", ms/1000, ms%1000) }

// videoMoov is the moov of VideoMP4: mvhd in milliseconds, one trak whose
// sample table lists every frame (sizes and chunk offsets, one sample per
// chunk, each a 4-byte length then the picture's NAL unit) and the sync
// samples.
func videoMoov(w, h int, ms int64, trackScale uint32, total int64, frames int, last int64,
	sizes, offsets []uint32, avcC []byte, syncs []uint32) []byte {
	msTicks := uint32(ms)       //nolint:gosec // G115: ms <= MaxVideoDuration in ms
	trackTicks := uint32(total) //nolint:gosec // G115: total <= 600000 ms × 120
	mvhd := fullBox("mvhd", 0, 0, times(0), u32(1000), u32(msTicks),
		u32(0x00010000), u16(0x0100), make([]byte, 10), unityMatrix(), make([]byte, 24), u32(2))
	tkhd := fullBox("tkhd", 0, 0x000003, times(0), u32(1), u32(0), u32(msTicks),
		make([]byte, 8), u16(0), u16(0), u16(0), u16(0), unityMatrix(),
		u32(uint32(w)<<16), u32(uint32(h)<<16)) //nolint:gosec // G115: VideoMP4 keeps both in 16..4096
	mdhd := fullBox("mdhd", 0, 0, times(0), u32(trackScale), u32(trackTicks), u16(0x55c4), u16(0))
	hdlr := fullBox("hdlr", 0, 0, u32(0), []byte("vide"), make([]byte, 12), []byte("VideoHandler\x00"))
	vmhd := fullBox("vmhd", 0, 1, make([]byte, 8))
	dinf := box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1)))

	// compressorname: a Pascal string in 32 bytes.
	compressor := append([]byte{4}, "H264"...)
	compressor = append(compressor, make([]byte, 32-len(compressor))...)
	entry := box("avc1",
		make([]byte, 6), u16(1), // reserved, data_reference_index
		u16(0), u16(0), make([]byte, 12), // pre_defined, reserved, pre_defined
		u16(uint16(w)), u16(uint16(h)), //nolint:gosec // G115: 16..4096
		u32(0x00480000), u32(0x00480000), u32(0), u16(1), // 72 dpi, reserved, frame_count
		compressor, u16(0x0018), u16(0xffff), // depth 24, pre_defined -1
		avcC)
	stsd := fullBox("stsd", 0, 0, u32(1), entry)

	var stts []byte
	if frames > 1 {
		stts = fullBox("stts", 0, 0, u32(2), u32(uint32(frames-1)), u32(1000), u32(1), u32(uint32(last))) //nolint:gosec // G115: frames <= 72000, last <= 1000
	} else {
		stts = fullBox("stts", 0, 0, u32(1), u32(1), u32(uint32(last))) //nolint:gosec // G115: last <= 1000
	}
	stsc := fullBox("stsc", 0, 0, u32(1), u32(1), u32(1), u32(1))
	stszBody := make([]byte, 0, 8+4*len(sizes))
	stszBody = append(stszBody, u32(0)...)
	stszBody = append(stszBody, u32(uint32(len(sizes)))...) //nolint:gosec // G115: frames <= 72000
	for _, s := range sizes {
		stszBody = append(stszBody, u32(s)...)
	}
	stcoBody := make([]byte, 0, 4+4*len(offsets))
	stcoBody = append(stcoBody, u32(uint32(len(offsets)))...) //nolint:gosec // G115: frames <= 72000
	for _, o := range offsets {
		stcoBody = append(stcoBody, u32(o)...)
	}
	stssBody := make([]byte, 0, 4+4*len(syncs))
	stssBody = append(stssBody, u32(uint32(len(syncs)))...) //nolint:gosec // G115: frames <= 72000
	for _, s := range syncs {
		stssBody = append(stssBody, u32(s)...)
	}
	stbl := box("stbl", stsd, stts, fullBox("stss", 0, 0, stssBody), stsc,
		fullBox("stsz", 0, 0, stszBody), fullBox("stco", 0, 0, stcoBody))
	trak := box("trak", tkhd, box("mdia", mdhd, hdlr, box("minf", vmhd, dinf, stbl)))
	return box("moov", mvhd, trak)
}
