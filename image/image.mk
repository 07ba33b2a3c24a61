# The bootable ISO (GRUB 2 for BIOS and UEFI in one image) and the QEMU launch targets.
#   make iso                                  build $(ISO)
#   make GUEST=other.elf GUEST_ARGS="..."     put any other Xen 2.0 guest in the ISO
#   make run | run-gdb                        boot the ISO in QEMU (FIRMWARE=bios|uefi)
#   make run-kernel                           fast path: QEMU's own multiboot loader, no ISO

ISO ?= $(BUILD)/appliance.iso
HV_ARGS ?= console=com1,vga
GUEST_ARGS ?=
GUEST ?= $(GUEST_ELF)
FIRMWARE ?= bios
QEMU_ARGS ?=

# Work files per ISO, so that another ISO (a test's, with its own command lines) leaves the
# default one alone.
ISO_WORK = $(BUILD)/image/$(basename $(notdir $(ISO)))
ISO_DIR = $(ISO_WORK)/iso
GRUB_CFG = $(ISO_WORK)/grub.cfg
ISO_INPUTS = $(ISO_WORK)/iso.inputs

# The smallest module set that still boots on both platforms (checked with SeaBIOS and OVMF):
# the BIOS core image already holds iso9660 and normal, the EFI one needs normal; grub-mkrescue adds
# the dependencies (terminal, relocator, ...). Fonts, locales and themes are left out altogether.
# Under UEFI, GRUB's built-in early config loads eight part_* modules, each an error on the
# console when missing: they are in (47 KB). all_video brings the framebuffer drivers (UEFI GOP,
# BIOS VBE) that hand a graphics framebuffer to the hypervisor; test is grub.cfg's `if [ ]`.
GRUB_MODULES := normal multiboot serial test all_video part_acorn part_amiga part_bsd part_dfly \
	part_dvh part_plan part_sun part_sunpc
GRUB_MKRESCUE_FLAGS := --compress=xz --fonts= --locales= --themes= \
	--install-modules="$(GRUB_MODULES)"

# Quote a make value for the shell: 'it'\''s'.
shquote = '$(subst ','\'',$(1))'

$(GRUB_CFG): image/grub.cfg.in image/mkgrubcfg.sh FORCE
	$(Q)bash image/mkgrubcfg.sh image/grub.cfg.in $@ $(call shquote,$(HV_ARGS)) \
		$(call shquote,$(GUEST_ARGS))

# Which files go into the ISO: a different GUEST path must rebuild it even when that file is older.
$(ISO_INPUTS): FORCE
	@mkdir -p $(@D)
	@echo $(call shquote,$(HV_ELF) $(GUEST) $(INITRAMFS)) | cmp -s - $@ || \
		echo $(call shquote,$(HV_ELF) $(GUEST) $(INITRAMFS)) > $@

ifneq ($(GUEST),$(GUEST_ELF))
ifeq ($(wildcard $(GUEST)),)
$(error GUEST=$(GUEST): no such file)
endif
endif

# GUEST= is checked by the hypervisor's own image checker, built for the host, before the ISO.
GUESTCHECK := $(BUILD)/image/guestcheck
$(GUESTCHECK): image/guestcheck.c hypervisor/core/guest_image.c hypervisor/include/hv/guest_image.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -std=gnu11 -O1 -Wall -Wextra -Werror -Ihypervisor/include \
		image/guestcheck.c hypervisor/core/guest_image.c -o $@

# Debug info is stripped from the copies on the ISO (gdb uses the unstripped build/ files).
$(ISO): $(HV_ELF) $(GUEST) $(INITRAMFS) $(GRUB_CFG) $(ISO_INPUTS) $(GUESTCHECK) image/image.mk
	@$(if $(Q),echo "  ISO     $@")
	$(Q)$(GUESTCHECK) $(GUEST) >/dev/null
	$(Q)rm -rf $(ISO_DIR) && mkdir -p $(ISO_DIR)/boot/grub $(@D)
	$(Q)strip --strip-debug -o $(ISO_DIR)/boot/hv.elf $(HV_ELF)
	$(Q)strip --strip-debug -o $(ISO_DIR)/boot/guest.elf $(GUEST)
	$(Q)cp $(INITRAMFS) $(ISO_DIR)/boot/initramfs.cpio
	$(Q)cp $(GRUB_CFG) $(ISO_DIR)/boot/grub/grub.cfg
	$(Q)grub-mkrescue $(GRUB_MKRESCUE_FLAGS) -o $@.tmp $(ISO_DIR) > $(ISO_WORK)/grub-mkrescue.log 2>&1 || \
		{ cat $(ISO_WORK)/grub-mkrescue.log; exit 1; }
	$(Q)mv $@.tmp $@

.PHONY: iso run-kernel FORCE
iso: $(ISO)

QEMU_SH := bash image/qemu.sh

# deps first, then the ISO: a recursive make keeps apt-get out of a parallel build.
run: deps
	$(Q)$(MAKE) --no-print-directory iso
	$(QEMU_SH) --boot iso --firmware $(FIRMWARE) --iso $(ISO) -- $(QEMU_ARGS)

run-gdb: deps
	$(Q)$(MAKE) --no-print-directory iso
	$(QEMU_SH) --boot iso --firmware $(FIRMWARE) --iso $(ISO) --gdb -- $(QEMU_ARGS)

run-kernel: $(HV_ELF) $(GUEST) $(INITRAMFS)
	$(QEMU_SH) --boot kernel --hv $(HV_ELF) --guest $(GUEST) --initrd $(INITRAMFS) \
		--hv-args $(call shquote,$(HV_ARGS)) --guest-args $(call shquote,$(GUEST_ARGS)) -- $(QEMU_ARGS)
include image/deploy/images.mk
