#!/usr/bin/env bash
# make bench: every benchmark, as machine-readable "BENCH <key> <number> <unit>" lines.
# Instruction counts come from runs under -icount shift=0 (deterministic); the wall-clock
# ratios come from one run without icount, where the guest's TSC follows the host's clock, and
# compare two measurements of that same run only. bench=events runs twice: under icount for
# its instruction count, without it for the timer latency (a real-time figure). Last, the lmbench
# probes in our appliance and in a Linux VM, side by side; a failed side fails make bench (exit
# 1), after everything else has been printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}

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

# lmbench: the same ring-3 probe program in our appliance and as /init of a Debian Linux VM in
# the same QEMU, both under -icount shift=0 (lmbench-appliance.sh, linux-vm.sh). The Linux VM runs
# with its default mitigations (linux_) and with mitigations=off (linux_nomitig_). A side that
# fails (ours, while the guest kernel cannot run lmbench yet) leaves its column empty and fails
# make bench.
status=0
linux=$(bash tests/bench/linux-vm.sh) || status=1
nomitig=$(bash tests/bench/linux-vm.sh --prefix linux_nomitig_ --cmdline mitigations=off) || status=1
ours=$(bash tests/bench/lmbench-appliance.sh) || status=1
for lines in "$ours" "$linux" "$nomitig"; do
    [ -z "$lines" ] || echo "$lines"
done
# probe:target, the most ours/Linux may be (issue 6): null 1/5, fork 1/2, the rest Linux's own.
targets="lat_null:0.2 lat_write:1.0 lat_pagefault:1.0 lat_mmap:1.0 lat_fork:0.5 lat_exec:1.0 lat_pipe:1.0"
table=$(printf '%-15s %10s %10s %7s %7s  %s\n' probe ours linux ratio target met)
dat=""
for pt in $targets; do
    p=${pt%%:*} target=${pt#*:}
    o=$(value "${p}_insns" "$ours") l=$(value "linux_${p}_insns" "$linux")
    r=- met="no (not measured)"
    if [ -n "$o" ] && [ -n "$l" ]; then
        r=$(ratio "$o" "$l")
        echo "BENCH ${p}_over_linux_ratio $r ratio"
        met=$(awk -v o="$o" -v l="$l" -v t="$target" 'BEGIN { print (o <= t * l) ? "yes" : "no" }')
    fi
    table+=$'\n'$(printf '%-15s %10s %10s %7s %7s  %s' "$p" "${o:--}" "${l:--}" "$r" "<= $target" "$met")
    dat+="${p#lat_} ${o:-NaN} ${l:-NaN}"$'\n'
done
echo
echo "lmbench, guest instructions per operation (QEMU TCG, -icount shift=0); target: ours/linux"
echo "$table"

# A bar chart, only where gnuplot happens to be installed (it is no dependency of ours).
if command -v gnuplot >/dev/null && [ -n "$ours$linux" ]; then
    mkdir -p "$BUILD/bench"
    png=$BUILD/bench/lmbench.png
    printf '%s' "$dat" >"$BUILD/bench/lmbench.dat"
    linux_bars='title "Linux 6.1 (Debian 12)" lc rgb "#3a9e6f"'
    series="using 3:xtic(1) $linux_bars"
    [ -z "$ours" ] || series="using 2:xtic(1) title \"ringvisor\" lc rgb \"#8e44ad\", \"\" using 3 $linux_bars"
    rm -f "$png"
    if gnuplot <<GNUPLOT; then
set terminal png size 900,500 noenhanced
set output "$png"
set title "lmbench: guest instructions per operation (QEMU -icount shift=0; lower is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [1:*]
set ylabel "instructions"
set xlabel "lat_* probe"
set grid ytics
set key top left
plot "$BUILD/bench/lmbench.dat" $series
GNUPLOT
        echo "lmbench chart: $png"
    else
        rm -f "$png"
        echo "all.sh: gnuplot failed; no chart" >&2
    fi
fi
[ "$status" -eq 0 ] || echo "all.sh: lmbench comparison incomplete: a side failed (its message is above)" >&2
exit "$status"
