package transport

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestHooksOr(t *testing.T) {
	errSet := errors.New("the configured sleep")
	set := SleepFunc(func(context.Context, time.Duration) error { return errSet })
	def := SleepFunc(func(context.Context, time.Duration) error { return nil })
	for _, tc := range []struct {
		name  string
		sleep SleepFunc
		want  error
	}{
		{"nil takes the default", nil, nil},
		{"a set hook is kept", set, errSet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sleep.Or(def)(context.Background(), time.Second); !errors.Is(got, tc.want) {
				t.Fatalf("Or(def)() = %v, want %v", got, tc.want)
			}
		})
	}

	if r := RandFunc(nil).Or(rand.Float64)(); r < 0 || r >= 1 {
		t.Errorf("default jitter %v outside [0,1)", r)
	}
	if r := RandFunc(func() float64 { return 0.25 }).Or(rand.Float64)(); r != 0.25 {
		t.Errorf("set jitter = %v, want 0.25", r)
	}
	before := time.Now()
	if now := NowFunc(nil).Or(time.Now)(); now.Before(before) {
		t.Errorf("default clock %v is before %v", now, before)
	}
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if now := NowFunc(func() time.Time { return fixed }).Or(time.Now)(); !now.Equal(fixed) {
		t.Errorf("set clock = %v, want %v", now, fixed)
	}
}

func TestClientHooksTakeDefaults(t *testing.T) {
	c := New(Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("default Sleep on an ended context = %v, want context.Canceled", err)
	}
	if err := c.BusyWait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("default BusyWait on an ended context = %v, want context.Canceled", err)
	}
	if j := c.Jitter(); j < 0 || j >= 1 {
		t.Errorf("default Jitter %v outside [0,1)", j)
	}
	var slept []time.Duration
	c = New(Config{Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }})
	_ = c.Sleep(context.Background(), time.Second)
	_ = c.BusyWait(context.Background(), 2*time.Second)
	if len(slept) != 2 || slept[0] != time.Second || slept[1] != 2*time.Second {
		t.Errorf("BusyWait should default to the configured Sleep; slept %v", slept)
	}
}
