package bench

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// naiveScript is the curl loop of scenario 4 (see naive.sh).
//
//go:embed naive.sh
var naiveScript []byte

// naiveCadence is the naive script's polling and 429 resubmit interval.
type naiveCadence struct {
	poll, busy time.Duration
}

// docsCadence follows the gateway docs: poll every 10 s, retry a 429 after 10 s.
var docsCadence = naiveCadence{poll: 10 * time.Second, busy: 10 * time.Second}

// writeNaiveScript writes the embedded script into dir and returns its path.
func writeNaiveScript(dir string) (string, error) {
	path := filepath.Join(dir, "naive.sh")
	return path, os.WriteFile(path, naiveScript, 0o600)
}

// runNaive runs the naive script for wl against a fresh simulator.
func runNaive(ctx context.Context, script string, wl workload, cad naiveCadence) (genRun, error) {
	ls, err := startSim(wl.simOptions())
	if err != nil {
		return genRun{}, err
	}
	defer ls.stop(ctx)
	x, err := runNaiveScript(ctx, script, ls, wl.n, cad)
	if err != nil {
		return genRun{}, err
	}
	r := collect(ls, wl, x.start, x.end)
	r.Load, r.CPU = x.load, x.cpu
	if r.Creates != wl.n {
		return r, fmt.Errorf("naive script: %d accepted creates for %d generations:\n%s", r.Creates, wl.n, tail(x.output, 20))
	}
	return r, nil
}

// naiveExec is one run of the naive script.
type naiveExec struct {
	start, end time.Time
	load       float64
	cpu        time.Duration
	output     []byte
}

// runNaiveScript runs the naive script for n generations against ls and
// checks that every job finished.
func runNaiveScript(ctx context.Context, script string, ls *liveSim, n int, cad naiveCadence) (naiveExec, error) {
	cmd := exec.CommandContext(ctx, "bash", script) // #nosec G204 -- the embedded script, written by writeNaiveScript
	cmd.Env = append(os.Environ(),
		"ENDPOINT="+ls.srv.Endpoint(),
		"TOKEN="+ls.sim.Token(),
		"ASSET_ID="+demoVideoAssetID,
		"N="+strconv.Itoa(n),
		"POLL_SECONDS="+sleepSeconds(cad.poll),
		"BUSY_SECONDS="+sleepSeconds(cad.busy),
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	x := naiveExec{load: loadAverage(), start: time.Now()}
	err := cmd.Run()
	x.end = time.Now()
	x.output = out.Bytes()
	if err != nil {
		return x, fmt.Errorf("naive script: %w\n%s", err, tail(x.output, 20))
	}
	if ps := cmd.ProcessState; ps != nil {
		x.cpu = ps.UserTime() + ps.SystemTime()
	}
	if done := strings.Count(strings.TrimSpace(out.String()), "\n") + 1; done != n {
		return x, fmt.Errorf("naive script: %d finished jobs for %d generations:\n%s", done, n, tail(x.output, 20))
	}
	return x, nil
}

// sleepSeconds formats d as seconds for sleep(1), e.g. "10" or "0.25".
func sleepSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}
