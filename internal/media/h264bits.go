package media

import "math/bits"

// bitWriter writes an H.264 RBSP most significant bit first
// (ITU-T H.264 clause 7.2: u(n), ue(v), se(v)).
type bitWriter struct {
	buf []byte
	acc uint64 // pending bits, right-aligned
	n   uint   // number of pending bits (< 8 between calls)
}

// u writes the low n bits of v (n <= 32).
func (b *bitWriter) u(n uint, v uint32) {
	if n == 0 {
		return
	}
	b.acc = b.acc<<n | uint64(v)&(1<<n-1)
	b.n += n
	for b.n >= 8 {
		b.n -= 8
		b.buf = append(b.buf, byte(b.acc>>b.n)) //nolint:gosec // G115: the next 8 bits are wanted
	}
	b.acc &= 1<<b.n - 1
}

// flag writes one bit.
func (b *bitWriter) flag(f bool) {
	if f {
		b.u(1, 1)
	} else {
		b.u(1, 0)
	}
}

// ue writes v as an unsigned Exp-Golomb code (clause 9.1).
func (b *bitWriter) ue(v uint32) {
	x := uint64(v) + 1
	n := uint(bits.Len64(x))
	for z := n - 1; z > 0; {
		k := min(z, 32)
		b.u(k, 0)
		z -= k
	}
	if n > 32 { // only for v = 2^32-1: a leading 1 then 32 zeros
		b.u(1, 1)
		n = 32
	}
	b.u(n, uint32(x)) //nolint:gosec // G115: the bits above 32 were written just before
}

// se writes v as a signed Exp-Golomb code (clause 9.1.1: k > 0 maps to
// 2k-1, k <= 0 to -2k).
func (b *bitWriter) se(v int32) {
	if v > 0 {
		b.ue(uint32(v)*2 - 1)
	} else {
		b.ue(uint32(-int64(v)) * 2) //nolint:gosec // G115: -v of an int32 fits an int64, and twice it a uint32 for the values used here
	}
}

// code writes a variable-length code given as (value, length).
func (b *bitWriter) code(c vlc) { b.u(uint(c.len), uint32(c.bits)) }

// trailing writes rbsp_trailing_bits (a 1 then zeros to a byte boundary)
// and returns the RBSP.
func (b *bitWriter) trailing() []byte {
	b.u(1, 1)
	if b.n > 0 {
		b.u(8-b.n, 0)
	}
	return b.buf
}

// bitLen is the number of bits written so far.
func (b *bitWriter) bitLen() int { return len(b.buf)*8 + int(b.n) }

// nalUnit wraps an RBSP into a NAL unit (clause 7.3.1): the one-byte header
// then the payload with emulation_prevention_three_byte inserted wherever
// two zero bytes are followed by a byte <= 3.
func nalUnit(refIdc, typ byte, rbsp []byte) []byte {
	out := make([]byte, 0, len(rbsp)+len(rbsp)/64+2)
	out = append(out, refIdc<<5|typ)
	zeros := 0
	for _, c := range rbsp {
		if zeros >= 2 && c <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}
