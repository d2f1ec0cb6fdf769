#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Dynamic update throughput (issue 4 §6): acknowledged RFC 2136 updates per
# second, each durable, TSIG hmac-sha256, one A record replaced per update,
# at concurrency 1 and 32, against dynzoned, BIND and Knot serving the same
# zone; interleaved runs, medians, latency p50/p99, ratios.
#
# usage: bench/updates.sh [--quick] [--rounds N] [--duration S]
#                         [--conc "1 32"] [--servers "dynzoned bind knot"]
#                         [--keep] [--report]
# env:   DZ_BUILD (default ./build): holds dynzoned and bench/bench_update_load;
#        BENCH_PORT (default 25354).
# Needs root (adds 127.0.0.75-77 to lo) and Debian's bind9 and knot.
# Writes bench/out/updates/. Never run in CI. See bench/README.md.
set -eu
PATH=$PATH:/usr/sbin:/sbin

top=$(cd "$(dirname "$0")/.." && pwd)
DZ_BUILD=${DZ_BUILD:-$top/build}
PORT=${BENCH_PORT:-25354}
ZONE=upd.test.
KEY_NAME=bench-key.
# A fixed key (32 octets): the same for the three servers and the client.
KEY_SECRET=YmVuY2gtdXBkYXRlcy1rZXktMzItb2N0ZXRzLWxvbmch
rounds=3 duration=10 warmup=1 conc_list="1 32" keep='' report_only=''
servers="dynzoned bind knot"
while [ $# -gt 0 ]; do
	case $1 in
	--quick) rounds=1 duration=3 ;;
	--rounds) rounds=$2; shift ;;
	--duration) duration=$2; shift ;;
	--conc) conc_list=$2; shift ;;
	--servers) servers=$2; shift ;;
	--keep) keep=1 ;;
	--report) report_only=1 ;;
	-h | --help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "${0##*/}: unknown option '$1' (see --help)" >&2; exit 1 ;;
	esac
	shift
done

out=$top/bench/out/updates
load=$DZ_BUILD/bench/bench_update_load
tmp=
declare -A pid=()

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

addr() {
	case $1 in
	dynzoned) echo 127.0.0.75 ;;
	bind) echo 127.0.0.76 ;;
	knot) echo 127.0.0.77 ;;
	*) die "unknown server '$1'" ;;
	esac
}

cleanup() {
	local s
	for s in "${!pid[@]}"; do
		stop_server "$s"
	done
	if [ -n "$tmp" ] && [ -z "$keep" ]; then
		rm -rf "$tmp"
	elif [ -n "$tmp" ]; then
		echo "kept: $tmp"
	fi
}

median() {
	sort -g | awk '{ v[NR] = $1 }
	END {
		if (NR == 0) { print "-"; exit }
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

write_zone() { # FILE
	{
		echo "\$ORIGIN $ZONE"
		echo "\$TTL 3600"
		echo "@ SOA ns1 hostmaster 1 3600 900 604800 300"
		echo "@ NS ns1"
		echo "ns1 A 192.0.2.1"
		for i in $(seq 0 63); do echo "load$i A 10.0.0.1"; done
	} >"$1"
}

# Every server: its defaults plus what durability and the benchmark need:
# the update ACL for the key, a journal, no NOTIFY, logs to a file at the
# level it would normally run (each update is logged by all three).
write_conf() { # SERVER DIR
	local s=$1 d=$2 a
	a=$(addr "$s")
	case $s in
	dynzoned) cat >"$d/conf" <<EOF
server:
  listen: $a@$PORT
  data-dir: $d
  control: $d/control.sock
  workers: 2
log:
  - target: $d/server.log
    level: info
key:
  - id: $KEY_NAME
    algorithm: hmac-sha256
    secret: $KEY_SECRET
acl:
  - id: upd
    key: [$KEY_NAME]
    action: [update]
zone:
  - domain: $ZONE
    file: $d/zone
    acl: [upd]
    notify-ns: false
EOF
		;;
	bind) cat >"$d/conf" <<EOF
options {
	directory "$d";
	pid-file "$d/named.pid";
	session-keyfile "$d/session.key";
	managed-keys-directory "$d";
	listen-on port $PORT { $a; };
	listen-on-v6 { none; };
	recursion no;
	notify no;
	dnssec-validation no;
};
controls { };
key "$KEY_NAME" { algorithm hmac-sha256; secret "$KEY_SECRET"; };
zone "$ZONE" { type primary; file "$d/zone"; allow-update { key $KEY_NAME; }; };
EOF
		;;
	# journal-content: changes keeps each update in the LMDB journal,
	# committed synchronously before the answer; the zone file is not
	# rewritten (zonefile-sync: -1), as dynzoned folds it in later too.
	knot) cat >"$d/conf" <<EOF
server:
  rundir: "$d"
  pidfile: "$d/knot.pid"
  listen: $a@$PORT
  udp-workers: 2
  tcp-workers: 1
  background-workers: 1
database:
  storage: "$d/db"
log:
  - target: stderr
    any: info
key:
  - id: $KEY_NAME
    algorithm: hmac-sha256
    secret: $KEY_SECRET
acl:
  - id: upd
    key: $KEY_NAME
    action: update
template:
  - id: default
    storage: "$d"
    zonefile-sync: -1
    journal-content: changes
zone:
  - domain: "$ZONE"
    file: "$d/zone"
    acl: upd
EOF
		;;
	esac
}

cmd_of() { # SERVER DIR
	case $1 in
	dynzoned) echo "$DZ_BUILD/dynzoned -c $2/conf" ;;
	bind) echo "named -g -c $2/conf -n 2" ;;
	knot) echo "knotd -c $2/conf" ;;
	esac
}

start_server() { # SERVER
	local s=$1 d=$tmp/$1 a i
	a=$(addr "$s")
	mkdir -p "$d" "$d/db"
	write_zone "$d/zone"
	write_conf "$s" "$d"
	# shellcheck disable=SC2046
	$(cmd_of "$s" "$d") >"$d/stderr.log" 2>&1 &
	pid[$s]=$!
	for i in $(seq 1 100); do
		if dig +norec +time=1 +tries=1 @"$a" -p "$PORT" "$ZONE" SOA 2>/dev/null |
			grep -q "status: NOERROR"; then
			return 0
		fi
		kill -0 "${pid[$s]}" 2>/dev/null || break
		sleep 0.1
	done
	tail -5 "$d/stderr.log" >&2
	unset "pid[$s]"
	return 1
}

stop_server() { # SERVER
	local p=${pid[$1]:-} i
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null || true
	for i in $(seq 1 100); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	unset "pid[$1]"
}

# One line of results.tsv: server round conc rate p50 p99 errors timeouts.
measure() { # SERVER ROUND CONC
	local s=$1 a line
	a=$(addr "$s")
	line=$("$load" -s "$a" -p "$PORT" -z "$ZONE" \
		-y "hmac-sha256:$KEY_NAME:$KEY_SECRET" -c "$3" -d "$duration" \
		-w "$warmup") || line=""
	echo "$s $2 c=$3: ${line:-failed}" >&2
	echo "$line" | awk -v s="$s" -v r="$2" -v c="$3" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, r, c, f["rate"],
			f["p50_ms"], f["p99_ms"], f["errors"], f["timeouts"]
	}' >>"$out/results.tsv"
}

col() { # SERVER CONC COLUMN -> median
	awk -F'\t' -v s="$1" -v c="$2" -v k="$3" \
		'$1 == s && $3 == c { print $k }' "$out/results.tsv" | median
}

report() {
	local s c base
	printf '%-9s %5s %12s %9s %9s\n' server conc "updates/s" "p50 ms" "p99 ms"
	for c in $conc_list; do
		for s in $servers; do
			printf '%-9s %5s %12s %9s %9s\n' "$s" "$c" "$(col "$s" "$c" 4)" \
				"$(col "$s" "$c" 5)" "$(col "$s" "$c" 6)"
		done
	done
	echo
	for c in $conc_list; do
		base=$(col dynzoned "$c" 4)
		for s in $servers; do
			[ "$s" = dynzoned ] && continue
			awk -v a="$base" -v b="$(col "$s" "$c" 4)" -v s="$s" -v c="$c" \
				'BEGIN { if (b > 0 && a != "-") printf "concurrency %s: dynzoned / %s = %.2fx\n", c, s, a / b }'
		done
	done
}

mkdir -p "$out"
if [ -n "$report_only" ]; then
	report
	exit 0
fi
[ "$(id -u)" = 0 ] || die "needs root (adds 127.0.0.75-77 to lo)"
[ -x "$load" ] || die "$load not built (cmake --build \$DZ_BUILD --target bench_update_load)"
for s in $servers; do
	a=$(addr "$s")
	ip -4 addr show dev lo | grep -q "inet $a/" || ip addr add "$a/32" dev lo
done
tmp=$(mktemp -d /tmp/dz-bench-upd.XXXXXX)
trap cleanup EXIT
: >"$out/results.tsv"
# Each run starts a fresh server (an empty journal) so that no server pays
# for the journal another run left behind; servers rotate per round.
order=($servers)
for r in $(seq 1 "$rounds"); do
	for c in $conc_list; do
		for i in "${!order[@]}"; do
			s=${order[$(((i + r) % ${#order[@]}))]}
			if start_server "$s"; then
				measure "$s" "$r" "$c"
				stop_server "$s"
				[ -n "$keep" ] || rm -rf "${tmp:?}/$s"
			else
				echo "$s failed to start: left out" >&2
			fi
		done
	done
done
report | tee "$out/report.txt"
