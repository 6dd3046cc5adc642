//go:build cpuprofile

package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// Built with -tags cpuprofile only (never in a release): when
// RUNWAY_CPUPROFILE names a path prefix, the provider writes its CPU
// profile to <prefix>.<pid> when Terraform stops it. Terraform starts
// several provider processes per command; each gets its own file.
func init() {
	prefix := os.Getenv("RUNWAY_CPUPROFILE")
	if prefix == "" {
		return
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", prefix, os.Getpid())) // #nosec G304 -- a path the developer chose
	if err != nil {
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return
	}
	stopProfile = func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
