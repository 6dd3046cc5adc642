package transport

import (
	"context"
	"time"
)

// The retry, poll and download loops take their waits, jitter and clock
// through these hooks so that tests can observe and skip real time. A nil
// hook takes the default its caller names in Or.

// SleepFunc waits for d or until ctx ends, and then returns a non-nil error.
type SleepFunc func(ctx context.Context, d time.Duration) error

// Or returns s, or def when s is nil.
func (s SleepFunc) Or(def SleepFunc) SleepFunc {
	if s == nil {
		return def
	}
	return s
}

// RandFunc returns jitter in [0,1).
type RandFunc func() float64

// Or returns r, or def when r is nil.
func (r RandFunc) Or(def RandFunc) RandFunc {
	if r == nil {
		return def
	}
	return r
}

// NowFunc reads the clock.
type NowFunc func() time.Time

// Or returns n, or def when n is nil.
func (n NowFunc) Or(def NowFunc) NowFunc {
	if n == nil {
		return def
	}
	return n
}

// SleepContext waits for d or until ctx is done, whichever comes first, and
// returns ctx.Err() in the latter case.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
