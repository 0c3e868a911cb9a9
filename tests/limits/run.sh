#!/bin/sh
# SPDX-License-Identifier: MIT
# Every limit changed with --limit, at the limit and one past it, run from
# the project's root: sh tests/limits/run.sh build/bin/migcheck
#
# Each line of tests/limits/cases.tsv is a case: NAME, the arguments of
# migcheck ($C and $L stand for the two check commands named in its header),
# the exit status expected, and the first line of stderr expected (status 2)
# or a line stdout must hold (status 0 or 1). With status 2 stdout must be
# empty. The at-limit values are the smallest that pass: one less fails.
set -u
bin=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
C="check -p tests/limits/regex.yaml -i tests/limits/small.yaml --vm vm1"
L="check -p tests/limits/lua.yaml -i tests/limits/small.yaml --vm vm1"
tab=$(printf '\t')
fail=0
count=0

while IFS="$tab" read -r name args status expected; do
	case "$name" in ''|'#'*) continue ;; esac
	count=$((count + 1))
	eval "set -- $args"
	NO_COLOR=1 "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	ok=1
	if [ "$got" != "$status" ]; then
		echo "FAIL $name: exit status $got, expected $status"
		ok=0
	fi
	if [ "$status" = 2 ]; then
		first=$(head -n 1 "$tmp/err")
		if [ -s "$tmp/out" ]; then
			echo "FAIL $name: standard output is not empty"
			ok=0
		fi
		if [ "$first" != "$expected" ]; then
			echo "FAIL $name: standard error begins"
			echo "    $first"
			echo "  expected"
			echo "    $expected"
			ok=0
		fi
	elif ! grep -qxF -- "$expected" "$tmp/out"; then
		echo "FAIL $name: standard output has no line"
		echo "    $expected"
		sed 's/^/  | /' "$tmp/out" "$tmp/err"
		ok=0
	fi
	[ $ok = 1 ] || fail=$((fail + 1))
done <"$here/cases.tsv"
echo "limits: $count cases, $fail failed"
[ $count -ge 20 ] && [ $fail = 0 ]
