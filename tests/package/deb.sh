#!/bin/sh
# SPDX-License-Identifier: MIT
# The Debian package (cpack -G DEB, CMakeLists.txt): built from the build
# directory; its fields and contents checked; unpacked into a temporary
# root, where the program finds its default policy, the policies pass their
# own tests on the examples, and a check answers the KB 969726 question.
# Its Depends name the package of every library the program and
# libmigcheck.so load (dpkg -S on this machine).
#
#   deb.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package: $*"; exit 1; }

cpack -G DEB -B "$tmp/out" --config "$build/CPackConfig.cmake" >"$tmp/cpack.log" 2>&1 ||
	{ cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/out/*.deb)
[ "$(dpkg-deb -f "$deb" Package)" = migcheck ] || fail "Package is not migcheck"
[ "$(dpkg-deb -f "$deb" Version)" = "$(sed -n 's/^project(migcheck VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")" ] ||
	fail "Version is not the project's"
depends=$(dpkg-deb -f "$deb" Depends)

dpkg-deb -c "$deb" | awk '{ print $6 }' >"$tmp/contents"
for f in usr/bin/migcheck usr/include/migcheck.h usr/lib/libmigcheck.a \
	usr/lib/libmigcheck.so usr/lib/pkgconfig/migcheck.pc \
	usr/lib/cmake/migcheck/migcheckConfig.cmake usr/share/man/man1/migcheck.1 \
	usr/share/migcheck/policies/scvmm-2008.yaml usr/share/migcheck/policies/hyperv.yaml \
	usr/share/migcheck/examples/kb969726.yaml usr/share/doc/migcheck/LICENSE \
	usr/share/migcheck/schemas/policy-1.json usr/share/migcheck/schemas/check-1.json \
	usr/share/doc/migcheck/library.md usr/share/bash-completion/completions/migcheck \
	usr/share/zsh/vendor-completions/_migcheck \
	usr/share/fish/vendor_completions.d/migcheck.fish; do
	grep -qx "\./$f" "$tmp/contents" || fail "$f is not in the package"
done
grep -q '^\./usr/lib/libmigcheck\.so\.[0-9]*\.[0-9]*\.[0-9]*$' "$tmp/contents" ||
	fail "libmigcheck.so.X.Y.Z is not in the package"
grep -v '^\./usr/' "$tmp/contents" | grep -qv '^\./$' &&
	fail "files outside /usr: $(grep -v '^\./usr/' "$tmp/contents" | grep -v '^\./$' | head -3)"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
mc=$root/usr/bin/migcheck
out=$(cd / && "$mc" check -i "$root/usr/share/migcheck/examples/kb969726.yaml" --vm web-01 \
	--to hv-amd-01) && fail "the KB move was allowed"
echo "$out" | grep -qx "Policy  scvmm-2008 ($root/usr/share/migcheck/policies/scvmm-2008.yaml)" ||
	fail "the unpacked program does not use its own default policy: $out"
NO_COLOR=1 "$mc" test "$root"/usr/share/migcheck/policies/*.yaml \
	"$root"/usr/share/migcheck/policies/*.lua >"$tmp/test.out" 2>&1 ||
	{ grep -v '^PASS' "$tmp/test.out"; fail "the packaged policies fail their tests"; }

# Every library the program and the shared library link (NEEDED) is in a
# package the package depends on.
for bin in "$mc" "$root"/usr/lib/libmigcheck.so.*.*.*; do
	for name in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		ldd "$bin" | awk -v n="$name" '$1 == n && $3 ~ /^\// { print $3 }'
	done
done | sort -u | while read -r lib; do
	pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -n 1 | cut -d: -f1) ||
		pkg=
	[ -n "$pkg" ] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -n 1 | cut -d: -f1) || pkg=
	[ -n "$pkg" ] || { echo "package: no package owns $lib"; exit 1; }
	case ", $depends," in
	*", $pkg,"*) ;;
	*) echo "package: $lib ($pkg) is loaded but not in Depends: $depends"; exit 1 ;;
	esac
done
echo "package: ok ($(wc -l <"$tmp/contents") entries)"
