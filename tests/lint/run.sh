#!/bin/sh
# SPDX-License-Identifier: MIT
# The lint corpus, run from the project's root: every policy named in
# tests/lint/cases.tsv is linted alone, and its findings (FILE:LINE:COL,
# severity and id) must be exactly the lines listed for it. The exit status
# must be 1 when an error is expected, else 0, and with --strict 1 when any
# finding is expected; 2 for a file that cannot be read (missing.yaml), as
# with every command. Every id of docs/lint.md must have a case, and
# `lint --strict` finds nothing in the shipped policies.
set -u
bin=$1
here=$(dirname "$0")
dir=$here/policy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
count=0
tab=$(printf '\t')

ids="yaml duplicate-key limit unknown-key unknown-field unknown-kind op-type
bad-pattern duplicate-id bad-value invalid kind-checks-nothing kind-shadowed
relax-drops-identity remedy-drops-identity rule-no-kind placement-no-kind
field-unused remedy-no-effect normalize-unreachable"

grep -v -e '^#' -e '^$' "$here/cases.tsv" >"$tmp/cases"
for policy in $(cut -f1 "$tmp/cases" | uniq); do
	count=$((count + 1))
	file=$dir/$policy
	# The expected lines, written as lint prints them (message cut off).
	: >"$tmp/want"
	while IFS="$tab" read -r name at sev id; do
		[ "$name" = "$policy" ] && [ "$at" != - ] &&
			echo "$file:$at: $sev[$id]" >>"$tmp/want"
	done <"$tmp/cases"
	sort -o "$tmp/want" "$tmp/want"
	NO_COLOR=1 timeout 10 "$bin" lint "$file" >"$tmp/out" 2>"$tmp/err"
	status=$?
	sed -n 's/^\([^ ]*:[0-9]*:[0-9]*: [a-z]*\[[a-z-]*\]\):.*/\1/p' "$tmp/out" |
		sort >"$tmp/got"
	ok=1
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		echo "FAIL $policy: findings differ:"
		diff "$tmp/want" "$tmp/got" | sed 's/^/    /'
		ok=0
	fi
	want_status=0
	grep -q ': error\[' "$tmp/want" && want_status=1
	[ -e "$file" ] || want_status=2
	if [ "$status" != $want_status ]; then
		echo "FAIL $policy: exit status $status, expected $want_status"
		ok=0
	fi
	NO_COLOR=1 timeout 10 "$bin" lint --strict "$file" >/dev/null 2>&1
	status=$?
	want_status=0
	[ -s "$tmp/want" ] && want_status=1
	[ -e "$file" ] || want_status=2
	if [ "$status" != $want_status ]; then
		echo "FAIL $policy: with --strict exit status $status, expected $want_status"
		ok=0
	fi
	if [ -s "$tmp/err" ]; then
		echo "FAIL $policy: standard error is not empty"
		ok=0
	fi
	[ $ok = 1 ] || fail=$((fail + 1))
done
for id in $ids; do
	if ! cut -f4 "$tmp/cases" | grep -qx -- "$id"; then
		echo "FAIL no case for id $id"
		fail=$((fail + 1))
	fi
done
# The shipped policies have no finding at all.
if ! NO_COLOR=1 "$bin" lint --strict policies/*.yaml policies/*.lua >"$tmp/out" 2>&1; then
	echo "FAIL the shipped policies have findings:"
	sed 's/^/    /' "$tmp/out"
	fail=$((fail + 1))
fi
echo "lint corpus: $count policies, $fail failed"
[ $fail = 0 ]
