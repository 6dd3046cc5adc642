// Command runway-simulator serves the in-memory useapi.net Runway gateway
// simulator on 127.0.0.1 for demos (`make demo`) and manual testing:
//
//	runway-simulator -addr 127.0.0.1:8787 -task-duration 10s
//
// It prints the endpoint and token to configure the provider with
// (USEAPI_ENDPOINT, USEAPI_TOKEN) and the ids of the seeded demo assets,
// logs every request (method, path, status, latency) unless -quiet, and shuts
// down gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "runway-simulator:", err)
		}
		stop()
		os.Exit(2)
	}
}

// run parses args, serves until ctx is done and returns why it stopped.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("runway-simulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		opts     simulator.Options
		addr     = fs.String("addr", "127.0.0.1:8787", "listen address; only 127.0.0.1 (or localhost) is accepted, port 0 picks a free port")
		portFile = fs.String("port-file", "", "write the bound port to this file once listening (for -addr 127.0.0.1:0)")
		quiet    = fs.Bool("quiet", false, "do not log requests")
	)
	fs.StringVar(&opts.Token, "token", "user:1234-simulator", "bearer token the simulator accepts")
	fs.DurationVar(&opts.TaskDuration, "task-duration", simulator.DefaultTaskDuration, "length of a task's RUNNING phase")
	fs.DurationVar(&opts.QueueDelay, "queue-delay", 0, "length of a task's PENDING phase (0: task-duration/10, negative: none)")
	fs.IntVar(&opts.MaxJobs, "max-jobs", simulator.DefaultMaxJobs, "account capacity: concurrent PENDING+RUNNING tasks")
	fs.IntVar(&opts.Credits, "credits", simulator.DefaultCredits, "plan credits permitted")
	fs.BoolVar(&opts.SeedDemoAssets, "seed-demo-assets", true, "pre-create the demo assets (fixed ids)")
	fs.DurationVar(&opts.URLTTL, "url-ttl", simulator.DefaultURLTTL, "lifetime of signed file URLs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	var logw io.Writer
	if !*quiet {
		logw = stderr
	}
	return simulator.ListenAndServe(ctx, *addr, opts, logw, func(srv *simulator.Server, sim *simulator.Simulator) error {
		if *portFile != "" {
			if err := writeFileAtomic(*portFile, strconv.Itoa(srv.Port)+"\n"); err != nil {
				return fmt.Errorf("writing port file: %w", err)
			}
		}
		fmt.Fprintf(stdout, "runway simulator listening on %s\n", srv.URL)
		fmt.Fprintf(stdout, "USEAPI_ENDPOINT=%s\n", srv.Endpoint())
		fmt.Fprintf(stdout, "USEAPI_TOKEN=%s\n", sim.Token())
		if ids := sim.DemoAssetIDs(); len(ids) > 0 {
			fmt.Fprintln(stdout, "demo assets:")
			for _, id := range ids {
				fmt.Fprintf(stdout, "  %s\n", id)
			}
		}
		return nil
	})
}

// writeFileAtomic writes through a temporary file and a rename so that a
// script polling for the port file never reads it half written.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".port-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
