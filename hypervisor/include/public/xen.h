/*
 * public/xen.h: the hypervisor <-> guest contract (Xen 2.0 x86_32 paravirtual ABI).
 * Included by the hypervisor and by the guest; never copied. Every size and offset that
 * the ABI fixes is pinned with a static assertion at the end of the file.
 * Facts come from the Xen 2.0.0 interface; items marked [ours] are this project's.
 * "ABI §N" here and in every source file is section N of docs/abi.md.
 * Assembler-safe: assembly includes it for the numbers (plain, without C suffixes where
 * assembly uses them); the C parts are inside #ifndef __ASSEMBLY__.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include <public/arch-x86_32.h>

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/* ---- Address space (ABI §1) ---------------------------------------------------------- */

/* The top 64 MB of every address space belong to the hypervisor. */
#define HYPERVISOR_VIRT_START 0xFC000000u
/* Read-only machine-to-phys table: one u32 per machine frame, the PFN that owns it. */
#define MACH2PHYS_VIRT_START 0xFC000000u
#define MACH2PHYS_VIRT_END 0xFC400000u
/* Every guest segment ends here (limit 0xFC3FF with 4 KB granularity). */
#define GUEST_SEGMENT_END 0xFC400000u
/* First L2 (page directory) slot that belongs to the hypervisor: 0xFC000000 >> 22. */
#define HYPERVISOR_L2_FIRST_SLOT 1008u

#define XEN_PAGE_SHIFT 12
#define XEN_PAGE_SIZE 4096u

/* ---- Segments (ABI §1) --------------------------------------------------------------- */

/* GDT entries 256-295 (bytes 0x800-0x93F) are reserved for the hypervisor. */
#define FIRST_RESERVED_GDT_ENTRY 256u
#define LAST_RESERVED_GDT_ENTRY 295u
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_ENTRY * 8u)

#define FLAT_RING1_CS 0x0819 /* entry 259, RPL 1 */
#define FLAT_RING1_DS 0x0821 /* entry 260, RPL 1 */
#define FLAT_RING3_CS 0x082b /* entry 261, RPL 3 */
#define FLAT_RING3_DS 0x0833 /* entry 262, RPL 3 */

/* ---- Hypercalls (ABI §2) --------------------------------------------------------------
 * int $0x82 from ring 1. EAX = number (taken modulo 32), EBX ECX EDX ESI EDI = arguments
 * 1-5, result in EAX: >= 0 success, negative XEN_E* on error. [ours] All registers other
 * than EAX are preserved.
 */
#define HYPERCALL_VECTOR 0x82
#define NR_HYPERCALLS 32

#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op 6
#define __HYPERVISOR_dom0_op 7
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
#define __HYPERVISOR_set_fast_trap 11
#define __HYPERVISOR_dom_mem_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op 16
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op 19
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_netif_op 30 /* [ours] */
#define __HYPERVISOR_hv_op 31    /* [ours] */

/* Error numbers returned (negated) by hypercalls. */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_EINTR 4
#define XEN_EIO 5
#define XEN_E2BIG 7
#define XEN_EBADF 9
#define XEN_EAGAIN 11
#define XEN_ENOMEM 12
#define XEN_EFAULT 14
#define XEN_EBUSY 16
#define XEN_EEXIST 17
#define XEN_ENODEV 19 /* [ours] netif_op: no such network device */
#define XEN_EINVAL 22
#define XEN_ENOSPC 28
#define XEN_ENOSYS 38

/* Every refusal is also logged by the hypervisor, rate-limited ("(hv) <call>: ... refused").
 * A number with no handler (dom0_op 7, dom_mem_op 12, physdev_op 19, grant_table_op 20,
 * vm_assist 21, update_va_mapping_otherdomain 22, and 23-29) returns -XEN_ENOSYS. */

/* ---- xen_version (17) -----------------------------------------------------------------
 * IN  EBX = 0 (Xen 2.0 defines no other command; any value gets the same answer).
 * OUT EAX = (major << 16) | minor, XEN_VERSION_CODE. No errors.
 */
#define XENVER_version 0
#define XEN_VERSION_CODE 0x00020000u /* 2.0 */

/* ---- console_io (18) ------------------------------------------------------------------
 * IN  EBX = command, ECX = count, EDX = guest buffer.
 * write: count <= CONSOLEIO_WRITE_MAX bytes are written; OUT EAX = count.
 * read: non-blocking; OUT EAX = bytes copied (0 when no input is waiting).
 * Errors: -EFAULT bad buffer, -EINVAL count too large, -ENOSYS unknown command.
 */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1
#define CONSOLEIO_WRITE_MAX 4095u

/* ---- sched_op (6) ---------------------------------------------------------------------
 * IN  EBX = command | (reason << SCHEDOP_reasonshift).
 * yield: OUT 0. block: clears upcall_mask and sleeps until an event is pending (returns at
 * once if one is); OUT 0. shutdown: never returns; reason is one of SHUTDOWN_*.
 */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_cmdmask 0xffu
#define SCHEDOP_reasonshift 8
/* [ours] shutdown with SHUTDOWN_poweroff: bits 16-23 carry an exit status (the appliance's
 * first process), which the hypervisor reports and passes on (QEMU's exit status). Xen 2.0
 * guests leave them 0; other reasons refuse a nonzero status with -EINVAL. */
#define SCHEDOP_statusshift 16

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3

/* ---- update_va_mapping (14) -----------------------------------------------------------
 * IN  EBX = page number of the VA (VA >> 12); [ours] a value >= 0xFC000 is taken as the VA
 *     itself. ECX = new PTE (machine frame | flags). EDX = UVMF_* flags.
 * Writes the L1 entry that maps the VA in the current address space, under the L1 rules of
 * ABI §7; flushes the VA's TLB entry when a present entry was replaced or UVMF_INVLPG asks,
 * the whole TLB with UVMF_FLUSH_TLB (inside a multicall, invlpgs wait for its end).
 * OUT EAX = 0.
 * Errors: -EINVAL unknown flags, a VA in the hypervisor's 64 MB, no present L2 entry for the
 *     VA, an L2 entry that does not point at an L1 table in use, or a PTE the L1 rules refuse
 *     (reserved or caching bits, a reference count at its maximum); -EPERM a PTE naming a frame
 *     that is not the guest's, or a writable mapping of a page or descriptor table.
 */
#define UVMF_FLUSH_TLB 1u
#define UVMF_INVLPG 2u
#define UVMF_VA_THRESHOLD 0xFC000u

/* ---- mmu_update (1) (ABI §7) ----------------------------------------------------------
 * IN  EBX = mmu_update_t array, ECX = count, EDX = guest u32 for the success count (or 0).
 * The requests run in order; the first refused one ends the batch. TLB flushes wait for the
 * end of the batch.
 * OUT EAX = 0; [ours] *EDX = the number of requests done (also after a refusal).
 * Errors: -EFAULT the array does not fit the guest or cannot be read, or EDX is not a mapped
 *     writable u32 (checked before any request runs); -EINVAL the first refused request,
 *     whatever its reason (logged): a refused PTE, a frame not the guest's, and each MMUEXT_*
 *     refusal below.
 */
#ifndef __ASSEMBLY__
typedef struct mmu_update {
    uint32_t ptr; /* machine address of the PTE, low two bits = command */
    uint32_t val; /* new value */
} mmu_update_t;
#endif

/* The command is ptr's low two bits. NORMAL: ptr = machine address of a PTE in an L1 or L2
 * table of the guest, val = the new entry (ABI §7's rules for its level). MACHPHYS: M2P[ptr >>
 * 12] = val, for a frame of the guest's (else refused). EXTENDED: val & MMUEXT_CMD_MASK is one
 * of MMUEXT_* below, ptr >> 12 its frame (or ptr & ~3 its address). An unknown command is
 * refused. */
#define MMU_NORMAL_PT_UPDATE 0u
#define MMU_MACHPHYS_UPDATE 2u
#define MMU_EXTENDED_COMMAND 3u
#define MMU_CMD_MASK 3u

/* PIN_L1/L2_TABLE: validate the frame ptr >> 12 as a table of that level and keep it one while
 *     pinned (a type reference). Refused: already pinned, not the guest's, another type in use
 *     (e.g. mapped writable), an entry the rules refuse, a count at its maximum. */
#define MMUEXT_PIN_L1_TABLE 0u
#define MMUEXT_PIN_L2_TABLE 1u
/* UNPIN_TABLE: drop the pin of frame ptr >> 12; the whole TLB is flushed at the batch's end.
 *     Refused: not a pinned table of the guest; the current base pointer (the L2 in CR3). */
#define MMUEXT_UNPIN_TABLE 4u
/* NEW_BASEPTR: load CR3 with the L2 ptr >> 12 (validated as an L2 first, it takes a type
 *     reference; the old L2's is dropped). Refused as PIN_L2_TABLE's validation is. */
#define MMUEXT_NEW_BASEPTR 5u
/* TLB_FLUSH: flush the whole TLB at the end of the batch. Never refused. */
#define MMUEXT_TLB_FLUSH 6u
/* INVLPG: flush the TLB entry of the address ptr & ~3 at the end of the batch. Never refused. */
#define MMUEXT_INVLPG 7u
/* SET_LDT: ptr & ~3 = the LDT's virtual address (page aligned), val >> MMUEXT_CMD_SHIFT = its
 *     entry count (0 = none, at most 8192); each page must be mapped, the guest's, and valid as
 *     descriptors (type LDT). Refused: unaligned, too large, reaching the hypervisor, a page
 *     unmapped, another type in use, a descriptor the rules of ABI §1 refuse. */
#define MMUEXT_SET_LDT 9u
#define MMUEXT_CMD_MASK 0xffu
#define MMUEXT_CMD_SHIFT 8

/* ---- multicall (13) (ABI §3) ----------------------------------------------------------
 * IN  EBX = multicall_entry_t array, ECX = count. Each entry's result lands in args[5].
 * The entries run in order, each as its own hypercall (op taken modulo 32); an entry's error is
 * its result and does not stop the list. A nested multicall gets -EINVAL as its result.
 * OUT EAX = 0.
 * Errors: -EFAULT the array does not fit the guest's writable range, or an entry cannot be
 *     read or its result written (the entries before it have run).
 */
#ifndef __ASSEMBLY__
typedef struct multicall_entry {
    uint32_t op;
    uint32_t args[7]; /* args[0..4] = arguments 1-5, args[5] = result, args[6] unused */
} multicall_entry_t;
#endif
#define MULTICALL_RESULT_ARG 5

/* ---- Virtual IDT (ABI §4) -------------------------------------------------------------
 * set_trap_table (0): IN EBX = array of trap_info_t, ended by an entry with address 0 (at most
 *     1024 entries read). Each entry sets traps[vector]; a fast trap on that vector follows it.
 *     OUT EAX = 0. Errors: -EPERM an entry's cs is not a guest code selector (RPL 1 FLAT_RING1_CS,
 *     a GDT selector outside 256-295, or an LDT selector; the entries before it stay set);
 *     -EFAULT an entry cannot be read; -E2BIG no end within 1024 entries.
 * set_fast_trap (11): IN EBX = vector: 0x80 or 0x20-0x2f, whose traps[] entry then goes into
 *     the real IDT (a trap gate with the entry's DPL, ring 3 entering ring 1 directly); 0 =
 *     none. OUT EAX = 0. Errors: -EINVAL another vector, no handler registered for it, or an
 *     interrupt-gate entry (the CPU could not mask events). A later set_trap_table that makes
 *     the entry unfit removes the fast trap.
 */
#ifndef __ASSEMBLY__
typedef struct trap_info {
    uint8_t vector;
    uint8_t flags; /* bits 0-1: DPL an INT n must satisfy; bit 2: interrupt gate */
    uint16_t cs;
    uint32_t address; /* 0 ends a table passed to set_trap_table */
} __attribute__((packed)) trap_info_t;
#define TI_GET_DPL(ti) ((ti)->flags & 3u)
#define TI_GET_IF(ti) (((ti)->flags & 4u) != 0)
#endif

/* ---- Callbacks, ring-1 stack, FPU, debug registers (ABI §6, §8) -----------------------
 * set_callbacks (4): IN EBX:ECX = event callback cs:eip, EDX:ESI = failsafe callback cs:eip.
 *     OUT EAX = 0. Errors: -EPERM a selector that is not a guest code selector (or above 0xffff).
 *     An eip of 0 means none (events stay pending; a failed return to the guest crashes it).
 * stack_switch (3): IN EBX = ss, ECX = esp: the ring-1 stack the CPU (and a bounce) switches to
 *     on an entry from ring 2 or 3. OUT EAX = 0. Errors: -EPERM ss above 0xffff or [ours] with an
 *     RPL other than 1 (Xen refuses only RPL 0).
 * fpu_taskswitch (5): sets CR0.TS, so the next FPU instruction raises #NM (TRAP_no_device), which
 *     the hypervisor clears TS for before bouncing it. No arguments. OUT EAX = 0. No errors.
 * set_debugreg (8): IN EBX = register 0-3, 6 or 7, ECX = value. OUT EAX = 0. Errors: -EINVAL
 *     another register; -EPERM DR0-3 above 0xFC3FFFFC (the hypervisor's), DR7 with GD or an I/O
 *     breakpoint.
 * get_debugreg (9): IN EBX = register 0-3, 6 or 7. OUT EAX = its value (DR6 as the last #DB
 *     left it). Errors: -EINVAL another register.
 */

/* ---- Descriptor tables (ABI §1, §8) ---------------------------------------------------
 * set_gdt (2): IN EBX = guest array of machine frame numbers, ECX = entries (1-8192; 512 per
 *     frame). Every frame is checked before any is taken, so a refusal leaves the old GDT: it
 *     must be the guest's, not shared_info, not listed twice, not a page table or LDT or mapped
 *     writable, and every descriptor outside the reserved entries 256-295 must pass ABI §1's
 *     rules. The hypervisor fills entries 256-295 of frame 0 and loads it; from then on the
 *     frames are read-only to the guest. OUT EAX = 0. Errors: -EINVAL entries 0 or too many, a
 *     frame listed twice; -EFAULT the list cannot be read; -EPERM a frame refused or a bad
 *     descriptor; -EBUSY a frame's reference count at its maximum.
 * update_descriptor (10): IN EBX = machine address of the descriptor (8-byte aligned), ECX:EDX
 *     = its low and high words. The frame may be one of the GDT's or LDT's in use, or a plain
 *     page of the guest's. OUT EAX = 0. Errors: -EINVAL unaligned; -EPERM a frame not the
 *     guest's (or shared_info), a page table, an entry reserved for the hypervisor, or a
 *     descriptor ABI §1's rules refuse.
 */

/* ---- set_timer_op (15) (ABI §8, §10) --------------------------------------------------
 * IN  EBX:ECX = high:low words of a system time (ns since boot, as shared_info's). VIRQ_TIMER is
 *     raised once when it passes (at once if it already has); 0 cancels. OUT EAX = 0. No errors.
 * ---- event_channel_op (16): public/event_channel.h. netif_op (30): public/netif.h.
 * ---- hv_op (31): public/hv_op.h.
 */

/* ---- vm_assist (21) ------------------------------------------------------------------- */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_writable_pagetables 2

/* ---- Events (ABI §6, §11) ------------------------------------------------------------- */
#define NR_EVENT_CHANNELS 1024u
#define VIRQ_MISDIRECT 0
#define VIRQ_TIMER 1
#define VIRQ_DEBUG 2
#define VIRQ_CONSOLE 3
#define VIRQ_DOM_EXC 4
#define NR_VIRQS 5

/* ---- shared_info_t (ABI §10): one page, one VCPU --------------------------------------- */
#ifndef __ASSEMBLY__
typedef struct shared_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint16_t _pad0;
    uint32_t evtchn_pending[32];
    uint32_t evtchn_pending_sel;
    uint32_t evtchn_mask[32];
    uint64_t cpu_freq;      /* Hz */
    uint32_t time_version1; /* bumped before an update */
    uint32_t time_version2; /* bumped after an update */
    uint64_t tsc_timestamp;
    uint64_t system_time; /* ns since boot at tsc_timestamp */
    uint32_t wc_sec;      /* wall clock at system_time 0 */
    uint32_t wc_usec;
    uint64_t domain_time;
    uint64_t _unused[2];
    uint64_t mfn_to_pfn_start;      /* arch */
    uint64_t pfn_to_mfn_frame_list; /* arch */
} shared_info_t;
#endif

/* ---- start_info_t (ABI §9): address-sized fields padded to 8 bytes -------------------- */
#define MAX_GUEST_CMDLINE 256u
#define SIF_PRIVILEGED 1u
#define SIF_INITDOMAIN 2u

#ifndef __ASSEMBLY__
typedef struct start_info {
    uint32_t nr_pages; /* total pages of the guest */
    uint32_t _pad0;
    uint32_t shared_info; /* machine address; map it with update_va_mapping */
    uint32_t _pad1;
    uint32_t flags; /* SIF_* */
    uint16_t domain_controller_evtchn;
    uint16_t _pad2;
    uint32_t pt_base; /* VA of the L2 */
    uint32_t _pad3;
    uint32_t nr_pt_frames; /* L2 plus bootstrap L1s */
    uint32_t _pad4;
    uint32_t mfn_list; /* VA of the P2M list (u32 machine frame per guest PFN) */
    uint32_t _pad5;
    uint32_t mod_start; /* VA of the first module, 0 if none */
    uint32_t _pad6;
    uint32_t mod_len; /* bytes */
    uint32_t _pad7;
    uint8_t cmd_line[MAX_GUEST_CMDLINE];
} start_info_t;
#endif

/* ---- Layout pins ---------------------------------------------------------------------- */
#ifndef __ASSEMBLY__
#define XEN_ABI_ASSERT_OFFSET(type, field, off) \
    _Static_assert(__builtin_offsetof(type, field) == (off), #type "." #field " offset")

_Static_assert(sizeof(mmu_update_t) == 8, "mmu_update_t size");
_Static_assert(sizeof(multicall_entry_t) == 32, "multicall_entry_t size");
XEN_ABI_ASSERT_OFFSET(multicall_entry_t, args[MULTICALL_RESULT_ARG], 24);
_Static_assert(sizeof(trap_info_t) == 8, "trap_info_t size");
XEN_ABI_ASSERT_OFFSET(trap_info_t, cs, 2);
XEN_ABI_ASSERT_OFFSET(trap_info_t, address, 4);

XEN_ABI_ASSERT_OFFSET(shared_info_t, evtchn_upcall_mask, 1);
XEN_ABI_ASSERT_OFFSET(shared_info_t, evtchn_pending, 4);
XEN_ABI_ASSERT_OFFSET(shared_info_t, evtchn_pending_sel, 132);
XEN_ABI_ASSERT_OFFSET(shared_info_t, evtchn_mask, 136);
XEN_ABI_ASSERT_OFFSET(shared_info_t, cpu_freq, 264);
XEN_ABI_ASSERT_OFFSET(shared_info_t, time_version1, 272);
XEN_ABI_ASSERT_OFFSET(shared_info_t, time_version2, 276);
XEN_ABI_ASSERT_OFFSET(shared_info_t, tsc_timestamp, 280);
XEN_ABI_ASSERT_OFFSET(shared_info_t, system_time, 288);
XEN_ABI_ASSERT_OFFSET(shared_info_t, wc_sec, 296);
XEN_ABI_ASSERT_OFFSET(shared_info_t, wc_usec, 300);
XEN_ABI_ASSERT_OFFSET(shared_info_t, domain_time, 304);
XEN_ABI_ASSERT_OFFSET(shared_info_t, mfn_to_pfn_start, 328);
XEN_ABI_ASSERT_OFFSET(shared_info_t, pfn_to_mfn_frame_list, 336);
_Static_assert(sizeof(shared_info_t) <= XEN_PAGE_SIZE, "shared_info_t fits a page");

_Static_assert(sizeof(start_info_t) == 320, "start_info_t size");
XEN_ABI_ASSERT_OFFSET(start_info_t, shared_info, 8);
XEN_ABI_ASSERT_OFFSET(start_info_t, flags, 16);
XEN_ABI_ASSERT_OFFSET(start_info_t, domain_controller_evtchn, 20);
XEN_ABI_ASSERT_OFFSET(start_info_t, pt_base, 24);
XEN_ABI_ASSERT_OFFSET(start_info_t, nr_pt_frames, 32);
XEN_ABI_ASSERT_OFFSET(start_info_t, mfn_list, 40);
XEN_ABI_ASSERT_OFFSET(start_info_t, mod_start, 48);
XEN_ABI_ASSERT_OFFSET(start_info_t, mod_len, 56);
XEN_ABI_ASSERT_OFFSET(start_info_t, cmd_line, 64);
#endif

#endif /* PUBLIC_XEN_H */
