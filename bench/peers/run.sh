#!/bin/sh
# SPDX-License-Identifier: MIT
# The peer comparison: the hyperv policy's live and saved-state checks in
# json-rules-engine, @gorules/zen-engine, @cedar-policy/cedar-wasm and
# @marcbachmann/cel-js, on the VM x host pairs of one generated fleet,
# checked pair by pair against migcheck's verdicts.
#
#   sh bench/peers/run.sh
#
# Environment (defaults in brackets):
#   BUILD_DIR  the CMake build directory [build-bench]; NO_BUILD=1 skips
#              building gen and bench_pairs
#   VMS HOSTS SEED  the fleet [1000 100 1]: 1000 x 99 pairs per kind
#   LIMITS     pairs per engine, ENGINE=N,... [every pair for cel-js,
#              40000 -- a deterministic, evenly spread sample -- for the
#              three slow ones]; LIMITS= (empty) runs every engine on every
#              pair (about ten minutes on two shared cores)
#
# This script, never the build or CI, installs the engines from the npm
# registry (package.json and package-lock.json pin their versions) into
# bench/peers/node_modules, with `npm install --no-save`, not `npm ci`.
# @gorules/zen-engine names a native package for each platform as an
# optional dependency; the lock file holds only the Linux x64 ones (glibc
# and musl), the only ones the registry serves for 0.54.0 (the others
# stop at 0.52.1 there), and `npm install --package-lock-only` with npm 11
# writes the same lock again. npm 11's `npm ci` refuses such a lock ("Missing: ...
# from lock file"); `npm install` takes the lock's versions and checksums,
# skips the optional packages this machine does not take, and with
# --no-save leaves the lock as it is. No package has an install script;
# --ignore-scripts keeps it so.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
case $build in /*) ;; *) build=$root/$build ;; esac
vms=${VMS:-1000}
hosts=${HOSTS:-100}
seed=${SEED:-1}
limits=${LIMITS-zen-engine=40000,cedar-wasm=40000,json-rules-engine=40000}
work=$build/bench/fleet
mkdir -p "$work"

if [ "${NO_BUILD:-0}" != 1 ]; then
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	nice cmake --build "$build" -j2 --target gen bench_pairs bench_plan >/dev/null
fi
if [ ! -d "$here/node_modules/json-rules-engine" ] ||
   [ "$here/package.json" -nt "$here/node_modules/.package-lock.json" ] ||
   [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
	(cd "$here" && npm install --no-save --no-audit --no-fund --ignore-scripts)
fi

base=$work/peers-${vms}x${hosts}-s$seed
"$build/bench/gen" --vms "$vms" --hosts "$hosts" --seed "$seed" \
	-o "$base.yaml" --json "$base.json"
echo "== migcheck: bench_pairs on $vms VMs x $hosts hosts (seed $seed)"
nice "$build/bench/bench_pairs" -i "$base.yaml" --raw --verdicts "$base.verdicts.tsv" |
	tee "$base.pairs.txt"
result=$(grep '^RESULT ' "$base.pairs.txt")
field() { echo "$result" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
mpps="saved-state=$(field saved-state_pps),live=$(field live_pps)"
rpps="saved-state=$(field saved-state_raw_pps),live=$(field live_raw_pps)"
echo
echo "== migcheck: bench_plan on the same fleet (checked against a plan by pairs)"
nice "$build/bench/bench_plan" -i "$base.yaml" --pairs | tee "$base.plan.txt"
plan=$(grep '^RESULT ' "$base.plan.txt")
pfield() { echo "$plan" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
ppps=$(awk -v p="$(pfield pairs)" -v ms="$(pfield plan_ms)" 'BEGIN { printf "%.0f", p / ms * 1000 }')
echo
echo "== the peers"
cd "$here"
nice node run.js --inventory "$base.json" --verdicts "$base.verdicts.tsv" \
	--migcheck-pps "$mpps" --raw-pps "$rpps" --plan-pps "$ppps" ${limits:+--limit "$limits"}
