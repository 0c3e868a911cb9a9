#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the bad inputs that are too large to commit into the directory $1
# (run.py passes tests/bad/generated, so that the file names in the expected
# messages do not depend on a temporary directory); with a second argument
# "pending", also the inputs of pending.tsv. Each file is written under a
# temporary name and then renamed, so that runs at the same time never read a
# half-written file; a file newer than this script is kept as it is.
set -eu
dir=$1
pending=${2:-}
self=$0
mkdir -p "$dir"

# a_run N: N bytes 'a'.
a_run() {
	head -c "$1" /dev/zero | tr '\0' a
}

# fresh NAME: true when $dir/NAME exists and is newer than this script.
fresh() {
	[ -f "$dir/$1" ] && [ "$dir/$1" -nt "$self" ]
}

# put NAME: moves the temporary file of NAME into place.
put() {
	mv "$dir/$1.$$" "$dir/$1"
}

# A FIFO that no one writes, for the policies that name one (extends, a
# test's inventory): reading it would block for ever.
[ -p "$dir/fifo" ] || mkfifo "$dir/fifo"

# An inventory whose host name is a plain scalar one byte over the engine's
# 1 MiB scalar limit (1048576 bytes).
fresh huge-scalar.yaml || {
	{
		printf 'hosts:\n  - name: '
		a_run 1048577
		printf '\n'
	} >"$dir/huge-scalar.yaml.$$"
	put huge-scalar.yaml
}

# A policy whose name is a double-quoted scalar of 2 MiB.
fresh huge-quoted.yaml || {
	{
		printf '# a policy with a 2 MiB name\npolicy: "'
		a_run 2097152
		printf '"\nkinds:\n  live:\n'
	} >"$dir/huge-quoted.yaml.$$"
	put huge-quoted.yaml
}

# 10 MB scalars (10 MiB): a value and a key of an inventory, a description
# of a YAML policy, a string of a Lua policy.
fresh inv-10mb-scalar.yaml || {
	{
		printf 'hosts:\n  - name: h1\n    note: '
		a_run 10485760
		printf '\n'
	} >"$dir/inv-10mb-scalar.yaml.$$"
	put inv-10mb-scalar.yaml
}
fresh inv-10mb-key.yaml || {
	{
		printf 'hosts:\n  - name: h1\n    ? '
		a_run 10485760
		printf '\n    : x\n'
	} >"$dir/inv-10mb-key.yaml.$$"
	put inv-10mb-key.yaml
}
fresh pol-10mb-scalar.yaml || {
	{
		printf 'policy: big\nformat: 1\ndescription: '
		a_run 10485760
		printf '\nkinds:\n  saved-state: { when: { vm.state: saved } }\n'
	} >"$dir/pol-10mb-scalar.yaml.$$"
	put pol-10mb-scalar.yaml
}
fresh lua-10mb-string.lua || {
	{
		printf 'return {\n  policy = "big",\n  format = 1,\n  description = "'
		a_run 10485760
		printf '",\n  kinds = { saved = { when = { ["vm.state"] = "saved" } } },\n}\n'
	} >"$dir/lua-10mb-string.lua.$$"
	put lua-10mb-string.lua
}

# 100,000 hosts, then h1 again (1.8 MB).
fresh inv-100k-hosts-dup.yaml || {
	awk 'BEGIN { print "hosts:"; for (i = 1; i <= 100000; i++) print "  - name: h" i
		print "  - name: h1" }' >"$dir/inv-100k-hosts-dup.yaml.$$"
	put inv-100k-hosts-dup.yaml
}

# A host with 100,000 keys, then its fifth key again.
fresh inv-100k-keys-dup.yaml || {
	awk 'BEGIN { print "hosts:\n  - name: h1"; for (i = 0; i < 100000; i++) print "    k" i ": 1"
		print "    k5: 2" }' >"$dir/inv-100k-keys-dup.yaml.$$"
	put inv-100k-keys-dup.yaml
}

# 20,000 hosts without a name: 20,000 errors, each shown with its source line.
fresh inv-20k-errors.yaml || {
	awk 'BEGIN { print "hosts:"; for (i = 1; i <= 20000; i++) print "  - cluster: c" i }' \
		>"$dir/inv-20k-errors.yaml.$$"
	put inv-20k-errors.yaml
}

# A policy of 50,000 rules, each with a misspelt key: 50,000 errors.
fresh pol-50k-typos.yaml || {
	awk 'BEGIN { print "policy: typos\nformat: 1\nkinds:\n  saved-state: { when: { vm.state: saved } }\nrules:"
		for (i = 0; i < 50000; i++) print "  - { id: r" i ", requir: { vm.state: saved } }" }' \
		>"$dir/pol-50k-typos.yaml.$$"
	put pol-50k-typos.yaml
}

# /proc/cpuinfo text of 3.5 MB: a processor line, then 1,750,000 lines that
# are not 'key : value'.
fresh cpuinfo-3mb-errors.txt || {
	awk 'BEGIN { print "processor : 0"; for (i = 0; i < 1750000; i++) print "x" }' \
		>"$dir/cpuinfo-3mb-errors.txt.$$"
	put cpuinfo-3mb-errors.txt
}

# virsh capabilities with 200,000 <feature/> elements without a name.
fresh libvirt-200k-nameless.xml || {
	awk 'BEGIN { print "<capabilities>\n  <host>\n    <cpu>\n      <arch>x86_64</arch>"
		for (i = 0; i < 200000; i++) print "      <feature/>"
		print "    </cpu>\n  </host>\n</capabilities>" }' >"$dir/libvirt-200k-nameless.xml.$$"
	put libvirt-200k-nameless.xml
}

# virsh capabilities with 70,000 features, then one without a name on line
# 70,005: past the 65,535 lines libxml2 keeps for an element. (Of an s390x
# host: libvirt's CPU map has no s390x section to check their names in.)
fresh libvirt-70k-then-nameless.xml || {
	awk 'BEGIN { print "<capabilities>\n  <host>\n    <cpu>\n      <arch>s390x</arch>"
		for (i = 0; i < 70000; i++) print "      <feature name=\"f" i "\"/>"
		print "      <feature/>\n    </cpu>\n  </host>\n</capabilities>" }' \
		>"$dir/libvirt-70k-then-nameless.xml.$$"
	put libvirt-70k-then-nameless.xml
}

# virsh dumpxml of a guest CPU naming vmx 60,000 times: duplicates found in
# a sort of the names, not by comparing every pair.
fresh domain-60k-vmx.xml || {
	awk 'BEGIN { print "<domain type=\"kvm\">\n  <name>g</name>\n  <cpu>\n    <model>Penryn</model>"
		for (i = 0; i < 60000; i++) print "    <feature name=\"vmx\"/>"
		print "  </cpu>\n</domain>" }' >"$dir/domain-60k-vmx.xml.$$"
	put domain-60k-vmx.xml
}

# A CSV header naming the column 'name' 3,000 times.
fresh csv-3000-names.csv || {
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%sname", (i ? "," : ""); print "" }' \
		>"$dir/csv-3000-names.csv.$$"
	put csv-3000-names.csv
}

# A CSV of 50,000 hosts, then h1 again.
fresh csv-50k-hosts-dup.csv || {
	awk 'BEGIN { print "name,cpu.family"; for (i = 1; i <= 50000; i++) print "h" i ",6"
		print "h1,6" }' >"$dir/csv-50k-hosts-dup.csv.$$"
	put csv-50k-hosts-dup.csv
}

# /proc/cpuinfo text with 200,000 distinct physical ids (4 MB), then a family
# that is not a number.
fresh cpuinfo-200k-sockets.txt || {
	awk 'BEGIN { print "processor : 0\nvendor_id : GenuineIntel"
		for (i = 0; i < 200000; i++) print "physical id : " i
		print "cpu family : six" }' >"$dir/cpuinfo-200k-sockets.txt.$$"
	put cpuinfo-200k-sockets.txt
}

# Importers write inventories, and refuse what the loader would: a
# /proc/cpuinfo flags line of 10,000,000 flags (20 MB), a model name of 2 MiB,
# lscpu -J flags of 300,000 flags, a CSV of 250,001 hosts, 16 MiB of XML
# elements.
fresh cpuinfo-10m-flags.txt || {
	awk 'BEGIN { printf "processor : 0\nvendor_id : GenuineIntel\nflags :"
		for (i = 0; i < 10000000; i++) printf " f"; print "" }' >"$dir/cpuinfo-10m-flags.txt.$$"
	put cpuinfo-10m-flags.txt
}
fresh cpuinfo-2mb-name.txt || {
	{
		printf 'processor : 0\nvendor_id : GenuineIntel\nmodel name : '
		a_run 2097152
		printf '\n'
	} >"$dir/cpuinfo-2mb-name.txt.$$"
	put cpuinfo-2mb-name.txt
}
fresh lscpu-300k-flags.json || {
	awk 'BEGIN { printf "{\"lscpu\": [\n  {\"field\": \"Architecture:\", \"data\": \"x86_64\"},\n"
		printf "  {\"field\": \"Flags:\", \"data\": \"f"
		for (i = 1; i < 300000; i++) printf " f"; print "\"}\n]}" }' >"$dir/lscpu-300k-flags.json.$$"
	put lscpu-300k-flags.json
}
fresh csv-250001-hosts.csv || {
	awk 'BEGIN { print "name,cpu.family"; for (i = 1; i <= 250001; i++) print "h" i ",6" }' \
		>"$dir/csv-250001-hosts.csv.$$"
	put csv-250001-hosts.csv
}
fresh libvirt-16mb-elements.xml || {
	{
		printf '<capabilities><host><cpu>'
		head -c 4194000 /dev/zero | tr '\0' a | sed 's/a/<x\/>/g'
		printf '</cpu></host></capabilities>\n'
	} >"$dir/libvirt-16mb-elements.xml.$$"
	put libvirt-16mb-elements.xml
}

# NUL bytes in the text formats.
fresh cpuinfo-nul.txt || {
	printf 'processor : 0\nvendor_id : Genu\000ineIntel\n' >"$dir/cpuinfo-nul.txt.$$"
	put cpuinfo-nul.txt
}
fresh csv-nul.csv || {
	printf 'name,cluster\nh\000x,c1\n' >"$dir/csv-nul.csv.$$"
	put csv-nul.csv
}
fresh libvirt-nul.xml || {
	printf '<capabilities>\n  <host>\n    <cpu>\n      <arch>x86\000_64</arch>\n    </cpu>\n  </host>\n</capabilities>\n' \
		>"$dir/libvirt-nul.xml.$$"
	put libvirt-nul.xml
}

# 3,000 hosts sharing, through aliases, a hypervisor version of 800 KB
# (400,000 segments) and a list of features of 400 KB; only the VM's host is
# made by GenuineIntel, so that every move is refused, by its manufacturer.
fresh inv-alias-version-3000.yaml || {
	awk 'BEGIN { print "hosts:\n  - name: h1"
		print "    cpu:\n      manufacturer: GenuineIntel\n      architecture: x64"
		printf "      features: &f \""
		for (i = 0; i < 100000; i++) printf "f%d ", i % 1000
		print "\""
		printf "    hypervisor: {version: &v \"1"
		for (i = 1; i < 400000; i++) printf ".1"
		print "\"}"
		for (i = 2; i <= 3000; i++) print "  - {name: h" i ", cpu: {manufacturer: AuthenticAMD, features: *f}, hypervisor: {version: *v}}"
		print "vms:\n  - {name: vm1, host: h1, state: saved}" }' >"$dir/inv-alias-version-3000.yaml.$$"
	put inv-alias-version-3000.yaml
}

# A normalize pattern of 470 KB (a comment makes it long) used 10,000 times
# through an alias; and one that does not compile (too large), used 1,000
# times.
fresh pol-alias-pattern-10k.yaml || {
	{
		printf 'policy: alias-pattern\nformat: 1\nfields:\n  manufacturer:\n'
		printf '    from: cpu.manufacturer\n    normalize:\n'
		printf "      - { pattern: &p '^(?:Genuine)?Intel(?#"
		a_run 470000
		printf ")\$', to: Intel }\n"
		awk 'BEGIN { for (i = 0; i < 10000; i++) print "      - { pattern: *p, to: Intel }" }'
		printf 'kinds:\n  saved-state: { when: { vm.state: saved } }\n'
		printf 'match:\n  saved-state: [manufacturer]\n'
	} >"$dir/pol-alias-pattern-10k.yaml.$$"
	put pol-alias-pattern-10k.yaml
}
fresh pol-alias-bad-pattern-1k.yaml || {
	{
		printf 'policy: alias-pattern\nformat: 1\nfields:\n  manufacturer:\n'
		printf '    from: cpu.manufacturer\n    normalize:\n'
		printf "      - { pattern: &p '^(?:Genuine)?Intel"
		a_run 470000
		printf "\$', to: Intel }\n"
		awk 'BEGIN { for (i = 0; i < 1000; i++) print "      - { pattern: *p, to: Intel }" }'
		printf 'kinds:\n  saved-state: { when: { vm.state: saved } }\n'
	} >"$dir/pol-alias-bad-pattern-1k.yaml.$$"
	put pol-alias-bad-pattern-1k.yaml
}

# Inventories at the default limits and one past: 500,000 YAML nodes (two
# hosts, h2 on another hypervisor version, and data: two mappings of
# 100,000 keys and a list of integers) and 500,001; a file of exactly 8 MiB
# (7 scalars of 1 MiB and a comment) and one byte more.
limits_inventory() {
	awk -v ints="$1" 'BEGIN {
		print "hosts:\n  - name: h1"
		print "    cpu: {manufacturer: GenuineIntel, architecture: x64, family: 6, model: 26}"
		print "    hypervisor: {version: 1.1.603.0}\n  - name: h2"
		print "    cpu: {manufacturer: GenuineIntel, architecture: x64, family: 6, model: 30}"
		print "    hypervisor: {version: 1.1.603.1}"
		printf "    x: ["
		for (m = 0; m < 2; m++) {
			printf "{"
			for (i = 0; i < 100000; i++) printf "%sk%d: 1", (i ? ", " : ""), i
			printf "}, "
		}
		printf "[1"
		for (i = 1; i < ints; i++) printf ",1"
		print "]]\nvms:\n  - {name: vm1, host: h1, state: saved}" }'
}
fresh inv-500k-nodes.yaml || {
	limits_inventory 99949 >"$dir/inv-500k-nodes.yaml.$$"
	put inv-500k-nodes.yaml
}
fresh inv-500001-nodes.yaml || {
	limits_inventory 99950 >"$dir/inv-500001-nodes.yaml.$$"
	put inv-500001-nodes.yaml
}
limits_file() {
	body=$(awk 'BEGIN {
		print "hosts:\n  - name: h1"
		print "    cpu: {manufacturer: GenuineIntel, architecture: x64, family: 6, model: 26}"
		print "    hypervisor: {version: 1.1.603.0}\n  - name: h2"
		print "    cpu: {manufacturer: GenuineIntel, architecture: x64, family: 6, model: 30}"
		print "    hypervisor: {version: 1.1.603.1}"
		printf "    x: [" }')
	tail='
vms:
  - {name: vm1, host: h1, state: saved}'
	# what the comment on line 1 must fill: $1 bytes in all
	pad=$(( $1 - ${#body} - 1 - 7 * 1048578 - 6 - ${#tail} - 1 - 3 ))
	{
		printf '#'
		a_run "$pad"
		printf '\n%s\n' "$body"
		i=0
		while [ $i -lt 7 ]; do
			printf '"'
			a_run 1048576
			printf '"'
			i=$((i + 1))
			[ $i -lt 7 ] && printf ','
		done
		printf ']%s\n' "$tail"
	}
}
fresh inv-8mb-file.yaml || {
	limits_file 8388608 >"$dir/inv-8mb-file.yaml.$$"
	put inv-8mb-file.yaml
}
fresh inv-8mb-file-plus-1.yaml || {
	limits_file 8388609 >"$dir/inv-8mb-file-plus-1.yaml.$$"
	put inv-8mb-file-plus-1.yaml
}

# 100,000 hosts with a name and nothing else.
fresh inv-100k-bare-hosts.yaml || {
	awk 'BEGIN { print "hosts:"; for (i = 1; i <= 100000; i++) print "  - {name: h" i "}"
		print "vms:\n  - {name: vm1, host: h1, state: saved}" }' >"$dir/inv-100k-bare-hosts.yaml.$$"
	put inv-100k-bare-hosts.yaml
}

# Flow sequences opened 1,000,000 deep, and block mappings 100 deep.
fresh inv-flow-nesting.yaml || {
	{
		printf 'hosts: '
		head -c 1000000 /dev/zero | tr '\0' '['
		printf '\n'
	} >"$dir/inv-flow-nesting.yaml.$$"
	put inv-flow-nesting.yaml
}
fresh inv-block-nesting.yaml || {
	awk 'BEGIN { print "hosts:\n  - name: h1\n    cpu:"; ind = "      "
		for (i = 0; i < 100; i++) { print ind "a:"; ind = ind "  " } print ind "b: 1" }' \
		>"$dir/inv-block-nesting.yaml.$$"
	put inv-block-nesting.yaml
}

# Hosts whose hypervisor version has 10,000 segments (20 KB) and 500,000
# segments (999,999 bytes, just under the scalar limit); the VM's host has
# 1.1.603.0. The move is refused: the versions differ.
for segs in 10000 500000; do
	fresh "inv-version-$segs.yaml" || {
		awk -v n="$segs" 'BEGIN {
			print "# h2 has a hypervisor version of " n " segments"
			print "hosts:\n  - name: h1"
			print "    cpu: {manufacturer: GenuineIntel, architecture: x64, family: 6, model: 26}"
			print "    hypervisor: {version: 1.1.603.0}"
			print "  - name: h2"
			print "    cpu: {manufacturer: GenuineIntel, architecture: x64, family: 6, model: 26}"
			printf "    hypervisor: {version: \"1"
			for (i = 1; i < n; i++) printf ".1"
			print "\"}\nvms:\n  - {name: vm1, host: h1, state: saved}" }' \
			>"$dir/inv-version-$segs.yaml.$$"
		put "inv-version-$segs.yaml"
	}
done

# A host whose manufacturer is 1,000,000 'a' and a 'b': a pattern with
# nested quantifiers ('^(a+)+$') would backtrack for ever on it.
fresh inv-redos-1mb.yaml || {
	{
		printf 'hosts:\n  - name: h1\n    cpu: {manufacturer: GenuineIntel}\n'
		printf '  - name: h2\n    cpu: {manufacturer: '
		a_run 1000000
		printf 'b}\nvms:\n  - {name: vm1, host: h1, state: saved}\n'
	} >"$dir/inv-redos-1mb.yaml.$$"
	put inv-redos-1mb.yaml
}

# A policy of 50,000 rules, then the fifth id again.
fresh pol-50k-rules-dup.yaml || {
	awk 'BEGIN { print "policy: many\nformat: 1\nkinds:\n  saved-state: { when: { vm.state: saved } }\nrules:"
		for (i = 0; i < 50000; i++) print "  - { id: r" i ", require: { vm.state: saved } }"
		print "  - { id: r4, require: { vm.state: saved } }" }' >"$dir/pol-50k-rules-dup.yaml.$$"
	put pol-50k-rules-dup.yaml
}

# A chain of 10 policies, each extending the next (the limit is 8).
fresh extends-0.yaml || {
	i=9
	printf 'policy: chain-9\nformat: 1\nkinds:\n  saved-state: { when: { vm.state: saved } }\n' \
		>"$dir/extends-9.yaml.$$"
	put extends-9.yaml
	while [ $i -gt 0 ]; do
		i=$((i - 1))
		printf 'extends: extends-%d.yaml\npolicy: chain-%d\n' $((i + 1)) $i >"$dir/extends-$i.yaml.$$"
		put "extends-$i.yaml"
	done
}

# A Lua policy whose table constructors nest 100,000 deep.
fresh lua-deep-constructor.lua || {
	{
		printf 'return { policy = "deep", format = 1, x = '
		head -c 100000 /dev/zero | tr '\0' '{'
		head -c 100000 /dev/zero | tr '\0' '}'
		printf ' }\n'
	} >"$dir/lua-deep-constructor.lua.$$"
	put lua-deep-constructor.lua
}

# 20 hosts (no data): every rule runs 19 times for one VM.
fresh inv-20-hosts.yaml || {
	awk 'BEGIN { print "hosts:"; for (i = 1; i <= 20; i++) print "  - name: h" i
		print "vms:\n  - {name: vm1, host: h1, state: saved}" }' >"$dir/inv-20-hosts.yaml.$$"
	put inv-20-hosts.yaml
}

# 1,000,000 minimal hosts (17.9 MB) and a VM.
fresh inv-1m-hosts.yaml || {
	awk 'BEGIN { print "hosts:"; for (i = 1; i <= 1000000; i++) print "  - name: h" i
		print "vms:\n  - {name: vm1, host: h1, state: saved}" }' >"$dir/inv-1m-hosts.yaml.$$"
	put inv-1m-hosts.yaml
}

# A flow list of 8,000,010 integers (16 MB): past the items limit, and the node
# limit.
fresh inv-8m-nodes.yaml || {
	awk 'BEGIN { printf "hosts:\n  - name: h1\n    junk: ["
		for (i = 1; i < 8000010; i++) printf "1,"
		print "1]" }' >"$dir/inv-8m-nodes.yaml.$$"
	put inv-8m-nodes.yaml
}

# --- A run's budgets (--limit lua-run, regex-run) and Lua text shared ---

# 1,000 hosts, each with a cpu family of its own (so that no two fall into
# one class), and VMs on the first 40.
fresh inv-1000-hosts.yaml || {
	awk 'BEGIN { print "hosts:"
		for (i = 1; i <= 1000; i++)
			print "  - {name: h" i ", cpu: {family: " i ", manufacturer: \"GenuineIntel-" i "\"}}"
		print "vms:"
		for (i = 1; i <= 40; i++) print "  - {name: vm" i ", host: h" i ", state: saved}" }' \
		>"$dir/inv-1000-hosts.yaml.$$"
	put inv-1000-hosts.yaml
}

# 3,000 hosts whose manufacturer (but the first's) is 30 a's and a b: a
# value the backtracking normalize pattern of redos-normalize-many.yaml takes
# its whole match limit on, for each host.
fresh inv-3000-redos.yaml || {
	awk 'BEGIN { print "hosts:\n  - {name: h1, cpu: {manufacturer: aa}}"
		for (i = 2; i <= 3000; i++)
			printf "  - {name: h%d, cpu: {manufacturer: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%db}}\n", i, i
		print "vms:\n  - {name: vm1, host: h1, state: saved}" }' >"$dir/inv-3000-redos.yaml.$$"
	put inv-3000-redos.yaml
}

# A rule body of 500 KB (30,000 statements) aliased by 300 rules: compiled
# once, loaded once per evaluator.
fresh pol-lua-body-aliased.yaml || {
	awk 'BEGIN { print "policy: shared-body\nformat: 1\nkinds:\n  saved-state: { when: { vm.state: saved } }"
		print "rules:\n  - id: r1\n    lua: &body |"
		print "      local a = 0"
		for (i = 0; i < 30000; i++) print "      a = a + 1"
		print "      return false, \"the shared body ran\""
		for (i = 2; i <= 300; i++) print "  - { id: r" i ", lua: *body }" }' \
		>"$dir/pol-lua-body-aliased.yaml.$$"
	put pol-lua-body-aliased.yaml
}

# 2,000 Lua rules after 200,000 lines of comments: each is compiled without
# the file's lines before it.
fresh pol-lua-late-rules.yaml || {
	awk 'BEGIN { for (i = 0; i < 200000; i++) print "# a line of comment before the rules"
		print "policy: late\nformat: 1\nkinds:\n  saved-state: { when: { vm.state: saved } }\nrules:"
		for (i = 1; i <= 2000; i++) print "  - { id: r" i ", lua: \"return false, \\\"late " i "\\\"\" }" }' \
		>"$dir/pol-lua-late-rules.yaml.$$"
	put pol-lua-late-rules.yaml
}

# A Lua policy holding one string of 4,000 bytes 200,000 times: converted
# once, not 200,000 times (800 MB).
fresh lua-shared-string.lua || {
	{
		printf 'local s = string.rep("x", 4000)\nlocal list = {}\n'
		printf 'for i = 1, 200000 do list[i] = s end\n'
		printf 'return {\n  policy = "shared-string",\n  junk = list,\n'
		printf '  kinds = { saved = { when = { ["vm.state"] = "saved" } } },\n}\n'
	} >"$dir/lua-shared-string.lua.$$"
	put lua-shared-string.lua
}

# Two CSV exports of the same 30,000 hosts that disagree on every one: each
# host is merged with its other record (found by sorting the names, not by
# comparing every pair: 8 s), and each is a conflict.
fresh csv-30k-hosts.csv || {
	awk 'BEGIN { print "name,cpu.manufacturer"
		for (i = 0; i < 30000; i++) print "h" i ",Intel" }' >"$dir/csv-30k-hosts.csv.$$"
	put csv-30k-hosts.csv
}
fresh csv-30k-hosts-amd.csv || {
	awk 'BEGIN { print "name,cpu.manufacturer"
		for (i = 0; i < 30000; i++) print "h" i ",AMD" }' >"$dir/csv-30k-hosts-amd.csv.$$"
	put csv-30k-hosts-amd.csv
}

# 1,000 hosts sharing, through aliases, a hypervisor version of 800 KB that
# differs from the VM's host's: every verdict names the version, which a
# result keeps once and shows cut to 1 KiB (3.6 GB and 1.6 GB of output when
# each verdict copied it whole).
fresh inv-alias-version-diff-1000.yaml || {
	awk 'BEGIN { printf "hosts:\n  - {name: h0, cpu: {manufacturer: Intel}, hypervisor: {version: 1.0}}\n"
		printf "  - name: h1\n    cpu: {manufacturer: Intel}\n    hypervisor: &hv {version: \"1"
		for (i = 0; i < 400000; i++) printf ".1"
		printf "\"}\n"
		for (i = 2; i <= 1000; i++) print "  - {name: h" i ", cpu: {manufacturer: Intel}, hypervisor: *hv}"
		print "vms:\n  - {name: vm1, host: h0, state: saved}" }' >"$dir/inv-alias-version-diff-1000.yaml.$$"
	put inv-alias-version-diff-1000.yaml
}

[ "$pending" = pending ] || exit 0

# --- inputs of pending.tsv (none at present) ---
