#!/bin/sh
# SPDX-License-Identifier: MIT
# `migcheck probe` on this machine. Its output depends on the machine, so
# the test asserts the structure: the YAML is an inventory that `check -i`
# reads as it is (an answer, 0 or 1, never 2), the JSON parses and has the
# same host, -o replaces the file only on success, bad usage exits 2.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

no() {
	echo "FAIL: $*"
	fail=$((fail + 1))
}

"$bin" probe --name me --cluster lab -o "$tmp/me.yaml" || no "probe -o exited $?"
[ -s "$tmp/me.yaml" ] || no "probe -o wrote nothing"
grep -q '^hosts:$' "$tmp/me.yaml" || no "no 'hosts:' line"
grep -q '^  - name: "me"$' "$tmp/me.yaml" || no "not named me"
grep -q '^    cluster: "lab"$' "$tmp/me.yaml" || no "not in cluster lab"
grep -q '^    cpu:$' "$tmp/me.yaml" || no "no cpu"
grep -q '^      architecture: "' "$tmp/me.yaml" || no "no architecture"
ls -a "$tmp" | grep -q '^\.me\.yaml\.' && no "a temporary file was left behind"

# The same record on stdout.
"$bin" probe --name me --cluster lab >"$tmp/stdout.yaml" || no "probe exited $?"
cmp -s "$tmp/me.yaml" "$tmp/stdout.yaml" || no "-o and stdout differ"

cat >"$tmp/other.yaml" <<'YAML'
hosts:
  - name: other
    cluster: lab
    cpu: { manufacturer: GenuineIntel, architecture: x64, family: 6, model: 85 }
    hypervisor: { version: 10.0.17763 }
vms:
  - name: v1
    host: me
    state: stopped
YAML
"$bin" check -i "$tmp/me.yaml" -i "$tmp/other.yaml" --vm v1 >"$tmp/check.out" 2>&1
status=$?
if [ $status != 0 ] && [ $status != 1 ]; then
	no "check on the probed inventory exited $status:"
	cat "$tmp/check.out"
fi

"$bin" probe --name me --cluster lab --format json >"$tmp/me.json" || no "probe --format json exited $?"
python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/me.json" || no "the JSON does not parse"
python3 - "$tmp/me.json" <<'PY' || no "the JSON's structure"
import json, sys
doc = json.load(open(sys.argv[1]))
assert list(doc) == ["hosts"], doc.keys()
assert len(doc["hosts"]) == 1
h = doc["hosts"][0]
assert h["name"] == "me" and h["cluster"] == "lab", h
assert isinstance(h["cpu"]["architecture"], str)
for k in ("family", "model", "stepping"):
    assert k not in h["cpu"] or isinstance(h["cpu"][k], int), k
assert all(isinstance(f, str) for f in h["cpu"].get("features", []))
v = h.get("virtualization", {})
assert isinstance(v.get("supported", False), bool)
PY

# Bad usage: exit 2, and -o leaves the file as it was.
echo keep >"$tmp/keep"
"$bin" probe --format xml -o "$tmp/keep" 2>/dev/null
[ $? = 2 ] || no "--format xml did not exit 2"
[ "$(cat "$tmp/keep")" = keep ] || no "a failed probe replaced the -o file"
"$bin" probe extra 2>/dev/null
[ $? = 2 ] || no "an extra argument did not exit 2"
"$bin" probe -o "$tmp/missing/dir/x.yaml" 2>/dev/null
[ $? = 2 ] || no "an unwritable -o did not exit 2"
"$bin" probe --help | grep -q '^Usage: migcheck probe' || no "--help"

echo "probe: $fail failed"
[ $fail = 0 ]
