#!/bin/sh
# SPDX-License-Identifier: MIT
# valgrind.memcheck: the unit suites, the allocation walk's short jobs and
# the command line on its main jobs, each under valgrind memcheck. A
# memcheck error (invalid access, uninitialised value, bad free) or a
# definitely or indirectly lost block fails the run, as does a program that
# exits with another status, or prints another output, than it does natively.
#
# Usage: sh tests/valgrind/run.sh BUILD_DIR [SUITE...]
#   BUILD_DIR  a build that is not instrumented (no MC_SANITIZE, MC_TSAN or
#              MC_FUZZ: memcheck does not run sanitized code)
#   SUITE      the unit suites to run one by one; none: all in one process
# MC_VG_JOBS=N runs N programs at a time (default: the processors).
#
# What runs, from the project's root:
#   - each unit suite, with CK_FORK=no so that memcheck sees the tests
#     (Check otherwise runs each in a child process) and MC_TEST_SLOW=1 so
#     that wall-clock bounds allow for memcheck's slowness;
#   - the allocation walk's jobs that make a few hundred allocations (every
#     failure path of loading, checking, explaining, linting, importing);
#   - every golden case of tests/cli (status and standard output compared);
#     explain, lint and test on every shipped policy; check with --trace on
#     the example inventories; diff; report; probe.
# Suppressions: memcheck.supp (pcre2's JIT, and why).
set -u

if [ "${1:-}" = --job ]; then
	# One job: line $3 of the job list $2, as `NAME|STATUSES|STDOUT|COMMAND`
	# (STATUSES the exit statuses accepted, separated by commas; STDOUT the
	# file the output must equal, or -). Writes its verdict to res/NAME.
	dir=$(dirname "$2")
	line=$(sed -n "${3}p" "$2")
	name=${line%%|*}
	rest=${line#*|}
	want=${rest%%|*}
	rest=${rest#*|}
	golden=${rest%%|*}
	cmd=${rest#*|}
	log=$dir/log/$name
	eval "set -- $cmd"
	# A golden case reads the `stdin` beside its `stdout`, if it has one,
	# and runs in the environment tests/cli/run.sh gives it: C.UTF-8, and
	# its `env` file.
	in=/dev/null
	vars=
	case $golden in
	*/stdout)
		[ -f "${golden%stdout}stdin" ] && in=${golden%stdout}stdin
		[ -f "${golden%stdout}env" ] && vars=$(cat "${golden%stdout}env") ;;
	esac
	t0=$(date +%s)
	# shellcheck disable=SC2086
	env CK_FORK=no MC_TEST_SLOW=1 NO_COLOR=1 LC_ALL=C.UTF-8 $vars \
		$MC_VG --log-file="$log.vg" "$@" <"$in" >"$log.out" 2>"$log.err"
	status=$?
	secs=$(($(date +%s) - t0))
	why=
	if [ $status = 99 ]; then
		why="memcheck errors"
	elif ! printf ',%s,' "$want" | grep -q ",$status,"; then
		why="exit status $status, want $want"
	elif [ "$golden" != - ] && ! cmp -s "$golden" "$log.out"; then
		why="standard output differs from $golden"
	fi
	if [ -z "$why" ]; then
		echo "ok   $name (${secs} s)" >"$dir/res/$name"
		exit 0
	fi
	{
		echo "FAIL $name (${secs} s): $why"
		echo "     $*"
		sed 's/^/     | /' "$log.vg"
		[ $status = 99 ] || tail -n 20 "$log.err" | sed 's/^/     ! /'
		[ "$golden" = - ] || diff "$golden" "$log.out" | head -n 20 | sed 's/^/     /'
	} >"$dir/res/$name"
	exit 0
fi

if [ $# -lt 1 ]; then
	echo "usage: sh tests/valgrind/run.sh BUILD_DIR [SUITE...]" >&2
	exit 2
fi
build=$(cd "$1" && pwd) || exit 2
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2
unit=$build/tests/unit_tests
walk=$build/tests/alloc/alloc_walk
bin=$build/bin/migcheck
for f in "$unit" "$walk" "$bin"; do
	[ -x "$f" ] || { echo "valgrind: no $f (build it first)" >&2; exit 2; }
done
command -v valgrind >/dev/null || { echo "valgrind: not installed" >&2; exit 2; }

MC_VG="valgrind -q --error-exitcode=99 --leak-check=full
 --errors-for-leak-kinds=definite,indirect --track-origins=no
 --num-callers=30 --suppressions=$here/memcheck.supp"
export MC_VG
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/log" "$tmp/res" "$tmp/out"
jobs=$tmp/jobs
: >"$jobs"

# job NAME STATUSES STDOUT COMMAND...: adds a job (arguments without '|').
job() {
	jname=$1 jwant=$2 jout=$3
	shift 3
	printf '%s|%s|%s|%s\n' "$jname" "$jwant" "$jout" "$*" >>"$jobs"
}

# The unit suites, the slow ones first (order, plan: two to four minutes
# of processor time each under memcheck), so that no long suite starts
# last and runs alone on one processor at the end.
if [ $# = 0 ]; then
	job unit 0 - "$unit"
else
	for s in order plan lpattern node escape luasrc "$@"; do
		case " $* " in *" $s "*) ;; *) continue ;; esac
		grep -q "^unit.$s|" "$jobs" || job "unit.$s" 0 - "$unit" "$s"
	done
fi

# The allocation walk: its jobs of a few hundred allocations a run, each
# walked at every N (the others take minutes under memcheck; alloc.walk
# runs them natively and under the sanitizers). The policies with Lua rules
# (hyperv-features, vmware-evc, libvirt-kvm) are among the others: each run
# compiles their rules, 80 to 100 s of a walk under memcheck; so is the
# importers' job, which reads a file of every format each run (a minute).
for w in scvmm-2008 scvmm-2008-r2 \
	 explain-lint-scvmm-2008 explain-lint-scvmm-2008-r2 \
	 explain-lint-hyperv; do
	job "walk.$w" 0 - "$walk" "$w"
done

# The golden cases of the command line.
for d in tests/cli/cases/*/; do
	c=$(basename "$d")
	job "cli.$c" "$(cat "$d/status")" "$d/stdout" "$bin" "$(cat "$d/args")"
done

# Every shipped policy: explained, linted, its tests run.
for p in policies/*.yaml policies/*.lua; do
	b=$(basename "$p")
	job "explain.$b" 0 - "$bin" explain "$p"
	job "explain-json.$b" 0 - "$bin" explain --format json "$p"
	job "lint.$b" 0 - "$bin" lint --strict "$p"
	job "test.$b" 0 - "$bin" test "$p"
done
job test-coverage-junit 0 - "$bin" test --coverage --format junit \
	policies/*.yaml policies/*.lua
job lint-sarif 0 - "$bin" lint --format sarif policies/*.yaml policies/*.lua

# Checks with a trace on each example inventory, Lua rules and a Lua
# policy among them (0: some host can take the VM, 1: none can).
job check.kb-trace 0,1 - "$bin" check -p policies/scvmm-2008.yaml \
	-i examples/kb969726.yaml --vm web-01 --trace
job check.fleet-trace-json 0,1 - "$bin" check -p policies/hyperv.yaml \
	-i examples/fleet.yaml --vm web-01 --trace --format json
job check.fleet-lua-trace 0,1 - "$bin" check -p policies/hyperv-features.lua \
	-i examples/fleet.yaml --vm analytics-01 --trace --format json
job check.kvm-trace 0,1 - "$bin" check -p policies/libvirt-kvm.yaml \
	-i examples/kvm-fleet.yaml --vm db-01 --trace
job check.vmware-trace-json 0,1 - "$bin" check -p policies/vmware-evc.yaml \
	-i examples/vmware-fleet.yaml --vm web-01 --trace --format json
job diff.lua 0,1 - "$bin" diff policies/hyperv.yaml \
	policies/hyperv-features.lua -i examples/fleet.yaml --format json
job import.win32-o 0 - "$bin" import --from win32 --cluster east \
	tests/import/win32/hv-gold-01.json tests/import/win32/hv-epyc-01.json \
	-o "$tmp/out/win32.yaml"
job import.hyperv-o 0 - "$bin" import --from hyperv \
	tests/import/hyperv/cluster-east.json \
	tests/import/hyperv/standalone-lab-utf16.json \
	tests/import/hyperv/mixed.json -o "$tmp/out/hyperv.yaml"
job import.hyperv-bad 2 - "$bin" import --from hyperv \
	tests/import/hyperv/bad-values.json tests/import/hyperv/bad-states.json
job report.r2-against 0 - "$bin" report policy policies/scvmm-2008-r2.yaml \
	--against policies/scvmm-2008.yaml -i examples/fleet.yaml -o "$tmp/out/report-r2.html"
job report.failing-tests 0 - "$bin" report policy tests/fixtures/failing-tests.yaml \
	-o "$tmp/out/report-failing.html"
job report.fleet-evacuation 0 - "$bin" report fleet -p policies/hyperv.yaml \
	-i examples/fleet.yaml --host hv-west-01 -o "$tmp/out/report-fleet.html"
job report.fleet-vmware 0 - "$bin" report fleet -p policies/vmware-evc.yaml \
	-i examples/vmware-fleet.yaml -o "$tmp/out/report-vmware.html"
job probe.yaml 0 - "$bin" probe --name me --cluster lab
job probe.json-o 0 - "$bin" probe --format json -o "$tmp/out/probe.json"

n=$(wc -l <"$jobs")
par=${MC_VG_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
echo "valgrind memcheck: $n programs, $par at a time"
t0=$(date +%s)
seq 1 "$n" | xargs -P "$par" -n 1 sh "$here/run.sh" --job "$jobs"
fail=0
while IFS='|' read -r name _; do
	r=$tmp/res/$name
	if [ ! -f "$r" ]; then
		echo "FAIL $name: did not run"
		fail=$((fail + 1))
		continue
	fi
	cat "$r"
	grep -q '^FAIL' "$r" && fail=$((fail + 1))
done <"$jobs"
echo "valgrind memcheck: $n programs, $fail failed, $(($(date +%s) - t0)) s"
[ $fail = 0 ]
