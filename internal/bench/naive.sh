#!/usr/bin/env bash
# The naive way to run N generations against useapi.net, for comparison with
# the provider: one background job per generation submits with curl, sleeps
# BUSY_SECONDS and resubmits on 429 (the account is busy), then polls the
# task every POLL_SECONDS — the gateway docs' "wait 10-30 s" advice — until
# it is SUCCEEDED or FAILED. Prints "<job> <taskId>" per finished job.
#
# Environment: ENDPOINT (…/v1/runwayml), TOKEN, ASSET_ID, N,
# POLL_SECONDS (default 10), BUSY_SECONDS (default 10).
set -uo pipefail

: "${ENDPOINT:?}" "${TOKEN:?}" "${ASSET_ID:?}" "${N:?}"
POLL_SECONDS=${POLL_SECONDS:-10}
BUSY_SECONDS=${BUSY_SECONDS:-10}

job() {
  local i=$1 answer code body id status
  while :; do
    answer=$(curl -sS -w '\n%{http_code}' -X POST \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      --data "{\"assetId\":\"$ASSET_ID\",\"seed\":$i}" "$ENDPOINT/gen2/extend") || return 1
    code=${answer##*$'\n'}
    body=${answer%$'\n'*}
    case $code in
      200) break ;;
      429) sleep "$BUSY_SECONDS" ;;
      *) echo "job $i: create answered $code: $body" >&2; return 1 ;;
    esac
  done
  id=$(sed -n 's/.*"taskId":"\([^"]*\)".*/\1/p' <<<"$body")
  if [ -z "$id" ]; then echo "job $i: no taskId in $body" >&2; return 1; fi
  while :; do
    sleep "$POLL_SECONDS"
    body=$(curl -sS -G -H "Authorization: Bearer $TOKEN" --data-urlencode "taskId=$id" "$ENDPOINT/tasks/") || continue
    status=$(sed -n 's/.*"status":"\([A-Z]*\)".*/\1/p' <<<"$body")
    case $status in
      SUCCEEDED) echo "$i $id"; return 0 ;;
      FAILED) echo "job $i: task $id failed" >&2; return 1 ;;
    esac
  done
}

pids=()
for i in $(seq 1 "$N"); do
  job "$i" &
  pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do
  wait "$pid" || rc=1
done
exit $rc
