package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 1000},        // below the runtime's 4 MB minimum heap
		{4 << 20, 1000},  // 40 MB of headroom over 4 MB
		{10 << 20, 400},  // 40 MB over 10 MB
		{15 << 20, 250},  // 266%, rounded down to a multiple of 50
		{40 << 20, 100},  // the live heap is the headroom: GOGC=100
		{400 << 20, 100}, // never below the default
		{1 << 10, 1000},  // tiny heaps
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("gcPercentFor(%d MB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}
