#!/usr/bin/env bash
# Usage: run-tests.sh [--scenarios] [NAME-PATTERN...]
# Runs every host unit test binary in $BUILD/tests/unit/ (unless --scenarios) and every
# tests/scenarios/*.scn whose name matches one of the patterns (all when none is given),
# TEST_JOBS (2) scenarios at a time, results in a stable order. Ends with a summary of the
# failures and, as its very last line, "N passed, N failed". Exit 1 if anything failed or nothing ran.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
jobs=${TEST_JOBS:-2}

units=1
if [ "${1:-}" = --scenarios ]; then
    units=0
    shift
fi
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
fi

scenarios=()
for scn in tests/scenarios/*.scn; do
    [ -f "$scn" ] || continue
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

passed=$(grep -c '^PASS:' "$out/results" 2>/dev/null || true)
failed=$(grep -c '^FAIL:' "$out/results" 2>/dev/null || true)
if [ "${failed:-0}" -gt 0 ]; then
    echo
    echo "Failures:"
    grep '^FAIL:' "$out/results" | sed 's/^/  /'
fi
echo "${passed:-0} passed, ${failed:-0} failed"
[ "${failed:-0}" -eq 0 ] && [ "${passed:-0}" -gt 0 ]
