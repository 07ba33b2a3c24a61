#!/usr/bin/env bash
# Usage: lmbench-appliance.sh
# Our side of the lmbench comparison: boots the hypervisor and guest under QEMU -kernel with
# -icount shift=0 and the guest command line init=/bin/lmbench, so the guest kernel runs the
# appliance's /bin/lmbench as its first ring-3 program (the same binary as the Linux VM's /init;
# see linux-vm.sh). Prints lmbench's "BENCH lat_..._insns" lines, which reach the serial console
# raw (the kernel's lines start with "(guest) ", the hypervisor's with "(hv) "). Fails with the
# end of the log when they do not all appear, when lmbench reports a failed probe, or when the
# guest did not power off. The log is kept in $TEST_RUN_DIR/lmbench-appliance.log (make bench's
# run directory), or $BUILD/bench/lmbench-appliance.log when run alone.
# Environment: BUILD (build), ICOUNT (shift=0; none: no icount), LMBENCH_TIMEOUT (300 s).
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
die() { echo "lmbench-appliance.sh: $*" >&2; exit 1; }

for f in "$BUILD/hypervisor/hv.elf" "$BUILD/guest/guest.elf" "$BUILD/appliance/initramfs.cpio"; do
    [ -f "$f" ] || die "$f missing: run make hypervisor guest initramfs first"
done
logdir=${TEST_RUN_DIR:-$BUILD/bench}
mkdir -p "$logdir"
log=$logdir/lmbench-appliance.log
: >"$log"
icount=()
[ "${ICOUNT:-shift=0}" = none ] || icount=(-icount "${ICOUNT:-shift=0}")

timeout=${LMBENCH_TIMEOUT:-300}
start=$(date +%s%N)
status=0
ACCEL=tcg timeout "$timeout" bash image/qemu.sh --boot kernel --hv-args "exit=debug" \
    --guest-args "init=/bin/lmbench" --net none --serial-file "$log" -- "${icount[@]}" \
    </dev/null || status=$?
secs=$((($(date +%s%N) - start) / 1000000000))
echo "lmbench-appliance.sh: boot + lmbench: ${secs} s wall time, QEMU status $status, log $log" >&2

lines=$(tr -d '\r' <"$log" | grep '^BENCH lat_' || true)
why=""
if [ "$status" -eq 124 ]; then
    why="timeout after $timeout s"
elif [ -z "$lines" ]; then
    why="no BENCH lat_ lines: does the guest kernel run init=/bin/lmbench yet?"
elif grep -q '^lmbench: ' < <(tr -d '\r' <"$log"); then
    why="lmbench reported: $(tr -d '\r' <"$log" | grep -m1 '^lmbench: ')"
elif ! grep -qx '# lmbench: done' < <(tr -d '\r' <"$log"); then
    why="lmbench did not finish (killed, or the guest stopped it)"
elif [ "$status" -ne 1 ]; then
    why="QEMU exit status $status, wanted 1 (guest poweroff after lmbench's reboot(RB_POWER_OFF))"
fi
[ -z "$lines" ] || echo "$lines"
if [ -n "$why" ]; then
    echo "lmbench-appliance.sh: FAILED: $why; last lines of $log:" >&2
    tail -n 20 "$log" | sed 's/^/    /' >&2
    exit 1
fi
