#!/usr/bin/env bash
# Usage: soak.sh [SECONDS]     (default SOAK_SECONDS, else 120)
# The soak: the appliance (init running /etc/init-tests/soak.tab: echod, the netbulk sink, httpd,
# and netbulk exec on port 13, which forks and runs soak-exec.sh per connection; the load starts
# once its outbound checks, net-out.sh, are over) under mixed load for SECONDS, from the host
# through the forwards: rounds of 5 HTTP requests on one kept-alive connection, 2 on new
# connections, 64 KB through echod, 4 KB through the fork/exec service (netbulk forks, /bin/sh
# is executed and runs "cat | sha256sum": two more forks and executions) and 1 MB into the sink
# (every 4th round). Every body is checked (the file's exact bytes, the echo's SHA-256, the
# SHA-256 line the pipeline sends back, the sink's count). Before the load (after one warm-up
# round) and after it, /api/stats gives the memory in use, ring 3 included
# ((pages_total - pages_free) * 4096 - kmalloc_free_bytes), the hypervisor's frame accounting
# (guest_frames, frames_free, guest_refs) and httpd's out_overflows.
#   load     every answer right (no wrong body, no error)
#   memory   all of those exactly where they were, and httpd's slots_touched: the daemons
#            allocate nothing per connection, and their memory depends only on the most
#            connections ever open at once (appliance/httpd/slots.c), which the warm-up sets
#            (8 at once to httpd and to echod) above what the load's one client at a time reaches
#   warmup   (only when it fails) those 8 connections at once
# Prints BENCH soak_requests N, soak_errors N, soak_mem_growth_kb N.
# One "PASS: soak NAME" or "FAIL: ..." line each. Exit status 1 if any failed.
set -uo pipefail

seconds=${1:-${SOAK_SECONDS:-120}}
BUILD=${BUILD:-build}
client=$BUILD/tests/tools/netclient
www=$BUILD/appliance/rootfs/www
# shellcheck source=tests/lib/net-test.sh
. tests/lib/net-test.sh
net_test_init "soak "
# Ended by a signal (make test's runner ending early), the EXIT trap still stops QEMU.
trap 'exit 143' TERM INT

boot() {
    net_take_ports HTTP_PORT ECHO_PORT SOURCE_PORT SINK_PORT EXEC_PORT
    export HTTP_PORT NIC=virtio-net-pci
    export NET_FWDS="tcp:127.0.0.1:$ECHO_PORT-:7,tcp:127.0.0.1:$SOURCE_PORT-:19,tcp:127.0.0.1:$SINK_PORT-:9,tcp:127.0.0.1:$EXEC_PORT-:13"
    net_start_qemu $((seconds + 600)) --hv-args "console=com1" --guest-args "init=/sbin/init --inittab /etc/init-tests/soak.tab"
}
net_boot 120 "[netbulk] sink on port 9" "[netbulk] exec on port 13" "[echod] echo on" "serving /www" "init: /bin/sh exited"
base="http://127.0.0.1:$HTTP_PORT"
files=(index.html dashboard.js dashboard.css favicon.svg index.html)
echo_bytes=65536 sink_bytes=1048576
echo_sha=$("$client" pattern "$echo_bytes" | sha256sum | cut -d' ' -f1)
exec_bytes=4096
exec_want=$("$client" pattern "$exec_bytes" | sha256sum)
requests=0 errors=0 sends=0 execs=0

http() { # FILE... on one connection; counts requests and errors
    local args=() i=0 f out rc line got
    for f in "$@"; do
        args+=(-o "$work/b.$i" "$base/$f")
        i=$((i + 1))
    done
    # Per request: status, bytes received, seconds; and curl's exit status for the connection,
    # so that an error line tells a cut transfer from a wrong body or a timeout.
    out=$(timeout 60 curl -s -m 30 -w '%{http_code} %{size_download} %{time_total}\n' "${args[@]}" 2>/dev/null)
    rc=$?
    i=0
    for f in "$@"; do
        requests=$((requests + 1))
        line=$(sed -n "$((i + 1))p" <<<"$out")
        if [ "${line%% *}" != 200 ] || ! cmp -s "$work/b.$i" "$www/$f"; then
            errors=$((errors + 1))
            got=$(cmp "$work/b.$i" "$www/$f" 2>&1 | head -n 1)
            echo "    request $requests: /$f: status, bytes, s: '$line' (the file's bytes: $(stat -c %s "$www/$f" 2>&1); curl exit $rc; ${got:-same bytes})" >>"$work/errors"
        fi
        rm -f "$work/b.$i"
        i=$((i + 1))
    done
}
round() { # N
    http "${files[@]}"
    http "${files[$(($1 % 5))]}"
    http "${files[$((($1 + 2) % 5))]}"
    requests=$((requests + 1))
    if [ "$("$client" pattern "$echo_bytes" | timeout 60 "$client" echo "$ECHO_PORT" | sha256sum | cut -d' ' -f1)" != "$echo_sha" ]; then
        errors=$((errors + 1))
        echo "    request $requests: echo: wrong bytes" >>"$work/errors"
    fi
    requests=$((requests + 1))
    execs=$((execs + 1))
    if [ "$("$client" pattern "$exec_bytes" | timeout 60 "$client" echo "$EXEC_PORT")" != "$exec_want" ]; then
        errors=$((errors + 1))
        echo "    request $requests: fork/exec: wrong answer" >>"$work/errors"
    fi
    if [ $(($1 % 4)) = 0 ]; then
        requests=$((requests + 1))
        if "$client" pattern "$sink_bytes" | timeout 60 "$client" send "$SINK_PORT"; then
            sends=$((sends + 1))
        else
            errors=$((errors + 1))
            echo "    request $requests: sink: send failed" >>"$work/errors"
        fi
    fi
}
# Memory in use (bytes), the frame accounting, httpd's heap overflows and slots in use, and (not
# compared) the guest's executions so far, from /api/stats.
snapshot() {
    curl -s -m 30 "$base/api/stats" | jq -r '[(.guest.pages_total - .guest.pages_free) * 4096 - .guest.kmalloc_free_bytes,
        .hypervisor.guest_frames, .hypervisor.frames_free, .hypervisor.guest_refs,
        .httpd.out_overflows, .httpd.slots_touched, .processes.execs] | map(tostring) | join(" ")'
}
settle() { # until two snapshots 2 s apart agree (closing connections, TIME_WAIT), at most 30 s
    local a b end=$((SECONDS + 30))
    a=$(snapshot)
    while [ $SECONDS -lt "$end" ]; do
        sleep 2
        b=$(snapshot)
        [ "$a" = "$b" ] && break
        a=$b
    done
    echo "$a"
}

# 8 connections open at once to httpd (each answered while all are open) and to echod.
peak() {
    local fds=() fd line ok=0 echoed
    for _ in 1 2 3 4 5 6 7 8; do
        exec {fd}<>"/dev/tcp/127.0.0.1/$HTTP_PORT" || break
        fds+=("$fd")
    done
    for fd in "${fds[@]}"; do printf 'GET /favicon.svg HTTP/1.1\r\nHost: soak\r\n\r\n' >&"$fd"; done
    for fd in "${fds[@]}"; do
        if read -r -t 30 line <&"$fd" && [[ $line == "HTTP/1.1 200"* ]]; then ok=$((ok + 1)); fi
    done
    for fd in "${fds[@]}"; do exec {fd}>&-; done
    echoed=$(timeout 120 "$client" conns "$ECHO_PORT" 8 2>&1 | tail -n 1)
    if [ "$ok" != 8 ] || [ "$echoed" != "conns: 8 of 8 open at once echoed" ]; then
        fail warmup "httpd answered $ok of 8 connections open at once; echod: '$echoed'"
    fi
}
peak
round 0 # warm-up: the services' buffers, kmalloc's class pages
requests=0 errors=0
: >"$work/errors"
before=$(settle)
t0=$SECONDS n=1
while [ $((SECONDS - t0)) -lt "$seconds" ]; do
    round "$n"
    n=$((n + 1))
done
elapsed=$((SECONDS - t0))
# The sink logs "[netbulk] N bytes" per connection: every send (the warm-up's too) counted whole.
counted=0
for _ in $(seq 20); do
    counted=$(grep -ac "\[netbulk\] $sink_bytes bytes" "$log")
    [ "$counted" -ge "$sends" ] && break
    sleep 1
done
if [ "$counted" != "$sends" ]; then
    errors=$((errors + 1))
    echo "    sink: $counted of $sends transfers counted whole" >>"$work/errors"
fi
after=$(settle)
read -r mem0 frames0 free0 refs0 over0 slots0 exec0 <<<"$before"
read -r mem1 frames1 free1 refs1 over1 slots1 exec1 <<<"$after"
# In kB, rounded away from zero (a growth of a few bytes is not 0).
growth=$((${mem1:-0} - ${mem0:-0}))
growth=$(((growth + (growth > 0 ? 1023 : growth < 0 ? -1023 : 0)) / 1024))
echo "BENCH soak_requests $requests requests"
echo "BENCH soak_errors $errors errors"
echo "BENCH soak_mem_growth_kb $growth kB"
if [ "$errors" = 0 ] && [ "$requests" -gt 0 ]; then
    pass load "$requests requests in $elapsed s ($n rounds, $execs through fork/exec: guest executions ${exec0:-?} -> ${exec1:-?}), 0 errors"
else
    fail load "$errors of $requests requests wrong or failed: $(head -n 3 "$work/errors" | tr '\n' ' ')"
fi
detail="memory in use $mem0 -> $mem1 bytes, guest frames $frames0 -> $frames1, free frames $free0 -> $free1, refs $refs0 -> $refs1, httpd heap overflows $over0 -> $over1, httpd slots in use $slots0 -> $slots1"
if [ -n "$mem0" ] && [ "$mem0" = "$mem1" ] && [ "$frames0" = "$frames1" ] && [ "$free0" = "$free1" ] &&
    [ "$refs0" = "$refs1" ] && [ "$over0" = "$over1" ] && [ "$slots0" = "$slots1" ]; then
    pass memory "$detail"
else
    fail memory "$detail"
fi
if grep -aqE "crashed|PANIC|lwip: assertion|shut down: crash" "$log"; then
    fail alive "$(grep -aE 'crashed|PANIC|lwip: assertion|shut down: crash' "$log" | head -n 1)"
fi
[ "$failed" = 0 ] || tail -n 20 "$log" | sed 's/^/    /'
exit "$failed"
