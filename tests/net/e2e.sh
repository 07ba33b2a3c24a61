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
#   uploads  20 uploads of 3000 bytes into the sink, a new connection each, within 3 s in all:
#            QEMU's user network starts each connection with a congestion window of one
#            segment, and lwIP's delayed ACK for that lone segment waited for its 250-ms timer
#            (about 220 ms per upload, 4.9 s in all; guest/net/tcp_batchack.c). Chained
#            uploads each span one period of that timer, so without the fix the total stays
#            near 20 x 250 ms however loaded the host; with it an upload takes a few ms.
#   held     6 connections of 60000 bytes each into netbulk's hold service (port 10), which
#            reads none until all hold their bytes: the guest then holds about 250 received
#            segments, more than the 192 receive buffers netfront lends to lwIP, so the rest
#            were copied (guest/net/netfront.c: the ring keeps its buffers posted). Every byte
#            must arrive intact, NETFRONT_RX_LENT (/proc/net/lwip) must show 192 lent and frames
#            copied while they were held, and none lent once they were read
#   udp      datagrams through a udp forward reach echod, and its echoes leave the card with
#            valid checksums: seen in a capture of the card (NET_DUMP, tests/tools/pcapudp), since
#            under restrict=on QEMU's user network drops every UDP datagram the guest sends
#            (libslirp's udp_input), so no echo can come back to the host (docs/network.md)
#   conns    E2E_CONNS (200) connections at once, each echoed
#   http     httpd's index page (200)
# and what the guest does itself (/etc/init-tests/net-out.sh, run once by net.tab):
#   ping     busybox ping (a raw ICMP socket) gets 3 of 3 answers from the gateway 10.0.2.2
#   guestfwd the guest connects to 10.0.2.100:1234, a guestfwd to a host command
#            (tests/net/guestfwd-service.sh): the host gets the guest's line, the guest the answer
#   ipv6     eth0's link-local fe80:: and SLAAC fec0:: (QEMU's prefix) addresses are the MAC's
#            EUI-64 (/proc/net/if_inet6)
#   alive    no crash, panic or lwIP assertion in the log
# One "PASS: net-e2e NIC/NAME" or "FAIL: ..." line each. Exit status 1 if any failed.
set -uo pipefail

nic=${1:?usage: e2e.sh NIC}
BUILD=${BUILD:-build}
bytes=${E2E_BYTES:-67108864}
nconns=${E2E_CONNS:-200}
client=$BUILD/tests/tools/netclient
# shellcheck source=tests/lib/net-test.sh
. tests/lib/net-test.sh
net_test_init "net-e2e $nic/"

# Boots with fresh ports; a port another program took between port_take and QEMU's bind is seen
# in QEMU's stderr, and the boot is tried again (3 times).
boot() {
    net_take_ports HTTP_PORT ECHO_PORT SOURCE_PORT SINK_PORT UDP_PORT HOLD_PORT
    export HTTP_PORT NIC=$nic
    export NET_FWDS="tcp:127.0.0.1:$ECHO_PORT-:7,tcp:127.0.0.1:$SOURCE_PORT-:19,tcp:127.0.0.1:$SINK_PORT-:9,udp:127.0.0.1:$UDP_PORT-:7,tcp:127.0.0.1:$HOLD_PORT-:10"
    export NET_GUESTFWD="tcp:10.0.2.100:1234-cmd:bash $PWD/tests/net/guestfwd-service.sh $work/guestfwd.txt"
    # Only the first 96 bytes of each frame: the bulk transfers pass through the capture too.
    export NET_DUMP="$work/card.pcap" NET_DUMP_SNAPLEN=96
    net_start_qemu 600 --guest-args "init=/sbin/init --inittab /etc/init-tests/net.tab"
}

net_boot 90 "[netbulk] sink on port 9" "[netbulk] source on port 19" "[echod] echo on" "serving /www"
t0=$SECONDS

if wait_line "(guest) net: eth0 10.0.2.15 netmask 255.255.255.0" 30; then pass dhcp; else fail dhcp "no DHCP address within 30 s"; fi

got=$(printf 'hello, echo\n' | timeout 30 "$client" echo "$ECHO_PORT")
if [ "$got" = "hello, echo" ]; then pass echo; else fail echo "got '$got'"; fi

udp_n=5
"$client" udpsend "$UDP_PORT" "$udp_n" && sleep 1
if out=$("$BUILD/tests/tools/pcapudp" "$work/card.pcap" 7 "$udp_n"); then pass udp "$out"; else fail udp "$out"; fi

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

uploads=20 up_ok=1 up_ms=$(date +%s%3N)
for ((i = 0; i < uploads; i++)); do
    head -c 3000 /dev/zero | timeout 30 "$client" send "$SINK_PORT" || up_ok=0
done
up_ms=$(($(date +%s%3N) - up_ms))
if [ "$up_ok" = 1 ] && [ "$up_ms" -lt 3000 ]; then
    pass uploads "$uploads of 3000 bytes in $up_ms ms"
else
    fail uploads "$uploads of 3000 bytes took $up_ms ms (all sent: $up_ok); a lone segment's ACK delayed?"
fi

# held: "NETFRONT_RX_LENT now max copied" while held, and after.
held_n=6 held_bytes=60000 held_ok=1 pids=()
for ((i = 0; i < held_n; i++)); do
    "$client" pattern "$held_bytes" | timeout 60 "$client" send "$HOLD_PORT" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || held_ok=0; done
if wait_line "[netbulk] hold: $held_n connections, $((held_n * held_bytes)) bytes" 30; then
    read -r _ now max copied < <(grep -aF "[netbulk] hold: $held_n connections of" "$log" | tail -n 1 | tr -d '\r' | sed 's/.*; //')
    after=$(grep -aF "[netbulk] hold: $held_n connections, " "$log" | tail -n 1 | tr -d '\r')
    read -r _ now2 _ _ <<<"${after##*; }"
    if [ "$held_ok" = 1 ] && [[ $after == *"pattern intact"* ]] && [ "${now:-0}" -ge 192 ] &&
        [ "${copied:-0}" -gt 0 ] && [ "${now2:-1}" = 0 ]; then
        pass held "$held_n x $held_bytes bytes intact; $now buffers lent, $copied frames copied while held, $now2 after"
    else
        fail held "senders ok: $held_ok; held: lent $now (max $max), copied $copied; after: $after"
    fi
else
    fail held "no end line from netbulk hold; $(grep -aF '[netbulk] hold' "$log" | tail -n 2 | tr '\n' ' ')"
fi

if out=$(timeout 120 "$client" conns "$ECHO_PORT" "$nconns"); then pass conns "$out"; else fail conns "$out"; fi

code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/")
if [ "$code" = 200 ]; then pass http; else fail http "status $code"; fi

if wait_line "[net-out] done" 60; then
    if grep -aqF "[net-out] 3 packets transmitted, 3 packets received, 0% packet loss" "$log"; then
        pass ping "3 of 3 answered by 10.0.2.2"
    else
        fail ping "$(grep -aF '[net-out]' "$log" | grep -avE 'if_inet6|guestfwd' | tail -n 3 | tr '\n' ' ')"
    fi
    line="guestfwd hello from ringvisor"
    if grep -qxF "$line" "$work/guestfwd.txt" 2>/dev/null && grep -aqF "[net-out] guestfwd got: host: $line" "$log"; then
        pass guestfwd "the host got the guest's line and the guest the answer"
    else
        fail guestfwd "host got '$(cat "$work/guestfwd.txt" 2>/dev/null)'; guest: $(grep -aF '[net-out] guestfwd' "$log" | head -n 2 | tr '\n' ' ')"
    fi
    # The interface identifier: the MAC with the universal/local bit flipped and ff:fe inside.
    mac=$(grep -aoE "net: eth0 [a-z0-9-]+ mac [0-9a-f:]{17}" "$log" | head -n 1 | awk '{print $NF}')
    IFS=: read -r m0 m1 m2 m3 m4 m5 <<<"$mac"
    eui=$(printf '%02x%s%sfffe%s%s%s' $((0x$m0 ^ 2)) "$m1" "$m2" "$m3" "$m4" "$m5")
    ll="[net-out] if_inet6 fe80000000000000$eui 02 40 20 80     eth0"
    slaac="[net-out] if_inet6 fec0000000000000$eui 02 40 40 80     eth0"
    if [ -n "$mac" ] && grep -aqF "$ll" "$log" && grep -aqF "$slaac" "$log"; then
        pass ipv6 "fe80::/64 and fec0::/64 with the EUI-64 of $mac"
    else
        fail ipv6 "mac '$mac'; $(grep -aF '[net-out] if_inet6' "$log" | tr '\n' ' ')"
    fi
else
    fail net-out "the guest's own checks did not finish within 60 s"
fi

if grep -aqE "crashed|PANIC|lwip: assertion" "$log"; then
    fail alive "$(grep -aE 'crashed|PANIC|lwip: assertion' "$log" | head -n 1)"
else
    pass alive "all in $((SECONDS - t0)) s"
fi
[ "$failed" = 0 ] || tail -n 20 "$log" | sed 's/^/    /'
exit "$failed"
