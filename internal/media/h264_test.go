package media

import (
	"bytes"
	"image"
	"math/rand/v2"
	"strings"
	"testing"
)

// bitString renders the bits written so far ("0101"), trailing partial
// byte included.
func bitString(b *bitWriter) string {
	var sb strings.Builder
	for _, c := range b.buf {
		for i := 7; i >= 0; i-- {
			sb.WriteByte('0' + c>>uint(i)&1)
		}
	}
	for i := int(b.n) - 1; i >= 0; i-- {
		sb.WriteByte('0' + byte(b.acc>>uint(i)&1))
	}
	return sb.String()
}

func TestExpGolomb(t *testing.T) {
	ue := map[uint32]string{0: "1", 1: "010", 2: "011", 3: "00100", 6: "00111", 7: "0001000", 255: "000000001" + "00000000"}
	for v, want := range ue {
		var b bitWriter
		b.ue(v)
		if got := bitString(&b); got != want {
			t.Errorf("ue(%d) = %s, want %s", v, got, want)
		}
	}
	se := map[int32]string{0: "1", 1: "010", -1: "011", 2: "00100", -2: "00101", 3: "00110"}
	for v, want := range se {
		var b bitWriter
		b.se(v)
		if got := bitString(&b); got != want {
			t.Errorf("se(%d) = %s, want %s", v, got, want)
		}
	}
	var b bitWriter
	b.ue(1<<32 - 1)
	if got := bitString(&b); got != strings.Repeat("0", 32)+"1"+strings.Repeat("0", 32) {
		t.Errorf("ue(2^32-1) = %s", got)
	}
	b = bitWriter{}
	b.u(3, 0b101)
	b.flag(true)
	if got := b.trailing(); !bytes.Equal(got, []byte{0b10111000}) {
		t.Errorf("u(3,5) flag(1) trailing = %08b", got)
	}
	if b.bitLen() != 8 {
		t.Errorf("bitLen = %d, want 8", b.bitLen())
	}
}

func TestNALUnitEmulationPrevention(t *testing.T) {
	for _, tc := range []struct{ in, want []byte }{
		{[]byte{0, 0, 1}, []byte{0x65, 0, 0, 3, 1}},
		{[]byte{0, 0, 0, 0}, []byte{0x65, 0, 0, 3, 0, 0}},
		{[]byte{0, 0, 4, 0, 0, 3}, []byte{0x65, 0, 0, 4, 0, 0, 3, 3}},
		{[]byte{1, 0, 2, 0, 0, 2}, []byte{0x65, 1, 0, 2, 0, 0, 3, 2}},
	} {
		if got := nalUnit(3, 5, tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("nalUnit(% x) = % x, want % x", tc.in, got, tc.want)
		}
	}
}

// Every code table is prefix-free, as a decoder reading it needs.
func TestCAVLCTablesArePrefixFree(t *testing.T) {
	check := func(name string, codes []vlc) {
		t.Helper()
		for i, a := range codes {
			for j, b := range codes {
				if i == j || a.len > b.len {
					continue
				}
				if b.bits>>(b.len-a.len) == a.bits {
					t.Errorf("%s: code %d (%0*b) is a prefix of code %d (%0*b)", name, i, a.len, a.bits, j, b.len, b.bits)
				}
			}
		}
	}
	for k, rows := range coeffTokenVLC {
		var all []vlc
		for tc, row := range rows {
			if want := min(tc, 3) + 1; len(row) != want {
				t.Errorf("coeff_token table %d, TotalCoeff %d: %d codes, want %d", k, tc, len(row), want)
			}
			all = append(all, row...)
		}
		check("coeff_token", all)
	}
	for i, row := range totalZerosVLC {
		if len(row) != 17-(i+1) {
			t.Errorf("total_zeros TotalCoeff %d: %d codes", i+1, len(row))
		}
		check("total_zeros", row)
	}
	for _, row := range runBeforeVLC {
		check("run_before", row)
	}
}

// The example block of the H.264 literature: levels 0 3 0 1 -1 -1 0 1 in
// scanning order, nC 0.
func TestWriteResidualBlockKnown(t *testing.T) {
	for _, tc := range []struct {
		name  string
		coef  []int32
		nC    int
		want  string
		total int
	}{
		{"textbook", []int32{0, 3, 0, 1, -1, -1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, 0,
			"0000100" + "011" + "1" + "0010" + "111" + "10" + "1" + "1" + "01", 5},
		{"empty, nC 0", make([]int32, 16), 0, "1", 0},
		{"empty, nC 3", make([]int32, 15), 3, "11", 0},
		{"empty, nC 9", make([]int32, 16), 9, "000011", 0},
		// A level of 20: levelCode 38-2, above 29 with suffixLength 0, takes
		// the escape level_prefix 15 and a 12-bit suffix.
		{"escape", append([]int32{20}, make([]int32, 15)...), 0, "000101" + "0000000000000001" + "000000000110" + "1", 1},
		// All 16 levels 2: no total_zeros, suffixLength starts at 1.
		{"full", []int32{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, 8,
			"111100" + "10" + strings.Repeat("010", 15), 16},
	} {
		var b bitWriter
		if n := writeResidualBlock(&b, tc.coef, tc.nC); n != tc.total {
			t.Errorf("%s: TotalCoeff = %d, want %d", tc.name, n, tc.total)
		}
		if got := bitString(&b); got != tc.want {
			t.Errorf("%s: wrote\n%s, want\n%s", tc.name, got, tc.want)
		}
	}
}

// Quantisation, the decoder's scaling and idct4 undo fdct4 within a
// quantiser step, on AC-only blocks and on whole macroblocks; hadamard4
// is its own inverse up to 16.
func TestTransformRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := int32(0)
	for range 2000 {
		var x, d [16]int32
		sum := int32(0)
		for i := range x {
			x[i] = rng.Int32N(101) - 50
			sum += x[i]
		}
		x[15] -= sum // no DC: the AC path alone
		d = x
		fdct4(&d)
		if d[0] != 0 {
			t.Fatalf("fdct4 of a zero-mean block has DC %d", d[0])
		}
		for p := 1; p < 16; p++ {
			d[p] = dequantAC(quantAC(d[p], p), p)
		}
		idct4(&d)
		for i := range x {
			worst = max(worst, abs32(d[i]-x[i]))
		}
	}
	if worst > 24 {
		t.Errorf("worst AC round-trip error at QP %d: %d", h264QP, worst)
	}

	img := image.NewGray(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = byte(128 + rng.IntN(64) - 32)
	}
	e := newH264Encoder(32, 32, 24)
	e.encode(img, true)
	var total, worstPix int
	for i, v := range e.reconstruction() {
		d := int(v) - int(img.Pix[i])
		total += max(d, -d)
		worstPix = max(worstPix, d, -d)
	}
	if mean := float64(total) / float64(len(img.Pix)); mean > 8 || worstPix > 40 {
		t.Errorf("noise picture: mean error %.1f, worst %d", mean, worstPix)
	}

	var h [16]int32
	for i := range h {
		h[i] = int32(i*7 - 40)
	}
	g := h
	hadamard4(&g)
	hadamard4(&g)
	for i := range g {
		if g[i] != 16*h[i] {
			t.Fatalf("hadamard4 twice = %v, want 16·%v", g, h)
		}
	}
}

// Flat macroblocks of any gray, with flat neighbours or not, are
// reconstructed exactly: the DC path loses nothing on them.
func TestFlatPicturesAreExact(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Pix[y*64+x] = byte((x/16)*60 + (y/16)*25 + 3)
		}
	}
	e := newH264Encoder(64, 48, 24)
	e.encode(img, true)
	if got := e.reconstruction(); !bytes.Equal(got, img.Pix) {
		t.Error("a picture of flat macroblocks is not reconstructed exactly")
	}
	// The same picture again as a P picture skips every macroblock.
	if e.encode(img, false); e.coded != 0 {
		t.Errorf("an unchanged P picture coded %d macroblocks", e.coded)
	}
	img.Pix[20*64+40] = 255
	if e.encode(img, false); e.coded != 1 {
		t.Errorf("a P picture with one changed pixel coded %d macroblocks, want 1", e.coded)
	}
}

func TestH264Level(t *testing.T) {
	for _, tc := range []struct {
		w, h, fps int
		want      byte
	}{
		{16, 16, 1, 10},
		{1280, 768, 24, 32},
		{1920, 1080, 24, 40},
		{16, 4096, 24, 40}, // 256 macroblocks tall needs MaxFS >= 8192
		{4096, 4096, 24, 60},
		{4096, 4096, 120, 61},
	} {
		if got := h264Level((tc.w+15)/16, (tc.h+15)/16, tc.fps); got != tc.want {
			t.Errorf("h264Level(%dx%d@%d) = %d, want %d", tc.w, tc.h, tc.fps, got, tc.want)
		}
	}
}

// The SPS of a size that is not a multiple of 16 crops to it.
func TestSPSCropping(t *testing.T) {
	e := newH264Encoder(34, 18, 24)
	var b bitWriter
	b.u(8, 66)
	b.u(8, 0xc0)
	b.u(8, uint32(e.level))
	b.ue(0)
	b.ue(4)
	b.ue(2)
	b.ue(1)
	b.flag(false)
	b.ue(2) // 3 macroblocks wide
	b.ue(1) // 2 tall
	b.flag(true)
	b.flag(true)
	b.flag(true) // cropping: right (48-34)/2, bottom (32-18)/2
	b.ue(0)
	b.ue(7)
	b.ue(0)
	b.ue(7)
	b.flag(false)
	if got, want := e.sps(), nalUnit(3, 7, b.trailing()); !bytes.Equal(got, want) {
		t.Errorf("sps = % x, want % x", got, want)
	}
}
