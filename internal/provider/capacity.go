package provider

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// capacityGate paces the creates of one provider process against the
// account's capacity (useapi.net runs at most maxJobs tasks per account and
// answers 429 beyond that). All resources of an apply share the provider
// instance, so when one of them sees its task finish, the gate hands the
// freed slot to exactly one waiting create instead of letting every waiting
// create retry at once (no thundering herd), and new creates queue behind a
// full account instead of collecting 429s of their own.
//
// Every wait is also bounded by a timer, because slots are freed by tasks
// this process does not watch too (other pipelines, the Runway web app).
type capacityGate struct {
	mu      sync.Mutex
	full    bool
	waiters []chan struct{}
	// fallback bounds the wait of a create queued behind a full account
	// when no slot is announced; the transport passes its own (jittered)
	// wait to busyWait.
	fallback time.Duration
}

func newCapacityGate() *capacityGate {
	return &capacityGate{fallback: defaultBusyRetryInterval}
}

// busyWait is the transport's hook after a create was refused with 429: it
// records that the account is full and waits for a freed slot or d.
func (g *capacityGate) busyWait(ctx context.Context, d time.Duration) error {
	g.mu.Lock()
	g.full = true
	g.mu.Unlock()
	return g.wait(ctx, d)
}

// beforeSubmit waits for a slot when an earlier create of this process was
// refused for capacity and no slot has been freed since.
func (g *capacityGate) beforeSubmit(ctx context.Context) error {
	g.mu.Lock()
	full := g.full
	d := g.fallback
	g.mu.Unlock()
	if !full {
		return nil
	}
	// Spread the creates queued at the same moment over the fallback window.
	return g.wait(ctx, d+time.Duration(rand.Int64N(int64(d)+1)))
}

// submitted records an accepted create: if nobody is queued, the account
// evidently had room.
func (g *capacityGate) submitted() {
	g.mu.Lock()
	if len(g.waiters) == 0 {
		g.full = false
	}
	g.mu.Unlock()
}

// release announces that a task of this process reached a terminal status:
// one queued create (the longest waiting) may go.
func (g *capacityGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.waiters) == 0 {
		g.full = false
		return
	}
	ch := g.waiters[0]
	g.waiters = g.waiters[1:]
	close(ch)
}

func (g *capacityGate) wait(ctx context.Context, d time.Duration) error {
	ch := make(chan struct{})
	g.mu.Lock()
	g.waiters = append(g.waiters, ch)
	g.mu.Unlock()

	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ch:
		return nil
	case <-timer.C:
	case <-ctx.Done():
	}
	g.mu.Lock()
	for i, w := range g.waiters {
		if w == ch {
			g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
			break
		}
	}
	g.mu.Unlock()
	return ctx.Err()
}

// queued reports how many creates wait for a slot (tests, logs).
func (g *capacityGate) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiters)
}
