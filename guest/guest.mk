# Guest kernel (ring 1): every .c and .S under guest/ and lwIP, linked at 0xC0000000 with klib.
GUEST_ELF := $(BUILD)/guest/guest.elf
GUEST_LDS := guest/arch/x86/guest.lds
GUEST_SRCS := $(sort $(shell find guest -name '*.c' -o -name '*.S'))
GUEST_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(GUEST_SRCS)))
GUEST_CFLAGS := $(KCFLAGS) -Iguest/include -Ihypervisor/include
GUEST_ASFLAGS := $(KASFLAGS) -Iguest/include -Ihypervisor/include

# lwIP 2.1.3 (guest/net/, docs/network.md): Debian's `lwip` source package, fetched once into
# $(BUILD)/debian/lwip by image/debian-src.sh (a private deb-src list; nothing installed, nothing
# committed) and compiled into the guest kernel with our options (guest/include/net/lwip/). Its
# files are named here, not found, because they do not exist before the fetch.
LWIP_DIR := $(BUILD)/debian/lwip
LWIP_STAMP := $(LWIP_DIR)/.debian-version
LWIP_FILES := core/def core/dns core/inet_chksum core/init core/ip core/mem core/memp core/netif core/pbuf \
	core/stats core/sys core/tcp core/tcp_in core/tcp_out core/timeouts core/udp \
	core/ipv4/dhcp core/ipv4/etharp core/ipv4/icmp core/ipv4/ip4 core/ipv4/ip4_addr \
	core/ipv4/ip4_frag core/ipv6/ethip6 core/ipv6/icmp6 core/ipv6/inet6 core/ipv6/ip6 \
	core/ipv6/ip6_addr core/ipv6/ip6_frag core/ipv6/mld6 core/ipv6/nd6 netif/ethernet
LWIP_OBJS := $(LWIP_FILES:%=$(BUILD)/lwip/%.o)

$(BUILD)/guest/%.o: guest/%.c $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: guest/%.S $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(KCC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) $(LWIP_OBJS) $(KLIB) $(GUEST_LDS) image/ksyms.sh $(call flags_file,kernel)
	@mkdir -p $(@D)
	$(call KSYMS_LINK,$(GUEST_LDS),$(GUEST_OBJS) $(LWIP_OBJS) $(KLIB),_text,_etext)

.PHONY: guest
guest: $(GUEST_ELF)

LWIP_INCLUDES := -Iguest/include/net/lwip -I$(LWIP_DIR)/src/include
# lwIP's own code, not ours: warnings stay on but do not stop the build.
LWIP_CFLAGS := $(filter-out -Werror,$(KCFLAGS)) -Wno-unused-parameter -Wno-sign-compare \
	-Iguest/include -Ihypervisor/include $(LWIP_INCLUDES)
$(LWIP_STAMP):
	@$(if $(Q),echo "  FETCH   lwip (Debian source package)")
	$(Q)BUILD=$(BUILD) bash image/debian-src.sh lwip $(LWIP_DIR)
$(LWIP_DIR)/src/%.c: $(LWIP_STAMP)
	@test -f $@
$(BUILD)/lwip/%.o: $(LWIP_DIR)/src/%.c $(LWIP_STAMP) $(wildcard guest/include/net/lwip/*.h \
		guest/include/net/lwip/arch/*.h) $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      lwip/$*.c")
	$(Q)$(KCC) $(LWIP_CFLAGS) -MMD -MP -c $< -o $@
# Our code that includes lwIP's headers.
$(BUILD)/guest/net/%.o: guest/net/%.c $(LWIP_STAMP) $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KCC) $(GUEST_CFLAGS) $(LWIP_INCLUDES) -MMD -MP -c $< -o $@
