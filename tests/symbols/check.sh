#!/bin/sh
# SPDX-License-Identifier: MIT
# The library's symbol table is its public header: every global symbol an
# archive, or a shared library's dynamic symbol table, defines is a
# function migcheck.h declares, and every function it declares is defined.
#
#   check.sh LIB.a HEADER            check an archive (or object)
#   check.sh LIB.so HEADER           check a shared library
#   check.sh --self-test CC HEADER   show that the check fails: an object
#                                    that exports one function too many
set -eu

# The functions a header declares, one a line.
declared() {
	sed -n 's/^MC_API [^(]*[ *]\(mc_[A-Za-z0-9_]*\)(.*/\1/p' "$1" | sort -u
}

# The global symbols an archive or object defines, or a shared library
# exports, one a line: names the compiler and linker make for themselves
# (_init, __*) are not the library's.
exported() {
	case $1 in
	*.so | *.so.*) nm -D --defined-only "$1" ;;
	*) nm -g --defined-only "$1" ;;
	esac | awk 'NF == 3 { print $3 }' | grep -v '^_' | sort -u
}

check() {
	lib=$1 header=$2
	tmp=$(mktemp -d)
	declared "$header" >"$tmp/declared"
	exported "$lib" >"$tmp/exported"
	[ -s "$tmp/declared" ] || { echo "no MC_API function in $header"; rm -rf "$tmp"; return 1; }
	extra=$(comm -13 "$tmp/declared" "$tmp/exported")
	missing=$(comm -23 "$tmp/declared" "$tmp/exported")
	rm -rf "$tmp"
	status=0
	if [ -n "$extra" ]; then
		echo "$lib exports what $header does not declare:"
		echo "$extra" | sed 's/^/  /'
		status=1
	fi
	if [ -n "$missing" ]; then
		echo "$lib does not define what $header declares:"
		echo "$missing" | sed 's/^/  /'
		status=1
	fi
	return $status
}

if [ "${1:-}" = --self-test ]; then
	cc=$2 header=$3
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# every declared function, defined, and one more
	declared "$header" | awk '{ printf "void %s(void);\nvoid %s(void) {}\n", $1, $1 }' >"$tmp/lib.c"
	printf 'void mc_internal_helper(void);\nvoid mc_internal_helper(void) {}\n' >>"$tmp/lib.c"
	"$cc" -c -o "$tmp/lib.o" "$tmp/lib.c"
	if out=$(check "$tmp/lib.o" "$header"); then
		echo "an extra exported symbol was not reported"
		exit 1
	fi
	echo "$out" | grep -qx '  mc_internal_helper' ||
		{ echo "the report does not name the extra symbol:"; echo "$out"; exit 1; }
	echo "symbols self-test: ok (an extra export is reported)"
	exit 0
fi

check "$1" "$2"
echo "symbols: ok"
