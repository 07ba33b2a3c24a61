#!/usr/bin/env bash
# Usage: selftest.sh
# Checks the verdicts of tests/bench/check-results.sh (make bench's judge) without running a
# benchmark: results made from tests/bench/targets.txt itself (every expected key at the low end
# of its range), then one thing broken per case: a key missing, zero, negative, NaN, out of range
# or printed twice with two values, a target of a finished issue missed (an upper bound, a lower
# bound), a bad table line; and a target of an open issue missed, which must not fail. Prints one "PASS: bench-check CASE" or
# "FAIL: bench-check CASE: ..." line per case; exit 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
targets=tests/bench/targets.txt
failed=0

awk '$1 == "expect" { print "BENCH", $2, $3, "x" }' "$targets" >"$work/good"
set_key() # KEY VALUE: the good results with KEY's value replaced
{
    awk -v k="$1" -v v="$2" '$2 == k { $3 = v } { print }' "$work/good"
}

# case want-status want-line (a fixed string the output must contain) results-file [targets]
run_case()
{
    local name=$1 want_status=$2 want=$3 results=$4 t=${5:-$targets} status=0 out
    out=$(bash tests/bench/check-results.sh "$results" "$t" 2>&1) || status=$?
    if [ "$status" -eq "$want_status" ] && grep -qF -- "$want" <<<"$out"; then
        echo "PASS: bench-check $name"
    else
        echo "FAIL: bench-check $name: exit status $status (want $want_status), want a line with \"$want\""
        sed 's/^/    /' <<<"$out" | tail -n 8
        failed=1
    fi
}

run_case all-good 0 "bench: OK: " "$work/good"
grep -v ' lat_exec_insns ' "$work/good" >"$work/missing"
run_case missing 1 "bench: FAIL: lat_exec_insns missing" "$work/missing"
set_key syscall_bounce_insns 0 >"$work/zero"
run_case zero 1 "bench: FAIL: syscall_bounce_insns = 0: zero or negative" "$work/zero"
set_key soak_errors 0 >"$work/zero-allowed"
run_case zero-allowed 0 "bench: OK: " "$work/zero-allowed"
set_key soak_errors -1 >"$work/negative-allowed-min"
run_case zero-allowed-negative 1 "bench: FAIL: soak_errors = -1: zero or negative" "$work/negative-allowed-min"
set_key lat_write_insns -12 >"$work/negative"
run_case negative 1 "bench: FAIL: lat_write_insns = -12: zero or negative" "$work/negative"
set_key pte_update_batched_over_single_ratio -nan >"$work/nan"
run_case nan 1 'bench: FAIL: pte_update_batched_over_single_ratio = "-nan" is not a number' "$work/nan"
set_key hypercall_null_insns 100001 >"$work/huge"
run_case implausible 1 "bench: FAIL: hypercall_null_insns = 100001 is implausible" "$work/huge"
{ cat "$work/good"; echo "BENCH lat_null_insns 52 insns"; } >"$work/twice"
run_case twice 1 "bench: FAIL: lat_null_insns printed twice" "$work/twice"
set_key lat_fork_over_linux_ratio 0.51 >"$work/enforced"
run_case enforced-target-missed 1 \
    "bench: FAIL: target MISSED (issue 6): lat_fork_over_linux_ratio = 0.51, wanted <= 0.5" "$work/enforced"
set_key soak_mem_growth_kb 64 >"$work/report"
run_case report-only-target-missed 0 "MISSED (report only: issue 15 is open)" "$work/report"
{ cat "$targets"; echo "target lat_null_insns =< 5 6 enforce"; } >"$work/badtable"
run_case bad-table-line 1 "cannot read \"target lat_null_insns =< 5 6 enforce\"" "$work/good" "$work/badtable"
{ cat "$targets"; echo "target ctxswitch_multicall_insns < ctxswitch_unbatched_insns 99 enforce"; } >"$work/rel"
set_key ctxswitch_multicall_insns 600 | awk '$2 == "ctxswitch_unbatched_insns" { $3 = 550 } { print }' >"$work/relres"
run_case key-bound-missed 1 \
    "target MISSED (issue 99): ctxswitch_multicall_insns = 600, wanted < ctxswitch_unbatched_insns = 550" \
    "$work/relres" "$work/rel"

{ cat "$targets"; echo "target tcp_rr_per_s >= linux_tcp_rr_per_s * 2 98 enforce"; } >"$work/ge"
set_key tcp_rr_per_s 300 | awk '$2 == "linux_tcp_rr_per_s" { $3 = 200 } { print }' >"$work/geres"
run_case at-least-missed 1 \
    "target MISSED (issue 98): tcp_rr_per_s = 300, wanted >= linux_tcp_rr_per_s * 2 = 400" \
    "$work/geres" "$work/ge"
set_key tcp_rr_per_s 400 | awk '$2 == "linux_tcp_rr_per_s" { $3 = 200 } { print }' >"$work/geok"
run_case at-least-met 0 "bench: OK: " "$work/geok" "$work/ge"

# The report (report.sh): every figure in its one table, ours beside Linux's with their ratio
# and the target with its verdict; no figure at all is a failure.
report_case() # NAME WANT-STATUS WANT-LINE RESULTS
{
    local status=0
    bash tests/bench/report.sh "$4" "$targets" "$work/report-$1" "Linux" >/dev/null 2>&1 || status=$?
    if [ "$status" -eq "$2" ] && grep -qF -- "$3" "$work/report-$1/report.md"; then
        echo "PASS: bench-check report-$1"
    else
        echo "FAIL: bench-check report-$1: exit status $status (want $2), no line with \"$3\" in report.md"
        failed=1
    fi
}
awk '$2 == "lat_fork_insns" { $3 = 50000 } $2 == "linux_lat_fork_insns" { $3 = 100000 }
     $2 == "lat_fork_over_linux_ratio" { $3 = 0.5 } { print }' "$work/good" >"$work/forks"
report_case pair 0 '| `lat_fork_insns` | x | 50000 | 100000 | 0.5 | 1 | ratio <= 0.5 (issue 6) | met |' "$work/forks"
report_case every-key 0 '| `pte_update_batched_insns` | x | 1 | – | – | – | <= 55 (issue 14) | met |' "$work/good"
: >"$work/none"
report_case empty 1 "(no figure: every step failed)" "$work/none"
# The network figures' client (tests/tools/netbench) against the appliance's own static echod and
# netbulk run natively on 127.0.0.1: a figure for each mode, and a failure (not a figure) for a
# transfer that comes up short, a closed port and a bad argument.
netbench=${BUILD:-build}/tests/tools/netbench prog=${BUILD:-build}/appliance/prog/bin
net_case() # NAME WANT-STATUS COMMAND...: WANT-STATUS 0 also needs a positive number on stdout
{
    local name=$1 want=$2 status=0 out
    shift 2
    out=$("$@" 2>&1) || status=$?
    if [ "$status" -eq "$want" ] && { [ "$want" -ne 0 ] || awk -v v="$out" 'BEGIN { exit !(v + 0 > 0) }'; }; then
        echo "PASS: bench-check netbench-$name"
    else
        echo "FAIL: bench-check netbench-$name: exit status $status (want $want): $out"
        failed=1
    fi
}
if [ -x "$netbench" ] && [ -x "$prog/echod" ] && [ -x "$prog/netbulk" ]; then
    # shellcheck source=tests/lib/ports.sh
    . tests/lib/ports.sh
    exec {stderr}>&2 # port_take leaves stderr on /dev/null
    pids=()
    # serve VAR COMMAND...: COMMAND listening on a free port (its "{}" argument) into VAR. A port
    # nothing listens on may still be bound (a local port in TIME_WAIT): then another one.
    serve()
    {
        local var=$1 try a args pid
        shift
        for try in 1 2 3 4 5; do
            port_take "$var" || break
            args=()
            for a in "$@"; do args+=("${a//\{\}/${!var}}"); done
            "${args[@]}" >/dev/null 2>&1 &
            pid=$!
            for _ in $(seq 50); do
                port_listening "${!var}" && { pids+=("$pid"); return 0; }
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill "$pid" 2>/dev/null || true
        done
        echo "FAIL: bench-check netbench: cannot start $1 (after $try tries)"
        failed=1
    }
    serve ECHO "$prog/echod" --port {}
    serve SOURCE "$prog/netbulk" source {} 1048576
    serve SINK "$prog/netbulk" sink {}
    port_take CLOSED
    exec 2>&"$stderr"
    net_case rx 0 "$netbench" rx "$SOURCE" 1048576
    net_case rx-short 1 "$netbench" rx "$SOURCE" 2097152
    net_case tx 0 "$netbench" tx "$SINK" 1048576
    net_case rr 0 "$netbench" rr "$ECHO" 0.3
    net_case crr 0 "$netbench" crr "$ECHO" 0.3
    net_case closed-port 1 "$netbench" rr "$CLOSED" 0.3
    net_case bad-mode 2 "$netbench" ping "$ECHO" 1
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true # each ends with SIGTERM (143): not a failure under set -e
    port_release_all
else
    echo "FAIL: bench-check netbench: $netbench, $prog/echod or $prog/netbulk missing (make test builds them)"
    failed=1
fi
exit "$failed"
