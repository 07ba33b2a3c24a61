/* The kmap window (kernel/mm/kmap.c): a machine frame mapped at a fixed virtual slot of the
 * kernel half, for code that must see a frame somewhere other than the direct map: a frame
 * taken off the direct map, or one the kernel does not own. One L1, hooked at L2 slot
 * KMAP_L2_SLOT of the boot L2, so KMAP_SLOTS pages from KMAP_BASE. */
#ifndef GUEST_KMAP_H
#define GUEST_KMAP_H

#include <stdint.h>

#define KMAP_L2_SLOT 1006u /* 0xFB800000; slot 1007, just below the hypervisor, stays free */
#define KMAP_BASE (KMAP_L2_SLOT << 22)
#define KMAP_SLOTS 1024u

/* Make the window's L1 (a frame from the page allocator, after page_alloc_init). 0 or -errno
 * (reported): -EBUSY when the direct map reaches the slot (a guest of over 952 MB). */
int kmap_init(void);
/* Map machine frame mfn at slot (writable or read-only), with the TLB entry invalidated: its
 * address, or 0 when the hypervisor refuses (reported). */
void *kmap_slot(unsigned slot, uint32_t mfn, int writable);
void kunmap_slot(unsigned slot); /* empty again, TLB entry invalidated */
uint32_t kmap_l1_mfn(void);      /* the window's L1, for callers that batch its entries */

static inline uint32_t kmap_va(unsigned slot)
{
    return KMAP_BASE + (slot % KMAP_SLOTS) * 4096u;
}

#endif
