// Package bench is the benchmark harness behind `make bench`: it drives the
// real Terraform CLI with the provider against the in-process gateway
// simulator (loopback only) and measures the provider against its
// performance and reliability targets (the limits are the constants under
// "Targets" in run.go; bench/results.md lists each with its verdict):
//
//  1. throughput: N generations in one apply against an account running at
//     most maxJobs tasks, as a ratio to the capacity limit
//     ceil(N/maxJobs) × T;
//  2. detection latency: how long after the simulator marks a task
//     finished the provider's first poll sees it, and polls per task;
//  3. refresh: `terraform plan` of 200 and of 1000 existing generations,
//     wall time, the provider's peak RSS and CPU per resource, beside the
//     same count of terraform_data resources (Terraform's own floor);
//  4. the naive way (a curl loop polling every 10 s, as the gateway's docs
//     suggest) on the workload of scenario 1, side by side;
//  5. slots freed by another client: tasks started directly on the
//     simulator fill the account, and the lag from each one's completion
//     to the next accepted create is measured through the provider, the
//     provider without its watchers (RUNWAY_CAPACITY_WATCH=off) and the
//     curl loop.
//
// T, the task time, is the whole time a task holds an account slot: the
// simulator's queue (PENDING, T/10) plus its RUNNING phase (9T/10), so that
// ceil(N/maxJobs) × T is exactly what the account's capacity allows.
//
// The provider binary is installed into a private filesystem mirror behind
// a wrapper (the harness binary itself, see RunProviderWrapper) that runs
// the real provider as its child and records the child's peak RSS from
// wait4's rusage when it exits. Run renders the results as Markdown
// (bench/results.md).
package bench
