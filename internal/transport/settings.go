package transport

import "time"

// Setting returns the effective value of a count or duration setting under
// the convention of this module's configuration: 0 means def, and a
// negative value means none (0), e.g. no retries or no attempt timeout.
func Setting[T ~int | ~int64](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// WaitRange returns the effective bounds of a wait configured as lo..hi:
// a bound that is zero or negative takes its default, and hi is raised to
// lo when below it, so that a half-configured range still behaves sensibly.
func WaitRange(lo, hi, defLo, defHi time.Duration) (time.Duration, time.Duration) {
	if lo <= 0 {
		lo = defLo
	}
	if hi <= 0 {
		hi = defHi
	}
	return lo, max(hi, lo)
}
