package transport

import (
	"testing"
	"time"
)

func TestSetting(t *testing.T) {
	for _, tc := range []struct{ v, want int }{{0, 5}, {-1, 0}, {-100, 0}, {1, 1}, {7, 7}} {
		if got := Setting(tc.v, 5); got != tc.want {
			t.Errorf("Setting(%d, 5) = %d, want %d", tc.v, got, tc.want)
		}
	}
	if got := Setting(time.Duration(0), time.Minute); got != time.Minute {
		t.Errorf("Setting(0, 1m) = %s", got)
	}
}

func TestWaitRange(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct{ lo, hi, wantLo, wantHi time.Duration }{
		{0, 0, 1 * s, 30 * s},
		{-s, -s, 1 * s, 30 * s},
		{2 * s, 0, 2 * s, 30 * s},
		{0, 10 * s, 1 * s, 10 * s},
		{40 * s, 0, 40 * s, 40 * s}, // an inverted range is repaired
		{5 * s, 3 * s, 5 * s, 5 * s},
	} {
		lo, hi := WaitRange(tc.lo, tc.hi, s, 30*s)
		if lo != tc.wantLo || hi != tc.wantHi {
			t.Errorf("WaitRange(%s, %s) = %s, %s; want %s, %s", tc.lo, tc.hi, lo, hi, tc.wantLo, tc.wantHi)
		}
	}
}
