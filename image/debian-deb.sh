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
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg entries deb version
    local opts=(-q -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
        -o "Dir::State::status=$apt_dir/status" -o "APT::Architecture=$arch"
        -o "APT::Architectures::=$arch"
        -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null)
    [ "$(id -u)" -ne 0 ] || opts+=(-o APT::Sandbox::User=root)
    : >"$apt_dir/status"
    entries=$(system_entries | sort -u)
    [ -n "$entries" ] || entries="http://deb.debian.org/debian $(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}") main"
    [ -f "$keyring" ] || die "$keyring missing (debian-archive-keyring)"
    sed "s|^|deb [arch=$arch signed-by=$keyring] |" <<<"$entries" >"$apt_dir/sources.list.new"
    if ! cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list"; then
        mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
        rm -rf "$apt_dir/lists" && mkdir -p "$apt_dir/lists/partial"
    fi
    if ! compgen -G "$apt_dir/lists/*Packages*" >/dev/null; then
        apt-get "${opts[@]}" update >>"$apt_dir/apt.log" 2>&1 || { tail -n 20 "$apt_dir/apt.log" >&2; die "apt-get update of the private deb list failed"; }
    fi
    rm -rf "$apt_dir/deb/$pkg" && mkdir -p "$apt_dir/deb/$pkg"
    if ! (cd "$apt_dir/deb/$pkg" && apt-get "${opts[@]}" download "$pkg" >>"$apt_dir/apt.log" 2>&1); then
        apt-get "${opts[@]}" update >>"$apt_dir/apt.log" 2>&1 || { tail -n 20 "$apt_dir/apt.log" >&2; die "apt-get update of the private deb list failed"; }
        (cd "$apt_dir/deb/$pkg" && apt-get "${opts[@]}" download "$pkg" >>"$apt_dir/apt.log" 2>&1) ||
            { tail -n 20 "$apt_dir/apt.log" >&2; die "apt-get download failed (sources: $apt_dir/sources.list)"; }
    fi
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
