#!/bin/sh
# Writes the bad inputs that are too large to commit into the directory $1
# (run.sh passes tests/bad/generated, so that the file names in the expected
# messages do not depend on a temporary directory). Each file is written
# under a temporary name and then renamed, so that runs at the same time
# never read a half-written file.
set -eu
dir=$1
mkdir -p "$dir"

# a_run N: N bytes 'a'.
a_run() {
	head -c "$1" /dev/zero | tr '\0' a
}

# An inventory whose host name is a plain scalar one byte over the engine's
# 1 MiB scalar limit (1048576 bytes).
{
	printf 'hosts:\n  - name: '
	a_run 1048577
	printf '\n'
} >"$dir/huge-scalar.yaml.$$"
mv "$dir/huge-scalar.yaml.$$" "$dir/huge-scalar.yaml"

# A policy whose name is a double-quoted scalar of 2 MiB.
{
	printf '# a policy with a 2 MiB name\npolicy: "'
	a_run 2097152
	printf '"\nkinds:\n  live:\n'
} >"$dir/huge-quoted.yaml.$$"
mv "$dir/huge-quoted.yaml.$$" "$dir/huge-quoted.yaml"
