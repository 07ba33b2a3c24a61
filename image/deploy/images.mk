# Deployment images from the ISO (docs/deploy.md):
#   make images   $(BUILD)/images/ringvisor.qcow2   the ISO's bytes as a qcow2 disk (QEMU, libvirt,
#                                                   Proxmox, OpenStack)
#                 $(BUILD)/images/ringvisor.ova     VMDK + OVF 1.0 + manifest (VMware, VirtualBox)
#                 $(BUILD)/images/ringvisor.xml     a libvirt domain that boots the qcow2
# The ISO is a hybrid image: the same bytes boot from a CD, a USB stick (dd) or a disk, through
# BIOS or UEFI. Variables: IMAGE_NAME (ringvisor), IMAGE_MEM_MB (128), IMAGE_NIC (e1000, or
# e1000e for VMware), LIBVIRT_NETWORK (default). The images carry the ISO's command lines
# (HV_ARGS, GUEST_ARGS).

IMAGES_DIR := $(BUILD)/images
IMAGE_NAME ?= ringvisor
IMAGE_MEM_MB ?= 128
IMAGE_NIC ?= e1000
LIBVIRT_NETWORK ?= default
QCOW2 := $(IMAGES_DIR)/$(IMAGE_NAME).qcow2
OVA := $(IMAGES_DIR)/$(IMAGE_NAME).ova
LIBVIRT_XML := $(IMAGES_DIR)/$(IMAGE_NAME).xml

$(eval $(call FLAGS_RULE,images,$(IMAGE_NAME) $(IMAGE_MEM_MB) $(IMAGE_NIC) $(LIBVIRT_NETWORK)))

$(QCOW2): $(ISO)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  QCOW2   $@")
	$(Q)qemu-img convert -q -f raw -O qcow2 $(ISO) $@.tmp && mv $@.tmp $@

$(OVA): $(ISO) image/deploy/mkova.sh $(call flags_file,images)
	@$(if $(Q),echo "  OVA     $@")
	$(Q)bash image/deploy/mkova.sh $(ISO) $@ $(IMAGE_NAME) $(IMAGE_MEM_MB) $(IMAGE_NIC)

$(LIBVIRT_XML): image/deploy/libvirt.xml.in $(QCOW2) $(call flags_file,images)
	@$(if $(Q),echo "  LIBVIRT $@")
	$(Q)sed -e 's|@NAME@|$(IMAGE_NAME)|' -e 's|@MEM_MB@|$(IMAGE_MEM_MB)|' \
		-e 's|@DISK@|$(abspath $(QCOW2))|' -e 's|@NETWORK@|$(LIBVIRT_NETWORK)|' \
		-e 's|@NIC@|$(IMAGE_NIC)|' $< > $@.tmp && mv $@.tmp $@

.PHONY: images image-files
# deps first, then the ISO and the images: a recursive make keeps apt-get out of a parallel build.
images: deps
	$(Q)$(MAKE) --no-print-directory image-files
	@echo "images: $(QCOW2) $(OVA) $(LIBVIRT_XML)"
image-files: $(QCOW2) $(OVA) $(LIBVIRT_XML)
