#!/usr/bin/env bash
# Usage: linux-vm.sh [--prefix P] [--cmdline "EXTRA KERNEL ARGS"] | --net-initramfs FILE  (prefix: linux_)
# The Linux side of the lmbench comparison: boots Debian 12's own kernel (the package behind the
# linux-image-amd64 metapackage) in the same QEMU as the appliance, TCG with -icount shift=0, with
# a one-program initramfs whose /init is $BUILD/appliance/prog/bin/lmbench (stripped, exactly as
# the appliance's initramfs carries it). Prints lmbench's "BENCH <prefix>lat_..._insns" lines and,
# first, "# kernel: SYSNAME RELEASE MACHINE" as the booted kernel reports itself (uname, from
# inside the VM): make bench labels the Linux column with it. Fails when that line is missing.
#
# --net-initramfs FILE boots nothing: it writes FILE, the initramfs of the network benchmarks'
# Linux side (tests/bench/net.sh, boot-http.sh), and prints the kernel's path. Its /init is a
# busybox script (init-net.sh beside this one): the same kernel's virtio-net and e1000 drivers
# loaded with insmod (they are modules in Debian's kernel), a static address (QEMU's user network:
# 10.0.2.15/24, gateway 10.0.2.2), then the appliance's own static echod, netbulk and httpd and
# Debian's busybox httpd (the appliance's copy of busybox-static) serving the appliance's /www.
#
# The kernel is fetched once with apt-get download into $BUILD/linux-vm/; only its boot/ and the
# few network modules are unpacked; nothing is installed on this system.
# Delete $BUILD/linux-vm/ to fetch the current one again (two runs at once fetch it once: a lock).
# The serial log is kept in $TEST_RUN_DIR/<prefix>lmbench.log (make bench's run directory), or in
# $BUILD/linux-vm/ when run alone; the initramfs is built in a directory of its own per run.
# Environment: BUILD (build), ICOUNT (shift=0; none: no icount, the TSC then follows the host
# clock), LINUX_VM_TIMEOUT (600 s of wall time).
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
dir=$BUILD/linux-vm
prefix=linux_ extra="" net_initramfs=""
while [ $# -gt 0 ]; do
    case $1 in
    --prefix) prefix=$2; shift ;;
    --cmdline) extra=$2; shift ;;
    --net-initramfs) net_initramfs=$2; shift ;;
    *) sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2 ;;
    esac
    shift
done

die() { echo "linux-vm.sh: $*" >&2; exit 1; }

lmbench=$BUILD/appliance/prog/bin/lmbench
[ -f "$lmbench" ] || die "$lmbench missing: run make appliance-progs first"
# The network modules, in the order of their dependencies (the "depends=" of each .ko).
net_modules="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover
    net_failover virtio_net e1000"

# The kernel: cached as $dir/vmlinuz, with its package name and version in $dir/kernel.txt;
# fetched under a lock, so that a second run waits for the first one's download.
fetch_kernel()
{
    local lock
    mkdir -p "$dir"
    exec {lock}>"$dir/.fetch.lock"
    flock "$lock"
    fetch_kernel_locked
    exec {lock}>&-
}
fetch_kernel_locked()
{
    local pkg deb apt_opts=()
    [ -f "$dir/vmlinuz" ] && [ -f "$dir/kernel.txt" ] && [ -f "$dir/modules/.complete" ] && return
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
    [ -n "$pkg" ] || die "cannot resolve linux-image-amd64 to a kernel package (apt-get update?)"
    # As root, apt would drop to the _apt user, who cannot write here; it says so and falls back.
    [ "$(id -u)" -ne 0 ] || apt_opts=(-o APT::Sandbox::User=root)
    deb=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
    if [ -z "$deb" ]; then
        echo "linux-vm.sh: fetching $pkg" >&2
        (cd "$dir" && apt-get download -q "${apt_opts[@]}" "$pkg" >&2) || die "apt-get download $pkg failed"
        deb=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
    fi
    rm -rf "$dir/pkg" && mkdir -p "$dir/pkg"
    local m patterns=()
    for m in $net_modules; do patterns+=("./lib/modules/*/$m.ko"); done
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/pkg" --wildcards ./boot "${patterns[@]}"
    cp "$dir"/pkg/boot/vmlinuz-* "$dir/vmlinuz.new" && mv "$dir/vmlinuz.new" "$dir/vmlinuz"
    rm -rf "$dir/modules" && mkdir -p "$dir/modules"
    for m in $net_modules; do
        find "$dir/pkg/lib/modules" -name "$m.ko" -exec cp {} "$dir/modules/" \;
        [ -f "$dir/modules/$m.ko" ] || die "$pkg has no $m.ko"
    done
    touch "$dir/modules/.complete"
    echo "$pkg $(dpkg-deb -f "$deb" Version)" >"$dir/kernel.txt"
}

# /init and an empty /dev, nothing else: lmbench, as pid 1, makes /dev/null itself (and a
# console if the kernel's built-in initramfs gave it none), so no device node has to be archived
# and the archive needs no root. Fixed mtimes and owner: equal binaries give equal archives.
make_initramfs()
{
    local stage=$work/initramfs
    mkdir -p "$stage/dev"
    strip -o "$stage/init" "$lmbench"
    find "$stage" -exec touch -h -d @946684800 {} +
    (cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
        cpio -o -H newc --quiet --owner=0:0 >"$work/initramfs.cpio")
}

# The network side: busybox as /init's shell and as the Linux VM's web server, the appliance's
# own static programs, the network modules, the appliance's /www. Fixed mtimes and owner.
make_net_initramfs()
{
    local stage=$work/net-initramfs prog m busybox=$BUILD/debian/busybox-static/bin/busybox
    [ -f "$busybox" ] || die "$busybox missing: run make initramfs first"
    mkdir -p "$stage"/{bin,sbin,dev,proc,sys,lib/modules}
    cp "$busybox" "$stage/bin/busybox"
    for prog in bin/echod bin/netbulk sbin/httpd; do
        [ -f "$BUILD/appliance/prog/$prog" ] || die "$BUILD/appliance/prog/$prog missing: run make initramfs first"
        strip -o "$stage/$prog" "$BUILD/appliance/prog/$prog"
    done
    for m in $net_modules; do cp "$dir/modules/$m.ko" "$stage/lib/modules/"; done
    for m in $net_modules; do echo "$m"; done >"$stage/lib/modules/order"
    cp -R appliance/rootfs/www "$stage/www"
    cp tests/bench/init-net.sh "$stage/init" && chmod 755 "$stage/init"
    find "$stage" -exec touch -h -d @946684800 {} +
    (cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
        cpio -o -H newc --quiet --owner=0:0 >"$1")
}

work=$(mktemp -d "${TMPDIR:-/tmp}/linux-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
fetch_kernel
if [ -n "$net_initramfs" ]; then
    make_net_initramfs "$net_initramfs"
    echo "$dir/vmlinuz"
    exit 0
fi
make_initramfs

# console=ttyS0: init's output (and Linux's) on the serial port; quiet: only warnings and worse
# from the kernel; panic=-1: should /init exit or crash, reboot at once, which -no-reboot turns into
# QEMU's exit, so a failure ends the VM instead of hanging it; rdinit=/init: run lmbench from the
# initramfs, with the arguments after "--". Linux's default mitigations stay on: Debian ships it so.
cmdline="console=ttyS0 quiet panic=-1 rdinit=/init${extra:+ $extra} -- --prefix $prefix"
log=${TEST_RUN_DIR:-$dir}/${prefix}lmbench.log
: >"$log"
icount=()
[ "${ICOUNT:-shift=0}" = none ] || icount=(-icount "${ICOUNT:-shift=0}")

# The appliance's QEMU (image/qemu.sh): x86_64 system emulator, TCG, its default CPU model.
start=$(date +%s%N)
status=0
timeout "${LINUX_VM_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg "${icount[@]}" -m 256M \
    -display none -monitor none -serial "file:$log" -no-reboot -nic none \
    -kernel "$dir/vmlinuz" -initrd "$work/initramfs.cpio" -append "$cmdline" </dev/null || status=$?
secs=$((($(date +%s%N) - start) / 1000000000))
echo "# linux-vm: $(cat "$dir/kernel.txt"), \"$extra\": QEMU status $status, ${secs} s wall time" >>"$log"
echo "linux-vm.sh: $(cut -d' ' -f1 "$dir/kernel.txt") boot + lmbench${extra:+ ($extra)}: ${secs} s wall time, log $log" >&2

lines=$(tr -d '\r' <"$log" | grep "^BENCH ${prefix}lat_" || true)
kernel=$(tr -d '\r' <"$log" | sed -n 's/^# lmbench: kernel //p' | head -n 1)
if [ -z "$kernel" ]; then
    echo "linux-vm.sh: the VM did not say which kernel it ran (no '# lmbench: kernel' line in $log)" >&2
    exit 1
fi
echo "# kernel: $kernel"
if [ -z "$lines" ] || ! grep -qx '# lmbench: done' < <(tr -d '\r' <"$log"); then
    [ "$status" -ne 124 ] || echo "linux-vm.sh: timeout after ${LINUX_VM_TIMEOUT:-600} s" >&2
    echo "linux-vm.sh: lmbench did not complete in the Linux VM (QEMU status $status); last lines of $log:" >&2
    tail -n 20 "$log" | sed 's/^/    /' >&2
    [ -z "$lines" ] || echo "$lines"
    exit 1
fi
echo "$lines"
