# Ring 0: the hypervisor, a multiboot ELF (build/hypervisor/hv.elf).

HV_ELF := $(BUILD)/hypervisor/hv.elf
# The sources, one list per directory. A .c or .S file under hypervisor/ in none of them (or of
# klib's, Makefile) stops the build, so nothing is compiled, or left out, by accident.
HV_ARCH_SRCS := $(addprefix hypervisor/arch/x86/,boot.S entry.S panic_entry.S bounce.c cpu.c \
	desc.c desc_tables.c domain_build.c fast_trap.c fbcon.c gp_insn.c guest_gdt.c guest_ldt.c l1_run.S \
	guest_traps.c io.c irq.c paging.c power.c time.c traps.c uaccess.c uart.c vcpu.c vga.c)
HV_CORE_SRCS := $(addprefix hypervisor/core/,main.c boot_info.c boot_mem.c clock_check.c cmdline.c fault_inject.c console.c \
	console_io.c dom_layout.c domain.c evtchn.c evtchn_op.c frame.c guest_image.c hypercall.c idle.c \
	log_limit.c mmu_update.c multicall.c net.c net_csum.c netif.c netif_op.c page_type.c panic.c sched.c shutdown.c stats.c time.c)
# hypervisor/drivers/ (the NICs) adds its sources here.
HV_DRIVER_SRCS := $(addprefix hypervisor/drivers/,pci.c pci_bar.c virtio_net.c e1000.c)
HV_SRCS := $(HV_ARCH_SRCS) $(HV_CORE_SRCS) $(HV_DRIVER_SRCS)
# Compiled to assembly only, for the structure offsets of the .S files (below).
HV_ASM_OFFSETS_SRC := hypervisor/arch/x86/asm-offsets.c
HV_UNLISTED := $(filter-out $(HV_SRCS) $(KLIB_SRCS) $(HV_ASM_OFFSETS_SRC), \
	$(shell find hypervisor -name '*.c' -o -name '*.S'))
ifneq ($(HV_UNLISTED),)
$(error hypervisor/hypervisor.mk: in no source list: $(HV_UNLISTED))
endif
HV_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(HV_SRCS))) $(BUILD)/hypervisor/gen/font.o

# The framebuffer console's font, converted from Debian's xfonts-base at build time (public
# domain misc-fixed 8x13; never committed). The host tool that checks screens uses it too.
FONT_PCF := /usr/share/fonts/X11/misc/8x13.pcf.gz
FONT_C := $(BUILD)/hypervisor/gen/font.c
PCF2FONT := $(BUILD)/image/pcf2font
$(PCF2FONT): image/pcf2font.c hypervisor/include/hv/font.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -std=gnu11 -O1 -Wall -Wextra -Werror -Ihypervisor/include $< -o $@
$(FONT_C): $(FONT_PCF) $(PCF2FONT)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FONT    $@")
	$(Q)gzip -dc $(FONT_PCF) >$@.pcf && $(PCF2FONT) $@.pcf >$@.tmp && mv $@.tmp $@ && rm -f $@.pcf
$(BUILD)/hypervisor/gen/font.o: $(FONT_C) $(call flags_file,kernel)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(KCFLAGS) $(HV_CPPFLAGS) -MMD -MP -c $< -o $@
# Layering: core/ (and the drivers) see the public and hv/ headers only, and the x86 assembly
# some of those include (arch/x86/include/asm/), so an x86 include there fails to build;
# arch/x86/ also sees its own private headers (x86.h, internal.h, bounce.h, ...).
HV_CPPFLAGS := -Ihypervisor/include -Ihypervisor/arch/x86/include
$(BUILD)/hypervisor/arch/%.o: HV_CPPFLAGS += -Ihypervisor/arch/x86
$(eval $(call KERNEL_RULES,hypervisor,$$(KCFLAGS) $$(HV_CPPFLAGS),$$(KASFLAGS) $$(HV_CPPFLAGS)))
# <asm-offsets.h>: the structure offsets the assembly uses (struct cpu_regs, panic_state,
# shared_info), generated from their C definitions (arch/x86/asm-offsets.c); constants come
# from the headers themselves (<public/xen.h> is assembler-safe). Every .S object waits for it.
HV_ASM_OFFSETS := $(BUILD)/hypervisor/gen/asm-offsets.h
$(eval $(call ASM_OFFSETS_RULE,$$(HV_ASM_OFFSETS),$$(HV_ASM_OFFSETS_SRC),$$(KCFLAGS) -Ihypervisor/include -Ihypervisor/arch/x86/include -Ihypervisor/arch/x86))
$(BUILD)/hypervisor/%.o: KASFLAGS += -I$(BUILD)/hypervisor/gen
$(patsubst %,$(BUILD)/%.o,$(basename $(filter %.S,$(HV_SRCS)))): $(HV_ASM_OFFSETS)

$(HV_ELF): $(HV_OBJS) $(KLIB) hypervisor/arch/x86/hv.lds image/ksyms.sh $(call flags_file,kernel)
	$(call KSYMS_LINK,hypervisor/arch/x86/hv.lds,$(HV_OBJS) $(KLIB),_stext,_etext)

.PHONY: hypervisor
hypervisor: $(HV_ELF)
