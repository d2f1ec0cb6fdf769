#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Builds the libFuzzer targets (clang, DZ_FUZZ=ON) into build-fuzz/ and runs
# one target on its corpus for a given number of seconds.
#
# usage: fuzz/run.sh TARGET SECONDS     (TARGET as in fuzz/fuzz_TARGET.c)
#
# New inputs go to build-fuzz/scratch/TARGET/ (the committed corpus in
# fuzz/corpus/TARGET/ is only read); crashes go to build-fuzz/artifacts/TARGET/.
# Promote an interesting input by copying it into fuzz/corpus/TARGET/.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 TARGET SECONDS" >&2
	exit 2
fi
target=$1
seconds=$2
top=$(cd "$(dirname "$0")/.." && pwd)
build=${DZ_FUZZ_BUILD:-$top/build-fuzz}
src=$top/fuzz/fuzz_$target.c
corpus=$top/fuzz/corpus/$target

if [ ! -f "$src" ]; then
	echo "$0: no fuzz target $src" >&2
	exit 2
fi
case $seconds in
'' | *[!0-9]*)
	echo "$0: SECONDS must be a number" >&2
	exit 2
	;;
esac

# Inputs longer than the format allows only waste executions: a name is at
# most 255 octets, rdata 65535 (but the interesting ones are short), a DNS
# message over UDP/TCP up to 65535 (4 KiB covers EDNS-sized ones), zone-file
# text and journal records are kept small enough to mutate quickly.
case $target in
name) max_len=300 ;;
rdata* | rr*) max_len=1024 ;;
msg* | message* | update* | ixfr* | xfr*) max_len=4096 ;;
zonefile* | zone*) max_len=8192 ;;
journal*) max_len=8192 ;;
*) max_len=4096 ;;
esac

if [ ! -f "$build/CMakeCache.txt" ]; then
	CC=clang cmake -S "$top" -B "$build" -DDZ_FUZZ=ON >/dev/null
fi
cmake --build "$build" -j 2 --target "fuzz_$target" >/dev/null

scratch=$build/scratch/$target
artifacts=$build/artifacts/$target
mkdir -p "$scratch" "$artifacts" "$corpus"
dict=
if [ -f "$top/fuzz/$target.dict" ]; then
	dict=-dict=$top/fuzz/$target.dict
fi
log=$build/fuzz-$target.log

set +e
# shellcheck disable=SC2086 # $dict is empty or one word
"$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len="$max_len" \
	-print_final_stats=1 -artifact_prefix="$artifacts/" $dict \
	"$scratch" "$corpus" >"$log" 2>&1
rc=$?
set -e

# The last status line ("#N DONE cov: ... exec/s: ...") and the final stats.
grep -E '^#[0-9]+[[:space:]]+DONE|^stat::|^Done ' "$log" || tail -n 20 "$log"
if [ $rc -ne 0 ]; then
	tail -n 40 "$log" >&2
	echo "$0: fuzz_$target failed (exit $rc); artifacts in $artifacts, log in $log" >&2
fi
exit $rc
