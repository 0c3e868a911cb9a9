#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the fuzz targets with clang and libFuzzer (build-fuzz, MC_FUZZ=ON)
# and runs each for SECONDS on a scratch copy of its seed corpus and past
# findings (regress/), so that the repository's corpus stays as it is. docs/fuzzing.md says more.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]    (default: every target)
#
# Prints exec/s and coverage per target; exits 1 when a target crashed,
# hung, leaked or ran out of memory, naming the input that did it (kept in
# build-fuzz/findings/TARGET/), 2 when the build failed.
set -uo pipefail

all="inventory policy_yaml policy_lua lua_rule eval version cond fmt libvirt_host libvirt_domain scvmm hyperv vsphere"
if [ $# -lt 1 ] || ! [ "$1" -gt 0 ] 2>/dev/null; then
	echo "usage: $0 SECONDS [TARGET...] (targets: $all)" >&2
	exit 2
fi
secs=$1
shift
targets=${*:-$all}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${MC_FUZZ_BUILD:-$root/build-fuzz}

names=
for t in $targets; do
	case " $all " in
	*" $t "*) names="$names fuzz_$t" ;;
	*) echo "$0: no target '$t' (targets: $all)" >&2; exit 2 ;;
	esac
done

log=$(mktemp)
# shellcheck disable=SC2086 # $names is one word per target
if ! cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DMC_FUZZ=ON -DMC_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log" 2>&1 ||
   ! cmake --build "$build" -j2 --target $names >>"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "$0: the fuzz build failed" >&2
	exit 2
fi
rm -f "$log"

# ASan keeps freed memory in a quarantine of 256 MB by default, which alone
# would reach -rss_limit_mb=256: keep it small, so that the limit measures
# what the engine holds.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
SEGMENT=120
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# fuzz_one TARGET: runs one target for $secs seconds on its seeds; writes its
# line of the summary to $scratch/TARGET.summary, and fails when it found
# something.
fuzz_one() {
	local t=$1 dict max_len findings globs left runs rc seg n status cov ft execs crash
	case $t in
	policy_yaml | policy_lua | fmt) dict=policy.dict max_len=32768 ;;
	cond) dict=policy.dict max_len=4096 ;;
	lua_rule) dict=lua.dict max_len=4096 ;;
	version) dict='' max_len=256 ;;
	libvirt_host | libvirt_domain) dict=xml.dict max_len=32768 ;;
	*) dict=yaml.dict max_len=32768 ;;
	esac
	findings=$build/findings/$t
	mkdir -p "$findings" "$scratch/$t"
	# The seeds and every past finding (regress/ may hold only .gitkeep).
	if [ -d "$here/corpus/$t" ]; then
		cp "$here/corpus/$t"/* "$scratch/$t/"
	fi
	# The repository's files that seeds names for $t, each under a name
	# made of its path so that files of one name in two places both count.
	globs=$(sed -n "s/^$t //p" "$here/seeds")
	# shellcheck disable=SC2086 # $globs is to be expanded, from $root
	(cd "$root" && for f in $globs; do
		if [ -f "$f" ]; then cp "$f" "$scratch/$t/${f//\//_}"; fi
	done)
	find "$here/regress/$t" -type f ! -name '.*' -exec cp {} "$scratch/$t/" \;
	echo "== fuzz $t for ${secs}s"
	# In segments of at most SEGMENT seconds on the same corpus, each a new
	# process: ASan's allocator keeps what it freed in its caches, so one
	# process's peak RSS creeps up over minutes of inputs that each hold a
	# fraction of it (policy_lua passed 256 MB after nine minutes with no
	# input over 120 MB), and the limit is meant for what one input holds.
	left=$secs runs=0 rc=0
	: >"$scratch/$t.log"
	while [ "$left" -gt 0 ] && [ $rc -eq 0 ]; do
		seg=$((left < SEGMENT ? left : SEGMENT))
		left=$((left - seg))
		"$build/fuzz/fuzz_$t" "$scratch/$t" -max_total_time="$seg" \
			-timeout=2 -rss_limit_mb=256 -max_len="$max_len" \
			${dict:+-dict="$here/$dict"} -artifact_prefix="$findings/" \
			-print_final_stats=1 >"$scratch/$t.seg.log" 2>&1
		rc=$?
		cat "$scratch/$t.seg.log" >>"$scratch/$t.log"
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$t.seg.log")
		runs=$((runs + ${n:-0}))
	done
	# The last status line ("#N DONE cov: C ft: F corp: ...") and the
	# final statistics: coverage of the last segment (the corpus carries
	# it over), executions of all of them.
	status=$(grep -E '^#[0-9]+' "$scratch/$t.seg.log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status")
	execs=$((runs / secs))
	if [ $rc -ne 0 ]; then
		grep -E 'ERROR:|SUMMARY:|runtime error|Test unit written' \
			"$scratch/$t.log" | head -n 20 >&2
		cp "$scratch/$t.log" "$findings/last.log"
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$scratch/$t.log" | tail -n 1)
		printf '%-12s FAILED (exit %d) %s; log %s\n' "$t" "$rc" \
			"${crash:+input $crash}" "$findings/last.log" >"$scratch/$t.summary"
		return 1
	else
		printf '%-12s ok  %8s runs %6s exec/s  cov: %-5s ft: %s\n' \
			"$t" "${runs:-?}" "${execs:-?}" "${cov:-?}" "${ft:-?}" \
			>"$scratch/$t.summary"
	fi
}

# The targets run side by side, one a core (each libFuzzer process uses one):
# MC_FUZZ_JOBS at a time, the number of processors by default.
jobs=${MC_FUZZ_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
failed=0
running=0
for t in $targets; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || failed=1
		running=$((running - 1))
	fi
	fuzz_one "$t" &
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	wait -n || failed=1
	running=$((running - 1))
done
summary=
for t in $targets; do
	summary+=$(cat "$scratch/$t.summary")$'\n'
done
echo "== fuzz summary (${secs}s per target)"
printf '%s' "$summary"
exit $failed
