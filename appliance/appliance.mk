# Appliance (ring 3): the initramfs, a newc cpio of appliance/rootfs/ plus EXTRA_ROOTFS on top.
# Reproducible: staged copy, sorted file list, fixed mtimes, owner root.
#   make EXTRA_ROOTFS=dir   adds (and overrides) files from dir

INITRAMFS := $(BUILD)/appliance/initramfs.cpio
EXTRA_ROOTFS ?=
ROOTFS_STAGE := $(BUILD)/appliance/rootfs
# Fixed timestamp for every entry (2000-01-01 UTC), so equal inputs give byte-equal archives.
ROOTFS_EPOCH := 946684800

ROOTFS_FILES := $(shell find appliance/rootfs $(EXTRA_ROOTFS) 2>/dev/null)
# cpio >= 2.13 zeroes inode and device numbers with --reproducible; older ones just lack it.
CPIO_REPRO := $(shell cpio --help 2>/dev/null | grep -q -- --reproducible && echo --reproducible)

# The variable's value is part of the input: changing EXTRA_ROOTFS rebuilds the archive.
$(BUILD)/appliance/rootfs.vars: FORCE
	@mkdir -p $(@D)
	@echo 'EXTRA_ROOTFS=$(EXTRA_ROOTFS)' | cmp -s - $@ || echo 'EXTRA_ROOTFS=$(EXTRA_ROOTFS)' > $@

$(INITRAMFS): $(ROOTFS_FILES) $(BUILD)/appliance/rootfs.vars appliance/appliance.mk
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)rm -rf $(ROOTFS_STAGE) && mkdir -p $(ROOTFS_STAGE)
	$(Q)cp -R appliance/rootfs/. $(ROOTFS_STAGE)/
	$(Q)$(if $(EXTRA_ROOTFS),cp -R $(EXTRA_ROOTFS)/. $(ROOTFS_STAGE)/)
	$(Q)find $(ROOTFS_STAGE) -exec touch -h -d @$(ROOTFS_EPOCH) {} +
	$(Q)cd $(ROOTFS_STAGE) && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | \
		cpio -o -H newc --quiet $(CPIO_REPRO) --owner=0:0 > $(abspath $@).tmp
	$(Q)mv $@.tmp $@

.PHONY: FORCE initramfs
FORCE:
initramfs: $(INITRAMFS)
