#!/usr/bin/env bash
# Host checks of the build plumbing, run like the unit-test binaries (installed as
# $BUILD/tests/unit/test_build; run from the repository root). One PASS:/FAIL: line each:
#   make_TARGET_runs_deps_first   make, make run, make test and make run-gdb run make deps before
#                                 they build anything (checked with make -n in an empty BUILD)
#   deps_cover_commands           every command the build and the tests run comes from a package
#                                 image/deps.sh installs (or a dependency of one), or is Essential
set -uo pipefail
unset MAKEFLAGS MFLAGS MAKELEVEL GUEST GUEST_ARGS HV_ARGS

if [ ! -f Makefile ] || [ ! -f image/deps.sh ]; then
    echo "FAIL: unit test_build: not run from the repository root"
    exit 1
fi
status=0
pass() { echo "PASS: unit test_build/$1"; }
fail() { echo "FAIL: unit test_build/$1: $2"; status=1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/test_build.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# In an empty BUILD every step is due, so make -n lists them all, recursive makes included.
# WANT is a command that must come after deps (the step the target exists for).
for t in "all:grub-mkrescue" "run:image/qemu.sh" "test:tests/run-tests.sh" "run-gdb:--gdb"; do
    target=${t%%:*} want=${t#*:}
    out=$(make -n --no-print-directory BUILD="$scratch/build" "$target" 2>&1)
    deps_at=$(grep -n -m1 -F 'image/deps.sh' <<<"$out" | cut -d: -f1)
    want_at=$(grep -n -m1 -F -- "$want" <<<"$out" | cut -d: -f1)
    first=$(grep -v -e '^make' -e '^#' <<<"$out" | head -n 1)
    if [ -z "$deps_at" ]; then
        fail "make_${target}_runs_deps_first" "make -n $target never runs image/deps.sh"
    elif [ -z "$want_at" ]; then
        fail "make_${target}_runs_deps_first" "make -n $target never runs $want"
    elif [[ $first != *image/deps.sh* ]] || [ "$deps_at" -gt "$want_at" ]; then
        fail "make_${target}_runs_deps_first" "first step is '$first', not image/deps.sh"
    else
        pass "make_${target}_runs_deps_first"
    fi
done

# Command (or file) : the package of image/deps.sh that brings it. The package that really owns
# the file (dpkg -S) must be that package or one of its direct dependencies.
NEEDS=(
    make:make gcc:gcc ld:binutils strip:binutils ar:binutils addr2line:binutils
    i686-linux-gnu-gcc:gcc-i686-linux-gnu i386-linux-musl-gcc:musl-dev:i386
    qemu-system-x86_64:qemu-system-x86 qemu-system-i386:qemu-system-x86
    /usr/share/ovmf/OVMF.fd:ovmf /usr/lib/grub/i386-pc:grub-pc-bin
    /usr/lib/grub/x86_64-efi:grub-efi-amd64-bin grub-mkrescue:grub-common xorriso:xorriso
    mformat:mtools cpio:cpio awk:mawk pgrep:procps gdb:gdb bochs:bochs
    /usr/share/bochs/BIOS-bochs-latest:bochsbios /usr/share/vgabios/vgabios.bin:vgabios
    /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so.0.0.0:bochs-term
)
# Commands from Essential packages (Debian installs those everywhere).
ESSENTIAL=(bash sed grep mktemp timeout tail head seq date sort find cmp getconf mkfifo sleep
    cat cut tr wc tee touch mkdir rm cp mv ln install dirname basename readlink id env realpath
)

# The package owning a command or file, following symlinks and /usr merges.
owner_of()
{
    local p=$1 c
    [[ $p == /* ]] || p=$(type -P "$p") || return 1
    for c in "$p" "$(readlink -f "$p")" "${p#/usr}" "/usr$p"; do
        dpkg -S "$c" 2>/dev/null | head -n 1 | sed 's/: .*//;s/, .*//' | grep . && return 0
    done
    return 1
}

if ! command -v dpkg-query >/dev/null; then
    pass "deps_cover_commands (not a Debian system: nothing to check)"
    exit "$status"
fi
listed=$(sed -n '/^PACKAGES=(/,/^)/p' image/deps.sh | sed '1d;$d;s/#.*//' | tr -s ' \t' '\n' | grep .)
problems=()
for n in "${NEEDS[@]}"; do
    what=${n%%:*} pkg=${n#*:}
    grep -qxF -- "$pkg" <<<"$listed" || { problems+=("$pkg (for $what) is not in image/deps.sh"); continue; }
    own=$(owner_of "$what") || { problems+=("$what is missing"); continue; }
    if [ "${own%:*}" != "${pkg%:*}" ] &&
        ! dpkg-query -W -f='${Depends},${Pre-Depends}\n' "$pkg" 2>/dev/null |
        tr ',|' '\n\n' | sed 's/^ *//;s/[ :].*//' | grep -qxF -- "${own%:*}"; then
        problems+=("$what comes from $own, which $pkg does not bring")
    fi
done
for c in "${ESSENTIAL[@]}"; do
    own=$(owner_of "$c") || { problems+=("$c is missing"); continue; }
    [ "$(dpkg-query -W -f='${Essential}' "$own" 2>/dev/null)" = yes ] ||
        problems+=("$c comes from $own, which is not Essential: add it to image/deps.sh")
done
if [ ${#problems[@]} -eq 0 ]; then
    pass "deps_cover_commands"
else
    fail "deps_cover_commands" "$(printf '%s; ' "${problems[@]}")"
fi
exit "$status"
