// Command runway-bench is the benchmark harness run by `make bench`
// (bench/run.sh): it measures the provider with the real Terraform CLI
// against the in-process gateway simulator on 127.0.0.1 and writes the
// results as Markdown.
//
//	runway-bench -provider ./terraform-provider-runway -out bench/results.md
//
// Installed under the provider's name in the harness's filesystem mirror,
// the same binary is the wrapper that runs the real provider and records
// its peak RSS (see bench.RunProviderWrapper).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/bench"
)

func main() {
	if bench.IsProviderWrapper() {
		os.Exit(bench.RunProviderWrapper())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "runway-bench:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, logw io.Writer) error {
	fs := flag.NewFlagSet("runway-bench", flag.ContinueOnError)
	fs.SetOutput(logw)
	var (
		provider = fs.String("provider", "", "provider binary to measure (required)")
		out      = fs.String("out", "bench/results.md", "Markdown results file")
		root     = fs.String("root", ".", "repository root, for the Go micro-benchmarks")
		work     = fs.String("work", "", "working directory (default: a new temporary directory, removed afterwards)")
		tf       = fs.String("terraform", "", "terraform CLI (default: terraform on PATH)")
		runs     = fs.Int("runs", envInt("BENCH_RUNS", 5), "runs per Terraform scenario (env BENCH_RUNS)")
		naive    = fs.Int("naive-runs", envInt("BENCH_NAIVE_RUNS", 3), "runs of the naive script (env BENCH_NAIVE_RUNS)")
		micro    = fs.Int("micro-count", 5, "-count of the Go micro-benchmarks")
		slots    = fs.Int("slot-runs", envInt("BENCH_SLOT_RUNS", 3), "scenario 5: runs through the provider per maxJobs (env BENCH_SLOT_RUNS)")
		slotBase = fs.Int("slot-baseline-runs", envInt("BENCH_SLOT_BASELINE_RUNS", 1), "scenario 5: runs of each baseline (no watchers, naive script) per maxJobs (env BENCH_SLOT_BASELINE_RUNS)")
		noTuned  = fs.Bool("no-tuned", false, "skip the runs with tuned provider settings")
		only     = fs.String("only", os.Getenv("BENCH_ONLY"), "comma-separated parts to run: 1,2,3,4,5,micro (env BENCH_ONLY; default all)")
		strict   = fs.Bool("strict", os.Getenv("BENCH_STRICT") == "1", "exit with status 1 when a target is missed (env BENCH_STRICT=1)")
		quick    = fs.Bool("quick", os.Getenv("BENCH_QUICK") == "1", "one run of everything (env BENCH_QUICK=1)")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *provider == "" {
		return fmt.Errorf("-provider is required")
	}
	if *quick {
		*runs, *naive, *micro, *slots, *slotBase = 1, 1, 1, 1, 1
	}
	if *runs < 1 || *naive < 1 || *micro < 1 || *slots < 1 || *slotBase < 1 {
		return fmt.Errorf("-runs, -naive-runs, -micro-count, -slot-runs and -slot-baseline-runs must be at least 1")
	}
	cfg := bench.Config{Runs: *runs, NaiveRuns: *naive, MicroCount: *micro, SlotRuns: *slots, SlotBaselineRuns: *slotBase, Log: logw, Tuned: !*noTuned}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	var err error
	if cfg.Provider, err = filepath.Abs(*provider); err != nil {
		return err
	}
	if cfg.Root, err = filepath.Abs(*root); err != nil {
		return err
	}
	if cfg.Self, err = os.Executable(); err != nil {
		return err
	}
	cfg.Terraform = *tf
	if cfg.Terraform == "" {
		if cfg.Terraform, err = exec.LookPath("terraform"); err != nil {
			return fmt.Errorf("terraform is not on PATH: %w", err)
		}
	}
	cfg.WorkDir = *work
	if cfg.WorkDir == "" {
		if cfg.WorkDir, err = os.MkdirTemp("", "runway-bench-"); err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(cfg.WorkDir) }()
	} else {
		if cfg.WorkDir, err = filepath.Abs(cfg.WorkDir); err != nil {
			return err
		}
		if err := os.MkdirAll(cfg.WorkDir, 0o750); err != nil {
			return err
		}
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, []byte(rep.Markdown()), 0o644); err != nil { // #nosec G306 -- a results file meant to be read and committed
		return err
	}
	if _, err := fmt.Fprintf(logw, "==> results written to %s (%s)\n%s", *out, rep.Elapsed.Round(time.Second), rep.Summary()); err != nil {
		return err
	}
	if *strict && rep.Failed() {
		return errors.New("some targets were missed (see the summary above)")
	}
	return nil
}

// envInt reads a positive integer from the environment, def when unset.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}
