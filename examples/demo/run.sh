#!/usr/bin/env bash
# `make demo`: build the provider, start the gateway simulator on a free
# loopback port, install the provider into a private filesystem mirror, then
# `terraform init`, `apply`, print the outputs and `destroy`. No network, no
# account: everything runs on 127.0.0.1.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/examples/demo/.demo"
version="0.0.1"
os_arch="$(go env GOOS)_$(go env GOARCH)"

rm -rf "$work"
mkdir -p "$work/mirror/registry.terraform.io/tfrunway/runway/$version/$os_arch" "$work/config"

echo "==> building provider and simulator"
go build -o "$work/mirror/registry.terraform.io/tfrunway/runway/$version/$os_arch/terraform-provider-runway_v$version" \
  -ldflags "-X main.version=$version" "$root"
go build -o "$work/runway-simulator" "$root/internal/simulator/cmd/runway-simulator"

echo "==> starting the gateway simulator"
"$work/runway-simulator" -addr 127.0.0.1:0 -port-file "$work/port" -task-duration 3s -quiet >"$work/simulator.log" 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
if [ ! -s "$work/port" ]; then echo "simulator did not start:"; cat "$work/simulator.log"; exit 1; fi
port=$(cat "$work/port")
echo "    simulator on http://127.0.0.1:$port"

cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/tfrunway/runway"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export USEAPI_ENDPOINT="http://127.0.0.1:$port/v1/runwayml"
export USEAPI_TOKEN="user:1234-simulator"

cp -R "$root"/examples/demo/*.tf "$root"/examples/demo/clips "$work/config/"
out="$work/videos"
export TF_VAR_output_dir="$out"
cd "$work/config"

echo "==> terraform init"
terraform init -input=false -no-color >/dev/null
echo "==> terraform apply (a prompt, four chained generations, an upload and its restyle, three downloads)"
start=$(date +%s)
terraform apply -input=false -auto-approve -no-color
echo "==> apply took $(( $(date +%s) - start ))s"
echo "==> outputs"
terraform output -no-color
echo "==> second plan (must be empty)"
if terraform plan -input=false -detailed-exitcode -no-color >"$work/second-plan.txt" 2>&1; then
  echo "    no changes"
else
  cat "$work/second-plan.txt"
  echo "the second plan is not empty" >&2
  exit 1
fi
echo "==> the finished videos are kept in $out"
ls -l "$out"
if command -v ffprobe >/dev/null 2>&1; then
  for f in "$out"/*.mp4; do
    echo "    $(basename "$f"): $(ffprobe -v error -show_entries stream=codec_name,width,height -show_entries format=duration -of csv=p=0 "$f" | tr '\n' ' ')"
  done
else
  echo "    (ffprobe is not installed: install ffmpeg to inspect them)"
fi
echo "==> terraform destroy (the downloaded files stay)"
cp -R "$out" "$work/kept-videos"
terraform destroy -input=false -auto-approve -no-color | tail -n 2
rm -rf "$out" && mv "$work/kept-videos" "$out"
echo "==> demo finished; videos in $out"
