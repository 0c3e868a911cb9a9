#!/bin/sh
# SPDX-License-Identifier: MIT
# The placement ratings against the table computed by hand (table.tsv,
# README.md), run from the project's root: each row's host must have the
# verdict and the stars the table gives, in `migcheck check --format json`.
set -u
bin=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
rows=0
tab=$(printf '\t')

grep -v -e '^#' -e '^$' "$here/table.tsv" >"$tmp/rows"
while IFS="$tab" read -r policy vm host verdict stars; do
	rows=$((rows + 1))
	if ! "$bin" check -p "$here/$policy" -i "$here/fleet.yaml" --vm "$vm" \
		--to "$host" --format json >"$tmp/out" 2>"$tmp/err"; then
		[ "$verdict" = refused ] || {
			echo "FAIL $policy $vm $host: exit status $?, expected 0"
			cat "$tmp/err"
			fail=$((fail + 1))
			continue
		}
	fi
	got=$(python3 -c 'import json, sys
h = json.load(open(sys.argv[1]))["hosts"][0]
print("allowed" if h["allowed"] else "refused", "%g" % h["rating"])' "$tmp/out")
	if [ "$got" != "$verdict $stars" ]; then
		echo "FAIL $policy $vm $host: got $got, the table says $verdict $stars"
		fail=$((fail + 1))
	fi
done <"$tmp/rows"
echo "placement table: $rows rows, $fail failed"
[ "$fail" = 0 ] && [ "$rows" -gt 0 ]
