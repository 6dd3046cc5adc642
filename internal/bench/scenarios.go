package bench

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// demoVideoAssetID is the seeded 5 s demo video every generation extends.
var demoVideoAssetID = fmt.Sprintf("user:%d-runwayml:%s-asset:%s",
	simulator.DefaultUserID, simulator.DefaultAccountEmail, simulator.DemoVideoLandscapeUUID)

// benchCredits keeps the simulated account from running out of credits
// (a gen2 extension costs 20) however many generations a scenario runs.
const benchCredits = 1 << 30

// workload is a batch of generations submitted at once.
type workload struct {
	n           int
	maxJobs     int
	parallelism int
	// taskTime is T: how long a task holds an account slot, queue included.
	taskTime time.Duration
}

// simOptions splits T like the simulator's default: a tenth queued
// (PENDING, with estimatedTimeToStartSeconds), the rest RUNNING.
func (wl workload) simOptions() simulator.Options {
	return simulator.Options{
		SeedDemoAssets: true,
		Credits:        benchCredits,
		MaxJobs:        wl.maxJobs,
		QueueDelay:     wl.taskTime / 10,
		TaskDuration:   wl.taskTime - wl.taskTime/10,
	}
}

// capacityLimit is ceil(N/maxJobs) × T, the shortest time the account's
// capacity allows for the batch.
func (wl workload) capacityLimit() time.Duration {
	waves := (wl.n + wl.maxJobs - 1) / wl.maxJobs
	return time.Duration(waves) * wl.taskTime
}

// knobs are provider arguments; nil means the defaults (an empty block).
type knobs struct {
	name     string
	settings [][2]string // attribute, HCL value
}

var defaultKnobs = knobs{name: "defaults"}

// tunedKnobs are the settings reported next to the defaults for scenario 2:
// a 2 s polling floor skips the poll that, with the default 1 s floor,
// lands at the very start of the RUNNING phase (progress 0: nothing to
// estimate the completion from).
var tunedKnobs = knobs{name: "tuned", settings: [][2]string{{"poll_interval", `"2s"`}}}

func (k knobs) String() string {
	if len(k.settings) == 0 {
		return "defaults (poll_interval 1s, max_poll_interval 30s, busy_retry_interval 10s)"
	}
	parts := make([]string, len(k.settings))
	for i, s := range k.settings {
		parts[i] = s[0] + " = " + s[1]
	}
	return strings.Join(parts, ", ")
}

// generationsConfig is n runway_gen2_extension resources with distinct
// seeds, the provider configured by k (endpoint and token come from the
// environment).
func generationsConfig(n int, k knobs) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    runway = {\n      source = \"tfrunway/runway\"\n    }\n  }\n}\n\n")
	b.WriteString("provider \"runway\" {\n")
	for _, s := range k.settings {
		fmt.Fprintf(&b, "  %s = %s\n", s[0], s[1])
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "resource \"runway_gen2_extension\" \"g\" {\n  count    = %d\n  asset_id = %q\n  seed     = count.index + 1\n}\n", n, demoVideoAssetID)
	return b.String()
}

// liveSim is a simulator served on a free loopback port behind a recorder.
type liveSim struct {
	sim *simulator.Simulator
	rec *recorder
	srv *simulator.Server
}

func startSim(opts simulator.Options) (*liveSim, error) {
	sim := simulator.New(opts)
	rec := newRecorder(sim)
	srv, err := simulator.Start("127.0.0.1:0", rec, nil)
	if err != nil {
		return nil, err
	}
	return &liveSim{sim: sim, rec: rec, srv: srv}, nil
}

// stop shuts the server down, even when ctx has ended (interrupt).
func (ls *liveSim) stop(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = ls.srv.Shutdown(ctx)
}

// env is what points the provider at this simulator.
func (ls *liveSim) env() map[string]string {
	return map[string]string{"USEAPI_ENDPOINT": ls.srv.Endpoint(), "USEAPI_TOKEN": ls.sim.Token()}
}

// genRun is one batch of generations, by the provider or the naive script.
type genRun struct {
	Wall time.Duration
	// Ratio is Wall / capacity limit.
	Ratio float64
	// Counters from the simulator: accepted creates, 429 answers, the
	// highest number of tasks at once, all requests, GET /tasks polls.
	Creates, Busy429, MaxConcurrent, Requests, Polls int
	// Latencies are, per task, first poll seeing it terminal − CompletedAt.
	Latencies []time.Duration
	// PollsPerTask counts GET /tasks of each task.
	PollsPerTask []int
	// Unnoticed counts finished tasks no poll saw finished.
	Unnoticed int
	// FirstCreate is from the start to the first create's answer.
	FirstCreate time.Duration
	// Makespan is from the first accepted create to the last completion.
	Makespan time.Duration
	// Tail is from the last completion to the end (noticing it, writing
	// the state, Terraform exiting).
	Tail time.Duration
	// IdleSlots is the capacity left unused between the first accepted
	// create and the last completion: maxJobs × Makespan − N × T, in
	// slot-seconds.
	IdleSlots float64
	// PeakRSS is the largest provider peak RSS (bytes; 0 for the script).
	PeakRSS int64
	// CPU is the CPU time of terraform with its providers (or of the
	// script with curl), ProviderCPU the providers' share.
	CPU, ProviderCPU time.Duration
	// Load is the machine's 1-minute load average when the run started.
	Load float64
}

// medianLatency is the median detection latency of the run, in seconds.
func (r genRun) medianLatency() float64 { return median(seconds(r.Latencies)) }

// maxPolls is the most polls one task of the run needed.
func (r genRun) maxPolls() int {
	m := 0
	for _, p := range r.PollsPerTask {
		m = max(m, p)
	}
	return m
}

func (r genRun) meanPolls() float64 {
	if len(r.PollsPerTask) == 0 {
		return 0
	}
	sum := 0
	for _, p := range r.PollsPerTask {
		sum += p
	}
	return float64(sum) / float64(len(r.PollsPerTask))
}

// collect reads the simulator's counters and the recorder's timeline of a
// batch that ran from start to end.
func collect(ls *liveSim, wl workload, start, end time.Time) genRun {
	st := ls.sim.Stats()
	r := genRun{
		Wall:          end.Sub(start),
		Creates:       st.Creates,
		Busy429:       st.Rejected[http.StatusTooManyRequests],
		MaxConcurrent: st.MaxConcurrent,
		Requests:      st.Requests,
		Polls:         st.TotalPolls,
	}
	r.Ratio = r.Wall.Seconds() / wl.capacityLimit().Seconds()
	var lastDone time.Time
	for _, id := range ls.sim.Tasks() {
		r.PollsPerTask = append(r.PollsPerTask, st.Polls[id])
		done, ok := ls.sim.CompletedAt(id)
		if !ok {
			continue
		}
		if done.After(lastDone) {
			lastDone = done
		}
		seen, ok := ls.sim.FirstTerminalPollAt(id)
		if !ok {
			r.Unnoticed++
			continue
		}
		r.Latencies = append(r.Latencies, seen.Sub(done))
	}
	var firstCreate, firstAccepted time.Time
	for _, ev := range ls.rec.Events() {
		if ev.kind != kindCreate {
			continue
		}
		if firstCreate.IsZero() || ev.at.Before(firstCreate) {
			firstCreate = ev.at
		}
		if ev.status == http.StatusOK && (firstAccepted.IsZero() || ev.at.Before(firstAccepted)) {
			firstAccepted = ev.at
		}
	}
	if !firstCreate.IsZero() {
		r.FirstCreate = firstCreate.Sub(start)
	}
	if !firstAccepted.IsZero() && !lastDone.IsZero() {
		r.Makespan = lastDone.Sub(firstAccepted)
		r.Tail = end.Sub(lastDone)
		r.IdleSlots = float64(wl.maxJobs)*r.Makespan.Seconds() - float64(r.Creates)*wl.taskTime.Seconds()
	}
	return r
}

// applyGenerations applies the workspace's generations against a fresh
// simulator and measures the apply.
func applyGenerations(ctx context.Context, ws *workspace, wl workload) (genRun, error) {
	ls, err := startSim(wl.simOptions())
	if err != nil {
		return genRun{}, err
	}
	defer ls.stop(ctx)
	if err := ws.resetState(); err != nil {
		return genRun{}, err
	}
	res, err := ws.run(ctx, ls.env(), "apply", "-input=false", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", wl.parallelism))
	if err != nil {
		return genRun{}, err
	}
	if res.exitCode != 0 {
		return genRun{}, fmt.Errorf("terraform apply failed (exit %d):\n%s", res.exitCode, tail(res.output, 40))
	}
	r := collect(ls, wl, res.start, res.start.Add(res.wall))
	r.PeakRSS, r.CPU, r.ProviderCPU, r.Load = res.provider.peakRSS, res.cpu, res.provider.cpu, res.load
	if r.Creates != wl.n {
		return r, fmt.Errorf("apply of %d generations sent %d accepted creates", wl.n, r.Creates)
	}
	return r, nil
}

// planRun is one timed `terraform plan` (refresh) of existing resources.
type planRun struct {
	Wall     time.Duration
	ExitCode int
	// Polls and Requests are what the plan sent to the gateway.
	Polls, Requests int
	PeakRSS         int64
	Providers       int
	// CPU is terraform's with its providers, ProviderCPU the providers'.
	CPU, ProviderCPU time.Duration
	// Load is the 1-minute load average when the plan started.
	Load float64
}

// refreshResult is scenario 3 for one count: one setup apply, then timed
// plans; Floor are the same count of terraform_data resources planned in
// the same run, Terraform's own cost per resource.
type refreshResult struct {
	N         int
	SetupWall time.Duration
	Runs      []planRun
	Floor     []planRun
}

// providerCPUPerResource is the median provider CPU of a plan divided by
// the resources it refreshed.
func (rf refreshResult) providerCPUPerResource() time.Duration {
	cpu := median(planPick(rf.Runs, func(p planRun) float64 { return p.ProviderCPU.Seconds() }))
	return time.Duration(cpu / float64(rf.N) * float64(time.Second))
}

// planRefresh applies n generations (short tasks, roomy account) once, then
// times `terraform plan` runs against the same simulator, then the floor.
func planRefresh(ctx context.Context, tc *toolchain, dir string, n, runs int, logf func(string, ...any)) (refreshResult, error) {
	out := refreshResult{N: n}
	ws, err := tc.newWorkspace(ctx, filepath.Join(dir, "generations"), generationsConfig(n, defaultKnobs))
	if err != nil {
		return out, err
	}
	ls, err := startSim(simulator.Options{SeedDemoAssets: true, Credits: benchCredits, MaxJobs: 10 * n, TaskDuration: 50 * time.Millisecond, QueueDelay: -1})
	if err != nil {
		return out, err
	}
	defer ls.stop(ctx)
	res, err := ws.run(ctx, ls.env(), "apply", "-input=false", "-auto-approve", "-no-color", "-parallelism=100")
	if err != nil {
		return out, err
	}
	if res.exitCode != 0 {
		return out, fmt.Errorf("setup apply of %d generations failed (exit %d):\n%s", n, res.exitCode, tail(res.output, 40))
	}
	out.SetupWall = res.wall
	if c := ls.sim.Stats().Creates; c != n {
		return out, fmt.Errorf("setup apply of %d generations sent %d creates", n, c)
	}
	logf("    setup apply of %d generations: %.1fs", n, res.wall.Seconds())
	for i := 0; i < runs; i++ {
		before := ls.sim.Stats()
		pr, err := timedPlan(ctx, ws, ls.env(), n)
		if err != nil {
			return out, err
		}
		after := ls.sim.Stats()
		pr.Polls, pr.Requests = after.TotalPolls-before.TotalPolls, after.Requests-before.Requests
		out.Runs = append(out.Runs, pr)
		logf("    plan %d/%d: %.2fs (CPU %.2fs, provider %.2fs = %.2f ms per resource, load %.1f), %d polls, provider peak RSS %.1f MB",
			i+1, runs, pr.Wall.Seconds(), pr.CPU.Seconds(), pr.ProviderCPU.Seconds(), pr.ProviderCPU.Seconds()*1000/float64(n), pr.Load, pr.Polls, mb(pr.PeakRSS))
	}

	floor, err := tc.newWorkspace(ctx, filepath.Join(dir, "terraform_data"), terraformDataConfig(n))
	if err != nil {
		return out, err
	}
	if res, err = floor.run(ctx, nil, "apply", "-input=false", "-auto-approve", "-no-color"); err != nil {
		return out, err
	}
	if res.exitCode != 0 {
		return out, fmt.Errorf("setup apply of %d terraform_data failed (exit %d):\n%s", n, res.exitCode, tail(res.output, 40))
	}
	for i := 0; i < runs; i++ {
		pr, err := timedPlan(ctx, floor, nil, n)
		if err != nil {
			return out, err
		}
		out.Floor = append(out.Floor, pr)
		logf("    floor: plan %d/%d of %d terraform_data: %.2fs (CPU %.2fs, load %.1f)", i+1, runs, n, pr.Wall.Seconds(), pr.CPU.Seconds(), pr.Load)
	}
	return out, nil
}

// timedPlan runs `terraform plan -detailed-exitcode` of n unchanged
// resources in ws.
func timedPlan(ctx context.Context, ws *workspace, env map[string]string, n int) (planRun, error) {
	res, err := ws.run(ctx, env, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	if err != nil {
		return planRun{}, err
	}
	if res.exitCode != 0 {
		return planRun{}, fmt.Errorf("plan of %d unchanged resources exited %d (0 = no changes expected):\n%s", n, res.exitCode, tail(res.output, 40))
	}
	return planRun{
		Wall: res.wall, ExitCode: res.exitCode,
		PeakRSS: res.provider.peakRSS, Providers: res.provider.processes,
		CPU: res.cpu, ProviderCPU: res.provider.cpu, Load: res.load,
	}, nil
}

// terraformDataConfig is n terraform_data resources: Terraform's built-in
// resource, planned without any provider process.
func terraformDataConfig(n int) string {
	return fmt.Sprintf("resource \"terraform_data\" \"d\" {\n  count = %d\n  input = count.index + 1\n}\n", n)
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
