package provider

import (
	"context"
	"math/rand/v2"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// Account capacity. useapi.net runs at most maxJobs tasks per Runway
// account and answers a create beyond that with HTTP 429 "account busy",
// listing the tasks that occupy it. The provider keeps one capacityGate per
// account: the creates of an apply bound for a full account queue behind it,
// a slot freed on that account goes to exactly one of them (no thundering
// herd), and a full account never holds back creates bound for another.
//
// A slot is known to be free when:
//   - a task this provider process is waiting for reaches a final status
//     (its wait sees it: release); or
//   - any other task the 429 listed (another pipeline's, the Runway web
//     app's, or one of this process's that nobody waits for any more) is
//     final or gone: one watcher per such task polls it at the poll pace,
//     shared by every create queued behind it;
//   - failing both, a jittered timer (busy_retry_interval, 1–3×) lets the
//     longest-waiting create probe the account: the rule for Runway's own
//     throttling 429, which lists nothing, and the upper bound otherwise.

// envCapacityWatch set to "off" starts no watchers, leaving the fallback
// timer alone to find slots freed by other clients. It is a benchmark
// switch (internal/bench compares the provider with and without watchers),
// not a setting for users.
const envCapacityWatch = "RUNWAY_CAPACITY_WATCH"

// capacityGates are the gates of one provider instance, by account email
// ("" is the default account: the configured or only one).
type capacityGates struct {
	mu       sync.Mutex
	byEmail  map[string]*capacityGate
	fallback time.Duration
	// watcher reads the tasks other clients run; pollEvery is its pace.
	watcher   taskWatcher
	pollEvery time.Duration
	// noWatch is envCapacityWatch=off: no gate gets the watcher.
	noWatch bool
}

// taskWatcher tells whether a task is final or gone.
type taskWatcher interface {
	taskDone(ctx context.Context, id string) (bool, error)
}

func newCapacityGates() *capacityGates {
	return &capacityGates{byEmail: map[string]*capacityGate{}, fallback: defaultBusyRetryInterval, pollEvery: defaultPollInterval,
		noWatch: os.Getenv(envCapacityWatch) == "off"}
}

// forAccount returns the gate of an account.
func (gs *capacityGates) forAccount(email string) *capacityGate {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g, ok := gs.byEmail[email]
	if !ok {
		g = newCapacityGate()
		g.fallback, g.pollEvery = gs.fallback, gs.pollEvery
		if !gs.noWatch {
			g.watcher = gs.watcher
		}
		gs.byEmail[email] = g
	}
	return g
}

// busyWait is the client's hook after a create was refused with 429: the
// create's own gate (withGate) records that its account is full, watches
// the foreign tasks the answer listed, and waits for a freed slot or d.
func (gs *capacityGates) busyWait(ctx context.Context, d time.Duration) error {
	running := useapi.BusyRunningTasks(ctx)
	g := gateFrom(ctx)
	if g == nil {
		email := ""
		if len(running) > 0 {
			email = running[0].Email
		}
		g = gs.forAccount(email)
	}
	for _, t := range running {
		g.watch(ctx, t.TaskID)
	}
	return g.busyWait(ctx, d)
}

type gateKey struct{}

// gatePass is one create's passage through its account's gate. holdsSlot
// is set while the create holds a slot release handed it: a create that
// then sends nothing, or is refused for another reason, passes the slot on
// (notSubmitted) instead of losing it.
type gatePass struct {
	gate      *capacityGate
	holdsSlot atomic.Bool
}

// withGate tells the client's busy hook which gate a create belongs to, and
// starts the create's pass through it.
func withGate(ctx context.Context, g *capacityGate) context.Context {
	return context.WithValue(ctx, gateKey{}, &gatePass{gate: g})
}

func passFrom(ctx context.Context) *gatePass {
	p, _ := ctx.Value(gateKey{}).(*gatePass)
	return p
}

func gateFrom(ctx context.Context) *capacityGate {
	if p := passFrom(ctx); p != nil {
		return p.gate
	}
	return nil
}

// assetAccount matches the account email inside a useapi.net asset id
// (user:<id>-runwayml:<email>-asset:<uuid>).
var assetAccount = regexp.MustCompile(`^user:[^-]+-runwayml:(.+)-asset:[0-9a-fA-F-]+$`)

// accountOfAsset is the Runway account that owns an asset id: an input
// asset pins the generation to the account it was uploaded to.
func accountOfAsset(id string) (string, bool) {
	m := assetAccount.FindStringSubmatch(id)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// accountOfInputs is the account a generation runs on: the one that owns
// its first input asset, else "" (the configured or only account).
func accountOfInputs(v tftypes.Value, inputs []string) string {
	var attrs map[string]tftypes.Value
	if v.As(&attrs) != nil {
		return ""
	}
	for _, name := range inputs {
		var s string
		if a, ok := attrs[name]; ok && a.Type().Is(tftypes.String) && a.IsKnown() && !a.IsNull() && a.As(&s) == nil {
			if email, ok := accountOfAsset(s); ok {
				return email
			}
		}
	}
	return ""
}

// capacityGate paces the creates of one provider process against one
// account's capacity.
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
	// own are the unfinished tasks a wait of this process polls (the wait
	// releases their slots); watching are the other tasks being watched.
	own, watching map[string]bool
	// released are the tasks whose slot was freed (each is, once).
	released  map[string]bool
	watcher   taskWatcher
	pollEvery time.Duration
}

func newCapacityGate() *capacityGate {
	return &capacityGate{fallback: defaultBusyRetryInterval, own: map[string]bool{}, watching: map[string]bool{}, released: map[string]bool{}, pollEvery: defaultPollInterval}
}

// busyWait records that the account is full and waits for a freed slot or d.
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

// notSubmitted ends the pass of a create that did not create a task with
// err: a slot it was handed goes to the next queued create. Not after a 429
// (the account had no room: there was no slot to pass), nor when the
// outcome is unknown (a task may hold the slot now; if none does, the
// fallback timer finds the slot).
func (g *capacityGate) notSubmitted(ctx context.Context, err error) {
	p := passFrom(ctx)
	if p == nil || !p.holdsSlot.Swap(false) || useapi.IsBusy(err) || isOutcomeUnknown(err) {
		return
	}
	g.release()
}

// track records a task a wait of this process is about to poll, until
// untrack: the wait releases its slot when it sees it final (finished), so
// no watcher polls it meanwhile.
func (g *capacityGate) track(taskID string) {
	g.mu.Lock()
	g.own[taskID] = true
	g.mu.Unlock()
}

// untrack ends track when nobody polls the task any more: the create did
// not wait for it, or the wait ended (timeout, interrupt, error) before it
// was final. Its slot is then found like any other task's: by a watcher,
// started now when creates are queued, else when a 429 lists the task.
func (g *capacityGate) untrack(ctx context.Context, taskID string) {
	g.mu.Lock()
	tracked := g.own[taskID]
	delete(g.own, taskID)
	queued := len(g.waiters) > 0
	g.mu.Unlock()
	if tracked && queued {
		g.watch(ctx, taskID)
	}
}

// finished announces that a tracked task reached a final status.
func (g *capacityGate) finished(taskID string) {
	g.mu.Lock()
	tracked := g.own[taskID]
	delete(g.own, taskID)
	g.mu.Unlock()
	if tracked {
		g.releaseTask(taskID)
	}
}

// releaseTask frees the slot of a task that ended: once per task, however
// often (and by whom: its own wait, a watcher) its end is seen.
func (g *capacityGate) releaseTask(taskID string) {
	g.mu.Lock()
	if g.released[taskID] {
		g.mu.Unlock()
		return
	}
	g.released[taskID] = true
	g.mu.Unlock()
	g.release()
}

// release announces a freed slot: one queued create (the longest waiting)
// may go.
func (g *capacityGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.handOff()
}

// handOff is release with g.mu held.
func (g *capacityGate) handOff() {
	if len(g.waiters) == 0 {
		g.full = false
		return
	}
	ch := g.waiters[0]
	g.waiters = g.waiters[1:]
	g.handedOut++
	close(ch)
}

// watch polls a task the account runs that no wait of this process polls
// until it is final or gone, then releases its slot. One watcher per task
// serves every create queued behind it, so it outlives the caller: it keeps
// only ctx's values (logging), and stops when nobody waits any more.
func (g *capacityGate) watch(ctx context.Context, taskID string) {
	g.mu.Lock()
	if g.watcher == nil || taskID == "" || g.own[taskID] || g.watching[taskID] {
		g.mu.Unlock()
		return
	}
	g.watching[taskID] = true
	g.mu.Unlock()
	base := context.WithoutCancel(ctx)
	go func() {
		defer func() {
			g.mu.Lock()
			delete(g.watching, taskID)
			g.mu.Unlock()
		}()
		for {
			time.Sleep(g.pollEvery)
			if g.queued() == 0 {
				return
			}
			ctx, cancel := context.WithTimeout(base, time.Minute)
			done, err := g.watcher.taskDone(ctx, taskID)
			cancel()
			if err == nil && done {
				g.releaseTask(taskID)
				return
			}
		}
	}()
}

// wait queues a create until release hands it a slot (recorded on its
// pass), its fallback timer lets it probe, or ctx ends.
func (g *capacityGate) wait(ctx context.Context, d time.Duration) error {
	pass := passFrom(ctx)
	if pass != nil {
		// Queued again after a 429: whatever it was handed was no slot.
		pass.holdsSlot.Store(false)
	}
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
			if pass != nil {
				pass.holdsSlot.Store(true)
			}
			return nil
		case <-ctx.Done():
			if !g.remove(ch) {
				// release handed this create a slot after ctx ended and
				// before it left the queue: the slot goes to the next one.
				g.release()
			}
			return ctx.Err()
		case <-timer.C:
		}
		// The timer is for slots freed outside this process's knowledge.
		// Only the longest-waiting create probes the account, and only
		// when no slot was handed out since its timer was set: a queue of
		// any length then costs at most one 429 per interval, not one per
		// create.
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

// remove takes a waiter that gave up out of the queue; false means it was
// no longer queued: release had handed it a slot.
func (g *capacityGate) remove(ch chan struct{}) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, w := range g.waiters {
		if w == ch {
			g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
			return true
		}
	}
	return false
}

// queued reports how many creates wait for a slot (tests, logs).
func (g *capacityGate) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiters)
}

// useapiTaskWatcher reads foreign tasks through the useapi.net client.
type useapiTaskWatcher struct{ client *useapi.Client }

func (w useapiTaskWatcher) taskDone(ctx context.Context, id string) (bool, error) {
	t, err := w.client.GetTask(ctx, id)
	if useapi.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return useapi.IsTerminal(t.Status), nil
}
