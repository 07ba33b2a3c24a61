# Guest kernel (ring 1): the .c and .S files under guest/ (guest/selftest/ only with SELFTEST=1),
# linked at 0xC0000000 with klib.
#
# SELFTEST=1 (the default) links in every self-test and benchmark (guest/selftest/, registered
# in the table of guest/selftest_table.h); the scenarios and make bench use that one image.
# SELFTEST=0 builds the appliance's kernel without them: test= and bench= are unknown options.
SELFTEST ?= 1
GUEST_ELF := $(BUILD)/guest/guest.elf
GUEST_LDS := guest/arch/x86/guest.lds
GUEST_SRCS := $(sort $(shell find guest -path guest/selftest -prune -o \( -name '*.c' -o -name '*.S' \) -print))
SELFTEST_SRCS := $(sort $(shell find guest/selftest -name '*.c' -o -name '*.S'))
ifeq ($(SELFTEST),1)
GUEST_SRCS += $(SELFTEST_SRCS)
endif
GUEST_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(GUEST_SRCS)))
GUEST_CFLAGS := $(KCFLAGS) -Iguest/include -Ihypervisor/include
GUEST_ASFLAGS := $(KASFLAGS) -Iguest/include -Ihypervisor/include
# Only the self-tests see their own headers (<selftest/...>).
$(BUILD)/guest/selftest/%.o: GUEST_CFLAGS += -Iguest/selftest/include
$(BUILD)/guest/selftest/%.o: GUEST_ASFLAGS += -Iguest/selftest/include
$(eval $(call FLAGS_RULE,guest-link,SELFTEST=$(SELFTEST)))

$(BUILD)/guest/%.o: guest/%.c $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: guest/%.S $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(KCC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) $(KLIB) $(GUEST_LDS) image/ksyms.sh $(call flags_file,kernel) \
		$(call flags_file,guest-link)
	@mkdir -p $(@D)
	$(call KSYMS_LINK,$(GUEST_LDS),$(GUEST_OBJS) $(KLIB),_text,_etext)

.PHONY: guest
guest: $(GUEST_ELF)
