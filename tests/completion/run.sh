#!/bin/sh
# SPDX-License-Identifier: MIT
# The shell completion scripts of completion/, run from the project's root:
#   sh tests/completion/run.sh BIN
# bash: the script registers itself, and completes commands, options,
# formats, kinds, VM and host names, and file names, as a user pressing
# Tab would get them (COMP_WORDS set, the function called). zsh and fish:
# the scripts parse; fish completes too. The words themselves come from
# `migcheck complete`, whose answers the golden cases complete-* pin.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fail=0
count=0

bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

# bash_says WANT WORD...: completing the last WORD after `migcheck` offers
# exactly WANT (words joined by spaces; file names in any order).
bash_says() {
	want=$1
	shift
	count=$((count + 1))
	got=$(bash -c '
		source completion/migcheck.bash
		bin=$1; shift
		COMP_WORDS=("$bin" "$@"); COMP_CWORD=$#
		_migcheck
		echo "${COMPREPLY[*]}"' sh "$bin" "$@")
	case $want in */*) got=$(echo "$got" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
		want=$(echo "$want" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//') ;;
	esac
	[ "$got" = "$want" ] || bad "bash: migcheck $* <Tab>: '$got', expected '$want'"
}

count=$((count + 1))
bash -c 'source completion/migcheck.bash; complete -p migcheck' | grep -q -- '-F _migcheck migcheck$' ||
	bad "bash: the script does not register _migcheck for migcheck"
bash_says "plan probe" p
bash_says "check" chec
bash_says "--format" check --form
bash_says "text json ndjson" check --format ""
bash_says "sarif" lint --format s
bash_says "fmt" fm
bash_says "--diff" fmt --di
bash_says "--fail" fmt --fa
bash_says "policies/hyperv.yaml policies/hyperv-features.lua" fmt policies/hyperv
bash_says "web-01 web-02" check -i examples/kb969726.yaml --vm w
bash_says "hv-amd-01" check -i examples/kb969726.yaml --vm web-01 --to hv-a
bash_says "saved-state stopped" check -p policies/hyperv.yaml --kind s
bash_says "examples" check -i exa
bash_says "policies/hyperv.yaml policies/hyperv-features.lua" lint policies/hyperv
bash_says "" check -i no-such-dir/x

for sh in zsh fish; do
	count=$((count + 1))
	if ! command -v $sh >/dev/null 2>&1; then
		echo "SKIP $sh: not installed"
		continue
	fi
	case $sh in
	zsh) script=completion/_migcheck ;;
	fish) script=completion/migcheck.fish ;;
	esac
	$sh -n "$script" || bad "$sh: $script does not parse"
done
if command -v fish >/dev/null 2>&1; then
	count=$((count + 1))
	got=$(PATH=$(dirname "$bin"):$PATH fish -c 'source completion/migcheck.fish
		complete -C"migcheck check -i examples/kb969726.yaml --vm w"' | tr '\n' ' ')
	[ "$got" = "web-01 web-02 " ] || bad "fish: the VMs are '$got'"
fi

echo "completion: $count cases, $fail failed"
[ $fail = 0 ]
