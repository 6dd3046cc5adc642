//go:build cpuprofile

package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Built with -tags cpuprofile only (never in a release): when
// RUNWAY_CPUPROFILE names a path prefix, the provider writes its CPU
// profile to <prefix>.<pid> when Terraform stops it; when RUNWAY_MEMPROFILE
// does, it writes its heap profile (after a collection, so in-use figures
// are what is still referenced) to <prefix>.<pid> at the same moment.
// Terraform starts several provider processes per command; each gets its
// own file.
func init() {
	cpu, mem := os.Getenv("RUNWAY_CPUPROFILE"), os.Getenv("RUNWAY_MEMPROFILE")
	var stops []func()
	if cpu != "" {
		if f, err := os.Create(fmt.Sprintf("%s.%d", cpu, os.Getpid())); err == nil { // #nosec G304 -- a path the developer chose
			if pprof.StartCPUProfile(f) == nil {
				stops = append(stops, func() { pprof.StopCPUProfile(); _ = f.Close() })
			} else {
				_ = f.Close()
			}
		}
	}
	if mem != "" {
		stops = append(stops, func() {
			f, err := os.Create(fmt.Sprintf("%s.%d", mem, os.Getpid())) // #nosec G304 -- a path the developer chose
			if err != nil {
				return
			}
			runtime.GC()
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			_ = f.Close()
		})
	}
	if len(stops) > 0 {
		stopProfile = func() {
			for _, stop := range stops {
				stop()
			}
		}
	}
}
