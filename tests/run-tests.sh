#!/usr/bin/env bash
# Usage: run-tests.sh [--scenarios | --ring3] [NAME-PATTERN...]
# Runs every host unit test binary in $BUILD/tests/unit/ and the ring-3 harness's self-test
# (unless --scenarios or --ring3), every tests/scenarios/*.scn (unless --ring3), then every ring-3
# test program appliance/tests/*.c natively and in the appliance (tests/ring3/run-ring3.sh; unless
# --scenarios), those whose name matches one of the patterns (all when none is given), TEST_JOBS (2)
# boots at a time, results in a stable order. Ends with a summary of the failures and, as its very
# last line, "N passed, N failed". Exit 1 if anything failed or nothing ran.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
jobs=${TEST_JOBS:-2}

units=1 scenarios_on=1 ring3=1
case ${1:-} in
--scenarios) units=0 ring3=0; shift ;;
--ring3) units=0 scenarios_on=0; shift ;;
esac
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=("*")

out=$(mktemp -d "${TMPDIR:-/tmp}/run-tests.XXXXXX")
trap 'rm -rf "$out"' EXIT

# Everything goes to the terminal and to the tally (which counts only PASS:/FAIL: lines).
report()
{
    tee -a "$out/results"
}

if [ "$units" = 1 ]; then
    for t in "$BUILD"/tests/unit/*; do
        if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
        status=0
        "$t" >"$out/unit.out" 2>&1 || status=$?
        if [ "$status" -ne 0 ] && ! grep -q '^FAIL:' "$out/unit.out"; then
            # A crash (sanitizer, signal) before the binary could report: make it count.
            echo "FAIL: unit $(basename "$t"): exit status $status" >>"$out/unit.out"
        fi
        report <"$out/unit.out"
    done
    # The ring-3 comparison harness judged against fake serial logs (no boot).
    bash tests/ring3/selftest.sh 2>&1 | report || true
fi

scenarios=()
for scn in tests/scenarios/*.scn; do
    if [ ! -f "$scn" ] || [ "$scenarios_on" = 0 ]; then continue; fi
    name=$(basename "$scn" .scn)
    for p in "${patterns[@]}"; do
        # shellcheck disable=SC2053 # a glob match is the point
        if [[ $name == $p ]]; then
            scenarios+=("$scn")
            break
        fi
    done
done

# Scenarios run in the background, at most $jobs at once; each writes $out/N.out, then $out/N.done.
# Finished results are printed in order as soon as all earlier ones are in.
next=0
flush()
{
    while [ "$next" -lt "${#scenarios[@]}" ] && [ -f "$out/$next.done" ]; do
        report <"$out/$next.out"
        next=$((next + 1))
    done
}
running=0
for i in "${!scenarios[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    { bash tests/qemu/run-scenario.sh "${scenarios[$i]}" >"$out/$i.out" 2>&1 || true
        touch "$out/$i.done"; } &
    running=$((running + 1))
    flush
done
wait
flush

# Ring-3 programs, native run against the appliance (its own TEST_JOBS boots at a time).
if [ "$ring3" = 1 ]; then
    bash tests/ring3/run-ring3.sh "${patterns[@]}" 2>&1 | report || true
    # The same programs with every system call bounced through the hypervisor: the results must
    # not depend on the path (those that lean hardest on system calls, when no pattern is given).
    if [ "${patterns[*]}" = "*" ]; then
        RING3_GUEST_ARGS=fasttrap=off bash tests/ring3/run-ring3.sh t_fork t_exec t_pipe t_signals \
            t_tls t_efault 2>&1 | report || true
    fi
fi

passed=$(grep -c '^PASS:' "$out/results" 2>/dev/null || true)
failed=$(grep -c '^FAIL:' "$out/results" 2>/dev/null || true)
if [ "${failed:-0}" -gt 0 ]; then
    echo
    echo "Failures:"
    grep '^FAIL:' "$out/results" | sed 's/^/  /'
fi
echo "${passed:-0} passed, ${failed:-0} failed"
[ "${failed:-0}" -eq 0 ] && [ "${passed:-0}" -gt 0 ]
