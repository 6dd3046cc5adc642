package media

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The corpus under testdata/corpus is made by testdata/corpus/make.sh with
// ffmpeg; manifest.tsv records what ffprobe said of each file. These tests
// need neither.

type corpusEntry struct {
	file          string
	format        string // ffprobe's format_name, "-" when it read none
	duration      time.Duration
	hasDuration   bool
	width, height int
	verdict       string // ok | corrupt
}

func readManifest(t testing.TB) []corpusEntry {
	t.Helper()
	f, err := os.Open("testdata/corpus/manifest.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	for line := 0; sc.Scan(); line++ {
		if line == 0 {
			continue // header
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 6 {
			t.Fatalf("manifest line %d: %q", line+1, sc.Text())
		}
		e := corpusEntry{file: c[0], format: c[1], verdict: c[5]}
		if c[2] != "-" {
			sec, err := strconv.ParseFloat(c[2], 64)
			if err != nil {
				t.Fatalf("manifest line %d: duration %q", line+1, c[2])
			}
			e.duration, e.hasDuration = time.Duration(sec*float64(time.Second)+0.5), true
		}
		if c[3] != "-" {
			e.width, _ = strconv.Atoi(c[3])
			e.height, _ = strconv.Atoi(c[4])
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("manifest lists %d files", len(out))
	}
	return out
}

// formatOf maps ffprobe's format_name (and, where ffprobe cannot tell MP4
// from MOV or WebM from Matroska, the file name) to the Format Sniff reports.
func formatOf(e corpusEntry) Format {
	ext := filepath.Ext(e.file)
	switch {
	case strings.HasPrefix(e.format, "mov,mp4"):
		if ext == ".mov" {
			return FormatMOV
		}
		return FormatMP4
	case e.format == "matroska,webm":
		if ext == ".webm" {
			return FormatWebM
		}
		return FormatMatroska
	case e.format == "png_pipe":
		return FormatPNG
	case e.format == "webp_pipe":
		return FormatWebP
	case e.format == "-" && ext == ".mp4": // ffprobe found no moov
		return FormatMP4
	}
	return FormatUnknown
}

func TestCorpus(t *testing.T) {
	for _, e := range readManifest(t) {
		t.Run(e.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata/corpus", e.file))
			if err != nil {
				t.Fatal(err)
			}
			want := formatOf(e)
			if want == FormatUnknown {
				t.Fatalf("manifest format %q is not mapped", e.format)
			}
			if got := Sniff(b[:min(len(b), SniffLen)]); got != want {
				t.Errorf("Sniff = %q, want %q", got, want)
			}
			info, err := ProbeBytes(b)
			if e.verdict == "corrupt" {
				var ce *CorruptError
				if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) || ce.Format != want {
					t.Fatalf("Probe = %+v, %v; want a *CorruptError of %s (ffprobe/ffmpeg call it broken)", info, err, want)
				}
				t.Logf("corrupt: %v", err)
				return
			}
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if info.Format != want {
				t.Errorf("Format = %q, want %q", info.Format, want)
			}
			if info.Width != e.width || info.Height != e.height {
				t.Errorf("displayed size %dx%d, ffprobe says %dx%d", info.Width, info.Height, e.width, e.height)
			}
			if info.DurationKnown != e.hasDuration {
				t.Fatalf("DurationKnown = %v (%v), ffprobe duration %v (known %v)", info.DurationKnown, info.Duration, e.duration, e.hasDuration)
			}
			if d := info.Duration - e.duration; d < -time.Millisecond || d > time.Millisecond {
				t.Errorf("duration %v, ffprobe says %v", info.Duration, e.duration)
			}
			if !info.DurationKnown && info.Duration != 0 {
				t.Errorf("unknown duration carries %v", info.Duration)
			}
			if strings.HasPrefix(e.file, "fragmented") != info.Fragmented {
				t.Errorf("Fragmented = %v", info.Fragmented)
			}
			// The lenient reader agrees on the files it reads.
			if want == FormatMP4 || want == FormatMOV {
				mi, err := ParseMP4Info(bytesReaderAt(b), int64(len(b)))
				if err != nil || mi != (MP4Info{Duration: info.Duration, Width: info.Width, Height: info.Height}) {
					t.Errorf("ParseMP4Info = %+v, %v; Probe = %+v", mi, err, info)
				}
			}
		})
	}
}

// The corpus exercises what the issue named: these must stay in it.
func TestCorpusCoversTheCases(t *testing.T) {
	have := map[string]bool{}
	for _, e := range readManifest(t) {
		have[e.file] = true
	}
	for _, f := range []string{"default.mp4", "faststart.mp4", "fragmented.mp4", "fragmented-audio.mp4", "rotated90.mp4",
		"hevc.mp4", "lossy.webp", "lossless.webp", "animated.webp", "quicktime.mov", "video.m4v", "vp8.webm", "vp9.webm",
		"editlist.mp4", "half-second.mp4", "ntsc.mp4", "with-audio.mp4", "truncated.mp4", "truncated-no-moov.mp4", "png-named.mp4"} {
		if !have[f] {
			t.Errorf("%s is missing from the corpus", f)
		}
	}
}

func TestProbeRotation(t *testing.T) {
	b, err := os.ReadFile("testdata/corpus/rotated90.mp4")
	if err != nil {
		t.Fatal(err)
	}
	info, err := ProbeBytes(b)
	// ffprobe: rotation=90 (counter-clockwise), 96x64 stored.
	if err != nil || info.Rotation != 270 || info.Width != 64 || info.Height != 96 {
		t.Errorf("Probe = %+v, %v", info, err)
	}
}

// A movie header saying 0 falls back to the video track's duration; with
// that 0 too, the duration is unknown (never 0 seconds).
func TestProbeZeroDuration(t *testing.T) {
	b, err := os.ReadFile("testdata/corpus/faststart.mp4")
	if err != nil {
		t.Fatal(err)
	}
	zero := func(typ string) {
		i := bytes.Index(b, []byte(typ))
		if i < 0 || b[i+4] != 0 {
			t.Fatalf("no version 0 %s", typ)
		}
		copy(b[i+20:i+24], []byte{0, 0, 0, 0}) // duration of a version 0 mvhd/mdhd
	}
	zero("mvhd")
	if info, err := ProbeBytes(b); err != nil || !info.DurationKnown || info.Duration != time.Second {
		t.Errorf("mvhd 0: Probe = %+v, %v; want the track's 1s", info, err)
	}
	zero("mdhd")
	if info, err := ProbeBytes(b); err != nil || info.DurationKnown || info.Duration != 0 || info.Width != 96 {
		t.Errorf("mvhd and mdhd 0: Probe = %+v, %v; want an unknown duration", info, err)
	}
}

func TestProbeUnknownAndCorrupt(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		unknown bool
	}{
		{"text", []byte("just some text, not media"), true},
		{"empty", nil, true},
		{"header-only MP4 (empty stsd)", MinimalMP4(320, 240, time.Second), false},
		{"PNG cut in its header", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), false},
		{"WebP without chunks", []byte("RIFF\x04\x00\x00\x00WEBP"), false},
		{"WebP claiming more than it has", []byte("RIFF\xff\x00\x00\x00WEBPVP8 "), false},
		{"EBML header only", []byte("\x1a\x45\xdf\xa3\x84\x42\x82\x81w"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := ProbeBytes(tc.data)
			if tc.unknown {
				if !errors.Is(err, ErrUnknownFormat) || errors.Is(err, ErrCorrupt) {
					t.Errorf("Probe = %+v, %v; want ErrUnknownFormat", info, err)
				}
				return
			}
			if !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrUnknownFormat) {
				t.Errorf("Probe = %+v, %v; want ErrCorrupt", info, err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want Format
	}{
		{"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", FormatMP4},
		{"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00", FormatMOV},
		{"\x00\x00\x00\x18ftyp3gp4\x00\x00\x02\x00", FormatMP4},
		{"\x00\x00\x00\x08wide\x00\x00\x00\x08mdat", FormatMOV},
		{"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x02", FormatWebM},
		{"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x88matroska", FormatMatroska},
		{"\x1a\x45\xdf\xa3", FormatMatroska}, // EBML without a readable DocType
		{"\x89PNG\r\n\x1a\n", FormatPNG},
		{"\xff\xd8\xff\xe0\x00\x10JFIF", FormatJPEG},
		{"GIF89a\x01\x00", FormatGIF},
		{"RIFF\x10\x00\x00\x00WEBPVP8L", FormatWebP},
		{"RIFF\x10\x00\x00\x00WAVEfmt ", FormatUnknown},
		{"ID3\x04", FormatUnknown},
		{"", FormatUnknown},
	}
	for _, tc := range tests {
		if got := Sniff([]byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

// corpusSeeds adds every corpus file whose name matches one of the globs.
func corpusSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, err := filepath.Glob(filepath.Join("testdata/corpus", g))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// checkProbe is what every fuzz target asks of Probe's answer.
func checkProbe(t *testing.T, data []byte, info Info, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ErrUnknownFormat) && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v is neither ErrUnknownFormat nor ErrCorrupt", err)
		}
		return
	}
	if info.Duration < 0 || info.Width < 0 || info.Height < 0 || (!info.DurationKnown && info.Duration != 0) ||
		(info.DurationKnown && info.Duration == 0) {
		t.Fatalf("impossible info %+v", info)
	}
	if got := Sniff(data[:min(len(data), SniffLen)]); got != info.Format {
		t.Fatalf("Probe says %q, Sniff %q", info.Format, got)
	}
}

// Sniffing, and Probe's dispatch on it: any bytes.
func FuzzSniff(f *testing.F) {
	corpusSeeds(f, "*.png", "lossy.webp", "default.mp4", "quicktime.mov", "vp8.webm", "vp9-opus.mkv")
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00"))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := ProbeBytes(data)
		checkProbe(t, data, info, err)
	})
}

// The strict MP4 reader: fragments (moof/traf/tfhd/tfdt/trun, trex, mehd),
// track matrices, edit lists, truncation.
func FuzzProbeMP4(f *testing.F) {
	corpusSeeds(f, "fragmented*.mp4", "rotated90.mp4", "editlist.mp4", "truncated*.mp4", "hevc.mp4")
	f.Add(MinimalMP4(64, 48, time.Second))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseMP4(bytesReaderAt(data), int64(len(data)), true)
		if err != nil {
			if !errors.Is(err, ErrNotMP4) {
				t.Fatalf("error %v does not wrap ErrNotMP4", err)
			}
			return
		}
		if res.duration < 0 || res.width < 0 || res.height < 0 || res.rotation%90 != 0 {
			t.Fatalf("impossible result %+v", res)
		}
		info, err := ProbeBytes(data)
		checkProbe(t, data, info, err)
	})
}

func FuzzParseEBML(f *testing.F) {
	corpusSeeds(f, "*.webm", "*.mkv")
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseEBML(bytesReaderAt(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, errNotEBML) {
				t.Fatalf("error %v does not wrap errNotEBML", err)
			}
			return
		}
		if res.duration < 0 || res.width < 0 || res.height < 0 {
			t.Fatalf("impossible result %+v", res)
		}
		// Claiming more bytes than there are must not panic either.
		_, _ = parseEBML(bytesReaderAt(data), int64(len(data))+9)
	})
}

func FuzzParseWebP(f *testing.F) {
	corpusSeeds(f, "*.webp")
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseWebP(bytesReaderAt(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, errNotWebP) {
				t.Fatalf("error %v does not wrap errNotWebP", err)
			}
			return
		}
		if res.width <= 0 || res.height <= 0 || res.width > 1<<24 || res.height > 1<<24 || res.duration < 0 {
			t.Fatalf("impossible result %+v", res)
		}
	})
}
