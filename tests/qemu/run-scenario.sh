#!/usr/bin/env bash
# Usage: run-scenario.sh FILE.scn
# Boots one scenario (QEMU through image/qemu.sh, or Bochs through image/bochs.sh) and checks its
# exit status and serial lines.
# Prints exactly one verdict line, "PASS: scenario NAME" or "FAIL: scenario NAME: REASON", followed
# on failure by the last 20 log lines, indented; exit status 0 on pass, 1 on failure. An error of
# the runner or of the scenario file itself (a typo, an unbound variable) is a FAIL too: whatever
# ends this script before a verdict prints "FAIL: scenario NAME: runner error ...". The format is
# in docs/testing.md. The log goes to $TEST_RUN_DIR/NAME.log (tests/lib/run-dir.sh: a directory
# per run, $BUILD/tests/logs pointing at the newest).
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 FILE.scn" >&2
    exit 2
fi
scn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
name=$(basename "$scn" .scn)
cd "$(dirname "$0")/../.."   # the repository root: the paths below are relative to it

# From here on every exit yields a verdict. Our own stderr goes to a file while we run, so that
# a runner error's message can be quoted in its FAIL line; it is shown at the end.
verdict=""
WORK=$(mktemp -d "${TMPDIR:-/tmp}/scenario-$name.XXXXXX")
export WORK
exec 3>&2 2>"$WORK/runner.err"
helpers=()
on_exit()
{
    local status=$? why
    trap - EXIT
    if [ ${#helpers[@]} -gt 0 ]; then kill "${helpers[@]}" 2>/dev/null || true; fi
    if [ -z "$verdict" ]; then
        why=$(grep -v '^+' "$WORK/runner.err" | tail -n 1)
        echo "FAIL: scenario $name: runner error (exit status $status)${why:+: $why}"
        status=1
    fi
    cat "$WORK/runner.err" >&3
    rm -rf "$WORK"
    exit "$status"
}
trap on_exit EXIT

export BUILD=${BUILD:-build}
# shellcheck source=tests/lib/run-dir.sh
source tests/lib/run-dir.sh
# shellcheck source=tests/lib/ports.sh
source tests/lib/ports.sh
run_dir_init "$BUILD/tests" logs

# Fields: defaults first (make exports command-line variables such as GUEST_ARGS: never inherit them).
unset GUEST INITRD
DESC="" BOOT=kernel SETUP="" HV="$BUILD/hypervisor/hv.elf" ISO="$BUILD/appliance.iso"
HV_ARGS="exit=debug" GUEST_ARGS="" TIMEOUT=60 EXPECT_STATUS=1
REQUIRE=() FORBID=() QEMU_ARGS=() INPUT="" INPUT_AFTER="" INPUT_SEQ=() INPUT_PAUSE=0.5 WATCH=()
CHECK="" GDB=0
BOCHS_CPU=corei7_ivy_bridge_3770k STOP_AFTER="" PORTS=() NIC=virtio-net-pci NET=user
# shellcheck disable=SC1090
source "$scn"
export NIC # image/qemu.sh: the network card's model
[ -v GUEST ] || GUEST="$BUILD/guest/guest.elf"
[ -v INITRD ] || INITRD="$BUILD/appliance/initramfs.cpio"
for field in HV GUEST INITRD ISO; do
    eval "$field=\"${!field}\""
done

log=$TEST_RUN_DIR/$name.log
: >"$log"

fail()
{
    verdict=FAIL
    echo "FAIL: scenario $name: $1"
    tail -n 20 "$log" | sed 's/^/    /'
    exit 1
}

case $BOOT in
kernel) boot=(--boot kernel --hv "$HV" --guest "$GUEST" --initrd "$INITRD"
    --hv-args "$HV_ARGS" --guest-args "$GUEST_ARGS") ;;
iso-bios) boot=(--boot iso --firmware bios --iso "$ISO") ;;   # command lines are baked into the ISO
iso-uefi) boot=(--boot iso --firmware uefi --iso "$ISO") ;;
bochs) ;;                                                      # image/bochs.sh: ISO, BOCHS_CPU
*) fail "unknown BOOT=$BOOT" ;;
esac
if [ "$GDB" = 1 ]; then boot+=(--gdb); fi
if [ "$BOOT" != bochs ]; then boot+=(--net "$NET"); fi # none: the scenario's QEMU_ARGS give the NIC

# Background helpers (INPUT, WATCH) poll the serial log; they end with the boot.
wait_for_line() { # fixed string; waits at most 4 x TIMEOUT seconds (fair-timeout's ceiling)
    local deadline=$((SECONDS + 4 * TIMEOUT))
    until grep -aqF -- "$1" "$log"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.01
    done
}

# One boot: host ports (HTTP_PORT for the guest's port 80; GDB_PORT with GDB=1, set before SETUP,
# which starts gdb), SETUP, QEMU; status in $status. QEMU fails at once, before the guest runs,
# when a port was taken after port_take: the caller then boots again.
boot_once()
{
    port_release_all
    port_take HTTP_PORT || fail "no free host port"
    export HTTP_PORT
    if [ "$GDB" = 1 ]; then
        port_take GDB_PORT || fail "no free host port"
        export GDB_PORT
    fi
    # PORTS: more ports the scenario names (e.g. QMP_PORT), for SETUP and QEMU_ARGS.
    local p a qemu_args=()
    for p in "${PORTS[@]}"; do
        port_take "$p" || fail "no free host port"
        export "${p?}"
    done
    for a in "${QEMU_ARGS[@]}"; do # '$QMP_PORT' in an argument is expanded now
        qemu_args+=("$(eval "printf '%s' \"$a\"")")
    done
    if [ -n "$SETUP" ] && ! (eval "$SETUP") >"$WORK/setup.out" 2>&1; then
        cat "$WORK/setup.out" >>"$log"
        fail "setup failed"
    fi
    # qemu.sh execs QEMU, so the timeout's signal reaches QEMU itself; 124 is "timed out" (QEMU
    # never exits with it: its debug-exit statuses are odd). TIMEOUT counts the time QEMU could
    # run, not the time it waited for a CPU on a loaded host (tests/lib/fair-timeout.sh).
    status=0
    rm -f "$WORK/stopped"
    if [ "$BOOT" = bochs ]; then
        FAIR_TIMEOUT_LOG="$WORK/qemu.err" bash tests/lib/fair-timeout.sh "$TIMEOUT" bash image/bochs.sh --iso "$ISO" --cpu "$BOCHS_CPU" --serial-file "$log" \
            </dev/null 2>"$WORK/qemu.err" &
    else
        FAIR_TIMEOUT_LOG="$WORK/qemu.err" bash tests/lib/fair-timeout.sh "$TIMEOUT" bash image/qemu.sh "${boot[@]}" --serial-file "$log" -- "${qemu_args[@]}" \
            </dev/null 2>"$WORK/qemu.err" &
    fi
    qemu_job=$!
    # STOP_AFTER: a machine that halts for good (no power-off) is stopped once this line (or, for
    # an array, every one of its lines, in any order) is in the log; its exit status is then
    # "stopped".
    if [ -n "${STOP_AFTER[*]}" ]; then
        { local l stop=1
            for l in "${STOP_AFTER[@]}"; do wait_for_line "$l" || { stop=0; break; }; done
            if [ $stop = 1 ]; then
                touch "$WORK/stopped"
                kill_tree "$qemu_job"
            fi; } &
        helpers+=($!)
    fi
    # WATCH: for each line, in order, "INDEX HOST_NS QEMU_CPU_TICKS" in $WORK/watch as soon as it
    # appears in the log (tail -F follows it; CPU ticks = QEMU's utime + stime in 1/CLK_TCK s).
    # The helper ends with QEMU (tail --pid, polled every 0.1 s) or once it has seen every line;
    # CHECK runs only after it ended, so it never reads a half-written $WORK/watch.
    # grep passes on only the candidate lines, so this shell wakes for few lines of the log.
    watch_job=""
    if [ ${#WATCH[@]} -gt 0 ]; then
        local pats=() w
        for w in "${WATCH[@]}"; do pats+=(-e "$w"); done
        { i=0
            tail -n +1 -s 0.1 -F --pid="$qemu_job" "$log" 2>/dev/null |
                grep --line-buffered -aF "${pats[@]}" | while IFS= read -r line; do
                [[ $line == *"${WATCH[$i]}"* ]] || continue
                now=${EPOCHREALTIME//[.,]/}000
                [ -n "${qpid:-}" ] || qpid=$(pgrep -P "$qemu_job" -f '^(qemu|bochs)' | head -n 1) || true
                ticks=""
                [ -z "${qpid:-}" ] || ticks=$(awk '{ print $14 + $15 }' "/proc/$qpid/stat" 2>/dev/null) || true
                echo "$i $now ${ticks:--1}" >>"$WORK/watch"
                i=$((i + 1))
                [ "$i" -lt ${#WATCH[@]} ] || break
            done; } &
        watch_job=$!
        helpers+=("$watch_job")
    fi
    wait "$qemu_job" || status=$?
    [ ! -f "$WORK/stopped" ] || status=stopped
    if [ -n "$watch_job" ]; then wait "$watch_job" || true; fi
}

kill_tree() { # PID: the process and its descendants, the innermost first
    local child
    for child in $(pgrep -P "$1"); do kill_tree "$child"; done
    kill "$1" 2>/dev/null || true
}

# INPUT: bytes (printf %b escapes) for the serial port, sent once INPUT_AFTER is in the log.
# INPUT_SEQ: pairs AFTER BYTES, in order: each BYTES is typed INPUT_PAUSE seconds after its AFTER
# (a fixed string) is in the log; the sequence stops at the first AFTER that never comes.
if [ -n "$INPUT" ] || [ ${#INPUT_SEQ[@]} -gt 0 ]; then
    mkfifo "$WORK/serial.in"
    boot+=(--serial-input "$WORK/serial.in")
    { exec 3>"$WORK/serial.in"
        if [ -n "$INPUT" ] && { [ -z "$INPUT_AFTER" ] || wait_for_line "$INPUT_AFTER"; }; then
            printf '%b' "$INPUT" >&3
        fi
        for ((i = 0; i + 1 < ${#INPUT_SEQ[@]}; i += 2)); do
            wait_for_line "${INPUT_SEQ[i]}" || break
            sleep "$INPUT_PAUSE"
            printf '%b' "${INPUT_SEQ[i + 1]}" >&3
        done
        exec sleep $((4 * TIMEOUT)); } &
    helpers+=($!)
fi

start=$(date +%s%N)
for attempt in 1 2 3; do
    boot_once
    if [ "$status" = 0 ] || [ -s "$log" ] || ! port_in_use_error "$WORK/qemu.err" ||
        [ "$attempt" -eq 3 ]; then
        break
    fi
    echo "# run-scenario: a host port was taken before QEMU bound it ($(tail -n 1 "$WORK/qemu.err")); booting again" >>"$log.retries"
done
end=$(date +%s%N)
port_release_all
if [ -f "$log.retries" ]; then cat "$log.retries" >>"$log" && rm -f "$log.retries"; fi
cat "$WORK/qemu.err" >>"$log"
ms=$(((end - start) / 1000000))
printf '\n# run-scenario: %s (%s): boot %s, exit status %s, wall time %d.%03d s\n' \
    "$name" "$DESC" "$BOOT" "$status" $((ms / 1000)) $((ms % 1000)) >>"$log"

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    fail "timeout"
fi
[ "$status" = "$EXPECT_STATUS" ] || fail "exit status $status, wanted $EXPECT_STATUS"
for line in "${REQUIRE[@]}"; do
    grep -aqF -- "$line" "$log" || fail "missing \"$line\""
done
for line in "${FORBID[@]}"; do
    ! grep -aqF -- "$line" "$log" || fail "forbidden \"$line\" seen"
done
# CHECK: a shell command run last (LOG, WORK, CLK_TCK set); its output goes to the log, and
# its last line into the PASS/FAIL line. It may call symbolize.
symbolize() # ELF ADDR...: the text symbol each address lies in, one per line ("?" for none)
{
    local elf=$1 a
    shift
    nm -n "$elf" | awk '$2 ~ /^[tTwW]$/ && length($1) == 8 { print $1, $3 }' >"$WORK/syms"
    for a in "$@"; do
        awk -v want="$(printf '%08x' $((a)))" '$1 <= want { f = $2 } END { print f == "" ? "?" : f }' \
            "$WORK/syms"
    done
}
note=""
if [ -n "$CHECK" ]; then
    export LOG=$log CLK_TCK
    CLK_TCK=$(getconf CLK_TCK)
    cstatus=0
    (eval "$CHECK") >"$WORK/check.out" 2>&1 || cstatus=$?
    sed 's/^/# check: /' "$WORK/check.out" >>"$log"
    note=$(tail -n 1 "$WORK/check.out")
    [ "$cstatus" -eq 0 ] || fail "check failed: $note"
fi
verdict=PASS
echo "PASS: scenario $name${note:+ ($note)}"
