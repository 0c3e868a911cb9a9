#!/bin/sh
# Fleet scale: builds, generates the three standard fleets, runs
# bench_plan (`migcheck plan` through mc_plan(), every step timed) and
# bench_pairs (VM x host pairs one at a time) on each, times the CLI's
# `plan` on each, and prints two tables (docs/benchmarks.md).
#
#   sh bench/fleet.sh
#
# Environment (defaults in brackets):
#   BUILD_DIR    the CMake build directory [build-bench]; NO_BUILD=1 skips
#                the build
#   SEED         the generator's seed [1]
#   POLICY       [policies/hyperv.yaml]
#   SAMPLE_10K   VMs evaluated of the 10k-VM fleet [100]: 100 x 999 pairs
#                per kind; 0 evaluates all 10,000 (10^7 pairs per kind)
#   SAMPLE_100K  VMs evaluated of the 100k-VM fleet [100]: 100 x 9,999
#                pairs per kind (the fleet has 10^9)
#   MC_LIMITS    the --limit options given to migcheck, bench_plan and
#                bench_pairs [--limit file-size=32M --limit nodes=4M]:
#                the 100,000-VM fleet (27 MB, 2.8 million YAML nodes) is
#                larger than the default limits let a file be (16 MiB,
#                500,000 nodes; docs/limits.md)
#
# Every size is loaded and bound whole; only the VMs whose pairs are
# evaluated are sampled (evenly, the same ones on every run), and the
# table says how many. Times are CPU time of the benchmark process.
# The peer engines: sh bench/peers/run.sh.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
case $build in /*) ;; *) build=$root/$build ;; esac
seed=${SEED:-1}
policy=${POLICY:-$root/policies/hyperv.yaml}
limits=${MC_LIMITS-"--limit file-size=32M --limit nodes=4M"}
work=$build/bench/fleet

if [ "${NO_BUILD:-0}" != 1 ]; then
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	nice cmake --build "$build" -j2 >/dev/null
fi
mkdir -p "$work"

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1);" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
rows=
plans=
for size in 1000:100:0 10000:1000:${SAMPLE_10K:-100} 100000:10000:${SAMPLE_100K:-100}; do
	vms=${size%%:*}
	rest=${size#*:}
	hosts=${rest%%:*}
	sample=${rest#*:}
	inv=$work/fleet-${vms}x${hosts}-s$seed.yaml
	"$build/bench/gen" --vms "$vms" --hosts "$hosts" --seed "$seed" -o "$inv"
	# The inventory must be one migcheck accepts: check one VM with the CLI.
	status=0
	"$build/bin/migcheck" check -p "$policy" -i "$inv" --vm vm000001 $limits >/dev/null || status=$?
	if [ "$status" -gt 1 ]; then
		echo "fleet.sh: migcheck check rejects $inv" >&2
		exit 2
	fi
	echo "== $vms VMs x $hosts hosts (seed $seed)"
	# The plan; the small fleets planned again pair by pair, to agree.
	out=$work/fleet-${vms}x${hosts}-s$seed.plan.txt
	check=
	[ "$vms" -le 10000 ] && check=--pairs
	nice "$build/bench/bench_plan" -p "$policy" -i "$inv" $check $limits | tee "$out"
	# The command line, end to end (report included), in wall time.
	start=$(date +%s%N)
	status=0
	"$build/bin/migcheck" plan -p "$policy" -i "$inv" -o "$work/plan.txt" $limits || status=$?
	[ "$status" -le 1 ] || exit 2
	cli_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "  migcheck plan (CLI, text report, wall): $cli_ms ms"
	plans="$plans$(grep '^RESULT ' "$out") cli_wall_ms=$cli_ms
"
	out=$work/fleet-${vms}x${hosts}-s$seed.pairs.txt
	nice "$build/bench/bench_pairs" -p "$policy" -i "$inv" --raw --sample "$sample" $limits | tee "$out"
	rows="$rows$(grep '^RESULT ' "$out")
"
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
