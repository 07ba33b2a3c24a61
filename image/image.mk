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

# Each ISO has its own work directory, so that test ISOs with other command lines (tests/tests.mk)
# do not rebuild the appliance's.
ISO_WORK := $(BUILD)/image/$(basename $(notdir $(ISO)))
ISO_DIR := $(ISO_WORK)/iso
GRUB_CFG := $(ISO_WORK)/grub.cfg
ISO_INPUTS := $(ISO_WORK)/iso.inputs

# The smallest module set that still boots on both platforms (checked with SeaBIOS and OVMF):
# the BIOS core image already holds iso9660 and normal, the EFI one needs normal; grub-mkrescue adds
# the dependencies (terminal, relocator, ...). Fonts, locales and themes are left out altogether.
# Under UEFI, GRUB's built-in early config then reports eight missing part_* modules: harmless
# (a CD has no partition table to probe), and adding them would cost 47 KB.
GRUB_MODULES := normal multiboot serial
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

# Debug info is stripped from the copies on the ISO (gdb uses the unstripped build/ files).
$(ISO): $(HV_ELF) $(GUEST) $(INITRAMFS) $(GRUB_CFG) $(ISO_INPUTS) image/image.mk
	@$(if $(Q),echo "  ISO     $@")
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
