package provider

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// While creates queue behind a full account, the fallback timers must not
// turn the queue into a stream of 429s: a queued create that is not the
// longest waiting keeps its place when its timer fires (only the head of the
// queue probes the account), so a queue of any length costs at most one
// probe per interval.
func TestReliability_capacityGateOnlyTheHeadProbes(t *testing.T) {
	g := newCapacityGate()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var returned atomic.Int32
	wait := func(d time.Duration) {
		_ = g.busyWait(ctx, d)
		returned.Add(1)
	}
	go wait(time.Hour) // the head: its timer does not fire during the test
	waitUntil(t, func() bool { return g.queued() == 1 })
	for i := 0; i < 4; i++ {
		go wait(time.Millisecond)
	}
	waitUntil(t, func() bool { return g.queued()+int(returned.Load()) == 5 })
	// Many periods of the short timers.
	time.Sleep(100 * time.Millisecond)
	if n := returned.Load(); n != 0 {
		t.Fatalf("%d queued creates behind the head left the queue on their timer to probe the account, want 0", n)
	}
	// A freed slot still goes to the head at once.
	g.release()
	waitUntil(t, func() bool { return returned.Load() >= 1 })
}
