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

#endif
