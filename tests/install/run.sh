#!/bin/sh
# After `cmake --install`, migcheck finds its default policy without -p,
# from any working directory, and says which file it used.
set -eu
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cd /
status=0
out=$("$prefix/bin/migcheck" check -i "$src/examples/kb969726.yaml" --vm web-01 --to hv-amd-01) || status=$?
[ "$status" = 1 ] || { echo "exit status $status, expected 1"; exit 1; }
echo "$out" | grep -qx "Policy  scvmm-2008 ($prefix/share/migcheck/policies/scvmm-2008.yaml)" ||
	{ echo "the output does not name the installed default policy:"; echo "$out"; exit 1; }
echo "$out" | grep -q "match.manufacturer: source Intel, target AMD" ||
	{ echo "the installed policy did not refuse the KB case:"; echo "$out"; exit 1; }
for p in scvmm-2008.yaml scvmm-2008-r2.yaml hyperv.yaml; do
	[ -f "$prefix/share/migcheck/policies/$p" ] || { echo "$p not installed"; exit 1; }
done
[ -f "$prefix/include/migcheck.h" ] || { echo "migcheck.h not installed"; exit 1; }
echo "install: ok"
