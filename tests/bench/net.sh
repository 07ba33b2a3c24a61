#!/usr/bin/env bash
# Usage: net.sh --vm ours|linux [--nic NIC] [--guest-args ARGS] [--tcp PREFIX]
#               [--http KEY] [--http-close KEY] [--http-other KEY]
# make bench's network and HTTP figures (issues 12 and 13), wall time under QEMU TCG (no icount):
# boots one VM with QEMU's user network (restrict=on, forwards from 127.0.0.1 only, ports chosen
# free) and the card NIC (virtio-net-pci), then measures from the host through the forwards:
#   --tcp PREFIX      PREFIXtcp_rx_mbps, PREFIXtcp_tx_mbps (64 MB from netbulk's source, into its
#                     sink), PREFIXtcp_rr_per_s, PREFIXtcp_crr_per_s (echod; tests/tools/netbench)
#   --http KEY        wrk, keep-alive, 16 connections, /favicon.svg (268 bytes) from guest port 80
#   --http-close KEY  the same with "Connection: close": a new connection per request
#   --http-other KEY  keep-alive again, from the other web server, on guest port 8080
# The VMs run the same static servers: ours (--vm ours) boots the appliance with init running
# /etc/init-tests/bench-net.tab (our httpd on 80, busybox httpd on 8080); the Linux VM (--vm
# linux) boots Debian's kernel with tests/bench/linux-vm.sh --net-initramfs (busybox httpd on 80,
# our httpd on 8080). --guest-args adds to our guest's command line (fasttrap=off).
# Prints "BENCH KEY VALUE UNIT" lines; a figure that cannot be measured is missing and the exit
# status is 1 (with the reason on stderr). The serial log is kept in $TEST_RUN_DIR (make bench's
# run directory) or a temporary directory. Environment: BUILD (build), NET_BENCH_SECS (5: each
# request/response and wrk run), NET_BENCH_BYTES (67108864: must match the sources' size).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
secs=${NET_BENCH_SECS:-5}
bytes=${NET_BENCH_BYTES:-67108864}
vm="" nic=virtio-net-pci guest_args="" tcp="" tcp_on=0 http="" http_close="" http_other=""
usage() { sed -n '2,3p' "$0" | sed 's/^# //' >&2; exit 2; }
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
    --vm) vm=$2 ;;
    --nic) nic=$2 ;;
    --guest-args) guest_args=$2 ;;
    --tcp) tcp=$2 tcp_on=1 ;;
    --http) http=$2 ;;
    --http-close) http_close=$2 ;;
    --http-other) http_other=$2 ;;
    *) usage ;;
    esac
    shift 2
done
case $vm in ours | linux) ;; *) usage ;; esac
client=$BUILD/tests/tools/netbench
[ -x "$client" ] || { echo "net.sh: $client missing (make $client)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "net.sh: wrk missing (make deps)" >&2; exit 1; }

# shellcheck source=tests/lib/ports.sh
. tests/lib/ports.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/net-bench.XXXXXX")
log=${TEST_RUN_DIR:-$work}/net-$vm-$nic${guest_args:+-${guest_args//[^a-z0-9=]/_}}.log
qemu_pid="" status=0
cleanup()
{
    if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "net.sh ($vm, $nic): $*" >&2; status=1; }

[ "$vm" = ours ] || kernel=$(bash tests/bench/linux-vm.sh --net-initramfs "$work/initramfs.cpio") || exit 1
# Takes the host ports and starts the VM in the background.
launch()
{
    local p
    # port_take's "exec {fd}>>LOCK 2>/dev/null" leaves the shell's stderr on /dev/null: kept aside.
    exec {stderr}>&2
    for p in HTTP_PORT OTHER_PORT ECHO_PORT SOURCE_PORT SINK_PORT; do
        port_take "$p" || { echo "net.sh: no free host port" >&"$stderr"; exit 1; }
    done
    exec 2>&"$stderr"
    fwds="tcp:127.0.0.1:$ECHO_PORT-:7,tcp:127.0.0.1:$SOURCE_PORT-:19,tcp:127.0.0.1:$SINK_PORT-:9"
    fwds+=",tcp:127.0.0.1:$OTHER_PORT-:8080"
    : >"$log"
    if [ "$vm" = ours ]; then
        ready="[echod] echo on|[netbulk] source on port 19|[netbulk] sink on port 9"
        HTTP_PORT=$HTTP_PORT NIC=$nic NET_FWDS=$fwds timeout -k 5 900 bash image/qemu.sh --boot kernel \
            --guest-args "${guest_args:+$guest_args }init=/sbin/init --inittab /etc/init-tests/bench-net.tab" \
            --serial-file "$log" </dev/null 2>"$work/qemu.err" &
    else
        ready="# linux-net: serving|[echod] echo on|[netbulk] source on port 19|[netbulk] sink on port 9"
        # The appliance's QEMU and card (image/qemu.sh's user network), Debian's kernel.
        # shellcheck disable=SC2054 # the commas are QEMU's
        timeout -k 5 900 qemu-system-x86_64 -accel tcg -m 256M -no-reboot -display none -monitor none \
            -serial "file:$log" \
            -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$HTTP_PORT-:80,hostfwd=${fwds//,/,hostfwd=}" \
            -device "$nic,netdev=net0" -kernel "$kernel" -initrd "$work/initramfs.cpio" \
            -append "console=ttyS0 quiet panic=-1 rdinit=/init" </dev/null 2>"$work/qemu.err" &
    fi
    qemu_pid=$!
}

# Every server up: its start line in the log and a 200 from both web servers.
up()
{
    local line
    IFS='|' read -ra lines <<<"$ready"
    for line in "${lines[@]}"; do grep -aqF -- "$line" "$log" || return 1; done
    for p in "$HTTP_PORT" "$OTHER_PORT"; do
        [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/favicon.svg")" = 200 ] || return 1
    done
}
# A port nothing listened on may still be bound (a connection's local port, in TIME_WAIT after a
# benchmark's thousands of connections): QEMU then says it could not set up the forward, and the
# VM boots again on other ports (tests/lib/ports.sh), up to 5 times.
for attempt in 1 2 3 4 5; do
    launch
    end=$((SECONDS + 180))
    until up; do
        if ! kill -0 "$qemu_pid" 2>/dev/null && port_in_use_error "$work/qemu.err" && [ "$attempt" -lt 5 ]; then
            wait "$qemu_pid" 2>/dev/null
            qemu_pid=""
            port_release_all
            continue 2
        fi
        if [ $SECONDS -ge "$end" ] || ! kill -0 "$qemu_pid" 2>/dev/null; then
            echo "net.sh ($vm, $nic): the servers did not all start within 180 s; last lines of $log:" >&2
            tail -n 15 "$log" "$work/qemu.err" | sed 's/^/    /' >&2
            exit 1
        fi
        sleep 0.2
    done
    break
done

bench() # KEY UNIT COMMAND...: prints the BENCH line of COMMAND's figure
{
    local key=$1 unit=$2 v
    shift 2
    if v=$("$@") && [[ $v =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
        echo "BENCH $key $v $unit"
    else
        fail "$key not measured (${v:-no figure})"
    fi
}
# wrk's requests per second; a run with any non-2xx answer or a socket error other than a
# timeout measured something else and gives no figure.
rps() # PORT [HEADER]
{
    local out
    out=$(wrk -t2 -c16 -d"${secs}s" ${2:+-H "$2"} "http://127.0.0.1:$1/favicon.svg" 2>&1) || return 1
    if grep -q "Non-2xx" <<<"$out" || grep -Eq "connect [1-9]|read [1-9]|write [1-9]" <<<"$out"; then
        echo "net.sh: wrk: $(tr '\n' ' ' <<<"$out")" >&2
        return 1
    fi
    awk '$1 == "Requests/sec:" { print $2 }' <<<"$out"
}

# TCG translates code on first use: a short run of each path first, not measured.
if [ "$tcp_on" = 1 ]; then
    "$client" rr "$ECHO_PORT" 1 >/dev/null
    bench "${tcp}tcp_rx_mbps" Mbit/s "$client" rx "$SOURCE_PORT" "$bytes"
    bench "${tcp}tcp_tx_mbps" Mbit/s "$client" tx "$SINK_PORT" "$bytes"
    bench "${tcp}tcp_rr_per_s" 1/s "$client" rr "$ECHO_PORT" "$secs"
    bench "${tcp}tcp_crr_per_s" 1/s "$client" crr "$ECHO_PORT" "$secs"
fi
if [ -n "$http$http_close$http_other" ]; then
    wrk -t2 -c16 -d1s "http://127.0.0.1:$HTTP_PORT/favicon.svg" >/dev/null 2>&1
    [ -z "$http" ] || bench "$http" requests/s rps "$HTTP_PORT"
    [ -z "$http_close" ] || bench "$http_close" requests/s rps "$HTTP_PORT" "Connection: close"
    if [ -n "$http_other" ]; then
        wrk -t2 -c16 -d1s "http://127.0.0.1:$OTHER_PORT/favicon.svg" >/dev/null 2>&1
        bench "$http_other" requests/s rps "$OTHER_PORT"
    fi
fi
if grep -aqE "crashed|PANIC|lwip: assertion|Kernel panic|# linux-net: FAILED" "$log"; then
    fail "the VM failed: $(grep -aE 'crashed|PANIC|lwip: assertion|Kernel panic|# linux-net: FAILED' "$log" | head -n 1)"
fi
exit "$status"
