# Host unit tests: each compiles the real hypervisor source it tests with $(HOSTCC) and the
# sanitizers, plus mkbadimage, the tool that breaks guest images for the bad-image scenarios.

UNIT_CFLAGS := $(HOSTCFLAGS) -Ihypervisor/include -Ihypervisor/arch/x86/include -Ihypervisor/arch/x86 -Itests/unit -Itests/tools
UNIT_HEADERS := tests/unit/harness.h tests/unit/elf_builder.h tests/tools/badimage.h \
	hypervisor/include/public/xen.h hypervisor/include/hv/guest_image.h \
	hypervisor/include/hv/dom_layout.h hypervisor/include/hv/cmdline.h hypervisor/arch/x86/desc.h

# name -> the sources linked with tests/unit/<name>.c
UNIT_SRCS_test_guest_image := hypervisor/core/guest_image.c
UNIT_SRCS_test_badimage := hypervisor/core/guest_image.c tests/tools/badimage.c
UNIT_SRCS_test_xen_guest_info := hypervisor/core/guest_image.c
UNIT_SRCS_test_dom_layout := hypervisor/core/dom_layout.c
UNIT_SRCS_test_cmdline := hypervisor/core/cmdline.c hypervisor/core/fault_inject.c
UNIT_SRCS_test_gfault := guest/kernel/gfault.c guest/include/kernel/gfault.h
UNIT_CFLAGS_test_gfault := -Iguest/include
UNIT_SRCS_test_ksyms := hypervisor/lib/ksyms.c hypervisor/include/lib/ksyms.h
UNIT_SRCS_test_shutdown := hypervisor/core/shutdown.c hypervisor/include/hv/shutdown.h
UNIT_SRCS_test_idle := hypervisor/include/hv/idle.h
UNIT_SRCS_test_idle_loop := hypervisor/core/idle.c hypervisor/core/net.c hypervisor/include/hv/idle.h \
	hypervisor/include/hv/net.h hypervisor/include/hv/arch.h
UNIT_SRCS_test_boot_mem := hypervisor/core/boot_mem.c hypervisor/include/hv/boot_info.h
UNIT_SRCS_test_desc := hypervisor/arch/x86/desc.c
UNIT_SRCS_test_gp_insn := hypervisor/arch/x86/gp_insn.c hypervisor/arch/x86/gp_insn.h
UNIT_SRCS_test_pci_bar := hypervisor/drivers/pci_bar.c hypervisor/include/hv/pci.h
UNIT_SRCS_test_netif := hypervisor/core/netif.c hypervisor/core/net_csum.c hypervisor/core/evtchn.c hypervisor/core/log_limit.c \
	hypervisor/core/fault_inject.c \
	hypervisor/core/page_type.c hypervisor/lib/scan.c tests/unit/fake_machine.c tests/unit/fake_machine.h \
	hypervisor/include/hv/netif.h hypervisor/include/hv/net.h hypervisor/include/hv/net_csum.h \
	hypervisor/include/public/netif.h
UNIT_CFLAGS_test_netif := -DDEBUG -DPOSTED_BUCKETS=4
UNIT_SRCS_test_net_csum := hypervisor/core/net_csum.c hypervisor/include/hv/net_csum.h
# (headers listed here are dependencies only: the rule compiles the .c files)
UNIT_SRCS_test_page_type := hypervisor/core/page_type.c hypervisor/lib/scan.c tests/unit/fake_machine.c \
	tests/unit/fake_machine.h hypervisor/include/hv/page_type.h hypervisor/include/hv/frame.h \
	hypervisor/include/hv/l1e_fast.h
UNIT_CFLAGS_test_page_type := -DDEBUG
UNIT_SRCS_test_netcsum := guest/net/netcsum.c guest/net/netcsum.h
UNIT_CFLAGS_test_netcsum := -Iguest/net
UNIT_SRCS_test_ackmerge := guest/net/ackmerge.c guest/net/ackmerge.h
UNIT_CFLAGS_test_ackmerge := -Iguest/net

# The guest's file system (guest/kernel/fs/) over a host harness: fs_host.c stands in for kmem,
# uaccess, wait queues, the console and the current process; fs_host/ shadows the two guest
# headers that would issue hypercalls.
FS_SRCS := $(sort $(wildcard guest/kernel/fs/*.c)) guest/kernel/initramfs.c
FS_SRCS := $(filter-out guest/kernel/fs/placeholders.c,$(FS_SRCS))
FS_UNIT_SRCS := $(FS_SRCS) guest/kernel/gfault.c guest/kernel/pgrp.c hypervisor/lib/errno_names.c tests/unit/fs_host.c tests/unit/fs_host.h guest/kernel/fs/fs_impl.h \
	guest/include/kernel/fs/fs.h guest/include/kernel/fs/vfs.h guest/include/linux/abi.h \
	tests/unit/fs_host/pv/events.h tests/unit/fs_host/pv/mmu.h
FS_UNIT_CFLAGS := -Itests/unit/fs_host -Iguest/include -Iguest/kernel/fs
FS_UNIT_NAMES := test_fs_tree test_fs_tmpfs test_fs_fd test_fs_poll
$(foreach t,$(FS_UNIT_NAMES),$(eval UNIT_SRCS_$(t) := $(FS_UNIT_SRCS)))
$(foreach t,$(FS_UNIT_NAMES),$(eval UNIT_CFLAGS_$(t) := $(FS_UNIT_CFLAGS)))

# httpd's request layer over Debian's http-parser (fetched into $(BUILD)/debian/http-parser).
UNIT_SRCS_test_httpd := appliance/httpd/request.c appliance/httpd/path.c appliance/httpd/httpdate.c \
	appliance/httpd/buf.c $(HTTP_PARSER_C) appliance/httpd/httpd.h
UNIT_CFLAGS_test_httpd := $(HTTPD_CFLAGS)

UNIT_NAMES := test_guest_image test_xen_guest_info test_badimage test_dom_layout test_cmdline test_gfault test_desc \
	test_boot_mem test_shutdown test_idle test_idle_loop test_ksyms \
	test_page_type test_gp_insn test_pci_bar test_netif test_net_csum test_netcsum test_ackmerge $(FS_UNIT_NAMES) test_httpd
UNIT_TESTS := $(UNIT_NAMES:%=$(BUILD)/tests/unit/%)
TEST_TOOLS := $(BUILD)/tests/tools/mkbadimage $(BUILD)/tests/tools/fbrender $(BUILD)/tests/fbcon.iso

# The i386 builds: static, with Debian's musl (as the appliance's programs), run natively. They
# link the hypervisor's own object of arch/x86/l1_run.S where the host builds have the fake's C
# definition of it (l1_run_ref): test_l1_run compares the two on random states, and
# test_page_type_i386 is test_page_type with the assembly in mm_update_run's runs.
UNIT_I386_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-pie -static -no-pie -Wl,-z,noexecstack \
	-DFAKE_L1_RUN_ASM -Ihypervisor/include -Ihypervisor/arch/x86/include -Itests/unit
UNIT_I386_SRCS := hypervisor/core/page_type.c hypervisor/lib/scan.c tests/unit/fake_machine.c
UNIT_I386_DEPS := $(UNIT_I386_SRCS) $(BUILD)/hypervisor/arch/x86/l1_run.o tests/unit/fake_machine.h \
	tests/unit/harness.h hypervisor/include/hv/page_type.h hypervisor/include/hv/frame.h \
	hypervisor/include/hv/l1e_fast.h hypervisor/include/hv/arch.h appliance/appliance.mk
$(BUILD)/tests/unit/test_l1_run: tests/unit/test_l1_run.c $(UNIT_I386_DEPS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  UCC     $@")
	$(Q)$(UCC) $(UNIT_I386_CFLAGS) $< $(UNIT_I386_SRCS) $(BUILD)/hypervisor/arch/x86/l1_run.o -o $@
$(BUILD)/tests/unit/test_page_type_i386: tests/unit/test_page_type.c $(UNIT_I386_DEPS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  UCC     $@")
	$(Q)$(UCC) $(UNIT_I386_CFLAGS) -DDEBUG $< $(UNIT_I386_SRCS) $(BUILD)/hypervisor/arch/x86/l1_run.o -o $@
UNIT_TESTS += $(BUILD)/tests/unit/test_l1_run $(BUILD)/tests/unit/test_page_type_i386

# Build plumbing (make runs deps first, deps.sh covers every command used): a bash script, run
# like the binaries.
UNIT_TESTS += $(BUILD)/tests/unit/test_build
$(BUILD)/tests/unit/test_build: tests/unit/test_build.sh
	@mkdir -p $(@D)
	$(Q)install -m 755 $< $@

# The documentation's links and ABI section citations resolve inside the clone.
UNIT_TESTS += $(BUILD)/tests/unit/test_docs
$(BUILD)/tests/unit/test_docs: tests/unit/test_docs.sh
	@mkdir -p $(@D)
	$(Q)install -m 755 $< $@

# One rule per test (a template rather than .SECONDEXPANSION, which would affect every fragment).
define UNIT_TEST_RULE
$(BUILD)/tests/unit/$(1): tests/unit/$(1).c $(UNIT_SRCS_$(1)) $(UNIT_HEADERS) $(call flags_file,host)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  HOSTCC  $$@")
	$$(Q)$$(HOSTCC) $$(UNIT_CFLAGS) $$(UNIT_CFLAGS_$(1)) $$(filter %.c,$$^) -o $$@
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call UNIT_TEST_RULE,$(t))))

$(BUILD)/tests/tools/mkbadimage: tests/tools/mkbadimage.c tests/tools/badimage.c \
		hypervisor/core/guest_image.c $(UNIT_HEADERS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(filter %.c,$^) -o $@

# fbrender draws text with the framebuffer console's own font (generated from the PCF at build
# time) to check a screendump against.
$(BUILD)/tests/tools/fbrender: tests/tools/fbrender.c $(FONT_C) hypervisor/include/hv/font.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) tests/tools/fbrender.c $(FONT_C) -o $@

# The ISO of the framebuffer scenario (fbcon-uefi.scn): a panic on purpose that leaves the
# machine halted with its report on the screen. Its own work files (image.mk), so the shipped
# ISO is not rebuilt.
# (The sub-make builds it with image.mk's own ISO rule: this one is not defined there.)
FBCON_ISO := $(BUILD)/tests/fbcon.iso
FBCON_HV_ARGS := console=com1,vga exit=none oncrash=halt panic=test
ifneq ($(ISO),$(FBCON_ISO))
$(FBCON_ISO): $(HV_ELF) $(GUEST_ELF) $(INITRAMFS) FORCE
	$(Q)$(MAKE) --no-print-directory iso ISO=$@ HV_ARGS='$(FBCON_HV_ARGS)' GUEST_ARGS= \
		GUEST=$(GUEST_ELF)
endif

# Run every binary even after a failure; fail at the end if any did. When a real guest image has
# been built, also check that each mkbadimage variant breaks it the advertised way.
.PHONY: unit-test
unit-test: $(UNIT_TESTS) $(TEST_TOOLS)
	$(Q)fail=0; \
	for t in $(UNIT_TESTS); do $$t || fail=1; done; \
	if [ -f $(BUILD)/guest/guest.elf ]; then \
		$(BUILD)/tests/tools/mkbadimage --selfcheck $(BUILD)/guest/guest.elf || fail=1; \
	fi; \
	exit $$fail

# httphostile: malformed and hostile requests against a running httpd (tests/http/).
TEST_TOOLS += $(BUILD)/tests/tools/httphostile
$(BUILD)/tests/tools/httphostile: tests/tools/httphostile.c $(call flags_file,host)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $< -o $@

# netclient: the host's client in the end-to-end network tests (tests/net/e2e.sh).
TEST_TOOLS += $(BUILD)/tests/tools/netclient
$(BUILD)/tests/tools/netclient: tests/tools/netclient.c $(call flags_file,host)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $< -o $@

# netbench: the host's client of make bench's network figures (tests/bench/net.sh).
TEST_TOOLS += $(BUILD)/tests/tools/netbench
$(BUILD)/tests/tools/netbench: tests/tools/netbench.c $(call flags_file,host)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $< -o $@

# httpd built for the host with the sanitizers: the hostile requests run against it too (the
# appliance's own binary, static i386, runs natively as well; tests/http/native.sh).
TEST_TOOLS += $(BUILD)/tests/tools/httpd-asan
$(BUILD)/tests/tools/httpd-asan: $(HTTPD_SRCS) appliance/httpd/httpd.h appliance/include/slots.h \
		$(HTTP_PARSER_STAMP) $(call flags_file,host)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $(HTTPD_CFLAGS) $(HTTPD_SRCS) $(HTTP_PARSER_C) -o $@

# pcapudp: UDP datagrams and their echoes in a capture of the card (tests/net/e2e.sh).
TEST_TOOLS += $(BUILD)/tests/tools/pcapudp
$(BUILD)/tests/tools/pcapudp: tests/tools/pcapudp.c $(call flags_file,host)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $< -o $@

# pcapcsum: the TCP/UDP checksums a card sent, in a capture of it (scenarios net-*-ring).
TEST_TOOLS += $(BUILD)/tests/tools/pcapcsum
$(BUILD)/tests/tools/pcapcsum: tests/tools/pcapcsum.c $(call flags_file,host)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $< -o $@

# wirehostile: hostile frames against the guest's lwIP through a socket netdev (tests/net/hostile.sh).
TEST_TOOLS += $(BUILD)/tests/tools/wirehostile
$(BUILD)/tests/tools/wirehostile: tests/tools/wirehostile.c $(call flags_file,host)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $< -o $@
