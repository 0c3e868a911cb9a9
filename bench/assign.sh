#!/bin/sh
# SPDX-License-Identifier: MIT
# `plan --assign` at fleet scale against `plan`, in one run: generates the
# fleets with gen --resources and times, on each, `migcheck plan` with the
# Hyper-V policy (the fleet plan of docs/benchmarks.md) and
# `migcheck plan --assign` with that policy and VMM's placement
# (bench/placement.yaml), JSON written to a file, with /usr/bin/time.
#
#   sh bench/assign.sh
#   SIZES=10000x1000 sh bench/assign.sh
#
# Environment: BUILD_DIR [build-bench], NO_BUILD=1, SIZES
# [10000x1000 100000x10000], SEED [1], MC_LIMITS.
set -eu
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-bench}
sizes=${SIZES:-"10000x1000 100000x10000"}
seed=${SEED:-1}
limits=${MC_LIMITS-"--limit file-size=64M --limit nodes=8M"}
if [ -z "${NO_BUILD:-}" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMC_TESTS=OFF >/dev/null
	cmake --build "$build" -j2 >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Seconds of CPU (user + system) and peak RSS in MB of a command.
run() {
	/usr/bin/time -f "%U %S %M" -o "$tmp/time" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$tmp/time" | awk '{ printf "%.2f %d", $1 + $2, $3 / 1024 }'
}

printf '| fleet | plan (hyperv.yaml), CPU s | RSS MB | plan --assign (placement), CPU s | RSS MB | ratio | placed |\n'
printf '|---|---|---|---|---|---|---|\n'
for size in $sizes; do
	vms=${size%x*}
	hosts=${size#*x}
	fleet=$tmp/fleet-$size.yaml
	"$build/bench/gen" --vms "$vms" --hosts "$hosts" --seed "$seed" --resources -o "$fleet"
	# shellcheck disable=SC2086
	set -- $(run "$build/bin/migcheck" plan -p policies/hyperv.yaml -i "$fleet" \
		--format json -o "$tmp/plan.json" $limits)
	plan_s=$1 plan_mb=$2
	# shellcheck disable=SC2086
	set -- $(run "$build/bin/migcheck" plan -p bench/placement.yaml -i "$fleet" \
		--assign --format json -o "$tmp/assign.json" $limits)
	placed=$(sed -n 's/.*"placed": *\([0-9]*\).*/\1/p' "$tmp/assign.json" | tail -1)
	printf '| %s VMs, %s hosts | %s | %s | %s | %s | %s | %s of %s |\n' "$vms" "$hosts" \
		"$plan_s" "$plan_mb" "$1" "$2" \
		"$(awk -v a="$1" -v b="$plan_s" 'BEGIN { printf "%.1f", a / b }')" \
		"$placed" "$vms"
done
