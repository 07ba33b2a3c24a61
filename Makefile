# Top-level build: hypervisor (ring 0), guest kernel (ring 1), appliance (ring 3), ISO, tests.
# Per-directory fragments (*/*.mk) add their sources and rules; everything lands in $(BUILD).
#   make            install missing packages (make deps), then build build/appliance.iso
#   make run        boot the ISO in QEMU (serial console on this terminal)
#   make run-gdb    the same, stopped, waiting for gdb on :1234
#   make test       host unit tests + QEMU scenarios; last line "N passed, N failed"
#   make bench      benchmarks (BENCH lines)
#   make deps       install missing Debian packages (idempotent)
#   make check      clang-format and cppcheck
# Variables: V=1 shows commands, DEBUG=1 enables asserts, ACCEL=tcg, GUEST=, GUEST_ARGS=, HV_ARGS=.

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
KASFLAGS := -m32 -g -D__ASSEMBLY__
ifeq ($(DEBUG),1)
KCFLAGS += -DDEBUG
endif
KLDFLAGS := -m elf_i386 -nostdlib -z max-page-size=0x1000 -z noexecstack --build-id=none

HOSTCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined

.PHONY: all deps run run-gdb test unit-test scenario-test bench check clean
# deps first, then the ISO: a recursive make keeps apt-get out of a parallel build.
all: deps
	$(Q)$(MAKE) --no-print-directory iso

deps:
	$(Q)bash image/deps.sh

# Shared freestanding helpers (strings, formatted printing), linked into ring 0 and ring 1.
KLIB_SRCS := hypervisor/lib/string.c hypervisor/lib/scan.c hypervisor/lib/vsnprintf.c hypervisor/lib/x86_names.c \
	hypervisor/lib/errno_names.c
KLIB := $(BUILD)/klib.a
KLIB_OBJS := $(KLIB_SRCS:%.c=$(BUILD)/klib/%.o)
$(BUILD)/klib/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(KCFLAGS) -Ihypervisor/include -MMD -MP -c $< -o $@
$(KLIB): $(KLIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

include hypervisor/hypervisor.mk
include guest/guest.mk
include appliance/appliance.mk
include image/image.mk
include tests/tests.mk

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
