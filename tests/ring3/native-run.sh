#!/usr/bin/env bash
# Usage: native-run.sh ROOTFS SECONDS PROGRAM [ARG...]
# Runs PROGRAM (a path inside ROOTFS, e.g. /tests/t_fork) natively on the host the way the appliance
# runs init: in a private copy of ROOTFS as its root (writable, as the appliance's initramfs root
# is; the copy is thrown away), with a writable empty /tmp, /dev/null, /dev/zero, /dev/full, /dev/tty, a tmpfs /dev/shm,
# /dev/random, /dev/urandom, /proc and a private devpts instance on /dev/pts with /dev/ptmx (the
# job-control tests make a terminal of their own there: appliance/include/ctty.h), as pid 1 of new mount, pid and network namespaces (only lo,
# up: no socket meets the host), cwd /, environment exactly
# HOME=/ PATH=/sbin:/bin TERM=linux, stdin /dev/null, stdout and stderr inherited, no other fds.
# SIGKILL on timeout, to unshare alone (it ignores SIGTERM): its death (--kill-child) takes the
# whole pid namespace along.
# Works as root and, through a user namespace (unshare --map-root-user), as an ordinary user.
# Exit status: the program's; 128+N if it was killed by signal N; 124 after SECONDS (it is then
# killed); 125 if the sandbox could not be set up (the reason is on stderr, "native-run: ...").
set -euo pipefail

if [ $# -lt 3 ] || [ ! -d "$1" ]; then
    echo "usage: $0 ROOTFS SECONDS PROGRAM [ARG...]" >&2
    exit 2
fi
rootfs=$1 seconds=$2
shift 2

sandbox_fail()
{
    echo "native-run: $1" >&2
    exit 125
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ring3-native.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir "$root"
cp -a "$rootfs/." "$root/" || sandbox_fail "cannot copy $rootfs"
mkdir -p "$root/dev" "$root/tmp" "$root/proc"
touch "$root/dev/null" "$root/dev/zero" "$root/dev/full" "$root/dev/random" "$root/dev/urandom" "$root/dev/tty"
[ -e "$root$1" ] || [ -L "$root$1" ] || sandbox_fail "no $1 in $rootfs" # /bin/sh: a link to /bin/busybox

# Inside the new namespaces (bash -c: no script fd to keep open). The mounts are private to the
# namespace and vanish with it; the copy's root is bind-mounted onto itself first (a mount point,
# as the appliance's root is).
# shellcheck disable=SC2016 # expanded by the inner shell
inner='
set -e
root=$1 chroot_bin=$2
shift 2
fail() { echo "native-run: $1" >&2; exit 125; }
mount --make-rprivate / 2>/dev/null || true
mount --bind "$root" "$root" || fail "bind of the root failed"
mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/tmp" || fail "tmpfs on /tmp failed"
mkdir -p "$root/dev/shm" && mount -t tmpfs -o mode=1777,size=16m tmpfs "$root/dev/shm" || fail "tmpfs on /dev/shm failed"
mkdir -p "$root/dev/pts" && mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts" ||
    fail "devpts on /dev/pts failed"
ln -sf pts/ptmx "$root/dev/ptmx" || fail "no /dev/ptmx"
mount --bind /dev/null "$root/dev/null" || fail "bind of /dev/null failed"
mount --bind /dev/zero "$root/dev/zero" || fail "bind of /dev/zero failed"
for d in full random urandom tty; do
    mount --bind "/dev/$d" "$root/dev/$d" || fail "bind of /dev/$d failed"
done
mount -t proc -o ro,nosuid,nodev,noexec proc "$root/proc" || fail "mount of /proc failed"
ip link set lo up 2>/dev/null || fail "cannot bring up lo in the private network namespace"
ulimit -c 0
for f in /proc/self/fd/*; do
    fd=${f##*/}
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
exec env -i HOME=/ PATH=/sbin:/bin TERM=linux "$chroot_bin" "$root" "$@"
'

userns=()
[ "$(id -u)" -eq 0 ] || userns=(--map-root-user)
chroot_bin=$(command -v chroot) || sandbox_fail "no chroot command"
command -v unshare >/dev/null || sandbox_fail "no unshare command"

status=0 start=$SECONDS
timeout --foreground -s KILL "$seconds" unshare "${userns[@]}" --mount --pid --net --fork --kill-child \
    bash -c "$inner" native-run "$root" "$chroot_bin" "$@" </dev/null || status=$?
# timeout reports a SIGKILL it sent as 137, not 124.
if [ "$status" -eq 137 ] && [ $((SECONDS - start)) -ge "$seconds" ]; then status=124; fi
exit "$status"
