#!/usr/bin/env bash
# Usage: native.sh
# The appliance's init ($BUILD/appliance/prog/sbin/init, the static i386 binary) natively on this
# host, as an ordinary process with inittabs of its own (init --inittab FILE):
#   httpd_segv_restart   httpd as a respawn service: killed with SIGSEGV, init logs the end and
#                        restarts it with a back-off under a second; the new one serves (curl)
#   sigterm_forwarded    SIGTERM to init: it forwards SIGTERM to each service (httpd stops
#                        cleanly, a shell service runs its trap), logs it and exits 0
#   sigkill_after_grace  a service that ignores SIGTERM is SIGKILLed after the grace period
#   needs_and_once       needs= skips an entry whose path is missing; once entries run in order
# One "PASS: init native/NAME" or "FAIL: ..." line each; logs in $TEST_RUN_DIR/init or
# $BUILD/tests/init. Exit status 1 when any failed. Every wait is bounded.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
out=${TEST_RUN_DIR:-}/init
[ -n "${TEST_RUN_DIR:-}" ] || out=$BUILD/tests/init
mkdir -p "$out"
init=$(realpath "$BUILD/appliance/prog/sbin/init")
httpd=$(realpath "$BUILD/appliance/prog/sbin/httpd")
www=$(realpath "$BUILD/appliance/rootfs/www")
failures=0
pass() { echo "PASS: init native/$1"; }
fail() { echo "FAIL: init native/$1: $2"; failures=$((failures + 1)); }
for f in "$init" "$httpd" "$www/index.html"; do
    [ -e "$f" ] || { fail setup "$f missing (make test-build)"; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/init-native.XXXXXX")
init_pid=""
cleanup()
{
    [ -z "$init_pid" ] || kill -KILL "$init_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/proc"
bash tests/http/fixture.sh "$work/proc" --once

# wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN (grep -E).
wait_for()
{
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
start_init() # NAME: init with $work/NAME.tab, log in $out/NAME.log
{
    "$init" --inittab "$work/$1.tab" >"$out/$1.log" 2>&1 &
    init_pid=$!
}
end_init() # the status init exited with (after SIGKILL if it is still there after 15 s)
{
    local i status=0
    for ((i = 0; i < 300; i++)); do kill -0 "$init_pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$init_pid" 2>/dev/null
    wait "$init_pid" || status=$?
    init_pid=""
    return "$status"
}
httpd_line() # the inittab line of an httpd on a free port that writes the port to $work/port
{
    echo "respawn $httpd --port 0 --bind 127.0.0.1 --root $www --proc $work/proc --port-file $work/port"
}

# 1. SIGSEGV: restarted, under a second, and serving again.
httpd_line >"$work/segv.tab"
start_init segv
if ! wait_for "$out/segv.log" 'init: started .*httpd \(pid [0-9]+\)' 10 || ! wait_for "$work/port" . 10 ||
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$(cat "$work/port")/")" != 200 ]; then
    fail httpd_segv_restart "httpd did not start and serve: $(tail -n 3 "$out/segv.log")"
else
    pid=$(sed -n 's/^init: started .*httpd (pid \([0-9]*\)) at [0-9.]* s$/\1/p' "$out/segv.log" | head -n 1)
    rm -f "$work/port"
    t0=$(date +%s%N)
    kill -SEGV "$pid"
    if ! wait_for "$work/port" . 10; then
        fail httpd_segv_restart "no new httpd 10 s after SIGSEGV: $(tail -n 3 "$out/segv.log")"
    else
        st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$(cat "$work/port")/")
        ms=$((($(date +%s%N) - t0) / 1000000))
        delay=$(sed -n 's/^init: restarting .*httpd in \([0-9.]*\) s$/\1/p' "$out/segv.log" | head -n 1)
        echo "# init native: SIGSEGV to httpd -> serving again after $ms ms (init's back-off: ${delay:-none} s)"
        if ! grep -q "^init: .*httpd killed by signal 11 at [0-9.]* s$" "$out/segv.log"; then
            fail httpd_segv_restart "init did not log the SIGSEGV: $(tail -n 3 "$out/segv.log")"
        elif [ "$st" != 200 ]; then
            fail httpd_segv_restart "the new httpd answered $st"
        elif [ -z "$delay" ] || ! awk -v d="$delay" 'BEGIN { exit !(d < 1) }'; then
            fail httpd_segv_restart "init's restart delay was '${delay}' s, not under a second"
        elif [ "$ms" -gt 5000 ]; then
            fail httpd_segv_restart "serving again took $ms ms"
        else
            pass httpd_segv_restart
        fi
    fi
fi

kill -TERM "$init_pid" 2>/dev/null
end_init

# 2. SIGTERM to init: forwarded to every service, which stop; init exits 0.
# 3. A service that ignores SIGTERM is SIGKILLed after the grace period.
{
    httpd_line
    echo "respawn $work/trapper.sh"
    echo "respawn $work/stubborn.sh"
} >"$work/term.tab"
printf '#!/bin/bash\ntrap "echo got-term >%s; exit 0" TERM\nwhile :; do sleep 0.1; done\n' "$work/trapped" >"$work/trapper.sh"
printf '#!/bin/bash\ntrap "" TERM\nwhile :; do sleep 0.1; done\n' >"$work/stubborn.sh"
chmod +x "$work/trapper.sh" "$work/stubborn.sh"
rm -f "$work/port"
start_init term
if ! wait_for "$work/port" . 10 || ! wait_for "$out/term.log" 'started .*stubborn' 10; then
    fail sigterm_forwarded "the services did not start: $(tail -n 3 "$out/term.log")"
else
    sleep 0.3 # the shell services install their traps
    kill -TERM "$init_pid"
    status=0
    end_init || status=$?
    if [ "$status" != 0 ] || ! grep -q '^init: every service stopped, exiting$' "$out/term.log"; then
        fail sigterm_forwarded "init exited with $status: $(tail -n 3 "$out/term.log")"
    elif [ "$(grep -c '^init: sending SIGTERM to ' "$out/term.log")" != 3 ]; then
        fail sigterm_forwarded "not every service got SIGTERM: $(grep SIGTERM "$out/term.log")"
    elif ! grep -q '^\[httpd\] stopped: ' "$out/term.log" || [ ! -f "$work/trapped" ]; then
        fail sigterm_forwarded "a service did not see SIGTERM (httpd's stop line, the shell's trap)"
    else
        pass sigterm_forwarded
    fi
    if grep -q "^init: .*stubborn.sh did not stop within 5 s: SIGKILL$" "$out/term.log" &&
        ! grep -q "trapper.sh did not stop" "$out/term.log"; then
        pass sigkill_after_grace
    else
        fail sigkill_after_grace "no SIGKILL line for the service that ignores SIGTERM only"
    fi
fi

# 4. needs= and once entries.
cat >"$work/needs.tab" <<EOF
once needs=/no/such/path /bin/echo skipped
once needs=$work /bin/echo first
once /bin/echo second
EOF
start_init needs
status=0
end_init || status=$?
if [ "$status" = 0 ] && grep -q '^init: /bin/echo not started: it needs /no/such/path, which is not there$' "$out/needs.log" &&
    [ "$(grep -E '^(first|second|skipped)$' "$out/needs.log" | tr '\n' ' ')" = "first second " ] &&
    grep -q '^init: nothing left to run, powering off$' "$out/needs.log"; then
    pass needs_and_once
else
    fail needs_and_once "status $status: $(tr '\n' '|' <"$out/needs.log" | head -c 400)"
fi
exit $((failures > 0))
