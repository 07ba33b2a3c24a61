#!/usr/bin/env bash
# Usage: boot-time.sh [RUNS]
# Wall time from QEMU's start to the guest banner, "(guest) ringvisor guest kernel", through QEMU's
# multiboot loader (-kernel) and through the ISO on SeaBIOS; RUNS (5) boots each, prints the medians.
# Needs a built tree (make iso). Not part of make test.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
runs=${1:-5}
banner="(guest) ringvisor guest kernel"

# One boot; prints milliseconds to the banner. The serial console comes through a pipe and each
# line is timestamped as it arrives; QEMU runs on until the guest powers off.
boot_ms()
{
    local start seen="" line
    start=$(date +%s%N)
    while IFS= read -r line; do
        if [ -z "$seen" ] && [[ $line == *"$banner"* ]]; then
            seen=$(date +%s%N)
        fi
    done < <(timeout 120 bash image/qemu.sh "$@" --net none --serial-file /dev/stdout \
        </dev/null 2>/dev/null || true)
    [ -n "$seen" ] || { echo "boot-time: no guest banner with: $*" >&2; exit 1; }
    echo $(((seen - start) / 1000000))
}

median()
{
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

measure()
{
    local label=$1 i all=()
    shift
    for ((i = 0; i < runs; i++)); do
        all+=("$(boot_ms "$@")")
    done
    printf '%-22s median %5d ms   (runs: %s)\n' "$label" \
        "$(printf '%s\n' "${all[@]}" | median)" "${all[*]}"
}

measure "-kernel (multiboot)" --boot kernel --hv-args exit=debug
measure "ISO, SeaBIOS" --boot iso --firmware bios
