#!/bin/sh
# After `cmake --install`, migcheck finds its default policy without -p,
# from any working directory, and says which file it used; and the CLI's
# sources build against what is installed alone: the public header and
# libmigcheck.a (with CC, the second argument, when given, and the flags
# after it: those the library was built with, such as -fsanitize=...).
set -eu
build=$1
cc=${2:-}
[ $# -lt 2 ] || shift 2
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
lib=$(find "$prefix" -name libmigcheck.a | head -n 1)
[ -n "$lib" ] || { echo "libmigcheck.a not installed"; exit 1; }

# The CLI sees nothing but the installed header: compiled from a copy of
# its sources, with no include directory but the prefix's, and linked with
# the installed library and its dependencies.
if [ -n "$cc" ]; then
	mkdir "$prefix/cli"
	cp "$src"/engine/cli/*.c "$src"/engine/cli/*.h "$prefix/cli/"
	deps="yaml-0.1 libpcre2-8 lua5.4 nettle libxxhash libxml-2.0 jansson"
	for f in "$prefix"/cli/*.c; do
		"$cc" "$@" -std=c11 -D_XOPEN_SOURCE=700 -Wall -Wextra -Werror \
			-DMC_INSTALL_DATADIR="\"$prefix/share/migcheck\"" \
			-I"$prefix/include" $(pkg-config --cflags jansson) \
			-c "$f" -o "${f%.c}.o" ||
			{ echo "${f##*/} does not compile against the installed header"; exit 1; }
	done
	# shellcheck disable=SC2046
	"$cc" "$@" -o "$prefix/cli/migcheck" "$prefix"/cli/*.o "$lib" \
		$(pkg-config --libs $deps) -lm ||
		{ echo "the CLI does not link against the installed library"; exit 1; }
	"$prefix/cli/migcheck" --version >/dev/null ||
		{ echo "the CLI built from the installed library does not run"; exit 1; }
fi
echo "install: ok"
