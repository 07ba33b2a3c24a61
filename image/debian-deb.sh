#!/usr/bin/env bash
# Usage: debian-deb.sh PACKAGE ARCH DEST
# Fetches Debian's binary package PACKAGE for ARCH (the version of this system's release) and
# unpacks its files into DEST (replaced whole; DEST/.debian-version says which version). Nothing
# is installed on this system and its apt configuration is not touched: apt runs on a private deb
# list for ARCH alone and private package lists under $BUILD/debian/apt-ARCH/, made from the
# Debian archive this system already uses (same signing key). dpkg-deb unpacks (no maintainer
# scripts run). Idempotent; two builds at once fetch once (a lock).
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 PACKAGE ARCH DEST" >&2; exit 2; }
pkg=$1 arch=$2 dest=$3
BUILD=${BUILD:-build}
apt_dir=$(realpath -m "$BUILD/debian/apt-$arch")
die() { echo "debian-deb.sh: $pkg:$arch: $*" >&2; exit 1; }

. "$(dirname "$0")/debian-archive.sh"

[ -f "$dest/.debian-version" ] && exit 0
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/deb"

fetch_locked()
{
    local deb version
    apt_opts+=(-o "Dir::State::status=$apt_dir/status" -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch")
    : >"$apt_dir/status"
    apt_private_list deb "arch=$arch" "*Packages*"
    apt_fetch "$apt_dir/deb/$pkg" download "$pkg"
    deb=$(find "$apt_dir/deb/$pkg" -maxdepth 1 -name '*.deb' | head -n 1)
    [ -n "$deb" ] || die "no .deb downloaded"
    version=$(dpkg-deb -f "$deb" Version)
    # apt checked the .deb against the signed archive index; dpkg-deb only unpacks its files.
    rm -rf "$dest.tmp" "$dest"
    mkdir -p "$dest.tmp"
    dpkg-deb -x "$deb" "$dest.tmp" || die "dpkg-deb -x failed"
    echo "$pkg $arch $version" >"$dest.tmp/.debian-version"
    mv "$dest.tmp" "$dest"
    echo "debian-deb.sh: $pkg:$arch $version unpacked in $dest" >&2
}

exec {lock}>"$apt_dir/.lock"
flock "$lock"
[ -f "$dest/.debian-version" ] || fetch_locked
