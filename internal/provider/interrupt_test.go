//go:build unix

package provider

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// ownProcessGroup makes the command lead a new process group, which its
// provider plugin joins.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalProcessGroup sends sig to the command and every process it started.
func signalProcessGroup(cmd *exec.Cmd, sig syscall.Signal) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// killProcessGroup ends the command and its plugins.
func killProcessGroup(cmd *exec.Cmd) error { return signalProcessGroup(cmd, syscall.SIGKILL) }

// Ctrl-C during the wait: Terraform stops the provider, which saves the task
// id and last status before exiting, so nothing paid for is lost. After
// `terraform untaint`, the next apply waits for that same task in place;
// the gateway sees exactly one create.
func TestInterrupt_ctrlCKeepsTaskAndUntaintResumesIt(t *testing.T) {
	t.Parallel()
	sim := newTestSim(t, simulator.Options{})
	sim.HoldTasks(true)
	addr := "runway_gen2_extension.clip"
	ws := newWorkspace(t, sim.providerBlock()+fmt.Sprintf(`
resource "runway_gen2_extension" "clip" {
  asset_id = %q
  motion   = 5
}
`, sim.demoVideo()))

	apply := ws.start("apply", "-auto-approve", "-input=false")
	// The first poll may still see PENDING (the queue delay); once a third
	// poll was sent, the answer of the second, RUNNING, has been taken in.
	var taskID string
	waitFor(t, time.Minute, "the create and three polls of its task", func() bool {
		ids := sim.Tasks()
		if len(ids) == 0 {
			return false
		}
		taskID = ids[0]
		return sim.Polls(taskID) >= 3
	})
	sent := time.Now()
	if err := signalProcessGroup(apply.cmd, syscall.SIGINT); err != nil {
		t.Fatalf("sending SIGINT: %v", err)
	}
	out, code := apply.wait(t, time.Minute)
	t.Logf("terraform exited %s after SIGINT", time.Since(sent).Round(time.Millisecond))
	if code == 0 {
		t.Fatalf("an interrupted apply exited 0:\n%s", out)
	}
	want := errorPattern(`Waiting for the Runway generation was interrupted.*Runway task ` + regexp.QuoteMeta(taskID) +
		` is still RUNNING: the wait was interrupted.*NOT cancelled.*saved in the state.*terraform untaint runway_gen2_extension\.<name> terraform apply`)
	if !want.MatchString(diagnosticText(out)) {
		t.Fatalf("the interrupted apply does not explain how to resume; output:\n%s", out)
	}
	if ids := sim.Tasks(); len(ids) != 1 {
		t.Fatalf("tasks on the account = %v, want exactly one", ids)
	}
	assertResumesAfterUntaint(t, ws, sim.held(), addr, taskID)
}
