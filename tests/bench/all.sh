#!/usr/bin/env bash
# make bench: every benchmark, as machine-readable "BENCH <key> <number> <unit>" lines, then the
# lmbench table, the check of every figure against tests/bench/targets.txt, and the report
# ($BUILD/bench/report.md with SVG plots, tests/bench/report.sh).
#
# Instruction counts come from runs under -icount shift=0 (deterministic); the wall-clock ratios
# come from one run without icount, where the guest's TSC follows the host's clock, and compare
# two measurements of that same run only. bench=events runs twice: under icount for its
# instruction count, without it for the timer latency (a real-time figure). Then the lmbench
# probes in our appliance and in a Linux VM, side by side; last the network, HTTP, boot-time and
# memory figures against the same Linux VM (wall time; tests/bench/net.sh, boot-http.sh).
#
# Every step runs whatever an earlier one did; a step that fails says why (its own message, then
# "all.sh: STEP failed") and its figures are missing. tests/bench/check-results.sh then fails
# make bench (exit 1) for every missing, zero, negative or implausible figure and every missed
# target of a finished issue, and lists them; targets of open issues are reported only.
# Logs and the collected lines ($run/results) go to $BUILD/bench/runs/<run>/ ($BUILD/bench/latest
# is the newest run; tests/lib/run-dir.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
# shellcheck source=tests/lib/run-dir.sh
source tests/lib/run-dir.sh
unset TEST_RUN_DIR
run_dir_init "$BUILD/bench" latest
run=$TEST_RUN_DIR
results=$run/results
: >"$results"
failed_steps=()

# step NAME KEEP COMMAND...: runs COMMAND (its stdout kept in $run/NAME.out, its stderr shown);
# the BENCH lines whose key matches the regex KEEP are printed and collected.
step()
{
    local name=$1 keep=$2 status=0
    shift 2
    "$@" >"$run/$name.out" </dev/null || status=$?
    if [ -n "$keep" ]; then
        awk -v keep="$keep" '$1 == "BENCH" && $2 ~ keep' "$run/$name.out" | tee -a "$results"
    fi
    if [ "$status" -ne 0 ]; then
        echo "all.sh: $name failed (exit status $status): its figures are missing" >&2
        failed_steps+=("$name")
    fi
}
value() { awk -v k="$1" '$1 == "BENCH" && $2 == k { print $3 }' "$2"; }
# A derived ratio A/B, printed and collected only when both are positive numbers.
derive() # KEY A B FILE-OF-A-AND-B
{
    local a b
    a=$(value "$2" "$4") b=$(value "$3" "$4")
    if awk -v a="$a" -v b="$b" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a > 0 && b > 0) }'; then
        awk -v k="$1" -v a="$a" -v b="$b" 'BEGIN { printf "BENCH %s %.4g ratio\n", k, a / b }' |
            tee -a "$results"
    else
        echo "all.sh: $1 not computed: $2 = '${a}', $3 = '${b}'" >&2
    fi
}

# The image's size: the ISO that make run boots and make images converts.
step size '^iso_bytes$' bash -c 'echo "BENCH iso_bytes $(stat -c %s "$BUILD/appliance.iso") bytes"'
step syscall . bash tests/bench/run-bench.sh --raw bench=syscall
step mmu . bash tests/bench/run-bench.sh --raw bench=mmu
step events '^event_roundtrip_insns$' bash tests/bench/run-bench.sh --raw bench=events
step events-wall '^timer_latency_us' env ICOUNT=none bash tests/bench/run-bench.sh --raw bench=events
derive pte_update_batched_over_single_ratio pte_update_batched_insns pte_update_single_insns "$results"
derive pte_update_multicall_over_single_ratio pte_update_multicall_insns pte_update_single_insns "$results"

# Wall clock: the same guest loops, TSC ticks instead of instructions; only ratios are quoted.
# These measure QEMU's TCG emulation (an exception costs TCG far more than an instruction), not
# hardware; one boot per mode, since earlier work in a boot changes TCG's caches.
step syscall-wall '' env ICOUNT=none bash tests/bench/run-bench.sh --raw bench=syscall
step mmu-wall '' env ICOUNT=none bash tests/bench/run-bench.sh --raw bench=mmu
cat "$run/syscall-wall.out" "$run/mmu-wall.out" >"$run/wall.out"
for pair in syscall_bounce_insns:syscall_fast_insns pte_update_single_insns:pte_update_batched_insns \
    ctxswitch_unbatched_insns:ctxswitch_multicall_insns; do
    a=${pair%%:*} b=${pair#*:}
    derive "tcg_wall_${a%_insns}_over_${b%_insns}_ratio" "$a" "$b" "$run/wall.out"
done

# lmbench: the same ring-3 probe program in our appliance and as /init of a Linux VM in the same
# QEMU, both under -icount shift=0 (lmbench-appliance.sh, linux-vm.sh). The Linux VM runs with
# its default mitigations (linux_) and with mitigations=off (linux_nomitig_).
step lmbench-ours '^lat_' bash tests/bench/lmbench-appliance.sh
step lmbench-linux '^linux_lat_' bash tests/bench/linux-vm.sh
step lmbench-linux-nomitig '^linux_nomitig_lat_' \
    bash tests/bench/linux-vm.sh --prefix linux_nomitig_ --cmdline mitigations=off
# The network and the web appliance (issues 12 and 13): TCG wall time without icount, so the
# figures compare within this run only. Our appliance and the Linux VM boot side by side on the
# same QEMU, card model and forwards, with the same static echod, netbulk and httpd, and are
# measured in turns (tests/bench/net.sh); virtio-net keys have no infix, e1000's "e1000_". Each
# kernel serves with its own web server (ours: httpd; Linux: busybox's), and the other one too,
# on a second port; a third VM, ours with fasttrap=off, joins the HTTP rounds. Then boot to the
# first 200 and the least memory (boot-http.sh). Last the fuzzers' rates and a short soak.
step net-virtio . bash tests/bench/net.sh --http
step net-e1000 . bash tests/bench/net.sh --nic e1000
# The same traffic's cost in guest instructions under -icount shift=0 (net.sh --insns): what each
# side executes per round trip, connection and MB, whatever the machine's load.
step net-insns-virtio . bash tests/bench/net.sh --insns
step net-insns-e1000 . bash tests/bench/net.sh --insns --nic e1000
step boot-http '^(linux_)?(boot_to_http|min_ram)' bash tests/bench/boot-http.sh
# Hardening (issue 15): the fuzzers' rates in calls per second of TCG wall time (the fixed-seed
# scenarios make test runs; their check line carries "BENCH fuzz_..._per_s R" inside a sentence),
# and the soak shortened to SOAK_BENCH_SECONDS (30; make test runs 120 s, make soak SOAK_SECONDS):
# its requests, errors and memory growth (tests/net/soak.sh).
fuzz_rate() # SCENARIO
{
    bash tests/qemu/run-scenario.sh "tests/scenarios/$1.scn" |
        grep -o 'BENCH fuzz_[a-z_]* [0-9][0-9]*' | sed 's|$| calls/s|'
}
step fuzz-hypercalls '^fuzz_' fuzz_rate fuzz-hypercalls
step fuzz-syscalls '^fuzz_' fuzz_rate fuzz-syscalls
step soak '^soak_' bash tests/net/soak.sh "${SOAK_BENCH_SECONDS:-30}"

# The Linux column is named after the kernel the VM said it ran.
linux_label=$(sed -n 's/^# kernel: //p' "$run/lmbench-linux.out" | head -n 1)
linux_label=${linux_label:-Linux (unknown: the VM did not say)}
probes="null write pagefault mmap fork fork_big exec pipe"
for p in $probes; do
    derive "lat_${p}_over_linux_ratio" "lat_${p}_insns" "linux_lat_${p}_insns" "$results"
done
table=$(printf '%-15s %10s %10s %7s\n' probe ours linux ratio)
for p in $probes; do
    o=$(value "lat_${p}_insns" "$results") l=$(value "linux_lat_${p}_insns" "$results")
    r=$(value "lat_${p}_over_linux_ratio" "$results")
    table+=$'\n'$(printf '%-15s %10s %10s %7s' "lat_$p" "${o:--}" "${l:--}" "${r:--}")
done
echo
echo "lmbench, guest instructions per operation (QEMU TCG, -icount shift=0): ours against $linux_label"
echo "$table"

echo
echo "Targets (tests/bench/targets.txt); figures and logs in $run"
status=0
bash tests/bench/check-results.sh "$results" tests/bench/targets.txt || status=1

# The report: one table of every figure (ours, Linux's, ratio, target) and gnuplot SVG plots,
# in $BUILD/bench/ (report.md, *.svg); a copy stays in the run's directory.
echo
if bash tests/bench/report.sh "$results" tests/bench/targets.txt "$BUILD/bench" "$linux_label"; then
    cp "$BUILD/bench/report.md" "$BUILD"/bench/*.svg "$run/" 2>/dev/null || true
else
    echo "all.sh: the report has no figure" >&2
    status=1
fi
if [ ${#failed_steps[@]} -gt 0 ]; then
    echo "bench: FAILED steps: ${failed_steps[*]} (their messages are above)"
    status=1
fi
exit "$status"
