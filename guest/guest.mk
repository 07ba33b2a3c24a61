# Guest kernel (ring 1), linked at 0xC0000000 with klib: the sources listed below, one list per
# directory (and per option). A .c or .S file under guest/ in no list stops the build (below),
# so nothing is compiled, or left out, by accident.
#
# SELFTEST=1 (the default) links in every self-test and benchmark (guest/selftest/, registered
# in the table of kernel/selftest_table.h); the scenarios and make bench use that one image.
# SELFTEST=0 builds the appliance's kernel without them: test= and bench= are unknown options.
SELFTEST ?= 1
GUEST_ELF := $(BUILD)/guest/guest.elf
GUEST_LDS := guest/arch/x86/guest.lds

GUEST_ARCH_SRCS := $(addprefix guest/arch/x86/,head.S entry.S linux_entry.S switch.S uaccess.S \
	context.c fault.c fpu.c gdt.c tls.c traps.c user.c user_frame.c)
# The hypervisor interface: console, events, clocks and timers, MMU batching, the fast trap.
GUEST_PV_SRCS := $(addprefix guest/pv/,console.c console_in.c events.c fasttrap_ctl.c \
	mmu_batch.c time.c timer.c)
GUEST_KERNEL_SRCS := $(addprefix guest/kernel/,main.c selftest_table.c exec.c exec_script.c \
	gfault.c init.c initramfs.c itimer.c klog.c pgrp.c proc.c proc_pid.c proc_sys.c random.c rlimit.c sched.c \
	signal.c sys_ids.c sys_misc.c sys_signal.c sys_time.c syscall_table.c wait.c)
GUEST_MM_SRCS := $(addprefix guest/kernel/mm/,kmalloc.c kmalloc_trace.c oom.c page_alloc.c kmap.c pgtable.c physmap.c \
	shmem.c sys_mm.c uaccess.c vm.c vm_fault.c)
GUEST_FS_SRCS := $(addprefix guest/kernel/fs/,cpio.c dev.c dir.c fdtable.c file.c inode.c path.c \
	pipe.c poll.c procfs.c procfs_gen.c procfs_hv.c procfs_pid.c procfs_fd.c mount.c select.c sys_attr.c sys_sendfile.c sys_dir.c sys_fd.c \
	sockfs.c sys_names.c sys_open.c sys_rw.c sys_stat.c sys_statfs.c sys_truncate.c sys_util.c \
	tmpfs.c tty.c tty_job.c)
# guest/net/ (the ring driver, sockets, the lwIP port) adds its sources here.
GUEST_NET_SRCS := $(addprefix guest/net/,ackmerge.c ifioctl.c lwip_chksum.c lwip_faults.c lwip_ooseq.c lwip_timeouts.c lwip_port.c \
	net.c net_proc.c netconf.c netcsum.c netfront.c \
	raw_sock.c sockaddr.c socket.c sockopt.c sys_socket.c tcp_batchack.c tcp_isn.c tcp_pcbres.c tcp_retry.c \
	tcp_sock.c tcp_synretry.c tcp_timewait.c udp_sock.c)
SELFTEST_SRCS := $(addprefix guest/selftest/,run.c check.c probe.c ring3.c frames.c addrspace.c \
	hypercalls.c test_fault.c mmu_tests.c mmu_bench.c test_isolation.c test_review.c \
	test_review_calls.c test_review_cost.c test_review_cpu.c test_review_crash.c \
	test_review_desc.c test_review_pt.c test_review_tlb.c test_exceptions.c test_refusals.c \
	test_fastpath.c test_badstack.c test_badstack_event.c test_linreview.c test_multicall.c test_batch.c test_review_batch.c test_mcreview.c test_seglimits.c bench_syscall.c test_time.c test_events.c \
	test_preempt.c test_console.c test_idle.c test_idlepoll.c bench_events.c test_netif.c) \
	$(addprefix guest/selftest/x86/,probe_entry.S syscall.S triggers.S review_triggers.S \
	regprobe.S user_progs.S user_loops.S bench_loops.S)

GUEST_SRCS := $(GUEST_ARCH_SRCS) $(GUEST_PV_SRCS) $(GUEST_KERNEL_SRCS) $(GUEST_MM_SRCS) \
	$(GUEST_FS_SRCS) $(GUEST_NET_SRCS)
ifeq ($(SELFTEST),1)
GUEST_SRCS += $(SELFTEST_SRCS)
endif
# Compiled to assembly only, for the constants of the .S files (below).
GUEST_ASM_OFFSETS_SRC := guest/arch/x86/asm-offsets.c
GUEST_UNLISTED := $(filter-out $(GUEST_SRCS) $(SELFTEST_SRCS) $(GUEST_ASM_OFFSETS_SRC), \
	$(shell find guest -name '*.c' -o -name '*.S'))
ifneq ($(GUEST_UNLISTED),)
$(error guest/guest.mk: in no source list: $(GUEST_UNLISTED))
endif

GUEST_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(GUEST_SRCS)))
GUEST_CFLAGS := $(KCFLAGS) -Iguest/include -Ihypervisor/include
GUEST_ASFLAGS := $(KASFLAGS) -Iguest/include -Ihypervisor/include
# Only the self-tests see their own headers (<selftest/...>).
$(BUILD)/guest/selftest/%.o: GUEST_CFLAGS += -Iguest/selftest/include
$(BUILD)/guest/selftest/%.o: GUEST_ASFLAGS += -Iguest/selftest/include
$(eval $(call FLAGS_RULE,guest-link,SELFTEST=$(SELFTEST)))
$(eval $(call KERNEL_RULES,guest,$$(GUEST_CFLAGS),$$(GUEST_ASFLAGS)))

# lwIP 2.1.3 (guest/net/, docs/network.md): Debian's `lwip` source package, fetched once into
# $(BUILD)/debian/lwip by image/debian-src.sh (a private deb-src list; nothing installed, nothing
# committed) and compiled into the guest kernel with our options (guest/include/net/lwip/). Its
# files are named here, not found, because they do not exist before the fetch.
LWIP_DIR := $(BUILD)/debian/lwip
LWIP_STAMP := $(LWIP_DIR)/.debian-version
LWIP_FILES := core/def core/dns core/inet_chksum core/init core/ip core/mem core/memp core/netif core/pbuf core/raw \
	core/stats core/sys core/tcp core/tcp_in core/tcp_out core/timeouts core/udp \
	core/ipv4/dhcp core/ipv4/etharp core/ipv4/icmp core/ipv4/ip4 core/ipv4/ip4_addr \
	core/ipv4/ip4_frag core/ipv6/ethip6 core/ipv6/icmp6 core/ipv6/inet6 core/ipv6/ip6 \
	core/ipv6/ip6_addr core/ipv6/ip6_frag core/ipv6/mld6 core/ipv6/nd6 netif/ethernet
LWIP_OBJS := $(LWIP_FILES:%=$(BUILD)/lwip/%.o)

# <asm-offsets.h>: the constants and structure offsets the assembly uses, generated from their C
# definitions (guest/arch/x86/asm-offsets.c); every .S object waits for it.
GUEST_ASM_OFFSETS := $(BUILD)/guest/gen/asm-offsets.h
GUEST_ASFLAGS += -I$(BUILD)/guest/gen
$(eval $(call ASM_OFFSETS_RULE,$$(GUEST_ASM_OFFSETS),$$(GUEST_ASM_OFFSETS_SRC),$$(GUEST_CFLAGS)))
$(patsubst %,$(BUILD)/%.o,$(basename $(filter %.S,$(GUEST_SRCS)))): $(GUEST_ASM_OFFSETS)

$(GUEST_ELF): $(GUEST_OBJS) $(LWIP_OBJS) $(KLIB) $(GUEST_LDS) image/ksyms.sh $(call flags_file,kernel) \
		$(call flags_file,guest-link)
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
# The fetched sources are kept (not intermediate files make would delete after a build).
.PRECIOUS: $(LWIP_DIR)/src/%.c
$(LWIP_DIR)/src/%.c: $(LWIP_STAMP)
	@test -f $@
$(BUILD)/lwip/%.o: $(LWIP_DIR)/src/%.c $(LWIP_STAMP) $(wildcard guest/include/net/lwip/*.h \
		guest/include/net/lwip/arch/*.h) $(call flags_file,kernel)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      lwip/$*.c")
	$(Q)$(KCC) $(LWIP_CFLAGS) -MMD -MP -c $< -o $@
# gfaults=lwip (guest/net/lwip_faults.c) stands in front of lwIP's heap allocator; lwIP's
# timeouts take a pool of their own (guest/net/lwip_timeouts.c); its pruning of out-of-order data
# after a failed allocation asks first whether the heap is short (guest/net/lwip_ooseq.c). Each
# object depends on the file that supplies its renamed function: one built before the rename
# would clash at the link.
$(BUILD)/lwip/core/mem.o: LWIP_CFLAGS += -Dmem_malloc=lwip_heap_malloc
$(BUILD)/lwip/core/mem.o: guest/net/lwip_faults.c
$(BUILD)/lwip/core/timeouts.o: LWIP_CFLAGS += -Dmemp_malloc=lwip_timeout_alloc -Dmemp_free=lwip_timeout_free
$(BUILD)/lwip/core/timeouts.o: guest/net/lwip_timeouts.c
$(BUILD)/lwip/core/pbuf.o: LWIP_CFLAGS += -Dpbuf_free_ooseq=lwip_pbuf_free_ooseq
$(BUILD)/lwip/core/pbuf.o: guest/net/lwip_ooseq.c
# Its pseudo-header checksum takes a shorter way for one IPv4 pbuf (guest/net/lwip_chksum.c).
$(BUILD)/lwip/core/inet_chksum.o: LWIP_CFLAGS += -Dip_chksum_pseudo=lwip_ip_chksum_pseudo
$(BUILD)/lwip/core/inet_chksum.o: guest/net/lwip_chksum.c
# TCP's timer tries again what lwIP's heap could not take (a delayed ACK, a segment) and counts
# the retransmissions lwIP does not (guest/net/tcp_retry.c); a SYN dropped for memory is given to
# TCP again (guest/net/tcp_synretry.c); tcp_alloc takes a pcb allocated before lwIP ran, so it
# never ends other connections for a failed allocation (guest/net/tcp_pcbres.c); within a receive
# batch, TCP's input leaves its pure ACKs owed to the batch's end (guest/net/tcp_batchack.c).
$(BUILD)/lwip/core/tcp.o: LWIP_CFLAGS += -Dtcp_tmr=lwip_tcp_tmr -Dtcp_rexmit_rto_commit=tcp_rexmit_rto_counted \
	-Dmemp_malloc=tcp_memp_malloc
$(BUILD)/lwip/core/tcp.o: guest/net/tcp_retry.c guest/net/tcp_pcbres.c
$(BUILD)/lwip/core/tcp_in.o: LWIP_CFLAGS += -Dtcp_input=lwip_tcp_input -Dtcp_output=tcp_input_output
$(BUILD)/lwip/core/tcp_in.o: guest/net/tcp_synretry.c guest/net/tcp_batchack.c
# Our code that includes lwIP's headers (compiled by KERNEL_RULES above) waits for the fetch.
$(BUILD)/guest/net/%.o: GUEST_CFLAGS += $(LWIP_INCLUDES)
$(patsubst %,$(BUILD)/%.o,$(basename $(GUEST_NET_SRCS))): | $(LWIP_STAMP)
