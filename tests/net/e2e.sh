#!/usr/bin/env bash
# Usage: e2e.sh NIC     (virtio-net-pci, e1000 or e1000e)
# The appliance's network end to end on one card model: boots it (QEMU user networking with
# restrict=on; host forwards on 127.0.0.1 only, ports chosen free) with init running
# /etc/init-tests/net.tab (echod on 7, netbulk source on 19 and sink on 9, httpd on 80), then
# from the host, through the forwards (tests/tools/netclient):
#   dhcp     eth0 got QEMU's address 10.0.2.15 by DHCP
#   echo     a line comes back
#   bulk-echo  E2E_BYTES (64 MB) to echod and back, SHA-256 equal both ways
#   bulk-rx  64 MB from the guest's source (net.tab's size), SHA-256 of the pattern
#   bulk-tx  E2E_BYTES into the guest's sink, which counts them all
#   conns    E2E_CONNS (200) connections at once, each echoed
# (UDP echo through a udp hostfwd is not tested here: QEMU's user network delivered none of the
# datagrams to the card under restrict=on; UDP is covered over loopback by appliance/tests/t_sock.)
#   http     httpd's index page (200)
#   alive    no crash, panic or lwIP assertion in the log
# One "PASS: net-e2e NIC/NAME" or "FAIL: ..." line each. Exit status 1 if any failed.
set -uo pipefail

nic=${1:?usage: e2e.sh NIC}
BUILD=${BUILD:-build}
bytes=${E2E_BYTES:-67108864}
nconns=${E2E_CONNS:-200}
client=$BUILD/tests/tools/netclient
# shellcheck source=tests/lib/ports.sh
. tests/lib/ports.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/net-e2e.XXXXXX")
log=$work/serial.log
qemu_pid=""
failed=0
cleanup()
{
    if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT

pass() { echo "PASS: net-e2e $nic/$1${2:+ ($2)}"; }
fail() { echo "FAIL: net-e2e $nic/$1: $2"; failed=1; }

for p in HTTP_PORT ECHO_PORT SOURCE_PORT SINK_PORT; do
    port_take "$p" || { fail setup "no free host port"; exit 1; }
done
export HTTP_PORT NIC=$nic
export NET_FWDS="tcp:127.0.0.1:$ECHO_PORT-:7,tcp:127.0.0.1:$SOURCE_PORT-:19,tcp:127.0.0.1:$SINK_PORT-:9"
: >"$log"
timeout -k 5 600 bash image/qemu.sh --boot kernel --guest-args "init=/sbin/init --inittab /etc/init-tests/net.tab" \
    --serial-file "$log" </dev/null 2>"$work/qemu.err" &
qemu_pid=$!

wait_line() { # fixed string, seconds
    local end=$((SECONDS + $2))
    until grep -aqF -- "$1" "$log"; do
        [ $SECONDS -lt "$end" ] && kill -0 "$qemu_pid" 2>/dev/null || return 1
        sleep 0.1
    done
}
for line in "[netbulk] sink on port 9" "[netbulk] source on port 19" "[echod] echo on" "serving /www"; do
    if ! wait_line "$line" 90; then
        fail boot "no '$line' within 90 s"
        tail -n 20 "$log" "$work/qemu.err" | sed 's/^/    /'
        exit 1
    fi
done
t0=$SECONDS

if wait_line "(guest) net: eth0 10.0.2.15 netmask 255.255.255.0" 30; then pass dhcp; else fail dhcp "no DHCP address within 30 s"; fi

got=$(printf 'hello, echo\n' | timeout 30 "$client" echo "$ECHO_PORT")
if [ "$got" = "hello, echo" ]; then pass echo; else fail echo "got '$got'"; fi

want=$("$client" pattern "$bytes" | sha256sum | cut -d' ' -f1)
s=$SECONDS
got=$("$client" pattern "$bytes" | timeout 300 "$client" echo "$ECHO_PORT" | sha256sum | cut -d' ' -f1)
if [ "$got" = "$want" ]; then pass bulk-echo "$bytes bytes each way in $((SECONDS - s)) s"; else fail bulk-echo "sha256 $got, want $want"; fi

s=$SECONDS
source_bytes=67108864
[ "$bytes" = "$source_bytes" ] || want=$("$client" pattern "$source_bytes" | sha256sum | cut -d' ' -f1)
got=$(timeout 300 "$client" recv "$SOURCE_PORT" | sha256sum | cut -d' ' -f1)
if [ "$got" = "$want" ]; then pass bulk-rx "$source_bytes bytes in $((SECONDS - s)) s"; else fail bulk-rx "sha256 $got, want $want"; fi

s=$SECONDS
if "$client" pattern "$bytes" | timeout 300 "$client" send "$SINK_PORT" && wait_line "[netbulk] $bytes bytes" 10; then
    pass bulk-tx "$bytes bytes in $((SECONDS - s)) s"
else
    fail bulk-tx "the sink did not count $bytes bytes"
fi

if out=$(timeout 120 "$client" conns "$ECHO_PORT" "$nconns"); then pass conns "$out"; else fail conns "$out"; fi

code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/")
if [ "$code" = 200 ]; then pass http; else fail http "status $code"; fi

if grep -aqE "crashed|PANIC|lwip: assertion" "$log"; then
    fail alive "$(grep -aE 'crashed|PANIC|lwip: assertion' "$log" | head -n 1)"
else
    pass alive "all in $((SECONDS - t0)) s"
fi
[ "$failed" = 0 ] || tail -n 20 "$log" | sed 's/^/    /'
exit "$failed"
