# Top-level build: hypervisor (ring 0), guest kernel (ring 1), appliance (ring 3), ISO, tests.
# Per-directory fragments (*/*.mk) add their sources and rules; everything lands in $(BUILD).
# `make help` lists the targets and variables (docs/options.md has every option).

.DEFAULT_GOAL := all

BUILD ?= build
V ?= 0
DEBUG ?= 0
ACCEL ?= tcg

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Ring 0 and ring 1 are freestanding 32-bit code; the host compiler's -m32 is enough for that.
KCC ?= gcc
KLD ?= ld
HOSTCC ?= gcc
GCC_INCLUDE := $(shell $(KCC) -print-file-name=include)

KCFLAGS := -std=gnu11 -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -mgeneral-regs-only \
	-fno-strict-aliasing -O2 -g -Wall -Wextra -Werror -nostdinc -isystem $(GCC_INCLUDE)
# No alignment padding: a jump target or loop head that a path falls through into runs its
# nops, and every executed instruction counts (3 per entry in mm_update_run's loop; see
# docs/performance.md). Function entries stay aligned.
KCFLAGS += -falign-jumps=1 -falign-labels=1 -falign-loops=1
KASFLAGS := -m32 -g -D__ASSEMBLY__
ifeq ($(DEBUG),1)
KCFLAGS += -DDEBUG
endif
KLDFLAGS := -m elf_i386 -nostdlib -z max-page-size=0x1000 -z noexecstack --build-id=none

HOSTCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined

# Flags are inputs too: each set is written to a file under $(BUILD)/flags/, rewritten only when
# it changes, and every object built with it depends on that file. So `make DEBUG=1` after a
# plain build recompiles what the flag changes (and switching back does it again).
flags_file = $(BUILD)/flags/$(1)
define FLAGS_RULE
$(BUILD)/flags/$(1): FORCE
	@mkdir -p $$(@D)
	@echo '$(2)' | cmp -s - $$@ || echo '$(2)' > $$@
endef
$(eval $(call FLAGS_RULE,kernel,$(KCC) $(KCFLAGS) | $(KASFLAGS) | $(KLD) $(KLDFLAGS)))
$(eval $(call FLAGS_RULE,host,$(HOSTCC) $(HOSTCFLAGS)))

.PHONY: all deps run run-gdb test unit-test scenario-test mutation-test bench images check clean help
# deps first, then the ISO: a recursive make keeps apt-get out of a parallel build.
all: deps
	$(Q)$(MAKE) --no-print-directory iso

deps:
	$(Q)bash image/deps.sh

help:
	@echo 'Targets:'
	@echo '  make              install missing packages (make deps), build $(BUILD)/appliance.iso'
	@echo '  make run          boot the ISO in QEMU, serial console here (Ctrl-A X quits)'
	@echo '  make run-gdb      the same, stopped at once, gdb stub on 127.0.0.1:$$GDB_PORT (1234)'
	@echo '  make run-kernel   boot without the ISO, through QEMU'"'"'s own multiboot loader'
	@echo '  make test         unit tests, QEMU scenarios, ring-3 tests; last line "N passed, N failed"'
	@echo '  make scenario-test SCENARIO=glob   some QEMU scenarios (tests/scenarios/*.scn)'
	@echo '  make ring3-test RING3=glob         some ring-3 test programs (appliance/tests/*.c)'
	@echo '  make net-test     the network end to end on virtio-net, e1000 and e1000e (tests/net/)'
	@echo '  make fault-test   the appliance serving with faults= at FAULT_RATE [1%] (tests/net/faults.sh)'
	@echo '  make soak         SOAK_SECONDS [120] of mixed load, memory and frames back (tests/net/soak.sh)'
	@echo '  make bench        benchmarks (BENCH lines) against a Linux VM; build/bench/report.md'
	@echo '  make images       build/images/: qcow2, OVA (VMware, VirtualBox), libvirt definition'
	@echo '  make check        clang-format and cppcheck over the C sources'
	@echo '  make mutation-test  every mutant of tests/mutation/mutants.txt must be caught by a test'
	@echo '  make fuzz-test    the fuzzers (FUZZ_CALLS=n [500000], FUZZ_SEED=n [1 and fresh]; SYSFUZZ_CALLS, SYSFUZZ_SEED)'
	@echo '  make deps         install the Debian packages the build and tests need'
	@echo '  make clean        remove $(BUILD)/'
	@echo 'Variables (defaults in brackets):'
	@echo '  HV_ARGS=...       hypervisor options [console=com1,vga], e.g. mem=256M oncrash=halt'
	@echo '  GUEST_ARGS=...    guest options [], e.g. fasttrap=off, init=/tests/t_fork'
	@echo '  GUEST=file        another Xen 2.0 x86_32 guest kernel [$(BUILD)/guest/guest.elf]'
	@echo '  EXTRA_ROOTFS=dir  files copied over appliance/rootfs/ in the initramfs []'
	@echo '  FIRMWARE=bios|uefi  [bios]      QEMU_ARGS=...  more QEMU options, e.g. -m 2G'
	@echo '  HTTP_PORT=n       host port on 127.0.0.1 forwarded to the guest'"'"'s port 80 [8080]'
	@echo '  GDB_PORT=n        [1234]        ACCEL=tcg|kvm  [tcg]'
	@echo '  DEBUG=1           compile in ASSERTs (rebuilds what it changes)   V=1  show commands'
	@echo '  SELFTEST=0        the guest kernel without its self-tests and benchmarks [1]'
	@echo 'docs/options.md lists every hypervisor, guest and make option with its default.'

# The compile rules of a ring-0 or ring-1 fragment: objects under $(BUILD)/DIR from DIR's .c and
# .S files. $(eval $(call KERNEL_RULES,DIR,C flags,assembler flags)); pass the flags as $$(VAR)
# so that target-specific additions (VAR += ... for a subdirectory) still apply.
define KERNEL_RULES
$$(BUILD)/$(1)/%.o: $(1)/%.c $$(call flags_file,kernel)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$<")
	$$(Q)$$(KCC) $(2) -MMD -MP -c $$< -o $$@

$$(BUILD)/$(1)/%.o: $(1)/%.S $$(call flags_file,kernel)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  AS      $$<")
	$$(Q)$$(KCC) $(3) -MMD -MP -c $$< -o $$@
endef

# <asm-offsets.h> of a kernel: the constants and structure offsets its assembly uses, from their
# C definitions. The source (an asm-offsets.c of DEFINE(NAME, value) lines, integer values) is
# compiled to assembly only; each "->NAME value" line of that becomes "#define NAME value".
# $(call ASM_OFFSETS_RULE,header to generate,asm-offsets.c,C flags)
define ASM_OFFSETS_RULE
$(1): $(2) $$(call flags_file,kernel)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  GEN     $$@")
	$$(Q)$$(KCC) $(3) -MMD -MP -MT $$@ -MF $$@.d -S $$< -o $$@.s
	$$(Q){ echo '/* Generated from $(2) by the Makefile (ASM_OFFSETS_RULE). */'; \
		sed -n 's/.*->\([A-Za-z_0-9]*\) \(-\{0,1\}[0-9][0-9]*\).*/#define \1 \2/p' $$@.s; } >$$@.tmp
	$$(Q)mv $$@.tmp $$@
endef

# Shared freestanding helpers (strings, formatted printing), linked into ring 0 and ring 1.
KLIB_SRCS := hypervisor/lib/string.c hypervisor/lib/scan.c hypervisor/lib/vsnprintf.c hypervisor/lib/x86_names.c \
	hypervisor/lib/errno_names.c hypervisor/lib/ksyms.c
KLIB := $(BUILD)/klib.a
KLIB_OBJS := $(KLIB_SRCS:%.c=$(BUILD)/klib/%.o)
$(BUILD)/klib/%.o: %.c $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(KCFLAGS) -Ihypervisor/include -MMD -MP -c $< -o $@
$(KLIB): $(KLIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

# Link an image twice to embed its symbol table (lib/ksyms.h, image/ksyms.sh): first with an
# empty table, then with the table of that first link, and check that no function moved.
# $(call KSYMS_LINK,linker script,objects,first symbol,end symbol)
define KSYMS_LINK
	@$(if $(Q),echo "  LD      $@")
	$(Q)bash image/ksyms.sh --empty >$@.ksyms0.S
	$(Q)$(KCC) $(KASFLAGS) -c $@.ksyms0.S -o $@.ksyms0.o
	$(Q)$(KLD) $(KLDFLAGS) -T $(1) -o $@.pass1 $(2) $@.ksyms0.o
	$(Q)bash image/ksyms.sh $@.pass1 $(3) $(4) >$@.ksyms.S
	$(Q)$(KCC) $(KASFLAGS) -c $@.ksyms.S -o $@.ksyms.o
	$(Q)$(KLD) $(KLDFLAGS) -T $(1) -o $@.tmp $(2) $@.ksyms.o
	$(Q)bash image/ksyms.sh --same $@.pass1 $@.tmp $(3) $(4)
	$(Q)mv $@.tmp $@
endef

include hypervisor/hypervisor.mk
include guest/guest.mk
include appliance/appliance.mk
include image/image.mk
include tests/tests.mk

clean:
	rm -rf $(BUILD)

# (Debian packages unpacked under $(BUILD)/debian/ have directories named *.d: not ours.)
-include $(shell find $(BUILD) -path $(BUILD)/debian -prune -o -type f -name '*.d' -print 2>/dev/null)
