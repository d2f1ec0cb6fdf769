#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Times loading and checking one large zone with dynzone, BIND and Knot:
# wall time and peak RSS, runs interleaved, medians, ratios to dynzone.
#
# usage: bench/zone_load.sh [RECORDS [RUNS]]    (defaults 1000000 and 3)
# env:   DZ_BUILD (default ./build), the build whose dynzone is measured
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
records=${1:-1000000}
runs=${2:-3}
origin=bench.test.
build=${DZ_BUILD:-$top/build}
out=$top/bench/out
zone=$out/bench-$records.zone
PATH=$PATH:/usr/sbin:/sbin
TIME=/usr/bin/time

if [ ! -x "$TIME" ]; then
	echo "$0: $TIME is missing (apt-get install time)" >&2
	exit 1
fi
mkdir -p "$out"
if [ ! -s "$zone" ]; then
	/usr/bin/python3 "$top/bench/gen_zone.py" --records "$records" \
		--origin "$origin" --out "$zone.tmp"
	mv "$zone.tmp" "$zone"
fi

# A contender that is missing or cannot check a small zone is left out with
# a note (dynzone before `check zone` existed).
# Runs one contender under /usr/bin/time, which writes "wall-s peak-RSS-KiB"
# to $stats.
stats=$out/time.out
timed() { # NAME ZONEFILE ORIGIN
	case $1 in
	dynzone) set -- "$build/dynzone" check zone "$2" "$3" ;;
	named-checkzone) set -- named-checkzone -i local "$3" "$2" ;;
	kzonecheck) set -- kzonecheck -o "$3" "$2" ;;
	esac
	"$TIME" -f '%e %M' -o "$stats" "$@"
}
contenders=
for name in dynzone named-checkzone kzonecheck; do
	if timed "$name" "$top/tests/data/zones/valid/minimal.zone" \
		example.test. >/dev/null 2>&1; then
		contenders="$contenders $name"
	else
		echo "note: $name is missing or cannot check a zone (yet): left out" >&2
	fi
done
if [ -z "$contenders" ]; then
	echo "$0: nothing to measure" >&2
	exit 1
fi

results=$out/zone_load-$records.tsv
: >"$results"
echo "zone: $zone ($records records), $runs runs each, interleaved" >&2
i=1
while [ "$i" -le "$runs" ]; do
	for name in $contenders; do
		if ! timed "$name" "$zone" "$origin" >/dev/null \
			2>"$out/$name.err"; then
			echo "$name failed on run $i:" >&2
			tail -n 5 "$out/$name.err" >&2
			exit 1
		fi
		printf '%s\t%s\n' "$name" "$(tail -n 1 "$stats")" >>"$results"
		printf '  run %d %-16s %s\n' "$i" "$name" "$(tail -n 1 "$stats")" >&2
	done
	i=$((i + 1))
done

# Medians per contender, then ratios to the first contender (dynzone when
# it is there): above 1 means slower / bigger than it.
awk -F'\t' '
{
	split($2, v, " ")
	n[$1]++; wall[$1, n[$1]] = v[1]; rss[$1, n[$1]] = v[2]
	if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 }
}
function median(arr, name, cnt,    i, j, t, a) {
	for (i = 1; i <= cnt; i++) a[i] = arr[name, i] + 0
	for (i = 1; i <= cnt; i++)
		for (j = i + 1; j <= cnt; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
}
END {
	printf "%-16s %10s %12s %10s %10s\n", "tool", "wall (s)", "peak RSS MB", "wall x", "RSS x"
	for (i = 1; i <= k; i++) {
		name = order[i]
		w[i] = median(wall, name, n[name]); r[i] = median(rss, name, n[name]) / 1024
	}
	for (i = 1; i <= k; i++)
		printf "%-16s %10.2f %12.1f %10.2f %10.2f\n", order[i], w[i], r[i],
			(w[1] > 0 ? w[i] / w[1] : 0), (r[1] > 0 ? r[i] / r[1] : 0)
}' "$results"
