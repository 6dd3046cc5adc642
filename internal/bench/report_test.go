package bench

import (
	"strings"
	"testing"
	"time"
)

// syntheticReport is a report with fixed numbers: scenario 1 at ratio
// 1.10 (pass), 2 with 5 polls (pass) and 1.2 s latency (fail), 3 at 6 s
// (fail), 60 MB (pass) and 5 ms of provider CPU per resource (fail), 5
// with a median lag of 0.6 s (pass) at maxJobs 1.
func syntheticReport() *Report {
	run := func(wall time.Duration, creates, maxConc int) genRun {
		return genRun{
			Wall: wall, Ratio: wall.Seconds() / 15, Creates: creates, Busy429: 2, MaxConcurrent: maxConc,
			Requests: 100, Polls: 78, Latencies: []time.Duration{100 * time.Millisecond}, PollsPerTask: []int{4, 4},
			FirstCreate: 2 * time.Second, Makespan: 15200 * time.Millisecond, Tail: 50 * time.Millisecond, PeakRSS: 30 << 20,
		}
	}
	det := func(lat time.Duration, polls int) genRun {
		return genRun{Wall: 12 * time.Second, Creates: 8, Latencies: []time.Duration{lat, lat}, PollsPerTask: []int{polls, polls - 1}}
	}
	return &Report{
		Started: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Elapsed: 9 * time.Minute, NProc: 2, CPU: "Test CPU",
		GoVersion: "go1.26", TerraformVersion: "1.11.4", Source: "a8923c5-dirty", Runs: 3, NaiveRuns: 1,
		Throughput: []variantRuns{{Knobs: defaultKnobs, Runs: []genRun{
			run(16500*time.Millisecond, 20, 4), run(17*time.Second, 20, 4), run(16*time.Second, 20, 4),
		}}},
		Detection: []variantRuns{
			{Knobs: defaultKnobs, Runs: []genRun{det(1200*time.Millisecond, 5), det(1300*time.Millisecond, 5), det(900*time.Millisecond, 6)}},
			{Knobs: tunedKnobs, Runs: []genRun{det(200*time.Millisecond, 5)}},
		},
		Refresh: []refreshResult{{N: 200, SetupWall: 20 * time.Second, Runs: []planRun{
			{Wall: 6 * time.Second, Polls: 200, Requests: 200, PeakRSS: 60 << 20, Providers: 3, CPU: 6 * time.Second, ProviderCPU: time.Second},
		}, Floor: []planRun{{Wall: 300 * time.Millisecond, CPU: 400 * time.Millisecond}}}},
		Slots: []slotResult{{Workload: slotWorkloads[0], Runs: map[string][]slotRun{
			slotWatchers: {
				{Wall: 12 * time.Second, Lags: []time.Duration{600 * time.Millisecond}, Posts: 8, Busy429: 4, Creates: 4},
				{Wall: 12 * time.Second, Lags: []time.Duration{400 * time.Millisecond}, Posts: 8, Busy429: 4, Creates: 4},
				{Wall: 12 * time.Second, Lags: []time.Duration{900 * time.Millisecond}, Posts: 8, Busy429: 4, Creates: 4},
			},
			slotNaive: {{Wall: 50 * time.Second, Lags: []time.Duration{8500 * time.Millisecond}, Posts: 14, Busy429: 10, Creates: 4}},
		}}},
		SlotRuns: 3, SlotBaseline: 1,
		Naive: []genRun{{Wall: 58 * time.Second, Ratio: 58.0 / 15, Creates: 20, Busy429: 40, Requests: 80, Polls: 20}},
		Micro: []microResult{{Name: "BenchmarkDecodeTask", Samples: []microSample{{41220, 4800, 104}}}},
	}
}

func TestVerdicts(t *testing.T) {
	got := map[string]verdict{}
	for _, v := range syntheticReport().verdicts() {
		got[v.scenario+" "+v.target] = v
	}
	tests := []struct {
		key   string
		pass  bool
		value string
	}{
		{"1 apply wall ÷ capacity limit 15s (defaults)", true, "1.100"},
		{"1 accepted creates = N (defaults)", true, "20 (every run: true)"},
		{"1 max concurrent tasks, worst run (defaults)", true, "4"},
		{"2 detection latency, median (T = 10s, defaults)", false, "1.200 s"},
		{"2 polls per task, worst task of a run (defaults)", true, "5"},
		{"2 detection latency, median (T = 10s, tuned)", true, "0.200 s"},
		{"3 `terraform plan` of 200 generations, wall", false, "6.00 s"},
		{"3 provider peak RSS during that plan", true, "60.0 MB"},
		{"3 provider CPU per refreshed resource, plan of 200", false, "5.00 ms"},
		{"5 lag from another client's task completion to the next accepted create, median (maxJobs 1, defaults)", true, "0.600 s"},
	}
	for _, tt := range tests {
		v, ok := got[tt.key]
		if !ok {
			t.Errorf("no verdict %q (have %d)", tt.key, len(got))
			continue
		}
		if v.pass != tt.pass || v.value != tt.value {
			t.Errorf("%s: %s %s, want %s %s", tt.key, passFail(v.pass), v.value, passFail(tt.pass), tt.value)
		}
	}
	if len(got) != 11 {
		t.Errorf("%d verdicts, want 11", len(got))
	}
}

func TestFailed(t *testing.T) {
	rep := syntheticReport()
	if !rep.Failed() {
		t.Error("a report with failed targets is not Failed")
	}
	rep.Detection = rep.Detection[1:]
	rep.Refresh[0].Runs[0].Wall = 4 * time.Second
	rep.Refresh[0].Runs[0].ProviderCPU = 500 * time.Millisecond
	if rep.Failed() {
		t.Errorf("a report meeting every target is Failed:\n%s", rep.Summary())
	}
}

func TestMarkdown(t *testing.T) {
	md := syntheticReport().Markdown()
	for _, want := range []string{
		"| Date | 2025-01-02 03:04 UTC |",
		"`nproc` = 2, Test CPU",
		"| Terraform | 1.11.4 |",
		"| Source | `a8923c5-dirty` (`git describe --always --dirty`) |",
		"| 1 | apply wall ÷ capacity limit 15s (defaults) | ≤ 1.15 | 1.100 | 0.96 | **PASS** |",
		"| 3 | `terraform plan` of 200 generations, wall | ≤ 5s | 6.00 s | 1.20 | **FAIL** |",
		"## 1. Throughput: 20 generations, maxJobs 4, T = 3s, `-parallelism=20`",
		"## 2. Detection latency",
		"Provider settings: poll_interval = \"2s\".",
		"- run 1: 1.20, 1.20",
		"## 3. `terraform plan` of existing generations, beside Terraform's floor",
		"| Plan wall | 6.00 s | 0.30 s | 20.0 |",
		"| Provider CPU per resource | 5.00 ms | — | |",
		"| 1 | 0.0 | 6.00 s | 6.00 s | 3.00 s | 1.00 s | 5.00 ms |",
		"## 5. Slots freed by another client",
		"| provider | 3 | 0.600 s | 0.900 s | 2.00 | 4 | 12.00 s | 0.00 s |",
		"| naive curl loop | 1 | 8.500 s | 8.500 s | 3.50 | 10 | 50.00 s | — |",
		"| Wall time (s) | 16.50 | 58.00 |",
		"| Requests to the gateway | 100 | 80 |",
		"| BenchmarkDecodeTask | 41220 | 4800 | 104 | 41220 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(md)
	}
}

func TestMarkdownOmitsPartsNotRun(t *testing.T) {
	rep := syntheticReport()
	rep.Throughput, rep.Naive, rep.Micro, rep.Slots = nil, nil, nil, nil
	md := rep.Markdown()
	for _, absent := range []string{"## 1.", "## 4.", "## 5.", "## Go micro-benchmarks", "apply wall ÷", "another client"} {
		if strings.Contains(md, absent) {
			t.Errorf("Markdown has %q for a part that did not run", absent)
		}
	}
	for _, present := range []string{"## 2.", "## 3."} {
		if !strings.Contains(md, present) {
			t.Errorf("Markdown lacks %q", present)
		}
	}
}
