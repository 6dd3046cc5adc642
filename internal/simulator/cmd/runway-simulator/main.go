// Command runway-simulator serves the in-memory gateway simulators on
// 127.0.0.1 for demos (`make demo`) and manual testing, both on one port:
// useapi.net's Runway API under /v1/runwayml (and its files under /files/),
// Apikley's under /api/v1/ (and its files under /apikley-files/).
//
//	runway-simulator -addr 127.0.0.1:8787 -task-duration 10s
//
// It prints what to configure the provider with (USEAPI_ENDPOINT,
// USEAPI_TOKEN, APIKLEY_ENDPOINT, APIKLEY_API_KEY), the ids of the seeded
// demo assets and of a finished Apikley task, logs every request (method,
// path, status, latency) unless -quiet, and shuts down gracefully on SIGINT
// or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
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
		accounts = fs.String("accounts", "", "comma-separated Runway account emails; with two or more, calls scoped to one account need `email`, as on the gateway (default: one account, demo@runway.local)")
		akOpts   apikleysim.Options
	)
	fs.StringVar(&opts.Token, "token", "user:1234-simulator", "bearer token the simulator accepts")
	fs.DurationVar(&opts.TaskDuration, "task-duration", simulator.DefaultTaskDuration, "length of a task's RUNNING phase (Apikley: generating)")
	fs.DurationVar(&opts.QueueDelay, "queue-delay", 0, "length of a task's PENDING phase (Apikley: wait then queueing) (0: task-duration/10, negative: none)")
	fs.IntVar(&opts.MaxJobs, "max-jobs", simulator.DefaultMaxJobs, "account capacity: concurrent PENDING+RUNNING tasks")
	fs.IntVar(&opts.Credits, "credits", simulator.DefaultCredits, "plan credits permitted")
	fs.BoolVar(&opts.SeedDemoAssets, "seed-demo-assets", true, "pre-create the demo assets (fixed ids) and a finished Apikley task (APIKLEY_DEMO_TASK_ID)")
	fs.DurationVar(&opts.URLTTL, "url-ttl", simulator.DefaultURLTTL, "lifetime of signed file URLs")
	fs.StringVar(&akOpts.APIKey, "apikley-key", apikleysim.DefaultAPIKey, "API key the Apikley simulator accepts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for _, email := range strings.Split(*accounts, ",") {
		if email = strings.TrimSpace(email); email != "" {
			if !strings.Contains(email, "@") {
				return fmt.Errorf("-accounts: %q is not an email address", email)
			}
			opts.AccountEmails = append(opts.AccountEmails, email)
		}
	}
	var logw io.Writer
	if !*quiet {
		logw = stderr
	}
	// One clock for both gateways: -task-duration and -queue-delay apply to
	// Apikley tasks too (its wait+queueing phases stand for PENDING).
	akOpts.TaskDuration, akOpts.QueueDelay = opts.TaskDuration, opts.QueueDelay
	sim := simulator.New(opts)
	gw := apikleysim.New(akOpts)
	defer gw.Close()
	srv, err := simulator.Start(*addr, newMux(sim, gw), logw)
	if err != nil {
		return err
	}
	if akOpts.APIKey == "" {
		akOpts.APIKey = apikleysim.DefaultAPIKey // what New accepts for an empty key
	}
	readyErr := ready(stdout, srv, sim, gw, akOpts.APIKey, *portFile, opts.SeedDemoAssets)
	if readyErr == nil {
		<-ctx.Done()
	}
	// ctx is usually done by now: shut down under a fresh deadline that
	// keeps its values but not its cancellation.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	return readyErr
}

// newMux routes Apikley's API and files to its gateway and everything else
// to the useapi.net simulator; the two gateways' paths do not overlap.
func newMux(sim *simulator.Simulator, gw *apikleysim.Gateway) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", gw)
	mux.Handle(apikleysim.FilesPrefix, gw)
	mux.Handle("/", sim)
	return mux
}

// ready writes the port file and prints how to configure the provider. The
// configuration is printed in one write, whose failure stops the server: a
// simulator nobody can learn the settings of is of no use.
func ready(stdout io.Writer, srv *simulator.Server, sim *simulator.Simulator, gw *apikleysim.Gateway, apikleyKey, portFile string, seed bool) error {
	var out strings.Builder
	fmt.Fprintf(&out, "runway simulator listening on %s\n", srv.URL)
	fmt.Fprintf(&out, "USEAPI_ENDPOINT=%s\n", srv.Endpoint())
	fmt.Fprintf(&out, "USEAPI_TOKEN=%s\n", sim.Token())
	if emails := sim.AccountEmails(); len(emails) > 1 {
		fmt.Fprintf(&out, "accounts (the provider's email, or USEAPI_EMAIL, picks one): %s\n", strings.Join(emails, ", "))
	}
	fmt.Fprintf(&out, "APIKLEY_ENDPOINT=%s\n", srv.URL)
	fmt.Fprintf(&out, "APIKLEY_API_KEY=%s\n", apikleyKey)
	if ids := sim.DemoAssetIDs(); len(ids) > 0 {
		out.WriteString("demo assets:\n")
		for _, id := range ids {
			fmt.Fprintf(&out, "  %s\n", id)
		}
	}
	if seed {
		// A finished video whose id can be given to runway_apikley_extension.
		fmt.Fprintf(&out, "APIKLEY_DEMO_TASK_ID=%s\n", gw.SeedTask("demo: a paper boat drifting on a pond"))
	}
	if portFile != "" {
		if err := writeFileAtomic(portFile, strconv.Itoa(srv.Port)+"\n"); err != nil {
			return fmt.Errorf("writing port file: %w", err)
		}
	}
	if _, err := io.WriteString(stdout, out.String()); err != nil {
		return fmt.Errorf("printing the configuration: %w", err)
	}
	return nil
}

// writeFileAtomic writes through a temporary file and a rename so that a
// script polling for the port file never reads it half written.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".port-*")
	if err != nil {
		return err
	}
	// Fails harmlessly once the rename has moved the file away; before that
	// it cleans up after an error, which is the one worth reporting.
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close() // the write error is the one to report
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
