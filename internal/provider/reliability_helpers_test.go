package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The subprocess harness drives the real terraform CLI against the real
// provider binary, the way a user or a CI pipeline does: for what the
// in-process test framework cannot do (send Ctrl-C, untaint, choose
// -parallelism, read TF_LOG output). The binary is built once per test run
// and installed in a private filesystem mirror, so `terraform init` works
// offline, as in examples/demo/run.sh.

// subprocessProviderVersion is the version the test binary is built and
// installed as.
const subprocessProviderVersion = "0.0.1"

// subprocessTimeout bounds every terraform command of the harness, so that a
// hung command fails its test instead of the whole run.
const subprocessTimeout = 3 * time.Minute

var providerBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// builtProvider returns the provider binary, building it on first use.
func builtProvider(t *testing.T) string {
	t.Helper()
	providerBuild.once.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			providerBuild.err = fmt.Errorf("the go command is needed to build the provider for the subprocess tests: %w", err)
			return
		}
		// Shared by every subprocess test of the run (built once), so not a
		// t.TempDir(); TestMain removes it.
		dir, err := os.MkdirTemp("", "runway-provider-build-") //nolint:usetesting // outlives any single test
		if err != nil {
			providerBuild.err = err
			return
		}
		providerBuild.dir = dir
		out := filepath.Join(dir, "terraform-provider-runway_v"+subprocessProviderVersion)
		cmd := exec.Command(goBin, "build", "-o", out,
			"-ldflags", "-X main.version="+subprocessProviderVersion,
			"github.com/tfrunway/terraform-provider-runway")
		if msg, err := cmd.CombinedOutput(); err != nil {
			providerBuild.err = fmt.Errorf("go build: %w\n%s", err, msg)
			return
		}
		providerBuild.path = out
	})
	if providerBuild.err != nil {
		t.Fatalf("building the provider: %v", providerBuild.err)
	}
	return providerBuild.path
}

// removeProviderBuild deletes the binary built by builtProvider; TestMain
// calls it once every test has finished.
func removeProviderBuild() {
	if providerBuild.dir != "" {
		_ = os.RemoveAll(providerBuild.dir)
	}
}

// terraformBinary is the CLI the acceptance tests use.
func terraformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("terraform is not on PATH (set TF_ACC_TERRAFORM_PATH): %v", err)
	}
	return p
}

// tfWorkspace is one Terraform working directory with the provider
// installed from a private mirror.
type tfWorkspace struct {
	t   *testing.T
	tf  string
	dir string // the configuration and its local state
	env []string
}

// newWorkspace writes config (provider and resources; the required_providers
// block is added) into a fresh directory and runs `terraform init`. extraEnv
// entries ("KEY=value") are added to the commands' environment.
func newWorkspace(t *testing.T, config string, extraEnv ...string) *tfWorkspace {
	t.Helper()
	root := t.TempDir()
	mirror := filepath.Join(root, "mirror")
	platform := filepath.Join(mirror, "registry.terraform.io", "tfrunway", "runway",
		subprocessProviderVersion, runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(platform, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := builtProvider(t)
	if err := os.Symlink(bin, filepath.Join(platform, filepath.Base(bin))); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(root, "terraformrc")
	writeFile(t, rc, fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/tfrunway/runway"]
  }
}
`, mirror))
	dir := filepath.Join(root, "work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "main.tf"), `terraform {
  required_providers {
    runway = {
      source = "tfrunway/runway"
    }
  }
}
`+config)

	env := append(cleanTerraformEnv(), "TF_CLI_CONFIG_FILE="+rc)
	env = append(env, extraEnv...)

	w := &tfWorkspace{t: t, tf: terraformBinary(t), dir: dir, env: env}
	w.mustRun("init", "-input=false")
	return w
}

// cleanTerraformEnv is this process's environment for a terraform command:
// the developer's shell must not leak into the run (no TF_LOG, plugin cache,
// reattach or credentials from outside the test), and Terraform runs as in
// automation, offline.
func cleanTerraformEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(key, "TF_") || strings.HasPrefix(key, "USEAPI_") ||
			strings.HasPrefix(key, "APIKLEY_") || strings.HasPrefix(key, "RUNWAY_") || key == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// command prepares a terraform command in its own process group, so that an
// interrupt reaches the CLI and its provider plugin like a Ctrl-C in a
// terminal, and cleanup leaves no plugin process behind.
func (w *tfWorkspace) command(ctx context.Context, out *bytes.Buffer, args ...string) *exec.Cmd {
	// -no-color goes right after the subcommand: flags after a positional
	// argument (untaint ADDR) are not parsed.
	argv := append([]string{args[0], "-no-color"}, args[1:]...)
	cmd := exec.CommandContext(ctx, w.tf, argv...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	cmd.Stdout = out
	cmd.Stderr = out
	ownProcessGroup(cmd)
	cmd.Cancel = func() error { return killProcessGroup(cmd) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// run runs one terraform command to its end and returns its combined output
// and exit code.
func (w *tfWorkspace) run(args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), subprocessTimeout)
	defer cancel()
	var out bytes.Buffer
	cmd := w.command(ctx, &out, args...)
	err := cmd.Run()
	code := 0
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || ctx.Err() != nil {
			w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		code = exit.ExitCode()
	}
	return out.String(), code
}

// mustRun runs a command that has to succeed.
func (w *tfWorkspace) mustRun(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("terraform %s exited with %d:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// start starts a long command (apply) in the background; the returned
// process is waited for by wait or, at the latest, killed at cleanup.
func (w *tfWorkspace) start(args ...string) *tfProcess {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), subprocessTimeout)
	p := &tfProcess{args: args, done: make(chan struct{})}
	p.cmd = w.command(ctx, &p.out, args...)
	if err := p.cmd.Start(); err != nil {
		cancel()
		w.t.Fatalf("starting terraform %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		p.err = p.cmd.Wait()
		cancel()
		close(p.done)
	}()
	w.t.Cleanup(func() {
		cancel()
		<-p.done
	})
	return p
}

// tfProcess is a terraform command running in the background.
type tfProcess struct {
	args []string
	cmd  *exec.Cmd
	out  bytes.Buffer // written by the command until done is closed
	err  error
	done chan struct{}
}

// exited reports whether the command has exited.
func (p *tfProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for the command to exit and returns its output and exit code.
func (p *tfProcess) wait(t *testing.T, timeout time.Duration) (string, int) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		_ = killProcessGroup(p.cmd)
		<-p.done
		t.Fatalf("terraform %s did not exit within %s:\n%s", strings.Join(p.args, " "), timeout, p.out.String())
	}
	return p.result(t)
}

// result is the output and exit code of a command that has exited.
func (p *tfProcess) result(t *testing.T) (string, int) {
	t.Helper()
	<-p.done
	if p.err == nil {
		return p.out.String(), 0
	}
	var exit *exec.ExitError
	if !errors.As(p.err, &exit) {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(p.args, " "), p.err, p.out.String())
	}
	return p.out.String(), exit.ExitCode()
}

// tfResource is a resource instance of `terraform show -json`.
type tfResource struct {
	Address string         `json:"address"`
	Tainted bool           `json:"tainted"`
	Values  map[string]any `json:"values"`
}

// resources returns the resource instances in the state, by address.
func (w *tfWorkspace) resources() map[string]tfResource {
	w.t.Helper()
	out, code := w.run("show", "-json")
	if code != 0 {
		w.t.Fatalf("terraform show -json exited with %d:\n%s", code, out)
	}
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []tfResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		w.t.Fatalf("decoding terraform show -json: %v\n%s", err, out)
	}
	res := map[string]tfResource{}
	if doc.Values != nil {
		for _, r := range doc.Values.RootModule.Resources {
			res[r.Address] = r
		}
	}
	return res
}

// resource returns one resource instance of the state, failing the test if
// it is missing.
func (w *tfWorkspace) resource(addr string) tfResource {
	w.t.Helper()
	r, ok := w.resources()[addr]
	if !ok {
		w.t.Fatalf("%s is not in the state", addr)
	}
	return r
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// diagnosticText removes the box drawing with which the CLI frames
// diagnostics ("╷", "│ ", "╵"), so that errorPattern can match across the
// lines Terraform wraps.
func diagnosticText(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		l = strings.TrimPrefix(l, "╷")
		l = strings.TrimPrefix(l, "╵")
		l = strings.TrimPrefix(l, "│")
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// heldGateway is what assertResumesAfterUntaint needs of a gateway
// simulator that can hold its tasks unfinished.
type heldGateway struct {
	polls   func(taskID string) int
	hold    func(bool)
	creates func() int
	// running and done are the gateway's statuses of a held task and of a
	// finished one; videoURL matches a finished task's video_url.
	running, done string
	videoURL      *regexp.Regexp
}

func (s *testSim) held() heldGateway {
	return heldGateway{
		polls: s.Polls, hold: s.HoldTasks, creates: func() int { return s.Stats().Creates },
		running: "RUNNING", done: "SUCCEEDED", videoURL: fileURLPattern,
	}
}

func (a *testApikley) held() heldGateway {
	return heldGateway{
		polls: func(id string) int { return a.Stats().Polls[id] }, hold: a.HoldTasks,
		creates: func() int { return a.Stats().Creates },
		running: "generating", done: "success", videoURL: apikleyVideoURLPattern,
	}
}

// assertResumesAfterUntaint follows the advice of an interrupted or timed
// out create: the state holds taskID, still unfinished and tainted;
// `terraform untaint` then `terraform apply` waits for that same task in
// place and pays for nothing new. The gateway holds the task until that
// apply is seen polling it, so the apply really has to wait.
func assertResumesAfterUntaint(t *testing.T, ws *tfWorkspace, gw heldGateway, addr, taskID string) {
	t.Helper()
	r := ws.resource(addr)
	if r.Values["id"] != taskID {
		t.Fatalf("state id = %v, want %s", r.Values["id"], taskID)
	}
	if r.Values["status"] != gw.running {
		t.Fatalf("state status = %v, want the last status seen, %s", r.Values["status"], gw.running)
	}
	if !r.Tainted {
		t.Fatalf("%s is not tainted after a failed create", addr)
	}

	ws.mustRun("untaint", addr)
	polled := gw.polls(taskID)
	apply := ws.start("apply", "-auto-approve", "-input=false")
	// One poll is the refresh, the next ones are the update's wait.
	waitFor(t, time.Minute, "the resumed apply to wait for the task", func() bool {
		if apply.exited() {
			out, code := apply.result(t)
			t.Fatalf("the apply after untaint exited (%d) without waiting for the task:\n%s", code, out)
		}
		return gw.polls(taskID) >= polled+2
	})
	gw.hold(false)
	out, code := apply.wait(t, time.Minute)
	if code != 0 {
		t.Fatalf("the apply after untaint exited with %d:\n%s", code, out)
	}
	if !strings.Contains(out, "0 added, 1 changed, 0 destroyed") {
		t.Fatalf("the apply after untaint is not an in-place update:\n%s", out)
	}
	r = ws.resource(addr)
	if r.Values["id"] != taskID || r.Values["status"] != gw.done || r.Tainted {
		t.Fatalf("after the resumed apply: id = %v, status = %v, tainted = %v; want %s, %s, false",
			r.Values["id"], r.Values["status"], r.Tainted, taskID, gw.done)
	}
	if url, _ := r.Values["video_url"].(string); !gw.videoURL.MatchString(url) {
		t.Fatalf("video_url = %q", url)
	}
	if got := gw.creates(); got != 1 {
		t.Fatalf("the gateway accepted %d creates, want 1", got)
	}
	if out, code := ws.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after the resumed apply is not empty (exit %d):\n%s", code, out)
	}
}
