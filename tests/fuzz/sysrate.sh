#!/bin/bash
# sysrate.sh LOG MIN_CALLS: from a system-call fuzzer's serial log (appliance/fuzz/sysfuzz.c), the
# calls it made and their rate (TSC ticks from its summary line, the TSC's rate from the
# hypervisor's boot line); fails when fewer than MIN_CALLS were made. Prints
# "seed S: N calls, R per second (BENCH fuzz_syscalls_per_s R), kernel memory in use ...".
set -euo pipefail
log=$1 min=$2
khz=$(grep -ao '(hv) TSC [0-9]* kHz' "$log" | awk '{ print $3 }')
line=$(grep -a 'sysfuzz: seed=' "$log" | tail -n 1)
seed=$(sed -n 's/.* seed=\([0-9]*\) .*/\1/p' <<<"$line")
calls=$(sed -n 's/.* calls=\([0-9]*\) .*/\1/p' <<<"$line")
tsc=$(sed -n 's/.* tsc=\(0x[0-9a-f]*\).*/\1/p' <<<"$line")
mem=$(grep -a 'sysfuzz: kernel memory in use' "$log" | tail -n 1 | sed 's/.*sysfuzz: //; s/\r//; s/;.*//')
if [ -z "$khz" ] || [ -z "$calls" ] || [ -z "$tsc" ]; then
    echo "no summary line or TSC rate in the log"
    exit 1
fi
rate=$(awk -v c="$calls" -v t="$((tsc))" -v k="$khz" 'BEGIN { printf "%d", c / (t / (k * 1000)) }')
echo "seed $seed: $calls calls, $rate per second (BENCH fuzz_syscalls_per_s $rate), $mem"
[ "$calls" -ge "$min" ]
