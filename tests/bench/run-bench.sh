#!/usr/bin/env bash
# Usage: run-bench.sh [GUEST-ARGS]   (default: bench=syscall)
# Boots the hypervisor and guest under QEMU -kernel with -icount shift=0, so the guest's rdtsc
# counts guest instructions (ICOUNT=none: no icount, the TSC follows the host clock), then prints the guest's "BENCH <key> <value> <unit>" lines as a table.
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
guest_args=${1:-bench=syscall}
log=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -f "$log"' EXIT

for f in "$BUILD/hypervisor/hv.elf" "$BUILD/guest/guest.elf"; do
    [ -f "$f" ] || { echo "run-bench.sh: $f missing: run make first" >&2; exit 2; }
done

status=0
ACCEL=tcg timeout "${TIMEOUT:-300}" bash image/qemu.sh --boot kernel --hv-args "exit=debug" \
    --guest-args "$guest_args" --initrd "" --net none --serial-file "$log" \
    -- $([ "${ICOUNT:-shift=0}" = none ] || echo "-icount ${ICOUNT:-shift=0}") || status=$?

if ! grep -q '^(guest) BENCH ' "$log"; then
    echo "run-bench.sh: no BENCH lines (QEMU status $status); last lines of the log:" >&2
    tail -n 20 "$log" | sed 's/^/    /' >&2
    exit 1
fi
printf '%-40s %12s  %s\n' key value unit
sed -n 's/^(guest) BENCH //p' "$log" | while read -r key value unit; do
    printf '%-40s %12s  %s\n' "$key" "$value" "$unit"
done
if [ "$status" -ne 1 ]; then
    echo "run-bench.sh: QEMU exit status $status, wanted 1 (guest poweroff)" >&2
    exit 1
fi
