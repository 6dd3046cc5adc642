//go:build !linux

package bench

import (
	"errors"
	"os"
	"os/exec"
)

// peakRSS needs Linux's rusage semantics (ru_maxrss in KiB); elsewhere the
// harness says so instead of reporting a number in the wrong unit.
func peakRSS(*os.ProcessState) (int64, error) {
	return 0, errors.New("the provider's peak RSS is measured on Linux only")
}

// bindChildLifetime has no portable equivalent of Linux's Pdeathsig: a
// provider whose wrapper was killed is left to exit on its own.
func bindChildLifetime(*exec.Cmd) {}

func startAndWait(cmd *exec.Cmd) error { return cmd.Run() }
