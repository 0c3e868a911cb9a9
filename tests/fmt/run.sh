#!/bin/sh
# SPDX-License-Identifier: MIT
# migcheck fmt on files: -w rewrites a regular file in place (its mode
# kept, the same inode left alone when nothing changes) and refuses a
# FIFO, a symbolic link and a directory; unreadable files and YAML
# errors exit 2 with nothing on standard output; --fail, --list and
# --diff together. Everything is made in a temporary directory.
#
#   run.sh MIGCHECK
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() {
	what=$1
	shift
	if "$@"; then
		:
	else
		echo "FAIL: $what"
		fail=$((fail + 1))
	fi
}

# status WANT CMD...: the command exits WANT
status() {
	want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || { echo "  exit $got, expected $want; stderr:"; cat "$tmp/err"; return 1; }
}

# -w lays a messy file out in place, keeping its mode; a second run
# changes nothing and leaves the file as it was (same inode).
cp "$here/messy.yaml" "$tmp/messy.yaml"
chmod 640 "$tmp/messy.yaml"
check "-w rewrites" status 0 "$bin" fmt -w "$tmp/messy.yaml"
check "-w prints nothing" test ! -s "$tmp/out"
"$bin" fmt "$here/messy.yaml" >"$tmp/want"
check "-w writes the layout" cmp -s "$tmp/messy.yaml" "$tmp/want"
check "-w keeps the mode" test "$(stat -c %a "$tmp/messy.yaml")" = 640
inode=$(stat -c %i "$tmp/messy.yaml")
check "-w on a clean file" status 0 "$bin" fmt -w --list --fail "$tmp/messy.yaml"
check "-w leaves a clean file alone" test "$(stat -c %i "$tmp/messy.yaml")" = "$inode"
check "no temporary file left" test "$(ls -A "$tmp" | grep -c '^\.')" = 0

# --fail with --list and --diff: names and diff, exit 1, file untouched.
cp "$here/messy.yaml" "$tmp/m2.yaml"
check "--fail --list --diff" status 1 "$bin" fmt --fail --list --diff "$tmp/m2.yaml"
check "--list names the file" test "$(head -1 "$tmp/out")" = "$tmp/m2.yaml"
check "--diff follows" grep -q '^@@ -1,' "$tmp/out"
check "the file is untouched" cmp -s "$tmp/m2.yaml" "$here/messy.yaml"
# The diff applies, and gives the layout.
sed 1d "$tmp/out" >"$tmp/m2.diff"
check "the diff applies" patch -s "$tmp/m2.yaml" "$tmp/m2.diff"
check "the diff gives the layout" cmp -s "$tmp/m2.yaml" "$tmp/want"

# -w refuses a FIFO (without waiting for a writer), a symbolic link and a
# directory; the FIFO is still a FIFO.
mkfifo "$tmp/fifo.yaml"
check "-w refuses a FIFO" status 2 timeout 10 "$bin" fmt -w "$tmp/fifo.yaml"
check "  and says why" grep -q 'regular files only, and this is a FIFO' "$tmp/err"
check "  the FIFO stays" test -p "$tmp/fifo.yaml"
cp "$here/messy.yaml" "$tmp/target.yaml"
ln -s target.yaml "$tmp/link.yaml"
check "-w refuses a symbolic link" status 2 "$bin" fmt -w "$tmp/link.yaml"
check "  and says why" grep -q 'symbolic link' "$tmp/err"
check "  the target is untouched" cmp -s "$tmp/target.yaml" "$here/messy.yaml"
mkdir "$tmp/dir.yaml"
check "-w refuses a directory" status 2 "$bin" fmt -w "$tmp/dir.yaml"
check "a directory is refused" status 2 "$bin" fmt "$tmp/dir.yaml"
check "  and says why" grep -q 'Is a directory' "$tmp/err"
check "-w refuses standard input" status 2 "$bin" fmt -w -

# A file that cannot be read, and a YAML error: exit 2, nothing on stdout,
# the error at FILE:LINE:COL.
check "a missing file" status 2 "$bin" fmt "$tmp/none.yaml"
check "  nothing on stdout" test ! -s "$tmp/out"
if [ "$(id -u)" != 0 ]; then
	cp "$here/messy.yaml" "$tmp/secret.yaml"
	chmod 000 "$tmp/secret.yaml"
	check "an unreadable file" status 2 "$bin" fmt "$tmp/secret.yaml"
	check "  says so" grep -q 'Permission denied' "$tmp/err"
fi
printf 'a: [1, 2\nb: 3\n' >"$tmp/bad.yaml"
check "a YAML error" status 2 "$bin" fmt "$here/messy.yaml" "$tmp/bad.yaml"
check "  nothing on stdout" test ! -s "$tmp/out"
check "  at FILE:LINE:COL" grep -q "^$tmp/bad.yaml:[0-9]*:[0-9]*: error: " "$tmp/err"
# -w with one bad file rewrites the good one, and exits 2.
cp "$here/messy.yaml" "$tmp/m3.yaml"
check "-w with a bad file" status 2 "$bin" fmt -w "$tmp/m3.yaml" "$tmp/bad.yaml"
check "  the good one is laid out" cmp -s "$tmp/m3.yaml" "$tmp/want"
check "  the bad one is untouched" grep -q '^a: \[1, 2$' "$tmp/bad.yaml"

echo "fmt files: $fail failed"
[ $fail = 0 ]
