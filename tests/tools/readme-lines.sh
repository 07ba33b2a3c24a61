#!/usr/bin/env bash
# Usage: readme-lines.sh README.md LOG
# The README's sample output (its one ```text block) must still be what a boot prints: every
# line of the block except "..." must appear in LOG, in the same order, with any number (decimal,
# or hex after 0x) standing for any number, since counts and addresses move with every change.
# Prints how many lines matched; exit 1 naming the first line that did not.
set -euo pipefail
readme=$1 log=$2
mapfile -t want < <(awk '/^```text$/ { on = 1; next } on && /^```/ { exit } on' "$readme")
[ ${#want[@]} -gt 0 ] || { echo "readme-lines: no \`\`\`text block in $readme"; exit 1; }
mapfile -t have < <(tr -d '\r' <"$log")
n=0 at=0
for line in "${want[@]}"; do
    [ "$line" != "..." ] || continue
    # Escape regex characters, then let every number match any number.
    re=$(printf '%s' "$line" | sed -e 's/[][\.*^$/+?(){}|]/\\&/g' \
        -e 's/0x[0-9a-f][0-9a-f]*/HEXNUM/g' -e 's/[0-9][0-9]*/DECNUM/g' \
        -e 's/HEXNUM/0x[0-9a-f]+/g' -e 's/DECNUM/[0-9]+/g')
    found=0
    while [ "$at" -lt ${#have[@]} ]; do
        at=$((at + 1))
        if [[ ${have[$((at - 1))]} =~ ^$re$ ]]; then found=1; break; fi
    done
    [ "$found" = 1 ] || { echo "README line not in the boot's output (in order): $line"; exit 1; }
    n=$((n + 1))
done
echo "all $n README sample lines appear, in order"
