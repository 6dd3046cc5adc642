package media

import (
	"encoding/binary"
	"image"
)

// encodeGrayJPEG writes img as a baseline, single-component (grayscale)
// JPEG with the standard luminance Huffman tables (ITU T.81 Annex K) and
// the standard luminance quantisation table scaled to quality as libjpeg
// does. It exists because VideoMP4's frames are mostly flat background:
// a block whose 64 pixels are equal is coded from its value alone, without
// a DCT, which makes a 1280x768 frame about twenty times cheaper than
// image/jpeg (whose output the tests decode it with). The DCT is in
// integers, so the bytes are the same on every platform.
func encodeGrayJPEG(img *image.Gray, quality int) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	q := scaledQuant(quality)
	e := &bitWriter{buf: make([]byte, 0, 16<<10)}
	e.buf = append(e.buf, jpegHeader(w, h, q)...)

	huffDC := buildHuff(dcLumBits, dcLumVals)
	huffAC := buildHuff(acLumBits, acLumVals)
	var block [64]int32
	var coef [64]int32
	prevDC := int32(0)
	for by := 0; by < h; by += 8 {
		for bx := 0; bx < w; bx += 8 {
			flat, v := loadBlock(img, bx, by, &block)
			if flat {
				// A flat block's only coefficient is DC = 8·(v−128).
				clear(coef[:])
				coef[0] = quantize(8*(int32(v)-128)*8, int32(q[0]))
			} else {
				fdct(&block, &coef)
				coef[0] = quantize(coef[0], int32(q[0]))
				for k := 1; k < 64; k++ {
					// Category 10 is the largest the AC table codes.
					coef[k] = max(-1023, min(quantize(coef[k], int32(q[k])), 1023))
				}
			}
			prevDC = e.writeBlock(&coef, prevDC, huffDC, huffAC)
		}
	}
	e.flush()
	return append(e.buf, 0xff, 0xd9) // EOI
}

// loadBlock copies the 8x8 block at (bx, by) into b, level-shifted and in
// natural order, repeating the last row and column past the image's edge.
// It reports whether all 64 pixels are equal, and their value; a flat
// block inside the image is told by eight 64-bit compares and not copied.
func loadBlock(img *image.Gray, bx, by int, b *[64]int32) (bool, byte) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	first := img.Pix[by*img.Stride+bx]
	if bx+8 <= w && by+8 <= h {
		pattern := uint64(first) * 0x0101010101010101
		flat := true
		for y := range 8 {
			o := (by+y)*img.Stride + bx
			if binary.LittleEndian.Uint64(img.Pix[o:o+8]) != pattern {
				flat = false
				break
			}
		}
		if flat {
			return true, first
		}
	}
	flat := true
	for y := range 8 {
		row := img.Pix[min(by+y, h-1)*img.Stride:]
		for x := range 8 {
			p := row[min(bx+x, w-1)]
			if p != first {
				flat = false
			}
			b[y*8+x] = int32(p) - 128
		}
	}
	return flat, first
}

// quantize divides a DCT coefficient (scaled by 8, as fdct returns them)
// by 8·q, rounding half away from zero.
func quantize(c, q int32) int32 {
	d := 8 * q
	if c < 0 {
		return -((-c + d/2) / d)
	}
	return (c + d/2) / d
}

// dctCos[u][x] is C(u)/2 · cos((2x+1)uπ/16) · 2^13, C(0) = 1/√2, else 1.
var dctCos = [8][8]int32{
	{2896, 2896, 2896, 2896, 2896, 2896, 2896, 2896},
	{4017, 3406, 2276, 799, -799, -2276, -3406, -4017},
	{3784, 1567, -1567, -3784, -3784, -1567, 1567, 3784},
	{3406, -799, -4017, -2276, 2276, 4017, 799, -3406},
	{2896, -2896, -2896, 2896, 2896, -2896, -2896, 2896},
	{2276, -4017, 799, 3406, -3406, -799, 4017, -2276},
	{1567, -3784, 3784, -1567, -1567, 3784, -3784, 1567},
	{799, -2276, 3406, -4017, 4017, -3406, 2276, -799},
}

// fdct is the 8x8 forward DCT of T.81 (A.3.3) in fixed point: out holds
// the coefficients times 8, in zigzag order.
func fdct(in *[64]int32, out *[64]int32) {
	var tmp [64]int32
	for y := range 8 { // rows: tmp = coefficients × 2^4
		for u := range 8 {
			var s int32
			for x := range 8 {
				s += dctCos[u][x] * in[y*8+x]
			}
			tmp[y*8+u] = (s + 1<<8) >> 9
		}
	}
	for u := range 8 { // columns: × 2^4 × 2^13 → × 8
		for v := range 8 {
			var s int64
			for y := range 8 {
				s += int64(dctCos[v][y]) * int64(tmp[y*8+u])
			}
			out[zigzagOf[v*8+u]] = int32((s + 1<<13) >> 14)
		}
	}
}

// zigzagOf maps a natural-order index (row·8+column) to its zigzag position.
var zigzagOf = func() [64]int {
	var z [64]int
	i := 0
	for s := 0; s < 15; s++ {
		for k := range 8 {
			var r, c int
			if s%2 == 0 { // up and to the right
				r, c = s-k, k
			} else {
				r, c = k, s-k
			}
			if r < 0 || r > 7 || c < 0 || c > 7 {
				continue
			}
			z[r*8+c] = i
			i++
		}
	}
	return z
}()

// Standard luminance quantisation table (T.81 K.1), in zigzag order.
var lumQuantZigzag = func() [64]int {
	natural := [64]int{
		16, 11, 10, 16, 24, 40, 51, 61,
		12, 12, 14, 19, 26, 58, 60, 55,
		14, 13, 16, 24, 40, 57, 69, 56,
		14, 17, 22, 29, 51, 87, 80, 62,
		18, 22, 37, 56, 68, 109, 103, 77,
		24, 35, 55, 64, 81, 104, 113, 92,
		49, 64, 78, 87, 103, 121, 120, 101,
		72, 92, 95, 98, 112, 100, 103, 99,
	}
	var z [64]int
	for i, v := range natural {
		z[zigzagOf[i]] = v
	}
	return z
}()

// scaledQuant scales the standard table to a quality of 1..100 as libjpeg.
func scaledQuant(quality int) [64]byte {
	quality = max(1, min(quality, 100))
	scale := 200 - 2*quality
	if quality < 50 {
		scale = 5000 / quality
	}
	var q [64]byte
	for i, v := range lumQuantZigzag {
		q[i] = byte(max(1, min((v*scale+50)/100, 255)))
	}
	return q
}

// Standard luminance Huffman tables (T.81 K.3 and K.5): code counts per
// length 1..16, then the symbols.
var (
	dcLumBits = [16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}
	dcLumVals = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	acLumBits = [16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d}
	acLumVals = []byte{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
)

// huffCode is a symbol's code: its length and bits.
type huffCode struct {
	n    uint8
	bits uint16
}

// buildHuff derives the canonical codes of a table (T.81 C.2).
func buildHuff(bits [16]byte, vals []byte) [256]huffCode {
	var t [256]huffCode
	code, k := uint16(0), 0
	for l := range 16 {
		for range int(bits[l]) {
			t[vals[k]] = huffCode{n: uint8(l + 1), bits: code} //nolint:gosec // G115: l < 16
			code++
			k++
		}
		code <<= 1
	}
	return t
}

// jpegHeader is SOI, JFIF APP0, DQT, SOF0 (one component), DHT and SOS.
func jpegHeader(w, h int, q [64]byte) []byte {
	b := []byte{0xff, 0xd8, // SOI
		0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0} // APP0: JFIF 1.1, 1:1 aspect
	b = append(b, 0xff, 0xdb, 0, 67, 0) // DQT: 8-bit table 0
	b = append(b, q[:]...)
	b = append(b, 0xff, 0xc0, 0, 11, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 1, 1, 0x11, 0) //nolint:gosec // G115: VideoMP4 keeps sizes in 16..4096
	dht := func(class byte, bits [16]byte, vals []byte) {
		n := 2 + 1 + 16 + len(vals)
		b = append(b, 0xff, 0xc4, byte(n>>8), byte(n), class<<4) //nolint:gosec // G115: n < 300
		b = append(b, bits[:]...)
		b = append(b, vals...)
	}
	dht(0, dcLumBits, dcLumVals)
	dht(1, acLumBits, acLumVals)
	return append(b, 0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 63, 0) // SOS
}

// bitWriter packs Huffman codes MSB first, stuffing a 0 after every 0xFF.
type bitWriter struct {
	buf   []byte
	acc   uint32
	nbits uint
}

func (e *bitWriter) emit(bits uint32, n uint8) {
	e.acc = e.acc<<n | bits&(1<<n-1)
	e.nbits += uint(n)
	for e.nbits >= 8 {
		c := byte(e.acc >> (e.nbits - 8)) //nolint:gosec // G115: the next 8 bits, by design
		e.buf = append(e.buf, c)
		if c == 0xff {
			e.buf = append(e.buf, 0)
		}
		e.nbits -= 8
	}
}

// flush pads the last byte with ones.
func (e *bitWriter) flush() {
	if e.nbits > 0 {
		e.emit(0x7f, uint8(8-e.nbits)) //nolint:gosec // G115: nbits < 8
	}
}

// magnitude is a value's size category and its bits (T.81 F.1.2.1).
func magnitude(v int32) (uint8, uint32) {
	a := v
	if a < 0 {
		a = -a
		v-- // negative values are sent as v−1 in the low bits
	}
	n := uint8(0)
	for a > 0 {
		n++
		a >>= 1
	}
	return n, uint32(v) //nolint:gosec // G115: emit keeps only the low n bits
}

// writeBlock codes one block's zigzag coefficients; it returns its DC.
func (e *bitWriter) writeBlock(c *[64]int32, prevDC int32, dc, ac [256]huffCode) int32 {
	n, bits := magnitude(c[0] - prevDC)
	e.emit(uint32(dc[n].bits), dc[n].n)
	e.emit(bits, n)
	run := 0
	for k := 1; k < 64; k++ {
		if c[k] == 0 {
			run++
			continue
		}
		for run > 15 {
			e.emit(uint32(ac[0xf0].bits), ac[0xf0].n) // ZRL
			run -= 16
		}
		n, bits := magnitude(c[k])
		sym := byte(run<<4) | n //nolint:gosec // G115: run < 16
		e.emit(uint32(ac[sym].bits), ac[sym].n)
		e.emit(bits, n)
		run = 0
	}
	if run > 0 {
		e.emit(uint32(ac[0].bits), ac[0].n) // EOB
	}
	return c[0]
}
