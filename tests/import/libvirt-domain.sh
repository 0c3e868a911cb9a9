#!/bin/sh
# SPDX-License-Identifier: MIT
# VMs imported from `virsh dumpxml` load with the hosts imported from `virsh
# capabilities` as one inventory, and policies/libvirt-kvm.yaml decides on
# them: each VM of tests/import/libvirt-domain/ is checked against the hosts
# of tests/import/libvirt/, and the check must run (exit 0 or 1, not 2), rate
# every host, and refuse the ARM host for an x86 guest.
# Run from the project's root: sh tests/import/libvirt-domain.sh BIN
set -u
bin=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
count=0

"$bin" import --from libvirt "$here/libvirt/kvm-cascadelake-01.xml" \
	"$here/libvirt/kvm-skylake-07.xml" "$here/libvirt/kvm-altra-01.xml" \
	"$here/libvirt/caps-qemu-kvm.xml" -o "$tmp/hosts.yaml" ||
	{ echo "FAIL: the hosts do not import"; exit 1; }
"$bin" import --from libvirt-domain --host kvm-cascadelake-01 \
	"$here/libvirt-domain/web-01.xml" "$here/libvirt-domain/db-01.xml" \
	"$here/libvirt-domain/build-01.xml" -o "$tmp/vms.yaml" ||
	{ echo "FAIL: the VMs do not import"; exit 1; }

for vm in web-01:running db-01:stopped build-01:running; do
	name=${vm%%:*}
	state=${vm#*:}
	count=$((count + 1))
	"$bin" check -p policies/libvirt-kvm.yaml -i "$tmp/hosts.yaml" \
		-i "$tmp/vms.yaml" --vm "$name" --format json >"$tmp/out.json" \
		2>"$tmp/err"
	status=$?
	if [ $status != 0 ] && [ $status != 1 ]; then
		echo "FAIL $name: exit status $status"
		cat "$tmp/err"
		fail=$((fail + 1))
		continue
	fi
	python3 - "$tmp/out.json" "$name" "$state" <<'PY' || {
import json, sys

with open(sys.argv[1]) as f:
    r = json.load(f)
vm = r.get("vm", {})
hosts = {h["name"]: h for h in r["hosts"]}
problems = []
if vm.get("name") != sys.argv[2] or vm.get("host") != "kvm-cascadelake-01":
    problems.append("the VM is %s on %s" % (vm.get("name"), vm.get("host")))
if vm.get("state") != sys.argv[3]:
    problems.append("the VM is %s, not %s" % (vm.get("state"), sys.argv[3]))
if sorted(hosts) != ["caps-qemu-kvm", "kvm-altra-01", "kvm-skylake-07"]:
    problems.append("rated hosts: %s" % sorted(hosts))
elif hosts["kvm-altra-01"]["allowed"]:
    problems.append("an x86 guest may move to an ARM host")
if problems:
    print("  " + "; ".join(problems))
    sys.exit(1)
PY
		echo "FAIL $name: not decided as expected"
		fail=$((fail + 1))
	}
done

echo "import libvirt-domain: $count cases, $fail failed"
[ $fail = 0 ]
