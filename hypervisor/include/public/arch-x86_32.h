/*
 * public/arch-x86_32.h: the x86 facts the ABI is written in, for the hypervisor, the guest and
 * the tests alike (included by public/xen.h). Page-table entries (ABI §7): the bits a guest
 * writes through mmu_update / update_va_mapping and the hypervisor validates. Exception vectors
 * (ABI §4): the numbers of set_trap_table's entries 0-19 and of what the hypervisor bounces.
 * Assembler-safe: plain numbers, no C.
 */
#ifndef PUBLIC_ARCH_X86_32_H
#define PUBLIC_ARCH_X86_32_H

/* ---- Page-table entries (2-level, 4 KB pages) ---------------------------------------- */
#define PTE_P 0x001   /* present */
#define PTE_RW 0x002  /* writable */
#define PTE_US 0x004  /* user (ring 3) */
#define PTE_PWT 0x008 /* write-through: refused (ABI §7) */
#define PTE_PCD 0x010 /* cache disable: refused */
#define PTE_A 0x020   /* accessed */
#define PTE_D 0x040   /* dirty */
#define PTE_PSE 0x080 /* in an L2 entry: a 4 MB page, refused */
#define PTE_PAT 0x080 /* in an L1 entry: refused */
#define PTE_G 0x100   /* global: refused */
#define PTE_FRAME_MASK 0xFFFFF000

/* ---- Exception vectors ---------------------------------------------------------------- */
#define TRAP_divide_error 0
#define TRAP_debug 1
#define TRAP_nmi 2
#define TRAP_int3 3
#define TRAP_overflow 4
#define TRAP_bounds 5
#define TRAP_invalid_op 6
#define TRAP_no_device 7
#define TRAP_double_fault 8
#define TRAP_copro_seg 9
#define TRAP_invalid_tss 10
#define TRAP_no_segment 11
#define TRAP_stack_error 12
#define TRAP_gp_fault 13
#define TRAP_page_fault 14
#define TRAP_copro_error 16
#define TRAP_alignment_check 17
#define TRAP_machine_check 18
#define TRAP_simd_error 19
#define TRAP_control_protection 21
#define NR_EXCEPTION_VECTORS 32 /* 0-31: the CPU's; above: software and device interrupts */

#endif
