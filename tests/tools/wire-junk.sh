#!/usr/bin/env bash
# Usage: wire-junk.sh LOG LINE PORT
# For a scenario's SETUP (in the background): once LINE (a fixed string) is in the serial LOG,
# send junk Ethernet frames to the guest's card through a QEMU socket netdev listening on UDP
# 127.0.0.1:PORT (each datagram is one frame, written with one write by dd): sizes from 1 to 9000
# bytes at the edges that matter plus random ones, random bytes (most with a broadcast
# destination so the card takes them, the rest with random addresses and truncated headers);
# then an end marker (ethertype 0x88b6, "END"). Not size 0: QEMU's socket netdev takes an empty
# datagram for the end of the stream and stops reading. Only 127.0.0.1 is ever addressed.
set -uo pipefail
log=$1 line=$2 port=$3
deadline=$((SECONDS + 120))
until grep -aqF -- "$line" "$log" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "wire-junk: no '$line' in $log"; exit 1; }
    sleep 0.1
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wire-junk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
RANDOM=12
sizes=(1 13 14 15 20 59 60 61 1499 1514 1515 1518 1522 1535 1536 1537 1538 2000 2038 2039 2048
    4000 9000)
for _ in $(seq 150); do sizes+=($((RANDOM % 2099 + 1))); done
bcast='\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01'
sent=0
for n in "${sizes[@]}"; do
    head -c "$n" /dev/urandom >"$tmp/frame"
    if [ "$n" -ge 14 ] && [ $((RANDOM % 10)) -lt 7 ]; then
        { printf "$bcast"; tail -c +13 "$tmp/frame"; } >"$tmp/b" && mv "$tmp/b" "$tmp/frame"
    fi
    dd if="$tmp/frame" bs="$n" count=1 status=none >"/dev/udp/127.0.0.1/$port" || true
    sent=$((sent + 1))
    sleep 0.005
done
sleep 0.5
{ printf "$bcast"'\x88\xb6END'; head -c 43 /dev/zero; } >"$tmp/end"
dd if="$tmp/end" bs=60 count=1 status=none >"/dev/udp/127.0.0.1/$port"
echo "wire-junk: $sent junk frames and the end marker sent"
