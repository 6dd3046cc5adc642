//go:build !unix

package provider

import (
	"os/exec"
)

// ownProcessGroup is a no-op where process groups do not exist; the
// interrupt tests, which need them, are unix-only.
func ownProcessGroup(*exec.Cmd) {}

// killProcessGroup ends the command.
func killProcessGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
