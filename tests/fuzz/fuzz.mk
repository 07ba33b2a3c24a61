# The hypercall fuzzer's guest image (tests/fuzz/): its own C files (frames.c: its frame list and
# scratch mappings on the bootstrap mappings, which its model needs), linked with the real
# guest's start of day (head.S) and console -- the same objects guest.elf is built from, so
# nothing is copied -- with the guest's linker script and klib.
FUZZ_HC_ELF := $(BUILD)/tests/fuzz/hcfuzz.elf
FUZZ_HC_SRCS := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_HC_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(FUZZ_HC_SRCS))
FUZZ_HC_SHARED := $(addprefix $(BUILD)/guest/,arch/x86/head.o pv/console.o)

$(BUILD)/tests/fuzz/%.o: tests/fuzz/%.c $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(GUEST_CFLAGS) -Itests/fuzz -MMD -MP -c $< -o $@

$(FUZZ_HC_ELF): $(FUZZ_HC_OBJS) $(FUZZ_HC_SHARED) $(KLIB) $(GUEST_LDS) image/ksyms.sh $(call flags_file,kernel)
	@mkdir -p $(@D)
	$(call KSYMS_LINK,$(GUEST_LDS),$(FUZZ_HC_SHARED) $(FUZZ_HC_OBJS) $(KLIB),_text,_etext)

TEST_TOOLS += $(FUZZ_HC_ELF)
