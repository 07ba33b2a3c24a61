#!/usr/bin/env bash
# make bench: every benchmark, as machine-readable "BENCH <key> <number> <unit>" lines.
# Instruction counts come from runs under -icount shift=0 (deterministic); the wall-clock
# ratios come from one run without icount, where the guest's TSC follows the host's clock, and
# compare two measurements of that same run only. bench=events runs twice: under icount for
# its instruction count, without it for the timer latency (a real-time figure).
set -euo pipefail
cd "$(dirname "$0")/../.."

bench() { # guest-args [extra env] -> BENCH lines
    bash tests/bench/run-bench.sh "$1" | awk 'NR > 1 { print "BENCH", $1, $2, $3 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
value() { awk -v k="$1" '$2 == k { print $3 }' <<<"$2"; }

out=$(bench bench=syscall; bench bench=mmu)
echo "$out"
bench bench=events | grep -F event_roundtrip_insns
ICOUNT=none bench bench=events | grep -F timer_latency_us
echo "BENCH pte_update_batched_over_single_ratio $(ratio "$(value pte_update_batched_insns "$out")" "$(value pte_update_single_insns "$out")") ratio"
echo "BENCH pte_update_multicall_over_single_ratio $(ratio "$(value pte_update_multicall_insns "$out")" "$(value pte_update_single_insns "$out")") ratio"

# Wall clock: the same guest loops, TSC ticks instead of instructions; only ratios are quoted.
# These measure QEMU's TCG emulation (an exception costs TCG far more than an instruction), not
# hardware; one boot per mode, since earlier work in a boot changes TCG's caches.
wall=$(ICOUNT=none bench bench=syscall; ICOUNT=none bench bench=mmu)
for pair in syscall_bounce_insns:syscall_fast_insns pte_update_single_insns:pte_update_batched_insns \
    ctxswitch_unbatched_insns:ctxswitch_multicall_insns; do
    a=${pair%%:*} b=${pair#*:}
    echo "BENCH tcg_wall_${a%_insns}_over_${b%_insns}_ratio $(ratio "$(value "$a" "$wall")" "$(value "$b" "$wall")") ratio"
done
