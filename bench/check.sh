#!/bin/sh
# SPDX-License-Identifier: MIT
# Times `migcheck check` on the shipped examples: every VM of the fleet
# against every host, with each shipped policy, loading included.
#
#   sh bench/check.sh [BUILD_DIR]      (default: build)
#
# Prints, per policy, the mean and the slowest wall time of one `check` run
# over every VM of examples/fleet.yaml (each run: load the policy and the
# inventory, bind them, evaluate the VM against all 23 other hosts with
# remedies, write the report).
set -eu
bin=${1:-build}/bin/migcheck
cd "$(dirname "$0")/.."
vms=$(awk '/^vms:/{v=1} v && /^  - name:/{print $3}' examples/fleet.yaml)
rounds=20
printf '%-28s %6s %10s %10s\n' policy runs mean_ms max_ms
for policy in policies/scvmm-2008.yaml policies/scvmm-2008-r2.yaml policies/hyperv.yaml; do
	total=0
	max=0
	runs=0
	for r in $(seq $rounds); do
		for vm in $vms; do
			t0=$(date +%s%N)
			"$bin" check -p "$policy" -i examples/fleet.yaml --vm "$vm" >/dev/null || [ $? = 1 ]
			t1=$(date +%s%N)
			dt=$((t1 - t0))
			total=$((total + dt))
			[ $dt -gt $max ] && max=$dt
			runs=$((runs + 1))
		done
	done
	awk -v p="$policy" -v n=$runs -v t=$total -v m=$max \
		'BEGIN { printf "%-28s %6d %10.2f %10.2f\n", p, n, t / n / 1e6, m / 1e6 }'
done
