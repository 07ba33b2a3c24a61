#!/usr/bin/env bash
# Host checks of the build plumbing, run like the unit-test binaries (installed as
# $BUILD/tests/unit/test_build; run from the repository root). One PASS:/FAIL: line each:
#   plain_make_builds_the_iso     make with no target is make all
#   make_TARGET_runs_deps_first   make, make run, make test and make run-gdb run make deps before
#                                 they build anything (checked with make -n in an empty BUILD)
#   flags_tracked                 DEBUG=1 after a plain build recompiles (with -DDEBUG), once
#   guest_checked                 GUEST= goes through the hypervisor's image checker before strip
#   sources_listed                a source file in no list of its *.mk stops the build, naming it
#   core_sees_no_arch             hypervisor/core/ is compiled without the x86 include path: an
#                                 x86 header included there does not build (arch/x86/ finds it)
#   selftest_0_has_no_tests       make SELFTEST=0 links a guest with an empty self-test table and
#                                 none of the tests' code (probe, vector 0x81, test system calls)
#   guest_asm_constants_generated the guest's assembly defines no constant of <public/xen.h> or
#                                 offset of a C structure by hand: <asm-offsets.h> has them
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

# Explicit source lists: drop files from a list (a command-line override) and make refuses.
s1=0 s2=0
out=$(make -n --no-print-directory BUILD="$scratch/build" GUEST_FS_SRCS=guest/kernel/fs/cpio.c \
    guest 2>&1) || s1=$?
out2=$(make -n --no-print-directory BUILD="$scratch/build" HV_CORE_SRCS= hypervisor 2>&1) || s2=$?
if [ "$s1" = 0 ] || [ "$s2" = 0 ]; then
    fail sources_listed "make went on with files in no list (status $s1, $s2)"
elif ! grep -q "guest/guest.mk: in no source list: .*guest/kernel/fs/tmpfs.c" <<<"$out"; then
    fail sources_listed "a guest file in no list was not refused: $(tail -n 1 <<<"$out")"
elif ! grep -q "hypervisor/hypervisor.mk: in no source list: .*hypervisor/core/main.c" <<<"$out2"; then
    fail sources_listed "a hypervisor file in no list was not refused: $(tail -n 1 <<<"$out2")"
else
    pass sources_listed
fi

# Layering: the command make uses for a core/ object, and for an arch/x86/ one, on a file that
# includes arch/x86's private x86.h.
printf '#include <x86.h>\n#include "x86.h"\nint layering_probe;\n' >"$scratch/layer.c"
core_cmd=$(make -n -B V=1 --no-print-directory BUILD="$scratch/layer" \
    "$scratch/layer/hypervisor/core/sched.o" 2>/dev/null | grep -- ' -c hypervisor/core/sched.c')
arch_cmd=$(make -n -B V=1 --no-print-directory BUILD="$scratch/layer" \
    "$scratch/layer/hypervisor/arch/x86/vcpu.o" 2>/dev/null | grep -- ' -c hypervisor/arch/x86/vcpu.c')
core_cmd=${core_cmd/ -c hypervisor\/core\/sched.c -o */ -c $scratch/layer.c -o $scratch/core.o}
arch_cmd=${arch_cmd/ -c hypervisor\/arch\/x86\/vcpu.c -o */ -c $scratch/layer.c -o $scratch/arch.o}
arch_cmd=${arch_cmd/-MMD -MP/}
core_cmd=${core_cmd/-MMD -MP/}
if [ -z "$core_cmd" ] || [ -z "$arch_cmd" ]; then
    fail core_sees_no_arch "no compile command for core/sched.c or arch/x86/vcpu.c in make -n"
elif bash -c "$core_cmd" >/dev/null 2>&1; then
    fail core_sees_no_arch "a core/ file that includes x86.h compiled: $core_cmd"
elif ! bash -c "$arch_cmd" >"$scratch/arch.err" 2>&1; then
    fail core_sees_no_arch "an arch/x86/ file that includes x86.h did not compile: $(head -n 2 "$scratch/arch.err")"
else
    pass core_sees_no_arch
fi

# The appliance's kernel without self-tests: nothing of them linked in.
elf=$scratch/noself/guest/guest.elf
if ! make --no-print-directory BUILD="$scratch/noself" SELFTEST=0 "$elf" >"$scratch/noself.out" 2>&1; then
    fail selftest_0_has_no_tests "make SELFTEST=0 failed: $(tail -n 3 "$scratch/noself.out")"
else
    syms=$(nm "$elf")
    start=$(awk '$3 == "__selftests_start" { print $1 }' <<<"$syms")
    end=$(awk '$3 == "__selftests_end" { print $1 }' <<<"$syms")
    leaked=$(awk '$3 ~ /^(probe_trap|probe_trap_0x81|trap_0x81|trap_probe|run_user|user_init|test_sys_write|syscall_entry|mmu_tests|selftest_hypercalls)$/ { print $3 }' <<<"$syms" | tr '\n' ' ')
    if [ -z "$start" ] || [ "$start" != "$end" ]; then
        fail selftest_0_has_no_tests "the self-test table is not empty: $start .. $end"
    elif [ -n "$leaked" ]; then
        fail selftest_0_has_no_tests "self-test code in the SELFTEST=0 kernel: $leaked"
    elif ! awk '$3 == "probe_trap" { f = 1 } END { exit !f }' <<<"$(nm "${BUILD:-build}/guest/guest.elf" 2>/dev/null)"; then
        fail selftest_0_has_no_tests "the default guest has no probe_trap (is the check looking at the right names?)"
    else
        pass selftest_0_has_no_tests
    fi
fi

# One source for every constant the assembly uses: the ABI's numbers from <public/xen.h>
# (assembler-safe), structure offsets from the generated <asm-offsets.h> (guest and hypervisor),
# the ABI's PTE bits from <public/arch-x86_32.h> alone. No hand copy anywhere.
copies=$(grep -rnE 'Keep in step|^#define +(FLAT_RING[0-9]_[CD]S|XEN_E[A-Z]+|HYPERCALL_[a-z_]+|SCHEDOP_[a-z_]+|TASK_[A-Z_]+|R_[A-Z]+|REGS_[A-Z]+|FRAME_[A-Z]+|GDT_KERNEL_[A-Z]+|SYSCALL_FRAME_MARK|E[A-Z]+) |- 72\b|\$18\b' \
    --include='*.S' --include='*.inc' guest hypervisor)
pte=$(grep -rnE '^#define +PTE_(P|RW|US|PWT|PCD|A|D|PSE|PAT|G|FRAME_MASK) ' --include='*.[ch]' \
    guest hypervisor tests appliance | grep -v '^hypervisor/include/public/arch-x86_32.h:')
gen=$(ls -1 "${BUILD:-build}/guest/gen/asm-offsets.h" 2>/dev/null)
hvgen=$(ls -1 "${BUILD:-build}/hypervisor/gen/asm-offsets.h" 2>/dev/null)
if [ -n "$copies$pte" ]; then
    fail asm_constants_one_source "hand copies: $(head -n 3 <<<"$copies$pte" | tr '\n' ' ')"
elif [ -z "$gen" ] || ! grep -q '^#define TASK_WORK [0-9]' "$gen"; then
    fail asm_constants_one_source "no generated asm-offsets.h with TASK_WORK in ${BUILD:-build}/guest/gen"
elif [ -z "$hvgen" ] || ! grep -q '^#define REGS_SIZE [0-9]' "$hvgen"; then
    fail asm_constants_one_source "no generated asm-offsets.h with REGS_SIZE in ${BUILD:-build}/hypervisor/gen"
else
    pass asm_constants_one_source
fi

# The hypervisor's printk tags each line with "(hv) " itself: a format string that carries the
# tag too would print it twice.
tagged=$(grep -rnF '"(hv) ' --include='*.c' hypervisor | grep -v 'hypervisor/core/console.c:')
if [ -n "$tagged" ]; then
    fail hv_printk_tags_lines "format strings with their own (hv) tag: $(head -n 3 <<<"$tagged" | tr '\n' ' ')"
else
    pass hv_printk_tags_lines
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
