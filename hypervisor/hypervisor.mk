# Ring 0: the hypervisor, a multiboot ELF (build/hypervisor/hv.elf).

HV_ELF := $(BUILD)/hypervisor/hv.elf
HV_SRCS := $(wildcard hypervisor/arch/x86/*.c hypervisor/arch/x86/*.S hypervisor/core/*.c hypervisor/drivers/*.c)
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
HV_CPPFLAGS := -Ihypervisor/include -Ihypervisor/arch/x86

$(BUILD)/hypervisor/%.o: hypervisor/%.c $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(KCFLAGS) $(HV_CPPFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hypervisor/%.o: hypervisor/%.S $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(KCC) $(KASFLAGS) $(HV_CPPFLAGS) -MMD -MP -c $< -o $@

$(HV_ELF): $(HV_OBJS) $(KLIB) hypervisor/arch/x86/hv.lds image/ksyms.sh $(call flags_file,kernel)
	$(call KSYMS_LINK,hypervisor/arch/x86/hv.lds,$(HV_OBJS) $(KLIB),_stext,_etext)

.PHONY: hypervisor
hypervisor: $(HV_ELF)
