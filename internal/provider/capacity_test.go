package provider

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCapacityGateReleaseWakesOneWaiter(t *testing.T) {
	g := newCapacityGate()
	var woken atomic.Int32
	var wg sync.WaitGroup
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.busyWait(ctx, time.Hour); err == nil {
				woken.Add(1)
			}
		}()
	}
	waitUntil(t, func() bool { return g.queued() == 3 })
	g.release()
	waitUntil(t, func() bool { return woken.Load() == 1 })
	if q := g.queued(); q != 2 {
		t.Fatalf("queued after one release = %d, want 2", q)
	}
	g.release()
	g.release()
	wg.Wait()
	if woken.Load() != 3 {
		t.Fatalf("woken = %d, want 3", woken.Load())
	}
}

func TestCapacityGateQueuesNewCreatesWhileFull(t *testing.T) {
	g := newCapacityGate()
	g.fallback = time.Hour
	if err := g.beforeSubmit(context.Background()); err != nil {
		t.Fatalf("beforeSubmit on an idle gate: %v", err)
	}
	// A 429 marks the account full.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_ = g.busyWait(ctx, time.Hour)

	done := make(chan error, 1)
	go func() { done <- g.beforeSubmit(context.Background()) }()
	waitUntil(t, func() bool { return g.queued() == 1 })
	select {
	case <-done:
		t.Fatal("beforeSubmit returned while the account was full")
	default:
	}
	g.release()
	if err := <-done; err != nil {
		t.Fatalf("beforeSubmit after release: %v", err)
	}
	// No waiter left: the next release marks the account free again.
	g.release()
	if err := g.beforeSubmit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCapacityGateWaitEndsWithContext(t *testing.T) {
	g := newCapacityGate()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.busyWait(ctx, time.Hour); err == nil {
		t.Fatal("busyWait on a cancelled context returned nil")
	}
	if g.queued() != 0 {
		t.Fatal("cancelled waiter left in the queue")
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
