#!/usr/bin/env bash
# Usage: boot-timeline.sh [kernel|iso] [QEMU.SH OPTION...] [-- EXTRA-QEMU-ARGS...]
# One boot of the appliance (image/qemu.sh, -m 128M, the user network) with every serial line
# stamped with the host's milliseconds since QEMU's start, and the first 200 for /favicon.svg
# (tests/bench/first-200.sh, the boot benchmark's probe) as the last line: where a boot's time
# goes (docs/benchmarks.md). The guest's own clock is in init's lines ("at 0.431 s": uptime).
# Prints the stamped log on stdout; exit status 1 when no 200 came within 120 s.
# Environment: HTTP_PORT (a free one from tests/lib/ports.sh), BUILD (build).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
how=kernel
case ${1:-} in kernel | iso) how=$1; shift ;; esac

# shellcheck source=tests/lib/ports.sh
. tests/lib/ports.sh
exec {stderr}>&2
if [ -z "${HTTP_PORT:-}" ]; then
    port_take HTTP_PORT || { echo "boot-timeline.sh: no free host port" >&"$stderr"; exit 1; }
fi
exec 2>&"$stderr"
work=$(mktemp -d "${TMPDIR:-/tmp}/boot-timeline.XXXXXX")
qemu_pid="" stamper=""
cleanup()
{
    [ -z "$qemu_pid" ] || { kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; }
    [ -z "$stamper" ] || wait "$stamper" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/serial"

start=$(date +%s%N)
start_us=$((start / 1000))
# The stamps: one shell reading the serial port through a FIFO as QEMU writes it.
(
    while IFS= read -r line; do
        t=${EPOCHREALTIME/./}
        printf '%6d.%d %s\n' $(((t - start_us) / 1000)) $(((t - start_us) / 100 % 10)) "${line%$'\r'}"
    done <"$work/serial"
) &
stamper=$!
HTTP_PORT=$HTTP_PORT bash image/qemu.sh --boot "$how" --mem 128M --serial-file "$work/serial" "$@" \
    </dev/null 2>"$work/qemu.err" &
qemu_pid=$!
if ms=$(bash tests/bench/first-200.sh "$HTTP_PORT" favicon.svg "$qemu_pid" "$start" 120); then
    kill "$qemu_pid" 2>/dev/null
    wait "$qemu_pid" 2>/dev/null
    qemu_pid=""
    wait "$stamper"
    stamper=""
    printf '%6d.0 (probe) first 200 for /favicon.svg\n' "$ms"
    exit 0
fi
echo "boot-timeline.sh: no 200 within 120 s; QEMU said:" >&2
sed 's/^/    /' "$work/qemu.err" >&2
exit 1
