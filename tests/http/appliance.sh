#!/usr/bin/env bash
# Usage: appliance.sh
# The acceptance run of the web server and init: the appliance itself, booted once in QEMU
# (tests/lib/appliance.sh: -kernel, TCG, virtio-net, user networking with restrict=on, its port
# 80 forwarded from a free port on 127.0.0.1; guest option demo, so the fast-trap switch is
# writable; init runs /etc/init-tests/appliance.tab, the shipped inittab's entries plus a console
# hook), and every check through the forward, in this order:
#   inittab_same         the test inittab starts what the shipped /etc/inittab starts
#   boot                 httpd serves
#   appliance-curl/*     curl over every endpoint (tests/http/curl-checks.sh)
#   appliance-hostile/*  malformed and hostile requests, 10,000 pipelined, slowloris -> 408,
#                        resets, idle close (tests/tools/httphostile.c, with the server's own
#                        limits); not the connection limit of 256: QEMU's forward listens with
#                        a backlog of one, and opening 257 connections through it takes ~100 s,
#                        longer than the request timeout
#   appliance-limits/*   the connection limit on a second httpd the console hook starts on port
#                        81 (8 connections, 30 s timeouts): 503 when all are busy, the oldest
#                        idle one evicted when all are idle; it stops cleanly on SIGTERM
#   appliance-load/*     wrk, 64 connections for LOAD_SECONDS (20) s: no socket error, no non-2xx
#                        (wrk's "timeouts" of connections still waiting at the forward are named
#                        and accepted: tests/http/load.sh, LOAD_FORWARD_TIMEOUTS)
#   memory_after_load    the guest's free memory (/api/stats) after wrk is what it was before,
#                        within MEM_SLACK_KB (512), less the connection slots httpd used for the
#                        first time (httpd.slots_touched * slot_bytes: a slot is kept once used,
#                        appliance/httpd/slots.c); the server keeps no cache
#   appliance-browser/*  headless Chromium on the dashboard: counters move, the fast-trap
#                        switch makes the bounced count grow (tests/http/browser.sh); the
#                        screenshot is $BUILD/tests/http/dashboard.png (docs/images/ has a copy)
#   segv_restart_long_run   SIGSEGV to httpd (from the console hook, inside the guest) after it
#                        ran more than 10 s: init restarts it at once; the restart's delay in
#                        guest time, from the kill to init's start line, under 1 s; it serves
#   segv_restart_quick   the same again at once: init's first back-off (250 ms) still under 1 s
#   poweroff_sigterm     /sbin/poweroff: init forwards SIGTERM to httpd, which stops cleanly,
#                        and the machine powers off (QEMU's status 1: exit=debug's power-off)
#   alive                no crash, panic or lwIP assertion in the serial log
# One "PASS: httpd appliance.../NAME" or "FAIL: ..." line each; the log in $TEST_RUN_DIR/httpd or
# $BUILD/tests/http. Exit status 1 when anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export BUILD
out=${TEST_RUN_DIR:-}/httpd
[ -n "${TEST_RUN_DIR:-}" ] || out=$BUILD/tests/http
mkdir -p "$out" "$BUILD/tests/http"
www=$BUILD/appliance/rootfs/www
failures=0
pass() { echo "PASS: httpd appliance/$1${2:+ ($2)}"; }
fail() { echo "FAIL: httpd appliance/$1: $2"; failures=$((failures + 1)); }
note() { echo "# appliance: $*"; }

for f in "$BUILD/hypervisor/hv.elf" "$BUILD/guest/guest.elf" "$BUILD/appliance/initramfs.cpio" \
    "$BUILD/tests/tools/httphostile" "$www/index.html"; do
    [ -e "$f" ] || { fail setup "$f missing (make test-build)"; exit 1; }
done
# shellcheck source=tests/lib/appliance.sh
source tests/lib/appliance.sh
trap appliance_stop EXIT

# sub FROM TO COMMAND...: a checker's verdicts, "httpd FROM/" renamed "httpd TO/"; its failure
# without a FAIL line is one.
sub()
{
    local from=$1 to=$2 status nfail
    shift 2
    "$@" >"$out/sub.out" 2>&1
    status=$?
    sed -E "s#^(PASS|FAIL): httpd $from/#\1: httpd $to/#" "$out/sub.out"
    nfail=$(grep -c '^FAIL:' "$out/sub.out")
    failures=$((failures + nfail))
    if [ "$status" != 0 ] && [ "$nfail" = 0 ]; then
        fail "$to" "exit status $status without a FAIL line: $(tail -n 2 "$out/sub.out" | tr '\n' ' ')"
    fi
}

# The test inittab's first entries are the shipped one's.
entries() { grep -v -e '^#' -e '^[[:space:]]*$' "$1"; }
shipped=$(entries appliance/rootfs/etc/inittab)
if [ "$(entries appliance/rootfs/etc/init-tests/appliance.tab | head -n "$(grep -c . <<<"$shipped")")" = "$shipped" ]; then
    pass inittab_same
else
    fail inittab_same "/etc/init-tests/appliance.tab does not start with /etc/inittab's entries"
fi

APPLIANCE_LOG_DIR=$out
t0=$SECONDS
port_take SMALL_PORT || { fail setup "no free port"; exit 1; }
if ! appliance_boot --demo --fwds "tcp:127.0.0.1:$SMALL_PORT-:81" 2>"$out/boot.err"; then
    fail boot "$(cat "$out/boot.err")"
    exit 1
fi
pass boot "serving at $APPLIANCE_URL after $((SECONDS - t0)) s"

t=$SECONDS
sub curl appliance-curl env SUITE=curl bash tests/http/curl-checks.sh "$APPLIANCE_URL" "$www"
note "curl checks in $((SECONDS - t)) s"

t=$SECONDS
sub hostile appliance-hostile "$BUILD/tests/tools/httphostile" 127.0.0.1 "$APPLIANCE_PORT" --skip full_503,full_of_idle_evicts
note "hostile requests in $((SECONDS - t)) s"

# The connection limit, on a second httpd with 8 connections at most (port 81).
from=$(appliance_log_lines)
appliance_console small-httpd
if appliance_wait_line "[httpd] serving /www on 0.0.0.0 port 81" 30 "$from"; then
    sub hostile appliance-limits "$BUILD/tests/tools/httphostile" 127.0.0.1 "$SMALL_PORT" --only full_503
    sub hostile appliance-limits "$BUILD/tests/tools/httphostile" 127.0.0.1 "$SMALL_PORT" --only full_of_idle_evicts
else
    fail small_httpd "the second httpd on port 81 did not start"
fi
from=$(appliance_log_lines)
appliance_console small-httpd-stop
appliance_wait_line "[hook] small httpd ended with status 0" 30 "$from" || fail small_httpd "it did not stop cleanly on SIGTERM"

# Free memory before and after the load, each once the server is idle again.
free_kb() { sleep 1; appliance_stats_field '.memory.free_kb'; }
slots_kb() { appliance_stats_field '(.httpd.slots_touched * .httpd.slot_bytes / 1024 | floor)'; }
before=$(free_kb) slots_before=$(slots_kb)
t=$SECONDS
sub load appliance-load env LOAD_FORWARD_TIMEOUTS=1 bash tests/http/load.sh "$APPLIANCE_URL/favicon.svg" "${LOAD_SECONDS:-20}" 64
note "wrk in $((SECONDS - t)) s"
after=$(free_kb) slots_after=$(slots_kb)
slack=${MEM_SLACK_KB:-512}
note "free memory: $before kB before the load, $after kB after; httpd's connection slots: $slots_before kB, then $slots_after kB"
if ! [[ $before =~ ^[0-9]+$ && $after =~ ^[0-9]+$ && $slots_before =~ ^[0-9]+$ && $slots_after =~ ^[0-9]+$ ]]; then
    fail memory_after_load "no figures from /api/stats: '$before', '$after', '$slots_before', '$slots_after'"
elif [ $((before - after)) -gt $((slack + slots_after - slots_before)) ] || [ $((after - before)) -gt "$slack" ]; then
    fail memory_after_load "free memory $before kB before the load, $after kB after (slack $slack kB, slots first used $((slots_after - slots_before)) kB)"
else
    pass memory_after_load "$before -> $after kB (slots first used: $((slots_after - slots_before)) kB)"
fi

t=$SECONDS
shot=$BUILD/tests/http/dashboard.png
sub browser appliance-browser bash tests/http/browser.sh "$APPLIANCE_URL" "$shot" --switch
cp "$shot" "$out/" 2>/dev/null
note "browser in $((SECONDS - t)) s; screenshot $shot"

# SIGSEGV to httpd from inside the guest; the delays from the log's guest times.
segv() # NAME WANT-BACKOFF (none or the seconds init must announce)
{
    local name=$1 backoff=$2 from killed pid reaped started newpid delay said st
    from=$(appliance_log_lines)
    appliance_console segv
    if ! appliance_wait_line "init: started /sbin/httpd" 10 "$from"; then
        fail "$name" "no restart within 10 s: $(tail -n +$((from + 1)) "$APPLIANCE_LOG" | tr -d '\r' | tail -n 4 | tr '\n' '|')"
        return
    fi
    lines=$(tail -n +$((from + 1)) "$APPLIANCE_LOG" | tr -d '\r')
    killed=$(sed -n 's/^\[hook\] SIGSEGV to httpd (pid \([0-9]*\)) at \([0-9.]*\) s$/\2/p' <<<"$lines")
    pid=$(sed -n 's/^\[hook\] SIGSEGV to httpd (pid \([0-9]*\)) at .*/\1/p' <<<"$lines")
    reaped=$(sed -n 's|^init: /sbin/httpd killed by signal 11 at \([0-9.]*\) s$|\1|p' <<<"$lines")
    started=$(sed -n 's|^init: started /sbin/httpd (pid \([0-9]*\)) at \([0-9.]*\) s$|\2|p' <<<"$lines")
    newpid=$(sed -n 's|^init: started /sbin/httpd (pid \([0-9]*\)) at .*|\1|p' <<<"$lines")
    said=$(sed -n 's|^init: restarting /sbin/httpd in \([0-9.]*\) s$|\1|p' <<<"$lines")
    if [ -z "$killed" ] || [ -z "$reaped" ] || [ -z "$started" ]; then
        fail "$name" "the hook's or init's lines are missing: $(tr '\n' '|' <<<"$lines" | head -c 400)"
        return
    fi
    delay=$(awk -v a="$killed" -v b="$started" 'BEGIN { printf "%.3f", b - a }')
    note "$name: SIGSEGV to pid $pid at $killed s, init saw its end at $reaped s, back-off ${said:-none}, pid $newpid started at $started s: $delay s"
    appliance_wait_line "[httpd] serving" 10 "$from"
    st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$APPLIANCE_URL/")
    if [ "$newpid" = "$pid" ]; then
        fail "$name" "the same pid $pid again"
    elif [ "${said:-none}" != "$backoff" ]; then
        fail "$name" "init's back-off '${said:-none}', expected '$backoff'"
    elif ! awk -v d="$delay" 'BEGIN { exit !(d < 1) }'; then
        fail "$name" "restarted $delay s after the SIGSEGV (guest time), not within 1 s"
    elif [ "$st" != 200 ]; then
        fail "$name" "the new httpd answered GET / with $st"
    else
        pass "$name" "restarted after $delay s, serving"
    fi
}
segv segv_restart_long_run none
segv segv_restart_quick 0.250

# Shutdown: SIGTERM forwarded, httpd's clean stop, the power-off.
from=$(appliance_log_lines)
appliance_console poweroff
appliance_wait_exit 60
status=$APPLIANCE_STATUS
lines=$(tail -n +$((from + 1)) "$APPLIANCE_LOG" | tr -d '\r')
if [ "$status" = running ]; then
    fail poweroff_sigterm "the machine still runs 60 s after /sbin/poweroff: $(tail -n 3 <<<"$lines" | tr '\n' '|')"
elif [ "$status" != 1 ]; then
    fail poweroff_sigterm "QEMU's status $status, expected 1 (power-off)"
elif ! grep -qE '^init: sending SIGTERM to /sbin/httpd \(pid [0-9]+\)$' <<<"$lines" ||
    ! grep -q '^\[httpd\] stopped: ' <<<"$lines" || ! grep -qE '^init: /sbin/httpd exited with status 0 at ' <<<"$lines" ||
    ! grep -q '^(hv) domain 0 shut down: poweroff' <<<"$lines"; then
    fail poweroff_sigterm "SIGTERM, httpd's stop, its status 0 or the power-off missing: $(tr '\n' '|' <<<"$lines" | head -c 400)"
else
    pass poweroff_sigterm
fi

if grep -aqE 'crashed|PANIC|lwip: assertion' "$APPLIANCE_LOG"; then
    fail alive "$(grep -aE 'crashed|PANIC|lwip: assertion' "$APPLIANCE_LOG" | head -n 1)"
else
    pass alive "all in $((SECONDS - t0)) s"
fi
exit $((failures > 0))
