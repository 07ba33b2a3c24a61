#!/usr/bin/env bash
# Install the Debian packages the build, the ISO and the tests need; only the missing ones.
# Idempotent: prints one line and changes nothing when everything is present.
set -euo pipefail

# The one list of required packages (gcc brings libasan/libubsan for the host unit tests).
# Besides Essential packages, the scripts need: awk (mawk), pgrep (procps, for the scenarios'
# CPU accounting), gdb (make run-gdb, and the scenario that drives it), ss (iproute2: the gdb
# scenario checks what the stub listens on); make check needs clang-format and cppcheck; the
# framebuffer console's font comes from xfonts-base (misc-fixed 8x13, public domain).
# The appliance's web server and its tests: dpkg-dev (dpkg-source unpacks Debian's http-parser
# source package, image/debian-src.sh), libjs-dygraphs (the dashboard's charts, copied into the
# initramfs), curl, jq, wrk, chromium and chromium-driver (tests/http/); make images: qemu-utils
# (qemu-img), libxml2-utils (xmllint checks the OVF); its libvirt test: libvirt-daemon-system and
# libvirt-clients; make bench's report: gnuplot-nox.
# tests/unit/test_build.sh
# checks that every command the build and the tests run comes from this list or is Essential.
PACKAGES=(
    make gcc binutils libc6-dev
    qemu-system-x86 ovmf
    grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools
    cpio mawk procps gdb iproute2 clang-format cppcheck xfonts-base
    bochs bochsbios vgabios bochs-term
    gcc-i686-linux-gnu binutils-i686-linux-gnu musl-dev:i386
    dpkg-dev libjs-dygraphs curl jq wrk chromium chromium-driver
    qemu-utils libxml2-utils libvirt-daemon-system libvirt-clients gnuplot-nox
)

# Foreign dpkg architectures that PACKAGES need: i386 for musl-dev:i386 (ring-3 programs).
EXTRA_ARCHITECTURES=(i386)

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "deps: this script needs a Debian-like system (dpkg and apt-get); install by hand: ${PACKAGES[*]}" >&2
    exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    SUDO=(sudo)
fi
need_root()
{
    if [ ${#SUDO[@]} -gt 0 ] && ! command -v sudo >/dev/null; then
        echo "deps: missing: $*; run 'make deps' as root (there is no sudo here)" >&2
        exit 1
    fi
}

# Register foreign architectures; succeeds silently when nothing is to do.
# Returns 0 when an architecture was added (the package lists then need an update).
add_extra_architectures()
{
    local arch added=1
    for arch in "${EXTRA_ARCHITECTURES[@]}"; do
        [ "$arch" != "$(dpkg --print-architecture)" ] || continue
        if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
            need_root "the dpkg architecture $arch"
            "${SUDO[@]}" dpkg --add-architecture "$arch"
            added=0
        fi
    done
    return "$added"
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
done

arch_added=0
add_extra_architectures && arch_added=1

if [ "${#missing[@]}" -eq 0 ] && [ "$arch_added" -eq 0 ]; then
    echo "deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

echo "deps: installing ${missing[*]:-(nothing; new architectures only)}"
need_root "${missing[*]:-}"
export DEBIAN_FRONTEND=noninteractive
# A mirror in mid-sync can fail one index (seen: bookworm-security's i386 list): try again, then
# go on with what was fetched; the install below is what must succeed.
if ! "${SUDO[@]}" apt-get update -q; then
    echo "deps: apt-get update failed; retrying in 10 s" >&2
    sleep 10
    "${SUDO[@]}" apt-get update -q ||
        echo "deps: apt-get update failed again; installing from the package lists it did get" >&2
fi
if [ "${#missing[@]}" -gt 0 ]; then
    for attempt in 1 2; do
        if "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}"; then
            break
        fi
        if [ "$attempt" = 2 ]; then
            echo "deps: could not install: ${missing[*]}" >&2
            exit 1
        fi
        echo "deps: apt-get install failed; updating the package lists and retrying" >&2
        sleep 10
        "${SUDO[@]}" apt-get update -q || true
    done
fi
