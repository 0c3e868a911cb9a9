#!/bin/sh
# SPDX-License-Identifier: MIT
# Fleet scale: builds, generates the standard fleets and, on each, runs
# bench_plan (`migcheck plan` through mc_plan(), every step timed) and
# bench_pairs (VM x host pairs one at a time), times the CLI's `plan`, and
# times end to end, beside libyaml's bare parse of the same file, the
# commands `plan --format json`, `matrix` and `diff`. Prints three tables
# (docs/benchmarks.md).
#
#   sh bench/fleet.sh
#   SIZES=10000x1000 TABLES=e2e sh bench/fleet.sh
#
# Environment (defaults in brackets):
#   BUILD_DIR    the CMake build directory [build-bench]; NO_BUILD=1 skips
#                the build
#   SIZES        the fleets, VMSxHOSTS, separated by spaces
#                [1000x100 10000x1000 100000x10000]
#   TABLES       which tables, of plan (bench_plan and the CLI's plan),
#                pairs (bench_pairs) and e2e (the commands end to end)
#                [plan pairs e2e]
#   SEED         the generator's seed [1]
#   POLICY       [policies/hyperv.yaml]
#   SAMPLE_10K   VMs evaluated by bench_pairs of the 10k-VM fleet [100]:
#                100 x 999 pairs per kind; 0 evaluates all 10,000 (10^7
#                pairs per kind)
#   SAMPLE_100K  VMs evaluated of the 100k-VM fleet [100]: 100 x 9,999
#                pairs per kind (the fleet has 10^9)
#   SAMPLE       VMs evaluated of any other fleet over 1,000 VMs [100];
#                fleets of 1,000 VMs or fewer are evaluated whole
#   MC_LIMITS    the --limit options given to migcheck, bench_plan and
#                bench_pairs [--limit file-size=32M --limit nodes=4M]:
#                the 100,000-VM fleet (27 MB, 2.8 million YAML nodes) is
#                larger than the default limits let a file be (16 MiB,
#                500,000 nodes; docs/limits.md)
#   REPEAT       runs of each command end to end, the best kept [3]; a run
#                over 30 s is not repeated
#   DIFF         0 leaves `migcheck diff` out of the end-to-end table [1]
#   DIFF_POLICY  the new policy of the diff [bench/hyperv-changed.yaml]
#   DIFF_MEM     the address space a diff may take, in MB [4096] (as
#                `ulimit -v`): beyond it the diff ends "out of memory" and
#                its row says so
#   DIFF_TIMEOUT seconds after which a diff is killed [600]
#   BEFORE       another migcheck program (an earlier version's build, e.g.
#                `git worktree add /tmp/old REV` built Release there) whose
#                commands are timed too, in the same run, each size's row
#                marked "before" beside this build's [none]
#
# Every size is loaded and bound whole; only the VMs whose pairs are
# evaluated by bench_pairs are sampled (evenly, the same ones on every
# run), and the table says how many. Times of bench_plan and bench_pairs
# are CPU time of the benchmark process; the end-to-end table is wall time
# of each command, best of REPEAT, and its peak RSS, measured by
# bench_measure (bench/measure.c: no GNU time needed).
# The peer engines: sh bench/peers/run.sh.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
case $build in /*) ;; *) build=$root/$build ;; esac
seed=${SEED:-1}
policy=${POLICY:-$root/policies/hyperv.yaml}
limits=${MC_LIMITS-"--limit file-size=32M --limit nodes=4M"}
sizes=${SIZES:-"1000x100 10000x1000 100000x10000"}
tables=" ${TABLES:-plan pairs e2e} "
repeat=${REPEAT:-3}
diff=${DIFF:-1}
diff_policy=${DIFF_POLICY:-$root/bench/hyperv-changed.yaml}
diff_mem=${DIFF_MEM:-4096}
diff_timeout=${DIFF_TIMEOUT:-600}
work=$build/bench/fleet
before=${BEFORE:-}
mc=$build/bin/migcheck
measure=$build/bench/bench_measure

if [ "${NO_BUILD:-0}" != 1 ]; then
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	nice cmake --build "$build" -j2 >/dev/null
fi
mkdir -p "$work"

# The MEASURE line of bench_measure (bench/measure.c) that ends FILE.
measured() { grep '^MEASURE ' "$1" | tail -1 | cut -d' ' -f2-; }

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1);" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
rows=
plans=
ends=
for size in $sizes; do
	vms=${size%%x*}
	hosts=${size#*x}
	case $vms in
	10000) sample=${SAMPLE_10K:-100} ;;
	100000) sample=${SAMPLE_100K:-100} ;;
	*) sample=0; [ "$vms" -le 1000 ] || sample=${SAMPLE:-100} ;;
	esac
	base=$work/fleet-${vms}x${hosts}-s$seed
	inv=$base.yaml
	"$build/bench/gen" --vms "$vms" --hosts "$hosts" --seed "$seed" -o "$inv"
	# The inventory must be one migcheck accepts: check one VM with the CLI.
	status=0
	"$mc" check -p "$policy" -i "$inv" --vm vm000001 $limits >/dev/null || status=$?
	if [ "$status" -gt 1 ]; then
		echo "fleet.sh: migcheck check rejects $inv" >&2
		exit 2
	fi
	echo "== $vms VMs x $hosts hosts (seed $seed)"

	case $tables in *" plan "*)
	# The plan; the small fleets planned again pair by pair, to agree.
	out=$base.plan.txt
	check=
	[ "$vms" -le 10000 ] && check=--pairs
	nice "$build/bench/bench_plan" -p "$policy" -i "$inv" $check $limits | tee "$out"
	# The command line, end to end (report included), in wall time.
	start=$(date +%s%N)
	status=0
	"$mc" plan -p "$policy" -i "$inv" -o "$work/plan.txt" $limits || status=$?
	[ "$status" -le 1 ] || exit 2
	cli_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "  migcheck plan (CLI, text report, wall): $cli_ms ms"
	plans="$plans$(grep '^RESULT ' "$out") cli_wall_ms=$cli_ms
"
	esac

	case $tables in *" pairs "*)
	out=$base.pairs.txt
	nice "$build/bench/bench_pairs" -p "$policy" -i "$inv" --raw --sample "$sample" $limits | tee "$out"
	rows="$rows$(grep '^RESULT ' "$out")
"
	esac

	case $tables in *" e2e "*)
	# End to end, wall time, best of $repeat, and peak RSS: libyaml's bare
	# parse of the file, then the commands as a user runs them.
	out=$base.e2e.txt
	"$measure" --repeat "$repeat" -- "$build/bench/bench_yaml_parse" "$inv" >"$out"
	grep -q '^MEASURE status=0 ' "$out" || { cat "$out" >&2; exit 2; }
	row="$(grep '^RESULT ' "$out" | tail -1 | cut -d' ' -f2-)"
	row="$row $(measured "$out" | sed 's/\([a-z_]*\)=/bare_\1=/g')"
	echo "  bare parse (libyaml events): $(measured "$out")"
	bare=$row
	for which in after ${before:+before}; do
		bin=$mc
		[ "$which" = after ] || bin=$before
		row="$bare which=$which"
		for cmd in plan matrix diff; do
			set -- "$measure" --repeat "$repeat" --
			case $cmd in
			plan) set -- "$@" "$bin" plan -p "$policy" -i "$inv" --format json \
				-o "$base.plan.json" $limits ;;
			matrix) set -- "$@" "$bin" matrix -p "$policy" -i "$inv" \
				-o "$base.matrix.txt" $limits ;;
			diff)
				[ "$diff" != 0 ] || continue
				# A diff that fails leaves its output as it was: none.
				rm -f "$base.diff.txt"
				set -- "$measure" --repeat "$repeat" --mem-limit "$diff_mem" \
					--timeout "$diff_timeout" -- "$bin" diff "$policy" \
					"$diff_policy" -i "$inv" -o "$base.diff.txt" $limits ;;
			esac
			"$@" >"$out" 2>"$out.err" || { cat "$out" "$out.err" >&2; exit 2; }
			m=$(measured "$out")
			echo "  migcheck $cmd ($which): $m"
			case " $m " in
			*" status=0 "* | *" status=1 "*) ;;
			*)	sed 's/^/    /' "$out.err"
				# A plan or matrix that cannot answer fails the run; a diff
				# over its memory or time is shown as such in its row.
				[ "$cmd" = diff ] || exit 2
				grep -q 'out of memory' "$out.err" && m="$m oom=1" ;;
			esac
			row="$row $(echo "$m" | sed "s/\([a-z_]*\)=/${cmd}_\1=/g")"
		done
		ends="${ends}RESULT vms=$vms hosts=$hosts diff_mem=$diff_mem diff_timeout=$diff_timeout $row
"
	done
	[ "$diff" = 0 ] || [ ! -f "$base.diff.txt" ] ||
		echo "  diff: $(grep -m1 'moves evaluated' "$base.diff.txt")"
	esac
done

# The RESULT lines' fields by name (v), numbers with thousands separators (n).
lib='
function v(k,   i, kv) {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] }
	return ""
}
function n(x,   s, r) {
	s = sprintf("%.0f", x); r = ""
	while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
	return s r
}
'
if [ -n "$plans" ]; then
echo
echo "$plans" | awk "$lib"'
BEGIN {
	print "| fleet | pairs decided | parse | bind | plan | total cpu (wall) | beyond parsing / parse | evaluations | pairs/s (plan; with loading) | peak RSS | CLI wall |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
}
/^RESULT/ {
	parse = v("parse_ms"); beyond = v("bind_ms") + v("plan_ms")
	printf "| %s VMs x %s hosts | %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms (%.0f ms) | %.2f | %s | %.3g; %.3g | %.0f MB | %s ms |\n",
		n(v("vms")), n(v("hosts")), n(v("pairs")), parse, v("bind_ms"), v("plan_ms"),
		v("total_ms"), v("total_wall_ms"), beyond / parse, n(v("evaluations")),
		v("pairs") / v("plan_ms") * 1000, v("pairs") / v("total_ms") * 1000,
		v("rss_mb"), v("cli_wall_ms")
}'
fi
if [ -n "$rows" ]; then
echo
echo "$rows" | awk "$lib"'
BEGIN {
	print "| fleet | pairs per kind | evaluated per kind | load (cpu / wall) | saved-state pairs/s | live pairs/s | evaluation alone pairs/s | peak RSS |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|"
}
/^RESULT/ {
	vms = v("vms"); hosts = v("hosts"); s = v("sampled")
	pairs = vms * (hosts - 1)
	ev = s * (hosts - 1)
	printf "| %s VMs x %s hosts | %s | %s%s | %.0f / %.0f ms | %s | %s | %s / %s | %.0f MB |\n",
		n(vms), n(hosts), n(pairs), n(ev), (s < vms ? sprintf(" (%s VMs)", n(s)) : " (all)"),
		v("load_ms"), v("load_wall_ms"), n(v("saved-state_pps")), n(v("live_pps")),
		n(v("saved-state_raw_pps")), n(v("live_raw_pps")), v("rss_mb")
}
'
fi
if [ -n "$ends" ]; then
echo
echo "$ends" | awk "$lib"'
# Seconds to three figures or so; an empty value (a command not run) is "-".
function sec(ms) {
	if (ms == "") return "-"
	if (ms < 1000) return sprintf("%.3f", ms / 1000)
	if (ms < 10000) return sprintf("%.2f", ms / 1000)
	return sprintf("%.1f", ms / 1000)
}
BEGIN {
	print "| fleet | file | bare parse | `plan --format json` | plan ÷ parse | plan peak RSS | peak ÷ file | `matrix` | `diff` | diff ÷ plan | diff peak RSS |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
}
/^RESULT/ {
	# The file in MB of 10^6 bytes, as file sizes are given; peak RSS in
	# MB of 2^20 bytes, as getrusage() gives it; their ratio in bytes.
	mb = v("bytes") / 1e6
	parse = v("bare_wall_ms"); plan = v("plan_wall_ms")
	if (v("diff_status") == "") {
		d = "not run"; dr = "-"; dm = "-"
	} else if (v("diff_timed_out") == 1) {
		d = sprintf("over %s s", v("diff_timeout")); dr = "-"; dm = sprintf("%.0f MB", v("diff_rss_mb"))
	} else if (v("diff_oom") == 1) {
		d = sprintf("out of memory at %s MB (after %s s)", n(v("diff_mem")), sec(v("diff_wall_ms"))); dr = "-"; dm = sprintf("over %s MB", n(v("diff_mem")))
	} else if (v("diff_status") >= 2) {
		d = sprintf("failed (status %s)", v("diff_status")); dr = "-"; dm = "-"
	} else {
		d = sec(v("diff_wall_ms")) " s"; dr = sprintf("%.1f", v("diff_wall_ms") / plan); dm = sprintf("%.0f MB", v("diff_rss_mb"))
	}
	printf "| %s VMs × %s hosts%s | %s MB | %s s | %s s | %.1f | %.0f MB | %.1f | %s s | %s | %s | %s |\n",
		n(v("vms")), n(v("hosts")), v("which") == "before" ? ", before" : "",
		sprintf(mb < 10 ? "%.2f" : "%.1f", mb),
		sec(parse), sec(plan), plan / parse, v("plan_rss_mb"),
		v("plan_rss_mb") * 1048576 / v("bytes"), sec(v("matrix_wall_ms")), d, dr, dm
}'
fi
