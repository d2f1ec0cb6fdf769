#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Query throughput of dynzoned against NSD, Knot and BIND serving the same
# generated 100,000-record zone: dnsperf QPS, latency, server CPU per answer.
#
# usage: bench/qps.sh [--quick] [--rounds N] [--duration S] [--lat-duration S]
#                     [--lat-rate QPS]
#                     [--servers "dynzoned-xdp knot-xdp dynzoned nsd knot bind"]
#                     [--keep] [--report]
# env:   DZ_BUILD (default ./build): the build whose dynzoned is measured;
#        QPS_CLIENT: dnsperf load options (default "-T 2 -c 16 -q 200");
#        BENCH_PORT (default 25353), BENCH_WORKERS (default 2).
# --report prints the table of the last run again.
# Needs root (adds 127.0.0.69-74 to lo; the -xdp servers also set
# net.ipv4.conf.lo.route_localnet and accept_local for their turns) and
# the Debian packages dnsperf, bind9, bind9-dnsutils, knot, nsd.
# Writes bench/out/qps/. See bench/README.md.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/qps_lib.sh
. "$top/bench/qps_lib.sh"

report_only='' rounds=5 duration=6 lat_duration=8 lat_rate=20000 warmup=2
servers="dynzoned-xdp knot-xdp $BENCH_SERVERS"
client=${QPS_CLIENT:--T 2 -c 16 -q 200}
records=100000
while [ $# -gt 0 ]; do
	case $1 in
	--quick) duration=3 lat_duration=2 warmup=1 ;;
	--rounds) rounds=$2; shift ;;
	--duration) duration=$2; shift ;;
	--lat-duration) lat_duration=$2; shift ;;
	--lat-rate) lat_rate=$2; shift ;;
	--servers) servers=$2; shift ;;
	--keep) BENCH_KEEP=1 ;;
	--report) report_only=1 ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) bench_die "unknown option '$1' (see --help)" ;;
	esac
	shift
done

out=$top/bench/out/qps
raw=$out/raw
zone=$out/bench-$records.zone
queries=$out/queries.txt

# Medians per server, then each server against the best of the others.
summarize() {
	local s
	for s in "$@"; do
		printf '%s' "$s"
		for col in 4 7 8; do
			printf '\t%s' "$(awk -F'\t' -v s="$s" -v c=$col \
				'$1 == s && $3 == "tput" { print $c }' \
				"$out/results.tsv" | bench_median)"
		done
		for col in 4 5; do
			printf '\t%s' "$(awk -F'\t' -v s="$s" -v c=$col \
				'$1 == s && $3 == "lat" { print ($c < 0 ? "inf" : $c) }' \
				"$out/results.tsv" | bench_median)"
		done
		printf '\n'
	done >"$out/medians.tsv"
	awk -F'\t' -v runs="$rounds" -v dur="$duration" -v rate="$lat_rate" \
		-v client="$client" -v workers="$BENCH_WORKERS" '
	{ n++; name[n] = $1; qps[n] = $2; avg[n] = $3; cpu[n] = $4
	  p50[n] = $5; p99[n] = $6 }
	# Another vendor: dynzoned and dynzoned-xdp are not compared together.
	function vendor(s) { sub(/-.*/, "", s); return s }
	function best_other(arr, i, want_max,    j, b) {
		b = ""
		for (j = 1; j <= n; j++) {
			if (vendor(name[j]) == vendor(name[i])) continue
			if (b == "" || (want_max ? arr[j] > b : arr[j] < b)) b = arr[j]
		}
		return b
	}
	function ratio(a, b) { return (b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
	END {
		printf "QPS benchmark: %d-record zone, %d workers per server, medians of %d runs of %ds,\n", 100000, workers, runs, dur
		printf "dnsperf %s; latency percentiles at a fixed %d qps.\n", client, rate
		printf "Ratios: the server / the best of the others (QPS: higher is better;\n"
		printf "CPU per query and p99: lower is better).\n\n"
		printf "%-12s %9s %11s %9s %9s %11s %8s %8s %8s\n", "server", "QPS",
			"avg lat us", "p50 us", "p99 us", "CPU us/q", "QPS x", "CPU x", "p99 x"
		for (i = 1; i <= n; i++)
			printf "%-12s %9.0f %11.0f %9.0f %9.0f %11.2f %8s %8s %8s\n",
				name[i], qps[i], avg[i], p50[i], p99[i], cpu[i],
				ratio(qps[i], best_other(qps, i, 1)),
				ratio(cpu[i], best_other(cpu, i, 0)),
				ratio(p99[i], best_other(p99, i, 0))
		for (i = 1; i <= n; i++) {
			if (vendor(name[i]) != "dynzoned" || best_other(qps, i, 1) == "") continue
			q = qps[i] / best_other(qps, i, 1); c = cpu[i] / best_other(cpu, i, 0)
			l = p99[i] / best_other(p99, i, 0)
			printf "\nGoals for %s (issue 3 s6): QPS x >= 1: %s; CPU x <= 0.67: %s; p99 x <= 1: %s", name[i],
				(q >= 1 ? "met" : "NOT met"), (c <= 1 / 1.5 ? "met" : "NOT met"),
				(l <= 1 ? "met" : "NOT met")
		}
		printf "\n"
	}' "$out/medians.tsv"
}

report() {
	summarize "$@"
	printf '\nHost: %s cores, load average at the end %s\n' "$(nproc)" \
		"${load_end:-$(cut -d' ' -f1-3 /proc/loadavg)}"
	printf 'Versions: dnsperf %s; %s; %s; %s\n' \
		"$(dnsperf -h 2>&1 | awk '/^Version/ { print $2; exit }')" \
		"$(nsd -v 2>&1 | head -n1 || true)" \
		"$(knotd --version 2>&1 | head -n1 || true)" \
		"$(named -v 2>&1 | head -n1 | sed 's/ <id:.*//' || true)"
	awk -F'\t' '$3 == "tput" && $4 > 0 && $9 < 0.99 * $5 {
		printf "WARNING: %s round %d: only %d of %d answers were NOERROR/NXDOMAIN (see raw/)\n",
			$1, $2, $9, $5 }' "$out/results.tsv"
}

# --report: the table again from the results of the last run.
if [ -n "$report_only" ]; then
	[ -s "$out/params" ] || bench_die "no results in $out yet"
	# shellcheck disable=SC1091  # written by the last run
	. "$out/params"
	# shellcheck disable=SC2046
	report $(awk -F'\t' '!/^#/ && !seen[$1]++ { print $1 }' "$out/results.tsv")
	exit 0
fi
bench_need dnsperf dig ip
[ "$(id -u)" = 0 ] || bench_die "run as root (adds loopback addresses)"
mkdir -p "$raw"
rm -f "$raw"/*

# The zone and query file are deterministic (fixed seed): made once, and
# again when a generator changes.
if [ ! -s "$zone" ] || [ ! -s "$queries" ] ||
	[ "$top/bench/gen_qps_zone.py" -nt "$queries" ] ||
	[ "$top/bench/gen_zone.py" -nt "$zone" ]; then
	/usr/bin/python3 "$top/bench/gen_qps_zone.py" --records "$records" \
		--origin "$BENCH_ORIGIN" --zone "$zone" --query-file "$queries"
fi

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_setup_addrs

# Starts a solo server for its turn (see bench_solo), with lo set up.
solo_start() { # SERVER
	bench_lo_sysctls on
	bench_start "$1" "$zone" 120 || return 1
	# shellcheck disable=SC2086
	dnsperf -s "$(bench_addr "$1")" -p "$BENCH_PORT" -d "$queries" \
		-l "$warmup" $client >/dev/null 2>&1 || true
}

solo_stop() { # SERVER
	bench_stop "$1"
	# Knot leaves its XDP program (xdp_redirect_dns) on lo when it exits;
	# every later loopback packet would still pass through it. Remove
	# that one - it is ours to clean up, we started that knotd.
	if [ "$1" = knot-xdp ] &&
		ip link show dev lo | grep -q 'prog/xdp .*name xdp_redirect_dn'; then
		ip link set dev lo xdpgeneric off
	fi
	bench_lo_sysctls restore
}

running=
for s in $servers; do
	why=$(bench_unavailable "$s")
	if [ -n "$why" ]; then
		echo "note: $s skipped: $why" >&2
		continue
	fi
	if bench_solo "$s"; then
		if solo_start "$s"; then
			echo "$s: answers through AF_XDP; runs alone, started for each turn" >&2
			solo_stop "$s"
			running="$running $s"
		else
			solo_stop "$s"
			echo "note: $s skipped: it did not start (see above)" >&2
		fi
		continue
	fi
	if bench_start "$s" "$zone" 120; then
		echo "$s: pid ${bench_pid[$s]}, answering on $(bench_addr "$s")@$BENCH_PORT after ${bench_ready_ms} ms" >&2
		running="$running $s"
	else
		echo "note: $s skipped: it did not start (see above)" >&2
	fi
done
# shellcheck disable=SC2086  # a list of words
set -- $running
[ $# -gt 0 ] || bench_die "no server to measure"

# One saturating run: QPS, answers, loss, mean latency and the server's CPU
# time (whole process tree) over the run. Appends a row to results.tsv.
run_tput() { # SERVER ROUND
	local s=$1 r=$2 f=$raw/$1-r$2-tput.txt pid=${bench_pid[$1]} c0 c1
	c0=$(bench_cpu_ticks "$pid")
	# shellcheck disable=SC2086  # client options are words
	dnsperf -s "$(bench_addr "$s")" -p "$BENCH_PORT" -d "$queries" \
		-l "$duration" $client >"$f" 2>&1 || true
	c1=$(bench_cpu_ticks "$pid")
	kill -0 "$pid" 2>/dev/null || bench_die "$s died during round $r"
	awk -v s="$s" -v r="$r" -v ticks=$((c1 - c0)) -v hz="$CLK_TCK" '
	/Queries completed:/ { done = $3 }
	/Queries lost:/ { lost = $3 }
	/Queries per second:/ { qps = $4 }
	/Average Latency/ { avg = $4 }
	/Response codes:/ {
		# NOERROR and NXDOMAIN are the answers the mix expects.
		for (i = 3; i < NF; i += 3)
			if ($i == "NOERROR" || $i == "NXDOMAIN") good += $(i + 1)
	}
	END {
		cpu = done > 0 ? ticks / hz * 1e6 / done : 0
		printf "%s\t%d\ttput\t%.0f\t%d\t%d\t%.1f\t%.3f\t%d\n", s, r, qps,
			done, lost, avg * 1e6, cpu, good
	}' "$f" >>"$out/results.tsv"
}

# One run at a fixed, moderate rate with per-query output: latency
# percentiles (nearest rank; a lost query counts as infinitely slow).
run_lat() { # SERVER ROUND
	local s=$1 r=$2 f=$raw/$1-r$2-lat.txt
	# shellcheck disable=SC2086
	dnsperf -s "$(bench_addr "$s")" -p "$BENCH_PORT" -d "$queries" \
		-l "$lat_duration" -Q "$lat_rate" $client -v >"$f" 2>&1 || true
	awk '/^> / { print ($2 == "T") ? "inf" : $NF }' "$f" | sort -g |
		awk -v s="$s" -v r="$r" '{ v[NR] = $1 }
	function pct(p,    k) {
		k = int(p * NR); if (k < p * NR) k++; if (k < 1) k = 1
		return v[k] == "inf" ? -1 : v[k] * 1e6
	}
	END { printf "%s\t%d\tlat\t%.1f\t%.1f\t%d\n", s, r, pct(0.5), pct(0.99), NR }' \
		>>"$out/results.tsv"
}

echo "# server round kind qps completed lost avg_lat_us cpu_us_per_q good_rcodes" >"$out/results.tsv"
echo "# server round lat p50_us p99_us queries" >>"$out/results.tsv"
printf 'rounds=%s duration=%s lat_rate=%s client="%s" BENCH_WORKERS=%s\n' \
	"$rounds" "$duration" "$lat_rate" "$client" "$BENCH_WORKERS" >"$out/params"
echo "warm-up: ${warmup}s each" >&2
for s in "$@"; do
	bench_solo "$s" && continue # warmed up at each start
	# shellcheck disable=SC2086
	dnsperf -s "$(bench_addr "$s")" -p "$BENCH_PORT" -d "$queries" \
		-l "$warmup" $client >/dev/null 2>&1 || true
done
# Round-robin, the starting server rotating each round, so no server always
# runs first (or right after the same neighbour).
for ((r = 1; r <= rounds; r++)); do
	order=("$@")
	k=$(((r - 1) % $#))
	order=("${order[@]:k}" "${order[@]:0:k}")
	for s in "${order[@]}"; do
		if bench_solo "$s"; then
			solo_start "$s" || bench_die "$s did not start for round $r"
		fi
		run_tput "$s" "$r"
		run_lat "$s" "$r"
		if bench_solo "$s"; then
			solo_stop "$s"
		fi
		tail -n 2 "$out/results.tsv" | awk -F'\t' '
		$3 == "tput" { t = sprintf("%.0f qps, %.2f us CPU/q", $4, $8) }
		$3 == "lat" { l = sprintf("p50 %.0f us, p99 %.0f us", $4, $5) }
		END { printf "  round %d %-12s %s; %s\n", '"$r"', "'"$s"'", t, l }' >&2
	done
done


load_end=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load_end=\"$load_end\"" >>"$out/params"
report "$@" | tee "$out/summary.txt"
echo "raw results: $out/ (summary.txt, results.tsv, medians.tsv, raw/)" >&2
