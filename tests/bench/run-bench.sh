#!/usr/bin/env bash
# Usage: run-bench.sh [--raw] [GUEST-ARGS]   (default: bench=syscall)
# Boots the hypervisor and guest under QEMU -kernel with -icount shift=0, so the guest's rdtsc
# counts guest instructions (ICOUNT=none: no icount, the TSC follows the host clock), and prints
# the guest's "BENCH <key> <value> <unit>" lines as a table (with --raw, as they are). Only a run
# that ended well prints anything: QEMU's exit status must be 1 (the guest powered off), the guest
# must have printed BENCH lines and no "bench=...: error:" line; otherwise exit 1 with the reason
# and the end of the log on stderr. The serial log is $TEST_RUN_DIR/bench-GUEST-ARGS.log when
# TEST_RUN_DIR is set (make bench's run directory), else a temporary file. Environment: BUILD
# (build), ICOUNT (shift=0), TIMEOUT (300 s).
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
raw=0
if [ "${1:-}" = --raw ]; then
    raw=1
    shift
fi
guest_args=${1:-bench=syscall}
if [ -n "${TEST_RUN_DIR:-}" ]; then
    log=$TEST_RUN_DIR/bench-$(tr -c 'A-Za-z0-9=\n' '_' <<<"$guest_args")${ICOUNT:+-icount-$ICOUNT}.log
else
    log=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX")
    trap 'rm -f "$log"' EXIT
fi

for f in "$BUILD/hypervisor/hv.elf" "$BUILD/guest/guest.elf"; do
    [ -f "$f" ] || { echo "run-bench.sh: $f missing: run make first" >&2; exit 2; }
done
icount=()
[ "${ICOUNT:-shift=0}" = none ] || icount=(-icount "${ICOUNT:-shift=0}")

status=0
ACCEL=tcg timeout "${TIMEOUT:-300}" bash image/qemu.sh --boot kernel --hv-args "exit=debug" \
    --guest-args "$guest_args" --initrd "" --net none --serial-file "$log" -- "${icount[@]}" \
    </dev/null || status=$?

why=""
if [ "$status" -eq 124 ]; then
    why="timeout after ${TIMEOUT:-300} s"
elif grep -aq '^(guest) bench=[a-z]*: error:' "$log"; then
    why=$(grep -a '^(guest) bench=[a-z]*: error:' "$log" | sed 's/^(guest) //' | paste -sd ';' -)
elif ! grep -aq '^(guest) BENCH ' "$log"; then
    why="no BENCH lines"
elif [ "$status" -ne 1 ]; then
    why="QEMU exit status $status, wanted 1 (guest poweroff)"
fi
if [ -n "$why" ]; then
    echo "run-bench.sh: $guest_args${ICOUNT:+ (ICOUNT=$ICOUNT)}: FAILED: $why; last lines of the log:" >&2
    tail -n 20 "$log" | sed 's/^/    /' >&2
    exit 1
fi
if [ "$raw" = 1 ]; then
    tr -d '\r' <"$log" | sed -n 's/^(guest) BENCH /BENCH /p'
    exit 0
fi
printf '%-40s %12s  %s\n' key value unit
tr -d '\r' <"$log" | sed -n 's/^(guest) BENCH //p' | while read -r key value unit; do
    printf '%-40s %12s  %s\n' "$key" "$value" "$unit"
done
