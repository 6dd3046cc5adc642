#!/usr/bin/env bash
# `make bench`: build the provider and the harness, then run every benchmark
# scenario with the real Terraform CLI against the gateway simulator on
# 127.0.0.1 and write bench/results.md. No network, no account.
#
#   BENCH_RUNS=5        runs per Terraform scenario (median reported)
#   BENCH_NAIVE_RUNS=3  runs of the naive curl loop (about 1 min each)
#   BENCH_QUICK=1       one run of everything (a smoke test, ~2 min)
#   BENCH_ONLY=1,3      only these parts (1-5, micro)
#   BENCH_SLOT_RUNS=3   scenario 5 runs through the provider (per maxJobs)
#   BENCH_SLOT_BASELINE_RUNS=1  scenario 5 runs of each baseline
#   BENCH_STRICT=1      exit with status 1 when a target is missed
#
# Extra arguments go to the harness (see `bench/.work/runway-bench -h`).
# Terraform working directories and logs of the last run stay in
# bench/.work/run for inspection.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/bench/.work"

for tool in terraform curl bash go; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench: $tool is not on PATH" >&2
    exit 1
  fi
done

mkdir -p "$work"
rm -rf "$work/run"

echo "==> building the provider and the benchmark harness"
go build -trimpath -ldflags "-s -w" -o "$work/terraform-provider-runway" "$root"
go build -trimpath -o "$work/runway-bench" "$root/internal/bench/cmd/runway-bench"

cd "$root"
exec "$work/runway-bench" \
  -provider "$work/terraform-provider-runway" \
  -root "$root" \
  -work "$work/run" \
  -out "$root/bench/results.md" \
  "$@"
