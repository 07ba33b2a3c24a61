#!/usr/bin/env bash
# Usage: boot-http.sh [boot|ram]...   (both when none is named)
# make bench's boot and memory figures (issue 13), wall time under QEMU TCG (no icount), with QEMU's
# user network (restrict=on, one forward from 127.0.0.1 to guest port 80) on virtio-net-pci:
#   boot  boot_to_http_ms (our ISO through SeaBIOS and GRUB), boot_to_http_kernel_ms (QEMU's
#         -kernel) and linux_boot_to_http_kernel_ms (the Linux VM of tests/bench/linux-vm.sh
#         --net-initramfs, -kernel, its init starting busybox httpd): from QEMU's start to the
#         first 200 for /favicon.svg, polled every 20 ms; the median of BOOT_RUNS (3) boots each.
#         Our appliance boots as make run does (/etc/inittab: httpd on 80) with -m 128M, the Linux
#         VM with -m 256M, as in every other figure.
#   ram   min_ram_mb and linux_min_ram_mb: the least -m (in MB) with which the VM boots and serves
#         that 200 within RAM_TIMEOUT (60 s), bisected to 1 MB between a size that fails and one
#         that serves (-kernel; 128 MB and 256 MB must serve).
# Prints "BENCH KEY VALUE UNIT" lines; exit status 1 when a figure could not be measured (the
# reason on stderr). Serial logs go to $TEST_RUN_DIR (make bench's run directory) when set.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
runs=${BOOT_RUNS:-3}
ram_timeout=${RAM_TIMEOUT:-60}
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(boot ram)

# shellcheck source=tests/lib/ports.sh
. tests/lib/ports.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/boot-http.XXXXXX")
logdir=${TEST_RUN_DIR:-$work}
qemu_pid="" status=0
stop_qemu()
{
    if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; fi
    qemu_pid=""
}
trap 'stop_qemu; rm -rf "$work"' EXIT
# port_take's "exec {fd}>>LOCK 2>/dev/null" leaves the shell's stderr on /dev/null: kept aside.
exec {stderr}>&2
port_take HTTP_PORT || { echo "boot-http.sh: no free host port" >&"$stderr"; exit 1; }
exec 2>&"$stderr"
kernel=$(bash tests/bench/linux-vm.sh --net-initramfs "$work/linux.cpio") || exit 1

# serve_ms VM HOW MB TIMEOUT: boots VM (ours or linux) through HOW (iso or kernel) with MB of RAM;
# prints the milliseconds from QEMU's start to the first 200, fails after TIMEOUT seconds or
# when QEMU ends first. The VM is stopped either way. When QEMU could not bind the host port (a
# connection's local port in TIME_WAIT, say: tests/lib/ports.sh), it boots again on another.
serve_ms()
{
    local _
    for _ in 1 2 3 4 5; do
        serve_ms_once "$@" && return 0
        port_in_use_error "$logdir/boot-$1-$2-${3}M.log.err" || return 1
        exec {stderr}>&2
        port_release_all
        port_take HTTP_PORT || { echo "boot-http.sh: no free host port" >&"$stderr"; exit 1; }
        exec 2>&"$stderr"
    done
    return 1
}
serve_ms_once()
{
    local vm=$1 how=$2 mb=$3 timeout=$4 start now log=$logdir/boot-$1-$2-${3}M.log
    : >"$log"
    : >"$log.err"
    start=$(date +%s%N)
    if [ "$vm" = ours ]; then
        HTTP_PORT=$HTTP_PORT timeout -k 5 "$timeout" bash image/qemu.sh --boot "$how" --mem "${mb}M" \
            --serial-file "$log" </dev/null 2>>"$log.err" &
    else
        # shellcheck disable=SC2054 # the commas are QEMU's
        timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -m "${mb}M" -no-reboot -display none \
            -monitor none -serial "file:$log" \
            -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$HTTP_PORT-:80" \
            -device virtio-net-pci,netdev=net0 -kernel "$kernel" -initrd "$work/linux.cpio" \
            -append "console=ttyS0 quiet panic=-1 rdinit=/init" </dev/null 2>>"$log.err" &
    fi
    qemu_pid=$!
    while kill -0 "$qemu_pid" 2>/dev/null; do
        if [ "$(curl -s -m 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/favicon.svg")" = 200 ]; then
            now=$(date +%s%N)
            stop_qemu
            echo $(((now - start) / 1000000))
            return 0
        fi
        sleep 0.02
    done
    stop_qemu
    return 1
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

boot_figure() # KEY VM HOW MB
{
    local key=$1 i ms all=()
    for ((i = 0; i < runs; i++)); do
        if ! ms=$(serve_ms "$2" "$3" "$4" 300); then
            echo "boot-http.sh: $key: no 200 within 300 s (log: $logdir/boot-$2-$3-${4}M.log)" >&2
            status=1
            return
        fi
        all+=("$ms")
    done
    echo "BENCH $key $(printf '%s\n' "${all[@]}" | median) ms"
    echo "boot-http.sh: $key runs: ${all[*]} ms" >&2
}

# min_ram KEY VM LOW HIGH: LOW must fail, HIGH must serve; bisected to 1 MB.
min_ram()
{
    local key=$1 vm=$2 lo=$3 hi=$4 mid tries=()
    if ! serve_ms "$vm" kernel "$hi" "$ram_timeout" >/dev/null; then
        echo "boot-http.sh: $key: does not serve even with ${hi} MB" >&2
        status=1
        return
    fi
    while [ $((hi - lo)) -gt 1 ]; do
        mid=$(((lo + hi) / 2))
        if serve_ms "$vm" kernel "$mid" "$ram_timeout" >/dev/null; then hi=$mid; tries+=("$mid:ok"); else lo=$mid; tries+=("$mid:no"); fi
    done
    echo "BENCH $key $hi MB"
    echo "boot-http.sh: $key bisection: ${tries[*]}" >&2
}

for w in "${what[@]}"; do
    case $w in
    boot)
        boot_figure boot_to_http_ms ours iso 128
        boot_figure boot_to_http_kernel_ms ours kernel 128
        boot_figure linux_boot_to_http_kernel_ms linux kernel 256
        ;;
    ram)
        min_ram min_ram_mb ours 1 128
        min_ram linux_min_ram_mb linux 8 256
        ;;
    *) sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2 ;;
    esac
done
exit "$status"
