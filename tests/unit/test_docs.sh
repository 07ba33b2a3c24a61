#!/usr/bin/env bash
# Host checks of the documentation, run like the unit-test binaries (installed as
# $BUILD/tests/unit/test_docs; run from the repository root). One PASS:/FAIL: line each:
#   links_resolve       every relative link in README.md and docs/*.md names a file of the clone
#   abi_sections_exist  every "ABI §N" cited anywhere has its section "## N." in docs/abi.md
#   no_outside_refs     nothing points outside the repository (../shared, spec/*.md)
set -uo pipefail
status=0
pass() { echo "PASS: unit test_docs/$1"; }
fail() { echo "FAIL: unit test_docs/$1: $2"; status=1; }

missing=()
for md in README.md docs/*.md; do
    dir=$(dirname "$md")
    while IFS= read -r target; do
        target=${target%%#*}
        [ -n "$target" ] || continue
        [ -e "$dir/$target" ] || missing+=("$md -> $target")
    done < <(sed 's/`[^`]*`//g' "$md" | grep -o '\](\([^)]*\))' | sed 's/^](//;s/)$//' |
        grep -v '^[a-z]*://')
done
if [ ${#missing[@]} -eq 0 ]; then pass links_resolve; else fail links_resolve "${missing[*]}"; fi

cited=$(grep -rhoE 'ABI §[0-9]+' --include='*.[chS]' --include='*.md' --include='*.lds' \
    hypervisor guest appliance tests docs README.md | sed 's/ABI §//' | sort -un)
absent=()
for n in $cited; do
    grep -qs "^## $n\. " docs/abi.md || absent+=("§$n")
done
if [ -z "$cited" ]; then
    fail abi_sections_exist "no ABI § citation found (is this the repository root?)"
elif [ ${#absent[@]} -eq 0 ]; then
    pass abi_sections_exist
else
    fail abi_sections_exist "docs/abi.md has no section ${absent[*]}"
fi

outside=$(grep -rnE '\.\./shared|spec/(ABI|DESIGN)\.md' --include='*.[chS]' --include='*.md' \
    --include='*.sh' --include='*.mk' hypervisor guest appliance image tests docs README.md Makefile \
    2>/dev/null | grep -v '^tests/unit/test_docs.sh:' || true)
if [ -z "$outside" ]; then pass no_outside_refs; else fail no_outside_refs "$(head -n 3 <<<"$outside" | tr '\n' ' ')"; fi
exit "$status"
