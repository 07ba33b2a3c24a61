# Ring 0: the hypervisor, a multiboot ELF (build/hypervisor/hv.elf).

HV_ELF := $(BUILD)/hypervisor/hv.elf
HV_SRCS := $(wildcard hypervisor/arch/x86/*.c hypervisor/arch/x86/*.S hypervisor/core/*.c)
HV_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(HV_SRCS)))
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
