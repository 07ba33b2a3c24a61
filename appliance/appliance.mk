# Appliance (ring 3): static i386 musl programs and the initramfs that carries them.
#
# Programs: every appliance/<dir>/<name>.c, for <dir> in APP_DIRS, is one static i386 executable
# built with Debian's musl (musl-dev:i386, its gcc specs through i386-linux-musl-gcc) and installed
# in the initramfs as /<dir>/<name>. The unstripped binaries stay in $(BUILD)/appliance/prog/ (for
# gdb, and for running the very same binary natively on the host); the initramfs gets stripped
# copies. Programs listed in APP_STATIC_PIE are linked as static PIE (ET_DYN, self-relocating)
# instead of ET_EXEC. Headers shared by several programs live in appliance/include/.
#
# Initramfs: a newc cpio of appliance/rootfs/, the programs, then EXTRA_ROOTFS on top.
# Reproducible: staged copy, sorted file list, fixed mtimes, owner root.
#   make EXTRA_ROOTFS=dir   adds (and overrides) files from dir

UCC ?= i386-linux-musl-gcc
UCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iappliance/include -fno-pie
ULDFLAGS := -static -no-pie
# Static PIE by hand: the musl specs know only ET_EXEC static links and dynamic PIE.
MUSL_LIB := /usr/lib/i386-linux-musl
UCC_REAL := i686-linux-gnu-gcc
UPIE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iappliance/include -fPIE
UPIE_LINK = -nostartfiles -nostdlib $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o \
	$(shell $(UCC_REAL) -print-file-name=crtbeginS.o) $(1) \
	-Wl,-static,-pie,--no-dynamic-linker,-z,text -L$(MUSL_LIB) -lc \
	$(shell $(UCC_REAL) -print-libgcc-file-name) $(shell $(UCC_REAL) -print-file-name=crtendS.o) \
	$(MUSL_LIB)/crtn.o

APP_DIRS := bin sbin tests fuzz
APP_SRCS := $(sort $(wildcard $(APP_DIRS:%=appliance/%/*.c)))
APP_PROG_DIR := $(BUILD)/appliance/prog
APP_PROGS := $(patsubst appliance/%.c,$(APP_PROG_DIR)/%,$(APP_SRCS))
APP_HDRS := $(wildcard appliance/include/*.h)
# Paths relative to appliance/, without .c, e.g. tests/t_pie.
APP_STATIC_PIE ?= tests/t_pie

$(APP_PROG_DIR)/%: appliance/%.c $(APP_HDRS) appliance/appliance.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  UCC     $<")
	$(Q)$(if $(filter $*,$(APP_STATIC_PIE)),\
		$(UCC) $(UPIE_CFLAGS) $(call UPIE_LINK,$<) -o $@,\
		$(UCC) $(UCFLAGS) $(ULDFLAGS) $< -o $@)

# httpd (appliance/httpd/*.c): several files and Debian's http-parser, fetched once into
# $(BUILD)/debian/http-parser by image/debian-src.sh (a private deb-src list; nothing installed,
# nothing committed). Installed as /sbin/httpd. http-parser's own header limit is set just above
# ours (appliance/httpd/httpd.h), so that ours decide the status (431) in every case it can.
HTTP_PARSER_DIR := $(BUILD)/debian/http-parser
HTTP_PARSER_STAMP := $(HTTP_PARSER_DIR)/.debian-version
HTTP_PARSER_C := $(HTTP_PARSER_DIR)/http_parser.c
HTTPD_SRCS := $(sort $(wildcard appliance/httpd/*.c))
HTTPD_CFLAGS := -Iappliance/httpd -Iappliance/include -I$(HTTP_PARSER_DIR) -DHTTP_MAX_HEADER_SIZE=12288
$(HTTP_PARSER_STAMP):
	@$(if $(Q),echo "  FETCH   http-parser (Debian source package)")
	$(Q)BUILD=$(BUILD) bash image/debian-src.sh http-parser $(HTTP_PARSER_DIR)
$(HTTP_PARSER_C): $(HTTP_PARSER_STAMP)
$(APP_PROG_DIR)/sbin/httpd: $(HTTPD_SRCS) appliance/httpd/httpd.h appliance/include/slots.h \
		$(HTTP_PARSER_STAMP) appliance/appliance.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  UCC     $@")
	$(Q)$(UCC) $(UCFLAGS) $(HTTPD_CFLAGS) $(ULDFLAGS) $(HTTPD_SRCS) $(HTTP_PARSER_C) -o $@
APP_PROGS += $(APP_PROG_DIR)/sbin/httpd

# Debian's busybox-static (i386), fetched once into $(BUILD)/debian/busybox-static by
# image/debian-deb.sh (a private deb list; nothing installed on this system, nothing committed).
# Installed as /bin/busybox with a symlink per applet where its own path lists it (/bin/sh is
# its ash), except where the appliance has a program of that name (those stay ours: /sbin/init,
# /sbin/poweroff, /sbin/reboot, /bin/false). The list comes from the binary itself, run here
# (a static i386 program, as the ring-3 tests run natively).
BUSYBOX_DIR := $(BUILD)/debian/busybox-static
BUSYBOX_STAMP := $(BUSYBOX_DIR)/.debian-version
BUSYBOX := $(BUSYBOX_DIR)/bin/busybox
$(BUSYBOX_STAMP):
	@$(if $(Q),echo "  FETCH   busybox-static:i386 (Debian binary package)")
	$(Q)BUILD=$(BUILD) bash image/debian-deb.sh busybox-static i386 $(BUSYBOX_DIR)
$(BUSYBOX): $(BUSYBOX_STAMP)

INITRAMFS := $(BUILD)/appliance/initramfs.cpio
EXTRA_ROOTFS ?=
ROOTFS_STAGE := $(BUILD)/appliance/rootfs
# Fixed timestamp for every entry (2000-01-01 UTC), so equal inputs give byte-equal archives.
ROOTFS_EPOCH := 946684800

# (Symbolic links are copied but are no prerequisites: /etc/resolv.conf points into /proc.)
ROOTFS_FILES := $(shell find appliance/rootfs $(EXTRA_ROOTFS) ! -type l 2>/dev/null)
# cpio >= 2.13 zeroes inode and device numbers with --reproducible; older ones just lack it.
CPIO_REPRO := $(shell cpio --help 2>/dev/null | grep -q -- --reproducible && echo --reproducible)

# The variable's value is part of the input: changing EXTRA_ROOTFS rebuilds the archive.
$(BUILD)/appliance/rootfs.vars: FORCE
	@mkdir -p $(@D)
	@echo 'EXTRA_ROOTFS=$(EXTRA_ROOTFS)' | cmp -s - $@ || echo 'EXTRA_ROOTFS=$(EXTRA_ROOTFS)' > $@

# The dashboard's charting library: Debian's libjs-dygraphs (image/deps.sh installs it), copied
# into /www/lib/ with its copyright file; the source-map comment is dropped (no map is served).
DYGRAPHS := /usr/share/javascript/dygraphs
DYGRAPHS_FILES := $(DYGRAPHS)/dygraph.min.js $(DYGRAPHS)/dygraph.min.css

SHELL_TESTS := $(wildcard tests/shell/*.sh)
$(INITRAMFS): $(ROOTFS_FILES) $(APP_PROGS) $(DYGRAPHS_FILES) $(SHELL_TESTS) $(BUILD)/appliance/rootfs.vars \
		$(BUSYBOX_STAMP) appliance/appliance.mk
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)rm -rf $(ROOTFS_STAGE) && mkdir -p $(ROOTFS_STAGE)
	$(Q)cp -R appliance/rootfs/. $(ROOTFS_STAGE)/
	$(Q)mkdir -p $(ROOTFS_STAGE)/www/lib
	$(Q)for f in $(DYGRAPHS_FILES); do \
		sed '/sourceMappingURL=/d' $$f > $(ROOTFS_STAGE)/www/lib/$$(basename $$f) || exit 1; done
	$(Q)cp /usr/share/doc/libjs-dygraphs/copyright $(ROOTFS_STAGE)/www/lib/dygraph.copyright.txt
	$(Q)for p in $(patsubst $(APP_PROG_DIR)/%,%,$(APP_PROGS)); do \
		mkdir -p $(ROOTFS_STAGE)/$$(dirname $$p) && \
		strip -o $(ROOTFS_STAGE)/$$p $(APP_PROG_DIR)/$$p || exit 1; done
	$(Q)mkdir -p $(ROOTFS_STAGE)/tests/shell $(ROOTFS_STAGE)/bin && cp $(SHELL_TESTS) $(ROOTFS_STAGE)/tests/shell/
	$(Q)cp $(BUSYBOX) $(ROOTFS_STAGE)/bin/busybox
	$(Q)$(BUSYBOX) --list-full | while read -r a; do \
		[ -e $(ROOTFS_STAGE)/$$a ] || [ -L $(ROOTFS_STAGE)/$$a ] || \
		{ mkdir -p $(ROOTFS_STAGE)/$$(dirname $$a) && ln -s /bin/busybox $(ROOTFS_STAGE)/$$a; } || exit 1; done
	$(Q)$(if $(EXTRA_ROOTFS),cp -R $(EXTRA_ROOTFS)/. $(ROOTFS_STAGE)/)
	$(Q)find $(ROOTFS_STAGE) -exec touch -h -d @$(ROOTFS_EPOCH) {} +
	$(Q)cd $(ROOTFS_STAGE) && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | \
		cpio -o -H newc --quiet $(CPIO_REPRO) --owner=0:0 > $(abspath $@).tmp
	$(Q)mv $@.tmp $@

.PHONY: FORCE initramfs appliance-progs
FORCE:
initramfs: $(INITRAMFS)
appliance-progs: $(APP_PROGS)

