#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden tests of the migcheck command line, run from the project's root.
#
# Each case is a directory cases/NAME holding:
#   args    the command's arguments on one line (shell quoting allowed)
#   stdout  the standard output expected, byte for byte
#   status  the exit status expected
#   stderr  (optional) the standard error expected, byte for byte
#   stdin   (optional) what the command reads on standard input (else
#           nothing)
#   env     (optional) VAR=VALUE words set for the command, after the
#           defaults: NO_COLOR=1 and LC_ALL=C.UTF-8 (the reports' glyphs
#           are UTF-8 under a UTF-8 locale, ASCII under another)
#
# UPDATE=1 sh tests/cli/run.sh BIN rewrites stdout, stderr (where present) and
# status from what the program prints now: review the diff before committing.
set -u
bin=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
count=0

for dir in "$here"/cases/*/; do
	name=$(basename "$dir")
	count=$((count + 1))
	args=$(cat "$dir/args")
	eval "set -- $args"
	in=/dev/null
	[ -f "$dir/stdin" ] && in="$dir/stdin"
	vars=
	[ -f "$dir/env" ] && vars=$(cat "$dir/env")
	# shellcheck disable=SC2086
	env NO_COLOR=1 LC_ALL=C.UTF-8 $vars timeout 20 "$bin" "$@" <"$in" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/out" "$dir/stdout"
		echo "$status" >"$dir/status"
		[ -f "$dir/stderr" ] && cp "$tmp/err" "$dir/stderr"
		continue
	fi
	ok=1
	if [ "$status" != "$(cat "$dir/status")" ]; then
		echo "FAIL $name: exit status $status, expected $(cat "$dir/status")"
		ok=0
	fi
	if ! cmp -s "$tmp/out" "$dir/stdout"; then
		echo "FAIL $name: standard output differs:"
		diff -u "$dir/stdout" "$tmp/out" | head -40
		ok=0
	fi
	if [ -f "$dir/stderr" ] && ! cmp -s "$tmp/err" "$dir/stderr"; then
		echo "FAIL $name: standard error differs:"
		diff -u "$dir/stderr" "$tmp/err" | head -40
		ok=0
	fi
	[ $ok = 1 ] || fail=$((fail + 1))
done
echo "cli golden: $count cases, $fail failed"
[ $fail = 0 ]
