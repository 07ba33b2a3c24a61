#!/usr/bin/env bash
# Usage: selftest.sh
# Checks run-ring3.sh's verdicts without booting: fake serial logs (RING3_SERIAL_DIR) built from
# real native runs, one per case (a pass with CRs and interleaved kernel lines, a changed line, a
# death by signal, missing markers, wrong statuses, an appliance-only program). Prints one
# "PASS: ring3-harness CASE" or "FAIL: ring3-harness CASE: got ..." line per case; exit 1 if any
# failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
work=$(mktemp -d "${TMPDIR:-/tmp}/ring3-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/serial" "$work/logs"
failed=0

# case program qemu-status expected-verdict (a prefix of the PASS/FAIL line after "ring3 NAME")
cases=(
    "pass         t_printf  1 PASS"
    "diff         t_tmp     1 FAIL: ring3 t_tmp: output differs from the native run"
    "signal       t_files   7 FAIL: ring3 t_files: init killed by signal 11"
    "no-start     t_poll    7 FAIL: ring3 t_poll: no '(guest) init: running' line"
    "no-end       t_select  124 FAIL: ring3 t_select: no '(guest) init exited' line (QEMU exit status 124, timeout"
    "status       t_time    7 FAIL: ring3 t_time: exit status 1 in the appliance, 0 natively"
    "qemu-status  t_pipe    7 FAIL: ring3 t_pipe: QEMU exit status 7, wanted 1"
    "other-init   t_auxv    1 FAIL: ring3 t_auxv: init ran '/tests/t_fork', not /tests/t_auxv"
    "only-pass    t_oom     1 PASS"
    "only-fail    t_oom     7 FAIL: ring3 t_oom: exit status 1"
)

# The program's real native output, then a serial log around it.
fake()
{
    local kind=$1 name=$2 args native
    args=$(sed -n 's/^.*ring3-args:[[:space:]]*//p' "appliance/tests/$name.c" | sed 's/[[:space:]]*\*\/.*$//')
    if [ "$name" = t_oom ]; then
        native=$'ok - /proc/meminfo has MemTotal and MemFree\n# 1 checks, 0 failed'
    else
        # shellcheck disable=SC2086 # words
        native=$(bash tests/ring3/native-run.sh "$BUILD/appliance/rootfs" 60 "/tests/$name" $args 2>&1)
    fi
    local status=0
    case $kind in
    diff) native=$(sed '3s/$/ (changed)/' <<<"$native") ;;
    status | only-fail) status=1 ;;
    esac
    {
        echo "(hv) ringvisor 0.1: Xen 2.0 x86_32 paravirtual hypervisor"
        echo "(guest) ringvisor guest kernel, ring 1, Xen ABI version 2.0"
        case $kind in
        no-start) ;;
        other-init) echo "(guest) init: running /tests/t_fork" ;;
        *) echo "(guest) init: running /tests/$name${args:+ $args}" ;;
        esac
        local i=0
        while IFS= read -r line; do
            printf '%s\r\n' "$line"
            i=$((i + 1))
            if [ $((i % 4)) = 0 ]; then echo "(guest) unknown system call 1000 (logged once)"; fi
            if [ $((i % 7)) = 0 ]; then echo "(hv) d0 something refused -> -EPERM"; fi
        done <<<"$native"
        case $kind in
        no-end) ;;
        signal) echo "(guest) init killed by signal 11" ;;
        *) echo "(guest) init exited with status $status" ;;
        esac
        echo "(guest) shutting down: poweroff"
        echo "some trailing noise"
    } >"$work/serial/$name.serial"
}

for c in "${cases[@]}"; do
    read -r kind name qstatus want <<<"$c"
    fake "$kind" "$name"
    echo "$qstatus" >"$work/serial/$name.status"
    got=$(RING3_SERIAL_DIR=$work/serial RING3_LOG_DIR=$work/logs TEST_JOBS=1 \
        bash tests/ring3/run-ring3.sh "$name" | head -n 1) || true
    if [ "$want" = PASS ] && [ "$got" = "PASS: ring3 $name" ]; then
        echo "PASS: ring3-harness $kind"
    elif [ "$want" != PASS ] && [ "${got#"$want"}" != "$got" ]; then
        echo "PASS: ring3-harness $kind"
    else
        echo "FAIL: ring3-harness $kind: got \"$got\", want \"$want...\""
        failed=1
    fi
done
exit "$failed"
