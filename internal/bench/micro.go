package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// microBenchmarks are the Go benchmarks reported with the scenarios.
var microBenchmarks = []string{"BenchmarkDecodeTask", "BenchmarkWaitForTaskLoop"}

// microSample is one line of `go test -bench -benchmem` output.
type microSample struct {
	NsPerOp     float64
	BytesPerOp  float64
	AllocsPerOp float64
}

// microResult is every sample of one benchmark.
type microResult struct {
	Name    string
	Samples []microSample
}

func (m microResult) medianOf(f func(microSample) float64) float64 {
	xs := make([]float64, len(m.Samples))
	for i, s := range m.Samples {
		xs[i] = f(s)
	}
	return median(xs)
}

var benchLine = regexp.MustCompile(`^(Benchmark[^\s-]+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+[\d.]+ MB/s)?\s+([\d.]+) B/op\s+([\d.]+) allocs/op`)

// parseBenchOutput collects the samples of every benchmark in out, in the
// order they first appear.
func parseBenchOutput(out []byte) ([]microResult, error) {
	var results []microResult
	index := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		var s microSample
		var err error
		for i, dst := range []*float64{&s.NsPerOp, &s.BytesPerOp, &s.AllocsPerOp} {
			if *dst, err = strconv.ParseFloat(m[i+2], 64); err != nil {
				return nil, fmt.Errorf("benchmark line %q: %w", sc.Text(), err)
			}
		}
		i, ok := index[m[1]]
		if !ok {
			i = len(results)
			index[m[1]] = i
			results = append(results, microResult{Name: m[1]})
		}
		results[i].Samples = append(results[i].Samples, s)
	}
	return results, sc.Err()
}

// runMicro runs the micro-benchmarks of internal/useapi count times each.
func runMicro(ctx context.Context, root string, count int) ([]microResult, error) {
	// #nosec G204 -- fixed arguments.
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$",
		"-bench", "^("+strings.Join(microBenchmarks, "|")+")$", "-benchmem",
		"-count", strconv.Itoa(count), "./internal/useapi/")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %w\n%s", err, tail(out, 30))
	}
	results, err := parseBenchOutput(out)
	if err != nil {
		return nil, err
	}
	if len(results) != len(microBenchmarks) {
		return results, fmt.Errorf("go test -bench reported %d of %d benchmarks:\n%s", len(results), len(microBenchmarks), tail(out, 30))
	}
	return results, nil
}
