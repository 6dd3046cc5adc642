package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
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

// fakeWatcher reports tasks done once they are in done.
type fakeWatcher struct {
	mu    sync.Mutex
	done  map[string]bool
	polls map[string]int
}

func (f *fakeWatcher) taskDone(_ context.Context, id string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls[id]++
	return f.done[id], nil
}

func (f *fakeWatcher) finish(id string) {
	f.mu.Lock()
	f.done[id] = true
	f.mu.Unlock()
}

// A create queued behind a task of another client goes as soon as a
// watcher sees that task end, long before the fallback timer; one watcher
// serves every create queued behind the task, and each freed slot lets one
// create go.
func TestCapacityGateWatchesForeignTasks(t *testing.T) {
	w := &fakeWatcher{done: map[string]bool{}, polls: map[string]int{}}
	gs := newCapacityGates()
	gs.watcher, gs.pollEvery = w, 5*time.Millisecond
	g := gs.forAccount("a@example.com")
	g.track("mine")
	var woken atomic.Int32
	for range 3 {
		go func() {
			g.watch(context.Background(), "foreign-1")
			g.watch(context.Background(), "foreign-2")
			g.watch(context.Background(), "mine") // this process's own task: its wait releases it
			if err := g.busyWait(context.Background(), time.Hour); err == nil {
				woken.Add(1)
			}
		}()
	}
	waitUntil(t, func() bool { return g.queued() == 3 })
	time.Sleep(30 * time.Millisecond)
	if woken.Load() != 0 {
		t.Fatal("a create went while every listed task was running")
	}
	w.finish("foreign-1")
	waitUntil(t, func() bool { return woken.Load() == 1 })
	time.Sleep(30 * time.Millisecond)
	if n := woken.Load(); n != 1 {
		t.Fatalf("one freed slot woke %d creates", n)
	}
	w.mu.Lock()
	if w.polls["mine"] != 0 {
		t.Error("the process's own task was watched")
	}
	w.mu.Unlock()
	g.finished("mine")
	g.finished("mine") // seen final twice: one slot
	waitUntil(t, func() bool { return woken.Load() == 2 })
	time.Sleep(30 * time.Millisecond)
	if n := woken.Load(); n != 2 {
		t.Fatalf("a task seen final twice freed %d slots", n-1)
	}
	w.finish("foreign-2")
	waitUntil(t, func() bool { return woken.Load() == 3 })
}

// RUNWAY_CAPACITY_WATCH=off (the benchmark's "no watchers" baseline)
// polls no foreign task: only the fallback timer lets a queued create go.
func TestCapacityGateWatchOff(t *testing.T) {
	t.Setenv(envCapacityWatch, "off")
	w := &fakeWatcher{done: map[string]bool{"foreign": true}, polls: map[string]int{}}
	gs := newCapacityGates()
	gs.watcher, gs.pollEvery = w, time.Millisecond
	g := gs.forAccount("")
	g.watch(context.Background(), "foreign")
	start := time.Now()
	if err := g.busyWait(context.Background(), 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("the create went after %s, before its fallback timer", d)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.polls) != 0 {
		t.Fatalf("watchers polled %v with %s=off", w.polls, envCapacityWatch)
	}
}

// A full account does not hold back creates bound for another account.
func TestCapacityGatesPerAccount(t *testing.T) {
	gs := newCapacityGates()
	gs.fallback = time.Hour
	full := gs.forAccount("full@example.com")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_ = full.busyWait(ctx, time.Hour)
	done := make(chan error, 1)
	go func() { done <- gs.forAccount("other@example.com").beforeSubmit(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a create for another account waited behind the full one")
	}
	if gs.forAccount("full@example.com") != full {
		t.Fatal("one account, two gates")
	}
}

func TestAccountOfAsset(t *testing.T) {
	cases := map[string]string{
		"user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000001": "demo@runway.local",
		"user:1234-runwayml:a-b@x.io-asset:0f0e":                                          "a-b@x.io",
		"user:1234-runwayml:demo@runway.local-task:00000000-0000-4000-8000-000000000001":  "",
		"not an id": "",
	}
	for id, want := range cases {
		got, ok := accountOfAsset(id)
		if got != want || ok != (want != "") {
			t.Errorf("accountOfAsset(%q) = %q, %t; want %q", id, got, ok, want)
		}
	}
}

// A task of this process that a 429 listed before its create's answer was
// recorded (so a watcher saw it as another client's) frees one slot, not
// two, when both its watcher and its own wait see it end.
func TestCapacityGateReleasesATaskOnce(t *testing.T) {
	w := &fakeWatcher{done: map[string]bool{}, polls: map[string]int{}}
	gs := newCapacityGates()
	gs.watcher, gs.pollEvery = w, 2*time.Millisecond
	g := gs.forAccount("")
	var woken atomic.Int32
	for range 2 {
		go func() {
			if err := g.busyWait(context.Background(), time.Hour); err == nil {
				woken.Add(1)
			}
		}()
	}
	waitUntil(t, func() bool { return g.queued() == 2 })
	g.watch(context.Background(), "t1") // listed by a 429 before its own create recorded it
	g.track("t1")
	w.finish("t1")
	waitUntil(t, func() bool { return woken.Load() == 1 })
	g.finished("t1") // its own wait sees it end too
	time.Sleep(30 * time.Millisecond)
	if n := woken.Load(); n != 1 {
		t.Fatalf("one task ended, %d queued creates went", n)
	}
}

// queueTwo queues a create a (the head, its pass in the returned context)
// and a create b behind it on a full gate, and returns b's result.
func queueTwo(t *testing.T, g *capacityGate, ctxA context.Context) (ctxWithPass context.Context, aDone, bDone chan error) {
	t.Helper()
	g.fallback = time.Hour
	g.full = true
	ctxWithPass = withGate(ctxA, g)
	aDone, bDone = make(chan error, 1), make(chan error, 1)
	go func() { aDone <- g.beforeSubmit(ctxWithPass) }()
	waitUntil(t, func() bool { return g.queued() == 1 })
	go func() { bDone <- g.beforeSubmit(withGate(context.Background(), g)) }()
	waitUntil(t, func() bool { return g.queued() == 2 })
	return ctxWithPass, aDone, bDone
}

// expectWoken asserts whether the create queued second went, long before
// its fallback timer (an hour).
func expectWoken(t *testing.T, bDone chan error, want bool) {
	t.Helper()
	select {
	case err := <-bDone:
		if !want || err != nil {
			t.Fatalf("the second create went (err %v); want it still queued: %t", err, !want)
		}
	case <-time.After(200 * time.Millisecond):
		if want {
			t.Fatal("the slot handed to the first create was lost: the second is still queued")
		}
	}
}

// A slot handed to a create whose context ends before it leaves the queue
// goes to the next create. (If the create sees the slot first, it goes on
// to a create that fails on its ended context: that passes it on too.)
func TestCapacityGateSlotOfAnEndedCreateIsPassedOn(t *testing.T) {
	for range 20 {
		g := newCapacityGate()
		ctxA, cancelA := context.WithCancel(context.Background())
		ctxA, aDone, bDone := queueTwo(t, g, ctxA)
		// Under the gate's lock, the context ends and the slot is handed
		// to a in one step, as when both happen at once.
		g.mu.Lock()
		cancelA()
		time.Sleep(time.Millisecond) // a sees its context end, then waits for the lock
		g.handOff()
		g.mu.Unlock()
		if err := <-aDone; err == nil {
			g.notSubmitted(ctxA, &transport.RequestError{Err: ctxA.Err()})
		}
		expectWoken(t, bDone, true)
		cancelA()
	}
}

// A create that was handed a slot and then refused passes the slot on, unless
// the refusal shows the account had no room (429) or a task may hold the slot
// (outcome unknown).
func TestCapacityGateSlotOfARefusedCreate(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		passesOn bool
	}{
		{"refused: moderation", &useapi.APIError{StatusCode: http.StatusUnprocessableEntity}, true},
		{"refused: no credits", &useapi.APIError{StatusCode: http.StatusPreconditionFailed}, true},
		{"never sent", &transport.RequestError{Err: context.DeadlineExceeded}, true},
		{"account busy after all", &useapi.APIError{StatusCode: http.StatusTooManyRequests}, false},
		{"outcome unknown", &transport.OutcomeUnknownError{Err: io.ErrUnexpectedEOF}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := newCapacityGate()
			ctxA, aDone, bDone := queueTwo(t, g, context.Background())
			g.release()
			if err := <-aDone; err != nil {
				t.Fatal(err)
			}
			g.notSubmitted(ctxA, fmt.Errorf("useapi: %w", c.err))
			g.notSubmitted(ctxA, c.err) // a second call has no slot to pass
			expectWoken(t, bDone, c.passesOn)
			if want := map[bool]int{true: 0, false: 1}[c.passesOn]; g.queued() != want {
				t.Fatalf("queued = %d, want %d", g.queued(), want)
			}
		})
	}
}

// A create that did not wait, or probed on its fallback timer, holds no
// slot: its refusal hands nothing to the queue.
func TestCapacityGateRefusalWithoutSlot(t *testing.T) {
	g := newCapacityGate()
	g.fallback = time.Hour
	ctx := withGate(context.Background(), g)
	if err := g.beforeSubmit(ctx); err != nil { // account not full: no wait
		t.Fatal(err)
	}
	_, _, bDone := queueTwo(t, g, context.Background())
	g.notSubmitted(ctx, &useapi.APIError{StatusCode: http.StatusUnprocessableEntity})
	expectWoken(t, bDone, false)
}

// A task of this process that nobody waits for any more (the create did not
// wait for it, or its wait timed out) is watched like another client's: at
// once when creates are queued, else when a 429 lists it.
func TestCapacityGateWatchesTasksNobodyWaitsFor(t *testing.T) {
	cases := []struct {
		name string
		// queuedAtUntrack: a create already waits when the wait ends.
		queuedAtUntrack bool
	}{
		{"creates queued when the wait ends", true},
		{"a 429 lists it later", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := &fakeWatcher{done: map[string]bool{}, polls: map[string]int{}}
			gs := newCapacityGates()
			gs.watcher, gs.pollEvery = w, 2*time.Millisecond
			g := gs.forAccount("")
			g.track("mine")
			woken := make(chan error, 1)
			queue := func() {
				go func() { woken <- g.busyWait(context.Background(), time.Hour) }()
				waitUntil(t, func() bool { return g.queued() == 1 })
			}
			if c.queuedAtUntrack {
				queue()
				g.watch(context.Background(), "mine") // listed while its wait polls it: not watched
			}
			g.untrack(context.Background(), "mine")
			if !c.queuedAtUntrack {
				queue()
				g.watch(context.Background(), "mine") // the 429 that queued the create listed it
			}
			waitUntil(t, func() bool { w.mu.Lock(); defer w.mu.Unlock(); return w.polls["mine"] > 0 })
			w.finish("mine")
			select {
			case err := <-woken:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("the task ended, but its slot never reached the queued create")
			}
		})
	}
}

// A task whose wait saw it final has released its slot: untrack starts no
// watcher and frees nothing more.
func TestCapacityGateUntrackAfterFinished(t *testing.T) {
	w := &fakeWatcher{done: map[string]bool{}, polls: map[string]int{}}
	gs := newCapacityGates()
	gs.watcher, gs.pollEvery = w, time.Millisecond
	g := gs.forAccount("")
	g.track("mine")
	g.finished("mine")
	var woken atomic.Int32
	for range 2 {
		go func() {
			if g.busyWait(context.Background(), time.Hour) == nil {
				woken.Add(1)
			}
		}()
	}
	waitUntil(t, func() bool { return g.queued() == 2 })
	g.untrack(context.Background(), "mine")
	time.Sleep(30 * time.Millisecond)
	w.mu.Lock()
	polls := w.polls["mine"]
	w.mu.Unlock()
	if polls != 0 || woken.Load() != 0 {
		t.Fatalf("after untrack of a finished task: %d polls, %d creates woken; want none", polls, woken.Load())
	}
	g.release()
	g.release()
}
