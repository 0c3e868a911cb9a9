#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/assign/optimum.sh MIGCHECK: `migcheck plan --assign` against the
# optimum of small fleets, computed once with glpsol and committed
# (optimum/optimum.tsv; optimum/README.md says how to make them again).
# Nothing is solved or downloaded here. For each fleet, the plan's moves
# are replayed against the fleet's numbers by bench/assign/check.py (every
# move allowed, no host ever over its CPU or memory capacity, every VM
# once), the exit status must say whether a VM stays (1) or not (0), and
# the VMs placed must be at least 98 % of the optimum, rounded down, and
# never more than the optimum.
set -u
bin=$1
here=$(dirname "$0")
check=$here/../../bench/assign/check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
fleets=0
tab=$(printf '\t')

grep -v -e '^#' -e '^$' "$here/optimum/optimum.tsv" >"$tmp/rows"
while IFS="$tab" read -r seed _ vms optimum; do
	fleets=$((fleets + 1))
	dir=$here/optimum/seed-$seed
	status=0
	"$bin" plan -p "$dir/policy.yaml" -i "$dir/inventory.yaml" --assign \
		--format json >"$tmp/plan.json" 2>"$tmp/err" || status=$?
	if [ "$status" -gt 1 ]; then
		echo "FAIL seed $seed: exit status $status"
		cat "$tmp/err"
		fail=$((fail + 1))
		continue
	fi
	if ! placed=$(python3 "$check" "$dir" "$tmp/plan.json"); then
		echo "FAIL seed $seed: the plan does not hold (above)"
		fail=$((fail + 1))
		continue
	fi
	placed=${placed#placed }
	want=$((optimum * 98 / 100))
	if [ "$placed" -lt "$vms" ]; then expect=1; else expect=0; fi
	if [ "$status" != "$expect" ]; then
		echo "FAIL seed $seed: exit status $status with $placed of $vms VMs placed"
		fail=$((fail + 1))
	elif [ "$placed" -gt "$optimum" ]; then
		echo "FAIL seed $seed: $placed VMs placed, more than the optimum $optimum"
		fail=$((fail + 1))
	elif [ "$placed" -lt "$want" ]; then
		echo "FAIL seed $seed: $placed VMs placed, fewer than $want (98 % of the optimum $optimum)"
		fail=$((fail + 1))
	else
		echo "ok seed $seed: $placed VMs placed of $vms; optimum $optimum"
	fi
done <"$tmp/rows"
echo "assign optimum: $fleets fleets, $fail failed"
[ "$fail" = 0 ] && [ "$fleets" -gt 0 ]
