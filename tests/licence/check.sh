#!/bin/sh
# SPDX-License-Identifier: MIT
# The project is under the MIT licence (LICENSE), and every source file
# says so in an SPDX line among its first two: C, headers, shell, Python,
# JavaScript, CMake, the Lua modules of lua/ and .ci/run. Data is not
# source: policies, examples and the tests' fixtures and corpora (their
# own licences are noted beside them).
#
#   check.sh SOURCE_DIR            check the tree
#   check.sh --self-test           show that a file without it is reported
set -eu

# The source files under $1, one a line, relative to it.
sources() {
	(cd "$1" && find . \( -type d \( -name '.git' -o -name 'build*' -o -name node_modules \
		-o -path ./policies -o -path ./examples -o -path ./tests/fuzz/corpus \) \) -prune -o \
		-type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \
		-o -name '*.js' -o -name '*.cmake' -o -name '*.in' -o -name CMakeLists.txt \
		-o -path './lua/*.lua' -o -path ./.ci/run \) -print | sed 's|^\./||' | sort)
}

check() {
	dir=$1 status=0 n=0
	grep -q '^MIT License$' "$dir/LICENSE" 2>/dev/null ||
		{ echo "LICENSE is missing or is not the MIT licence"; status=1; }
	for f in $(sources "$dir"); do
		n=$((n + 1))
		head -n 2 "$dir/$f" | grep -q 'SPDX-License-Identifier: MIT' ||
			{ echo "$f: no SPDX-License-Identifier: MIT line in its first two"; status=1; }
	done
	[ "$n" -gt 0 ] || { echo "no source file found under $dir"; status=1; }
	[ $status = 0 ] && echo "licence: ok ($n source files)"
	return $status
}

if [ "${1:-}" = --self-test ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/engine" "$tmp/policies"
	printf 'MIT License\n' >"$tmp/LICENSE"
	printf '/* SPDX-License-Identifier: MIT */\nint a;\n' >"$tmp/engine/a.c"
	printf '#!/bin/sh\n# SPDX-License-Identifier: MIT\n' >"$tmp/engine/a.sh"
	printf 'x: 1\n' >"$tmp/policies/data.yaml"
	check "$tmp" >/dev/null || { echo "a tree where every file has it fails"; exit 1; }
	printf 'int b;\n' >"$tmp/engine/b.c"
	if out=$(check "$tmp"); then
		echo "a file without the line was not reported"
		exit 1
	fi
	echo "$out" | grep -qx 'engine/b.c: no SPDX-License-Identifier: MIT line in its first two' ||
		{ echo "the report does not name the file:"; echo "$out"; exit 1; }
	echo "licence self-test: ok (a file without the line is reported)"
	exit 0
fi

check "$1"
