#!/usr/bin/env bash
# Host checks of the build plumbing, run like the unit-test binaries (installed as
# $BUILD/tests/unit/test_build; run from the repository root). One PASS:/FAIL: line each:
#   plain_make_builds_the_iso     make with no target is make all
#   make_TARGET_runs_deps_first   make, make run, make test and make run-gdb run make deps before
#                                 they build anything (checked with make -n in an empty BUILD)
#   flags_tracked                 DEBUG=1 after a plain build recompiles (with -DDEBUG), once
#   guest_checked                 GUEST= goes through the hypervisor's image checker before strip
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

# Plain `make` is `make all` (deps, then the ISO): a rule defined above `all:` in the Makefile
# once made itself the default goal.
out=$(make -n --no-print-directory BUILD="$scratch/build" 2>&1)
if grep -qF 'image/deps.sh' <<<"$out" && grep -qF 'grub-mkrescue' <<<"$out"; then
    pass "plain_make_builds_the_iso"
else
    fail "plain_make_builds_the_iso" "make -n builds no ISO: $(head -n 1 <<<"$out")"
fi

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

# Flags are inputs: DEBUG=1 after a plain build recompiles, with the flag; then nothing is due.
# (klib.a: the smallest kernel target.)
klib=$scratch/flags/klib.a
if ! make --no-print-directory BUILD="$scratch/flags" "$klib" >"$scratch/flags0.out" 2>&1; then
    fail flags_tracked "the plain build of klib.a failed: $(tail -n 3 "$scratch/flags0.out")"
else
    make --no-print-directory BUILD="$scratch/flags" DEBUG=1 V=1 "$klib" >"$scratch/flags1.out" 2>&1
    make --no-print-directory BUILD="$scratch/flags" DEBUG=1 V=1 "$klib" >"$scratch/flags2.out" 2>&1
    if ! grep -q -- '-DDEBUG' "$scratch/flags1.out"; then
        fail flags_tracked "make DEBUG=1 after a plain build compiled nothing with -DDEBUG"
    elif grep -q -- ' -c ' "$scratch/flags2.out"; then
        fail flags_tracked "a second make DEBUG=1 compiled again"
    else
        pass flags_tracked
    fi
fi

# GUEST=: the ISO rule runs guestcheck (the hypervisor's checker) before anything else.
gc=$scratch/gc/image/guestcheck
if ! make --no-print-directory BUILD="$scratch/gc" "$gc" >"$scratch/gc.out" 2>&1; then
    fail guest_checked "building guestcheck failed: $(tail -n 3 "$scratch/gc.out")"
else
    printf 'not an ELF\n' >"$scratch/notelf"
    gstatus=0
    "$gc" "$scratch/notelf" >/dev/null 2>"$scratch/gc.err" || gstatus=$?
    order=$(make -n --no-print-directory BUILD="$scratch/gc" GUEST="$scratch/notelf" iso 2>&1 |
        grep -o -e 'guestcheck [^ ]*notelf' -e 'strip --strip-debug' | head -n 1)
    if [ "$gstatus" != 1 ] || ! grep -q "is not a Xen 2.0 x86_32 guest image: " "$scratch/gc.err"; then
        fail guest_checked "guestcheck on a text file: status $gstatus, $(cat "$scratch/gc.err")"
    elif [[ $order != guestcheck* ]]; then
        fail guest_checked "make iso GUEST=... does not run guestcheck before strip"
    elif [ -f "${BUILD:-build}/guest/guest.elf" ] && ! "$gc" "${BUILD:-build}/guest/guest.elf" >/dev/null; then
        fail guest_checked "guestcheck refuses the real guest kernel"
    else
        pass guest_checked
    fi
fi

# Command (or file) : the package of image/deps.sh that brings it. The package that really owns
# the file (dpkg -S) must be that package or one of its direct dependencies.
NEEDS=(
    make:make gcc:gcc ld:binutils strip:binutils ar:binutils addr2line:binutils nm:binutils
    i686-linux-gnu-gcc:gcc-i686-linux-gnu i386-linux-musl-gcc:musl-dev:i386
    qemu-system-x86_64:qemu-system-x86 qemu-system-i386:qemu-system-x86
    /usr/share/ovmf/OVMF.fd:ovmf /usr/lib/grub/i386-pc:grub-pc-bin
    /usr/lib/grub/x86_64-efi:grub-efi-amd64-bin grub-mkrescue:grub-common xorriso:xorriso
    mformat:mtools cpio:cpio awk:mawk pgrep:procps gdb:gdb ss:iproute2
    clang-format:clang-format cppcheck:cppcheck /usr/share/fonts/X11/misc/8x13.pcf.gz:xfonts-base
    bochs:bochs /usr/share/bochs/BIOS-bochs-latest:bochsbios /usr/share/vgabios/vgabios.bin:vgabios
    /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so.0.0.0:bochs-term
    dpkg-source:dpkg-dev /usr/share/javascript/dygraphs/dygraph.min.js:libjs-dygraphs curl:curl
    jq:jq wrk:wrk chromium:chromium chromedriver:chromium-driver qemu-img:qemu-utils
    xmllint:libxml2-utils libvirtd:libvirt-daemon-system virsh:libvirt-clients gnuplot:gnuplot-nox
)
# Commands from Essential packages (Debian installs those everywhere).
ESSENTIAL=(bash sed grep mktemp timeout tail head seq date sort find cmp getconf mkfifo sleep
    cat cut tr wc tee touch mkdir rm cp mv ln install dirname basename readlink id env flock tar
    paste diff xargs realpath gzip od base64 chmod setpriv sha256sum stat)

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
