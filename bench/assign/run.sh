#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/assign/run.sh [N [MIGCHECK]]: `migcheck plan --assign` against the
# optimum, on N seeded fleets (default 50). Run by hand from the project's
# root; neither the build nor CI runs it.
#
# For each seed, bench/assign/gen.py writes a fleet, `MIGCHECK plan --assign
# --format json` places its VMs, bench/assign/check.py replays the moves
# against the fleet's numbers (every move allowed, no host ever over its CPU
# or memory capacity, every VM once) and bench/assign/optimum.py finds the
# most VMs that can be placed with glpsol. Prints a line per fleet and the
# average of heuristic / optimum; the target is 98 % or more.
#
# glpsol comes from the Debian package glpk-utils, which this script
# installs with apt-get when glpsol is missing (as root, or through sudo).
#
# MIGCHECK    the migcheck binary (or the second argument; default
#             build/bin/migcheck). One without `plan --assign` runs only the
#             optimum side, the heuristic column left as `-`.
# HOSTS, VMS  the fleets' size (default 30 hosts, 300 VMs)
# FIRST_SEED  the first seed (default 1); the seeds are FIRST_SEED to
#             FIRST_SEED + N - 1
# TIGHTNESS   gen.py's tightness (default: drawn from each seed)
# TMLIM       glpsol's time limit per fleet in seconds (default 60)
# OUT         where the fleets, plans and models go (default
#             build-bench/assign); OUT/optimum.tsv gets a line per fleet,
#             as tests/assign/optimum/optimum.tsv has them
set -eu
n=${1:-50}
bin=${2:-${MIGCHECK:-build/bin/migcheck}}
hosts=${HOSTS:-30}
vms=${VMS:-300}
first=${FIRST_SEED:-1}
tmlim=${TMLIM:-60}
out=${OUT:-build-bench/assign}
here=$(dirname "$0")

if ! command -v glpsol >/dev/null 2>&1; then
	echo "run.sh: glpsol is missing: installing glpk-utils" >&2
	if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
	$sudo apt-get install -y glpk-utils >&2 ||
		{ $sudo apt-get update >&2 && $sudo apt-get install -y glpk-utils >&2; }
fi

assign=yes
if ! "$bin" plan --help 2>/dev/null | grep -q -e '--assign'; then
	echo "run.sh: $bin has no 'plan --assign': the optimum side only" >&2
	assign=no
fi

mkdir -p "$out"
tsv=$out/optimum.tsv
{
	echo "# SPDX-License-Identifier: MIT"
	echo "# The most VMs of each fleet that can be placed, from glpsol"
	echo "# (bench/assign/run.sh; HOSTS=$hosts VMS=$vms${TIGHTNESS:+ TIGHTNESS=$TIGHTNESS})."
	echo "# seed	hosts	vms	optimum"
} >"$tsv"

printf '%-6s %5s %5s %9s %9s %8s %8s\n' seed hosts vms heuristic optimum ratio ms
fail=0
fleets=0
sum=0
unproven=0
seed=$first
while [ "$seed" -lt $((first + n)) ]; do
	dir=$out/seed-$seed
	python3 "$here/gen.py" "$seed" "$hosts" "$vms" "$dir" ${TIGHTNESS:+"$TIGHTNESS"}

	# The optimum: `optimum N`, or `best N bound B` when glpsol ran out of
	# time (the bound then stands for the optimum, and the ratio is a
	# lower bound of the true one).
	status=0
	opt=$(python3 "$here/optimum.py" --tmlim "$tmlim" --lp "$dir/model.lp" \
		--moves "$dir/optimum.moves" "$dir") || status=$?
	case $status:$opt in
	0:optimum\ *) best=${opt#optimum }; optv=$best; mark= ;;
	3:best\ *)
		best=${opt#best }; best=${best%% *}; optv=${opt##* }; mark='*'
		unproven=$((unproven + 1)) ;;
	*) echo "run.sh: seed $seed: optimum.py failed ($status): $opt" >&2
	   fail=$((fail + 1)); seed=$((seed + 1)); continue ;;
	esac
	[ -z "$mark" ] && printf '%s\t%s\t%s\t%s\n' "$seed" "$hosts" "$vms" "$optv" >>"$tsv"

	heur=- ratio=- ms=-
	if [ "$assign" = yes ]; then
		t0=$(date +%s%N)
		status=0
		"$bin" plan -p "$dir/policy.yaml" -i "$dir/inventory.yaml" --assign \
			--format json >"$dir/plan.json" 2>"$dir/plan.err" || status=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		if [ "$status" -gt 1 ]; then
			echo "run.sh: seed $seed: migcheck exited $status" >&2
			cat "$dir/plan.err" >&2
			fail=$((fail + 1)); seed=$((seed + 1)); continue
		fi
		if ! placed=$(python3 "$here/check.py" "$dir" "$dir/plan.json"); then
			echo "run.sh: seed $seed: the plan does not hold (above)" >&2
			fail=$((fail + 1)); seed=$((seed + 1)); continue
		fi
		heur=${placed#placed }
		if [ "$heur" -gt "$optv" ]; then
			echo "run.sh: seed $seed: $heur placed, more than the optimum $optv" >&2
			fail=$((fail + 1))
		fi
		if [ "$optv" -gt 0 ]; then
			ratio=$(awk -v h="$heur" -v o="$optv" 'BEGIN { printf "%.2f", 100 * h / o }')
		else
			ratio=100.00
		fi
		sum=$(awk -v s="$sum" -v r="$ratio" 'BEGIN { print s + r }')
		fleets=$((fleets + 1))
	fi
	printf '%-6s %5s %5s %9s %9s %8s %8s\n' "$seed" "$hosts" "$vms" "$heur" "$optv$mark" "$ratio" "$ms"
	seed=$((seed + 1))
done

[ "$unproven" -gt 0 ] &&
	echo "* glpsol's bound after ${tmlim}s, not a proven optimum ($unproven fleets): the ratio is at least the one shown"
if [ "$fleets" -gt 0 ]; then
	awk -v s="$sum" -v n="$fleets" 'BEGIN { printf "average heuristic / optimum: %.2f %% over %d fleets (target: 98 %%)\n", s / n, n }'
fi
[ "$fail" = 0 ] || { echo "run.sh: $fail fleets failed" >&2; exit 1; }
