package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

func parseBytes(b []byte) (MP4Info, error) {
	return ParseMP4Info(bytes.NewReader(b), int64(len(b)))
}

func TestMinimalMP4RoundTrip(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		d    time.Duration
	}{
		{"landscape 5s", 1280, 768, 5 * time.Second},
		{"portrait 10s", 768, 1280, 10 * time.Second},
		{"gen2 extend 9s", 1280, 768, 9 * time.Second},
		{"fractional ms", 640, 360, 5209 * time.Millisecond},
		{"nanoseconds", 320, 240, 1234567891 * time.Nanosecond},
		{"long ns needs version 1", 1920, 1080, 7*time.Second + 1},
		{"over 49 days needs version 1", 1920, 1080, 50 * 24 * time.Hour},
		{"zero duration", 1, 1, 0},
		{"max size", 65535, 65535, time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := MinimalMP4(tc.w, tc.h, tc.d)
			if len(b) > 4096 {
				t.Errorf("MinimalMP4 is %d bytes, want a few KB at most", len(b))
			}
			if string(b[4:8]) != "ftyp" {
				t.Errorf("first box %q, want ftyp", b[4:8])
			}
			got, err := parseBytes(b)
			if err != nil {
				t.Fatalf("ParseMP4Info: %v", err)
			}
			want := MP4Info{Duration: tc.d, Width: tc.w, Height: tc.h}
			if got != want {
				t.Errorf("ParseMP4Info(MinimalMP4) = %+v, want %+v", got, want)
			}
		})
	}
}

func TestMinimalMP4Clamps(t *testing.T) {
	got, err := parseBytes(MinimalMP4(70000, 90000, -time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if want := (MP4Info{Width: 65535, Height: 65535}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// A negative size is written as 0; a track without a size reports none.
	got, err = parseBytes(MinimalMP4(-5, 10, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if want := (MP4Info{Duration: time.Second}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// Hand-built files exercising what MinimalMP4 never writes.

func mvhdV1(timescale uint32, ticks uint64) []byte {
	return fullBox("mvhd", 1, 0, make([]byte, 16), u32(timescale), binary.BigEndian.AppendUint64(nil, ticks),
		u32(0x00010000), u16(0x0100), make([]byte, 10), unityMatrix(), make([]byte, 24), u32(3))
}

func mvhdV0(timescale, ticks uint32) []byte {
	return fullBox("mvhd", 0, 0, make([]byte, 8), u32(timescale), u32(ticks),
		u32(0x00010000), u16(0x0100), make([]byte, 10), unityMatrix(), make([]byte, 24), u32(3))
}

func tkhdV1(w, h int) []byte {
	return fullBox("tkhd", 1, 3, make([]byte, 16), u32(1), u32(0), make([]byte, 8),
		make([]byte, 8), make([]byte, 8), unityMatrix(), u32(uint32(w)<<16|0x8000), u32(uint32(h)<<16))
}

func trak(tkhd []byte, handler string, mdhd []byte) []byte {
	parts := [][]byte{fullBox("hdlr", 0, 0, u32(0), []byte(handler), make([]byte, 12), []byte("h\x00"))}
	if mdhd != nil {
		parts = append([][]byte{mdhd}, parts...)
	}
	return box("trak", tkhd, box("mdia", parts...))
}

func largeBox(typ string, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, 1)
	b = append(b, typ...)
	b = binary.BigEndian.AppendUint64(b, uint64(16+len(payload)))
	return append(b, payload...)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestParseMP4InfoVariants(t *testing.T) {
	ftyp := box("ftyp", []byte("qt  "), u32(0), []byte("qt  "))
	audio := trak(fullBox("tkhd", 0, 3, make([]byte, 72), u32(0), u32(0)), "soun", nil)
	video := trak(tkhdV1(1920, 1080), "vide", nil)
	mdhdV0 := fullBox("mdhd", 0, 0, make([]byte, 8), u32(600), u32(1800), u16(0), u16(0))

	tests := []struct {
		name string
		file []byte
		want MP4Info
	}{
		{
			name: "version 1 mvhd and tkhd, 64-bit mdat before moov, audio track first",
			file: cat(ftyp, largeBox("mdat", make([]byte, 100)),
				box("moov", mvhdV1(90000, 90000*12), audio, video)),
			want: MP4Info{Duration: 12 * time.Second, Width: 1920, Height: 1080},
		},
		{
			name: "64-bit moov and a size-0 mdat running to the end",
			file: cat(ftyp, largeBox("moov", cat(mvhdV0(1000, 2500), video)),
				u32(0), []byte("mdat"), make([]byte, 64)),
			want: MP4Info{Duration: 2500 * time.Millisecond, Width: 1920, Height: 1080},
		},
		{
			name: "unknown movie duration falls back to the video track's mdhd",
			file: cat(ftyp, box("moov", mvhdV0(1000, 0xffffffff), trak(tkhdV1(640, 480), "vide", mdhdV0))),
			want: MP4Info{Duration: 3 * time.Second, Width: 640, Height: 480},
		},
		{
			name: "audio only: no size",
			file: cat(ftyp, box("moov", mvhdV0(44100, 44100*2), audio)),
			want: MP4Info{Duration: 2 * time.Second},
		},
		{
			name: "free box first, junk after a complete moov",
			file: cat(box("free", []byte("xx")), box("moov", mvhdV0(1, 7), video), []byte{0, 0, 0, 0xff, 'j', 'u', 'n', 'k'}),
			want: MP4Info{Duration: 7 * time.Second, Width: 1920, Height: 1080},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseBytes(tc.file)
			if err != nil {
				t.Fatalf("ParseMP4Info: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseMP4InfoRefusesGarbage(t *testing.T) {
	good := MinimalMP4(1280, 768, 5*time.Second)
	ftyp := good[:binary.BigEndian.Uint32(good)]
	video := trak(tkhdV1(10, 10), "vide", nil)
	tests := []struct {
		name string
		file []byte
	}{
		{"empty", nil},
		{"text", []byte("this is certainly not a video file")},
		{"png signature", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")},
		{"box size below 8", cat(u32(4), []byte("ftyp"), make([]byte, 16))},
		{"box larger than file", cat(u32(1000), []byte("ftyp"), make([]byte, 16))},
		{"64-bit size larger than file", cat(u32(1), []byte("moov"), binary.BigEndian.AppendUint64(nil, 1<<40))},
		{"64-bit size below 16", cat(u32(1), []byte("moov"), binary.BigEndian.AppendUint64(nil, 8), make([]byte, 8))},
		{"no moov", cat(ftyp, box("mdat", make([]byte, 32)))},
		{"moov without mvhd", cat(ftyp, box("moov", video))},
		{"timescale 0", cat(ftyp, box("moov", mvhdV0(0, 10)))},
		{"mvhd version 2", cat(ftyp, box("moov", fullBox("mvhd", 2, 0, make([]byte, 96))))},
		{"truncated mvhd", cat(ftyp, box("moov", fullBox("mvhd", 0, 0, make([]byte, 8))))},
		{"truncated tkhd", cat(ftyp, box("moov", mvhdV0(1, 1), box("trak", fullBox("tkhd", 0, 0, make([]byte, 40)))))},
		{"child box overruns moov", cat(ftyp, box("moov", cat(u32(200), []byte("mvhd"))))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := parseBytes(tc.file)
			if err == nil {
				t.Fatalf("ParseMP4Info accepted it: %+v", info)
			}
			if !errors.Is(err, ErrNotMP4) {
				t.Errorf("error %v does not wrap ErrNotMP4", err)
			}
		})
	}
}

// Every cut inside ftyp or moov must fail cleanly; a cut inside mdat (a
// partly downloaded faststart file) still yields the metadata.
func TestParseMP4InfoTruncated(t *testing.T) {
	b := MinimalMP4(1280, 768, 5*time.Second)
	mdatStart := len(b) - 8 - 512
	for cut := 0; cut < len(b); cut++ {
		info, err := parseBytes(b[:cut])
		if cut < mdatStart && err == nil {
			t.Fatalf("cut at %d of %d: accepted %+v", cut, len(b), info)
		}
		if cut >= mdatStart && (err != nil || info.Width != 1280) {
			t.Fatalf("cut at %d inside mdat: %+v, %v", cut, info, err)
		}
	}
	// A size argument larger than the data must not panic either.
	if _, err := ParseMP4Info(bytes.NewReader(b[:100]), int64(len(b))); err == nil {
		t.Error("short reader accepted")
	}
	if _, err := ParseMP4Info(nil, 100); err == nil {
		t.Error("nil reader accepted")
	}
}

func FuzzParseMP4Info(f *testing.F) {
	f.Add(MinimalMP4(1280, 768, 5*time.Second))
	f.Add(MinimalMP4(7, 9, 50*24*time.Hour))
	f.Add(cat(box("ftyp", []byte("isom")), largeBox("moov", cat(mvhdV1(90000, 1), trak(tkhdV1(2, 2), "vide", nil)))))
	f.Add([]byte("garbage"))
	f.Add([]byte{0, 0, 0, 0, 'm', 'o', 'o', 'v'})
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := parseBytes(data)
		if err != nil {
			if !errors.Is(err, ErrNotMP4) {
				t.Fatalf("error %v does not wrap ErrNotMP4", err)
			}
			return
		}
		if info.Duration < 0 || info.Width < 0 || info.Height < 0 || info.Width > 65535 || info.Height > 65535 {
			t.Fatalf("impossible info %+v", info)
		}
		// Claiming more bytes than there are must never panic.
		_, _ = ParseMP4Info(bytes.NewReader(data), int64(len(data))+17)
	})
}
