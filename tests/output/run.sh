#!/bin/sh
# SPDX-License-Identifier: MIT
# -o FILE on every command, run from the project's root:
#   sh tests/output/run.sh build/bin/migcheck
#
# For each command: -o FILE writes exactly what stdout would get, prints
# nothing on stdout and keeps the exit status; a command that fails (bad
# input, or a directory it cannot write in) leaves FILE as it was and no
# temporary file behind. Then -o on each kind of path: a FIFO, a symbolic
# link, a character and a block device, a file someone else owns.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
fail=0
count=0

bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

# same NAME ARGS...: with and without -o, the same bytes and status.
same() {
	name=$1
	shift
	count=$((count + 1))
	NO_COLOR=1 "$bin" "$@" >"$tmp/stdout" 2>/dev/null
	want=$?
	rm -f "$tmp/report"
	NO_COLOR=1 "$bin" "$@" -o "$tmp/report" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || bad "$name: exit status $got with -o, $want without"
	[ -s "$tmp/out" ] && bad "$name: -o printed on stdout"
	cmp -s "$tmp/stdout" "$tmp/report" || bad "$name: the file differs from stdout"
	[ -s "$tmp/report" ] || bad "$name: the file is empty"
}

# kept NAME ARGS...: the command fails; the old file and its mode survive.
kept() {
	name=$1
	shift
	count=$((count + 1))
	printf 'old report\n' >"$tmp/keep"
	chmod 640 "$tmp/keep"
	NO_COLOR=1 "$bin" "$@" -o "$tmp/keep" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = 2 ] || bad "$name: exit status $got, expected 2"
	[ -s "$tmp/out" ] && bad "$name: printed on stdout"
	[ "$(cat "$tmp/keep")" = "old report" ] || bad "$name: the old file changed"
	[ "$(stat -c %a "$tmp/keep")" = 640 ] || bad "$name: the old file's mode changed"
	[ -s "$tmp/err" ] || bad "$name: no message on stderr"
	leftover=$(find "$tmp" -name '.keep.*')
	[ -z "$leftover" ] || bad "$name: left $leftover behind"
}

kb=examples/kb969726.yaml
same check check -i $kb --vm web-01
same check-json check -i $kb --vm web-01 --format json
same check-refused check -i $kb --vm web-01 --to hv-amd-01
same lint lint policies/scvmm-2008.yaml policies/hyperv.yaml
same lint-sarif lint policies/hyperv.yaml --format sarif
same explain explain policies/scvmm-2008-r2.yaml
same explain-json explain policies/hyperv.yaml --format json
same test test policies/vmware-evc.yaml
same test-junit test policies/libvirt-kvm.yaml --format junit
same diff diff policies/scvmm-2008.yaml policies/scvmm-2008-r2.yaml -i $kb
same import import --from cpuinfo tests/import/cpuinfo/hv-skl-02.txt
same probe probe --name here

kept check-bad-inventory check -i tests/bad/yaml/nul-byte.yaml --vm vm1
kept check-unknown-vm check -i $kb --vm nobody
kept lint-bad-usage lint
kept explain-missing explain tests/no-such-policy.yaml
kept test-bad-limit test policies/hyperv.yaml --limit depth=0
kept diff-bad-policy diff policies/scvmm-2008.yaml tests/bad/policy/dup-key.yaml -i $kb
kept import-bad import --from cpuinfo tests/import/cpuinfo/bad-line.txt

# A file replaced whole keeps its mode; a new one gets 0666 less the umask.
count=$((count + 1))
printf 'old\n' >"$tmp/mode"
chmod 600 "$tmp/mode"
"$bin" explain policies/hyperv.yaml -o "$tmp/mode" >/dev/null 2>&1
[ "$(stat -c %a "$tmp/mode")" = 600 ] || bad "mode: a replaced file's mode changed"
grep -q '^Policy' "$tmp/mode" || bad "mode: the file was not replaced"
(umask 027 && "$bin" explain policies/hyperv.yaml -o "$tmp/new" >/dev/null 2>&1)
[ "$(stat -c %a "$tmp/new")" = 640 ] || bad "mode: a new file is not 0666 less the umask"

# A directory that cannot be written in: exit 2, the file as it was.
if [ "$(id -u)" != 0 ]; then
	count=$((count + 1))
	mkdir "$tmp/ro"
	printf 'old report\n' >"$tmp/ro/keep"
	chmod 555 "$tmp/ro"
	"$bin" check -i $kb --vm web-01 -o "$tmp/ro/keep" >"$tmp/out" 2>"$tmp/err"
	[ $? = 2 ] || bad "read-only: exit status is not 2"
	grep -q "cannot write $tmp/ro/keep" "$tmp/err" || bad "read-only: no message"
	[ "$(cat "$tmp/ro/keep")" = "old report" ] || bad "read-only: the file changed"
fi

# -o names a directory: rename refuses, nothing is left behind.
count=$((count + 1))
mkdir "$tmp/dir"
"$bin" check -i $kb --vm web-01 -o "$tmp/dir" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || bad "directory: exit status is not 2"
grep -q "cannot write $tmp/dir: Is a directory" "$tmp/err" || bad "directory: no message"
[ -z "$(find "$tmp" -name '.dir.*')" ] || bad "directory: left a temporary file"

# -o never replaces what is not a regular file. The FIFOs, device nodes and
# links are made here, in $tmp: nothing under /dev is ever named.
ref=$tmp/explain.ref
"$bin" explain policies/hyperv.yaml >"$ref" 2>/dev/null

# A FIFO is written as a shell's > would: its reader gets the report, and it
# stays a FIFO (a reader waits for ever on a FIFO replaced by a file).
count=$((count + 1))
mkfifo "$tmp/fifo"
timeout 10 cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
timeout 10 "$bin" explain policies/hyperv.yaml -o "$tmp/fifo" >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] || bad "fifo: exit status is not 0: $(cat "$tmp/err")"
wait $reader
[ -p "$tmp/fifo" ] || bad "fifo: the FIFO was replaced"
cmp -s "$ref" "$tmp/fifo.out" || bad "fifo: its reader did not get the report"

# A symbolic link is kept: a regular file it points at is replaced whole
# (keeping its mode), a FIFO it points at is written in place. A link to
# nothing or to a directory is an error that creates nothing.
count=$((count + 1))
printf 'old\n' >"$tmp/target"
chmod 640 "$tmp/target"
ln -s target "$tmp/link"
"$bin" explain policies/hyperv.yaml -o "$tmp/link" >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] || bad "link: exit status is not 0: $(cat "$tmp/err")"
[ -L "$tmp/link" ] && [ "$(readlink "$tmp/link")" = target ] ||
	bad "link: the link was replaced"
cmp -s "$ref" "$tmp/target" || bad "link: the target was not written"
[ "$(stat -c %a "$tmp/target")" = 640 ] || bad "link: the target's mode changed"
[ -z "$(find "$tmp" -name '.target.*' -o -name '.link.*')" ] ||
	bad "link: left a temporary file"

count=$((count + 1))
ln -s fifo "$tmp/fifo-link"
timeout 10 cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
timeout 10 "$bin" explain policies/hyperv.yaml -o "$tmp/fifo-link" >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] || bad "fifo-link: exit status is not 0: $(cat "$tmp/err")"
wait $reader
[ -L "$tmp/fifo-link" ] && [ -p "$tmp/fifo" ] || bad "fifo-link: the link or the FIFO was replaced"
cmp -s "$ref" "$tmp/fifo.out" || bad "fifo-link: the FIFO's reader did not get the report"

count=$((count + 1))
ln -s nothing "$tmp/dangling"
"$bin" explain policies/hyperv.yaml -o "$tmp/dangling" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || bad "dangling: exit status is not 2"
grep -q "cannot write $tmp/dangling: a symbolic link to nothing" "$tmp/err" ||
	bad "dangling: no message"
[ -L "$tmp/dangling" ] && [ ! -e "$tmp/nothing" ] || bad "dangling: a file was made"

count=$((count + 1))
ln -s dir "$tmp/dir-link"
"$bin" explain policies/hyperv.yaml -o "$tmp/dir-link" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || bad "dir-link: exit status is not 2"
grep -q "cannot write $tmp/dir-link: Is a directory" "$tmp/err" || bad "dir-link: no message"
[ -L "$tmp/dir-link" ] || bad "dir-link: the link was replaced"

# Character devices are written in place, never replaced: a null device
# takes the report, a full one refuses it (exit 2, the device kept). A
# block device is refused before it is opened (major 0 has no driver: even
# an open would fail).
dev=$tmp/dev
mkdir "$dev"
if mknod "$dev/null" c 1 3 2>/dev/null && mknod "$dev/full" c 1 7 2>/dev/null; then
	count=$((count + 1))
	"$bin" explain policies/hyperv.yaml -o "$dev/null" >"$tmp/out" 2>"$tmp/err"
	[ $? = 0 ] || bad "null device: exit status is not 0: $(cat "$tmp/err")"
	[ -c "$dev/null" ] || bad "null device: replaced"
	"$bin" check -i $kb --vm web-01 --to hv-amd-01 -o "$dev/null" >"$tmp/out" 2>"$tmp/err"
	[ $? = 1 ] || bad "null device: the exit status of a refused move is not 1"
	ln -s null "$dev/null-link"
	"$bin" explain policies/hyperv.yaml -o "$dev/null-link" >"$tmp/out" 2>"$tmp/err"
	[ $? = 0 ] && [ -L "$dev/null-link" ] && [ -c "$dev/null" ] ||
		bad "null device through a link: not written in place"

	count=$((count + 1))
	"$bin" explain policies/hyperv.yaml -o "$dev/full" >"$tmp/out" 2>"$tmp/err"
	[ $? = 2 ] || bad "full device: exit status is not 2"
	grep -q "cannot write $dev/full: No space left on device" "$tmp/err" ||
		bad "full device: no message"
	[ -c "$dev/full" ] || bad "full device: replaced"
	[ -s "$tmp/out" ] && bad "full device: printed on stdout"
	[ -z "$(find "$dev" -name '.*')" ] || bad "devices: left a temporary file"
else
	echo "SKIP character devices: mknod is not permitted here"
fi
if mknod "$dev/disk" b 0 0 2>/dev/null; then
	count=$((count + 1))
	"$bin" explain policies/hyperv.yaml -o "$dev/disk" >"$tmp/out" 2>"$tmp/err"
	[ $? = 2 ] || bad "block device: exit status is not 2"
	grep -q "cannot write $dev/disk: a block device" "$tmp/err" ||
		bad "block device: no message"
	[ -b "$dev/disk" ] || bad "block device: replaced"
else
	echo "SKIP block device: mknod is not permitted here"
fi

# Run as root, a replaced file keeps its owner and group.
if [ "$(id -u)" = 0 ]; then
	count=$((count + 1))
	printf 'old\n' >"$tmp/owned"
	chown 65534:65534 "$tmp/owned"
	"$bin" explain policies/hyperv.yaml -o "$tmp/owned" >/dev/null 2>&1
	[ "$(stat -c %u:%g "$tmp/owned")" = 65534:65534 ] || bad "owner: root took the file"
	cmp -s "$ref" "$tmp/owned" || bad "owner: the file was not replaced"
fi

# -o - is standard output, and no file named "-" is made.
count=$((count + 1))
abs=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
src=$(pwd)
(cd "$tmp" && NO_COLOR=1 "$abs" explain "$src/policies/hyperv.yaml" -o - |
	sed "s|$src/||" >"$tmp/dash.out")
[ -e "$tmp/-" ] && bad "-o -: a file named '-' was written"
NO_COLOR=1 "$bin" explain policies/hyperv.yaml >"$tmp/dash.want"
cmp -s "$tmp/dash.want" "$tmp/dash.out" || bad "-o -: stdout differs from the report"

# Output that cannot be written (stdout closed) is an error: status 2 and
# the reason, for every command that writes on stdout.
for args in "version" "--version" "help" "explain policies/hyperv.yaml" \
	"check -i examples/kb969726.yaml --vm web-01"; do
	count=$((count + 1))
	# shellcheck disable=SC2086
	"$bin" $args >&- 2>"$tmp/closed.err"
	got=$?
	[ "$got" = 2 ] || bad "$args, stdout closed: exit status $got, expected 2"
	grep -q "^migcheck: error: cannot write the output: " "$tmp/closed.err" ||
		bad "$args, stdout closed: no error said: $(cat "$tmp/closed.err")"
	[ "$(grep -c 'cannot write' "$tmp/closed.err")" = 1 ] ||
		bad "$args, stdout closed: the error said more than once"
done

# Colors on a terminal, but not when TERM is dumb, nor with NO_COLOR; and
# no progress line redrawn in place on a dumb one (script(1) gives the
# command a terminal).
if command -v script >/dev/null 2>&1; then
	for term in xterm dumb nocolor never; do
		count=$((count + 1))
		if [ $term = nocolor ]; then
			env TERM=xterm NO_COLOR=1 script -qec "$bin check -i examples/kb969726.yaml --vm web-01" \
				"$tmp/tty.$term" >/dev/null 2>&1
		elif [ $term = never ]; then
			env -u NO_COLOR TERM=xterm script -qec \
				"$bin --color=never check -i examples/kb969726.yaml --vm web-01" \
				"$tmp/tty.$term" >/dev/null 2>&1
		else
			env -u NO_COLOR TERM=$term script -qec "$bin check -i examples/kb969726.yaml --vm web-01" \
				"$tmp/tty.$term" >/dev/null 2>&1
		fi
		if grep -q "$(printf '\033')\[" "$tmp/tty.$term"; then
			[ $term = xterm ] || bad "TERM=$term: colors were written"
		else
			[ $term != xterm ] || bad "TERM=xterm: no colors on a terminal"
		fi
	done
else
	echo "SKIP terminals: no script(1)"
fi

echo "output: $count cases, $fail failed"
[ $fail = 0 ]
