/*
 * The hypervisor's virtual layout inside the top 64 MB (L2 slots 1008-1023), shared by
 * the boot code (assembly), the linker script and C. Every slot is backed by an L1 from
 * boot on, so a guest L2 copied at validation time never misses a later hypervisor mapping.
 */
#ifndef X86_LAYOUT_H
#define X86_LAYOUT_H

/* 0xFC000000-0xFC3FFFFF: the guest-readable M2P (slot 1008). */
#define M2P_VIRT_START 0xFC000000
/* 0xFC400000-0xFE3FFFFF: machine memory 0-32 MB mapped one to one (slots 1009-1016). */
#define DIRECTMAP_VIRT_START 0xFC400000
#define DIRECTMAP_SIZE 0x02000000
#define DIRECTMAP_L1_COUNT 8
/* 0xFE400000-0xFE7FFFFF: the linear page table (slot 1017): in every validated L2 this slot
 * maps the L2 itself, supervisor-only and writable, so the current address space's L1 entry
 * for va is at LINEAR_PT_VIRT_START + (va >> 12) * 4 and its L2 entry for va at
 * LINEAR_L2_VIRT_START + (va >> 22) * 4 (paging.c's essay; docs/hypervisor.md). */
#define LINEAR_PT_VIRT_START 0xFE400000
#define LINEAR_PT_SLOT 1017
#define LINEAR_L2_VIRT_START (LINEAR_PT_VIRT_START + (LINEAR_PT_SLOT << 12))
/* 0xFE800000-0xFFBDFFFF: vmap area for boot modules and device registers (slots 1018-1022),
 * then 16 pages for the guest's LDT frames (SET_LDT) and 16 for its GDT frames (set_gdt). */
#define VMAP_VIRT_START 0xFE800000
#define VMAP_VIRT_END 0xFFBE0000
#define LDT_VIRT_START 0xFFBE0000
#define LDT_MAX_FRAMES 16
#define GDT_VIRT_START 0xFFBF0000
#define GDT_MAX_FRAMES 16
#define VMAP_AREA_END 0xFFC00000
/* 0xFFC00000-0xFFFFFFFF: one-frame mapping window (slot 1023). */
#define MAPWIN_VIRT_START 0xFFC00000
#define MAPWIN_SLOTS 1024

#define HV_L2_FIRST_SLOT 1008
#define HV_L2_SLOTS 16

/* Where the image is loaded (machine) and linked (virtual, through the direct map). */
#define HV_LOAD_PHYS 0x00100000
#define HV_VIRT(pa) ((pa) + DIRECTMAP_VIRT_START)
#define HV_PHYS(va) ((va)-DIRECTMAP_VIRT_START)

/* Hypervisor selectors (ABI §1) and its TSS (first free entry, 264). */
#define HV_CS 0x0808
#define HV_DS 0x0810
#define HV_TSS_ENTRY 264
#define HV_TSS_SEL (HV_TSS_ENTRY * 8)
#define HV_LDT_ENTRY 265 /* the guest's LDT, when it has one */
#define HV_LDT_SEL (HV_LDT_ENTRY * 8)
#define HV_GDT_ENTRIES 512 /* one page: guest part 0-255, reserved 256-295, rest free */

#define HV_STACK_SIZE 16384

/* failsafe_reload (entry.S -> do_failsafe): which step of the return to the guest faulted. */
#define FAILSAFE_DS 0
#define FAILSAFE_ES 1
#define FAILSAFE_FS 2
#define FAILSAFE_GS 3
#define FAILSAFE_IRET 4

/* Hardware interrupt vectors: above 0x20-0x2f, which guests may claim for a fast trap. */
#define IRQ_VECTOR_BASE 0x30
#define NR_IRQ_VECTORS 16
#define IRQ_TIMER 0 /* PIT channel 0 */
#define IRQ_COM1 4

#endif
