#!/usr/bin/env bash
# Runs every fuzz target of the module for a short time (FUZZTIME, default
# 3s), two at a time: `make fuzz-smoke` (part of `make test`) and `make fuzz`.
# Targets are found by their declarations, which needs no compilation.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-3s}"
jobs="${FUZZ_JOBS:-2}"

targets=$(grep -r --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*' internal |
  sed -E 's#^(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)$#./\1 \2#' | sort -u)
if [ -z "$targets" ]; then
  echo "no fuzz targets found" >&2
  exit 1
fi
echo "fuzz smoke: $(echo "$targets" | wc -l) targets, $fuzztime each, $jobs at a time"

# One target: its output is shown only when it fails (with the input that
# failed, which `go test` also saves under testdata/fuzz). Go's fuzzing
# coordinator sometimes ends a short run with "context deadline exceeded"
# when a worker answers late on a loaded machine, with no failing input:
# that run is tried once more, and said so.
run_one() {
  local dir=$1 target=$2 log attempt
  log=$(mktemp)
  for attempt in 1 2; do
    if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -parallel 1 "$dir" >"$log" 2>&1; then
      echo "fuzz $dir $target: ok"
      rm -f "$log"
      return 0
    fi
    if [ "$attempt" = 1 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
      echo "fuzz $dir $target: the fuzzing engine timed out a worker (no failing input); trying once more"
      continue
    fi
    break
  done
  echo "fuzz $dir $target: FAILED"
  cat "$log"
  rm -f "$log"
  return 1
}
export -f run_one
export fuzztime
echo "$targets" | xargs -P "$jobs" -L 1 bash -c 'run_one "$0" "$1"'
