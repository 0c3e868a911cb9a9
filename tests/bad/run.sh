#!/bin/sh
# The bad-input corpus, run from the project's root. Every line of
# tests/bad/cases.tsv is a case: NAME, the arguments of migcheck (shell quoting
# allowed), and the first line expected on standard error, separated by tabs.
#
# Each case must exit with status 2, print nothing on standard output, print
# exactly the expected line first on standard error (FILE:LINE:COL: error:
# WHAT for a file, "migcheck: error: WHAT" or a usage error for the command
# line), and finish within 10 seconds.
set -u
bin=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$here/gen.sh" "$here/generated" || exit 1  # the inputs too large to commit
fail=0
count=0
tab=$(printf '\t')

while IFS="$tab" read -r name args expected; do
	case "$name" in ''|'#'*) continue ;; esac
	count=$((count + 1))
	eval "set -- $args"
	NO_COLOR=1 timeout 10 "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	first=$(head -n 1 "$tmp/err")
	ok=1
	if [ "$status" != 2 ]; then
		echo "FAIL $name: exit status $status, expected 2"
		ok=0
	fi
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
	[ $ok = 1 ] || fail=$((fail + 1))
done <"$here/cases.tsv"
echo "bad input: $count cases, $fail failed"
[ $count -ge 25 ] || { echo "bad input: fewer than 25 cases"; fail=$((fail + 1)); }
[ $fail = 0 ]
