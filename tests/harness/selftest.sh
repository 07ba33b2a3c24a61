#!/usr/bin/env bash
# Usage: selftest.sh
# Checks that tests/run-tests.sh counts what it was asked to run, without booting anything: fake
# scenario and ring-3 runners (TESTS_SCENARIO_RUNNER, TESTS_RING3_RUNNER) that die without a
# verdict, print two, or pass and exit non-zero; selections that match nothing; a scenario file
# with an unbound variable under the real scenario runner; the ordered job runner both drivers
# share (tests/lib/ordered-jobs.sh). Each case checks the verdict lines,
# the last line and that the exit status agrees with it. Prints one "PASS: test-harness CASE" or
# "FAIL: test-harness CASE: ..." line per case; exit 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
work=$(mktemp -d "${TMPDIR:-/tmp}/harness-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Nested runs log here, not into the run that started us (nor replace $BUILD/tests/logs).
export TEST_RUN_DIR=$work/logs MUTATION_SUBSET=0
unset UNIT_TESTS
failed=0

# Fake scenarios: each file names what the fake runner does with it.
mkdir -p "$work/scn" "$work/ring3"
for s in pass:pass1 pass:pass2 silent:silent twice:twice status:status fail:failing; do
    echo "MODE=${s%%:*}" >"$work/scn/${s#*:}.scn"
done
cat >"$work/scenario-runner.sh" <<'RUNNER'
name=$(basename "$1" .scn)
source "$1"
case $MODE in
pass) echo "PASS: scenario $name" ;;
silent) echo "some output, then death"; exit 1 ;;
twice) echo "PASS: scenario $name"; echo "PASS: scenario $name" ;;
status) echo "PASS: scenario $name"; exit 3 ;;
fail) echo "FAIL: scenario $name: on purpose"; exit 1 ;;
esac
RUNNER
# Fake ring-3 programs; the fake runner passes the first it is given, then dies.
for p in t_a t_b t_c; do echo "/* fake */" >"$work/ring3/$p.c"; done
cat >"$work/ring3-runner.sh" <<'RUNNER'
echo "PASS: ring3 $1"
exit 1
RUNNER

# case: "args" wanted-last-line wanted-fail-lines (|-separated fixed strings)
run_case()
{
    local name=$1 args=$2 want_last=$3 want_fails=$4 status=0 got last f problems=()
    # shellcheck disable=SC2086 # words
    got=$(TESTS_SCENARIO_DIR=$work/scn TESTS_SCENARIO_RUNNER=$work/scenario-runner.sh \
        TESTS_RING3_DIR=$work/ring3 TESTS_RING3_RUNNER=$work/ring3-runner.sh TEST_JOBS=2 \
        bash tests/run-tests.sh $args 2>&1) || status=$?
    last=$(tail -n 1 <<<"$got")
    [ "$last" = "$want_last" ] || problems+=("last line '$last', want '$want_last'")
    if [[ $last == *" 0 failed" ]] && [[ $last != "0 passed"* ]]; then
        [ "$status" -eq 0 ] || problems+=("exit status $status after '$last'")
    else
        [ "$status" -ne 0 ] || problems+=("exit status 0 after '$last'")
    fi
    IFS='|' read -ra fails <<<"$want_fails"
    for f in "${fails[@]}"; do
        grep -qxF -- "  $f" <<<"$got" || problems+=("no '$f' among the failures")
    done
    if [ ${#problems[@]} -eq 0 ]; then
        echo "PASS: test-harness $name"
    else
        echo "FAIL: test-harness $name: $(printf '%s; ' "${problems[@]}")"
        sed 's/^/    /' <<<"$got"
        failed=1
    fi
}

run_case all-pass "--scenarios pass*" "2 passed, 0 failed" ""
run_case runner-dies "--scenarios pass1 silent" "1 passed, 1 failed" \
    "FAIL: scenario silent: 0 verdicts from its runner (exit status 1), not one"
run_case two-verdicts "--scenarios twice" "0 passed, 1 failed" \
    "FAIL: scenario twice: 2 verdicts from its runner (exit status 0), not one"
run_case pass-but-status "--scenarios status" "0 passed, 1 failed" \
    "FAIL: scenario status: its runner passed it but exited with status 3"
run_case plain-fail "--scenarios failing pass2" "1 passed, 1 failed" \
    "FAIL: scenario failing: on purpose"
run_case scenario-nomatch "--scenarios nomatch" "0 passed, 1 failed" \
    "FAIL: selection: nothing matches 'nomatch' (in $work/scn/*.scn)"
run_case one-pattern-nomatch "--scenarios pass1 typo" "1 passed, 1 failed" \
    "FAIL: selection: nothing matches 'typo' (in $work/scn/*.scn)"
run_case ring3-runner-dies "--ring3 t_*" "1 passed, 3 failed" \
    "FAIL: ring3 t_b: 0 verdicts from its runner (exit status 0), not one|FAIL: ring3 t_c: 0 verdicts from its runner (exit status 0), not one"
run_case ring3-nomatch "--ring3 nomatch" "0 passed, 1 failed" \
    "FAIL: selection: nothing matches 'nomatch' (in $work/ring3/*.c)"

# The real scenario runner on a scenario file with a typo: a verdict, not silence.
printf 'DESC="a typo"\nGUEST_ARGS="$TYPO_VAR"\n' >"$work/typo.scn"
status=0
got=$(bash tests/qemu/run-scenario.sh "$work/typo.scn" 2>/dev/null) || status=$?
want="FAIL: scenario typo: runner error (exit status 1): $work/typo.scn: line 2: TYPO_VAR: unbound variable"
if [ "$(head -n 1 <<<"$got")" = "$want" ] && [ "$status" -eq 1 ]; then
    echo "PASS: test-harness scenario-runner-error"
else
    echo "FAIL: test-harness scenario-runner-error: got \"$(head -n 1 <<<"$got")\" (status $status), want \"$want\""
    failed=1
fi

# The real ring-3 runner on a pattern that matches nothing.
status=0
got=$(RING3_LOG_DIR=$work/logs bash tests/ring3/run-ring3.sh nomatch 2>&1) || status=$?
want="FAIL: ring3: nothing matches nomatch (programs: appliance/tests/*.c, tests/shell/*.sh)"
if [ "$got" = "$want" ] && [ "$status" -eq 1 ]; then
    echo "PASS: test-harness ring3-runner-nomatch"
else
    echo "FAIL: test-harness ring3-runner-nomatch: got \"$got\" (status $status), want \"$want\""
    failed=1
fi
# tests/lib/fair-timeout.sh: a hang times out (124), a status passes through, and time spent
# waiting for a CPU is not charged: 1 s of CPU work on a CPU shared with two busy loops takes
# about 3 s of wall time, inside a 2 s limit (timeout(1) would stop it; so would a
# fair-timeout.sh that charged the wall time).
ft_case() { # NAME WANT_STATUS WANT_MAX_WALL_S CMD...
    local name=$1 want=$2 max=$3 st=0 t0=$SECONDS
    shift 3
    bash tests/lib/fair-timeout.sh "$@" >/dev/null 2>&1 || st=$?
    if [ "$st" -eq "$want" ] && [ $((SECONDS - t0)) -le "$max" ]; then
        echo "PASS: test-harness fair-timeout-$name"
    else
        echo "FAIL: test-harness fair-timeout-$name: status $st (want $want) after $((SECONDS - t0)) s (at most $max)"
        failed=1
    fi
}
ft_case hang 124 4 1 sleep 60
ft_case status 3 4 5 sh -c 'exit 3'
ft_case ignores-term 124 10 1 sh -c 'trap "" TERM; while :; do sleep 1; done'
# A grandchild that ignores SIGTERM under a parent that exits on it (Bochs under bochs.sh): it
# must not outlive the timeout.
marker="fair-timeout-selftest-orphan-$$"
ft_case orphan-ignoring-term 124 12 1 sh -c "sh -c 'trap \"\" TERM; while :; do sleep 1; done # $marker' & trap 'exit 143' TERM; wait"
sleep 1
if pgrep -f "$marker" >/dev/null; then
    echo "FAIL: test-harness fair-timeout-no-orphan: a process that ignored SIGTERM outlived the timeout"
    failed=1
    pkill -KILL -f "$marker" || true
else
    echo "PASS: test-harness fair-timeout-no-orphan"
fi
# tests/lib/ordered-jobs.sh, which both drivers use: later jobs that finish first are still
# shown after the earlier ones, each with its own output and exit status, and none is lost.
# shellcheck source=tests/lib/ordered-jobs.sh
source tests/lib/ordered-jobs.sh
mkdir -p "$work/ordered"
oj_job() { sleep "0.$((4 - $1))"; echo "job $1"; return "$1"; }
oj_seen=""
oj_show() { oj_seen+="$1:$(cat "$work/ordered/$1.out"):$(cat "$work/ordered/$1.status") "; }
run_ordered "$work/ordered" 3 5 oj_job oj_show
oj_want="0:job 0:0 1:job 1:1 2:job 2:2 3:job 3:3 4:job 4:4 "
if [ "$oj_seen" = "$oj_want" ]; then
    echo "PASS: test-harness ordered-jobs"
else
    echo "FAIL: test-harness ordered-jobs: shown \"$oj_seen\", want \"$oj_want\""
    failed=1
fi
# tests/lib/ports.sh: a port below the kernel's ephemeral range (no client connection can hold it
# as its local end), and the caller's stderr still its own afterwards.
ports_out=$(bash -c 'source tests/lib/ports.sh; port_take P && echo "$P"; echo "stderr kept" >&2' 2>&1)
read -r eph _ </proc/sys/net/ipv4/ip_local_port_range
if [[ $ports_out =~ ^([0-9]+)$'\n'"stderr kept"$ ]] && [ "${BASH_REMATCH[1]}" -lt "$eph" ]; then
    echo "PASS: test-harness ports-below-ephemeral"
else
    echo "FAIL: test-harness ports-below-ephemeral: got \"$ports_out\" (ephemeral from $eph)"
    failed=1
fi
hogs=()
for _ in 1 2; do
    taskset -c 0 timeout 30 sh -c 'while :; do :; done' &
    hogs+=($!)
done
# ulimit -S -t 1: the loop ends by SIGXCPU (status 152) after exactly 1 s of CPU time.
# (the wall-time ceiling raised: on a machine this busy the second of CPU may take far longer)
FAIR_TIMEOUT_CEILING=30 ft_case cpu-wait-not-charged 152 60 2 taskset -c 0 sh -c 'ulimit -S -t 1; while :; do :; done'
kill "${hogs[@]}" 2>/dev/null || true
wait "${hogs[@]}" 2>/dev/null || true
exit "$failed"
