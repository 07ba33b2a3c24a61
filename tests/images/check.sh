#!/usr/bin/env bash
# Usage: check.sh
# The deployment images of make images ($BUILD/images/, image/deploy/):
#   qcow2_*     the qcow2 holds the ISO's bytes and boots in QEMU from an IDE disk, with the NIC
#               and the restricted forward of a deployment (e1000, 127.0.0.1 only), to init
#   ova_*       the OVA is a ustar archive, descriptor first, whose manifest sums hold, whose OVF
#               is well-formed XML with the hardware it promises, whose disk is a streamOptimized
#               VMDK that boots in QEMU too
#   libvirt_*   the libvirt definition boots under a libvirt daemon this script starts itself:
#               Debian's libvirtd in session mode as the unprivileged user nobody (or, run by
#               another user than root, as that user), with private
#               runtime, config and cache directories (the system's libvirt is not touched),
#               domain type qemu (TCG); the test copy of the definition swaps the pty console for
#               a file and the network for QEMU's restricted user networking with a forward
# A boot passes when the appliance serves through the forward, booted through GRUB from the disk:
# GET / is 200, GET /api/stats is JSON whose network is there (eth0) and whose fast-trap switch
# is read-only (a deployment is not booted with demo), and POST /api/fasttrap is refused with
# 403. An image that powers off instead (init ran out of services) fails.
# One "PASS: images/NAME" or "FAIL: images/NAME: why" line per check; logs in
# $TEST_RUN_DIR/images or $BUILD/tests/images. If libvirt cannot run here, libvirt_boot fails
# with the daemon's own words. Exit status 1 when any check failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
out=${TEST_RUN_DIR:-}/images
[ -n "${TEST_RUN_DIR:-}" ] || out=$BUILD/tests/images
mkdir -p "$out"
out=$(realpath "$out")
images=$BUILD/images
iso=$BUILD/appliance.iso
failures=0
pass() { echo "PASS: images/$1${2:+ ($2)}"; }
fail() { echo "FAIL: images/$1: $2"; failures=$((failures + 1)); }
# shellcheck source=tests/lib/ports.sh
source tests/lib/ports.sh

for f in "$images/ringvisor.qcow2" "$images/ringvisor.ova" "$images/ringvisor.xml" "$iso"; do
    [ -f "$f" ] || { fail setup "$f missing (make image-files)"; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/images-check.XXXXXX")
chmod 755 "$work"
qemu_pid="" daemon_pid=""
cleanup()
{
    [ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null
    [ -z "$daemon_pid" ] || kill "$daemon_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# wait_boot LOG SECONDS PID: until init has run its inittab (powering off) or httpd serves;
# prints "off", "serving", "died" or "timeout".
wait_boot()
{
    local i
    for ((i = 0; i < $2 * 4; i++)); do
        if grep -q '^\[httpd\] serving' < <(tr -d '\r' <"$1" 2>/dev/null); then echo serving; return; fi
        if grep -q '^init: nothing left to run, powering off' < <(tr -d '\r' <"$1" 2>/dev/null); then echo off; return; fi
        if [ -n "$3" ] && ! kill -0 "$3" 2>/dev/null; then echo died; return; fi
        sleep 0.25
    done
    echo timeout
}

# check_serving NAME PORT LOG: the deployed appliance answers through the forward on PORT.
check_serving()
{
    local name=$1 url=http://127.0.0.1:$2 st stats deny
    st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$url/")
    stats=$(curl -s --max-time 30 "$url/api/stats")
    deny=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -d 0 "$url/api/fasttrap")
    if ! grep -q '^(hv) loader: GRUB' < <(tr -d '\r' <"$3"); then
        fail "$name" "not booted through GRUB from the disk"
    elif [ "$st" != 200 ]; then
        fail "$name" "httpd serves, but GET / through the forward: $st"
    elif ! jq -e '.net.available == true and (.net.interfaces | has("eth0")) and
            .fast_trap.writable == false' <<<"$stats" >/dev/null 2>&1; then
        fail "$name" "GET /api/stats: no eth0, or the fast-trap switch writable: $(head -c 300 <<<"$stats")"
    elif [ "$deny" != 403 ]; then
        fail "$name" "POST /api/fasttrap on a deployment: $deny, expected 403 (read-only without demo)"
    else
        pass "$name" "serving: GET / 200, /api/stats with eth0, the fast-trap switch read-only (403)"
    fi
}

# boot_disk NAME FILE FORMAT: boots the disk in QEMU as a deployment would, checks the boot.
boot_disk()
{
    local name=$1 file=$2 format=$3 log=$out/$1.log fwd_port state status=0
    port_take fwd_port || { fail "$name" "no free port"; return; }
    : >"$log"
    # shellcheck disable=SC2054 # the commas are QEMU's
    timeout 300 qemu-system-x86_64 -accel tcg -m 128M -no-reboot -display none -monitor none \
        -serial "file:$log" -drive "file=$file,format=$format,if=ide,snapshot=on" \
        -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$fwd_port-:80" \
        -device e1000,netdev=net0 </dev/null 2>"$out/$name.qemu.err" &
    qemu_pid=$!
    state=$(wait_boot "$log" 240 "$qemu_pid")
    case $state in
    off)
        wait "$qemu_pid" || status=$?
        qemu_pid=""
        fail "$name" "init ran out of services and powered off (QEMU status $status) instead of serving"
        ;;
    serving)
        check_serving "$name" "$fwd_port" "$log"
        kill "$qemu_pid" 2>/dev/null
        wait "$qemu_pid" 2>/dev/null
        qemu_pid=""
        ;;
    *)
        fail "$name" "$state: $(tr -d '\r' <"$log" | tail -n 3 | tr '\n' '|') $(head -c 200 "$out/$name.qemu.err")"
        kill "$qemu_pid" 2>/dev/null
        wait "$qemu_pid" 2>/dev/null
        qemu_pid=""
        ;;
    esac
    port_release_all
}

# ---- qcow2 ----
info=$(qemu-img info --output=json "$images/ringvisor.qcow2" 2>&1)
size=$(sed -n 's/.*"virtual-size": *\([0-9]*\).*/\1/p' <<<"$info" | head -n 1)
if grep -q '"format": "qcow2"' <<<"$info" && [ "$size" = "$(stat -c %s "$iso")" ] &&
    qemu-img compare -q -f raw -F qcow2 "$iso" "$images/ringvisor.qcow2"; then
    pass qcow2_is_the_iso
else
    fail qcow2_is_the_iso "not a qcow2 of the ISO's bytes: $(head -c 200 <<<"$info")"
fi
boot_disk qcow2_boots "$images/ringvisor.qcow2" qcow2

# ---- OVA ----
mkdir -p "$work/ova"
members=$(tar tf "$images/ringvisor.ova" 2>&1 | tr '\n' ' ')
if [ "$members" = "ringvisor.ovf ringvisor.mf ringvisor-disk1.vmdk " ] &&
    tar xf "$images/ringvisor.ova" -C "$work/ova" && file_fmt=$(od -An -c -j 257 -N 5 "$images/ringvisor.ova" | tr -d ' ') &&
    [ "$file_fmt" = ustar ]; then
    pass ova_layout
else
    fail ova_layout "members '$members' (want descriptor, manifest, disk; ustar)"
fi
sums_ok=1
while read -r line; do
    f=$(sed -n 's/^SHA256(\(.*\))= .*/\1/p' <<<"$line") want=${line##*= }
    [ -n "$f" ] && [ "$(sha256sum "$work/ova/$f" 2>/dev/null | cut -d' ' -f1)" = "$want" ] || sums_ok=0
done <"$work/ova/ringvisor.mf"
if [ "$sums_ok" = 1 ] && [ "$(wc -l <"$work/ova/ringvisor.mf")" = 2 ]; then pass ova_manifest; else
    fail ova_manifest "a SHA-256 sum does not match: $(cat "$work/ova/ringvisor.mf")"; fi
ovf=$work/ova/ringvisor.ovf
if ! xmllint --noout "$ovf" 2>"$work/xmllint.err"; then
    fail ova_descriptor "not well-formed: $(head -c 300 "$work/xmllint.err")"
elif ! grep -q '<rasd:ResourceSubType>E1000</rasd:ResourceSubType>' "$ovf" ||
    ! grep -q '<rasd:VirtualQuantity>128</rasd:VirtualQuantity>' "$ovf" ||
    ! grep -q "ovf:size=\"$(stat -c %s "$work/ova/ringvisor-disk1.vmdk")\"" "$ovf" ||
    ! grep -q "ovf:capacity=\"$(stat -c %s "$iso")\"" "$ovf"; then
    fail ova_descriptor "the OVF lacks the e1000 NIC, the 128 MB, or the disk's true sizes"
else
    pass ova_descriptor
fi
vinfo=$(qemu-img info --output=json "$work/ova/ringvisor-disk1.vmdk" 2>&1)
if grep -q '"create-type": "streamOptimized"' <<<"$vinfo"; then pass ova_vmdk_stream_optimized; else
    fail ova_vmdk_stream_optimized "$(head -c 300 <<<"$vinfo")"; fi
boot_disk ova_vmdk_boots "$work/ova/ringvisor-disk1.vmdk" vmdk

# ---- libvirt ----
libvirt_boot()
{
    local lv=$work/libvirt v state i status fwd_port
    mkdir -p "$lv/run" "$lv/home"
    chmod 700 "$lv/run"
    cp "$images/ringvisor.qcow2" "$lv/disk.qcow2"
    [ "$(id -u)" -ne 0 ] || chown -R nobody "$lv"
    chmod 755 "$lv"
    # The shipped definition, with the file console and the restricted forward of the tests.
    port_take fwd_port || { fail libvirt_boot "no free port"; return; }
    sed -e "s|<source file='[^']*'/>|<source file='$lv/disk.qcow2'/>|" \
        -e "s|<domain type='qemu'>|<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>|" \
        -e "/<interface type='network'>/,/<\/interface>/d" \
        -e "/<serial type='pty'>/,/<\/console>/c\\    <serial type='file'><source path='$lv/serial.log'/><target port='0'/></serial>" \
        -e "/<graphics /d" \
        -e "s|</devices>|</devices>\\n  <qemu:commandline><qemu:arg value='-netdev'/><qemu:arg value='user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$fwd_port-:80'/><qemu:arg value='-device'/><qemu:arg value='e1000,netdev=net0,bus=pci.0,addr=0x9'/></qemu:commandline>|" \
        "$images/ringvisor.xml" >"$lv/domain.xml"
    cp "$lv/domain.xml" "$out/libvirt-domain.xml"
    if ! xmllint --noout "$lv/domain.xml" 2>"$work/xmllint.err"; then
        fail libvirt_boot "the test copy of the definition is not XML: $(head -c 200 "$work/xmllint.err")"
        return
    fi
    local env=(env "HOME=$lv/home" "XDG_RUNTIME_DIR=$lv/run" "XDG_CONFIG_HOME=$lv/home/config"
        "XDG_CACHE_HOME=$lv/home/cache" LIBVIRT_AUTOSTART=0)
    # As root, the daemon runs as nobody; as anyone else, as that user (a session daemon is per user).
    local as_nobody=()
    [ "$(id -u)" -ne 0 ] || as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    "${as_nobody[@]}" "${env[@]}" libvirtd --verbose >"$out/libvirtd.log" 2>&1 &
    daemon_pid=$!
    v=("${as_nobody[@]}" "${env[@]}" virsh -q -c qemu:///session)
    for ((i = 0; i < 100; i++)); do
        "${v[@]}" version >/dev/null 2>&1 && break
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! "${v[@]}" version >"$out/virsh-version.txt" 2>&1; then
        fail libvirt_boot "the libvirt daemon does not run here: $(grep -i -m2 error "$out/libvirtd.log" | tr '\n' ' ') $(tail -n 2 "$out/virsh-version.txt" | tr '\n' ' ')"
        return
    fi
    echo "# images: $(grep -i 'running hypervisor' "$out/virsh-version.txt"), libvirt $(sed -n 's/^Using library: libvirt //p' "$out/virsh-version.txt")"
    if ! "${v[@]}" define "$lv/domain.xml" >"$out/virsh-define.txt" 2>&1 ||
        ! "${v[@]}" start ringvisor >"$out/virsh-start.txt" 2>&1; then
        fail libvirt_boot "virsh define/start: $(cat "$out/virsh-define.txt" "$out/virsh-start.txt" | tr '\n' ' ' | head -c 300)"
        return
    fi
    state=$(wait_boot "$lv/serial.log" 240 "")
    cp "$lv/serial.log" "$out/libvirt.log" 2>/dev/null
    case $state in
    off)
        fail libvirt_boot "init ran out of services and powered off instead of serving"
        ;;
    serving)
        check_serving libvirt_boot "$fwd_port" "$lv/serial.log"
        ;;
    *)
        fail libvirt_boot "$state: $(tr -d '\r' <"$lv/serial.log" 2>/dev/null | tail -n 3 | tr '\n' '|')"
        ;;
    esac
    "${v[@]}" destroy ringvisor >/dev/null 2>&1
    "${v[@]}" undefine ringvisor >/dev/null 2>&1
    kill "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
    daemon_pid=""
    port_release_all
}
if xmllint --noout "$images/ringvisor.xml" 2>/dev/null && grep -q "<domain type='qemu'>" "$images/ringvisor.xml" &&
    grep -q "<source file='$(realpath "$images/ringvisor.qcow2")'/>" "$images/ringvisor.xml"; then
    pass libvirt_definition
else
    fail libvirt_definition "not XML, not type qemu, or not naming the qcow2 by its absolute path"
fi
libvirt_boot
exit $((failures > 0))
