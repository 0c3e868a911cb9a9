#!/bin/sh
# -o FILE on every command, run from the project's root:
#   sh tests/output/run.sh build/bin/migcheck
#
# For each command: -o FILE writes exactly what stdout would get, prints
# nothing on stdout and keeps the exit status; a command that fails (bad
# input, or a directory it cannot write in) leaves FILE as it was and no
# temporary file behind.
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

echo "output: $count cases, $fail failed"
[ $fail = 0 ]
