package bench

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// peakRSS is the child's peak resident set size in bytes, from the rusage
// wait4 returned for it (Linux reports ru_maxrss in KiB).
func peakRSS(ps *os.ProcessState) (int64, error) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, fmt.Errorf("no rusage for process %d", ps.Pid())
	}
	return ru.Maxrss * 1024, nil
}

// bindChildLifetime kills the provider if the wrapper dies first (e.g.
// Terraform kills the wrapper after a timeout), so that no provider is
// left serving behind a dead wrapper.
func bindChildLifetime(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// startAndWait runs cmd on a locked OS thread: Pdeathsig fires when the
// thread that forked the child exits, which the Go runtime may otherwise do
// while the child still runs.
func startAndWait(cmd *exec.Cmd) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return cmd.Run()
}
