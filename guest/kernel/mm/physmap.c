/*
 * The direct map, built once at boot over what the domain builder left (ABI §9): it mapped
 * only the bootstrap region [v_start, stack page], with one L1 per 4 MB it touches. Here the
 * remaining frames of those chunks get their entries (one mmu_update batch), and every further
 * 4 MB chunk gets an L1 of its own. Those L1 frames are taken from the top of memory, filled
 * through a scratch mapping (the builder's stack page, unused once head.S moved to its own
 * stack) and hooked into the boot L2, which the hypervisor validates entry by entry. Frames
 * that are page tables appear read-only in the map: the builder's tables already are, and the
 * new L1s map themselves (and each other) read-only.
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <kernel/mm/physmap.h>
#include <lib/string.h>
#include <lib/errno_names.h>

struct physmap physmap;
static uint32_t build_va; /* the builder's stack page, reused while the map is built */

/* start_info.mfn_list (pv/mmu.h) */
const uint32_t *guest_p2m;

static int is_new_l1(uint32_t pfn)
{
    return pfn >= physmap.reserved_lo && pfn < physmap.nr_pages;
}

static uint32_t direct_pte(uint32_t pfn)
{
    uint32_t pte = pfn_to_mfn(pfn) << 12 | PTE_P | PTE_A;

    return is_new_l1(pfn) ? pte : pte | PTE_RW | PTE_D;
}

void physmap_queue_protect(uint32_t pfn, int writable)
{
    uint32_t pte = pfn_to_mfn(pfn) << 12 | PTE_P | PTE_A | (writable ? PTE_RW | PTE_D : 0);

    mmu_queue_pte(physmap.l1_mfn[pfn >> 10], pfn & 1023, pte);
}

/* Chunk c has a bootstrap L1: add the entries of its frames above the bootstrap region. */
static int extend_boot_chunk(uint32_t c)
{
    uint32_t first = c * 1024, end = first + 1024;

    if (first < physmap.first_free)
        first = physmap.first_free;
    if (end > physmap.nr_pages)
        end = physmap.nr_pages;
    for (uint32_t pfn = first; pfn < end; pfn++)
        mmu_queue_pte(physmap.l1_mfn[c], pfn & 1023, direct_pte(pfn));
    return mmu_flush(0);
}

/* Chunk c has no L1 yet: fill frame l1_pfn with its entries, then hook it into the boot L2. */
static int new_chunk(uint32_t c, uint32_t l1_pfn)
{
    uint32_t mfn = pfn_to_mfn(l1_pfn), first = c * 1024, *l1 = (uint32_t *)build_va;
    int rc = HYPERVISOR_update_va_mapping(build_va >> 12,
                                          mfn << 12 | PTE_P | PTE_RW | PTE_A | PTE_D, UVMF_INVLPG);
    if (rc)
        return rc;
    memset(l1, 0, XEN_PAGE_SIZE);
    for (uint32_t i = 0; i < 1024 && first + i < physmap.nr_pages; i++)
        l1[i] = direct_pte(first + i);
    rc = HYPERVISOR_update_va_mapping(build_va >> 12, 0, UVMF_INVLPG);
    if (rc)
        return rc;
    physmap.l1_mfn[c] = mfn;
    mmu_queue_pte(pfn_to_mfn(physmap.boot_l2_pfn), KERNEL_L2_FIRST + c,
                  mfn << 12 | PTE_P | PTE_RW | PTE_A);
    return mmu_flush(0);
}

int physmap_init(const start_info_t *si)
{
    const uint32_t *l2 = (const uint32_t *)si->pt_base;
    uint32_t stack_pfn = ((uint32_t)si - KERNEL_BASE) / XEN_PAGE_SIZE + 1;
    int rc = 0;

    guest_p2m = (const uint32_t *)si->mfn_list;
    physmap.nr_pages = si->nr_pages < DIRECTMAP_MAX_PAGES ? si->nr_pages : DIRECTMAP_MAX_PAGES;
    physmap.first_free = stack_pfn + 1;
    physmap.boot_l2_pfn = (si->pt_base - KERNEL_BASE) >> 12;
    physmap.nr_l1 = (physmap.nr_pages + 1023) / 1024;
    build_va = KERNEL_BASE + stack_pfn * XEN_PAGE_SIZE;

    uint32_t missing = 0;
    for (uint32_t c = 0; c < physmap.nr_l1; c++) {
        if (l2[KERNEL_L2_FIRST + c] & PTE_P)
            physmap.l1_mfn[c] = l2[KERNEL_L2_FIRST + c] >> 12;
        else
            missing++;
    }
    physmap.reserved_lo = physmap.nr_pages - missing;
    if (physmap.reserved_lo <= physmap.first_free) {
        printk("error: no memory for the direct map's page tables\n");
        return -ENOMEM;
    }
    /* First the chunks the builder mapped (their new entries include no L1 frame: those are at
     * the top), then one new L1 per remaining chunk, in order. */
    for (uint32_t c = 0; c < physmap.nr_l1 && !rc; c++)
        if (physmap.l1_mfn[c])
            rc = extend_boot_chunk(c);
    uint32_t next_l1 = physmap.reserved_lo;
    for (uint32_t c = 0; c < physmap.nr_l1 && !rc; c++)
        if (!physmap.l1_mfn[c])
            rc = new_chunk(c, next_l1++);
    /* The scratch page is the stack frame's own address: map it back. */
    if (!rc)
        rc = HYPERVISOR_update_va_mapping(build_va >> 12, direct_pte(stack_pfn), UVMF_INVLPG);
    if (rc) {
        printk("error: building the direct map failed: %s\n", errno_name(rc));
        return rc;
    }
    printk("memory: %u pages (%u MB) direct-mapped at %#x, %u kernel L1s (%u new)\n",
           physmap.nr_pages, physmap.nr_pages >> 8, KERNEL_BASE, physmap.nr_l1, missing);
    return 0;
}
