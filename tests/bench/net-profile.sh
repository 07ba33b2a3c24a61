#!/usr/bin/env bash
# Usage: net-profile.sh [--nic NIC] [tx|rx|rr] [BYTES|COUNT]
# Where a network operation's instructions go, function by function: boots the appliance with
# /etc/init-tests/bench-net.tab under -icount shift=0, warms the path up, then turns on QEMU's
# singlestep and its exec,nochain log (each trace line one executed instruction, hypervisor,
# guest kernel and ring 3 alike) through the monitor for one netbench run: tx (BYTES, 1000000,
# into netbulk's sink: the guest's receive path), rx (BYTES from its source) or rr (COUNT round
# trips to echod). Prints the instructions per operation (per 1460-byte segment for tx and rx)
# in each function, hv.elf's and guest.elf's symbols, ring 3 as one line. Singlestep slows
# virtual time, so timers fire more often per operation than in a normal run (net.sh --insns
# gives the undisturbed totals). Needs a few hundred MB in $TMPDIR. Environment: BUILD (build).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
nic=virtio-net-pci
[ "${1:-}" != --nic ] || { nic=$2; shift 2; }
op=${1:-tx}
case $op in tx | rx) n=${2:-1000000} ;; rr) n=${2:-500} ;; *) sed -n '2p' "$0" >&2; exit 2 ;; esac
client=$BUILD/tests/tools/netbench
hv=$BUILD/hypervisor/hv.elf guest=$BUILD/guest/guest.elf
for f in "$client" "$hv" "$guest"; do [ -e "$f" ] || { echo "net-profile.sh: $f missing: make" >&2; exit 2; }; done
work=$(mktemp -d "${TMPDIR:-/tmp}/net-profile.XXXXXX")
qpid=""
trap '[ -z "$qpid" ] || kill "$qpid" 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source=tests/lib/ports.sh
. tests/lib/ports.sh
for p in HTTP ECHO SOURCE SINK; do port_take "PORT_$p" 2>/dev/null || { echo "no free port" >&2; exit 1; }; done
fwds="tcp:127.0.0.1:$PORT_ECHO-:7,tcp:127.0.0.1:$PORT_SOURCE-:19,tcp:127.0.0.1:$PORT_SINK-:9"
HTTP_PORT=$PORT_HTTP NIC=$nic NET_FWDS=$fwds timeout -k 5 1800 bash image/qemu.sh --boot kernel \
    --guest-args "init=/sbin/init --inittab /etc/init-tests/bench-net.tab" \
    --serial-file "$work/log" -- -icount shift=0 -monitor "unix:$work/mon,server=on,wait=off" \
    </dev/null 2>"$work/qemu.err" &
qpid=$!
for _ in $(seq 1 600); do grep -aqF "[netbulk] sink on port 9" "$work/log" 2>/dev/null && break; sleep 0.2; done
grep -aqF "[netbulk] sink on port 9" "$work/log" || { tail "$work/log" "$work/qemu.err" >&2; exit 1; }
# hmp COMMAND...: each a line to QEMU's human monitor, one after the other.
hmp() {
    perl -MIO::Socket::UNIX -e '
        my $s = IO::Socket::UNIX->new(Peer => shift) or die "monitor: $!\n";
        for (@ARGV) { print $s "$_\n"; sleep 1 }' "$work/mon" "$@"
}
run() {
    case $op in
    tx) "$client" tx "$PORT_SINK" "$1" ;;
    rx) "$client" rx "$PORT_SOURCE" "$1" ;;
    rr) "$client" rrn "$PORT_ECHO" "$1" ;;
    esac >/dev/null
}
run "$n" # warm-up: ARP, the first allocations, TCG's translations
hmp "logfile $work/trace" "log exec,nochain" "singlestep on"
run "$n"
hmp "log none" "singlestep off"
sleep 1

{ nm -n "$hv"; nm -n "$guest"; } | awk '$2 ~ /^[tTwW]$/ { print $1, $3 }' | sort >"$work/syms"
ops=$n
[ "$op" = rr ] || ops=$(awk -v b="$n" 'BEGIN { print b / 1460 }')
unit="1460-byte segment"; [ "$op" != rr ] || unit="round trip"
echo "net-profile.sh: $op $n on $nic: instructions per $unit, by function"
awk -v ops="$ops" '
    function hex(s,   i, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++)
        v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
    FILENAME == ARGV[1] { sa[++ns] = hex($1); sn[ns] = $2; next }
    /^Trace / { split($0, a, "/"); pc = hex(a[2]); total++
        if (pc < 3221225472) { c["(ring 3)"]++; next }
        l = 1; h = ns; while (l < h) { m = int((l + h + 1) / 2); if (sa[m] <= pc) l = m; else h = m - 1 }
        c[sn[l]]++ }
    END { printf "%10.1f  total (%d instructions)\n", total / ops, total
          for (f in c) printf "%10.1f  %s\n", c[f] / ops, f | "sort -rn | head -150" }
' "$work/syms" "$work/trace"
