# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034  # variables are for the sourcing scripts
# Shared by bench/qps.sh and bench/memory.sh: writes a private config for each
# server (dynzoned, NSD, Knot, BIND), starts and stops it by PID, waits for
# its first answer and reads its CPU time and memory from /proc.
#
# Sourced, not run. Callers set: top (repository root), BENCH_PORT, and call
# bench_cleanup from an EXIT trap. Every server gets its own 127.0.0.x
# address, its own temp dir and the same number of UDP workers (2).

PATH=$PATH:/usr/sbin:/sbin
BENCH_SERVERS="dynzoned nsd knot bind"
BENCH_PORT=${BENCH_PORT:-25353}
BENCH_WORKERS=${BENCH_WORKERS:-2}
BENCH_ORIGIN=bench.test.
DZ_BUILD=${DZ_BUILD:-$top/build}
CLK_TCK=$(getconf CLK_TCK)

# Temp dirs and PIDs of the servers started here, for bench_cleanup.
bench_tmp=
declare -A bench_pid=()

bench_die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

bench_addr() { # SERVER -> its loopback address
	case $1 in
	knot-xdp) echo 127.0.0.69 ;;
	dynzoned-xdp) echo 127.0.0.70 ;;
	dynzoned) echo 127.0.0.71 ;;
	nsd) echo 127.0.0.72 ;;
	knot) echo 127.0.0.73 ;;
	bind) echo 127.0.0.74 ;;
	*) bench_die "unknown server '$1'" ;;
	esac
}

# BIND and NSD bind only to addresses an interface carries: put each server's
# address on lo (idempotent: an address already there is left alone).
bench_setup_addrs() {
	local s a
	for s in $BENCH_SERVERS dynzoned-xdp knot-xdp; do
		a=$(bench_addr "$s")
		if ! ip -4 addr show dev lo | grep -q "inet $a/"; then
			ip addr add "$a/32" dev lo ||
				bench_die "cannot add $a to lo (run as root)"
		fi
	done
}

bench_need() { # TOOL... : fail early with the Debian package to install
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null ||
			bench_die "$t is missing (apt-get install dnsperf bind9 bind9-dnsutils knot nsd)"
	done
}

# Prints why SERVER cannot run here, or nothing when it can.
bench_unavailable() {
	case $1 in
	dynzoned) [ -x "$DZ_BUILD/dynzoned" ] ||
		echo "$DZ_BUILD/dynzoned not built (set DZ_BUILD or run make)" ;;
	dynzoned-xdp) [ -x "$DZ_BUILD/dynzoned" ] ||
		echo "$DZ_BUILD/dynzoned not built (set DZ_BUILD or run make)"
		[ -d /sys/class/net/lo/queues ] || echo "no /sys/class/net/lo" ;;
	nsd) command -v nsd >/dev/null || echo "nsd not installed" ;;
	knot | knot-xdp) command -v knotd >/dev/null || echo "knotd not installed" ;;
	bind) command -v named >/dev/null || echo "named not installed" ;;
	esac
}

# Writes DIR/conf for SERVER serving ZONE (absolute path) on its address.
bench_write_conf() { # SERVER DIR ZONE
	local s=$1 d=$2 z=$3 a
	a=$(bench_addr "$s")
	case $s in
	# dynzoned keeps its journal beside the zone file (<file>.jnl), where
	# BIND would look for its own: each gets a private copy of the zone.
	dynzoned | dynzoned-xdp) cp "$z" "$d/zone" && cat >"$d/conf" <<EOF
server:
  listen: $a@$BENCH_PORT
  data-dir: $d
  control: $d/control.sock
  workers: $BENCH_WORKERS
  pid-file: $d/dynzoned.pid
$([ "$s" = dynzoned-xdp ] && echo "  xdp-interface: lo")
log:
  - target: stderr
    level: warning
zone:
  - domain: $BENCH_ORIGIN
    file: $d/zone
    notify-ns: false
    zonefile-sync: -1
EOF
		;;
	# Debian's NSD has response rate limiting compiled in and on by default:
	# switched off, or it would drop most of the benchmark's answers. No
	# nsd.db (database: ""), no zone file write-back.
	nsd) cat >"$d/conf" <<EOF
server:
  ip-address: $a@$BENCH_PORT
  do-ip6: no
  server-count: $BENCH_WORKERS
  reuseport: yes
  username: ""
  chroot: ""
  verbosity: 0
  zonesdir: "$d"
  database: ""
  zonelistfile: "$d/zone.list"
  xfrdfile: "$d/xfrd.state"
  xfrdir: "$d"
  pidfile: "$d/nsd.pid"
  zonefiles-write: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "$BENCH_ORIGIN"
  zonefile: "$z"
EOF
		;;
	# knot-xdp: Knot's own AF_XDP mode, for comparison with dynzoned-xdp.
	# Its program takes UDP to the port on every address of lo, so it runs
	# alone like dynzoned-xdp (bench_solo).
	knot | knot-xdp) cat >"$d/conf" <<EOF
server:
  rundir: "$d"
  pidfile: "$d/knot.pid"
  listen: $a@$BENCH_PORT
  udp-workers: $BENCH_WORKERS
  tcp-workers: 1
  background-workers: 1
$([ "$s" = knot-xdp ] && printf 'xdp:\n  listen: lo@%s\n  udp: on\n' "$BENCH_PORT")
database:
  storage: "$d/db"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "$d"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: "$BENCH_ORIGIN"
    file: "$z"
EOF
		;;
	# named -n sets the worker threads; controls {} keeps it away from rndc
	# keys, the paths keep it out of /var/cache/bind and /run/named.
	bind) cat >"$d/conf" <<EOF
options {
	directory "$d";
	pid-file "$d/named.pid";
	session-keyfile "$d/session.key";
	managed-keys-directory "$d";
	listen-on port $BENCH_PORT { $a; };
	listen-on-v6 { none; };
	recursion no;
	notify no;
	dnssec-validation no;
	allow-transfer { none; };
};
controls { };
zone "${BENCH_ORIGIN%.}" {
	type primary;
	file "$z";
};
EOF
		;;
	esac
}

bench_cmd() { # SERVER DIR -> the foreground command line, one word a line
	case $1 in
	dynzoned | dynzoned-xdp) printf '%s\n' "$DZ_BUILD/dynzoned" -c "$2/conf" ;;
	nsd) printf '%s\n' nsd -d -c "$2/conf" ;;
	knot | knot-xdp) printf '%s\n' knotd -c "$2/conf" ;;
	bind) printf '%s\n' named -g -c "$2/conf" -n "$BENCH_WORKERS" ;;
	esac
}

# True when SERVER answers the zone's SOA authoritatively (never through
# /etc/resolv.conf: always dig @addr).
bench_answers() { # SERVER
	local out
	out=$(dig @"$(bench_addr "$1")" -p "$BENCH_PORT" "$BENCH_ORIGIN" SOA \
		+time=1 +tries=1 +norecurse 2>/dev/null) || return 1
	grep -q 'status: NOERROR' <<<"$out" &&
		grep -q 'flags: qr aa' <<<"$out" &&
		grep -qE '^[^;].*[[:space:]]SOA[[:space:]]' <<<"$out"
}

# True when SERVER answers the last record of ZONE (a gen_zone.py file: one
# record a line, relative owner): it has loaded the whole zone, not a part.
bench_has_last() { # SERVER ZONE
	local owner type out
	read -r owner _ type _ < <(tail -n 1 "$2")
	out=$(dig @"$(bench_addr "$1")" -p "$BENCH_PORT" "$owner.$BENCH_ORIGIN" \
		"$type" +time=2 +tries=1 +norecurse 2>/dev/null) || return 1
	grep -q 'status: NOERROR' <<<"$out" &&
		grep -qE "^${owner}\.${BENCH_ORIGIN}[[:space:]].*[[:space:]]${type}[[:space:]]" <<<"$out"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Starts SERVER on ZONE in a fresh temp dir and waits (up to TIMEOUT s) until
# it answers the zone's SOA authoritatively and the zone's last record. Sets
# bench_pid[SERVER] and bench_ready_ms (start to that answer, in ms, to about
# 0.1 s: the probing interval). Returns 1 (log tail shown) when the server
# dies or is not ready in time.
bench_start() { # SERVER ZONE [TIMEOUT]
	local s=$1 z=$2 limit=${3:-60} d t0 pid
	[ -n "$bench_tmp" ] || bench_tmp=$(mktemp -d /tmp/dz-bench.XXXXXX)
	d=$bench_tmp/$s
	rm -rf "$d"
	mkdir -p "$d"
	bench_write_conf "$s" "$d" "$z"
	if bench_answers "$s"; then
		echo "$s: something already answers on $(bench_addr "$s")@$BENCH_PORT" >&2
		return 1
	fi
	mapfile -t cmd < <(bench_cmd "$s" "$d")
	t0=$(now_ms)
	"${cmd[@]}" >"$d/log" 2>&1 </dev/null &
	pid=$!
	bench_pid[$s]=$pid
	# Ready means serving the whole zone: its SOA and its last record.
	while ! { bench_answers "$s" && bench_has_last "$s" "$z"; }; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$s exited during start; last lines of $d/log:" >&2
			tail -n 8 "$d/log" >&2
			unset "bench_pid[$s]"
			return 1
		fi
		if [ $(($(now_ms) - t0)) -gt $((limit * 1000)) ]; then
			echo "$s did not answer the zone's SOA and last record within ${limit}s; last lines of $d/log:" >&2
			tail -n 8 "$d/log" >&2
			bench_stop "$s"
			return 1
		fi
		sleep 0.05
	done
	bench_ready_ms=$(($(now_ms) - t0))
}

# SIGTERM to the PID we started, SIGKILL after 10 s; never by name.
bench_stop() { # SERVER
	local s=$1 pid=${bench_pid[$1]:-} i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "$s (pid $pid) ignored SIGTERM for 10 s: SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	unset "bench_pid[$s]"
}

# dynzoned-xdp attaches an XDP program to lo, which every other loopback
# packet then passes through (generic XDP): it runs alone, started for its
# turn and stopped after it, so it never taxes the other servers' runs.
bench_solo() { # SERVER
	[ "$1" = dynzoned-xdp ] || [ "$1" = knot-xdp ]
}

# Answers sent through AF_XDP on lo carry no route; the kernel drops them
# as martians (127/8 to and from itself) unless lo allows it. Set for the
# solo server's turn, put back after it (and by bench_cleanup).
bench_saved_sysctl=
bench_lo_sysctls() { # on|restore
	local f=/proc/sys/net/ipv4/conf/lo
	if [ "$1" = on ]; then
		[ -n "$bench_saved_sysctl" ] ||
			bench_saved_sysctl="$(cat $f/route_localnet) $(cat $f/accept_local)"
		echo 1 >$f/route_localnet && echo 1 >$f/accept_local
	elif [ -n "$bench_saved_sysctl" ]; then
		set -- $bench_saved_sysctl
		echo "$1" >$f/route_localnet && echo "$2" >$f/accept_local
		bench_saved_sysctl=
	fi
}

bench_cleanup() {
	local s
	for s in "${!bench_pid[@]}"; do
		bench_stop "$s"
	done
	bench_lo_sysctls restore
	if [ -n "$bench_tmp" ] && [ -z "${BENCH_KEEP:-}" ]; then
		rm -rf "$bench_tmp"
	fi
}

bench_tree() { # PID -> PID and all its descendants (NSD forks its servers)
	local c
	echo "$1"
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		bench_tree "$c"
	done
}

# utime+stime (fields 14 and 15 of /proc/PID/stat, all threads included) of
# the process tree, in clock ticks. The comm field may hold spaces, so the
# fields are counted after its closing parenthesis.
bench_cpu_ticks() { # PID
	local p sum=0 rest
	for p in $(bench_tree "$1"); do
		rest=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		# shellcheck disable=SC2086  # split into the stat fields
		set -- $rest
		sum=$((sum + ${12} + ${13}))
	done
	echo "$sum"
}

bench_rss_kb() { # PID -> VmRSS of that process, KiB
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# Proportional set size summed over the process tree, KiB: for forked servers
# (NSD) pages shared copy-on-write are counted once, not once per process.
bench_pss_kb() { # PID
	local p sum=0 v
	for p in $(bench_tree "$1"); do
		v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

# Median of numbers, one per line on stdin ("-" when there are none).
bench_median() {
	sort -g | awk '{ v[NR] = $1 }
	END {
		if (NR == 0) { print "-"; exit }
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}
