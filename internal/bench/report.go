package bench

import (
	"fmt"
	"strings"
	"time"
)

// verdict is one line of the summary: a measured median against a limit.
type verdict struct {
	scenario string
	target   string
	limit    string
	value    string
	ratio    float64 // value ÷ limit; NaN-free, 0 when not meaningful
	pass     bool
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// pick returns f of every run.
func pick(runs []genRun, f func(genRun) float64) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = f(r)
	}
	return out
}

// Verdicts evaluates every target on the medians of the runs.
func (rep *Report) verdicts() []verdict {
	var vs []verdict
	wl := throughputWorkload
	for _, v := range rep.Throughput {
		ratio := median(pick(v.Runs, func(r genRun) float64 { return r.Ratio }))
		vs = append(vs, verdict{
			scenario: "1", target: fmt.Sprintf("apply wall ÷ capacity limit %s (%s)", wl.capacityLimit(), v.Knobs.name),
			limit: fmt.Sprintf("≤ %.2f", throughputTarget), value: fmt.Sprintf("%.3f", ratio),
			ratio: ratio / throughputTarget, pass: ratio <= throughputTarget,
		})
		allN := true
		for _, r := range v.Runs {
			allN = allN && r.Creates == wl.n
		}
		vs = append(vs, verdict{
			scenario: "1", target: fmt.Sprintf("accepted creates = N (%s)", v.Knobs.name),
			limit: fmt.Sprintf("= %d", wl.n), value: fmt.Sprintf("%.0f (every run: %t)", median(pick(v.Runs, func(r genRun) float64 { return float64(r.Creates) })), allN),
			ratio: median(pick(v.Runs, func(r genRun) float64 { return float64(r.Creates) })) / float64(wl.n), pass: allN,
		})
		mc := maxOf(pick(v.Runs, func(r genRun) float64 { return float64(r.MaxConcurrent) }))
		vs = append(vs, verdict{
			scenario: "1", target: fmt.Sprintf("max concurrent tasks, worst run (%s)", v.Knobs.name),
			limit: fmt.Sprintf("≤ %d", wl.maxJobs), value: fmt.Sprintf("%.0f", mc),
			ratio: mc / float64(wl.maxJobs), pass: mc <= float64(wl.maxJobs),
		})
	}
	dl := detectionWorkload
	for _, v := range rep.Detection {
		lat := median(pick(v.Runs, genRun.medianLatency))
		vs = append(vs, verdict{
			scenario: "2", target: fmt.Sprintf("detection latency, median (T = %s, %s)", dl.taskTime, v.Knobs.name),
			limit: fmt.Sprintf("≤ %s", latencyTarget), value: fmt.Sprintf("%.3f s", lat),
			ratio: lat / latencyTarget.Seconds(), pass: lat <= latencyTarget.Seconds(),
		})
		polls := median(pick(v.Runs, func(r genRun) float64 { return float64(r.maxPolls()) }))
		vs = append(vs, verdict{
			scenario: "2", target: fmt.Sprintf("polls per task, worst task of a run (%s)", v.Knobs.name),
			limit: fmt.Sprintf("≤ %.0f (T/5 + 3)", pollsTarget()), value: fmt.Sprintf("%.0f", polls),
			ratio: polls / pollsTarget(), pass: polls <= pollsTarget(),
		})
	}
	for i, rf := range rep.Refresh {
		if len(rf.Runs) == 0 {
			continue
		}
		if i == 0 {
			wall := median(planPick(rf.Runs, func(p planRun) float64 { return p.Wall.Seconds() }))
			vs = append(vs, verdict{
				scenario: "3", target: fmt.Sprintf("`terraform plan` of %d generations, wall", rf.N),
				limit: fmt.Sprintf("≤ %s", refreshWallTarget), value: fmt.Sprintf("%.2f s", wall),
				ratio: wall / refreshWallTarget.Seconds(), pass: wall <= refreshWallTarget.Seconds(),
			})
			rss := median(planPick(rf.Runs, func(p planRun) float64 { return float64(p.PeakRSS) }))
			vs = append(vs, verdict{
				scenario: "3", target: "provider peak RSS during that plan",
				limit: fmt.Sprintf("≤ %.0f MB", mb(refreshRSSTarget)), value: fmt.Sprintf("%.1f MB", rss/(1<<20)),
				ratio: rss / float64(refreshRSSTarget), pass: rss > 0 && rss <= float64(refreshRSSTarget),
			})
		}
		cpu := rf.providerCPUPerResource()
		vs = append(vs, verdict{
			scenario: "3", target: fmt.Sprintf("provider CPU per refreshed resource, plan of %d", rf.N),
			limit: fmt.Sprintf("≤ %s", refreshCPUTarget), value: fmt.Sprintf("%.2f ms", cpu.Seconds()*1000),
			ratio: cpu.Seconds() / refreshCPUTarget.Seconds(), pass: cpu > 0 && cpu <= refreshCPUTarget,
		})
	}
	for _, sr := range rep.Slots {
		lags := sr.allLags(slotWatchers)
		if len(lags) == 0 {
			continue
		}
		lag := median(lags)
		vs = append(vs, verdict{
			scenario: "5", target: fmt.Sprintf("lag from another client's task completion to the next accepted create, median (maxJobs %d, defaults)", sr.Workload.maxJobs),
			limit: fmt.Sprintf("≤ %s", slotLagTarget), value: fmt.Sprintf("%.3f s", lag),
			ratio: lag / slotLagTarget.Seconds(), pass: lag <= slotLagTarget.Seconds(),
		})
	}
	return vs
}

func planPick(runs []planRun, f func(planRun) float64) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = f(r)
	}
	return out
}

// Failed reports whether any target was missed.
func (rep *Report) Failed() bool {
	for _, v := range rep.verdicts() {
		if !v.pass {
			return true
		}
	}
	return false
}

// Summary is the verdict table as plain text, for the terminal.
func (rep *Report) Summary() string {
	var b strings.Builder
	for _, v := range rep.verdicts() {
		fmt.Fprintf(&b, "  %s  [%s] %s: %s (limit %s, ratio %.2f)\n", passFail(v.pass), v.scenario, v.target, v.value, v.limit, v.ratio)
	}
	return b.String()
}

// Markdown renders bench/results.md.
func (rep *Report) Markdown() string {
	var b strings.Builder
	p := printer(func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) })
	p("# Benchmark results")
	p("")
	p("Written by `make bench` (`bench/run.sh` → `internal/bench`); `bench/README.md` describes the method.")
	p("")
	p("| | |")
	p("|---|---|")
	p("| Date | %s |", rep.Started.UTC().Format("2006-01-02 15:04 MST"))
	cpu := rep.CPU
	if cpu == "" {
		cpu = "unknown CPU"
	}
	p("| Host | `nproc` = %d, %s; 1-minute load average %.1f at the start |", rep.NProc, cpu, rep.StartLoad)
	if rep.Source != "" {
		p("| Source | `%s` (`git describe --always --dirty`) |", rep.Source)
	}
	p("| Go | %s |", rep.GoVersion)
	p("| Terraform | %s |", rep.TerraformVersion)
	p("| Runs | %d per Terraform scenario (medians reported; at most %d for plans over %d resources), %d of the naive script; scenario 5: %d through the provider, %d of each baseline |",
		rep.Runs, bigRefreshRuns, refreshCounts[0], rep.NaiveRuns, rep.SlotRuns, rep.SlotBaseline)
	p("| Total time | %s |", rep.Elapsed.Round(time.Second))
	p("")
	p("Wall times depend on what else the machine runs: every run records the 1-minute load average before it started and the CPU time it used, which other load inflates far less.")
	p("")

	p("## Summary")
	p("")
	p("Each target is judged on the median over the runs; \"ratio\" is the value divided by its limit (≤ 1.00 meets it).")
	p("")
	p.header("#", "Target", "Limit", "Median", "Ratio to limit", "Result")
	for _, v := range rep.verdicts() {
		p("| %s | %s | %s | %s | %.2f | **%s** |", v.scenario, v.target, v.limit, v.value, v.ratio, passFail(v.pass))
	}

	// One section per scenario that ran, in the order of the summary.
	sections := []struct {
		ran   bool
		write func(printer)
	}{
		{len(rep.Throughput) > 0, rep.throughputSection},
		{len(rep.Detection) > 0, rep.detectionSection},
		{len(rep.Refresh) > 0, rep.refreshSection},
		{len(rep.Naive) > 0, rep.naiveSection},
		{len(rep.Slots) > 0, rep.slotsSection},
		{len(rep.Micro) > 0, rep.microSection},
	}
	for _, s := range sections {
		if s.ran {
			s.write(p)
		}
	}
	return b.String()
}

type printer func(format string, args ...any)

// header prints a Markdown table's header row and its separator row.
func (p printer) header(columns ...string) {
	p("| %s |", strings.Join(columns, " | "))
	p("%s|", strings.Repeat("|---", len(columns)))
}

// variant starts the table of one variant of the provider settings: the
// settings, then the table's header.
func (p printer) variant(k knobs, columns ...string) {
	p("")
	p("Provider settings: %s.", k)
	p("")
	p.header(columns...)
}

func (rep *Report) throughputSection(p printer) {
	wl := throughputWorkload
	p("")
	p("## 1. Throughput: %d generations, maxJobs %d, T = %s, `-parallelism=%d`", wl.n, wl.maxJobs, wl.taskTime, wl.parallelism)
	p("")
	p("Capacity limit ceil(%d/%d) × %s = %s. Each run applies against a fresh simulator; the ratio is the whole `terraform apply` wall time (plan, provider start-ups and state writes included) over that limit.", wl.n, wl.maxJobs, wl.taskTime, wl.capacityLimit())
	p("")
	p("The run splits into three parts: **first create**, from the start of `terraform apply` to the first create's answer (Terraform and provider start-up, validate, plan); **makespan**, from the first accepted create to the last task's completion, whose ratio to the limit shows how well the provider keeps the account busy (**idle** is the capacity left unused within it, maxJobs × makespan − N × T, in slot-seconds); **tail**, from the last completion to the end of the apply.")
	for _, v := range rep.Throughput {
		p.variant(v.Knobs,
			"Run", "Load", "Apply wall", "Ratio", "Creates", "429s", "Max concurrent", "Requests", "Polls", "First create", "Makespan", "Makespan ratio", "Idle (slot-s)", "Tail", "Detection latency (median)", "CPU (provider)", "Provider peak RSS")
		limit := wl.capacityLimit().Seconds()
		for i, r := range v.Runs {
			p("| %d | %.1f | %.2f s | %.3f | %d | %d | %d | %d | %d | %.2f s | %.2f s | %.3f | %.1f | %.2f s | %.2f s | %.2f s (%.2f s) | %.1f MB |", i+1, r.Load, r.Wall.Seconds(), r.Ratio,
				r.Creates, r.Busy429, r.MaxConcurrent, r.Requests, r.Polls, r.FirstCreate.Seconds(), r.Makespan.Seconds(), r.Makespan.Seconds()/limit,
				r.IdleSlots, r.Tail.Seconds(), r.medianLatency(), r.CPU.Seconds(), r.ProviderCPU.Seconds(), mb(r.PeakRSS))
		}
		f := func(g func(genRun) float64) float64 { return median(pick(v.Runs, g)) }
		p("| **median** | %.1f | %.2f s | %.3f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f s | %.2f s | %.3f | %.1f | %.2f s | %.2f s | %.2f s (%.2f s) | %.1f MB |",
			f(func(r genRun) float64 { return r.Load }),
			f(func(r genRun) float64 { return r.Wall.Seconds() }),
			f(func(r genRun) float64 { return r.Ratio }),
			f(func(r genRun) float64 { return float64(r.Creates) }),
			f(func(r genRun) float64 { return float64(r.Busy429) }),
			f(func(r genRun) float64 { return float64(r.MaxConcurrent) }),
			f(func(r genRun) float64 { return float64(r.Requests) }),
			f(func(r genRun) float64 { return float64(r.Polls) }),
			f(func(r genRun) float64 { return r.FirstCreate.Seconds() }),
			f(func(r genRun) float64 { return r.Makespan.Seconds() }),
			f(func(r genRun) float64 { return r.Makespan.Seconds() / limit }),
			f(func(r genRun) float64 { return r.IdleSlots }),
			f(func(r genRun) float64 { return r.Tail.Seconds() }),
			f(genRun.medianLatency),
			f(func(r genRun) float64 { return r.CPU.Seconds() }),
			f(func(r genRun) float64 { return r.ProviderCPU.Seconds() }),
			f(func(r genRun) float64 { return float64(r.PeakRSS) })/(1<<20))
	}
}

func (rep *Report) detectionSection(p printer) {
	dl := detectionWorkload
	p("")
	p("## 2. Detection latency: %d generations, T = %s (maxJobs %d: no queueing behind the account)", dl.n, dl.taskTime, dl.maxJobs)
	p("")
	p("Latency is, per task, the instant the simulator first answered a GET of the task with SUCCEEDED minus the instant it completed the task (`FirstTerminalPollAt − CompletedAt`, one clock). Polls count every GET of the task; the limit is T/5 + 3 = %.0f.", pollsTarget())
	for _, v := range rep.Detection {
		p.variant(v.Knobs,
			"Run", "Load", "Apply wall", "Latency median", "Latency max", "Polls/task mean", "Polls/task max", "Unnoticed")
		for i, r := range v.Runs {
			p("| %d | %.1f | %.2f s | %.3f s | %.3f s | %.2f | %d | %d |", i+1, r.Load, r.Wall.Seconds(), r.medianLatency(), maxOf(seconds(r.Latencies)),
				r.meanPolls(), r.maxPolls(), r.Unnoticed)
		}
		p("| **median** | %.1f | %.2f s | %.3f s | %.3f s | %.2f | %.0f | |",
			median(pick(v.Runs, func(r genRun) float64 { return r.Load })),
			median(pick(v.Runs, func(r genRun) float64 { return r.Wall.Seconds() })),
			median(pick(v.Runs, genRun.medianLatency)),
			median(pick(v.Runs, func(r genRun) float64 { return maxOf(seconds(r.Latencies)) })),
			median(pick(v.Runs, genRun.meanPolls)),
			median(pick(v.Runs, func(r genRun) float64 { return float64(r.maxPolls()) })))
		p("")
		p("Every latency (s):")
		p("")
		for i, r := range v.Runs {
			parts := make([]string, len(r.Latencies))
			for j, l := range r.Latencies {
				parts[j] = fmt.Sprintf("%.2f", l.Seconds())
			}
			p("- run %d: %s", i+1, strings.Join(parts, ", "))
		}
	}
}

func (rep *Report) refreshSection(p printer) {
	p("")
	p("## 3. `terraform plan` of existing generations, beside Terraform's floor")
	p("")
	p("Each count is set up once by an apply against a simulator with 50 ms tasks and room for every task at once (not timed); then `terraform plan -detailed-exitcode` (default `-parallelism=10`; exit 0, no changes) runs against the same simulator. The floor is the same count of `terraform_data` resources (Terraform's built-in resource, no provider process) planned in the same run: what Terraform itself spends per resource. Peak RSS is the largest `ru_maxrss` of the provider processes the plan started. CPU is that of terraform and all its providers; divided by `nproc` it is a floor under the wall time that no amount of idle machine can beat. Provider CPU per resource is the providers' CPU time (start-up included) divided by the count; bench/README.md says where it goes (mostly terraform-plugin-framework's own work per attribute).")
	n := float64(max(rep.NProc, 1))
	for _, rf := range rep.Refresh {
		p("")
		p("### %d resources", rf.N)
		p("")
		fl := func(runs []planRun, g func(planRun) float64) float64 { return median(planPick(runs, g)) }
		wall := func(r planRun) float64 { return r.Wall.Seconds() }
		cpu := func(r planRun) float64 { return r.CPU.Seconds() }
		p("| Median | %d × `runway_gen2_extension` | %d × `terraform_data` | Ratio |", rf.N, rf.N)
		p("|---|---|---|---|")
		p("| Plan wall | %.2f s | %.2f s | %.1f |", fl(rf.Runs, wall), fl(rf.Floor, wall), ratioOf(fl(rf.Runs, wall), fl(rf.Floor, wall)))
		p("| CPU (terraform and providers) | %.2f s | %.2f s | %.1f |", fl(rf.Runs, cpu), fl(rf.Floor, cpu), ratioOf(fl(rf.Runs, cpu), fl(rf.Floor, cpu)))
		p("| Wall per resource | %.2f ms | %.2f ms | |", fl(rf.Runs, wall)*1000/float64(rf.N), fl(rf.Floor, wall)*1000/float64(rf.N))
		p("| Provider CPU per resource | %.2f ms | — | |", rf.providerCPUPerResource().Seconds()*1000)
		p("")
		p("Setup apply of the generations: %.1f s.", rf.SetupWall.Seconds())
		p("")
		p.header("Run", "Load", "Plan wall", "CPU", "CPU ÷ nproc", "Provider CPU", "Provider CPU per resource", "Polls", "Requests", "Provider processes", "Provider peak RSS", "Floor: load", "Floor: plan wall", "Floor: CPU")
		for i, r := range rf.Runs {
			var f planRun
			if i < len(rf.Floor) {
				f = rf.Floor[i]
			}
			p("| %d | %.1f | %.2f s | %.2f s | %.2f s | %.2f s | %.2f ms | %d | %d | %d | %.1f MB | %.1f | %.2f s | %.2f s |", i+1, r.Load, r.Wall.Seconds(), r.CPU.Seconds(), r.CPU.Seconds()/n,
				r.ProviderCPU.Seconds(), r.ProviderCPU.Seconds()*1000/float64(rf.N), r.Polls, r.Requests, r.Providers, mb(r.PeakRSS), f.Load, f.Wall.Seconds(), f.CPU.Seconds())
		}
		f := func(g func(planRun) float64) float64 { return median(planPick(rf.Runs, g)) }
		p("| **median** | %.1f | %.2f s | %.2f s | %.2f s | %.2f s | %.2f ms | %.0f | %.0f | | %.1f MB | %.1f | %.2f s | %.2f s |",
			f(func(r planRun) float64 { return r.Load }),
			f(func(r planRun) float64 { return r.Wall.Seconds() }),
			f(func(r planRun) float64 { return r.CPU.Seconds() }),
			f(func(r planRun) float64 { return r.CPU.Seconds() / n }),
			f(func(r planRun) float64 { return r.ProviderCPU.Seconds() }),
			rf.providerCPUPerResource().Seconds()*1000,
			f(func(r planRun) float64 { return float64(r.Polls) }),
			f(func(r planRun) float64 { return float64(r.Requests) }),
			f(func(r planRun) float64 { return float64(r.PeakRSS) })/(1<<20),
			fl(rf.Floor, func(r planRun) float64 { return r.Load }),
			fl(rf.Floor, wall), fl(rf.Floor, cpu))
	}
}

// ratioOf is a ÷ b, 0 when b is 0.
func ratioOf(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (rep *Report) slotsSection(p printer) {
	p("")
	p("## 5. Slots freed by another client")
	p("")
	p("Before each batch, tasks started directly on the simulator (plain HTTP POSTs, as another pipeline or the Runway web app would) take every slot of the account; the simulator holds them running until the batch's first create is refused (429, listing them), then lets them finish 1–2 s later (uniformly random, so that a completion falls anywhere between two polls). The batch is %d generations of T = %s (`-parallelism=%d`). **Lag** is, per foreign task, from its completion (`CompletedAt`) to the batch's accepted create that took its slot (`CreatedAt`; the i-th completion pairs with the i-th accepted create, as no create can be accepted before a slot is freed); one clock. **POSTs per slot** are the batch's create requests, 429s included, divided by its accepted creates (each took a freed slot).", slotWorkloads[0].n, slotWorkloads[0].taskTime, slotWorkloads[0].parallelism)
	p("")
	p("- **%s**: default settings (poll_interval 1 s, busy_retry_interval 10 s): a watcher per listed task polls it and hands its slot to one queued create.", slotWatchers)
	p("- **%s**: the same provider with `%s=off`, a benchmark switch (`internal/provider/capacity.go`): the previous behaviour, where only the busy_retry_interval timer (10 s, jittered up to 3×) lets a queued create probe the account.", slotNoWatch, envCapacityWatch)
	p("- **%s**: `internal/bench/naive.sh` (resubmit %s after a 429, poll every %s).", slotNaive, docsCadence.busy, docsCadence.poll)
	for _, sr := range rep.Slots {
		p("")
		p("### maxJobs %d (%d foreign task(s))", sr.Workload.maxJobs, sr.Workload.maxJobs)
		p("")
		p.header("Submitted by", "Runs", "Lag median", "Lag max", "Create POSTs per slot", "429s (median)", "Wall (median)", "Provider CPU (median)")
		for _, v := range slotVariants {
			runs := sr.Runs[v]
			if len(runs) == 0 {
				continue
			}
			lags := sr.allLags(v)
			f := func(g func(slotRun) float64) float64 {
				xs := make([]float64, len(runs))
				for i, r := range runs {
					xs[i] = g(r)
				}
				return median(xs)
			}
			cpu := "—"
			if v != slotNaive {
				cpu = fmt.Sprintf("%.2f s", f(func(r slotRun) float64 { return r.ProviderCPU.Seconds() }))
			}
			p("| %s | %d | %.3f s | %.3f s | %.2f | %.0f | %.2f s | %s |", v, len(runs), median(lags), maxOf(lags),
				f(slotRun.postsPerSlot), f(func(r slotRun) float64 { return float64(r.Busy429) }),
				f(func(r slotRun) float64 { return r.Wall.Seconds() }), cpu)
		}
		p("")
		p.header("Submitted by", "Run", "Load", "Wall", "Lags", "Create POSTs", "429s", "Accepted")
		for _, v := range slotVariants {
			for i, r := range sr.Runs[v] {
				lags := make([]string, len(r.Lags))
				for j, l := range r.Lags {
					lags[j] = fmt.Sprintf("%.2f s", l.Seconds())
				}
				p("| %s | %d | %.1f | %.2f s | %s | %d | %d | %d |", v, i+1, r.Load, r.Wall.Seconds(), strings.Join(lags, ", "), r.Posts, r.Busy429, r.Creates)
			}
		}
	}
}

func (rep *Report) naiveSection(p printer) {
	p("")
	p("## 4. The naive way, side by side (scenario 1's workload)")
	p("")
	p("A bash script (`internal/bench/naive.sh`) starts one background job per generation: submit with curl; on 429 sleep %s and resubmit; then poll `GET /tasks/?taskId=` every %s until SUCCEEDED, the gateway docs' \"wait 10–30 s\" advice. Same simulator settings as scenario 1, in the same `make bench`.", docsCadence.busy, docsCadence.poll)
	p("")
	if len(rep.Throughput) > 0 {
		prov := rep.Throughput[0].Runs
		p("| Median | Provider (%s), %d runs | Naive curl loop, %d runs |", rep.Throughput[0].Knobs.name, len(prov), len(rep.Naive))
		p("|---|---|---|")
		row := func(name, format string, f func(genRun) float64) {
			p("| %s | "+format+" | "+format+" |", name, median(pick(prov, f)), median(pick(rep.Naive, f)))
		}
		row("Wall time (s)", "%.2f", func(r genRun) float64 { return r.Wall.Seconds() })
		row("Ratio to the capacity limit", "%.3f", func(r genRun) float64 { return r.Ratio })
		row("Requests to the gateway", "%.0f", func(r genRun) float64 { return float64(r.Requests) })
		row("Accepted creates", "%.0f", func(r genRun) float64 { return float64(r.Creates) })
		row("429 answers", "%.0f", func(r genRun) float64 { return float64(r.Busy429) })
		row("Polls (GET /tasks)", "%.0f", func(r genRun) float64 { return float64(r.Polls) })
		row("Detection latency, median (s)", "%.2f", genRun.medianLatency)
		row("Idle capacity (slot-s)", "%.1f", func(r genRun) float64 { return r.IdleSlots })
		p("")
	}
	p.header("Naive run", "Load", "Wall", "Ratio", "Requests", "Creates", "429s", "Polls", "Detection latency (median)")
	for i, r := range rep.Naive {
		p("| %d | %.1f | %.2f s | %.3f | %d | %d | %d | %d | %.2f s |", i+1, r.Load, r.Wall.Seconds(), r.Ratio, r.Requests, r.Creates, r.Busy429, r.Polls, r.medianLatency())
	}
}

func (rep *Report) microSection(p printer) {
	p("")
	p("## Go micro-benchmarks")
	p("")
	p("`go test -run '^$' -bench '^(%s)$' -benchmem ./internal/useapi/`, medians of the samples. BenchmarkDecodeTask (in `types_test.go`) decodes `testdata/task_succeeded.json`; BenchmarkWaitForTaskLoop (`bench_test.go`) is one poll of `WaitForTask` (request, transport, decode, planning the next poll) against an in-memory gateway with a fake clock.", strings.Join(microBenchmarks, "|"))
	p("")
	p.header("Benchmark", "ns/op", "B/op", "allocs/op", "ns/op of every sample")
	for _, m := range rep.Micro {
		samples := make([]string, len(m.Samples))
		for i, s := range m.Samples {
			samples[i] = fmt.Sprintf("%.0f", s.NsPerOp)
		}
		p("| %s | %.0f | %.0f | %.0f | %s |", m.Name,
			m.medianOf(func(s microSample) float64 { return s.NsPerOp }),
			m.medianOf(func(s microSample) float64 { return s.BytesPerOp }),
			m.medianOf(func(s microSample) float64 { return s.AllocsPerOp }),
			strings.Join(samples, ", "))
	}
}
