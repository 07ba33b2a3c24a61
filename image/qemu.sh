#!/usr/bin/env bash
# The one QEMU launcher, used by make run / run-gdb / run-kernel and the scenario tests.
#
#   qemu.sh [--boot kernel|iso] [--firmware bios|uefi] [--hv FILE] [--guest FILE] [--initrd FILE]
#           [--iso FILE] [--hv-args ARGS] [--guest-args ARGS] [--mem SIZE] [--gdb]
#           [--serial-file FILE [--serial-input FIFO]] [--net user|none] [-- EXTRA-QEMU-ARGS...]
#
# --boot kernel uses QEMU's own multiboot loader (hv = kernel, guest and initrd = modules 1 and 2;
# an empty --guest or --initrd leaves that module out); --boot iso boots the ISO through its firmware.
# Without --serial-file the serial console is this terminal (quit with Ctrl-A X; Ctrl-A C is the
# QEMU monitor). With it, QEMU runs headless and the serial output goes to FILE; --serial-input
# then feeds the serial port from FIFO (or file) too, through QEMU's stdio (output appended to FILE).
# The exit status is QEMU's: 0 after a clean power-off or a reset (-no-reboot), otherwise
# (code << 1) | 1 for the code the hypervisor wrote to isa-debug-exit (docs/options.md lists
# them). On a terminal (no --serial-file) a last line explains a nonzero status.
# --gdb stops the CPU at once and waits for gdb on 127.0.0.1:GDB_PORT (1234) only.
# Environment: ACCEL (tcg), BUILD (build), HTTP_PORT (8080: host port forwarded to guest port 80),
# GDB_PORT (1234), NIC (virtio-net-pci: the card's model, or e1000 or e1000e), NET_FWDS (more
# forwards from 127.0.0.1, e.g. tcp:127.0.0.1:20007-:7,udp:127.0.0.1:20007-:7), NET_GUESTFWD (one
# guest-to-host forward: tcp:10.0.2.N:PORT-cmd:COMMAND, a host command QEMU runs for each connection
# the guest opens there, on its stdin and stdout; no commas), NET_DUMP (a pcap file: every frame
# of the user network, through QEMU's filter-dump; NET_DUMP_SNAPLEN bytes of each, 65536 by
# default), NET_WIRE (PORT:PEER: the card on a hub with the user network and a QEMU socket netdev
# on UDP 127.0.0.1:PORT whose frames go to and come from 127.0.0.1:PEER, for hostile frames).
set -euo pipefail

BUILD=${BUILD:-build}
boot=kernel firmware=bios mem=128M gdb=0 serial_file="" serial_input="" net=user
hv=$BUILD/hypervisor/hv.elf
guest=$BUILD/guest/guest.elf
initrd=$BUILD/appliance/initramfs.cpio
iso=$BUILD/appliance.iso
hv_args="" guest_args=""

usage()
{
    [ $# -eq 0 ] || echo "qemu.sh: $*" >&2
    sed -n '4,6p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# What QEMU's exit status says (the isa-debug-exit codes of hypervisor/include/hv/shutdown.h).
explain_status()
{
    local s=$1 v=$(($1 >> 1))
    case $s in
    0) return ;;
    1) echo "the guest powered off (exit=debug)" ;;
    3) echo "the guest asked for a reboot (exit=debug)" ;;
    5) echo "the guest asked to suspend, which is not supported" ;;
    7) echo "the guest crashed (see its report above)" ;;
    33) echo "the hypervisor refused the guest image (see the reason above)" ;;
    35) echo "the hypervisor panicked (see the report above)" ;;
    37) echo "not enough memory for the guest (see above how much it needs)" ;;
    *) if [ $((s & 1)) = 1 ] && [ "$v" -ge 65 ] && [ "$v" -le 127 ]; then
        echo "the guest powered off with exit status $((v - 64))$([ "$v" = 127 ] && echo ' or more')"
    else
        echo "QEMU itself failed (see its message above)"
    fi ;;
    esac
}

# QEMU's own multiboot loader warns that it cannot set the video mode the hypervisor's header
# welcomes (GRUB can): not news, so that one line is dropped.
quiet_stderr()
{
    grep -v --line-buffered "^qemu-system-[a-z0-9_]*: multiboot knows VBE. we don't$" >&2
}

while [ $# -gt 0 ]; do
    case $1 in
    --boot | --firmware | --hv | --guest | --initrd | --iso | --hv-args | --guest-args | --mem | \
        --serial-file | --serial-input | --net)
        [ $# -ge 2 ] || usage "$1 needs a value" ;;
    esac
    case $1 in
    --boot) boot=$2; shift ;;
    --firmware) firmware=$2; shift ;;
    --hv) hv=$2; shift ;;
    --guest) guest=$2; shift ;;
    --initrd) initrd=$2; shift ;;
    --iso) iso=$2; shift ;;
    --hv-args) hv_args=$2; shift ;;
    --guest-args) guest_args=$2; shift ;;
    --mem) mem=$2; shift ;;
    --gdb) gdb=1 ;;
    --serial-file) serial_file=$2; shift ;;
    --serial-input) serial_input=$2; shift ;;
    --net) net=$2; shift ;;
    --) shift; break ;;
    -h | --help) usage ;;
    *) usage "unknown option '$1'" ;;
    esac
    shift
done
case $boot in kernel | iso) ;; *) usage "unknown --boot '$boot' (kernel or iso)" ;; esac
case $firmware in bios | uefi) ;; *) usage "unknown firmware '$firmware' (bios or uefi)" ;; esac
case $net in user | none) ;; *) usage "unknown --net '$net' (user or none)" ;; esac
nic=${NIC:-virtio-net-pci}
case $nic in virtio-net-pci | e1000 | e1000e | e1000-82545em | e1000-82544gc) ;;
*) usage "unknown NIC '$nic' (virtio-net-pci, e1000, e1000e, e1000-82545em or e1000-82544gc)" ;; esac

# x86_64 QEMU runs the 32-bit hypervisor as well as i386 QEMU does, loads ELF32 multiboot kernels
# with -kernel, and is the only one that can run the 64-bit OVMF firmware. But its gdb stub always
# describes an x86-64 CPU, which gdb cannot match with the i386 hv.elf ("Remote 'g' packet reply
# is too long"): under --gdb the BIOS and -kernel boots use i386 QEMU, whose stub gdb understands.
qemu=qemu-system-x86_64
if [ "$gdb" = 1 ] && [ "$firmware" = bios ]; then
    qemu=qemu-system-i386
fi
# shellcheck disable=SC2054 # the commas are QEMU's
args=("$qemu" -accel "${ACCEL:-tcg}" -m "$mem" -no-reboot
    -device isa-debug-exit,iobase=0xf4,iosize=0x04)

case $boot in
kernel)
    [ -f "$hv" ] || { echo "qemu.sh: no hypervisor $hv" >&2; exit 2; }
    # QEMU's module list is "file args,file args"; the args name the module as GRUB's do.
    mods=()
    if [ -n "$guest" ]; then mods+=("$guest guest"); fi
    if [ -n "$initrd" ]; then mods+=("$initrd initramfs"); fi
    cmdline="$hv_args --${guest_args:+ $guest_args}"
    args+=(-kernel "$hv" -append "${cmdline# }")
    if [ ${#mods[@]} -gt 0 ]; then
        args+=(-initrd "$(IFS=,; echo "${mods[*]}")")
    fi
    ;;
iso)
    [ -f "$iso" ] || { echo "qemu.sh: no ISO $iso" >&2; exit 2; }
    args+=(-cdrom "$iso")
    ;;
esac

case $firmware in
bios) ;; # QEMU's default SeaBIOS
uefi)
    # Debian 12's ovmf package: OVMF.fd is the combined code+vars image; -bios gives it throwaway
    # variables, which is all a test boot needs.
    ovmf=/usr/share/ovmf/OVMF.fd
    [ -f "$ovmf" ] || { echo "qemu.sh: $ovmf missing (apt-get install ovmf)" >&2; exit 2; }
    args+=(-bios "$ovmf")
    ;;
esac

case $net in
user)
    # Restricted user networking: the guest reaches nothing outside; only 127.0.0.1 reaches it.
    # A port someone already listens on makes QEMU fail with a message that names no remedy.
    http_port=${HTTP_PORT:-8080}
    if (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; then
        echo "qemu.sh: port $http_port on 127.0.0.1 is busy (it forwards to the guest's port 80);" \
            "pick another with HTTP_PORT=, e.g. make run HTTP_PORT=8081" >&2
        exit 2
    fi
    # NET_FWDS: more forwards, comma-separated, each tcp: or udp: from 127.0.0.1 (the tests).
    fwds=""
    if [ -n "${NET_FWDS:-}" ]; then
        IFS=, read -ra extra <<<"$NET_FWDS"
        for f in "${extra[@]}"; do
            [[ $f =~ ^(tcp|udp):127\.0\.0\.1:[0-9]+-:[0-9]+$ ]] || usage "NET_FWDS: '$f' is not tcp|udp:127.0.0.1:PORT-:PORT"
            fwds+=",hostfwd=$f"
        done
    fi
    if [ -n "${NET_GUESTFWD:-}" ]; then
        [[ $NET_GUESTFWD =~ ^tcp:10\.0\.2\.[0-9]+:[0-9]+-cmd:[^,]+$ ]] ||
            usage "NET_GUESTFWD: '$NET_GUESTFWD' is not tcp:10.0.2.N:PORT-cmd:COMMAND (no commas)"
        fwds+=",guestfwd=$NET_GUESTFWD"
    fi
    # shellcheck disable=SC2054
    args+=(-netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$http_port-:80$fwds")
    if [ -n "${NET_WIRE:-}" ]; then
        # The card on a hub with the user network and a socket netdev: a host program at
        # 127.0.0.1:PEER exchanges raw frames with the card (and the user network) through PORT.
        [[ $NET_WIRE =~ ^([0-9]+):([0-9]+)$ ]] || usage "NET_WIRE: '$NET_WIRE' is not PORT:PEER"
        # shellcheck disable=SC2054
        args+=(-netdev "socket,id=wire0,udp=127.0.0.1:${BASH_REMATCH[2]},localaddr=127.0.0.1:${BASH_REMATCH[1]}"
            -netdev hubport,id=hub0user,hubid=0,netdev=net0
            -netdev hubport,id=hub0wire,hubid=0,netdev=wire0
            -netdev hubport,id=hub0card,hubid=0
            -device "$nic,netdev=hub0card")
    else
        args+=(-device "$nic,netdev=net0")
    fi
    if [ -n "${NET_DUMP:-}" ]; then
        [[ $NET_DUMP != *,* ]] || usage "NET_DUMP: no commas in the file name"
        args+=(-object "filter-dump,id=dump0,netdev=net0,file=$NET_DUMP,maxlen=${NET_DUMP_SNAPLEN:-65536}")
    fi
    ;;
none) args+=(-nic none) ;;
esac

if [ -n "$serial_file" ] && [ -n "$serial_input" ]; then
    args+=(-display none -monitor none -chardev stdio,id=serial0,signal=off -serial chardev:serial0)
    exec "${args[@]}" "$@" <"$serial_input" >>"$serial_file" 2> >(quiet_stderr)
elif [ -n "$serial_file" ]; then
    args+=(-display none -monitor none -serial "file:$serial_file")
else
    args+=(-display none -serial mon:stdio)
    echo "qemu.sh: serial console on this terminal; Ctrl-A X quits QEMU" >&2
    if [ "$net" = user ]; then
        echo "qemu.sh: the dashboard will be at http://127.0.0.1:$http_port/ (the guest's port 80)" >&2
    fi
fi

if [ "$gdb" = 1 ]; then
    port=${GDB_PORT:-1234}
    # Only this machine may attach: the stub gives whoever connects the whole VM.
    args+=(-gdb "tcp:127.0.0.1:$port" -S)
    if [ "$firmware" = bios ]; then
        echo "qemu.sh: waiting for gdb: gdb $BUILD/hypervisor/hv.elf -ex 'target remote :$port'" >&2
    else
        echo "qemu.sh: waiting for gdb (x86-64 stub under UEFI): gdb -ex 'set architecture i386:x86-64'" \
            "-ex 'target remote :$port' -ex 'symbol-file $BUILD/hypervisor/hv.elf'" >&2
    fi
fi

if [ -n "$serial_file" ]; then
    exec "${args[@]}" "$@" 2> >(quiet_stderr)
fi
status=0
"${args[@]}" "$@" 2> >(quiet_stderr) || status=$?
why=$(explain_status "$status")
[ -z "$why" ] || echo "qemu.sh: QEMU exited with status $status: $why" >&2
exit "$status"
