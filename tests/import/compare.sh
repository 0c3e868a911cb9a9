#!/bin/sh
# SPDX-License-Identifier: MIT
# Imported hosts decide like hand-written ones: imports every fixture of
# tests/import/ into a temporary inventory, checks the VMs of hand.yaml
# against it and against hand.yaml's own hosts, and compares each host's
# verdict, rating and violation ids (the policy's file and digest aside).
# Then -o FILE: written on success, left untouched when an input is bad.
# Run from the project's root: sh tests/import/compare.sh BIN
set -u
bin=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
count=0

"$bin" import --from win32 --cluster east "$here/win32/hv-gold-01.json" \
	"$here/win32/hv-epyc-01.json" -o "$tmp/win32.yaml" || fail=$((fail + 1))
"$bin" import --from lscpu --cluster east "$here/lscpu/hv-icx-01.json" \
	"$here/lscpu/kvm-bdw-01.json" "$here/lscpu/arm-altra-01.json" \
	-o "$tmp/lscpu.yaml" || fail=$((fail + 1))
"$bin" import --from cpuinfo --cluster east "$here/cpuinfo/hv-skl-02.txt" \
	"$here/cpuinfo/arm-altra-02.txt" -o "$tmp/cpuinfo.yaml" || fail=$((fail + 1))
"$bin" import --from csv "$here/csv/fleet.csv" -o "$tmp/csv.yaml" || fail=$((fail + 1))
sed -n '/^vms:/,$p' "$here/hand.yaml" >"$tmp/vms.yaml"
[ $fail = 0 ] || { echo "import: the fixtures do not import"; exit 1; }

for policy in "$here/policy.yaml" policies/scvmm-2008.yaml policies/scvmm-2008-r2.yaml; do
	for vm in web-01 db-01; do
		count=$((count + 1))
		"$bin" check -p "$policy" -i "$here/hand.yaml" --vm "$vm" \
			--format json >"$tmp/hand.json"
		s1=$?
		"$bin" check -p "$policy" -i "$tmp/win32.yaml" -i "$tmp/lscpu.yaml" \
			-i "$tmp/cpuinfo.yaml" -i "$tmp/csv.yaml" -i "$tmp/vms.yaml" \
			--vm "$vm" --format json >"$tmp/imported.json"
		s2=$?
		if [ $s1 != $s2 ] || [ $s1 = 2 ]; then
			echo "FAIL $policy $vm: exit status $s1 by hand, $s2 imported"
			fail=$((fail + 1))
			continue
		fi
		python3 - "$tmp/hand.json" "$tmp/imported.json" <<'PY' || {
import json, sys

def verdicts(path):
    with open(path) as f:
        r = json.load(f)
    r.pop("policy", None)
    return {"kind": r.get("kind"),
            "hosts": sorted((h["name"], h["allowed"], h["rating"],
                             sorted(v["rule"] for v in h["violations"]))
                            for h in r["hosts"])}

hand, imported = verdicts(sys.argv[1]), verdicts(sys.argv[2])
if hand != imported:
    print("  by hand:  %s\n  imported: %s" % (hand, imported))
    sys.exit(1)
if len(hand["hosts"]) < 10:
    print("  only %d hosts rated" % len(hand["hosts"]))
    sys.exit(1)
PY
			echo "FAIL $policy $vm: imported hosts decide otherwise"
			fail=$((fail + 1))
		}
	done
done

# -o FILE is replaced only when every input imports.
count=$((count + 1))
printf 'hosts: []\n' >"$tmp/keep.yaml"
cp "$tmp/keep.yaml" "$tmp/keep.orig"
"$bin" import --from csv "$here/csv/fleet.csv" "$here/csv/bad-family.csv" \
	-o "$tmp/keep.yaml" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status != 2 ] || ! cmp -s "$tmp/keep.yaml" "$tmp/keep.orig" || [ -s "$tmp/out" ]; then
	echo "FAIL -o: a bad input changed the output file (or exit $status)"
	fail=$((fail + 1))
fi
if [ "$(ls -A "$tmp" | grep -c '^\.keep\.yaml\.')" != 0 ]; then
	echo "FAIL -o: a temporary file was left behind"
	fail=$((fail + 1))
fi
count=$((count + 1))
if ! "$bin" import --from csv "$here/csv/fleet.csv" -o "$tmp/keep.yaml" ||
   ! "$bin" import --from csv "$here/csv/fleet.csv" | cmp -s - "$tmp/keep.yaml"; then
	echo "FAIL -o: the file does not hold the inventory"
	fail=$((fail + 1))
fi

echo "import compare: $count cases, $fail failed"
[ $fail = 0 ]
