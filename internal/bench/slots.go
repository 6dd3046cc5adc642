package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"time"
)

// Scenario 5: slots freed by another client. Before the batch starts,
// tasks started directly on the simulator (plain HTTP, as another pipeline
// or the Runway web app would) occupy every slot of the account. The
// simulator holds them running until the batch's first create has been
// refused (429, the answer listing them), then lets them finish a random
// 1–2 s later, so that their completion falls anywhere between two polls.
// The measure is how soon each slot they free carries one of the batch's
// creates.

// slotWorkloads are scenario 5's batches: N generations of T behind
// maxJobs foreign tasks.
var slotWorkloads = []workload{
	{n: 4, maxJobs: 1, parallelism: 4, taskTime: 2 * time.Second},
	{n: 4, maxJobs: 2, parallelism: 4, taskTime: 2 * time.Second},
}

// slotLagTarget bounds the median lag from a foreign task's completion to
// the next accepted create (default settings: poll_interval 1 s).
const slotLagTarget = time.Second

// foreignRun is how long a foreign task runs once released: the simulator
// ends a held task that has outlived its run time right after the release.
const foreignRun = 100 * time.Millisecond

// Who submits scenario 5's batch.
const (
	slotWatchers = "provider"
	slotNoWatch  = "provider, no watchers"
	slotNaive    = "naive curl loop"
)

// slotVariants in report order.
var slotVariants = []string{slotWatchers, slotNoWatch, slotNaive}

// envCapacityWatch is the provider's benchmark switch that turns its
// watchers of foreign tasks off (internal/provider/capacity.go), leaving
// the busy_retry_interval timer alone: the provider's previous behaviour.
const envCapacityWatch = "RUNWAY_CAPACITY_WATCH"

// slotRun is one batch of scenario 5.
type slotRun struct {
	Wall time.Duration
	// Lags are, per foreign task, from its completion to the accepted
	// create that took its slot (the i-th completion is paired with the
	// batch's i-th accepted create: every slot was foreign, so no create
	// could be accepted before a completion).
	Lags []time.Duration
	// Posts are the batch's create requests (429s included), Busy429 the
	// 429 answers among them, Creates the accepted ones.
	Posts, Busy429, Creates int
	// ProviderCPU is the providers' CPU time (0 for the script).
	ProviderCPU time.Duration
	Load        float64
}

// postsPerSlot is the batch's create requests per slot it used: every
// accepted create took a slot some task freed, as all were taken when the
// batch began.
func (r slotRun) postsPerSlot() float64 {
	if r.Creates == 0 {
		return 0
	}
	return float64(r.Posts) / float64(r.Creates)
}

// slotResult is scenario 5 for one workload: the runs of every variant.
type slotResult struct {
	Workload workload
	Runs     map[string][]slotRun
}

// allLags pools the lags of every run of a variant.
func (s slotResult) allLags(variant string) []float64 {
	var out []float64
	for _, r := range s.Runs[variant] {
		out = append(out, seconds(r.Lags)...)
	}
	return out
}

// runSlots runs scenario 5: for each workload, runs batches through the
// provider, baselineRuns through the provider without watchers and through
// the naive script.
func runSlots(ctx context.Context, tc *toolchain, dir string, runs, baselineRuns int, logf func(string, ...any)) ([]slotResult, error) {
	ws, err := tc.newWorkspace(ctx, filepath.Join(dir, "tf"), generationsConfig(slotWorkloads[0].n, defaultKnobs))
	if err != nil {
		return nil, err
	}
	script, err := writeNaiveScript(dir)
	if err != nil {
		return nil, err
	}
	var out []slotResult
	for _, wl := range slotWorkloads {
		res := slotResult{Workload: wl, Runs: map[string][]slotRun{}}
		for _, variant := range slotVariants {
			n := baselineRuns
			if variant == slotWatchers {
				n = runs
			}
			for i := 0; i < n; i++ {
				r, err := slotBatch(ctx, ws, script, wl, variant, docsCadence)
				if err != nil {
					return nil, fmt.Errorf("maxJobs %d, %s: %w", wl.maxJobs, variant, err)
				}
				logf("    maxJobs %d, %s, run %d/%d: %.1fs, lag %s, %d create POSTs (%d × 429) for %d slots, load %.1f",
					wl.maxJobs, variant, i+1, n, r.Wall.Seconds(), fmtSeconds(r.Lags), r.Posts, r.Busy429, r.Creates, r.Load)
				res.Runs[variant] = append(res.Runs[variant], r)
			}
		}
		out = append(out, res)
	}
	return out, nil
}

func fmtSeconds(ds []time.Duration) string {
	b := []byte{}
	for i, d := range ds {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = fmt.Appendf(b, "%.2fs", d.Seconds())
	}
	return string(b)
}

// slotBatch runs one batch of wl by variant against a fresh simulator
// whose every slot a foreign task holds (cad: the naive script's cadence).
func slotBatch(ctx context.Context, ws *workspace, script string, wl workload, variant string, cad naiveCadence) (slotRun, error) {
	ls, err := startSim(wl.simOptions())
	if err != nil {
		return slotRun{}, err
	}
	defer ls.stop(ctx)
	foreign, err := occupySlots(ctx, ls, wl)
	if err != nil {
		return slotRun{}, err
	}
	skip := len(ls.rec.Events()) // the foreign creates
	stopRelease := ls.releaseAfterFirstBusy(ctx, skip)
	defer stopRelease()

	var r slotRun
	var start, end time.Time
	switch variant {
	case slotNaive:
		x, err := runNaiveScript(ctx, script, ls, wl.n, cad)
		if err != nil {
			return r, err
		}
		start, end, r.Load = x.start, x.end, x.load
	default:
		if err := ws.resetState(); err != nil {
			return r, err
		}
		env := ls.env()
		if variant == slotNoWatch {
			env[envCapacityWatch] = "off"
		}
		res, err := ws.run(ctx, env, "apply", "-input=false", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", wl.parallelism))
		if err != nil {
			return r, err
		}
		if res.exitCode != 0 {
			return r, fmt.Errorf("terraform apply failed (exit %d):\n%s", res.exitCode, tail(res.output, 40))
		}
		start, end, r.Load, r.ProviderCPU = res.start, res.start.Add(res.wall), res.load, res.provider.cpu
	}
	stopRelease()
	r.Wall = end.Sub(start)
	for _, ev := range ls.rec.Events()[skip:] {
		if ev.kind != kindCreate {
			continue
		}
		r.Posts++
		switch ev.status {
		case http.StatusOK:
			r.Creates++
		case http.StatusTooManyRequests:
			r.Busy429++
		}
	}
	if r.Creates != wl.n {
		return r, fmt.Errorf("%d accepted creates for %d generations", r.Creates, wl.n)
	}
	r.Lags, err = slotLags(ls, foreign)
	return r, err
}

// occupySlots starts maxJobs foreign tasks, held running, and returns
// their ids; the batch's own tasks then run for wl's T.
func occupySlots(ctx context.Context, ls *liveSim, wl workload) ([]string, error) {
	ls.sim.HoldTasks(true)
	ls.sim.SetTaskDuration(foreignRun)
	defer ls.sim.SetTaskDuration(wl.simOptions().TaskDuration)
	ids := make([]string, 0, wl.maxJobs)
	for i := 0; i < wl.maxJobs; i++ {
		id, err := foreignCreate(ctx, ls, 1000+i)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// foreignCreate submits a generation the way another client would.
func foreignCreate(ctx context.Context, ls *liveSim, seed int) (string, error) {
	body, err := json.Marshal(map[string]any{"assetId": demoVideoAssetID, "seed": seed})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ls.srv.Endpoint()+"/gen2/extend", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+ls.sim.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req) // #nosec G107 G704 -- the harness's own loopback simulator
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	var answer struct {
		TaskID string `json:"taskId"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return "", fmt.Errorf("foreign create answered %d: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || answer.TaskID == "" {
		return "", fmt.Errorf("foreign create answered %d (task %q)", resp.StatusCode, answer.TaskID)
	}
	return answer.TaskID, nil
}

// releaseAfterFirstBusy lets the held tasks finish 1–2 s (uniformly
// random) after the first create refused with 429 among the events from
// index skip on. The returned stop ends the wait and releases the tasks if
// that has not happened yet; it may be called more than once.
func (ls *liveSim) releaseAfterFirstBusy(ctx context.Context, skip int) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer ls.sim.HoldTasks(false)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for !ls.sawBusy(skip) {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
		delay := time.Second + rand.N(time.Second) // #nosec G404 -- a benchmark's phase, not a secret
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func (ls *liveSim) sawBusy(skip int) bool {
	evs := ls.rec.Events()
	if skip > len(evs) {
		return false
	}
	return slices.ContainsFunc(evs[skip:], func(ev reqEvent) bool {
		return ev.kind == kindCreate && ev.status == http.StatusTooManyRequests
	})
}

// slotLags pairs the foreign tasks' completions, in order, with the
// batch's accepted creates, in order.
func slotLags(ls *liveSim, foreign []string) ([]time.Duration, error) {
	var done, accepted []time.Time
	for _, id := range ls.sim.Tasks() {
		if slices.Contains(foreign, id) {
			at, ok := ls.sim.CompletedAt(id)
			if !ok {
				return nil, fmt.Errorf("foreign task %s never finished", id)
			}
			done = append(done, at)
			continue
		}
		if at, ok := ls.sim.CreatedAt(id); ok {
			accepted = append(accepted, at)
		}
	}
	slices.SortFunc(done, time.Time.Compare)
	slices.SortFunc(accepted, time.Time.Compare)
	if len(accepted) < len(done) {
		return nil, fmt.Errorf("%d accepted creates for %d freed slots", len(accepted), len(done))
	}
	lags := make([]time.Duration, len(done))
	for i := range done {
		lags[i] = accepted[i].Sub(done[i])
	}
	return lags, nil
}
