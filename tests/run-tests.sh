#!/usr/bin/env bash
# Usage: run-tests.sh [--scenarios | --ring3] [NAME-PATTERN...]
# Runs every host unit test binary ($UNIT_TESTS, from tests/unit/unit.mk, or every executable in
# $BUILD/tests/unit/) and the harness self-tests (unless --scenarios or --ring3), every
# tests/scenarios/*.scn (unless --ring3), then every ring-3 test program appliance/tests/*.c
# and shell test tests/shell/*.sh natively and in the appliance (tests/ring3/run-ring3.sh; unless --scenarios), and last the
# mutants of tests/mutation/mutants.txt marked "fast" (with the unit tests, when no pattern is
# given; MUTATION_SUBSET=0 leaves them out). Scenarios and programs are those whose name matches one of the shell patterns (all when none is given),
# TEST_JOBS (2) boots at a time, results in a stable order.
#
# The run knows what it was asked to run: every selected scenario, program and mutant yields
# exactly one verdict, and one that yields none (its runner died, or printed garbage) is counted
# as a FAIL that names it; a unit binary that exits non-zero without a FAIL line, or prints no
# verdict at all, is a FAIL; a pattern that matches nothing is a FAIL. Ends with the list of the
# failures and, as its very last line, "N passed, N failed"; the exit status is 0 exactly when
# that line says 0 failed and more than 0 passed. Logs: tests/lib/run-dir.sh ($BUILD/tests/logs
# is the newest run's directory).
#
# For tests/harness/selftest.sh, which checks this accounting without booting anything:
# TESTS_SCENARIO_DIR, TESTS_SCENARIO_RUNNER, TESTS_RING3_DIR, TESTS_RING3_RUNNER replace
# tests/scenarios, tests/qemu/run-scenario.sh, appliance/tests and tests/ring3/run-ring3.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
jobs=${TEST_JOBS:-2}
scenario_dir=${TESTS_SCENARIO_DIR:-tests/scenarios}
scenario_runner=${TESTS_SCENARIO_RUNNER:-tests/qemu/run-scenario.sh}
ring3_dir=${TESTS_RING3_DIR:-appliance/tests}
ring3_runner=${TESTS_RING3_RUNNER:-tests/ring3/run-ring3.sh}
# The shell tests (tests/shell/*.sh, run by the ring-3 runner) belong to the real ring-3 directory.
shell_dir=tests/shell
[ -z "${TESTS_RING3_DIR:-}" ] || shell_dir=/nonexistent

units=1 scenarios_on=1 ring3=1
case ${1:-} in
--scenarios) units=0 ring3=0; shift ;;
--ring3) units=0 scenarios_on=0; shift ;;
esac
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=("*")

out=$(mktemp -d "${TMPDIR:-/tmp}/run-tests.XXXXXX")
# shellcheck source=tests/lib/run-dir.sh
source tests/lib/run-dir.sh
# shellcheck source=tests/lib/ordered-jobs.sh
source tests/lib/ordered-jobs.sh
run_dir_init "$BUILD/tests" logs
: >"$out/verdicts"

# The tally is $out/verdicts, one line per verdict; everything else only goes to the terminal.
# Should this script itself fail before its summary, the summary still comes, with that failure.
summary()
{
    local passed failed
    passed=$(grep -c '^PASS:' "$out/verdicts" || true)
    failed=$(grep -c '^FAIL:' "$out/verdicts" || true)
    if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
        echo "FAIL: run-tests: nothing ran" | tee -a "$out/verdicts"
        failed=1
    fi
    if [ "$failed" -gt 0 ]; then
        echo
        echo "Failures:"
        grep '^FAIL:' "$out/verdicts" | sed 's/^/  /'
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
on_exit()
{
    local status=$?
    trap - EXIT
    if [ ! -f "$out/summarised" ]; then
        echo "FAIL: run-tests: the runner itself failed (exit status $status, line ${err_line:-?})" |
            tee -a "$out/verdicts"
        summary || true
        status=1
    fi
    rm -rf "$out"
    exit "$status"
}
trap on_exit EXIT
trap 'err_line=$LINENO' ERR

verdict() # LINE: a verdict of our own, shown and counted
{
    echo "$1" | tee -a "$out/verdicts"
}

# A program that prints any number of verdicts (a unit binary, a self-test): all of them count;
# it must print at least one, and exit non-zero exactly when one is a FAIL.
run_multi() # LABEL COMMAND...
{
    local label=$1 status=0 npass nfail
    shift
    "$@" >"$out/multi.out" 2>&1 </dev/null || status=$?
    cat "$out/multi.out"
    grep -E '^(PASS|FAIL):' "$out/multi.out" >>"$out/verdicts" || true
    npass=$(grep -c '^PASS:' "$out/multi.out" || true)
    nfail=$(grep -c '^FAIL:' "$out/multi.out" || true)
    if [ "$status" -ne 0 ] && [ "$nfail" -eq 0 ]; then
        # A crash (sanitizer, signal) before the binary could report: make it count.
        verdict "FAIL: $label: exit status $status with no FAIL line"
    elif [ "$status" -eq 0 ] && [ "$nfail" -gt 0 ]; then
        verdict "FAIL: $label: exit status 0 despite $nfail FAIL line(s)"
    elif [ "$npass" -eq 0 ] && [ "$nfail" -eq 0 ]; then
        verdict "FAIL: $label: no verdict at all"
    fi
}

# The verdict lines for exactly WHAT ("scenario NAME", "ring3 NAME") in FILE.
verdict_lines() # WHAT FILE
{
    awk -v want="$1" '
        function is(p) { return index($0, p) == 1 && (length($0) == length(p) ||
                                                       substr($0, length(p) + 1, 1) ~ /[: (]/) }
        is("PASS: " want) || is("FAIL: " want)' "$2"
}
# Count WHAT's one verdict from FILE (shown already), or a FAIL that names it.
tally_one() # WHAT FILE RUNNER-STATUS (0 when the runner's status says nothing about WHAT alone)
{
    local what=$1 file=$2 status=$3 lines n
    lines=$(verdict_lines "$what" "$file")
    n=$(grep -c . <<<"$lines" || true)
    if [ "$n" -ne 1 ]; then
        verdict "FAIL: $what: $n verdicts from its runner (exit status $status), not one"
    elif [[ $lines == PASS:* ]] && [ "$status" -ne 0 ]; then
        verdict "FAIL: $what: its runner passed it but exited with status $status"
    else
        echo "$lines" >>"$out/verdicts"
    fi
}

# Names (files DIR/*.EXT without it) that match a pattern; every pattern must match something.
select_names() # DIR EXT -> names on stdout; unmatched patterns in $out/unmatched.EXT
{
    local dir=$1 ext=$2 f name p
    : >"$out/matched.$ext"
    for f in "$dir"/*."$ext"; do
        [ -f "$f" ] || continue
        name=$(basename "$f" ".$ext")
        for p in "${patterns[@]}"; do
            # shellcheck disable=SC2053 # a glob match is the point
            if [[ $name == $p ]]; then
                echo "$name"
                echo "$p" >>"$out/matched.$ext"
                break
            fi
        done
    done
}

scenarios=() programs=()
if [ "$scenarios_on" = 1 ]; then
    mapfile -t scenarios < <(select_names "$scenario_dir" scn)
fi
if [ "$ring3" = 1 ]; then
    mapfile -t programs < <(select_names "$ring3_dir" c; select_names "$shell_dir" sh)
fi
for p in "${patterns[@]}"; do
    if ! grep -qxF -- "$p" "$out/matched.scn" "$out/matched.c" "$out/matched.sh" 2>/dev/null; then
        where=()
        [ "$scenarios_on" = 0 ] || where+=("$scenario_dir/*.scn")
        [ "$ring3" = 0 ] || where+=("$ring3_dir/*.c")
        verdict "FAIL: selection: nothing matches '$p' (in ${where[*]})"
    fi
done

if [ "$units" = 1 ]; then
    unit_list=()
    if [ -n "${UNIT_TESTS:-}" ]; then
        read -ra unit_list <<<"$UNIT_TESTS"
    else
        for t in "$BUILD"/tests/unit/*; do
            if [ -f "$t" ] && [ -x "$t" ]; then unit_list+=("$t"); fi
        done
    fi
    for t in "${unit_list[@]}"; do
        if [ ! -x "$t" ]; then
            verdict "FAIL: unit $(basename "$t"): $t is not built"
            continue
        fi
        run_multi "unit $(basename "$t")" "$t"
    done
    # The harnesses' own verdicts, judged against fake inputs (no boot).
    run_multi "ring3-harness" bash tests/ring3/selftest.sh
    run_multi "test-harness" bash tests/harness/selftest.sh
    run_multi "bench-check" bash tests/bench/selftest.sh
    # The appliance's web server: natively under ASan (tests/http/native.sh), then the running
    # appliance: curl, hostile requests, wrk, Chromium, init's restarts and shutdown
    # (tests/http/appliance.sh, the acceptance run).
    run_multi "httpd-native" bash tests/http/native.sh
    run_multi "httpd-appliance" bash tests/http/appliance.sh
    run_multi "init-native" bash tests/init/native.sh
    # The network end to end, per card model, through QEMU's forwards (tests/net/e2e.sh).
    for nic in virtio-net-pci e1000 e1000e; do
        run_multi "net-e2e $nic" bash tests/net/e2e.sh "$nic"
    done
    # Hostile frames from the wire against lwIP (tests/net/hostile.sh), on HOSTILE_NICS.
    for nic in ${HOSTILE_NICS:-virtio-net-pci}; do
        run_multi "net-hostile $nic" bash tests/net/hostile.sh "$nic"
    done
    # Connection-per-request load: TIME-WAIT bounded (tests/net/churn.sh).
    run_multi "net-churn" bash tests/net/churn.sh virtio-net-pci
    # Fault injection at 1% on every injectable operation (tests/net/faults.sh).
    run_multi "net-faults" bash tests/net/faults.sh 1%
    # make images: the qcow2, the OVA and the libvirt definition boot (tests/images/check.sh).
    run_multi "images" bash tests/images/check.sh
fi

# Scenarios run in the background, at most $jobs at once (tests/lib/ordered-jobs.sh); each
# result is shown and counted in order as soon as all earlier ones are in.
scenario_job() { bash "$scenario_runner" "$scenario_dir/${scenarios[$1]}.scn" </dev/null; }
scenario_show()
{
    cat "$out/$1.out"
    tally_one "scenario ${scenarios[$1]}" "$out/$1.out" "$(cat "$out/$1.status")"
}
run_ordered "$out" "$jobs" "${#scenarios[@]}" scenario_job scenario_show

# Ring-3 programs, native run against the appliance (its own TEST_JOBS boots at a time); the
# output streams to the terminal, and then each program must have its one verdict.
ring3_run() # LABEL [ENV=VALUE...] -- NAME...
{
    local label=$1 status=0 envs=() name
    shift
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    env "${envs[@]}" bash "$ring3_runner" "$@" </dev/null 2>&1 | tee "$out/ring3.out" || status=$?
    for name in "$@"; do
        tally_one "$label $name" "$out/ring3.out" 0
    done
    if [ "$status" -ne 0 ] && ! grep -q '^FAIL:' "$out/ring3.out"; then
        verdict "FAIL: $label: its runner exited with status $status and no FAIL line"
    fi
}
if [ "$ring3" = 1 ] && [ ${#programs[@]} -gt 0 ]; then
    ring3_run ring3 -- "${programs[@]}"
    # The same programs with every system call bounced through the hypervisor: the results must
    # not depend on the path (those that lean hardest on system calls, when no pattern is given).
    if [ "${patterns[*]}" = "*" ] && [ "$ring3_dir" = appliance/tests ]; then
        ring3_run "ring3[fasttrap=off]" RING3_GUEST_ARGS=fasttrap=off -- \
            t_fork t_exec t_pipe t_signals t_tls t_efault
    fi
fi

# A few mutants, each of which a quick test must kill (the full list: make mutation-test).
if [ "$units" = 1 ] && [ "${MUTATION_SUBSET:-1}" = 1 ] && [ "${patterns[*]}" = "*" ]; then
    run_multi "mutation subset" bash tests/mutation/run.sh --subset
fi

touch "$out/summarised"
summary
