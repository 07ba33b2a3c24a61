# Sourced by the tests that need the running appliance (tests/http/appliance.sh, the soak): boots
# it once in QEMU (TCG, QEMU's -kernel loader, user networking with restrict=on) with its web
# server forwarded from a free port on 127.0.0.1, and gives the caller its URL, serial log and
# console. Every wait is bounded.
#
#   appliance_boot [--demo] [--guest-args ARGS] [--hv-args ARGS] [--inittab FILE] [--mem SIZE]
#                  [--nic NIC] [--timeout SECONDS] [--fwds NET_FWDS]
#       boots and waits (up to APPLIANCE_BOOT_WAIT, 180 s) until httpd says it serves and, with
#       the default inittab, until the console hook is ready. --demo adds the guest option demo
#       (the fast-trap switch writable); --inittab runs init --inittab FILE instead of the test
#       inittab /etc/init-tests/appliance.tab (the shipped /etc/inittab's entries plus the
#       console hook below); --timeout (900) is how long QEMU may run at most. Sets
#         APPLIANCE_URL   http://127.0.0.1:PORT (the guest's port 80)
#         APPLIANCE_PORT  that port      APPLIANCE_LOG  the serial log (QEMU's stderr: .qemu.err)
#         APPLIANCE_PID   QEMU's pid (through timeout)   APPLIANCE_DIR  a private directory
#       Status 1 with a reason on stderr when it does not come up (its log is kept).
#   appliance_console LINE   types LINE and a newline on the serial console: with the test
#       inittab, the console hook (/etc/init-tests/console-hook.sh) runs it: "segv" (SIGSEGV to
#       httpd), "uptime", "ps", "small-httpd" and "small-httpd-stop" (a second httpd on port 81
#       with 8 connections: --fwds "tcp:127.0.0.1:PORT-:81" reaches it), "poweroff".
#   appliance_wait_line FIXED-STRING SECONDS [FROM-LINE]   until the log has the string (after
#       line FROM-LINE, 0: anywhere); status 1 on timeout or when QEMU ended.
#   appliance_log_lines      the log's line count now (for appliance_wait_line's FROM-LINE)
#   appliance_stats_field JQ-FILTER    one figure of GET /api/stats (jq -r)
#   appliance_wait_exit SECONDS   until QEMU ends; sets APPLIANCE_STATUS to its exit status
#       (qemu.sh's), or to "running" (then QEMU is left running). Not in $(...): QEMU is a child
#       of the caller's shell, not of a subshell
#   appliance_stop           kills QEMU if it still runs, releases the ports, removes the
#                            directory: call it from the caller's EXIT trap
# The log goes to $APPLIANCE_LOG_DIR (default $TEST_RUN_DIR, else $BUILD/tests) as appliance.log.

APPLIANCE_URL="" APPLIANCE_PORT="" APPLIANCE_LOG="" APPLIANCE_PID="" APPLIANCE_DIR=""
APPLIANCE_IN_FD=""
# shellcheck source=tests/lib/ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

appliance_boot()
{
    local demo="" guest_args="" hv_args="exit=debug" inittab=/etc/init-tests/appliance.tab
    local mem=128M nic=virtio-net-pci timeout=900 fwds="" state
    while [ $# -gt 0 ]; do
        case $1 in
        --demo) demo=demo ;;
        --guest-args) guest_args=$2; shift ;;
        --hv-args) hv_args=$2; shift ;;
        --inittab) inittab=$2; shift ;;
        --mem) mem=$2; shift ;;
        --nic) nic=$2; shift ;;
        --timeout) timeout=$2; shift ;;
        --fwds) fwds=$2; shift ;;
        *) echo "appliance_boot: unknown option '$1'" >&2; return 2 ;;
        esac
        shift
    done
    local build=${BUILD:-build} logdir=${APPLIANCE_LOG_DIR:-${TEST_RUN_DIR:-${BUILD:-build}/tests}}
    mkdir -p "$logdir"
    APPLIANCE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/appliance.XXXXXX")
    APPLIANCE_LOG=$logdir/appliance.log
    mkfifo "$APPLIANCE_DIR/console"
    # Read-write: opening the FIFO does not wait for QEMU, and QEMU never sees its end.
    exec {APPLIANCE_IN_FD}<>"$APPLIANCE_DIR/console"
    for _ in 1 2 3; do
        port_take APPLIANCE_PORT || return 1
        : >"$APPLIANCE_LOG"
        HTTP_PORT=$APPLIANCE_PORT NIC=$nic NET_FWDS=$fwds BUILD=$build \
            timeout -k 5 "$timeout" bash image/qemu.sh --boot kernel --mem "$mem" --hv-args "$hv_args" \
            --guest-args "$demo${demo:+ }${guest_args}${guest_args:+ }init=/sbin/init --inittab $inittab" \
            --serial-file "$APPLIANCE_LOG" --serial-input "$APPLIANCE_DIR/console" \
            </dev/null 2>"$APPLIANCE_LOG.qemu.err" &
        APPLIANCE_PID=$!
        APPLIANCE_URL=http://127.0.0.1:$APPLIANCE_PORT
        state=ok
        appliance_wait_line "[httpd] serving" "${APPLIANCE_BOOT_WAIT:-180}" || state=down
        if [ "$state" = ok ] && [ "$inittab" = /etc/init-tests/appliance.tab ]; then
            appliance_wait_line "[hook] ready" 60 || state=down
        fi
        [ "$state" = down ] || return 0
        if kill -0 "$APPLIANCE_PID" 2>/dev/null || ! port_in_use_error "$APPLIANCE_LOG.qemu.err"; then
            break
        fi
        wait "$APPLIANCE_PID" 2>/dev/null
        port_release_all # QEMU lost the port to another program: boot again on another
    done
    echo "appliance_boot: the appliance did not come up: $(tr -d '\r' <"$APPLIANCE_LOG" | tail -n 3 | tr '\n' '|')" \
        "$(head -c 300 "$APPLIANCE_LOG.qemu.err")" >&2
    appliance_stop
    return 1
}

appliance_console()
{
    printf '%s\n' "$1" >&"$APPLIANCE_IN_FD"
}

appliance_log_lines()
{
    wc -l <"$APPLIANCE_LOG"
}

appliance_wait_line()
{
    local want=$1 end=$((SECONDS + $2)) from=${3:-0}
    until grep -qF -- "$want" < <(tail -n +$((from + 1)) "$APPLIANCE_LOG" | tr -d '\r'); do
        [ $SECONDS -lt "$end" ] && kill -0 "$APPLIANCE_PID" 2>/dev/null || return 1
        sleep 0.1
    done
}

appliance_stats_field()
{
    curl -s --max-time 20 "$APPLIANCE_URL/api/stats" | jq -r "$1"
}

appliance_wait_exit()
{
    local end=$((SECONDS + $1))
    APPLIANCE_STATUS=0
    while kill -0 "$APPLIANCE_PID" 2>/dev/null; do
        [ $SECONDS -lt "$end" ] || { APPLIANCE_STATUS=running; return; }
        sleep 0.1
    done
    wait "$APPLIANCE_PID" || APPLIANCE_STATUS=$?
    APPLIANCE_PID=""
}

appliance_stop()
{
    if [ -n "$APPLIANCE_PID" ]; then
        kill "$APPLIANCE_PID" 2>/dev/null
        wait "$APPLIANCE_PID" 2>/dev/null
        APPLIANCE_PID=""
    fi
    if [ -n "$APPLIANCE_IN_FD" ]; then
        exec {APPLIANCE_IN_FD}>&-
        APPLIANCE_IN_FD=""
    fi
    port_release_all
    [ -z "$APPLIANCE_DIR" ] || rm -rf "$APPLIANCE_DIR"
    APPLIANCE_DIR=""
}
