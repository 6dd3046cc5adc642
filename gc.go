package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// gcHeadroom is the least heap growth allowed between two collections
// (bytes). A provider is a short-lived process whose live heap is small
// (a few MB to a few tens of MB) while a plan of many resources allocates
// several MB per resource in the framework's schema walks: with the default
// GOGC=100 the collector then runs every few MB and takes a quarter of the
// provider's CPU. Letting the heap grow by at least this much, and by the
// live heap (GOGC=100) once that is larger, spends less CPU on collection
// while peak memory stays within live heap + max(gcHeadroom, live heap).
const gcHeadroom = 40 << 20

// tuneGC sets GOGC after every collection so that the next one starts
// once the heap has grown by max(gcHeadroom, live heap). A GOGC or
// GOMEMLIMIT in the environment is the user's choice and is left alone.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	t := &gcTuner{sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}, percent: 100}
	t.adjust(0)
	t.arm()
}

type gcTuner struct {
	sample  []metrics.Sample
	percent int
}

// arm asks to be called after the next collection: the cleanup of an
// unreachable object runs once a collection has found it unreachable.
func (t *gcTuner) arm() {
	runtime.AddCleanup(new([16]byte), func(t *gcTuner) {
		metrics.Read(t.sample)
		var live uint64
		if t.sample[0].Value.Kind() == metrics.KindUint64 {
			live = t.sample[0].Value.Uint64()
		}
		t.adjust(live)
		t.arm()
	}, t)
}

// adjust sets GOGC for a live heap of live bytes (only when it changes).
func (t *gcTuner) adjust(live uint64) {
	p := gcPercentFor(live)
	if p != t.percent {
		debug.SetGCPercent(p)
		t.percent = p
	}
}

// gcPercentFor is the GOGC that lets a live heap of live bytes grow by
// max(gcHeadroom, live) before the next collection, rounded down to a
// multiple of 50 so that small changes of the live heap do not reset it,
// and at most 1600.
func gcPercentFor(live uint64) int {
	const floor = 4 << 20 // the runtime's minimum heap; below it the percentage means nothing
	live = max(live, floor)
	p := min(uint64(gcHeadroom)*100/live, 1600) // live >= 4 MiB: at most 1000 with 40 MiB
	return max(int(p/50*50), 100)
}
