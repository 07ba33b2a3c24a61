# Guest kernel (ring 1): every .c and .S under guest/, linked at 0xC0000000 with klib.
GUEST_ELF := $(BUILD)/guest/guest.elf
GUEST_LDS := guest/arch/x86/guest.lds
GUEST_SRCS := $(sort $(shell find guest -name '*.c' -o -name '*.S'))
GUEST_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(GUEST_SRCS)))
GUEST_CFLAGS := $(KCFLAGS) -Iguest/include -Ihypervisor/include
GUEST_ASFLAGS := $(KASFLAGS) -Iguest/include -Ihypervisor/include

$(BUILD)/guest/%.o: guest/%.c $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: guest/%.S $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(KCC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) $(KLIB) $(GUEST_LDS) image/ksyms.sh $(call flags_file,kernel)
	@mkdir -p $(@D)
	$(call KSYMS_LINK,$(GUEST_LDS),$(GUEST_OBJS) $(KLIB),_text,_etext)

.PHONY: guest
guest: $(GUEST_ELF)
