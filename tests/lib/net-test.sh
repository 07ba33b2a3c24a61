# shellcheck shell=bash
# Sourced by tests/net/*.sh: what every network test does around its own checks. It boots the
# appliance in QEMU with forwards on 127.0.0.1, keeps its serial log, reports, and cleans up.
#
#   net_test_init PREFIX         a private work directory ($work), the serial log ($log), $failed,
#                                pass/fail printing "PASS: PREFIXCHECK" or "FAIL: PREFIXCHECK: why"
#                                (PREFIX "net-e2e e1000/" or "soak ", say),
#                                and a cleanup on exit (QEMU stopped, $work removed)
#   net_take_ports VAR...        a fresh host port into each VAR (tests/lib/ports.sh); the ports
#                                of an earlier boot are given back first
#   net_start_qemu SECONDS ARG...  image/qemu.sh --boot kernel ARG... (QEMU's own after a --) in
#                                the background for at most SECONDS, serial output into $log,
#                                stderr into $work/qemu.err; $qemu_pid
#   net_boot SECONDS LINE...     the caller's boot function (which picks its ports and calls
#                                net_start_qemu), then each fixed string LINE in the log within
#                                SECONDS of QEMU's CPU time (tests/lib/wait-line.sh). A port
#                                another program took between net_take_ports and QEMU's bind shows
#                                in QEMU's stderr, and the boot is tried again (3 times in all).
#                                On failure: "FAIL: PREFIXboot", the log's tail, exit 1
#   wait_line LINE SECONDS       a fixed string in this boot's log within SECONDS of QEMU's CPU
# shellcheck source=tests/lib/ports.sh
. tests/lib/ports.sh
# shellcheck source=tests/lib/wait-line.sh
. tests/lib/wait-line.sh

net_test_init()
{
    net_test_name=$1
    local stem=${1%% *}
    work=$(mktemp -d "${TMPDIR:-/tmp}/${stem%/}.XXXXXX")
    log=$work/serial.log
    qemu_pid=""
    # shellcheck disable=SC2034 # the caller's verdict
    failed=0
    trap net_test_cleanup EXIT
}

net_stop_qemu()
{
    if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; fi
    qemu_pid=""
}

net_test_cleanup()
{
    net_stop_qemu
    rm -rf "$work"
}

pass() { echo "PASS: $net_test_name$1${2:+ ($2)}"; }
fail() { echo "FAIL: $net_test_name$1: $2"; failed=1; }

net_take_ports()
{
    local p
    port_release_all
    for p in "$@"; do
        port_take "$p" || { fail setup "no free host port"; exit 1; }
    done
}

net_start_qemu()
{
    local secs=$1
    shift
    : >"$log"
    timeout -k 5 "$secs" bash image/qemu.sh --boot kernel --serial-file "$log" "$@" \
        </dev/null 2>"$work/qemu.err" &
    qemu_pid=$!
}

wait_line() { wait_line_cpu "$log" "$qemu_pid" "$1" "$2"; }

net_boot()
{
    local secs=$1 try line booted
    shift
    for try in 1 2 3; do
        net_stop_qemu
        boot
        booted=1
        for line in "$@"; do
            wait_line "$line" "$secs" || { booted=0; break; }
        done
        [ "$booted" = 0 ] && port_in_use_error "$work/qemu.err" && [ "$try" -lt 3 ] && continue
        break
    done
    if [ "$booted" = 0 ]; then
        fail boot "no '$line' within $secs s of QEMU's CPU time"
        tail -n 20 "$log" "$work/qemu.err" | sed 's/^/    /'
        exit 1
    fi
}
