/* Guest frames for the MMU self-tests, in one of two ways while the families move over to the
 * kernel's memory manager (issue 10):
 *
 * On the kernel's memory manager (the test's entry has SELFTEST_MM, so physmap_init and
 * page_alloc_init ran first): frames come from the page allocator, and scratch mappings are
 * slots of the kmap window (kernel/mm/kmap.c). The tests type these frames (L1, L2, GDT, LDT)
 * and count on them being mapped nowhere else: a writable direct-map entry would make the
 * hypervisor refuse every such type change for that reason instead of the one a check is
 * about. So a frame is taken off the direct map when the tests first get it and kept in a pool
 * of such frames; pfn_free returns it there. The pool is filled in one batch before any test
 * takes its accounting snapshot, so alloc and free never change the hypervisor's counts.
 *
 * On the bootstrap mappings (the others, for now): the P2M from start_info, a free list of the
 * frames outside the bootstrap region, and scratch mappings at the top of the last bootstrap
 * L1, above everything the domain builder mapped: where that is depends on the size of the
 * image and of the initramfs, which can fill the first 4 MB on its own. */
#include <pv/console.h>
#include <pv/mmu.h>
#include <kernel/mm/kmap.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <selftest/bootmm.h>

#define SCRATCH_SLOTS 16
#define BENCH_SLOTS 256
#define L1_SPAN (4u << 20)
/* Frames taken off the direct map up front: the most any test holds at once is
 * test_review_cost.c's batch cost, an L1 for every slot below the hypervisor (1008) and a few
 * more (with 512, test=mmu-review's accounting after the page-table sequences was 500 refs
 * short); then bench=mmu's 256 and an address space. 4.25 MB. */
#define POOL_FILL 1088u

const uint32_t *boot_l2;
static uint32_t nr_pages, l2_mfn, kernel_l1, scratch_base;
static uint32_t free_stack[32768];
static uint32_t nr_free;
static int on_kernel_mm;

/* A frame from the page allocator, its direct-map entry queued for removal; 0 when none. */
static uint32_t take_off_direct_map(void)
{
    uint32_t pfn = pfn_alloc_kernel();

    if (pfn)
        mmu_queue_pte(physmap.l1_mfn[pfn >> 10], pfn & 1023, 0);
    return pfn;
}

static void kernel_mm_init(void)
{
    on_kernel_mm = 1;
    boot_l2 = pfn_to_virt(physmap.boot_l2_pfn);
    l2_mfn = pfn_to_mfn(physmap.boot_l2_pfn);
    if (kmap_init())
        return;
    kernel_l1 = kmap_l1_mfn();
    /* The window's top slots, as the bootstrap layout had them at the top of an L1: the bench's
     * 256 below the scratch slots, and the page after the last scratch slot unmapped. */
    scratch_base = kmap_va(KMAP_SLOTS - SCRATCH_SLOTS);
    while (nr_free < POOL_FILL) {
        uint32_t pfn = take_off_direct_map();
        if (!pfn)
            break;
        free_stack[nr_free++] = pfn;
    }
    if (mmu_flush(0))
        printk("pfn: the hypervisor refused to take the pool's frames off the direct map\n");
}

void pfn_init(const start_info_t *si)
{
    if (physmap.nr_pages) {
        kernel_mm_init();
        return;
    }
    guest_p2m = (const uint32_t *)si->mfn_list;
    nr_pages = si->nr_pages;
    boot_l2 = (const uint32_t *)si->pt_base;
    l2_mfn = guest_p2m[(si->pt_base - GUEST_VIRT_START) >> 12];
    uint32_t boot_end = (uint32_t)si + 2 * XEN_PAGE_SIZE; /* start_info and the stack page */
    uint32_t window_end = (boot_end + L1_SPAN - 1) & ~(L1_SPAN - 1);
    scratch_base = window_end - SCRATCH_SLOTS * XEN_PAGE_SIZE;
    if (window_end - boot_end < (SCRATCH_SLOTS + BENCH_SLOTS) * XEN_PAGE_SIZE)
        printk("pfn: only %u KB free above the bootstrap region in its last L1: the self-tests' "
               "scratch mappings would overlap it\n",
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
    if (nr_free)
        return free_stack[--nr_free];
    if (!on_kernel_mm)
        return 0;
    /* The pool ran dry: one more frame, which changes the accounting of a test running now. */
    static int said;
    if (!said++)
        printk("pfn: the pool of %u frames ran dry: frames now come off the direct map one by "
               "one, and the hypervisor's counts see it\n",
               POOL_FILL);
    uint32_t pfn = take_off_direct_map();
    if (pfn && mmu_flush(0))
        return 0;
    return pfn;
}

void pfn_free(uint32_t pfn)
{
    free_stack[nr_free++] = pfn;
}

uint32_t scratch_va(unsigned slot)
{
    return scratch_base + slot * XEN_PAGE_SIZE;
}

uint32_t bench_va(void)
{
    return scratch_base - BENCH_SLOTS * XEN_PAGE_SIZE;
}

void *scratch_map(unsigned slot, uint32_t pfn)
{
    if (on_kernel_mm)
        return kmap_slot(KMAP_SLOTS - SCRATCH_SLOTS + slot % SCRATCH_SLOTS, pfn_to_mfn(pfn), 1);
    uint32_t va = scratch_va(slot % SCRATCH_SLOTS);
    int rc = HYPERVISOR_update_va_mapping(
        va >> 12, pfn_to_mfn(pfn) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D, UVMF_INVLPG);
    if (rc)
        printk("scratch_map of pfn %u failed: %d\n", pfn, rc);
    return rc ? 0 : (void *)va;
}

void scratch_unmap(unsigned slot)
{
    if (on_kernel_mm) {
        kunmap_slot(KMAP_SLOTS - SCRATCH_SLOTS + slot % SCRATCH_SLOTS);
        return;
    }
    HYPERVISOR_update_va_mapping(scratch_va(slot % SCRATCH_SLOTS) >> 12, 0, UVMF_INVLPG);
}
