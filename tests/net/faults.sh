#!/usr/bin/env bash
# Usage: faults.sh [RATE]      (RATE: a faults= percentage, 1% by default)
# Fault injection (hypervisor option faults=, docs/options.md): the appliance boots with every
# injectable operation failing at RATE (net_tx: a transmit fails with -XEN_EIO; net_rx: a
# received frame is lost; timer: a due timer event comes 5 ms late; evtchn: an upcall is held
# back up to 1 ms), faultseed=FAULTS_SEED (1, or the environment's), the guest's own allocators
# failing at RATE too (gfaults=page,kmalloc,lwip; gfaultseed=FAULTS_SEED; FAULTS_GUEST=0 leaves
# them alone, FAULTS_GUEST_POINTS="lwip:2%" chooses others), every received frame copied into
# lwIP's heap (netrx=copy: each one an allocation that can fail; FAULTS_NETRX=lend leaves the
# card's default, frames lent to lwIP in their own buffers), init running
# /etc/init-tests/net.tab, and from the host, through the forwards:
#   http     FAULTS_REQUESTS (200) requests, half on kept-alive connections (curl fetches 5 URLs
#            per connection), half each on a new one; every answer that comes must be 200 with
#            the file's exact bytes; a request may fail only cleanly (curl reports an error, or
#            a 5xx status; no wrong body, no 404 for a file that is there), at most
#            FAULTS_MAX_ERRORS percent (20) of them, none may take longer than 30 s
#   echo     1 MB through echod and back, SHA-256 equal (TCP recovers every lost frame)
#   sink     4 MB into the sink, which counts them all
#   counted  /api/stats shows the faults injected (hypervisor.faults_*, guest.faults_*), each
#            point above 0 (asked up to 5 times: a section httpd could not read is null)
#   alive    the appliance still answers (a 200 within 5 tries); no crash, panic or lwIP assertion in the log
# One "PASS: net-faults NAME" or "FAIL: ..." line each. Exit status 1 if any failed.
set -uo pipefail

rate=${1:-1%}
seed=${FAULTS_SEED:-1}
requests=${FAULTS_REQUESTS:-200}
max_errors=${FAULTS_MAX_ERRORS:-20} # percent of the requests that may fail cleanly
BUILD=${BUILD:-build}
client=$BUILD/tests/tools/netclient
www=$BUILD/appliance/rootfs/www
# shellcheck source=tests/lib/net-test.sh
. tests/lib/net-test.sh
net_test_init "net-faults "

# Boots with fresh ports; a port another program took between port_take and QEMU's bind is seen
# in QEMU's stderr, and the boot is tried again (3 times, as tests/net/e2e.sh).
faults="faults=net_tx:$rate,net_rx:$rate,timer:$rate,evtchn:$rate faultseed=$seed"
# FAULTS_GUEST=0: the hypervisor's faults only; FAULTS_GUEST_POINTS: other gfaults= points.
guest=${FAULTS_GUEST:-1}
gfaults=""
[ "$guest" = 0 ] || gfaults="gfaults=${FAULTS_GUEST_POINTS:-page:$rate,kmalloc:$rate,lwip:$rate} gfaultseed=$seed"
[ "${FAULTS_NETRX:-copy}" = lend ] || gfaults+=" netrx=copy"
boot() {
    net_take_ports HTTP_PORT ECHO_PORT SOURCE_PORT SINK_PORT
    export HTTP_PORT NIC=virtio-net-pci
    export NET_FWDS="tcp:127.0.0.1:$ECHO_PORT-:7,tcp:127.0.0.1:$SOURCE_PORT-:19,tcp:127.0.0.1:$SINK_PORT-:9"
    net_start_qemu 600 --hv-args "console=com1 $faults" --guest-args "$gfaults init=/sbin/init --inittab /etc/init-tests/net.tab"
}

net_boot 120 "(hv) fault injection: net_tx" "[netbulk] sink on port 9" "[echod] echo on" "serving /www"
t0=$SECONDS
base="http://127.0.0.1:$HTTP_PORT"
files=(index.html dashboard.js dashboard.css favicon.svg index.html)

# One curl run: the URLs given on one connection (kept alive); each answer into its own file.
# Prints one word per URL: ok, wrong (an answer that is not the file), or error.
fetch() { # N FILE...
    local n=$1 args=() i=0 f codes
    shift
    for f in "$@"; do
        args+=(-o "$work/body.$n.$i" "$base/$f")
        i=$((i + 1))
    done
    codes=$(timeout 60 curl -s -m 30 -w '%{http_code}\n' "${args[@]}" 2>/dev/null)
    i=0
    for f in "$@"; do
        local code
        code=$(sed -n "$((i + 1))p" <<<"$codes")
        if [ "$code" = 200 ] && cmp -s "$work/body.$n.$i" "$www/$f"; then
            echo ok
        elif [ "${code:0:1}" = 5 ]; then
            echo error # the server says it cannot (500, 503): a clean error
        elif [ "$code" = 200 ] || { [ -n "$code" ] && [ "$code" != 000 ]; }; then
            echo "wrong $f $code"
        else
            echo error
        fi
        rm -f "$work/body.$n.$i"
        i=$((i + 1))
    done
}
: >"$work/results"
s=$SECONDS
for ((n = 0; n < requests / 2 / 5; n++)); do
    fetch "k$n" "${files[@]}" >>"$work/results"
done
for ((n = 0; n < requests / 2; n++)); do
    fetch "n$n" "${files[$((n % 5))]}" >>"$work/results"
done
ok=$(grep -c '^ok' "$work/results")
wrong=$(grep -c '^wrong' "$work/results")
errors=$(grep -c '^error' "$work/results")
total=$((ok + wrong + errors))
summary="$ok of $total answered right, $errors clean errors, $wrong wrong, in $((SECONDS - s)) s"
if [ "$wrong" -eq 0 ] && [ "$total" -eq "$requests" ] && [ $((errors * 100)) -le $((total * max_errors)) ]; then
    pass http "$summary"
else
    fail http "$summary; $(grep -m 3 '^wrong' "$work/results" | tr '\n' ' ')"
fi

bytes=1048576
want=$("$client" pattern "$bytes" | sha256sum | cut -d' ' -f1)
got=$("$client" pattern "$bytes" | timeout 120 "$client" echo "$ECHO_PORT" | sha256sum | cut -d' ' -f1)
if [ "$got" = "$want" ]; then pass echo "$bytes bytes each way"; else fail echo "sha256 $got, want $want"; fi

bytes=4194304
if "$client" pattern "$bytes" | timeout 120 "$client" send "$SINK_PORT" && wait_line "[netbulk] $bytes bytes" 20; then
    pass sink "$bytes bytes counted"
else
    fail sink "the sink did not count $bytes bytes"
fi

# The counters, asked up to 5 times: under gfaults= httpd may fail to open a /proc file (ENOMEM)
# and answers that section as null, its clean error; one answer with every counter decides.
counts=""
for _ in 1 2 3 4 5; do
    stats=$(curl -s -m 30 "$base/api/stats") &&
        counts=$(jq -r '[.hypervisor.faults_net_tx, .hypervisor.faults_net_rx, .hypervisor.faults_timer,
            .hypervisor.faults_evtchn, .guest.faults_page, .guest.faults_kmalloc, .guest.faults_lwip] |
            map(tostring) | join(" ")' <<<"$stats") && [[ $counts != *null* ]] && break
done
if [ -n "$counts" ] && read -r ftx frx ftimer fev fpage fkm flwip <<<"$counts" && [ "${ftx:-0}" -gt 0 ] 2>/dev/null &&
    [ "$frx" -gt 0 ] && [ "$ftimer" -gt 0 ] && [ "$fev" -gt 0 ] &&
    { [ -n "${FAULTS_GUEST_POINTS:-}" ] || [ "$guest" = 0 ] ||
        { [ "${fpage:-0}" -gt 0 ] && [ "${fkm:-0}" -gt 0 ] && [ "${flwip:-0}" -gt 0 ]; }; }; then
    pass counted "net_tx $ftx, net_rx $frx, timer $ftimer, evtchn $fev; guest page $fpage, kmalloc $fkm, lwip $flwip injected"
else
    fail counted "faults_* in /api/stats: '${counts:-none}'"
fi

# Still serving: a 200 within 5 tries (at these rates about 1 request in 20 gets a clean 5xx,
# which the http check above allows, so one try alone would fail now and then).
codes=()
for _ in 1 2 3 4 5; do
    code=$(curl -s -m 30 -o /dev/null -w '%{http_code}' "$base/")
    codes+=("$code")
    [ "$code" = 200 ] && break
done
if [ "$code" != 200 ]; then
    fail alive "no 200 in 5 last requests: statuses ${codes[*]}"
elif grep -aqE "crashed|PANIC|lwip: assertion|shut down: crash" "$log"; then
    fail alive "$(grep -aE 'crashed|PANIC|lwip: assertion|shut down: crash' "$log" | head -n 1)"
else
    pass alive "all in $((SECONDS - t0)) s, faultseed=$seed"
fi
if [ "$failed" != 0 ]; then
    tail -n 20 "$log" | sed 's/^/    /'
    mkdir -p "$BUILD/tests" && cp "$log" "$BUILD/tests/net-faults.serial.log" &&
        echo "    (the whole serial log: $BUILD/tests/net-faults.serial.log)"
fi
exit "$failed"
