#!/usr/bin/env bash
# Usage: hostile.sh NIC     (virtio-net-pci, e1000 or e1000e)
# Hostile frames from the wire against the guest's lwIP: boots the appliance with
# /etc/init-tests/net-hostile.tab (echod on 7, a source on 19, the network's state on 23) with the
# card on a hub with QEMU's user network (restrict=on, forwards on 127.0.0.1) and a socket netdev
# (image/qemu.sh NET_WIRE), through which tests/tools/wirehostile sends its classes of bad frames
# (junk, IPv4, TCP, UDP, ICMP, fragments, IPv6 and neighbour discovery, ARP, oversized, bit flips,
# a SYN flood) while the user network's link is down (QMP set_link). Then:
#   before   an echo works and lwIP's state is read (the baseline)
#   frames   wirehostile sent every class
#   echo     a normal connection right after the frames works
#   dropped  lwIP counted the bad frames as dropped (checksum, length, protocol errors)
#   checksums  TCP and UDP both counted checksum errors: wirehostile's segments and datagrams
#            with wrong checksums were refused (the pseudo-header sum's short way for one IPv4
#            pbuf, guest/net/lwip_chksum.c, must refuse what lwIP's own refuses)
#   leaks    within HOSTILE_SETTLE (40) s every lwIP pool and the heap are back to the baseline
#            (the SYN flood's half-open connections and the fragments' reassembly time out), and
#            the guest's free memory is within 64 KB of it
#   alive    no crash, panic or lwIP assertion in the log
# One "PASS: net-hostile NIC/NAME" or "FAIL: ..." line each. Exit status 1 if any failed.
set -uo pipefail

nic=${1:?usage: hostile.sh NIC}
BUILD=${BUILD:-build}
settle=${HOSTILE_SETTLE:-40}
client=$BUILD/tests/tools/netclient
# shellcheck source=tests/lib/net-test.sh
. tests/lib/net-test.sh
net_test_init "net-hostile $nic/"

# Boots with fresh ports; a port another program took between port_take and QEMU's bind is seen
# in QEMU's stderr, and the boot is tried again (3 times).
boot() {
    net_take_ports HTTP_PORT ECHO_PORT STATS_PORT WIRE_PORT WIRE_PEER QMP_PORT
    export HTTP_PORT NIC=$nic NET_WIRE="$WIRE_PORT:$WIRE_PEER"
    export NET_FWDS="tcp:127.0.0.1:$ECHO_PORT-:7,tcp:127.0.0.1:$STATS_PORT-:23"
    net_start_qemu 300 --guest-args "init=/sbin/init --inittab /etc/init-tests/net-hostile.tab" \
        -- -qmp "tcp:127.0.0.1:$QMP_PORT,server=on,wait=off"
}

# lwIP's state, MemFree and "end" from the guest's port 23 (the host closes first).
stats() {
    timeout 20 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; while IFS= read -r l <&3; do [ "$l" = end ] && break; printf "%s\n" "$l"; done' \
        stats "$STATS_PORT" | tr -d '\r'
}
# The pool lines (name used max err) and the heap, "name used" each.
pools() { awk 'NR > 1 && NF == 4 { print $1, $2 }' <<<"$1"; }
proto() { awk -v p="$2" -v c="$3" '$1 == "proto" { for (i = 2; i <= NF; i++) col[$i] = i } $1 == p { print $col[c] }' <<<"$1"; }
memfree() { awk '$1 == "MemFree:" { print $2 }' <<<"$1"; }

net_boot 90 "[echod] echo on" "(guest) net: eth0 10.0.2.15"

got=$(printf 'before\n' | timeout 30 "$client" echo "$ECHO_PORT")
# The baseline once IPv6 has settled: the link-local address past its duplicate detection (no
# longer tentative, flags 80) and its solicited-node group joined.
for _ in $(seq 30); do
    before=$(stats)
    grep -qE '^fe80[0-9a-f]{28} 02 40 20 80 +eth0$' <<<"$before" && break
    sleep 0.5
done
if [ "$got" = before ] && [ -n "$(pools "$before")" ]; then
    pass before "echo, and $(pools "$before" | wc -l) pools read"
else
    fail before "echo got '$got'; state: $(head -c 200 <<<"$before")"
    exit 1
fi

# The user network's link goes down while the frames are sent: they are meant for the guest, and
# QEMU's user network (libslirp 4.7.0) takes every IPv4 frame on the hub as its own: IPv4
# fragments reaching past 65535 bytes make the whole QEMU die of SIGBUS (docs/network.md).
exec 3<>"/dev/tcp/127.0.0.1/$QMP_PORT" || { fail setup "no QMP on port $QMP_PORT"; exit 1; }
qmp() {
    [ -z "$1" ] || echo "$1" >&3
    IFS= read -r -t 30 reply <&3 && [[ $reply != *error* ]]
}
set_link() { qmp "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"net0\",\"up\":$1}}"; }
qmp "" && qmp '{"execute":"qmp_capabilities"}' && set_link false || { fail setup "QMP: $reply"; exit 1; }
s=$SECONDS
if out=$(timeout 120 "$BUILD/tests/tools/wirehostile" "$WIRE_PORT" "$WIRE_PEER"); then
    pass frames "$(tail -n 1 <<<"$out") in $((SECONDS - s)) s"
else
    fail frames "$out"
fi
sleep 2
set_link true || fail setup "QMP: $reply"

got=$(printf 'after\n' | timeout 30 "$client" echo "$ECHO_PORT")
if [ "$got" = after ]; then pass echo; else fail echo "got '$got'"; fi

after=$(stats)
drops=""
for p in ip tcp udp icmp ip6 icmp6 ipfrag; do
    for c in drop chkerr lenerr proterr; do
        d=$(($(proto "$after" $p $c) - $(proto "$before" $p $c)))
        [ "$d" = 0 ] || drops+="$p.$c +$d "
    done
done
if [ -n "$drops" ]; then pass dropped "$drops"; else fail dropped "lwIP counted no dropped frame"; fi
tcp_ck=$(($(proto "$after" tcp chkerr) - $(proto "$before" tcp chkerr)))
udp_ck=$(($(proto "$after" udp chkerr) - $(proto "$before" udp chkerr)))
if [ "$tcp_ck" -gt 0 ] && [ "$udp_ck" -gt 0 ]; then
    pass checksums "tcp.chkerr +$tcp_ck, udp.chkerr +$udp_ck"
else
    fail checksums "tcp.chkerr +$tcp_ck, udp.chkerr +$udp_ck: a wrong checksum was not refused"
fi

end=$((SECONDS + settle))
while :; do
    now=$(stats)
    diff=$(diff <(pools "$before") <(pools "$now") | grep '^[<>]' | tr '\n' ' ')
    mf=$(($(memfree "$before") - $(memfree "$now")))
    if [ -z "$diff" ] && [ "${mf#-}" -le 64 ]; then
        pass leaks "every pool and the heap as before, MemFree $((-mf)) kB off, after $((SECONDS - s)) s"
        break
    fi
    if [ $SECONDS -ge "$end" ]; then
        fail leaks "after $settle s: $diff MemFree ${mf} kB lower"
        break
    fi
    sleep 3
done

if grep -aqE "crashed|PANIC|lwip: assertion" "$log"; then
    fail alive "$(grep -aE 'crashed|PANIC|lwip: assertion' "$log" | head -n 1)"
elif ! kill -0 "$qemu_pid" 2>/dev/null; then
    fail alive "QEMU is gone"
else
    pass alive
fi
[ "$failed" = 0 ] || { printf "%s\n" "${now:-}" | sed "s/^/    /"; tail -n 20 "$log" "$work/qemu.err" | sed "s/^/    /"; }
exit "$failed"
