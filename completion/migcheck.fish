# SPDX-License-Identifier: MIT
# fish completion for migcheck: the words come from `migcheck complete` (see
# migcheck.bash); ":file" asks for file names.
function __migcheck_complete
	set -l toks (commandline -opc)
	set -l cur (commandline -ct)
	set -l cmd $toks[1]
	set -e toks[1]
	set -l found ($cmd complete -- $toks "$cur" 2>/dev/null)
	if test "$found" = ":file"
		__fish_complete_path "$cur"
	else
		printf '%s\n' $found
	end
end
complete -c migcheck -f -a '(__migcheck_complete)'
