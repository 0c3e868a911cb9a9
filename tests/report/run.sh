#!/bin/sh
# SPDX-License-Identifier: MIT
# `migcheck report policy` and `report fleet`, run from the project's root:
#   sh tests/report/run.sh build/bin/migcheck
#
# - golden: the text of each section of the report (html.py text, not the
#   markup) for the cases in tests/report/golden/NAME.{args,txt}, made at
#   SOURCE_DATE_EPOCH=1700000000 (UPDATE=1 rewrites the .txt files); a
#   NAME starting with fleet- is a report fleet, the others report policy;
# - report fleet: the graphs' moves equal `matrix --format dot`'s, the heat
#   map agrees with `matrix --format json`, the evacuation equals
#   `plan --assign --format json`; every example inventory's report with
#   hyperv.yaml is well-formed and has the shape of docs/report.md;
# - the fleet impact equals `diff --format json`, the tests and coverage
#   `test --coverage --format json`, for the same policies;
# - every shipped policy's report is well-formed and has the shape of
#   docs/report.md (html.py check);
# - -o onto a FIFO (made in a temporary directory) is refused and nothing
#   is written to it; a bad SOURCE_DATE_EPOCH is an error, nothing written.
set -u
bin=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
count=0
SOURCE_DATE_EPOCH=1700000000
export SOURCE_DATE_EPOCH

bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

for args in "$here"/golden/*.args; do
	name=$(basename "$args" .args)
	count=$((count + 1))
	eval "set -- $(cat "$args")"
	case $name in fleet-*) subject=fleet ;; *) subject=policy ;; esac
	if ! "$bin" report $subject "$@" -o "$tmp/$name.html"; then
		bad "golden $name: migcheck report failed"
		continue
	fi
	python3 "$here/html.py" text "$tmp/$name.html" >"$tmp/$name.txt" ||
		{ bad "golden $name: html.py text failed"; continue; }
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/$name.txt" "$here/golden/$name.txt"
	elif ! cmp -s "$tmp/$name.txt" "$here/golden/$name.txt"; then
		bad "golden $name: the text differs:"
		diff -u "$here/golden/$name.txt" "$tmp/$name.txt" | head -40
	fi
done

# The report against what diff and test say of the same policies.
new=policies/scvmm-2008-r2.yaml old=policies/scvmm-2008.yaml inv=examples/fleet.yaml
count=$((count + 1))
"$bin" report policy $new --against $old -i $inv -o "$tmp/r2.html" &&
	"$bin" diff $old $new -i $inv --format json >"$tmp/diff.json"
[ $? -le 1 ] || bad "report or diff failed"
python3 "$here/html.py" diff "$tmp/r2.html" "$tmp/diff.json" || bad "the fleet impact is not diff's"
for p in policies/*.yaml policies/*.lua tests/fixtures/failing-tests.yaml; do
	count=$((count + 1))
	if ! "$bin" report policy "$p" -o "$tmp/p.html"; then
		bad "report policy $p failed"
		continue
	fi
	python3 "$here/html.py" check "$tmp/p.html" || bad "report policy $p: not the shape of docs/report.md"
	"$bin" test --coverage --format json "$p" >"$tmp/test.json"
	python3 "$here/html.py" coverage "$tmp/p.html" "$tmp/test.json" ||
		bad "report policy $p: tests or coverage are not test's"
done

# report fleet against matrix and plan --assign on the same fleet.
hv=policies/hyperv.yaml
count=$((count + 1))
"$bin" report fleet -p $hv -i $inv -o "$tmp/f.html" &&
	"$bin" matrix -p $hv -i $inv --format dot >"$tmp/m.dot" &&
	"$bin" matrix -p $hv -i $inv --format json >"$tmp/m.json" ||
	bad "report fleet or matrix failed"
python3 "$here/html.py" edges "$tmp/f.html" "$tmp/m.dot" || bad "report fleet: the graphs are not matrix's reduced moves"
python3 "$here/html.py" heat "$tmp/f.html" "$tmp/m.json" || bad "report fleet: the heat map is not matrix's"
count=$((count + 1))
"$bin" report fleet -p $old -i $inv --host hv-west-01 -o "$tmp/e.html" ||
	bad "report fleet --host failed"
"$bin" plan -p $old -i $inv --host hv-west-01 --assign --format json >"$tmp/a.json"
[ $? -le 1 ] || bad "plan --assign failed"
python3 "$here/html.py" evac "$tmp/e.html" "$tmp/a.json" || bad "report fleet: the evacuation is not plan --assign's"
count=$((count + 1))
"$bin" report fleet -p $old -i $inv --host hv-west-01 -o "$tmp/e-again.html"
cmp -s "$tmp/e.html" "$tmp/e-again.html" || bad "two fleet reports of the same inputs differ"
# Every shipped policy with every example: the shape, the graphs' geometry
# (no move over a box) and the graphs' moves those of matrix --format dot.
count=$((count + 1))
python3 "$here/html.py" selftest || bad "html.py's geometry check does not fail a move over a box"
for p in policies/*.yaml policies/*.lua; do
	for i in examples/*.yaml; do echo "$p $i"; done
done >"$tmp/pairs"
while read -r p i; do
	count=$((count + 1))
	if ! "$bin" report fleet -p "$p" -i "$i" -o "$tmp/f.html" ||
		! "$bin" matrix -p "$p" -i "$i" --format dot >"$tmp/m.dot"; then
		bad "report fleet -p $p -i $i failed"
		continue
	fi
	python3 "$here/html.py" fleetcheck "$tmp/f.html" "$tmp/m.dot" ||
		bad "report fleet -p $p -i $i: not the shape of docs/report.md, or its graphs not matrix's reduced moves"
done <"$tmp/pairs"
# Past 40 hosts, the heat map is by classes: a fleet of 41 hosts, made
# from fleet.yaml's.
count=$((count + 1))
python3 - "$inv" "$tmp/big.yaml" <<'PY'
import sys
src = open(sys.argv[1]).read().split('\nvms:')[0]
extra = []
for n in range(10):
    extra.append(src.split('\n  - name: hv-east-01\n', 1)[1].split('\n  - name:', 1)[0]
                 .join(['  - name: hv-extra-%02d\n' % n, '\n']))
open(sys.argv[2], 'w').write(src.rstrip('\n') + '\n' + ''.join(extra))
PY
"$bin" report fleet -p $hv -i "$tmp/big.yaml" -o "$tmp/big.html" 2>"$tmp/err" &&
	python3 "$here/html.py" fleetcheck "$tmp/big.html" &&
	grep -q 'Class by class' "$tmp/big.html" || bad "report fleet of 41 hosts: $(head -3 "$tmp/err")"
# Past 100 classes in a kind, a sentence instead of its table: 101 hosts,
# each of its own hypervisor version.
count=$((count + 1))
python3 - "$inv" "$tmp/many.yaml" <<'PY'
import sys
src = open(sys.argv[1]).read().split('\nvms:')[0]
one = src.split('\n  - name: hv-east-01\n', 1)[1].split('\n  - name:', 1)[0]
one = one.replace('&ws2019', '').replace('"10.0.17763"', '"10.0.%d"')
hosts = ''.join('  - name: hv-many-%03d\n%s\n' % (n, one.replace('%d', str(n)))
                for n in range(101))
open(sys.argv[2], 'w').write('hosts:\n' + hosts)
PY
"$bin" report fleet -p $hv -i "$tmp/many.yaml" -o "$tmp/many.html" 2>"$tmp/err" &&
	python3 "$here/html.py" fleetcheck "$tmp/many.html" &&
	grep -q '101 classes, more than 100: too many for a table' "$tmp/many.html" &&
	grep -q 'No graph: kind live has more than 100 classes' "$tmp/many.html" ||
	bad "report fleet of 101 classes: $(head -3 "$tmp/err")"

# Names XML 1.0 does not allow, markup characters and controls still make
# a well-formed report.
count=$((count + 1))
"$bin" report policy tests/fixtures/xml-forbidden.yaml -o "$tmp/forbidden.html" &&
	python3 "$here/html.py" check "$tmp/forbidden.html" ||
	bad "report policy tests/fixtures/xml-forbidden.yaml: not well-formed"

# Reproducible: the same inputs and SOURCE_DATE_EPOCH, the same bytes.
count=$((count + 1))
"$bin" report policy $new --against $old -i $inv -o "$tmp/r2-again.html"
cmp -s "$tmp/r2.html" "$tmp/r2-again.html" || bad "two reports of the same inputs differ"

# -o onto a FIFO: refused before it is opened (no reader needed, nothing
# written), exit status 2; the same for a bad SOURCE_DATE_EPOCH.
count=$((count + 1))
mkfifo "$tmp/fifo"
timeout 10 "$bin" report policy $old -o "$tmp/fifo" 2>"$tmp/err"
st=$?
[ $st = 2 ] || bad "-o FIFO: exit status $st, expected 2"
grep -q "^migcheck: error: cannot write .*fifo: a FIFO" "$tmp/err" || bad "-o FIFO: $(cat "$tmp/err")"
[ -p "$tmp/fifo" ] || bad "-o FIFO: the FIFO was replaced"
count=$((count + 1))
echo old >"$tmp/kept.html"
SOURCE_DATE_EPOCH=yesterday "$bin" report policy $old -o "$tmp/kept.html" 2>"$tmp/err"
st=$?
[ $st = 2 ] || bad "SOURCE_DATE_EPOCH=yesterday: exit status $st, expected 2"
[ "$(cat "$tmp/kept.html")" = old ] || bad "SOURCE_DATE_EPOCH=yesterday: the file was written"
grep -q "SOURCE_DATE_EPOCH must be a whole number" "$tmp/err" || bad "SOURCE_DATE_EPOCH=yesterday: $(cat "$tmp/err")"

echo "report: $count checks, $fail failed"
[ $fail = 0 ]
