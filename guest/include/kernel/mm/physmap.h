/* The direct map: once physmap_init has run, every guest frame (pfn) is mapped at
 * GUEST_VIRT_START + pfn * 4 KB, writable, except frames that are page tables (read-only, as
 * the hypervisor demands). The kernel half of every address space (L2 slots 768-1007) is
 * the boot L2's, shared. */
#ifndef GUEST_PHYSMAP_H
#define GUEST_PHYSMAP_H

#include <stdint.h>
#include <public/xen.h>
#include <pv/mmu.h> /* pfn_to_mfn, the batch queue */

#define KERNEL_BASE 0xC0000000u
#define DIRECTMAP_MAX_PAGES \
    ((HYPERVISOR_VIRT_START - KERNEL_BASE) >> 12)          /* up to the hypervisor hole */
#define MACH2PHYS ((const uint32_t *)MACH2PHYS_VIRT_START) /* read-only M2P (ABI §1) */

struct physmap {
    uint32_t nr_pages;    /* guest frames mapped */
    uint32_t first_free;  /* frames below this are the domain builder's bootstrap region */
    uint32_t boot_l2_pfn; /* the boot L2: the kernel's own address space */
    uint32_t nr_l1;       /* kernel L1s: one per 4 MB of the direct map */
    uint32_t l1_mfn[256]; /* the L1 that maps chunk c (pfns c*1024 ...) */
    uint32_t reserved_lo; /* [reserved_lo, nr_pages): frames taken for those L1s */
};
extern struct physmap physmap;

/* Build the direct map over the bootstrap mappings. 0 or -errno (reported). */
int physmap_init(const start_info_t *si);

static inline void *pfn_to_virt(uint32_t pfn)
{
    return (void *)(KERNEL_BASE + (pfn << 12));
}
static inline uint32_t virt_to_pfn(const void *va)
{
    return ((uint32_t)va - KERNEL_BASE) >> 12;
}
static inline uint32_t mfn_to_pfn(uint32_t mfn)
{
    return MACH2PHYS[mfn];
}
/* Queue (pv/mmu.h batch) the direct-map entry of pfn: writable or read-only. */
void physmap_queue_protect(uint32_t pfn, int writable);

#endif
