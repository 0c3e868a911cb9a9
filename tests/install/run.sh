#!/bin/sh
# SPDX-License-Identifier: MIT
# After `cmake --install`, migcheck finds its default policy without -p,
# from any working directory, and says which file it used; the installed
# policies pass their own tests on the installed examples; the
# documentation and the schemas are there. With CC (the second argument, and the flags
# after it: those the library was built with, such as -fsanitize=...),
# what is installed alone builds programs: the CLI's sources against the
# public header and libmigcheck.a, and a program of its own
# (consumer/consumer.c) against libmigcheck.so through pkg-config and
# through find_package(migcheck), and against libmigcheck.a through
# `pkg-config --static`; each runs. The shared library exports the public
# header and nothing else (symbols/check.sh).
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
# The schemas are installed, all of them, and describe what the installed
# binary writes.
for f in "$src"/schemas/*.json; do
	cmp -s "$f" "$prefix/share/migcheck/schemas/${f##*/}" ||
		{ echo "schemas/${f##*/} not installed"; exit 1; }
done
"$prefix/bin/migcheck" check -i "$src/examples/kb969726.yaml" --vm web-01 --format json |
	grep -q '^  "schema": "schemas/check-1.json",$' ||
	{ echo "check's JSON does not name schemas/check-1.json"; exit 1; }
[ -f "$prefix/include/migcheck.h" ] || { echo "migcheck.h not installed"; exit 1; }
lib=$(find "$prefix" -name libmigcheck.a | head -n 1)
[ -n "$lib" ] || { echo "libmigcheck.a not installed"; exit 1; }
libdir=${lib%/*}
so=$(find "$libdir" -name 'libmigcheck.so.*.*.*')
[ -n "$so" ] && [ -L "$libdir/libmigcheck.so" ] ||
	{ echo "libmigcheck.so not installed with its links"; exit 1; }
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -L "$libdir/$soname" ] || { echo "no link for the SONAME '$soname'"; exit 1; }
sh "$src/tests/symbols/check.sh" "$so" "$prefix/include/migcheck.h" >/dev/null ||
	{ sh "$src/tests/symbols/check.sh" "$so" "$prefix/include/migcheck.h"; exit 1; }
for f in "$libdir/pkgconfig/migcheck.pc" "$libdir/cmake/migcheck/migcheckConfig.cmake" \
	"$prefix/share/doc/migcheck/library.md" "$prefix/share/doc/migcheck/LICENSE" \
	"$prefix/share/migcheck/examples/fleet.yaml"; do
	[ -f "$f" ] || { echo "${f#"$prefix"/} not installed"; exit 1; }
done

# The installed policies' tests read the installed examples.
out=$(NO_COLOR=1 "$prefix/bin/migcheck" test "$prefix"/share/migcheck/policies/*.yaml \
	"$prefix"/share/migcheck/policies/*.lua) ||
	{ echo "the installed policies fail their tests:"; echo "$out"; exit 1; }

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
			-I"$prefix/include" $(pkg-config --cflags jansson libxml-2.0) \
			-c "$f" -o "${f%.c}.o" ||
			{ echo "${f##*/} does not compile against the installed header"; exit 1; }
	done
	# shellcheck disable=SC2046
	"$cc" "$@" -o "$prefix/cli/migcheck" "$prefix"/cli/*.o "$lib" \
		$(pkg-config --libs $deps) -lm ||
		{ echo "the CLI does not link against the installed library"; exit 1; }
	"$prefix/cli/migcheck" --version >/dev/null ||
		{ echo "the CLI built from the installed library does not run"; exit 1; }

	# A program of its own, three ways; each answers the KB question.
	export PKG_CONFIG_PATH="$libdir/pkgconfig"
	consumer=$src/tests/install/consumer
	policy=$prefix/share/migcheck/policies/scvmm-2008.yaml
	examples=$prefix/share/migcheck/examples
	mkdir "$prefix/use"
	# shellcheck disable=SC2046
	"$cc" "$@" -std=c11 -Wall -Wextra -Werror -o "$prefix/use/by-pc" \
		"$consumer/consumer.c" $(pkg-config --cflags --libs migcheck) \
		-Wl,-rpath,"$libdir" ||
		{ echo "consumer.c does not build through pkg-config"; exit 1; }
	# shellcheck disable=SC2046
	"$cc" "$@" -std=c11 -Wall -Wextra -Werror -o "$prefix/use/static" \
		"$consumer/consumer.c" $(pkg-config --cflags migcheck) "$lib" \
		$(pkg-config --static --libs migcheck | sed 's/ -lmigcheck / /') ||
		{ echo "consumer.c does not build against libmigcheck.a through pkg-config --static"; exit 1; }
	cmake -S "$consumer" -B "$prefix/use/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
		-DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$*" >"$prefix/use/cmake.log" 2>&1 &&
		cmake --build "$prefix/use/cmake" >>"$prefix/use/cmake.log" 2>&1 ||
		{ echo "consumer does not build through find_package(migcheck):"; cat "$prefix/use/cmake.log"; exit 1; }
	for prog in by-pc static cmake/consumer; do
		out=$("$prefix/use/$prog" "$policy" "$examples/kb969726.yaml") ||
			{ echo "consumer ($prog) failed:"; echo "$out"; exit 1; }
		echo "$out" | grep -qx "web-01 -> hv-amd-01: refused" ||
			{ echo "consumer ($prog) gave another answer:"; echo "$out"; exit 1; }
	done
	ldd "$prefix/use/by-pc" | grep -q "$soname => $libdir/" ||
		{ echo "consumer (by-pc) does not load the installed $soname"; exit 1; }
	ldd "$prefix/use/static" | grep -q libmigcheck &&
		{ echo "consumer (static) loads libmigcheck.so"; exit 1; }
fi
echo "install: ok"
