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
	// handedOut counts the slots release has handed to queued creates.
	handedOut int
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
	g.handedOut++
	close(ch)
}

func (g *capacityGate) wait(ctx context.Context, d time.Duration) error {
	ch := make(chan struct{})
	g.mu.Lock()
	g.waiters = append(g.waiters, ch)
	handed := g.handedOut
	g.mu.Unlock()

	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-ch:
			return nil
		case <-ctx.Done():
			g.remove(ch)
			return ctx.Err()
		case <-timer.C:
		}
		// The timer is for slots freed outside this process. Only the
		// longest-waiting create probes the account, and only when no slot
		// was handed out since its timer was set: a queue of any length
		// then costs at most one 429 per interval, not one per create.
		g.mu.Lock()
		probe := len(g.waiters) > 0 && g.waiters[0] == ch && g.handedOut == handed
		handed = g.handedOut
		if probe {
			g.waiters = g.waiters[1:]
		}
		g.mu.Unlock()
		if probe {
			return nil
		}
		timer.Reset(d)
	}
}

// remove takes a waiter that gave up out of the queue.
func (g *capacityGate) remove(ch chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, w := range g.waiters {
		if w == ch {
			g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
			return
		}
	}
}

// queued reports how many creates wait for a slot (tests, logs).
func (g *capacityGate) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiters)
}
