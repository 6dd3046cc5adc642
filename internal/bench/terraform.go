package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// mirrorVersion is the version the provider is installed under in the
// private mirror. Terraform only reads it from the mirror's layout; the
// binary's own version string does not matter.
const mirrorVersion = "0.0.1"

// toolchain is a Terraform CLI configured to install the provider from a
// private filesystem mirror only (no network).
type toolchain struct {
	terraform    string
	rcFile       string
	realProvider string
}

// newToolchain installs wrapperExe (the harness binary) into a filesystem
// mirror under dir as the provider, and writes a CLI configuration that
// uses that mirror for tfrunway/runway.
func newToolchain(dir, terraform, wrapperExe, realProvider string) (*toolchain, error) {
	mirror := filepath.Join(dir, "mirror")
	pkgDir := filepath.Join(mirror, "registry.terraform.io", "tfrunway", "runway", mirrorVersion, runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(pkgDir, 0o750); err != nil {
		return nil, err
	}
	if err := copyFile(wrapperExe, filepath.Join(pkgDir, providerBase+"_v"+mirrorVersion), 0o700); err != nil {
		return nil, fmt.Errorf("installing the provider wrapper: %w", err)
	}
	rc := filepath.Join(dir, "terraformrc")
	cfg := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/tfrunway/runway"]
  }
}
`, mirror)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	return &toolchain{terraform: terraform, rcFile: rc, realProvider: realProvider}, nil
}

func copyFile(src, dst string, mode os.FileMode) (err error) {
	in, err := os.Open(src) // #nosec G304 -- the harness's own executable
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, in.Close()) }()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode) // #nosec G304 -- inside the work directory
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// workspace is one Terraform working directory (configuration, state).
type workspace struct {
	tc  *toolchain
	dir string
	seq int
}

// newWorkspace writes config as main.tf into dir and runs terraform init.
func (tc *toolchain) newWorkspace(ctx context.Context, dir, config string) (*workspace, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	w := &workspace{tc: tc, dir: dir}
	res, err := w.run(ctx, nil, "init", "-input=false", "-no-color")
	if err != nil {
		return nil, err
	}
	if res.exitCode != 0 {
		return nil, fmt.Errorf("terraform init in %s failed (exit %d):\n%s", dir, res.exitCode, tail(res.output, 40))
	}
	return w, nil
}

// resetState forgets every resource, so that the next apply creates them
// all again (against a fresh simulator).
func (w *workspace) resetState() error {
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if err := os.Remove(filepath.Join(w.dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// tfResult is one terraform command's outcome.
type tfResult struct {
	start    time.Time
	wall     time.Duration
	exitCode int
	output   []byte
	// cpu is the CPU time (user + system) of terraform and every process
	// it waited for, providers included.
	cpu time.Duration
	// provider is what the provider processes of the command used.
	provider providerUsage
	// load is the 1-minute load average before the command: other work on
	// the machine makes every wall time longer.
	load float64
}

// run runs terraform args in the workspace with env added to a cleaned
// environment. A non-zero exit is reported in the result, not as an error:
// plan -detailed-exitcode exits 2 on changes.
func (w *workspace) run(ctx context.Context, env map[string]string, args ...string) (tfResult, error) {
	w.seq++
	rssLog := filepath.Join(w.dir, fmt.Sprintf("rss-%03d-%s.log", w.seq, args[0]))
	cmd := exec.CommandContext(ctx, w.tc.terraform, args...) // #nosec G204 -- the terraform CLI the user chose
	cmd.Dir = w.dir
	cmd.Env = w.tc.environ(env, rssLog)
	var out bytes.Buffer
	load := loadAverage()
	start := time.Now()
	stamped := &stampWriter{w: &out, start: start, lineStart: true}
	cmd.Stdout, cmd.Stderr = stamped, stamped
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	res := tfResult{start: start, wall: time.Since(start), output: out.Bytes(), load: load}
	if ps := cmd.ProcessState; ps != nil {
		res.cpu = ps.UserTime() + ps.SystemTime()
	}
	if werr := os.WriteFile(filepath.Join(w.dir, fmt.Sprintf("tf-%03d-%s.log", w.seq, args[0])), res.output, 0o600); werr != nil {
		return res, werr
	}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr) && ctx.Err() == nil:
		res.exitCode = exitErr.ExitCode()
	case err != nil:
		return res, fmt.Errorf("terraform %s: %w\n%s", args[0], err, tail(res.output, 40))
	}
	res.provider, err = readRSSLog(rssLog)
	return res, err
}

// environ is the environment of a terraform command: the caller's, without
// Terraform, gateway or provider settings that could leak in (a real token,
// TF_LOG, a plugin cache), plus the bench's.
func (tc *toolchain) environ(extra map[string]string, rssLog string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "USEAPI_") || strings.HasPrefix(k, "APIKLEY_") ||
			strings.HasPrefix(k, "RUNWAY_BENCH_") || k == envCapacityWatch || k == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+tc.rcFile,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		envRealProvider+"="+tc.realProvider,
		envRSSLog+"="+rssLog,
	)
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// stampWriter prefixes every line with the time since start ("+12.345s "),
// so that the kept logs show where a slow run spent its time. os/exec
// calls Write from one goroutine at a time when Stdout and Stderr are the
// same writer.
type stampWriter struct {
	w         *bytes.Buffer
	start     time.Time
	lineStart bool
}

func (s *stampWriter) Write(p []byte) (int, error) {
	for _, line := range bytes.SplitAfter(p, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if s.lineStart {
			fmt.Fprintf(s.w, "+%.3fs ", time.Since(s.start).Seconds())
		}
		s.w.Write(line)
		s.lineStart = line[len(line)-1] == '\n'
	}
	return len(p), nil
}

// tail returns the last n lines of b, for error messages.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// loadAverage is the 1-minute load average (/proc/loadavg), -1 if unknown.
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	var l float64
	if _, err := fmt.Sscanf(string(data), "%f", &l); err != nil {
		return -1
	}
	return l
}
