#!/usr/bin/env bash
# Usage: trace-path.sh BENCH-MODE ENTRY-SYMBOL [FUNCTION]
# The instruction-by-instruction breakdown of one hot path, as docs/performance.md gives it:
# boots bench=BENCH-MODE under -icount shift=0 -singlestep -d exec,nochain (each trace line is
# one counted instruction), logging the hypervisor's text only, cuts the trace into windows
# from one execution of ENTRY-SYMBOL (hypercall_stub, gp_entry, ...) to the next, keeps the
# windows in which FUNCTION ran (default: any), and prints the most common window length and,
# for one such window, the instructions spent in each function in the order they ran.
# The guest's own instructions are not logged: the BENCH figure adds them (and the loop's).
# Needs a few GB in $TMPDIR and minutes (the whole boot runs single-stepped). Environment:
# BUILD (build), TIMEOUT (900 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
[ $# -ge 2 ] || { sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2; }
mode=$1 entry=$2 fn=${3:-}
hv=$BUILD/hypervisor/hv.elf
[ -f "$hv" ] || { echo "trace-path.sh: $hv missing: run make first" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/trace-path.XXXXXX")
trap 'rm -rf "$work"' EXIT

nm -n "$hv" | awk '$2 ~ /^[tTwW]$/ && $1 ~ /^fc/ { print $1, $3 }' >"$work/syms"
addr() { awk -v s="$1" '$2 == s { print $1; exit }' "$work/syms"; }
start=$(addr "$entry")
[ -n "$start" ] || { echo "trace-path.sh: no symbol $entry in $hv" >&2; exit 2; }
fn_lo="" fn_hi=""
if [ -n "$fn" ]; then
    fn_lo=$(addr "$fn")
    [ -n "$fn_lo" ] || { echo "trace-path.sh: no symbol $fn in $hv" >&2; exit 2; }
    fn_hi=$(awk -v s="$fn" 'f { print $1; exit } $2 == s { f = 1 }' "$work/syms")
fi
lo=$(head -n 1 "$work/syms" | cut -d' ' -f1)
hi=$(nm "$hv" | awk '$3 == "_etext" { print $1 }')

ACCEL=tcg timeout "${TIMEOUT:-900}" bash image/qemu.sh --boot kernel --hv-args exit=debug \
    --guest-args "bench=$mode" --initrd "" --net none --serial-file "$work/log" -- \
    -icount shift=0 -singlestep -d exec,nochain -dfilter "0x$lo..0x$hi" -D "$work/trace" \
    </dev/null || true

# Pass 1: the windows (line numbers of ENTRY-SYMBOL's first instruction), with FUNCTION in
# them; the most common length, and the first window of that length past the warm-up.
read -r len first < <(awk -v e="$start" -v lo="$fn_lo" -v hi="$fn_hi" '
    function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++)
        v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
    BEGIN { elo = hex(lo); ehi = hi == "" ? 0 : hex(hi) }
    {   split($0, a, "/"); eip = substr(a[2], 9)
        if (eip == e) {
            if (prev && (lo == "" || seen)) { n = NR - prev; count[n]++; if (!(n in at)) at[n] = prev }
            prev = NR; seen = 0
        } else if (lo != "" && !seen) { v = hex(eip); if (v >= elo && v < ehi) seen = 1 }
    }
    END { for (n in count) if (count[n] > best) { best = count[n]; len = n }
          if (len) print len, at[len] }' "$work/trace")
[ -n "${len:-}" ] || { echo "trace-path.sh: no window from $entry${fn:+ through $fn}" >&2; exit 1; }

# Pass 2: that window, instruction by instruction, counted per function.
echo "bench=$mode: $len hypervisor instructions from $entry to the next${fn:+ (through $fn)}"
awk -v first="$first" -v len="$len" '
    function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++)
        v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
    FILENAME == ARGV[1] { sa[++ns] = hex($1); sn[ns] = $2; next }
    FNR < first { next }
    FNR >= first + len { exit }
    {   split($0, a, "/"); v = hex(substr(a[2], 9))
        l = 1; h = ns; while (l < h) { m = int((l + h + 1) / 2); if (sa[m] <= v) l = m; else h = m - 1 }
        f = sn[l]; if (!(f in c)) order[++no] = f; c[f]++ }
    END { for (i = 1; i <= no; i++) printf "%6d  %s\n", c[order[i]], order[i] }
' "$work/syms" "$work/trace"
