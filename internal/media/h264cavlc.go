package media

// CAVLC residual coding (ITU-T H.264 clause 9.2) for 4x4 luma blocks: the
// only blocks the encoder codes (Intra16x16DCLevel and Intra16x16ACLevel).

// vlc is a code word: its value in the low len bits.
type vlc struct {
	bits uint16
	len  uint8
}

// parseVLC turns a code written as in the standard ("000101") into a vlc.
func parseVLC(s string) vlc {
	var c vlc
	for _, r := range s {
		c.bits = c.bits<<1 | uint16(r-'0') //nolint:gosec // G115: r is '0' or '1'
		c.len++
	}
	return c
}

func parseVLCs(rows [][]string) [][]vlc {
	out := make([][]vlc, len(rows))
	for i, r := range rows {
		out[i] = make([]vlc, len(r))
		for j, s := range r {
			out[i][j] = parseVLC(s)
		}
	}
	return out
}

// coeffTokenRows are ITU-T H.264 Table 9-5 for 0 <= nC < 2, 2 <= nC < 4 and
// 4 <= nC < 8, one row per TotalCoeff (0..16), one column per TrailingOnes
// (0..3, at most TotalCoeff). nC >= 8 is a 6-bit fixed-length code.
var coeffTokenRows = [3][][]string{
	{
		{"1"},
		{"000101", "01"},
		{"00000111", "000100", "001"},
		{"000000111", "00000110", "0000101", "00011"},
		{"0000000111", "000000110", "00000101", "000011"},
		{"00000000111", "0000000110", "000000101", "0000100"},
		{"0000000001111", "00000000110", "0000000101", "00000100"},
		{"0000000001011", "0000000001110", "00000000101", "000000100"},
		{"0000000001000", "0000000001010", "0000000001101", "0000000100"},
		{"00000000001111", "00000000001110", "0000000001001", "00000000100"},
		{"00000000001011", "00000000001010", "00000000001101", "0000000001100"},
		{"000000000001111", "000000000001110", "00000000001001", "00000000001100"},
		{"000000000001011", "000000000001010", "000000000001101", "00000000001000"},
		{"0000000000001111", "000000000000001", "000000000001001", "000000000001100"},
		{"0000000000001011", "0000000000001110", "0000000000001101", "000000000001000"},
		{"0000000000000111", "0000000000001010", "0000000000001001", "0000000000001100"},
		{"0000000000000100", "0000000000000110", "0000000000000101", "0000000000001000"},
	},
	{
		{"11"},
		{"001011", "10"},
		{"000111", "00111", "011"},
		{"0000111", "001010", "001001", "0101"},
		{"00000111", "000110", "000101", "0100"},
		{"00000100", "0000110", "0000101", "00110"},
		{"000000111", "00000110", "00000101", "001000"},
		{"00000001111", "000000110", "000000101", "000100"},
		{"00000001011", "00000001110", "00000001101", "0000100"},
		{"000000001111", "00000001010", "00000001001", "000000100"},
		{"000000001011", "000000001110", "000000001101", "00000001100"},
		{"000000001000", "000000001010", "000000001001", "00000001000"},
		{"0000000001111", "0000000001110", "0000000001101", "000000001100"},
		{"0000000001011", "0000000001010", "0000000001001", "0000000001100"},
		{"0000000000111", "00000000001011", "0000000000110", "0000000001000"},
		{"00000000001001", "00000000001000", "00000000001010", "0000000000001"},
		{"00000000000111", "00000000000110", "00000000000101", "00000000000100"},
	},
	{
		{"1111"},
		{"001111", "1110"},
		{"001011", "01111", "1101"},
		{"001000", "01100", "01110", "1100"},
		{"0001111", "01010", "01011", "1011"},
		{"0001011", "01000", "01001", "1010"},
		{"0001001", "001110", "001101", "1001"},
		{"0001000", "001010", "001001", "1000"},
		{"00001111", "0001110", "0001101", "01101"},
		{"00001011", "00001110", "0001010", "001100"},
		{"000001111", "00001010", "00001101", "0001100"},
		{"000001011", "000001110", "00001001", "00001100"},
		{"000001000", "000001010", "000001101", "00001000"},
		{"0000001101", "000000111", "000001001", "000001100"},
		{"0000001001", "0000001100", "0000001011", "0000001010"},
		{"0000000101", "0000001000", "0000000111", "0000000110"},
		{"0000000001", "0000000100", "0000000011", "0000000010"},
	},
}

// totalZerosRows are ITU-T H.264 Tables 9-7 and 9-8 (4x4 blocks): row
// tzVlcIndex-1 (TotalCoeff 1..15), column total_zeros.
var totalZerosRows = [][]string{
	{"1", "011", "010", "0011", "0010", "00011", "00010", "000011", "000010", "0000011", "0000010", "00000011", "00000010", "000000011", "000000010", "000000001"},
	{"111", "110", "101", "100", "011", "0101", "0100", "0011", "0010", "00011", "00010", "000011", "000010", "000001", "000000"},
	{"0101", "111", "110", "101", "0100", "0011", "100", "011", "0010", "00011", "00010", "000001", "00001", "000000"},
	{"00011", "111", "0101", "0100", "110", "101", "100", "0011", "011", "0010", "00010", "00001", "00000"},
	{"0101", "0100", "0011", "111", "110", "101", "100", "011", "0010", "00001", "0001", "00000"},
	{"000001", "00001", "111", "110", "101", "100", "011", "010", "0001", "001", "000000"},
	{"000001", "00001", "101", "100", "011", "11", "010", "0001", "001", "000000"},
	{"000001", "0001", "00001", "011", "11", "10", "010", "001", "000000"},
	{"000001", "000000", "0001", "11", "10", "001", "01", "00001"},
	{"00001", "00000", "001", "11", "10", "01", "0001"},
	{"0000", "0001", "001", "010", "1", "011"},
	{"0000", "0001", "01", "1", "001"},
	{"000", "001", "1", "01"},
	{"00", "01", "1"},
	{"0", "1"},
}

// runBeforeRows are ITU-T H.264 Table 9-10: row min(zerosLeft, 7)-1,
// column run_before.
var runBeforeRows = [][]string{
	{"1", "0"},
	{"1", "01", "00"},
	{"11", "10", "01", "00"},
	{"11", "10", "01", "001", "000"},
	{"11", "10", "011", "010", "001", "000"},
	{"11", "000", "001", "011", "010", "101", "100"},
	{"111", "110", "101", "100", "011", "010", "001", "0001", "00001", "000001", "0000001", "00000001", "000000001", "0000000001", "00000000001"},
}

var (
	coeffTokenVLC = [3][][]vlc{parseVLCs(coeffTokenRows[0]), parseVLCs(coeffTokenRows[1]), parseVLCs(coeffTokenRows[2])}
	totalZerosVLC = parseVLCs(totalZerosRows)
	runBeforeVLC  = parseVLCs(runBeforeRows)
)

// coeffToken is the coeff_token code for a block whose nC is nC.
func coeffToken(nC, totalCoeff, trailingOnes int) vlc {
	switch {
	case nC < 2:
		return coeffTokenVLC[0][totalCoeff][trailingOnes]
	case nC < 4:
		return coeffTokenVLC[1][totalCoeff][trailingOnes]
	case nC < 8:
		return coeffTokenVLC[2][totalCoeff][trailingOnes]
	case totalCoeff == 0:
		return vlc{bits: 3, len: 6}
	default:
		return vlc{bits: uint16((totalCoeff-1)<<2 | trailingOnes), len: 6} //nolint:gosec // G115: at most 63
	}
}

// maxLevel bounds the magnitude of a coded level so that its level_prefix
// stays at most 15, as Baseline requires (clause 9.2.2.1).
const maxLevel = 2047

// writeResidualBlock writes residual_block_cavlc (clause 7.3.5.3.2) for
// coef, the block's levels in scanning order (len(coef) is maxNumCoeff:
// 16 or 15), and returns TotalCoeff. Every |level| must be <= maxLevel.
func writeResidualBlock(b *bitWriter, coef []int32, nC int) int {
	// levels and their scanning positions, highest frequency first.
	var levels [16]int32
	var pos [16]int
	total := 0
	for i := len(coef) - 1; i >= 0; i-- {
		if coef[i] != 0 {
			levels[total], pos[total] = coef[i], i
			total++
		}
	}
	trailingOnes := 0
	for trailingOnes < total && trailingOnes < 3 && (levels[trailingOnes] == 1 || levels[trailingOnes] == -1) {
		trailingOnes++
	}
	b.code(coeffToken(nC, total, trailingOnes))
	if total == 0 {
		return 0
	}
	// runs[k]: the zeros between level k and the next (lower) one, or below
	// the lowest one.
	var runs [16]int
	for k := range total {
		next := -1
		if k+1 < total {
			next = pos[k+1]
		}
		runs[k] = pos[k] - next - 1
	}

	suffixLength := uint(0)
	if total > 10 && trailingOnes < 3 {
		suffixLength = 1
	}
	for i := range total {
		lv := levels[i]
		if i < trailingOnes {
			b.flag(lv < 0)
			continue
		}
		var code int32
		if lv > 0 {
			code = 2*lv - 2
		} else {
			code = -2*lv - 1
		}
		if i == trailingOnes && trailingOnes < 3 {
			code -= 2
		}
		writeLevel(b, code, suffixLength)
		if suffixLength == 0 {
			suffixLength = 1
		}
		if abs32(lv) > 3<<(suffixLength-1) && suffixLength < 6 {
			suffixLength++
		}
	}

	totalZeros := 0 // zeros below the highest level
	for _, r := range runs[:total] {
		totalZeros += r
	}
	if total < len(coef) {
		b.code(totalZerosVLC[total-1][totalZeros])
	}
	zerosLeft := totalZeros
	for i := 0; i < total-1 && zerosLeft > 0; i++ {
		b.code(runBeforeVLC[min(zerosLeft, 7)-1][runs[i]])
		zerosLeft -= runs[i]
	}
	return total
}

// writeLevel writes level_prefix and level_suffix for levelCode (the
// trailing-ones adjustment already made) with suffixLength.
func writeLevel(b *bitWriter, levelCode int32, suffixLength uint) {
	var prefix, suffixSize uint
	var suffix int32
	switch {
	case suffixLength == 0 && levelCode < 14:
		prefix, suffixSize, suffix = uint(levelCode), 0, 0 //nolint:gosec // G115: 0..13
	case suffixLength == 0 && levelCode < 30:
		prefix, suffixSize, suffix = 14, 4, levelCode-14
	case suffixLength == 0:
		prefix, suffixSize, suffix = 15, 12, levelCode-30
	case levelCode < 15<<suffixLength:
		prefix, suffixSize, suffix = uint(levelCode>>suffixLength), suffixLength, levelCode&(1<<suffixLength-1) //nolint:gosec // G115: 0..14
	default:
		prefix, suffixSize, suffix = 15, 12, levelCode-15<<suffixLength
	}
	// level_prefix: prefix zeros then a one.
	b.u(prefix+1, 1)
	b.u(suffixSize, uint32(suffix)) //nolint:gosec // G115: 0..4095 for |level| <= maxLevel
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
