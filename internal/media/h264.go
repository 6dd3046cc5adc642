package media

import (
	"bytes"
	"image"
)

// h264Encoder writes a grayscale H.264 Constrained Baseline stream
// (ITU-T H.264 Annex A, profile_idc 66 with constraint_set0 and 1): one
// slice per picture, CAVLC, deblocking off, at a fixed QP. It knows two
// kinds of macroblocks only:
//
//   - I_16x16 with DC prediction (luma and chroma), which is valid whatever
//     neighbours a macroblock has; its residual is the Intra16x16 DC (a
//     Hadamard-transformed 4x4 of the blocks' DCs) plus, when any is
//     nonzero, the 16 AC blocks;
//   - P_Skip in P pictures, which copies the co-located macroblock of the
//     previous picture: its predicted motion vector (clause 8.4.1.1) is
//     zero, since its neighbours are absent, intra or P_Skip with a zero
//     vector themselves.
//
// Chroma is never coded: DC prediction of a picture that starts at 128
// stays 128, so pictures are gray. The encoder reconstructs every picture
// exactly as a decoder does (deblocking is off, so the decoder's output is
// that reconstruction, byte for byte), since intra prediction reads the
// reconstructed neighbours.
type h264Encoder struct {
	width, height int // displayed size, both even
	mbW, mbH      int // size in macroblocks
	stride        int // mbW*16: the width of src, prev and recon
	level         byte

	src, prev []byte  // padded source of the current and the previous picture
	recon     []byte  // decoded luma of the last picture
	nz        []uint8 // TotalCoeff of each 4x4 luma block of the current picture
	// reconFlat is, per macroblock, the value of all its reconstructed
	// samples when intraMB coded it without a residual, else -1; pending
	// lists the macroblocks of the current row whose reconstruction
	// flushFlat has yet to write.
	reconFlat []int16
	pending   []int
	vrow      []byte // a row of one value (rowOf)
	frameNum  uint32
	idrPicID  uint32
	coded     int // macroblocks intra coded by the last encode
}

const (
	// h264QP is the quantiser of every macroblock: flat grays are exact
	// and the 7x13 font stays crisp, at tens of KB per distinct picture.
	h264QP = 28
	// h264FrameNumBits is log2_max_frame_num: frame_num counts pictures
	// since the last IDR modulo 256.
	h264FrameNumBits = 8
)

// h264Levels are ITU-T H.264 Table A-1's MaxMBPS and MaxFS per level_idc.
var h264Levels = []struct {
	idc            byte
	maxMBPS, maxFS int
}{
	{10, 1485, 99}, {11, 3000, 396}, {12, 6000, 396}, {13, 11880, 396},
	{20, 11880, 396}, {21, 19800, 792}, {22, 20250, 1620},
	{30, 40500, 1620}, {31, 108000, 3600}, {32, 216000, 5120},
	{40, 245760, 8192}, {42, 522240, 8704},
	{50, 589824, 22080}, {51, 983040, 36864}, {52, 2073600, 36864},
	{60, 4177920, 139264}, {61, 8355840, 139264}, {62, 16711680, 139264},
}

// h264Level is the lowest level whose frame size, macroblock rate and
// frame width and height limits (clause A.3.1: each side at most
// sqrt(8*MaxFS) macroblocks) admit mbW×mbH macroblocks at fps.
func h264Level(mbW, mbH, fps int) byte {
	fs := mbW * mbH
	for _, l := range h264Levels {
		if fs <= l.maxFS && fs*fps <= l.maxMBPS && mbW*mbW <= 8*l.maxFS && mbH*mbH <= 8*l.maxFS {
			return l.idc
		}
	}
	return 62
}

// newH264Encoder returns an encoder of width×height pictures (both even,
// 16..4096) at fps frames per second.
func newH264Encoder(width, height, fps int) *h264Encoder {
	mbW, mbH := (width+15)/16, (height+15)/16
	n := mbW * 16 * mbH * 16
	return &h264Encoder{
		width: width, height: height, mbW: mbW, mbH: mbH, stride: mbW * 16,
		level: h264Level(mbW, mbH, fps),
		src:   make([]byte, n), prev: make([]byte, n), recon: make([]byte, n),
		nz: make([]uint8, mbW*4*mbH*4), reconFlat: make([]int16, mbW*mbH),
	}
}

// sps is the sequence parameter set NAL unit (clause 7.3.2.1.1).
func (e *h264Encoder) sps() []byte {
	var b bitWriter
	b.u(8, 66)   // profile_idc: Baseline
	b.u(8, 0xc0) // constraint_set0_flag and constraint_set1_flag: Constrained Baseline
	b.u(8, uint32(e.level))
	b.ue(0)                    // seq_parameter_set_id
	b.ue(h264FrameNumBits - 4) // log2_max_frame_num_minus4
	b.ue(2)                    // pic_order_cnt_type 2: output order is decoding order
	b.ue(1)                    // max_num_ref_frames
	b.flag(false)              // gaps_in_frame_num_value_allowed_flag
	b.ue(uint32(e.mbW - 1))    //nolint:gosec // G115: 0..255
	b.ue(uint32(e.mbH - 1))    //nolint:gosec // G115: 0..255
	b.flag(true)               // frame_mbs_only_flag
	b.flag(true)               // direct_8x8_inference_flag
	cropX, cropY := e.mbW*16-e.width, e.mbH*16-e.height
	b.flag(cropX != 0 || cropY != 0) // frame_cropping_flag
	if cropX != 0 || cropY != 0 {
		// Offsets count chroma samples (2 luma samples in 4:2:0).
		b.ue(0)
		b.ue(uint32(cropX / 2)) //nolint:gosec // G115: 0..7
		b.ue(0)
		b.ue(uint32(cropY / 2)) //nolint:gosec // G115: 0..7
	}
	b.flag(false) // vui_parameters_present_flag
	return nalUnit(3, 7, b.trailing())
}

// pps is the picture parameter set NAL unit (clause 7.3.2.2).
func (e *h264Encoder) pps() []byte {
	var b bitWriter
	b.ue(0)           // pic_parameter_set_id
	b.ue(0)           // seq_parameter_set_id
	b.flag(false)     // entropy_coding_mode_flag: CAVLC
	b.flag(false)     // bottom_field_pic_order_in_frame_present_flag
	b.ue(0)           // num_slice_groups_minus1
	b.ue(0)           // num_ref_idx_l0_default_active_minus1
	b.ue(0)           // num_ref_idx_l1_default_active_minus1
	b.flag(false)     // weighted_pred_flag
	b.u(2, 0)         // weighted_bipred_idc
	b.se(h264QP - 26) // pic_init_qp_minus26
	b.se(0)           // pic_init_qs_minus26
	b.se(0)           // chroma_qp_index_offset
	b.flag(true)      // deblocking_filter_control_present_flag
	b.flag(false)     // constrained_intra_pred_flag
	b.flag(false)     // redundant_pic_cnt_present_flag
	return nalUnit(3, 8, b.trailing())
}

// sliceHeader writes slice_header (clause 7.3.3) of the next picture.
func (e *h264Encoder) sliceHeader(b *bitWriter, idr bool) {
	b.ue(0) // first_mb_in_slice
	if idr {
		b.ue(7) // slice_type: I, as every slice of the picture
	} else {
		b.ue(5) // slice_type: P, as every slice of the picture
	}
	b.ue(0) // pic_parameter_set_id
	b.u(h264FrameNumBits, e.frameNum)
	if idr {
		b.ue(e.idrPicID)
	} else {
		b.flag(false) // num_ref_idx_active_override_flag
		b.flag(false) // ref_pic_list_modification_flag_l0
	}
	// dec_ref_pic_marking: every picture is a reference (nal_ref_idc > 0).
	if idr {
		b.flag(false) // no_output_of_prior_pics_flag
		b.flag(false) // long_term_reference_flag
	} else {
		b.flag(false) // adaptive_ref_pic_marking_mode_flag: sliding window
	}
	b.se(0) // slice_qp_delta
	b.ue(1) // disable_deblocking_filter_idc: off
}

// endPicture returns the NAL unit of a picture whose slice data b holds
// and advances frame_num.
func (e *h264Encoder) endPicture(b *bitWriter, idr bool) []byte {
	var nal []byte
	if idr {
		nal = nalUnit(3, 5, b.trailing())
		e.idrPicID ^= 1 // consecutive IDR pictures need different ids
	} else {
		nal = nalUnit(2, 1, b.trailing())
	}
	e.frameNum = (e.frameNum + 1) % (1 << h264FrameNumBits)
	return nal
}

// encode codes img (width×height) as the next picture and returns its NAL
// unit. An IDR picture codes every macroblock; a P picture codes the
// macroblocks whose pixels changed since the previous picture and skips
// the others.
func (e *h264Encoder) encode(img *image.Gray, idr bool) []byte {
	e.next()
	e.load(img)
	return e.code(idr)
}

// next makes the previous picture's source prev and returns the buffer of
// the next one, (mbW*16)×(mbH*16) samples of stride e.stride, for the
// caller to fill before calling code.
func (e *h264Encoder) next() []byte {
	e.src, e.prev = e.prev, e.src
	return e.src
}

// code codes the picture next's buffer holds; see encode.
func (e *h264Encoder) code(idr bool) []byte {
	if idr {
		e.frameNum = 0
	}
	clear(e.nz)
	var b bitWriter
	e.sliceHeader(&b, idr)
	e.coded = 0
	skipRun := uint32(0)
	for mby := range e.mbH {
		// A band of 16 rows is compared whole first: most bands of a
		// frame are one gray, and most are unchanged in a P picture.
		bandV := e.bandFlat(mby)
		same := !idr && e.bandSame(mby)
		for mbx := range e.mbW {
			if !idr && (same || !e.changed(mbx, mby)) {
				skipRun++
				continue
			}
			if !idr {
				b.ue(skipRun) // mb_skip_run
				skipRun = 0
			}
			e.intraMB(&b, mbx, mby, !idr, bandV)
			e.coded++
		}
		e.flushFlat(mby)
	}
	if skipRun > 0 {
		b.ue(skipRun)
	}
	return e.endPicture(&b, idr)
}

// repeat codes a P picture that skips every macroblock: the previous
// picture again.
func (e *h264Encoder) repeat() []byte {
	var b bitWriter
	e.sliceHeader(&b, false)
	b.ue(uint32(e.mbW * e.mbH)) //nolint:gosec // G115: at most 65536
	e.coded = 0
	return e.endPicture(&b, false)
}

// load copies img into src, repeating the last column and row into the
// padding up to whole macroblocks.
func (e *h264Encoder) load(img *image.Gray) {
	s := e.stride
	for y := range e.mbH * 16 {
		row := e.src[y*s : (y+1)*s]
		sy := min(y, e.height-1)
		in := img.Pix[sy*img.Stride : sy*img.Stride+e.width]
		copy(row, in)
		fill(row[e.width:], in[e.width-1])
	}
}

// changed reports whether macroblock (mbx, mby) differs between src and
// prev. (Comparisons and fills go through bytes.Equal and copy, a call per
// row rather than a load per byte: much cheaper under the race detector,
// which the simulator's tests run with.)
func (e *h264Encoder) changed(mbx, mby int) bool {
	s := e.stride
	for y := mby * 16; y < mby*16+16; y++ {
		o := y*s + mbx*16
		if !bytes.Equal(e.src[o:o+16], e.prev[o:o+16]) {
			return true
		}
	}
	return false
}

// bandSame reports whether the 16 rows of macroblock row mby are the same
// in src and prev.
func (e *h264Encoder) bandSame(mby int) bool {
	s := e.stride
	return bytes.Equal(e.src[mby*16*s:(mby+1)*16*s], e.prev[mby*16*s:(mby+1)*16*s])
}

// rowOf returns a row of stride samples of value v.
func (e *h264Encoder) rowOf(v byte) []byte {
	if e.vrow == nil || e.vrow[0] != v {
		if e.vrow == nil {
			e.vrow = make([]byte, e.stride)
		}
		fill(e.vrow, v)
	}
	return e.vrow
}

// bandFlat returns the value of every source sample of macroblock row
// mby, or -1 when they are not all one value.
func (e *h264Encoder) bandFlat(mby int) int32 {
	s := e.stride
	v := e.src[mby*16*s]
	row := e.rowOf(v)
	for y := mby * 16; y < mby*16+16; y++ {
		if !bytes.Equal(e.src[y*s:(y+1)*s], row) {
			return -1
		}
	}
	return int32(v)
}

// flushFlat writes the reconstruction of the macroblocks of row mby that
// took the flat path (their value is in reconFlat, pending in e.pending),
// a copy per row and run of equal macroblocks.
func (e *h264Encoder) flushFlat(mby int) {
	s := e.stride
	for i := 0; i < len(e.pending); {
		j, v := i+1, e.reconFlat[mby*e.mbW+e.pending[i]]
		for j < len(e.pending) && e.pending[j] == e.pending[j-1]+1 && e.reconFlat[mby*e.mbW+e.pending[j]] == v {
			j++
		}
		x0, x1 := e.pending[i]*16, (e.pending[j-1]+1)*16
		row := e.rowOf(byte(v)) //nolint:gosec // G115: a sample value
		for y := mby * 16; y < mby*16+16; y++ {
			copy(e.recon[y*s+x0:y*s+x1], row)
		}
		i = j
	}
	e.pending = e.pending[:0]
}

// reconSum is the sum of the 16 reconstructed samples above (top) or left
// of macroblock (mbx, mby), from reconFlat when that neighbour is flat.
func (e *h264Encoder) reconSum(mbx, mby int, top bool) int32 {
	s := e.stride
	n := mby*e.mbW + mbx
	if top {
		n -= e.mbW
	} else {
		n--
	}
	if v := e.reconFlat[n]; v >= 0 {
		return 16 * int32(v)
	}
	sum := int32(0)
	if top {
		for _, p := range e.recon[(mby*16-1)*s+mbx*16 : (mby*16-1)*s+mbx*16+16] {
			sum += int32(p)
		}
		return sum
	}
	for y := mby * 16; y < mby*16+16; y++ {
		sum += int32(e.recon[y*s+mbx*16-1])
	}
	return sum
}

// zigzag maps scanning position to the raster index (x + 4y) of a 4x4
// block (clause 8.5.6, frame macroblocks).
var zigzag = [16]int{0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15}

// Quantisation at h264QP (clause 8.5.9 and its usual forward counterpart):
// mf are the forward multipliers, v the decoder's normAdjust4x4, by
// position class: (even, even), (odd, odd), mixed.
var (
	h264MF = [6][3]int32{
		{13107, 5243, 8066}, {11916, 4660, 7490}, {10082, 4194, 6554},
		{9362, 3647, 5825}, {8192, 3355, 5243}, {7282, 2893, 4559},
	}
	h264V = [6][3]int32{
		{10, 16, 13}, {11, 18, 14}, {13, 20, 16},
		{14, 23, 18}, {16, 25, 20}, {18, 29, 23},
	}
)

// posClass is the class of raster position p of a 4x4 block.
func posClass(p int) int {
	x, y := p&3, p>>2
	switch {
	case x&1 == 0 && y&1 == 0:
		return 0
	case x&1 == 1 && y&1 == 1:
		return 1
	}
	return 2
}

// Per raster position at h264QP: the forward multiplier and the decoder's
// scale (16·normAdjust4x4, the flat weight scale times v).
var h264MFAt, h264ScaleAt = func() (mf, ls [16]int32) {
	for p := range 16 {
		mf[p] = h264MF[h264QP%6][posClass(p)]
		ls[p] = 16 * h264V[h264QP%6][posClass(p)]
	}
	return mf, ls
}()

// quantAC quantises the coefficient at raster position p (intra rounding:
// a third of a step).
func quantAC(w int32, p int) int32 {
	const qbits = 15 + h264QP/6
	z := min((abs32(w)*h264MFAt[p]+(1<<qbits)/3)>>qbits, maxLevel)
	if w < 0 {
		return -z
	}
	return z
}

// quantDC quantises a Hadamard-transformed Intra16x16 DC coefficient.
func quantDC(y int32) int32 {
	const qbits = 15 + h264QP/6
	z := min((abs32(y)*h264MFAt[0]+2*((1<<qbits)/3))>>(qbits+1), maxLevel)
	if y < 0 {
		return -z
	}
	return z
}

// dequantAC is the decoder's scaling of an AC level (clause 8.5.12.1).
func dequantAC(c int32, p int) int32 {
	qp := h264QP // a variable: the branch not taken would shift by a negative constant
	if qp >= 24 {
		return c * h264ScaleAt[p] << (qp/6 - 4)
	}
	return (c*h264ScaleAt[p] + 1<<(3-qp/6)) >> (4 - qp/6)
}

// dequantDC is the decoder's scaling of an inverse-Hadamard Intra16x16 DC
// value (clause 8.5.10).
func dequantDC(f int32) int32 {
	qp := h264QP // a variable: the branch not taken would shift by a negative constant
	if qp >= 36 {
		return f * h264ScaleAt[0] << (qp/6 - 6)
	}
	return (f*h264ScaleAt[0] + 1<<(5-qp/6)) >> (6 - qp/6)
}

// fdct4 is the forward 4x4 core transform Cf·X·Cfᵀ, in place.
func fdct4(d *[16]int32) {
	for i := 0; i < 16; i += 4 { // rows
		s03, d03 := d[i]+d[i+3], d[i]-d[i+3]
		s12, d12 := d[i+1]+d[i+2], d[i+1]-d[i+2]
		d[i], d[i+1], d[i+2], d[i+3] = s03+s12, 2*d03+d12, s03-s12, d03-2*d12
	}
	for i := range 4 { // columns
		s03, d03 := d[i]+d[i+12], d[i]-d[i+12]
		s12, d12 := d[i+4]+d[i+8], d[i+4]-d[i+8]
		d[i], d[i+4], d[i+8], d[i+12] = s03+s12, 2*d03+d12, s03-s12, d03-2*d12
	}
}

// idct4 is the decoder's inverse 4x4 transform (clause 8.5.12.2) with its
// final (x+32)>>6, in place.
func idct4(d *[16]int32) {
	for i := 0; i < 16; i += 4 { // rows
		e0, e1 := d[i]+d[i+2], d[i]-d[i+2]
		e2, e3 := d[i+1]>>1-d[i+3], d[i+1]+d[i+3]>>1
		d[i], d[i+1], d[i+2], d[i+3] = e0+e3, e1+e2, e1-e2, e0-e3
	}
	for i := range 4 { // columns
		e0, e1 := d[i]+d[i+8], d[i]-d[i+8]
		e2, e3 := d[i+4]>>1-d[i+12], d[i+4]+d[i+12]>>1
		d[i], d[i+4], d[i+8], d[i+12] = (e0+e3+32)>>6, (e1+e2+32)>>6, (e1-e2+32)>>6, (e0-e3+32)>>6
	}
}

// hadamard4 is the 4x4 Hadamard transform H·X·H (its own inverse up to a
// factor 16), in place.
func hadamard4(d *[16]int32) {
	for i := 0; i < 16; i += 4 {
		s01, d01 := d[i]+d[i+1], d[i]-d[i+1]
		s23, d23 := d[i+2]+d[i+3], d[i+2]-d[i+3]
		d[i], d[i+1], d[i+2], d[i+3] = s01+s23, s01-s23, d01-d23, d01+d23
	}
	for i := range 4 {
		s01, d01 := d[i]+d[i+4], d[i]-d[i+4]
		s23, d23 := d[i+8]+d[i+12], d[i+8]-d[i+12]
		d[i], d[i+4], d[i+8], d[i+12] = s01+s23, s01-s23, d01-d23, d01+d23
	}
}

// blkXY is the position (in 4x4 blocks) of luma4x4BlkIdx i in its
// macroblock (clause 6.4.3).
func blkXY(i int) (int, int) {
	i8, b := i>>2, i&3
	return (i8&1)*2 + b&1, (i8>>1)*2 + b>>1
}

// nC is the coeff_token context of the 4x4 block at (gx, gy), in blocks
// from the picture's top left (clause 9.2.1): the rounded mean of the
// TotalCoeff of the blocks left and above that exist. Skipped macroblocks
// count as 0, which clear(e.nz) gave them.
func (e *h264Encoder) nC(gx, gy int) int {
	w := e.mbW * 4
	switch {
	case gx > 0 && gy > 0:
		return (int(e.nz[gy*w+gx-1]) + int(e.nz[(gy-1)*w+gx]) + 1) >> 1
	case gx > 0:
		return int(e.nz[gy*w+gx-1])
	case gy > 0:
		return int(e.nz[(gy-1)*w+gx])
	}
	return 0
}

// intraMB codes macroblock (mbx, mby) as I_16x16 with DC prediction
// (macroblock_layer, clause 7.3.5) and writes its reconstruction.
//
// bandV is the value of every sample of the macroblock's row of
// macroblocks, or -1. A macroblock its prediction matches exactly is
// coded without a residual and its reconstruction is left to flushFlat.
func (e *h264Encoder) intraMB(b *bitWriter, mbx, mby int, inP bool, bandV int32) {
	s := e.stride
	x0, y0 := mbx*16, mby*16

	// Intra_16x16 DC prediction (clause 8.3.3.3) from reconstructed samples.
	sum := int32(0)
	if mby > 0 {
		sum += e.reconSum(mbx, mby, true)
	}
	if mbx > 0 {
		sum += e.reconSum(mbx, mby, false)
	}
	var pred int32
	switch {
	case mbx > 0 && mby > 0:
		pred = (sum + 16) >> 5
	case mbx > 0 || mby > 0:
		pred = (sum + 8) >> 4
	default:
		pred = 128
	}

	gx0, gy0 := mbx*4, mby*4
	mb := mby*e.mbW + mbx
	if pred == bandV || (bandV < 0 && e.flat(x0, y0, pred)) {
		// The prediction is exact: no residual, nothing to transform.
		mbType := uint32(3)
		if inP {
			mbType += 5
		}
		b.ue(mbType)
		b.ue(0)                                  // intra_chroma_pred_mode: DC
		b.se(0)                                  // mb_qp_delta
		b.code(coeffToken(e.nC(gx0, gy0), 0, 0)) // Intra16x16DCLevel: no coefficients
		e.reconFlat[mb] = int16(pred)            //nolint:gosec // G115: a sample value
		e.pending = append(e.pending, mbx)
		return
	}
	e.reconFlat[mb] = -1

	// Transform and quantise: blocks in raster order (by*4+bx).
	var blocks [16][16]int32
	var dc [16]int32
	for k := range blocks {
		bx, by := k&3, k>>2
		d := &blocks[k]
		for y := range 4 {
			o := (y0+by*4+y)*s + x0 + bx*4
			for x := range 4 {
				d[y*4+x] = int32(e.src[o+x]) - pred
			}
		}
		fdct4(d)
		dc[k] = d[0]
	}
	hadamard4(&dc)
	for k := range dc {
		dc[k] = quantDC(dc[k] >> 1)
	}
	anyAC := false
	for k := range blocks {
		d := &blocks[k]
		d[0] = 0
		for p := 1; p < 16; p++ {
			d[p] = quantAC(d[p], p)
			anyAC = anyAC || d[p] != 0
		}
	}

	// Syntax: mb_type I_16x16_2_0_0 (DC, no chroma, no luma AC) or
	// I_16x16_2_0_1 (luma AC), offset by 5 in P slices.
	mbType := uint32(3)
	if anyAC {
		mbType += 12
	}
	if inP {
		mbType += 5
	}
	b.ue(mbType)
	b.ue(0) // intra_chroma_pred_mode: DC
	b.se(0) // mb_qp_delta
	var scan [16]int32
	for k := range 16 {
		scan[k] = dc[zigzag[k]]
	}
	writeResidualBlock(b, scan[:], e.nC(gx0, gy0)) // Intra16x16DCLevel
	w4 := e.mbW * 4
	if anyAC {
		for i := range 16 {
			bx, by := blkXY(i)
			d := &blocks[by*4+bx]
			for k := 1; k < 16; k++ {
				scan[k-1] = d[zigzag[k]]
			}
			n := writeResidualBlock(b, scan[:15], e.nC(gx0+bx, gy0+by)) // Intra16x16ACLevel
			e.nz[(gy0+by)*w4+gx0+bx] = uint8(n)                         //nolint:gosec // G115: at most 15
		}
	}

	// Reconstruct as the decoder does (clauses 8.5.10, 8.5.12, 8.5.14).
	hadamard4(&dc)
	for k := range blocks {
		d := &blocks[k]
		for p := 1; p < 16; p++ {
			d[p] = dequantAC(d[p], p)
		}
		d[0] = dequantDC(dc[k])
		idct4(d)
		bx, by := k&3, k>>2
		for y := range 4 {
			o := (y0+by*4+y)*s + x0 + bx*4
			for x := range 4 {
				e.recon[o+x] = clip255(pred + d[y*4+x])
			}
		}
	}
}

// flat reports whether every sample of the macroblock at (x0, y0) of src
// is v.
func (e *h264Encoder) flat(x0, y0 int, v int32) bool {
	if int32(e.src[y0*e.stride+x0]) != v {
		return false
	}
	row := e.rowOf(byte(v))[:16] //nolint:gosec // G115: a sample value
	for y := y0; y < y0+16; y++ {
		if !bytes.Equal(e.src[y*e.stride+x0:y*e.stride+x0+16], row) {
			return false
		}
	}
	return true
}

func clip255(v int32) byte {
	return byte(max(0, min(255, v))) //nolint:gosec // G115: clamped to 0..255
}

// reconstruction returns the displayed part of the last picture's decoded
// luma, width×height.
func (e *h264Encoder) reconstruction() []byte {
	out := make([]byte, 0, e.width*e.height)
	for y := range e.height {
		out = append(out, e.recon[y*e.stride:y*e.stride+e.width]...)
	}
	return out
}
