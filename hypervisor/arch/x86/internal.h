/* Functions and tables that one x86 file provides to another and nothing else uses. They are
 * named x86_*, so that arch_* means exactly the interface of hv/arch.h (and of the device and
 * time hooks in hv/io.h and hv/time.h) that the core calls. The bounce path's own helpers are
 * in bounce.h, the descriptor encoding in desc.h, the instructions in x86.h. */
#ifndef X86_INTERNAL_H
#define X86_INTERNAL_H

#include <stdint.h>
#include "desc.h"
#include "layout.h"

/* The hypervisor's GDT (desc_tables.c). */
extern struct desc gdt[HV_GDT_ENTRIES];

/* Map (mfn != 0) or unmap one page of the GDT/LDT windows (paging.c). */
void x86_map_window_page(uint32_t va, uint32_t mfn);
/* Keep the reserved entry e equal in the hypervisor's GDT and the guest's frame 0 (guest_gdt.c). */
void x86_set_reserved_gdt_entry(unsigned e, struct desc v);
/* 1 if the 8259's in-service bit of line irq is set: a real interrupt, not a spurious 7 or 15
 * (cpu.c). */
int x86_pic_in_service(unsigned irq);

/* The hypervisor's TSS (desc_tables.c). */
struct tss {
    uint16_t link, _r0;
    uint32_t esp0;
    uint16_t ss0, _r1;
    uint32_t esp1;
    uint16_t ss1, _r2;
    uint32_t esp2;
    uint16_t ss2, _r3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, _r4, cs, _r5, ss, _r6, ds, _r7, fs, _r8, gs, _r9, ldt, _r10;
    uint16_t trap, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS size");

extern struct tss x86_tss;
/* The TSS's ring-1 stack (ss1/esp1): stack_switch and the domain builder. Inline: it is half of
 * every context switch. */
static inline void x86_set_guest_stack(uint16_t ss, uint32_t esp)
{
    x86_tss.ss1 = ss;
    x86_tss.esp1 = esp;
}
/* Gates of the real IDT (desc_tables.c): the fast trap's, and back to the hypervisor's stub. */
void x86_idt_set_trap_gate(unsigned vec, uint16_t cs, uint32_t eip, unsigned dpl);
void x86_idt_reset_gate(unsigned vec);
/* The fast trap (fast_trap.c): removed, or its gate rewritten from traps[fast_trap]. */
struct domain;
void x86_fast_trap_reset(struct domain *d);
void x86_fast_trap_refresh(struct domain *d);
void x86_load_debugreg(unsigned reg, uint32_t value);  /* DR0-3, DR6, DR7 (cpu.c) */
uint32_t x86_read_l2e(uint32_t l2_mfn, unsigned slot); /* an entry of a guest L2 (paging.c) */
/* Start the guest with this frame, on the top of the hypervisor stack (entry.S). */
struct cpu_regs;
void x86_enter_frame(struct cpu_regs *frame) __attribute__((noreturn));

#endif
