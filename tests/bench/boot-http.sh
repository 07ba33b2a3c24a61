#!/usr/bin/env bash
# Usage: boot-http.sh [boot|ram]...   (both when none is named)
# make bench's boot and memory figures (issue 13), wall time under QEMU TCG (no icount), with QEMU's
# user network (restrict=on, one forward from 127.0.0.1 to guest port 80) on virtio-net-pci:
#   boot  boot_to_http_ms (our ISO through SeaBIOS and GRUB, whose menu waits 3 s),
#         boot_to_http_kernel_ms (QEMU's -kernel) and linux_boot_to_http_kernel_ms (the Linux VM
#         of tests/bench/linux-vm.sh --net-initramfs, -kernel, its init starting busybox httpd):
#         from QEMU's start to the first 200 for /favicon.svg (tests/bench/first-200.sh: a new
#         attempt every 10 ms, none waiting for another). BOOT_RUNS (5) rounds, each booting the
#         three in turn, so that both sides of the ratio see the same load on a shared machine;
#         each figure is the median of its boots; the ratio of each round goes to stderr.
#         Our appliance boots as make run does (/etc/inittab: httpd on 80) with -m 128M, the
#         Linux VM with -m 256M, as in every other figure. Both get the same lean machine:
#         -nodefaults (no VGA card, floppy or default CD-ROM for the firmware to initialise or
#         probe) and no option ROM on the network card (no iPXE, which only a network boot needs).
#   ram   min_ram_mb and linux_min_ram_mb: the least -m (in MB) with which the VM boots and serves
#         that 200 within RAM_TIMEOUT (60 s), bisected to 1 MB between a size that fails and one
#         that serves (-kernel; 128 MB and 256 MB must serve).
# Prints "BENCH KEY VALUE UNIT" lines; exit status 1 when a figure could not be measured (the
# reason on stderr). Serial logs go to $TEST_RUN_DIR (make bench's run directory) when set.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
runs=${BOOT_RUNS:-5}
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

# The machine both VMs get (see the top). With -nodefaults the serial port, display and monitor
# are given explicitly (image/qemu.sh and the Linux command line below do).
lean=(-nodefaults -global virtio-net-pci.romfile=)

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
    local vm=$1 how=$2 mb=$3 timeout=$4 start ms log=$logdir/boot-$1-$2-${3}M.log
    : >"$log"
    : >"$log.err"
    start=$(date +%s%N)
    if [ "$vm" = ours ]; then
        HTTP_PORT=$HTTP_PORT timeout -k 5 "$timeout" bash image/qemu.sh --boot "$how" --mem "${mb}M" \
            --serial-file "$log" -- "${lean[@]}" </dev/null 2>>"$log.err" &
    else
        # shellcheck disable=SC2054 # the commas are QEMU's
        timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg "${lean[@]}" -m "${mb}M" -no-reboot -display none \
            -monitor none -serial "file:$log" \
            -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$HTTP_PORT-:80" \
            -device virtio-net-pci,netdev=net0 -kernel "$kernel" -initrd "$work/linux.cpio" \
            -append "console=ttyS0 quiet panic=-1 rdinit=/init" </dev/null 2>>"$log.err" &
    fi
    qemu_pid=$!
    if ms=$(bash tests/bench/first-200.sh "$HTTP_PORT" favicon.svg "$qemu_pid" "$start" "$timeout"); then
        stop_qemu
        echo "$ms"
        return 0
    fi
    stop_qemu
    return 1
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# boot_figures: BOOT_RUNS rounds of the three boots, then one BENCH line per figure (the median).
boot_figures()
{
    local keys=(boot_to_http_ms boot_to_http_kernel_ms linux_boot_to_http_kernel_ms)
    local vms=(ours ours linux) hows=(iso kernel kernel) mbs=(128 128 256)
    local i k ms failed=() ratios=()
    local -A all
    for ((i = 0; i < runs; i++)); do
        for k in 0 1 2; do
            [[ " ${failed[*]} " != *" $k "* ]] || continue
            if ! ms=$(serve_ms "${vms[k]}" "${hows[k]}" "${mbs[k]}" 300); then
                echo "boot-http.sh: ${keys[k]}: no 200 within 300 s (log: $logdir/boot-${vms[k]}-${hows[k]}-${mbs[k]}M.log)" >&2
                failed+=("$k")
                status=1
                continue
            fi
            all[$k]+="$ms "
        done
        if [[ " ${failed[*]} " != *" 1 "* && " ${failed[*]} " != *" 2 "* ]]; then
            ratios+=("$(echo "${all[1]}" | awk '{ print $NF }')/$(echo "${all[2]}" | awk '{ print $NF }')")
        fi
    done
    for k in 0 1 2; do
        [[ " ${failed[*]} " != *" $k "* ]] || continue
        # shellcheck disable=SC2086 # one word per boot
        echo "BENCH ${keys[k]} $(printf '%s\n' ${all[$k]} | median) ms"
        echo "boot-http.sh: ${keys[k]} runs: ${all[$k]}ms" >&2
    done
    [ ${#ratios[@]} -eq 0 ] ||
        echo "boot-http.sh: -kernel ours/linux per round: $(for r in "${ratios[@]}"; do awk -v r="$r" 'BEGIN { split(r, a, "/"); printf "%.3f ", a[1] / a[2] }'; done)" >&2
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
        boot_figures
        ;;
    ram)
        min_ram min_ram_mb ours 1 128
        min_ram linux_min_ram_mb linux 8 256
        ;;
    *) sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2 ;;
    esac
done
exit "$status"
