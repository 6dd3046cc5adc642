package bench

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Environment read by the provider wrapper. Terraform passes its
// environment on to the providers it starts, so the harness sets these on
// the terraform command.
const (
	envRealProvider = "RUNWAY_BENCH_REAL_PROVIDER"
	envRSSLog       = "RUNWAY_BENCH_RSS_LOG"
)

// providerBase is how provider executables are named in a mirror.
const providerBase = "terraform-provider-runway"

// IsProviderWrapper reports whether this process was started by Terraform
// as the provider installed in the harness's mirror (the harness binary is
// installed there under the provider's name).
func IsProviderWrapper() bool {
	return isWrapperInvocation(os.Args[0], os.Getenv(envRealProvider))
}

func isWrapperInvocation(arg0, realProvider string) bool {
	return realProvider != "" && strings.HasPrefix(filepath.Base(arg0), providerBase)
}

// RunProviderWrapper runs the real provider with this process's arguments,
// standard streams and environment, waits for it and appends "<pid> <peak
// RSS bytes> <CPU microseconds>" to the file named by RUNWAY_BENCH_RSS_LOG.
// It returns the exit code to exit with.
//
// The streams are handed over as file descriptors, not copied, so the
// go-plugin handshake and gRPC traffic do not pass through this process.
// Interrupts reach the provider directly (same process group); the wrapper
// catches them only to outlive its child and record its usage.
func RunProviderWrapper() int {
	provider := os.Getenv(envRealProvider)
	signal.Notify(make(chan os.Signal, 1), os.Interrupt, syscall.SIGTERM)
	cmd := exec.Command(provider, os.Args[1:]...) // #nosec G204 G702 -- running the provider the harness named is the point
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	bindChildLifetime(cmd)
	err := startAndWait(cmd)
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
		if code < 0 {
			code = 1
		}
	case err != nil:
		fmt.Fprintln(os.Stderr, "runway-bench provider wrapper:", err)
		return 1
	}
	if path := os.Getenv(envRSSLog); path != "" && cmd.ProcessState != nil {
		ps := cmd.ProcessState
		rss, rerr := peakRSS(ps)
		if rerr != nil {
			fmt.Fprintln(os.Stderr, "runway-bench provider wrapper:", rerr)
			return 1
		}
		cpu := ps.UserTime() + ps.SystemTime()
		if werr := appendLine(path, fmt.Sprintf("%d %d %d", ps.Pid(), rss, cpu.Microseconds())); werr != nil {
			fmt.Fprintln(os.Stderr, "runway-bench provider wrapper:", werr)
			return 1
		}
	}
	return code
}

func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600) // #nosec G304 G703 -- the log the harness named
	if err != nil {
		return err
	}
	_, err = f.WriteString(line + "\n")
	return errors.Join(err, f.Close())
}

// providerUsage sums up the provider processes of one terraform command.
type providerUsage struct {
	// peakRSS is the largest peak RSS (bytes) of any of them.
	peakRSS int64
	// cpu is their CPU time (user + system), summed.
	cpu time.Duration
	// processes counts them.
	processes int
}

// readRSSLog reads the wrapper's log at path (absent: no provider ran).
func readRSSLog(path string) (providerUsage, error) {
	var u providerUsage
	data, err := os.ReadFile(path) // #nosec G304 G703 -- the log the harness named
	if errors.Is(err, os.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return u, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var pid int
		var rss, cpuMicros int64
		if _, err := fmt.Sscanf(line, "%d %d %d", &pid, &rss, &cpuMicros); err != nil {
			return u, fmt.Errorf("%s: bad line %q: %w", path, line, err)
		}
		u.peakRSS = max(u.peakRSS, rss)
		u.cpu += time.Duration(cpuMicros) * time.Microsecond
		u.processes++
	}
	return u, nil
}
