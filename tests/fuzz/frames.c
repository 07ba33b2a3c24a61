/* The fuzzer's guest frames (it has no kernel memory manager): the P2M from start_info, a free
 * list of the frames outside the bootstrap region, and a few scratch mappings for filling frames
 * before they become tables. Its model (model.c) needs its pool frames mapped nowhere but in
 * its own tables and the scratch slots, which a direct map of every frame would break, so this
 * stays the fuzzer's alone. The scratch slots sit at the top of the last bootstrap L1, above
 * everything the domain builder mapped: where that is depends on the size of the image and of
 * the initramfs, which can fill the first 4 MB on its own. */
#include <pv/console.h>
#include <pv/mmu.h>
#include "frames.h"

#define SCRATCH_SLOTS 16
#define L1_SPAN (4u << 20)

static uint32_t nr_pages, l2_mfn, kernel_l1, scratch_base;
static uint32_t free_stack[32768];
static uint32_t nr_free;

void pfn_init(const start_info_t *si)
{
    guest_p2m = (const uint32_t *)si->mfn_list;
    nr_pages = si->nr_pages;
    l2_mfn = guest_p2m[(si->pt_base - GUEST_VIRT_START) >> 12];
    uint32_t boot_end = (uint32_t)si + 2 * XEN_PAGE_SIZE; /* start_info and the stack page */
    uint32_t window_end = (boot_end + L1_SPAN - 1) & ~(L1_SPAN - 1);
    scratch_base = window_end - SCRATCH_SLOTS * XEN_PAGE_SIZE;
    if (window_end - boot_end < SCRATCH_SLOTS * XEN_PAGE_SIZE)
        printk("fuzz: only %u KB free above the bootstrap region in its last L1: the scratch "
               "mappings would overlap it\n",
               (window_end - boot_end) / 1024);
    kernel_l1 = ((const uint32_t *)si->pt_base)[(window_end - 1) >> 22] >> 12;
    uint32_t first_free = (boot_end - GUEST_VIRT_START) >> 12;
    for (uint32_t pfn = nr_pages; pfn-- > first_free && nr_free < 32768;)
        free_stack[nr_free++] = pfn;
}

uint32_t current_l2_mfn(void)
{
    return l2_mfn;
}
uint32_t kernel_l1_mfn(void)
{
    return kernel_l1;
}

uint32_t pfn_alloc(void)
{
    return nr_free ? free_stack[--nr_free] : 0;
}

uint32_t scratch_va(unsigned slot)
{
    return scratch_base + slot * XEN_PAGE_SIZE;
}

void *scratch_map(unsigned slot, uint32_t pfn)
{
    uint32_t va = scratch_va(slot % SCRATCH_SLOTS);
    int rc = HYPERVISOR_update_va_mapping(
        va >> 12, pfn_to_mfn(pfn) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D, UVMF_INVLPG);
    if (rc)
        printk("scratch_map of pfn %u failed: %d\n", pfn, rc);
    return rc ? 0 : (void *)va;
}

void scratch_unmap(unsigned slot)
{
    HYPERVISOR_update_va_mapping(scratch_va(slot % SCRATCH_SLOTS) >> 12, 0, UVMF_INVLPG);
}
