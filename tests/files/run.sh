#!/bin/sh
# SPDX-License-Identifier: MIT
# Files that are not regular files, run from the project's root:
#   sh tests/files/run.sh build/bin/migcheck
#
# A path given on the command line (-i, -p) may be a FIFO or a device -- a
# shell's process substitution is a pipe -- and is read up to the file-size
# limit and one byte more. A path a policy names (`extends:`, a test's
# `inventory:`) must be a regular file: anything else is refused unread, at
# the line that names it. The FIFOs and device nodes are made here, in a
# temporary directory: nothing under /dev is ever named.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
count=0
kb=examples/kb969726.yaml
policy=policies/scvmm-2008.yaml

bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

# fed NAME FILE: starts a writer that copies FILE into the FIFO $tmp/NAME.
fed() {
	[ -p "$tmp/$1" ] || mkfifo "$tmp/$1"
	timeout 10 cat "$2" >"$tmp/$1" &
}

# An inventory and a policy read from FIFOs give what the files give.
count=$((count + 1))
NO_COLOR=1 "$bin" check -p $policy -i $kb --vm web-01 >"$tmp/want" 2>&1
fed inv $kb
fed pol $policy
NO_COLOR=1 timeout 10 "$bin" check -p "$tmp/pol" -i "$tmp/inv" --vm web-01 \
	>"$tmp/got" 2>&1
wait
# The report names the policy's file: the FIFO's name instead of the file's.
sed "s|$tmp/pol|$policy|" "$tmp/got" | cmp -s "$tmp/want" - ||
	bad "fifo input: the report differs from the files' own"

# A FIFO longer than the file-size limit: refused, naming the limit, once
# the limit and one byte are read (the writer is not waited for).
count=$((count + 1))
head -c 5000 /dev/zero | tr '\0' '#' >"$tmp/long.txt"
fed long "$tmp/long.txt"
timeout 10 "$bin" explain "$tmp/long" --limit file-size=4k >"$tmp/out" 2>"$tmp/err"
status=$?
wait
[ $status = 2 ] || bad "long fifo: exit status $status, expected 2"
[ "$(head -n 1 "$tmp/err")" = "$tmp/long:1:1: error: the file is larger than 4 KiB (raise it with --limit file-size=N)" ] ||
	bad "long fifo: $(head -n 1 "$tmp/err")"

# Devices: an endless one is refused at the limit, promptly.
if mknod "$tmp/zero" c 1 5 2>/dev/null && mknod "$tmp/null" c 1 3 2>/dev/null; then
	count=$((count + 1))
	timeout 10 "$bin" check -p $policy -i "$tmp/zero" --vm web-01 \
		--limit file-size=1M >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ $status = 2 ] || bad "zero device: exit status $status, expected 2"
	[ "$(head -n 1 "$tmp/err")" = "$tmp/zero:1:1: error: the file is larger than 1 MiB (raise it with --limit file-size=N)" ] ||
		bad "zero device: $(head -n 1 "$tmp/err")"

	# named by a policy: refused unread, at the line that names it
	count=$((count + 1))
	printf 'policy: p\nextends: "null"\n' >"$tmp/p.yaml"
	"$bin" check -p "$tmp/p.yaml" -i $kb --vm web-01 >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ $status = 2 ] || bad "extends a device: exit status $status, expected 2"
	[ "$(head -n 1 "$tmp/err")" = "$tmp/p.yaml:2:10: error: extends: $tmp/null is not a regular file (a character device)" ] ||
		bad "extends a device: $(head -n 1 "$tmp/err")"
	[ -s "$tmp/out" ] && bad "extends a device: printed on stdout"
	[ -c "$tmp/null" ] || bad "extends a device: the device changed"

	count=$((count + 1))
	cat >"$tmp/t.yaml" <<-EOT
	policy: t
	kinds:
	  saved-state: { when: { vm.state: saved } }
	tests:
	  - { name: zero, inventory: zero, vm: web-01, expect: { allowed: true } }
	EOT
	timeout 10 "$bin" test "$tmp/t.yaml" >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ $status = 1 ] || bad "test inventory a device: exit status $status, expected 1"
	grep -q "error     $tmp/t.yaml:5:30: inventory: $tmp/zero is not a regular file (a character device)" "$tmp/out" ||
		bad "test inventory a device: $(cat "$tmp/out")"
else
	echo "SKIP devices: mknod is not permitted here"
fi

echo "files: $count cases, $fail failed"
[ $fail = 0 ]
