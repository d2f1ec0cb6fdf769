#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Propagation latency (issue 5 §7): time from the primary's NOERROR answer to
# a signed UPDATE until every secondary serves the new serial, sequential
# updates, p50/p90/p99/max: dynzoned -> dynzoned, BIND -> BIND (defaults and
# notify-delay 0), Knot -> Knot (defaults), dynzoned -> 50 dynzoned.
# --ixfr-size: bytes of the IXFR of one change in a 1,000,000-record zone,
# and AXFR records/s of that zone from dynzoned, BIND and Knot.
#
# usage: bench/propagation.sh [--quick] [--updates N] [--secondaries N]
#                             [--max-seconds S] [--configs "dz bind
#                             bind-tuned knot dz-many"] [--keep]
#        bench/propagation.sh --ixfr-size [--records N] [--keep]
# env:   DZ_BUILD (default ./build): holds dynzoned and bench/bench_propagation;
#        BENCH_PORT (default 25355).
# Needs root (adds BIND's and Knot's 127.0.0.102-105 to lo) and Debian's
# bind9, bind9-dnsutils and knot. Writes bench/out/propagation/. Never in CI.
set -eu
PATH=$PATH:/usr/sbin:/sbin

top=$(cd "$(dirname "$0")/.." && pwd)
DZ_BUILD=${DZ_BUILD:-$top/build}
PORT=${BENCH_PORT:-25355}
ZONE=prop.test.
KEY_NAME=bench-key.
# A fixed key (32 octets): the same for every server and the client.
KEY_SECRET=cHJvcGFnYXRpb24tYmVuY2gta2V5LTMyLW9jdGV0cyE=
KEY_SPEC=hmac-sha256:$KEY_NAME:$KEY_SECRET
updates=200 nsec=50 max_seconds=100 keep='' ixfr='' records=1000000
configs="dz bind bind-tuned knot dz-many"
while [ $# -gt 0 ]; do
	case $1 in
	--quick) updates=30 nsec=10 max_seconds=30 ;;
	--updates) updates=$2; shift ;;
	--secondaries) nsec=$2; shift ;;
	--max-seconds) max_seconds=$2; shift ;;
	--configs) configs=$2; shift ;;
	--ixfr-size) ixfr=1 ;;
	--records) records=$2; shift ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "${0##*/}: unknown option '$1' (see --help)" >&2; exit 1 ;;
	esac
	shift
done
[ "$nsec" -ge 1 ] && [ "$nsec" -le 50 ] || {
	echo "${0##*/}: --secondaries must be 1-50" >&2
	exit 1
}

out=$top/bench/out/propagation
client=$DZ_BUILD/bench/bench_propagation
tmp=
pids=()

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

P_DZ=127.0.0.100 S_DZ=127.0.0.101
P_BIND=127.0.0.102 S_BIND=127.0.0.103
P_KNOT=127.0.0.104 S_KNOT=127.0.0.105
P_MANY=127.0.0.106

# BIND (and Knot) listen only on addresses an interface holds: add each to lo
# once (idempotent); dynzoned could bind any 127/8 address without it.
ensure_addr() { # ADDR
	ip -o -4 addr show dev lo | grep -q "inet $1/" ||
		ip addr add "$1/32" dev lo 2>/dev/null ||
		ip -o -4 addr show dev lo | grep -q "inet $1/" ||
		die "cannot add $1 to lo (run as root)"
}

stop_all() {
	local p i
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		for i in $(seq 1 100); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$p" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null || true
		fi
		wait "$p" 2>/dev/null || true
	done
	pids=()
}

cleanup() {
	stop_all
	if [ -n "$tmp" ] && [ -z "$keep" ]; then
		rm -rf "$tmp"
	elif [ -n "$tmp" ]; then
		echo "kept: $tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # DIR COMMAND... : in the background, output to DIR/stderr.log
	local d=$1
	shift
	"$@" >"$d/stderr.log" 2>&1 &
	pids+=($!)
}

# Poll (never a fixed sleep) until ADDR answers SOA of ZONE with NOERROR.
wait_soa() { # ADDR ZONE SECONDS LOGDIR
	local end=$((SECONDS + $3))
	while [ $SECONDS -lt $end ]; do
		if dig +norec +time=1 +tries=1 @"$1" -p "$PORT" "$2" SOA 2>/dev/null |
			grep -q "status: NOERROR"; then
			return 0
		fi
		sleep 0.05
	done
	echo "${0##*/}: $1 did not answer SOA $2 within $3 s; its log:" >&2
	tail -n 15 "$4"/stderr.log "$4"/server.log 2>/dev/null >&2 || true
	return 1
}

write_zone() { # FILE PRIMARY_ADDR
	cat >"$1" <<EOF
\$ORIGIN $ZONE
\$TTL 300
@ SOA ns1 hostmaster 1 3600 600 1209600 300
@ NS ns1
ns1 A $2
EOF
}

# ---- dynzoned ----------------------------------------------------------------

dz_common() { # ADDR DIR RESOLVER
	cat <<EOF
server:
  listen: $1@$PORT
  data-dir: $2
  control: $2/control.sock
  workers: 1
  resolver: $3@$PORT
log:
  - target: $2/server.log
    level: info
key:
  - id: $KEY_NAME
    algorithm: hmac-sha256
    secret: $KEY_SECRET
EOF
}

# A primary notifying each secondary as a remote (port included; `via` so
# the NOTIFY comes from the address the secondaries know), serving
# transfers to loopback, updates with the key.
dz_primary() { # ADDR DIR ZONE ZONEFILE SECONDARY...
	local a=$1 d=$2 z=$3 f=$4 i=0 names='' s
	shift 4
	mkdir -p "$d"
	{
		dz_common "$a" "$d" "$a"
		echo "remote:"
		for s in "$@"; do
			printf '  - id: s%d\n    address: %s@%s\n    via: %s\n' \
				"$i" "$s" "$PORT" "$a"
			names="$names${names:+, }s$i"
			i=$((i + 1))
		done
		cat <<EOF
acl:
  - id: upd
    key: [$KEY_NAME]
    action: [update]
  - id: xfr
    address: [127.0.0.0/8]
    action: [transfer]
zone:
  - domain: $z
    file: $f
    acl: [upd, xfr]
    notify: [$names]
    notify-ns: false
EOF
	} >"$d/conf"
	start "$d" "$DZ_BUILD/dynzoned" -c "$d/conf"
}

dz_secondary() { # ADDR DIR ZONE PRIMARY_ADDR
	local a=$1 d=$2
	mkdir -p "$d"
	{
		dz_common "$a" "$d" "$4"
		cat <<EOF
remote:
  - id: p
    address: $4@$PORT
    via: $a
zone:
  - domain: $3
    file: $d/zone
    role: secondary
    primaries: [p]
    notify-ns: false
EOF
	} >"$d/conf"
	start "$d" "$DZ_BUILD/dynzoned" -c "$d/conf"
}

# ---- BIND ---------------------------------------------------------------------

bind_options() { # ADDR DIR EXTRA
	cat <<EOF
options {
	directory "$2";
	pid-file "$2/named.pid";
	session-keyfile "$2/session.key";
	managed-keys-directory "$2";
	listen-on port $PORT { $1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify-source $1;
	transfer-source $1;
	$3
};
controls { };
key "$KEY_NAME" { algorithm hmac-sha256; secret "$KEY_SECRET"; };
EOF
}

# `notify explicit` + also-notify: the secondary with its port (NS hosts
# would be notified on port 53). EXTRA: "notify-delay 0;" for the tuned run.
bind_primary() { # ADDR DIR ZONE ZONEFILE SECONDARY EXTRA
	mkdir -p "$2"
	{
		bind_options "$1" "$2" "notify explicit; also-notify { $5 port $PORT; }; allow-transfer { 127.0.0.0/8; }; $6"
		echo "zone \"$3\" { type primary; file \"$4\"; allow-update { key $KEY_NAME; }; };"
	} >"$2/conf"
	start "$2" named -g -c "$2/conf" -n 1
}

bind_secondary() { # ADDR DIR ZONE PRIMARY
	mkdir -p "$2"
	{
		bind_options "$1" "$2" "notify no;"
		echo "zone \"$3\" { type secondary; primaries { $4 port $PORT; }; file \"$2/zone\"; };"
	} >"$2/conf"
	start "$2" named -g -c "$2/conf" -n 1
}

# ---- Knot ---------------------------------------------------------------------

knot_common() { # ADDR DIR
	cat <<EOF
server:
  rundir: "$2"
  pidfile: "$2/knot.pid"
  listen: $1@$PORT
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
database:
  storage: "$2/db"
log:
  - target: stderr
    any: info
key:
  - id: $KEY_NAME
    algorithm: hmac-sha256
    secret: $KEY_SECRET
EOF
}

# journal-content: changes: the primary keeps its updates to serve IXFR,
# the secondary keeps what it transferred; zone files are not rewritten.
knot_primary() { # ADDR DIR ZONE ZONEFILE SECONDARY
	mkdir -p "$2/db"
	{
		knot_common "$1" "$2"
		cat <<EOF
remote:
  - id: sec
    address: $5@$PORT
    via: $1
acl:
  - id: upd
    key: $KEY_NAME
    action: update
  - id: xfr
    address: 127.0.0.0/8
    action: transfer
template:
  - id: default
    storage: "$2"
    zonefile-sync: -1
    journal-content: changes
zone:
  - domain: "$3"
    file: "$4"
    notify: sec
    acl: [upd, xfr]
EOF
	} >"$2/conf"
	start "$2" knotd -c "$2/conf"
}

knot_secondary() { # ADDR DIR ZONE PRIMARY
	mkdir -p "$2/db"
	{
		knot_common "$1" "$2"
		cat <<EOF
remote:
  - id: pri
    address: $4@$PORT
    via: $1
acl:
  - id: notify
    address: 127.0.0.0/8
    action: notify
template:
  - id: default
    storage: "$2"
    zonefile-sync: -1
    journal-content: changes
zone:
  - domain: "$3"
    file: "$2/zone"
    master: pri
    acl: notify
EOF
	} >"$2/conf"
	start "$2" knotd -c "$2/conf"
}

# ---- one configuration ------------------------------------------------------------

measure() { # LABEL PRIMARY SECONDARY...
	local label=$1 primary=$2 s args=()
	shift 2
	for s in "$@"; do
		args+=(--secondary "$s@$PORT")
	done
	echo "== $label: $updates updates (at most ${max_seconds} s), $# secondaries" >&2
	if ! "$client" --primary "$primary@$PORT" --zone "$ZONE" --key "$KEY_SPEC" \
		"${args[@]}" --updates "$updates" --max-seconds "$max_seconds" \
		--label "$label" --out "$out/raw/$label.txt" >>"$out/results.tsv"; then
		echo "${0##*/}: $label: no result (logs in $tmp/$label)" >&2
	fi
}

run_config() { # NAME
	local c=$1 d=$tmp/$1 i s secs=()
	mkdir -p "$d"
	case $c in
	dz)
		write_zone "$d/zone" $P_DZ
		dz_primary $P_DZ "$d/p" $ZONE "$d/zone" $S_DZ
		wait_soa $P_DZ $ZONE 30 "$d/p" || return 0
		dz_secondary $S_DZ "$d/s" $ZONE $P_DZ
		wait_soa $S_DZ $ZONE 30 "$d/s" || return 0
		measure "dynzoned->dynzoned" $P_DZ $S_DZ ;;
	bind | bind-tuned)
		local extra='' label="bind->bind (defaults)"
		if [ "$c" = bind-tuned ]; then
			extra="notify-delay 0;" label="bind->bind (tuned: notify-delay 0)"
		fi
		write_zone "$d/zone" $P_BIND
		bind_primary $P_BIND "$d/p" $ZONE "$d/zone" $S_BIND "$extra"
		wait_soa $P_BIND $ZONE 30 "$d/p" || return 0
		bind_secondary $S_BIND "$d/s" $ZONE $P_BIND
		wait_soa $S_BIND $ZONE 30 "$d/s" || return 0
		measure "$label" $P_BIND $S_BIND ;;
	knot)
		write_zone "$d/zone" $P_KNOT
		knot_primary $P_KNOT "$d/p" $ZONE "$d/zone" $S_KNOT
		wait_soa $P_KNOT $ZONE 30 "$d/p" || return 0
		knot_secondary $S_KNOT "$d/s" $ZONE $P_KNOT
		wait_soa $S_KNOT $ZONE 30 "$d/s" || return 0
		# Knot 3.2 has no setting for its NOTIFY delay: defaults only.
		measure "knot->knot (defaults)" $P_KNOT $S_KNOT ;;
	dz-many)
		for i in $(seq 0 $((nsec - 1))); do
			secs+=("127.0.0.$((150 + i))")
		done
		write_zone "$d/zone" $P_MANY
		dz_primary $P_MANY "$d/p" $ZONE "$d/zone" "${secs[@]}"
		wait_soa $P_MANY $ZONE 30 "$d/p" || return 0
		for s in "${secs[@]}"; do
			dz_secondary "$s" "$d/$s" $ZONE $P_MANY
		done
		for s in "${secs[@]}"; do
			wait_soa "$s" $ZONE 60 "$d/$s" || return 0
		done
		measure "dynzoned->${nsec}x dynzoned" $P_MANY "${secs[@]}" ;;
	*) die "unknown configuration '$c'" ;;
	esac
	stop_all
}

# p50 of the first result line whose label starts with PREFIX.
col() { # PREFIX FIELD
	awk -F'\t' -v p="$1" -v f="$2" 'index($1, p) == 1 {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) { print kv[2]; exit } } }' \
		"$out/results.tsv"
}

report() {
	{
		printf '%-38s %5s %8s %5s %9s %9s %9s %9s\n' configuration secs \
			updates lost "p50 ms" "p90 ms" "p99 ms" "max ms"
		awk -F'\t' '{
			delete v; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%-38s %5s %8s %5s %9s %9s %9s %9s\n", $1, v["secondaries"],
				v["updates"], v["lost"], v["p50"], v["p90"], v["p99"], v["max"] }' \
			"$out/results.tsv"
		echo
		local dz b bt k many
		dz=$(col "dynzoned->dynzoned" p50)
		b=$(col "bind->bind (defaults)" p50)
		bt=$(col "bind->bind (tuned" p50)
		k=$(col "knot->knot" p50)
		if [ -n "$dz" ]; then
			for pair in "bind defaults:$b" "bind notify-delay 0:$bt" "knot defaults:$k"; do
				[ -n "${pair#*:}" ] && awk -v n="${pair%%:*}" -v o="${pair#*:}" -v d="$dz" \
					'BEGIN { printf "p50 %s / dynzoned = %.0fx\n", n, o / d }'
			done
			awk -v p50="$dz" -v p99="$(col "dynzoned->dynzoned" p99)" 'BEGIN {
				printf "goal, one secondary: p50 < 5 ms (%s), p99 < 20 ms (%s)\n",
					(p50 < 5 ? "met" : "NOT met"), (p99 < 20 ? "met" : "NOT met") }'
		fi
		many=$(awk -F'\t' 'index($1, "x dynzoned") {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "p99") print kv[2] } }' \
			"$out/results.tsv")
		[ -n "$many" ] && awk -v p="$many" -v n="$nsec" 'BEGIN {
			printf "goal, %d secondaries: p99 < 100 ms (%s)\n", n, (p < 100 ? "met" : "NOT met") }'
		echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	} | tee "$out/summary.txt"
}

# ---- --ixfr-size ------------------------------------------------------------------

ixfr_size() {
	local origin=bench.test. zone=$top/bench/out/bench-$records.zone d=$tmp/ixfr
	if [ ! -s "$zone" ] || [ "$top/bench/gen_zone.py" -nt "$zone" ]; then
		echo "generating $zone" >&2
		/usr/bin/python3 "$top/bench/gen_zone.py" --records "$records" \
			--origin "$origin" --out "$zone.tmp"
		mv "$zone.tmp" "$zone"
	fi
	mkdir -p "$d"
	cp "$zone" "$d/zone"
	local t0=$SECONDS
	dz_primary $P_DZ "$d/p" $origin "$d/zone" $S_DZ
	wait_soa $P_DZ $origin 300 "$d/p" || return 1
	dz_secondary $S_DZ "$d/s" $origin $P_DZ
	bind_primary $P_BIND "$d/b" $origin "$zone" $S_BIND ""
	knot_primary $P_KNOT "$d/k" $origin "$zone" $S_KNOT
	wait_soa $S_DZ $origin 300 "$d/s" || return 1
	wait_soa $P_BIND $origin 300 "$d/b" || return 1
	wait_soa $P_KNOT $origin 300 "$d/k" || return 1
	echo "loaded everywhere after $((SECONDS - t0)) s" >&2
	"$client" --primary "$P_DZ@$PORT" --zone $origin --key "$KEY_SPEC" \
		--secondary "$S_DZ@$PORT" --updates 1 --label "one update" >&2 || return 1
	local srv a lines
	for srv in dynzoned:$P_DZ bind:$P_BIND knot:$P_KNOT; do
		for _ in 1 2; do
			"$client" --axfr --primary "${srv#*:}@$PORT" --zone $origin \
				--label "${srv%%:*}" >>"$out/axfr.tsv" || true
		done
	done
	{
		echo "transfers into the dynzoned secondary ($records-record zone):"
		grep 'event=xfr-in-done' "$d/s/server.log" |
			grep -o 'type=[a-z-]* .*' | sed 's/^/  /'
		awk '/event=xfr-in-done/ { for (i = 1; i <= NF; i++) if ($i ~ /^(type|bytes)=/) { split($i, kv, "="); v[kv[1]] = kv[2] }
			b[v["type"]] = v["bytes"] }
			END { if (b["ixfr"] && b["axfr"]) printf "IXFR of one change: %d bytes = 1/%.0f of the AXFR (%d bytes)\n",
				b["ixfr"], b["axfr"] / b["ixfr"], b["axfr"] }' "$d/s/server.log"
		echo
		echo "AXFR of the zone (best of 2, records/s):"
		awk -F'\t' '{ delete v; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			if (v["records_per_s"] + 0 > best[$1] + 0) { best[$1] = v["records_per_s"]; rec[$1] = v["records"]; by[$1] = v["bytes"]; s[$1] = v["seconds"] } }
			END { for (k in best) printf "  %-10s records=%s bytes=%s seconds=%s records/s=%s\n", k, rec[k], by[k], s[k], best[k]
				if (best["dynzoned"]) for (k in best) if (k != "dynzoned")
					printf "  dynzoned / %s = %.2fx\n", k, best["dynzoned"] / best[k] }' "$out/axfr.tsv"
	} | tee "$out/ixfr-size.txt"
}

# ---- main ---------------------------------------------------------------------------

[ -x "$DZ_BUILD/dynzoned" ] || die "$DZ_BUILD/dynzoned not built (make, or set DZ_BUILD)"
[ -x "$client" ] || die "$client not built (cmake --build build --target bench_propagation)"
command -v dig >/dev/null || die "dig is not installed (apt-get install bind9-dnsutils)"
mkdir -p "$out/raw"
tmp=$(mktemp -d /tmp/dz-bench-prop.XXXXXX)
if [ -n "$ixfr" ]; then
	command -v named >/dev/null && command -v knotd >/dev/null ||
		die "needs named and knotd (apt-get install bind9 knot)"
	for a in $P_DZ $S_DZ $P_BIND $P_KNOT; do ensure_addr $a; done
	: >"$out/axfr.tsv"
	ixfr_size
	exit 0
fi
: >"$out/results.tsv"
for c in $configs; do
	case $c in
	bind*) command -v named >/dev/null || { echo "skipping $c: no named" >&2; continue; }
		ensure_addr $P_BIND; ensure_addr $S_BIND ;;
	knot) command -v knotd >/dev/null || { echo "skipping $c: no knotd" >&2; continue; }
		ensure_addr $P_KNOT; ensure_addr $S_KNOT ;;
	esac
	run_config "$c"
	stop_all
done
report
