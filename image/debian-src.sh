#!/usr/bin/env bash
# Usage: debian-src.sh PACKAGE DEST
# Fetches Debian's source package PACKAGE (the version of this system's release) and unpacks it,
# Debian's patches applied, into DEST (replaced whole; DEST/.debian-version says which version).
# Nothing is installed and the system's apt configuration is not touched: apt runs on a private
# deb-src list and private package lists under $BUILD/debian/apt/, made from the Debian archive
# this system already uses (its deb lines, turned into deb-src lines, same signing key).
# Idempotent: an unpacked DEST of the wanted package is left alone. Two builds at once fetch once
# (a lock). Needs apt-get and dpkg-source (dpkg-dev), both in image/deps.sh.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 PACKAGE DEST" >&2; exit 2; }
pkg=$1 dest=$2
BUILD=${BUILD:-build}
apt_dir=$(realpath -m "$BUILD/debian/apt")
die() { echo "debian-src.sh: $pkg: $*" >&2; exit 1; }

[ -f "$dest/.debian-version" ] && exit 0
command -v dpkg-source >/dev/null || die "dpkg-source missing (apt-get install dpkg-dev; make deps)"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/src"

. "$(dirname "$0")/debian-archive.sh"

fetch_locked()
{
    local dsc version
    apt_private_list deb-src "" "*Sources*"
    apt_fetch "$apt_dir/src/$pkg" source --download-only "$pkg"
    dsc=$(find "$apt_dir/src/$pkg" -maxdepth 1 -name '*.dsc' | head -n 1)
    [ -n "$dsc" ] || die "no .dsc downloaded"
    version=$(sed -n 's/^Version: //p' "$dsc" | head -n 1)
    # apt checked every file against the signed archive index; dpkg-source applies Debian's patches.
    rm -rf "$dest.tmp" "$dest"
    mkdir -p "$(dirname "$dest")"
    dpkg-source --no-check -x "$dsc" "$dest.tmp" >"$apt_dir/src/$pkg.unpack.log" 2>&1 ||
        { cat "$apt_dir/src/$pkg.unpack.log" >&2; die "dpkg-source -x failed"; }
    echo "$pkg $version" >"$dest.tmp/.debian-version"
    mv "$dest.tmp" "$dest"
    echo "debian-src.sh: $pkg $version unpacked in $dest" >&2
}

exec {lock}>"$apt_dir/.lock"
flock "$lock"
[ -f "$dest/.debian-version" ] || fetch_locked
