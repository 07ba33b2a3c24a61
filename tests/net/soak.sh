#!/usr/bin/env bash
# Usage: soak.sh [SECONDS]     (default SOAK_SECONDS, else 120)
# The soak: the appliance (init running /etc/init-tests/net.tab: echod, the netbulk sink, httpd;
# the load starts once its outbound checks, net-out.sh, are over)
# under mixed load for SECONDS, from the host through the forwards: rounds of 5 HTTP requests on
# one kept-alive connection, 2 on new connections, 64 KB through echod and 1 MB into the sink
# (every 4th round). Every body is checked (the file's exact bytes, the echo's SHA-256, the sink's
# count). Before the load (after one warm-up round) and after it, /api/stats gives the guest
# kernel's memory in use ((pages_total - pages_free) * 4096 - kmalloc_free_bytes) and the
# hypervisor's frame accounting (guest_frames, frames_free, guest_refs).
#   load     every answer right (no wrong body, no error)
#   memory   the kernel's memory in use and the frame accounting back where they were
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

boot() {
    net_take_ports HTTP_PORT ECHO_PORT SOURCE_PORT SINK_PORT
    export HTTP_PORT NIC=virtio-net-pci
    export NET_FWDS="tcp:127.0.0.1:$ECHO_PORT-:7,tcp:127.0.0.1:$SOURCE_PORT-:19,tcp:127.0.0.1:$SINK_PORT-:9"
    net_start_qemu $((seconds + 600)) --hv-args "console=com1" --guest-args "init=/sbin/init --inittab /etc/init-tests/net.tab"
}
net_boot 120 "[netbulk] sink on port 9" "[echod] echo on" "serving /www" "init: /bin/sh exited"
base="http://127.0.0.1:$HTTP_PORT"
files=(index.html dashboard.js dashboard.css favicon.svg index.html)
echo_bytes=65536 sink_bytes=1048576
echo_sha=$("$client" pattern "$echo_bytes" | sha256sum | cut -d' ' -f1)
requests=0 errors=0 sends=0

http() { # FILE... on one connection; counts requests and errors
    local args=() i=0 f codes
    for f in "$@"; do
        args+=(-o "$work/b.$i" "$base/$f")
        i=$((i + 1))
    done
    codes=$(timeout 60 curl -s -m 30 -w '%{http_code}\n' "${args[@]}" 2>/dev/null)
    i=0
    for f in "$@"; do
        requests=$((requests + 1))
        if [ "$(sed -n "$((i + 1))p" <<<"$codes")" != 200 ] || ! cmp -s "$work/b.$i" "$www/$f"; then
            errors=$((errors + 1))
            echo "    request $requests: /$f: status '$(sed -n "$((i + 1))p" <<<"$codes")'" >>"$work/errors"
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
# Memory in use (bytes) and the frame accounting, from /api/stats.
snapshot() {
    curl -s -m 30 "$base/api/stats" | jq -r '[(.guest.pages_total - .guest.pages_free) * 4096 - .guest.kmalloc_free_bytes,
        .hypervisor.guest_frames, .hypervisor.frames_free, .hypervisor.guest_refs] | map(tostring) | join(" ")'
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
read -r mem0 frames0 free0 refs0 <<<"$before"
read -r mem1 frames1 free1 refs1 <<<"$after"
growth=$(((${mem1:-0} - ${mem0:-0}) / 1024))
echo "BENCH soak_requests $requests"
echo "BENCH soak_errors $errors"
echo "BENCH soak_mem_growth_kb $growth"
if [ "$errors" = 0 ] && [ "$requests" -gt 0 ]; then
    pass load "$requests requests in $elapsed s ($n rounds), 0 errors"
else
    fail load "$errors of $requests requests wrong or failed: $(head -n 3 "$work/errors" | tr '\n' ' ')"
fi
detail="kernel memory in use $mem0 -> $mem1 bytes, guest frames $frames0 -> $frames1, free frames $free0 -> $free1, refs $refs0 -> $refs1"
if [ -n "$mem0" ] && [ "$mem0" = "$mem1" ] && [ "$frames0" = "$frames1" ] && [ "$free0" = "$free1" ]; then
    pass memory "$detail"
else
    fail memory "$detail"
fi
if grep -aqE "crashed|PANIC|lwip: assertion|shut down: crash" "$log"; then
    fail alive "$(grep -aE 'crashed|PANIC|lwip: assertion|shut down: crash' "$log" | head -n 1)"
fi
[ "$failed" = 0 ] || tail -n 20 "$log" | sed 's/^/    /'
exit "$failed"
