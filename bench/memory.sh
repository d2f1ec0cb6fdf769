#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Resident memory of dynzoned, NSD, Knot and BIND with the same large zone
# loaded (1,000,000 records by default), and time from start until it
# answers the whole zone.
#
# usage: bench/memory.sh [--quick] [--runs N] [--records N]
#                        [--servers "dynzoned nsd knot bind"] [--keep]
# env:   DZ_BUILD (default ./build): the build whose dynzoned is measured;
#        BENCH_PORT (default 25353), BENCH_WORKERS (default 2).
# Needs root (adds 127.0.0.71-74 to lo) and the Debian packages dnsperf,
# bind9, bind9-dnsutils, knot, nsd. Writes bench/out/memory/.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/qps_lib.sh
. "$top/bench/qps_lib.sh"

runs=3 records=1000000 load_s=3 load_rate=20000
servers=$BENCH_SERVERS
while [ $# -gt 0 ]; do
	case $1 in
	--quick) runs=1 load_s=1 ;;
	--runs) runs=$2; shift ;;
	--records) records=$2; shift ;;
	--servers) servers=$2; shift ;;
	--keep) BENCH_KEEP=1 ;;
	-h | --help) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) bench_die "unknown option '$1' (see --help)" ;;
	esac
	shift
done

bench_need dnsperf dig ip
[ "$(id -u)" = 0 ] || bench_die "run as root (adds loopback addresses)"
out=$top/bench/out/memory
# Same file name and generator arguments as bench/zone_load.sh: one copy.
zone=$top/bench/out/bench-$records.zone
queries=$out/queries-$records.txt
mkdir -p "$out"
if [ ! -s "$zone" ] || [ "$top/bench/gen_zone.py" -nt "$zone" ]; then
	/usr/bin/python3 "$top/bench/gen_zone.py" --records "$records" \
		--origin "$BENCH_ORIGIN" --out "$zone.tmp"
	mv "$zone.tmp" "$zone"
fi
if [ ! -s "$queries" ] || [ "$zone" -nt "$queries" ]; then
	/usr/bin/python3 "$top/bench/gen_qps_zone.py" --existing --zone "$zone" \
		--origin "$BENCH_ORIGIN" --query-file "$queries"
fi

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_setup_addrs
todo=
for s in $servers; do
	why=$(bench_unavailable "$s")
	if [ -n "$why" ]; then
		echo "note: $s skipped: $why" >&2
	else
		todo="$todo $s"
	fi
done
[ -n "$todo" ] || bench_die "no server to measure"

# Largest VmRSS of the process tree (NSD keeps the zone in its forked
# processes, its first PID is only the transfer daemon).
max_rss_kb() { # PID
	local p v max=0
	for p in $(bench_tree "$1"); do
		v=$(bench_rss_kb "$p" 2>/dev/null) || continue
		[ "${v:-0}" -gt "$max" ] && max=$v
	done
	echo "$max"
}

# One server at a time, so that start times do not compete for the CPU:
# start, wait until the whole zone is answered, a short query load (lookups touch the zone and fill
# per-thread buffers), then the memory figures, then stop.
results=$out/results.tsv
echo "# server run ready_ms vmrss_kb(largest process) pss_kb(tree)" >"$results"
for ((r = 1; r <= runs; r++)); do
	for s in $todo; do
		if ! bench_start "$s" "$zone" 600; then
			echo "note: $s failed to start on run $r" >&2
			continue
		fi
		dnsperf -s "$(bench_addr "$s")" -p "$BENCH_PORT" -d "$queries" \
			-l "$load_s" -Q "$load_rate" >"$out/$s-r$r-load.txt" 2>&1 || true
		sleep 1
		pid=${bench_pid[$s]}
		printf '%s\t%d\t%d\t%d\t%d\n' "$s" "$r" "$bench_ready_ms" \
			"$(max_rss_kb "$pid")" "$(bench_pss_kb "$pid")" >>"$results"
		bench_stop "$s"
		tail -n 1 "$results" | awk -F'\t' '{ printf "  run %d %-9s ready (whole zone answered) after %.2f s, VmRSS %.0f MB, PSS %.0f MB\n",
			$2, $1, $3 / 1000, $4 / 1024, $5 / 1024 }' >&2
	done
done

{
	for s in $todo; do
		printf '%s' "$s"
		for col in 3 4 5; do
			printf '\t%s' "$(awk -F'\t' -v s="$s" -v c=$col \
				'$1 == s { print $c }' "$results" | bench_median)"
		done
		printf '\n'
	done >"$out/medians.tsv"
	awk -F'\t' -v runs="$runs" -v records="$records" '
	$2 != "-" { n++; name[n] = $1; ready[n] = $2 / 1000; rss[n] = $3 / 1024
	  pss[n] = $4 / 1024; if ($1 == "knot") k = n }
	function x(a, b) { return k ? sprintf("%.2f", a / b) : "-" }
	END {
		printf "Memory benchmark: %d-record zone, medians of %d runs, after a short query load.\n", records, runs
		printf "VmRSS: largest process of the server (/proc/PID/status); PSS: whole process\n"
		printf "tree, shared pages counted once (smaps_rollup). Ratios: server / Knot.\n\n"
		printf "%-9s %10s %10s %10s %9s %9s %9s\n", "server", "ready s", "VmRSS MB",
			"PSS MB", "ready x", "VmRSS x", "PSS x"
		for (i = 1; i <= n; i++)
			printf "%-9s %10.2f %10.0f %10.0f %9s %9s %9s\n", name[i], ready[i],
				rss[i], pss[i], x(ready[i], ready[k]), x(rss[i], rss[k]),
				x(pss[i], pss[k])
		for (i = 1; i <= n; i++)
			if (name[i] == "dynzoned" && k)
				printf "\nGoal for dynzoned (issue 3 s6): memory no more than Knot: %s\n",
					(rss[i] <= rss[k] && pss[i] <= pss[k]) ? "met" : "NOT met"
	}' "$out/medians.tsv"
	printf '\nHost: %s cores, %s MB RAM\n' "$(nproc)" \
		"$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)"
} | tee "$out/summary.txt"
echo "raw results: $out/ (summary.txt, results.tsv, medians.tsv)" >&2
