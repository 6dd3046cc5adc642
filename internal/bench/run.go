package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Config is what Run needs.
type Config struct {
	// Root is the repository root (for the Go micro-benchmarks).
	Root string
	// Provider is the provider binary to measure.
	Provider string
	// Self is the harness binary, installed as the provider wrapper.
	Self string
	// Terraform is the terraform CLI.
	Terraform string
	// WorkDir holds the mirror and the working directories; it must exist.
	WorkDir string
	// Runs is how many times each Terraform scenario runs (the median is
	// reported), NaiveRuns how many times the naive script runs, and
	// MicroCount the -count of the Go benchmarks.
	Runs, NaiveRuns, MicroCount int
	// SlotRuns is how many times scenario 5 runs each batch through the
	// provider, SlotBaselineRuns through the provider without watchers and
	// through the naive script.
	SlotRuns, SlotBaselineRuns int
	// Tuned also runs scenario 2 with tunedKnobs, reported next to the
	// defaults. (No provider setting acts on what scenario 1 spends beyond
	// the capacity limit: Terraform's start-up before the first create.)
	Tuned bool
	// Only, when not empty, limits the run to these parts: "1" to "5"
	// (the scenarios) and "micro"; the report then shows only those.
	Only []string
	// Log receives progress lines.
	Log io.Writer
}

// runs reports whether part is to be run.
func (cfg Config) runs(part string) bool {
	return len(cfg.Only) == 0 || slices.Contains(cfg.Only, part)
}

// Scenario definitions (see the package documentation).
var (
	throughputWorkload = workload{n: 20, maxJobs: 4, parallelism: 20, taskTime: 3 * time.Second}
	detectionWorkload  = workload{n: 8, maxJobs: 8, parallelism: 8, taskTime: 10 * time.Second}
	// refreshCounts are scenario 3's plan sizes; the larger ones run
	// bigRefreshRuns times at most.
	refreshCounts  = []int{200, 1000}
	bigRefreshRuns = 3
)

// Targets.
const (
	throughputTarget   = 1.15                 // apply wall ÷ capacity limit
	latencyTarget      = time.Second          // median detection latency, T = 10 s
	refreshWallTarget  = 5 * time.Second      // plan of 200 resources
	refreshRSSTarget   = int64(100 << 20)     // provider peak RSS
	refreshCPUTarget   = 3 * time.Millisecond // provider CPU per refreshed resource
	pollsSlackPerTask  = 3                    // polls per task ≤ T/5 + 3
	pollsSecondsPerOne = 5
)

// pollsTarget is T/5 + 3 for the detection workload.
func pollsTarget() float64 {
	return detectionWorkload.taskTime.Seconds()/pollsSecondsPerOne + pollsSlackPerTask
}

// variantRuns are the runs of one workload with one provider setting.
type variantRuns struct {
	Knobs knobs
	Runs  []genRun
}

// Report is everything Run measured.
type Report struct {
	Started          time.Time
	StartLoad        float64
	Elapsed          time.Duration
	NProc            int
	CPU              string
	GoVersion        string
	TerraformVersion string
	// Source is `git describe --always --dirty` of the measured tree, ""
	// outside a git checkout.
	Source          string
	Runs, NaiveRuns int
	Throughput      []variantRuns
	Detection       []variantRuns
	// Refresh is scenario 3, one result per count (refreshCounts).
	Refresh []refreshResult
	Naive   []genRun
	// Slots is scenario 5, one result per workload (slotWorkloads).
	Slots        []slotResult
	SlotRuns     int
	SlotBaseline int
	Micro        []microResult
}

// Run runs every scenario and the micro-benchmarks.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			_, _ = fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	rep := &Report{
		Started:   time.Now(),
		StartLoad: loadAverage(),
		NProc:     runtime.NumCPU(),
		CPU:       cpuModel(),
		GoVersion: runtime.Version(),
		Runs:      cfg.Runs,
		NaiveRuns: cfg.NaiveRuns,

		SlotRuns:     cfg.SlotRuns,
		SlotBaseline: cfg.SlotBaselineRuns,
	}
	var err error
	if rep.TerraformVersion, err = terraformVersion(ctx, cfg.Terraform); err != nil {
		return nil, err
	}
	rep.Source = gitDescribe(ctx, cfg.Root)
	tc, err := newToolchain(cfg.WorkDir, cfg.Terraform, cfg.Self, cfg.Provider)
	if err != nil {
		return nil, err
	}

	for i, k := range []knobs{defaultKnobs} {
		if !cfg.runs("1") {
			break
		}
		logf("==> scenario 1: %d generations, maxJobs %d, T %s, -parallelism=%d (%s)", throughputWorkload.n,
			throughputWorkload.maxJobs, throughputWorkload.taskTime, throughputWorkload.parallelism, k.name)
		v, err := runVariant(ctx, tc, filepath.Join(cfg.WorkDir, fmt.Sprintf("throughput-%d", i)), throughputWorkload, k, cfg.Runs, logf)
		if err != nil {
			return nil, fmt.Errorf("scenario 1 (%s): %w", k.name, err)
		}
		rep.Throughput = append(rep.Throughput, v)
	}
	detectionKnobs := []knobs{defaultKnobs}
	if cfg.Tuned {
		detectionKnobs = append(detectionKnobs, tunedKnobs)
	}
	for i, k := range detectionKnobs {
		if !cfg.runs("2") {
			break
		}
		logf("==> scenario 2: detection latency, %d generations, T %s (%s)", detectionWorkload.n, detectionWorkload.taskTime, k.name)
		v, err := runVariant(ctx, tc, filepath.Join(cfg.WorkDir, fmt.Sprintf("detection-%d", i)), detectionWorkload, k, cfg.Runs, logf)
		if err != nil {
			return nil, fmt.Errorf("scenario 2 (%s): %w", k.name, err)
		}
		rep.Detection = append(rep.Detection, v)
	}

	for i, n := range refreshCounts {
		if !cfg.runs("3") {
			break
		}
		runs := cfg.Runs
		if i > 0 {
			runs = min(runs, bigRefreshRuns)
		}
		logf("==> scenario 3: terraform plan of %d existing generations, and of %d terraform_data", n, n)
		rf, err := planRefresh(ctx, tc, filepath.Join(cfg.WorkDir, fmt.Sprintf("refresh-%d", n)), n, runs, logf)
		if err != nil {
			return nil, fmt.Errorf("scenario 3 (%d): %w", n, err)
		}
		rep.Refresh = append(rep.Refresh, rf)
	}

	if cfg.runs("4") {
		logf("==> scenario 4: the naive curl loop (poll every %s, retry 429 after %s) on scenario 1's workload", docsCadence.poll, docsCadence.busy)
		script, err := writeNaiveScript(cfg.WorkDir)
		if err != nil {
			return nil, err
		}
		for i := 0; i < cfg.NaiveRuns; i++ {
			r, err := runNaive(ctx, script, throughputWorkload, docsCadence)
			if err != nil {
				return nil, fmt.Errorf("scenario 4: %w", err)
			}
			logf("    run %d/%d: %.1fs, %d requests (%d creates, %d × 429, %d polls)", i+1, cfg.NaiveRuns, r.Wall.Seconds(), r.Requests, r.Creates, r.Busy429, r.Polls)
			rep.Naive = append(rep.Naive, r)
		}
	}

	if cfg.runs("5") {
		logf("==> scenario 5: slots freed by another client (%d generations behind maxJobs foreign tasks)", slotWorkloads[0].n)
		if rep.Slots, err = runSlots(ctx, tc, filepath.Join(cfg.WorkDir, "slots"), max(cfg.SlotRuns, 1), max(cfg.SlotBaselineRuns, 1), logf); err != nil {
			return nil, fmt.Errorf("scenario 5: %w", err)
		}
	}

	if cfg.runs("micro") {
		logf("==> Go micro-benchmarks (internal/useapi, -count %d)", cfg.MicroCount)
		if rep.Micro, err = runMicro(ctx, cfg.Root, cfg.MicroCount); err != nil {
			return nil, err
		}
	}
	rep.Elapsed = time.Since(rep.Started)
	return rep, nil
}

// runVariant initialises a workspace for wl with knobs k and applies it
// runs times, each against a fresh simulator.
func runVariant(ctx context.Context, tc *toolchain, dir string, wl workload, k knobs, runs int, logf func(string, ...any)) (variantRuns, error) {
	v := variantRuns{Knobs: k}
	ws, err := tc.newWorkspace(ctx, dir, generationsConfig(wl.n, k))
	if err != nil {
		return v, err
	}
	for i := 0; i < runs; i++ {
		r, err := applyGenerations(ctx, ws, wl)
		if err != nil {
			return v, err
		}
		logf("    run %d/%d: apply %.2fs (ratio %.3f, first create %.2fs, CPU %.2fs, load %.1f), %d creates, %d × 429, max %d at once, latency median %.2fs, polls/task max %d, idle %.1f slot-s",
			i+1, runs, r.Wall.Seconds(), r.Ratio, r.FirstCreate.Seconds(), r.CPU.Seconds(), r.Load, r.Creates, r.Busy429, r.MaxConcurrent,
			r.medianLatency(), r.maxPolls(), r.IdleSlots)
		v.Runs = append(v.Runs, r)
	}
	return v, nil
}

func terraformVersion(ctx context.Context, tf string) (string, error) {
	cmd := exec.CommandContext(ctx, tf, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform version: %w", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return "", errors.Join(errors.New("terraform version -json: unexpected output"), err)
	}
	return v.Version, nil
}

// gitDescribe names the commit the measured tree is at ("-dirty" with
// uncommitted changes), "" when root is not a git checkout.
func gitDescribe(ctx context.Context, root string) string {
	cmd := exec.CommandContext(ctx, "git", "-C", root, "describe", "--always", "--dirty", "--abbrev=12") // #nosec G204 -- root is the repository the user pointed at
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// cpuModel is the first "model name" of /proc/cpuinfo, "" when unknown.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
