#!/usr/bin/env bash
# Usage: report.sh RESULTS TARGETS OUTDIR [LINUX-LABEL]
# make bench's report: OUTDIR/report.md with one table of every figure in RESULTS ("BENCH KEY
# VALUE UNIT" lines): ours, the Linux VM's (the key with the linux_ prefix), their ratio (the run's
# KEY_over_linux_ratio where it printed one, else ours / Linux's), Linux with mitigations=off
# (linux_nomitig_), and each target of TARGETS that names the figure or its ratio, with its verdict;
# then SVG plots drawn with gnuplot (OUTDIR/*.svg): the lmbench probes against Linux, the system-
# call paths, the page-table batching, and any other ours/Linux pair (HTTP, boot time, size).
# docs/benchmarks.md explains every key. Prints the paths it wrote; exit 1 when RESULTS holds no
# figure at all (the report still says so), 2 on bad usage.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 RESULTS TARGETS OUTDIR [LINUX-LABEL]" >&2; exit 2; }
results=$1 targets=$2 outdir=$3 linux_label=${4:-the Linux VM}
mkdir -p "$outdir"
report=$outdir/report.md

# The table, in the order the figures were printed (a Linux-only key is a column of its pair).
table=$(awk -v tfile="$targets" '
function num(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
function fmt(v) { if (v == "") return "–"; if (!num(v)) return v; return (v + 0 == int(v + 0) && v + 0 < 1e15) ? sprintf("%d", v) : sprintf("%.4g", v) }
BEGIN {
    while ((getline line < tfile) > 0) {
        sub(/#.*/, "", line)
        nf = split(line, f, " ")
        if (nf < 6 || f[1] != "target") continue
        bound = f[3] " " f[4] (nf == 8 ? " " f[5] " " f[6] : "")
        t = bound " (issue " f[nf - 1] (f[nf] == "report" ? ", open" : "") ")"
        if (f[2] in tk) tk[f[2]] = tk[f[2]] "; " t
        else tk[f[2]] = t
        nt++; tkey[nt] = f[2]; top[nt] = f[3]; tb1[nt] = f[4]; tb2[nt] = nf == 8 ? f[5] : ""; tb3[nt] = nf == 8 ? f[6] : ""
    }
}
$1 == "BENCH" && NF == 4 { if (!($2 in val)) order[++n] = $2; val[$2] = $3; unit[$2] = $4 }
function bound_of(i) {
    if (num(tb1[i]) && tb2[i] == "") return tb1[i] + 0
    if (!(tb1[i] in val)) return ""
    return tb2[i] == "*" ? val[tb1[i]] * tb3[i] : val[tb1[i]]
}
function verdict(key,   i, b, s, met) {
    s = ""
    for (i = 1; i <= nt; i++) {
        if (tkey[i] != key) continue
        b = bound_of(i)
        if (!(key in val) || b == "") met = "not measured"
        else met = (top[i] == "<=" ? val[key] + 0 <= b : top[i] == "<" ? val[key] + 0 < b : \
                    top[i] == ">=" ? val[key] + 0 >= b : val[key] + 0 > b) ? "met" : "missed"
        s = s (s == "" ? "" : ", ") met
    }
    return s
}
END {
    print "| figure | unit | ours | Linux VM | ours / Linux | Linux, mitigations=off | target | verdict |"
    print "|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= n; i++) {
        k = order[i]
        if (k ~ /^linux_/) continue
        if (k ~ /_over_linux_ratio$/) { base = k; sub(/_over_linux_ratio$/, "", base); if ((base "_insns") in val || base in val) continue }
        lk = "linux_" k; mk = "linux_nomitig_" k
        rk = k; sub(/_insns$/, "", rk); rk = rk "_over_linux_ratio"
        ratio = (rk in val) ? val[rk] : ((lk in val) && num(val[lk]) && val[lk] + 0 > 0 && num(val[k]) ? val[k] / val[lk] : "")
        tgt = ""; ver = ""
        if (k in tk) { tgt = tk[k]; ver = verdict(k) }
        if (rk in tk) { tgt = tgt (tgt == "" ? "" : "; ") "ratio " tk[rk]; ver = ver (ver == "" ? "" : ", ") verdict(rk) }
        printf "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", k, unit[k], fmt(val[k]),
               fmt((lk in val) ? val[lk] : ""), fmt(ratio), fmt((mk in val) ? val[mk] : ""),
               tgt == "" ? "–" : tgt, ver == "" ? "–" : ver
        shown++
    }
    for (i = 1; i <= n; i++) {
        k = order[i]
        if (k !~ /^linux_/) continue
        base = k; sub(/^linux_(nomitig_)?/, "", base)
        if (base in val) continue
        printf "| `%s` | %s | – | %s | – | – | %s | %s |\n", k, unit[k], fmt(val[k]),
               (k in tk) ? tk[k] : "–", (k in tk) ? verdict(k) : "–"
        shown++
    }
    if (!shown) print "| (no figure: every step failed) | | | | | | | |"
}' "$results")

# Plots: a data file per chart, "label ours linux" (NaN where absent), drawn when gnuplot can.
value() { awk -v k="$1" '$1 == "BENCH" && $2 == k { v = $3 } END { print v }' "$results"; }
plots=()
# plot NAME TITLE YLABEL LOG(0|1) PAIRS...: each pair "label:ours_key:linux_key" (linux_key may be empty)
plot()
{
    local name=$1 title=$2 ylabel=$3 log=$4 p label ok lk o l any=0 linux_col=0
    shift 4
    : >"$outdir/$name.dat"
    for p in "$@"; do
        IFS=: read -r label ok lk <<<"$p"
        o=$(value "$ok") l=""
        [ -z "$lk" ] || l=$(value "$lk")
        [ -n "$o$l" ] || continue
        [ -z "$l" ] || linux_col=1
        echo "\"$label\" ${o:-NaN} ${l:-NaN}" >>"$outdir/$name.dat"
        any=1
    done
    [ "$any" = 1 ] || { rm -f "$outdir/$name.dat"; return 0; }
    command -v gnuplot >/dev/null || { echo "report.sh: gnuplot missing: no $name.svg" >&2; return 0; }
    local series="using 2:xtic(1) title \"ringvisor\" lc rgb \"#8e44ad\""
    [ "$linux_col" = 0 ] || series="$series, \"\" using 3 title \"$linux_label\" lc rgb \"#3a9e6f\""
    if gnuplot <<GNUPLOT 2>"$outdir/$name.gnuplot.err"; then
set terminal svg size 900,460 dynamic noenhanced font "sans,12" background "#ffffff"
set output "$outdir/$name.svg"
set title "$title"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
$([ "$log" = 1 ] && echo 'set logscale y' || echo 'set yrange [0:*]')
set ylabel "$ylabel"
set grid ytics
set key top left
set xtics rotate by -20
plot "$outdir/$name.dat" $series
GNUPLOT
        plots+=("$name")
        rm -f "$outdir/$name.gnuplot.err"
    else
        echo "report.sh: gnuplot failed on $name: $(head -c 200 "$outdir/$name.gnuplot.err")" >&2
    fi
}
lm=() for_probe=""
for for_probe in null write pagefault mmap fork exec pipe; do
    lm+=("$for_probe:lat_${for_probe}_insns:linux_lat_${for_probe}_insns")
done
plot lmbench "lmbench: guest instructions per operation (QEMU -icount shift=0; lower is better)" \
    instructions 1 "${lm[@]}"
plot syscalls "System call paths: instructions per call (lower is better)" instructions 1 \
    "fast trap:syscall_fast_insns:" "bounced:syscall_bounce_insns:" "null hypercall:hypercall_null_insns:"
plot batching "Page-table updates and context switches: instructions (lower is better)" instructions 0 \
    "PTE, own hypercall:pte_update_single_insns:" "PTE, in a batch:pte_update_batched_insns:" \
    "PTE, by multicall:pte_update_multicall_insns:" "switch, unbatched:ctxswitch_unbatched_insns:" \
    "switch, multicall:ctxswitch_multicall_insns:"
plot tcp_rr "TCP through QEMU's forward: round trips per second (TCG wall time; higher is better)" "1/s" 0 \
    "rr, virtio-net:tcp_rr_per_s:linux_tcp_rr_per_s" "crr, virtio-net:tcp_crr_per_s:linux_tcp_crr_per_s" \
    "rr, e1000:e1000_tcp_rr_per_s:linux_e1000_tcp_rr_per_s" \
    "crr, e1000:e1000_tcp_crr_per_s:linux_e1000_tcp_crr_per_s"
plot tcp_bulk "TCP bulk through QEMU's forward: Mbit/s (TCG wall time; higher is better)" "Mbit/s" 0 \
    "rx, virtio-net:tcp_rx_mbps:linux_tcp_rx_mbps" "tx, virtio-net:tcp_tx_mbps:linux_tcp_tx_mbps" \
    "rx, e1000:e1000_tcp_rx_mbps:linux_e1000_tcp_rx_mbps" "tx, e1000:e1000_tcp_tx_mbps:linux_e1000_tcp_tx_mbps"
# Each kernel with its own server, then each server on both kernels (the kernel's share).
plot http "HTTP requests per second (TCG wall time; higher is better)" "requests/s" 0 \
    "own server, keep-alive:http_rps:linux_http_rps" \
    "own server, new connection each:http_rps_close:linux_http_rps_close" \
    "our httpd on both:http_rps:linux_http_rps_ourhttpd" "busybox httpd on both:http_rps_busybox:linux_http_rps" \
    "our httpd, fast trap off:http_rps_fasttrap_off:"
plot boot "Boot to the first HTTP 200 (ms, lower is better)" ms 0 \
    "ISO through GRUB:boot_to_http_ms:" \
    "QEMU -kernel:boot_to_http_kernel_ms:linux_boot_to_http_kernel_ms"
plot ram "The least memory that boots and serves (MB, lower is better)" MB 0 \
    "-m that serves:min_ram_mb:linux_min_ram_mb"

{
    echo "# ringvisor benchmark report"
    echo
    echo "Written by \`make bench\` (tests/bench/report.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), from"
    echo "\`$results\`. QEMU $(qemu-system-x86_64 --version 2>/dev/null | head -n 1 | sed 's/^QEMU emulator version //'), TCG;"
    echo "the Linux VM: $linux_label. Instruction counts are guest instructions under \`-icount shift=0\`"
    echo "(deterministic); \`tcg_wall_*\` ratios compare wall time within one boot. Every key is explained"
    echo "in docs/benchmarks.md; targets come from tests/bench/targets.txt (\"open\": the issue is not done,"
    echo "its target is reported, not enforced)."
    echo
    echo "$table"
    for p in "${plots[@]}"; do
        echo
        echo "![$p]($p.svg)"
    done
} >"$report"
echo "report: $report${plots[*]:+ (plots: ${plots[*]/%/.svg})}"
grep -q '^BENCH ' "$results"
