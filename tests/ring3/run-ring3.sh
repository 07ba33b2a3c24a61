#!/usr/bin/env bash
# Usage: run-ring3.sh [--native] [NAME-PATTERN...]
# Runs every ring-3 test program appliance/tests/<name>.c and every shell test tests/shell/<name>.sh
# (run by busybox's sh, installed as /tests/shell/<name>.sh; those whose name matches one of the
# shell patterns; all when none is given) twice: natively on the host (tests/ring3/native-run.sh:
# the appliance's root file system and environment, in namespaces) and in the appliance, booted
# with init=/tests/<name>. The program's output in the appliance is the serial log between
# "(guest) init: running ..." and "(guest) init exited ...", without "(guest) "/"(hv) " lines and
# CRs. The two outputs must be equal line for line and both exit statuses 0.
# Prints exactly one verdict per program, "PASS: ring3 NAME" or "FAIL: ring3 NAME: REASON" (then the
# diff or the log's tail, indented), in name order, TEST_JOBS (2) boots at a time; a program whose
# run ended without a verdict (a harness error) gets "FAIL: ring3 NAME: harness error ...". Exit 1
# if any failed, or if no program matches the patterns ("FAIL: ring3: nothing matches ...").
#
# Per-program settings, as lines in the program's opening comment:
#   ring3-args: WORD...      arguments (after argv[0]) for both runs
#   ring3-appliance-only     no native run (it would harm the host); passes when it exits 0
# --native runs only the native half (for a host without a working guest kernel yet).
# Environment: BUILD (build), TEST_JOBS (2), RING3_TIMEOUT (120: seconds per boot),
# RING3_NATIVE_TIMEOUT (60), ACCEL (tcg), RING3_GUEST_ARGS (guest options before init=, e.g.
# fasttrap=off: the results are then reported as "ring3[fasttrap=off] NAME"). RING3_SERIAL_DIR=dir replaces each boot by dir/NAME.serial
# (QEMU's exit status from dir/NAME.status, default 1): tests/ring3/selftest.sh checks the
# verdicts that way. Logs: ring3-NAME.{native,appliance,serial} in RING3_LOG_DIR, by default the
# run's directory (tests/lib/run-dir.sh: $TEST_RUN_DIR, $BUILD/tests/logs pointing at the newest).
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
jobs=${TEST_JOBS:-2}
boot_timeout=${RING3_TIMEOUT:-120}
guest_args=${RING3_GUEST_ARGS:-}
label=ring3 tag=""
if [ -n "$guest_args" ]; then
    label="ring3[$guest_args]"
    tag="-$(echo "$guest_args" | tr -c 'A-Za-z0-9=\n' '_')"
fi
native_timeout=${RING3_NATIVE_TIMEOUT:-60}

native_only=0
if [ "${1:-}" = --native ]; then
    native_only=1
    shift
fi
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=("*")

rootfs=$BUILD/appliance/rootfs
if [ -n "${RING3_LOG_DIR:-}" ]; then
    logdir=$RING3_LOG_DIR
else
    # shellcheck source=tests/lib/run-dir.sh
    source tests/lib/run-dir.sh
    run_dir_init "$BUILD/tests" logs
    logdir=$TEST_RUN_DIR
fi
mkdir -p "$logdir"
# shellcheck source=tests/lib/ordered-jobs.sh
source tests/lib/ordered-jobs.sh
out=$(mktemp -d "${TMPDIR:-/tmp}/run-ring3.XXXXXX")
trap 'rm -rf "$out"' EXIT

# The value of a "ring3-KEY:" setting in the program's source (empty if absent).
setting()
{
    sed -n "s/^.*ring3-$2:[[:space:]]*//p" "$1" | sed 's/[[:space:]]*\*\/.*$//; s/[[:space:]]*$//' |
        head -n 1
}

indent()
{
    sed 's/^/    /'
}

# The FAIL line of the program run_one is working on ($name), then file $2 (if any) indented.
fail()
{
    echo "FAIL: $label $name: $1"
    if [ -n "${2:-}" ] && [ -s "$2" ]; then indent <"$2"; fi
    return 0
}

# One program: prints its PASS/FAIL line (and details) on stdout.
run_one()
{
    local name=$1 src=appliance/tests/$1.c prog=/tests/$1 interp=""
    if [ ! -f "$src" ] && [ -f "tests/shell/$1.sh" ]; then # a shell test: busybox's sh runs it
        src=tests/shell/$1.sh prog=/tests/shell/$1.sh interp="/bin/sh "
    fi
    local nlog=$logdir/ring3$tag-$name.native alog=$logdir/ring3$tag-$name.appliance
    local slog=$logdir/ring3$tag-$name.serial work=$out/$name
    local args only=0 nstatus=0 qstatus=0
    mkdir -p "$work"
    args=$(setting "$src" args)
    if grep -q 'ring3-appliance-only' "$src"; then only=1; fi
    rm -f "$nlog" "$alog" "$slog"

    if [ ! -f "$rootfs$prog" ]; then
        fail "$rootfs$prog is missing (make initramfs)"
        return
    fi

    # (a) natively.
    if [ "$only" = 0 ]; then
        # shellcheck disable=SC2086 # the arguments are words
        bash tests/ring3/native-run.sh "$rootfs" "$native_timeout" $interp"$prog" $args \
            >"$nlog" 2>&1 || nstatus=$?
        if [ "$nstatus" -eq 125 ] && grep -q '^native-run: ' "$nlog"; then
            fail "native sandbox: $(grep '^native-run: ' "$nlog" | head -n 1 | cut -c13-)"
            return
        elif [ "$nstatus" -eq 124 ]; then
            tail -n 20 "$nlog" >"$work/tail"
            fail "native run timed out after ${native_timeout}s" "$work/tail"
            return
        elif [ "$nstatus" -ne 0 ]; then
            grep -a '^FAIL' "$nlog" >"$work/fails" || tail -n 20 "$nlog" >"$work/fails"
            fail "native run: exit status $nstatus (the test itself fails on the host)" "$work/fails"
            return
        fi
    fi
    if [ "$native_only" = 1 ]; then
        if [ "$only" = 1 ]; then
            echo "PASS: $label $name (appliance only: skipped)"
        else
            echo "PASS: $label $name (native only)"
        fi
        return
    fi

    # (b) in the appliance.
    local start end
    start=$(date +%s)
    if [ -n "${RING3_SERIAL_DIR:-}" ]; then
        cp "$RING3_SERIAL_DIR/$name.serial" "$slog" 2>/dev/null || : >"$slog"
        qstatus=$(cat "$RING3_SERIAL_DIR/$name.status" 2>/dev/null || echo 1)
    else
        FAIR_TIMEOUT_LOG="$slog" bash tests/lib/fair-timeout.sh "$boot_timeout" bash image/qemu.sh --boot kernel --hv-args "exit=debug" \
            --guest-args "${guest_args:+$guest_args }init=$interp$prog${args:+ $args}" \
            --net none --serial-file "$slog" \
            </dev/null 2>"$work/qemu.err" || qstatus=$?
        if [ -s "$work/qemu.err" ]; then
            sed 's/^/# qemu: /' "$work/qemu.err" >>"$slog"
        fi
    fi
    end=$(date +%s)
    echo "# run-ring3: QEMU exit status $qstatus after $((end - start)) s" >>"$slog"

    # The program's lines: after the first "init: running", up to "init exited/killed".
    tr -d '\r' <"$slog" | awk -v endf="$work/end" -v runf="$work/running" '
        !started && index($0, "(guest) init: running ") == 1 { started = 1; print > runf; next }
        !started { next }
        /^\(guest\) init (exited with status|killed by signal) / { print > endf; exit }
        /^\((guest|hv)\) / { next }
        { print }' >"$alog" || true
    tail -n 20 "$slog" >"$work/tail"
    local timed_out=""
    if [ "$qstatus" -eq 124 ] || [ "$qstatus" -eq 137 ]; then
        timed_out=", timeout after ${boot_timeout}s"
    fi
    local qemu_note=""
    if [ -s "$work/qemu.err" ]; then
        qemu_note=": $(tail -n 1 "$work/qemu.err")"
    fi
    if [ ! -s "$work/running" ]; then
        fail "no '(guest) init: running' line (QEMU exit status $qstatus$timed_out$qemu_note)" \
            "$work/tail"
        return
    fi
    local ran
    ran=$(sed 's/^(guest) init: running //' "$work/running")
    local want_ran=$prog
    [ -z "$interp" ] || want_ran=${interp% } # a shell test: init is the shell
    if [ "${ran%% *}" != "$want_ran" ]; then
        fail "init ran '$ran', not $want_ran" "$work/tail"
        return
    fi
    if [ ! -s "$work/end" ]; then
        fail "no '(guest) init exited' line (QEMU exit status $qstatus$timed_out)" "$work/tail"
        return
    fi
    local endline astatus=""
    endline=$(cat "$work/end")
    if [[ $endline =~ killed\ by\ signal\ ([0-9]+) ]]; then
        fail "init killed by signal ${BASH_REMATCH[1]}" "$work/tail"
        return
    fi
    [[ $endline =~ exited\ with\ status\ ([0-9]+) ]] && astatus=${BASH_REMATCH[1]}

    # (c) compare.
    local problems=()
    if [ "$only" = 0 ] && ! diff -u --label native --label appliance "$nlog" "$alog" \
        >"$work/diff"; then
        problems+=("output differs from the native run")
    fi
    if [ "$astatus" != 0 ] && [ "$only" = 0 ]; then
        problems+=("exit status $astatus in the appliance, 0 natively")
    elif [ "$astatus" != 0 ]; then
        problems+=("exit status $astatus")
    fi
    local want_q=1
    # A nonzero status s powers off through isa-debug-exit with 0x40 + s (at most 0x7f).
    [ "$astatus" = 0 ] || want_q=$(((0x40 + (astatus > 63 ? 63 : astatus)) * 2 + 1))
    if [ "$qstatus" -ne "$want_q" ]; then
        problems+=("QEMU exit status $qstatus, wanted $want_q$timed_out")
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        echo "PASS: $label $name"
        return
    fi
    local reason
    reason=$(printf '%s, ' "${problems[@]}")
    if [ -s "$work/diff" ]; then
        fail "${reason%, }" "$work/diff"
    elif [ "$only" = 1 ]; then
        grep -a '^FAIL' "$alog" >"$work/fails" || cp "$work/tail" "$work/fails"
        fail "${reason%, }" "$work/fails"
    else
        fail "${reason%, }" "$work/tail"
    fi
}

names=()
for src in appliance/tests/*.c tests/shell/*.sh; do
    [ -f "$src" ] || continue
    name=$(basename "$src"); name=${name%.*}
    for p in "${patterns[@]}"; do
        # shellcheck disable=SC2053 # a glob match is the point
        if [[ $name == $p ]]; then
            names+=("$name")
            break
        fi
    done
done

if [ ${#names[@]} -eq 0 ]; then
    echo "FAIL: $label: nothing matches ${patterns[*]} (programs: appliance/tests/*.c, tests/shell/*.sh)"
    exit 1
fi

# Background jobs, at most $jobs at once, results printed in order as soon as they are complete
# (tests/lib/ordered-jobs.sh).
# Each job records run_one's exit status; a job whose output holds no verdict for its program,
# or more than one, or whose run_one failed, is reported as a harness error (set -e and set -u
# hold inside run_one: an error there ends the job, not the whole run).
verdict_count() # "LABEL NAME" FILE: how many PASS/FAIL lines for exactly that program
{
    awk -v want="$1" '
        function is(p) { return index($0, p) == 1 && (length($0) == length(p) ||
                                                       substr($0, length(p) + 1, 1) ~ /[: (]/) }
        is("PASS: " want) || is("FAIL: " want) { n++ }
        END { print n + 0 }' "$2"
}
failed=0
ring3_job() { (set -e; run_one "${names[$1]}"); }
ring3_show()
{
    local name=${names[$1]} st verdicts
    st=$(cat "$out/$1.status" 2>/dev/null || echo "?")
    verdicts=$(verdict_count "$label $name" "$out/$1.out")
    if [ "$verdicts" != 1 ] || [ "$st" != 0 ]; then
        echo "FAIL: $label $name: harness error ($verdicts verdicts, run_one exit status $st)"
        sed 's/^/    /' "$out/$1.out"
        failed=1
    else
        cat "$out/$1.out"
        if grep -q '^FAIL:' "$out/$1.out"; then failed=1; fi
    fi
}
run_ordered "$out" "$jobs" "${#names[@]}" ring3_job ring3_show
[ "$failed" = 0 ]
