# SPDX-License-Identifier: MIT
# bash completion for migcheck. The words come from `migcheck complete`,
# which knows the commands, their options and formats, the kinds of the
# policy given with -p and the VMs and hosts of the inventories given with
# -i; where it answers ":file", file names are completed.
_migcheck()
{
	local cur=${COMP_WORDS[COMP_CWORD]} out IFS=$'\n'

	out=$("${COMP_WORDS[0]}" complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
	if [[ $out == ":file" ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
	else
		COMPREPLY=($out)
	fi
}
complete -F _migcheck migcheck
