#!/usr/bin/env bash
# Usage: check-results.sh RESULTS [TARGETS]   (TARGETS: tests/bench/targets.txt)
# Judges a make bench run: RESULTS holds its "BENCH KEY VALUE UNIT" lines (anything else is
# ignored). Every "expect" row of TARGETS needs its key printed exactly once with a number in
# range (zero only where the row's MIN is 0: a count of errors); every "target" row is evaluated and shown in a table. After it, "bench: FAIL: ..." for
# each problem: a missing, repeated, non-numeric, zero, negative or out-of-range figure, a missed or
# unmeasured target of an issue that is done ("enforce"); misses of open issues ("report") are
# shown, not failed. Last line: "bench: OK: ..." or "bench: FAILED: N problem(s)"; exit status 1
# on any problem. tests/bench/selftest.sh checks these verdicts.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ ! -f "$1" ]; then
    echo "usage: $0 RESULTS [TARGETS]" >&2
    exit 2
fi
targets=${2:-$(dirname "$0")/targets.txt}
[ -f "$targets" ] || { echo "check-results.sh: no $targets" >&2; exit 2; }

awk -v tfile="$targets" '
function num(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
function problem(msg) { plist[++problems] = "bench: FAIL: " msg }
function meets(v, op, b) { return op == "<=" ? v <= b : op == "<" ? v < b : op == ">=" ? v >= b : v > b }
# The bound of a target: a number, KEY, or KEY * FACTOR; "" when a key is not measured.
function bound(b1, b2, b3) {
    if (num(b1) && b2 == "") return b1 + 0
    if (!(b1 in val)) return ""
    if (b2 == "") return val[b1]
    if (b2 == "*" && num(b3)) return val[b1] * b3
    return "bad"
}
BEGIN {
    while ((getline line < tfile) > 0) {
        lineno++
        sub(/#.*/, "", line)
        n = split(line, f, " ")
        if (n == 0) continue
        if (f[1] == "expect" && n == 4 && num(f[3]) && num(f[4])) {
            ne++; ekey[ne] = f[2]; emin[ne] = f[3] + 0; emax[ne] = f[4] + 0
        } else if (f[1] == "target" && (n == 6 || n == 8) && (f[3] == "<=" || f[3] == "<" || f[3] == ">=" || f[3] == ">") &&
                   (f[n] == "enforce" || f[n] == "report")) {
            nt++; tkey[nt] = f[2]; top[nt] = f[3]; tb1[nt] = f[4]
            tb2[nt] = n == 8 ? f[5] : ""; tb3[nt] = n == 8 ? f[6] : ""
            tissue[nt] = f[n - 1]; tmode[nt] = f[n]
        } else {
            problem(tfile ":" lineno ": cannot read \"" line "\"")
        }
    }
}
$1 == "BENCH" {
    if (NF != 4) { problem("malformed line \"" $0 "\""); next }
    seen[$2]++
    if ($2 in val && val[$2] != $3) problem($2 " printed twice, " val[$2] " and " $3)
    val[$2] = $3
}
END {
    for (i = 1; i <= ne; i++) {
        k = ekey[i]
        if (!(k in val)) { problem(k " missing: the run that measures it failed or did not print it"); continue }
        v = val[k]
        if (!num(v)) problem(k " = \"" v "\" is not a number")
        else if (v + 0 < 0 || (v + 0 == 0 && emin[i] > 0)) problem(k " = " v ": zero or negative, nothing was measured")
        else if (v + 0 < emin[i] || v + 0 > emax[i]) problem(k " = " v " is implausible (outside " emin[i] ".." emax[i] ")")
    }
    printf "%-46s %10s  %-36s %5s  %s\n", "target", "figure", "bound", "issue", "result"
    for (i = 1; i <= nt; i++) {
        k = tkey[i]
        b = bound(tb1[i], tb2[i], tb3[i])
        desc = top[i] " " tb1[i] (tb2[i] == "" ? "" : " " tb2[i] " " tb3[i])
        if (b == "bad") { problem("target " k ": bound \"" desc "\" is not a number or KEY * NUMBER"); continue }
        if (!(k in val) || !num(val[k]) || b == "") {
            result = "not measured"
            shown = "-"
        } else {
            shown = val[k]
            met = meets(val[k] + 0, top[i], b)
            result = met ? "met" : "MISSED"
        }
        if (tmode[i] == "report" && result != "met")
            result = result " (report only: issue " tissue[i] " is open)"
        else if (result != "met")
            problem("target " result " (issue " tissue[i] "): " k " = " shown ", wanted " desc (num(tb1[i]) || b == "" ? "" : " = " b))
        if (result == "met") { if (tmode[i] == "enforce") enforced++; else reported++ }
        if (!num(tb1[i]) && b != "") desc = desc " (= " b ")"
        printf "%-46s %10s  %-36s %5s  %s\n", k, shown, desc, tissue[i], result
    }
    for (i = 1; i <= problems; i++) print plist[i]
    if (problems) { print "bench: FAILED: " problems " problem(s), listed above"; exit 1 }
    print "bench: OK: " ne " figures plausible, " enforced + 0 " enforced targets met (report-only targets above)"
}' "$1"
