#!/usr/bin/env bash
# Usage: net.sh [--nic NIC] [--http | --insns] [--rounds N]
# make bench's network and HTTP figures (issues 12 and 13), wall time under QEMU TCG (no icount).
# Boots our appliance and the Linux VM side by side, both with QEMU's user network (restrict=on,
# forwards from 127.0.0.1 only, ports chosen free) on the card NIC (virtio-net-pci), and measures
# them in turns from the host: every figure is the median of N rounds (3); each round measures
# every VM one after the other (who goes first alternates), so that the machine's changing load
# falls on both sides alike, and each measurement's rounds end before the next one's begin.
#   keys: K for ours, linux_K for the Linux VM; K has the infix "e1000_" on e1000, none on
#   virtio-net (e1000_tcp_rr_per_s, linux_e1000_tcp_rr_per_s).
#   tcp_rx_mbps, tcp_tx_mbps   64 MB from netbulk's source, into its sink (tests/tools/netbench)
#   tcp_rr_per_s, tcp_crr_per_s   one byte to echod and back on one connection (NET_BENCH_SECS,
#                              3 s, per measurement); and with a new connection each
#                              (NET_BENCH_CONNS, 1000, each round on a user network with no
#                              connection of the round before still in TIME_WAIT: below)
#   tcp_crr_3s_per_s           new connections back to back for NET_BENCH_SECS
# --http adds a third VM, ours booted with fasttrap=off, and wrk (2 threads, 16 connections, 3 s)
# on /favicon.svg (268 bytes):
#   http_rps, http_rps_close   keep-alive, and "Connection: close" (a new connection per request),
#                              from each kernel's own web server on guest port 80 (ours: httpd;
#                              the Linux VM: Debian's busybox httpd)
#   http_rps_busybox           busybox httpd on port 8080 of our appliance, keep-alive
#   linux_http_rps_ourhttpd    our httpd on port 8080 of the Linux VM, keep-alive
#   http_rps_fasttrap_off      http_rps of the fasttrap=off appliance
# --insns boots both VMs under -icount shift=0 instead and counts guest instructions (the CPU's
# cycles not spent halted, which under icount are the instructions it executed: hypervisor and
# guest kernel for ours, the kernel for Linux, ring 3 in both) per operation, read from each VM
# before and after an operation's run through port 23 (ours: busy_tsc of /proc/hypervisor;
# Linux: "now at" minus the idle_sleeptime of /proc/timer_list), less what one such reading
# costs (the least of 3 pairs of readings back to back). Not wall time, so not the machine's
# load: what each side executes for the same traffic (batching still follows the host's timing,
# so figures move by a few per cent between runs). Median of N rounds (1).
#   tcp_rr_guest_insns          per round trip (2000 on one connection, netbench rrn)
#   tcp_crr_guest_insns         per connection (500, netbench crrn)
#   tcp_rx_guest_insns          per MB (10^6 bytes) of the 64 MB source's run, guest to host
#   tcp_tx_guest_insns          per MB of 64 MB into the sink, host to guest
# The VMs run the same static servers: ours boots with init running /etc/init-tests/bench-net.tab;
# the Linux VM boots Debian's kernel with tests/bench/linux-vm.sh --net-initramfs.
# Prints "BENCH KEY VALUE UNIT" lines; a figure that cannot be measured in every round is missing
# and the exit status is 1 (the reason on stderr). Serial logs are kept in $TEST_RUN_DIR (make
# bench's run directory) or a temporary directory. Environment: BUILD (build), NET_BENCH_SECS (3),
# NET_BENCH_CONNS (1000: connections per tcp_crr_per_s round), NET_BENCH_BYTES (67108864: the
# sources' size).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
secs=${NET_BENCH_SECS:-3}
bytes=${NET_BENCH_BYTES:-67108864}
nic=virtio-net-pci http=0 insns=0 rounds=
usage() { sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    --nic) [ $# -ge 2 ] || usage; nic=$2; shift ;;
    --http) http=1 ;;
    --insns) insns=1 ;;
    --rounds) [ $# -ge 2 ] || usage; rounds=$2; shift ;;
    *) usage ;;
    esac
    shift
done
[ -n "$rounds" ] || rounds=$((insns ? 1 : 3))
[[ $rounds =~ ^[1-9][0-9]?$ ]] || usage
[ "$http" = 0 ] || [ "$insns" = 0 ] || usage
case $nic in virtio-net-pci) infix="" ;; e1000) infix=e1000_ ;; *) usage ;; esac
client=$BUILD/tests/tools/netbench
[ -x "$client" ] || { echo "net.sh: $client missing (make $client)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "net.sh: wrk missing (make deps)" >&2; exit 1; }

# shellcheck source=tests/lib/ports.sh
. tests/lib/ports.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/net-bench.XXXXXX")
logdir=${TEST_RUN_DIR:-$work}
status=0
# The VMs ("slots"): what each is, its log, QEMU's pid and the host ports of its forwards.
kinds=(ours linux) gargs=("" "")
[ "$http" = 0 ] || { kinds+=(ours); gargs+=(fasttrap=off); }
names=("ours" "linux" "ours-fasttrap-off")
prefix=("" "linux_" "")
declare -a pid log p_http p_other p_echo p_source p_sink p_stats
icount=()
[ "$insns" = 0 ] || icount=(-icount shift=0)
cleanup()
{
    local s
    for s in "${!kinds[@]}"; do
        if [ -n "${pid[s]:-}" ]; then kill "${pid[s]}" 2>/dev/null; wait "${pid[s]}" 2>/dev/null; fi
    done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "net.sh ($nic): $*" >&2; status=1; }

kernel=$(bash tests/bench/linux-vm.sh --net-initramfs "$work/initramfs.cpio") || exit 1

# launch SLOT: takes its host ports and starts its VM in the background.
launch()
{
    local s=$1 fwds p
    # port_take's "exec {fd}>>LOCK 2>/dev/null" leaves the shell's stderr on /dev/null: kept aside.
    exec {stderr}>&2
    for p in HTTP OTHER ECHO SOURCE SINK STATS; do
        port_take "PORT_$p" || { echo "net.sh: no free host port" >&"$stderr"; exit 1; }
    done
    exec 2>&"$stderr"
    p_http[s]=$PORT_HTTP p_other[s]=$PORT_OTHER p_echo[s]=$PORT_ECHO p_source[s]=$PORT_SOURCE
    p_sink[s]=$PORT_SINK p_stats[s]=$PORT_STATS
    fwds="tcp:127.0.0.1:$PORT_ECHO-:7,tcp:127.0.0.1:$PORT_SOURCE-:19,tcp:127.0.0.1:$PORT_SINK-:9"
    fwds+=",tcp:127.0.0.1:$PORT_OTHER-:8080,tcp:127.0.0.1:$PORT_STATS-:23"
    log[s]=$logdir/net-${names[s]}-$nic.log
    : >"${log[s]}"
    if [ "${kinds[s]}" = ours ]; then
        HTTP_PORT=$PORT_HTTP NIC=$nic NET_FWDS=$fwds timeout -k 5 1800 bash image/qemu.sh --boot kernel \
            --guest-args "${gargs[s]:+${gargs[s]} }init=/sbin/init --inittab /etc/init-tests/bench-net.tab" \
            --serial-file "${log[s]}" -- "${icount[@]}" </dev/null 2>"$work/qemu-$s.err" &
    else
        # The appliance's QEMU and card (image/qemu.sh's user network), Debian's kernel.
        # shellcheck disable=SC2054 # the commas are QEMU's
        timeout -k 5 1800 qemu-system-x86_64 -accel tcg "${icount[@]}" -m 256M -no-reboot -display none -monitor none \
            -serial "file:${log[s]}" \
            -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$PORT_HTTP-:80,hostfwd=${fwds//,/,hostfwd=}" \
            -device "$nic,netdev=net0" -kernel "$kernel" -initrd "$work/initramfs.cpio" \
            -append "console=ttyS0 quiet panic=-1 rdinit=/init" </dev/null 2>"$work/qemu-$s.err" &
    fi
    pid[s]=$!
}

# up SLOT: every server up: its start line in the log and a 200 from both web servers.
up()
{
    local s=$1 line p lines=("[echod] echo on" "[netbulk] source on port 19" "[netbulk] sink on port 9")
    [ "${kinds[s]}" = ours ] || lines+=("# linux-net: serving")
    for line in "${lines[@]}"; do grep -aqF -- "$line" "${log[s]}" || return 1; done
    for p in "${p_http[s]}" "${p_other[s]}"; do
        [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/favicon.svg")" = 200 ] || return 1
    done
    [ "$insns" = 0 ] || busy "$s" >/dev/null
}

# busy SLOT: the VM's busy cycles so far, from its port 23 ("busy N").
busy()
{
    local fd k v
    # (the group's 2>/dev/null is undone after it; on the exec itself it would stay for good)
    { exec {fd}<>"/dev/tcp/127.0.0.1/${p_stats[$1]}"; } 2>/dev/null || return 1
    read -r -t 30 k v <&"$fd"
    exec {fd}>&-
    [ "$k" = busy ] && [[ $v =~ ^[0-9]+$ ]] || return 1
    echo "$v"
}

# Boots every VM and waits for all. A port nothing listened on may still be bound (a connection's
# local port, in TIME_WAIT after a benchmark's thousands of connections): QEMU then says it could
# not set up the forward, and that VM boots again on other ports (tests/lib/ports.sh), 5 times.
declare -a tries ready
for s in "${!kinds[@]}"; do launch "$s"; tries[s]=1 ready[s]=0; done
end=$((SECONDS + 240))
while :; do
    waiting=0
    for s in "${!kinds[@]}"; do
        [ "${ready[s]}" = 0 ] || continue
        if up "$s"; then ready[s]=1; continue; fi
        waiting=1
        if ! kill -0 "${pid[s]}" 2>/dev/null; then
            wait "${pid[s]}" 2>/dev/null
            pid[s]=""
            if port_in_use_error "$work/qemu-$s.err" && [ "${tries[s]}" -lt 5 ]; then
                tries[s]=$((tries[s] + 1))
                launch "$s"
                continue
            fi
            echo "net.sh ($nic): the ${names[s]} VM ended before its servers started; last lines of ${log[s]}:" >&2
            tail -n 15 "${log[s]}" "$work/qemu-$s.err" | sed 's/^/    /' >&2
            exit 1
        fi
        if [ $SECONDS -ge "$end" ]; then
            echo "net.sh ($nic): the ${names[s]} VM's servers did not all start within 240 s; last lines of ${log[s]}:" >&2
            tail -n 15 "${log[s]}" "$work/qemu-$s.err" | sed 's/^/    /' >&2
            exit 1
        fi
    done
    [ "$waiting" = 1 ] || break
    sleep 0.2
done

# wrk's requests per second; a run with any non-2xx answer or a socket error other than a
# timeout measured something else and gives no figure.
rps() # PORT [close]: with "close", every request asks for "Connection: close"
{
    local out
    out=$(wrk -t2 -c16 -d"${secs}s" ${2:+-H "Connection: close"} "http://127.0.0.1:$1/favicon.svg" 2>&1) || return 1
    if grep -q "Non-2xx" <<<"$out" || grep -Eq "connect [1-9]|read [1-9]|write [1-9]" <<<"$out"; then
        echo "net.sh: wrk: $(tr '\n' ' ' <<<"$out")" >&2
        return 1
    fi
    awk '$1 == "Requests/sec:" { print $2 }' <<<"$out"
}
# measure KEY UNIT COMMAND...: one round's figure of KEY, kept in $work/vals/KEY.
mkdir -p "$work/vals"
keys=()
measure()
{
    local key=$1 unit=$2 v
    shift 2
    [ -f "$work/vals/$key" ] || { keys+=("$key"); echo "$unit" >"$work/unit-$key"; : >"$work/vals/$key"; }
    if v=$("$@") && [[ $v =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
        echo "$v" >>"$work/vals/$key"
    else
        fail "$key: a round without a figure (${v:-no output})"
    fi
}

# --insns: instructions per operation in each VM, then done.
# insns_of SLOT OPS COMMAND...: the VM's busy cycles over COMMAND, less one reading's, per op.
insns_of()
{
    local s=$1 ops=$2 b0 b1
    shift 2
    b0=$(busy "$s") || return 1
    "$@" >/dev/null || return 1
    b1=$(busy "$s") || return 1
    awk -v a="$b0" -v b="$b1" -v c="${cost[s]}" -v n="$ops" 'BEGIN { printf "%.0f\n", (b - a - c) / n }'
}
if [ "$insns" = 1 ]; then
    declare -a cost
    for s in 0 1; do
        # The work the measurement does not want: warm caches, ARP, the first allocations.
        "$client" rrn "${p_echo[s]}" 50 >/dev/null && "$client" crrn "${p_echo[s]}" 20 >/dev/null &&
            "$client" tx "${p_sink[s]}" 1000000 >/dev/null || fail "the ${names[s]} VM: warm-up failed"
        # One reading's cost: the least of 3 pairs back to back.
        cost[s]=""
        for i in 1 2 3; do
            a=$(busy "$s") && b=$(busy "$s") || { fail "the ${names[s]} VM: port 23 gave no busy count"; continue; }
            [ -n "${cost[s]}" ] && [ $((b - a)) -ge "${cost[s]}" ] || cost[s]=$((b - a))
        done
        echo "net.sh: ${names[s]} ($nic): one reading of the busy count costs ${cost[s]:-?} insns" >&2
    done
    [ "$status" = 0 ] || exit 1
    mb=$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')
    for ((round = 1; round <= rounds; round++)); do
        for s in 0 1; do
            k=${prefix[s]}${infix}
            measure "${k}tcp_rr_guest_insns" insns insns_of "$s" 2000 "$client" rrn "${p_echo[s]}" 2000
            measure "${k}tcp_crr_guest_insns" insns insns_of "$s" 500 "$client" crrn "${p_echo[s]}" 500
            measure "${k}tcp_rx_guest_insns" insns/MB insns_of "$s" "$mb" "$client" rx "${p_source[s]}" "$bytes"
            measure "${k}tcp_tx_guest_insns" insns/MB insns_of "$s" "$mb" "$client" tx "${p_sink[s]}" "$bytes"
        done
    done
fi

# TCG translates code on first use: a short run of each path first, not measured.
[ "$insns" = 1 ] || for s in "${!kinds[@]}"; do
    "$client" rr "${p_echo[s]}" 1 >/dev/null
    wrk -t2 -c16 -d1s "http://127.0.0.1:${p_http[s]}/favicon.svg" >/dev/null 2>&1
    wrk -t2 -c16 -d1s "http://127.0.0.1:${p_other[s]}/favicon.svg" >/dev/null 2>&1
done
# Each measurement in its rounds, the VMs in turns within a round (who goes first alternates),
# then the next measurement: the keep-alive figures come before any connection-per-request load.
# measure_rounds "SLOT:KEY:UNIT:COMMAND ARGS..."...: COMMAND's words, $-free, split at blanks.
measure_rounds()
{
    local round spec s key unit cmd order
    for ((round = 1; round <= rounds; round++)); do
        order=("$@")
        if [ $((round % 2)) = 0 ]; then
            order=()
            for spec in "$@"; do order=("$spec" "${order[@]}"); done
        fi
        for spec in "${order[@]}"; do
            IFS=: read -r s key unit cmd <<<"$spec"
            # shellcheck disable=SC2086 # the command's words
            measure "$key" "$unit" $cmd
        done
    done
}
# tcp_crr_per_s: QEMU's user network (libslirp) keeps each connection that the host's client
# closed first in TIME_WAIT for 10 s, on the list of sockets its main loop works through; the
# main loop's CPU time per connection grows with it (the lead's measurement, per-thread CPU
# time: 147 us on a fresh list, 309 us over 4,000 connections in a row, 446 us right after them,
# 148 us again 15 s later; docs/performance.md). Over a fixed time the faster guest fills its
# list faster and pays for its own speed; so a round is a fixed number of connections
# (NET_BENCH_CONNS, 1000), begun once the same VM's previous round has left TIME_WAIT (11 s after
# it ended), and both VMs meet the same user network. tcp_crr_3s_per_s is the plain measurement
# (netbench crr: connections back to back for NET_BENCH_SECS), after those rounds.
conns=${NET_BENCH_CONNS:-1000}
crr_fresh() # SLOT PORT: prints connections per second
{
    local s=$1 port=$2 end now rc
    if [ -f "$work/crr-end-$s" ]; then
        end=$(($(cat "$work/crr-end-$s") + 11000000000)) now=$(date +%s%N)
        [ "$now" -ge "$end" ] || sleep "$(awk -v d=$((end - now)) 'BEGIN { printf "%.3f", d / 1e9 }')"
    fi
    "$client" crrn "$port" "$conns"
    rc=$?
    date +%s%N >"$work/crr-end-$s"
    return $rc
}
for s in 0 1; do
    rx+=("$s:${prefix[s]}${infix}tcp_rx_mbps:Mbit/s:$client rx ${p_source[s]} $bytes")
    tx+=("$s:${prefix[s]}${infix}tcp_tx_mbps:Mbit/s:$client tx ${p_sink[s]} $bytes")
    rr+=("$s:${prefix[s]}${infix}tcp_rr_per_s:1/s:$client rr ${p_echo[s]} $secs")
    crr+=("$s:${prefix[s]}${infix}tcp_crr_per_s:1/s:crr_fresh $s ${p_echo[s]}")
    crr3s+=("$s:${prefix[s]}${infix}tcp_crr_3s_per_s:1/s:$client crr ${p_echo[s]} $secs")
done
if [ "$insns" = 0 ]; then
    measure_rounds "${rx[@]}"
    measure_rounds "${tx[@]}"
    measure_rounds "${rr[@]}"
    measure_rounds "${crr[@]}"
    measure_rounds "${crr3s[@]}"
fi
if [ "$http" = 1 ]; then
    measure_rounds "0:http_rps:requests/s:rps ${p_http[0]}" "1:linux_http_rps:requests/s:rps ${p_http[1]}" \
        "2:http_rps_fasttrap_off:requests/s:rps ${p_http[2]}"
    measure_rounds "0:http_rps_busybox:requests/s:rps ${p_other[0]}" \
        "1:linux_http_rps_ourhttpd:requests/s:rps ${p_other[1]}"
    measure_rounds "0:http_rps_close:requests/s:rps ${p_http[0]} close" \
        "1:linux_http_rps_close:requests/s:rps ${p_http[1]} close"
fi

# The medians, of keys measured in every round; every round's figures on stderr.
for key in "${keys[@]}"; do
    n=$(wc -l <"$work/vals/$key")
    echo "net.sh: $key rounds: $(tr '\n' ' ' <"$work/vals/$key")" >&2
    if [ "$n" -ne "$rounds" ]; then
        fail "$key: $n of $rounds rounds measured: no figure"
        continue
    fi
    echo "BENCH $key $(sort -g "$work/vals/$key" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') $(cat "$work/unit-$key")"
done
for s in "${!kinds[@]}"; do
    if grep -aqE "crashed|PANIC|lwip: assertion|Kernel panic|# linux-net: FAILED" "${log[s]}"; then
        fail "the ${names[s]} VM failed: $(grep -aE 'crashed|PANIC|lwip: assertion|Kernel panic|# linux-net: FAILED' "${log[s]}" | head -n 1)"
    fi
done
exit "$status"
