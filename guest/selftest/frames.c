/*
 * Frames and scratch mappings for the MMU self-tests, on the kernel's memory manager (their
 * entries have SELFTEST_MM, so physmap_init and page_alloc_init ran first).
 *
 * The tests make these frames page tables, GDT and LDT frames, and count on them being mapped
 * nowhere else: a writable direct-map entry would make the hypervisor refuse every such type
 * change for that reason instead of the one a check is about (with the frames left in the
 * direct map, 2 of test=mmu's 9 checks and 15 of mmu-attacks' 74 fail that way). So the frames
 * come from the page allocator and are taken off the direct map, all in one batch at the start,
 * into a pool the tests take from and give back to: no test's accounting snapshot sees a frame
 * come or go. The tests fill and read the frames through scratch slots of the kmap window
 * (kernel/mm/kmap.c); bench=mmu times its page-table updates on 256 slots below those.
 */
#include <pv/console.h>
#include <pv/mmu.h>
#include <kernel/mm/kmap.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <selftest/check.h>
#include <selftest/frames.h>

#define SCRATCH_SLOTS 16
/* The window's top slots (the page after them is in no L1); the bench's below. */
#define SCRATCH_FIRST (KMAP_SLOTS - SCRATCH_SLOTS)
/* The most any test holds at once: test_review_cost.c's batch cost, an L1 for every slot below
 * the hypervisor (1008), and a few more (with 512, test=mmu-review's accounting after the
 * page-table sequences was 500 refs short); then bench=mmu's 256 and an address space. 4.25 MB. */
#define POOL_SIZE 1088u

const uint32_t *boot_l2;
static uint32_t pool[POOL_SIZE];
static uint32_t nr_free;

int test_frames_init(void)
{
    if (!physmap.nr_pages) {
        printk("test frames: the kernel's memory manager is not set up (SELFTEST_MM missing)\n");
        return -XEN_EINVAL;
    }
    boot_l2 = pfn_to_virt(physmap.boot_l2_pfn);
    int rc = kmap_init();
    if (rc)
        return rc;
    while (nr_free < POOL_SIZE) {
        uint32_t pfn = pfn_alloc_kernel();
        if (!pfn)
            break;
        mmu_queue_pte(physmap.l1_mfn[pfn >> 10], pfn & 1023, 0);
        pool[nr_free++] = pfn;
    }
    rc = mmu_flush(0);
    if (rc)
        printk("test frames: the hypervisor refused to take the pool off the direct map: %d\n", rc);
    return rc;
}

int test_frames_begin(const char *name)
{
    check_begin();
    int rc = test_frames_init();
    if (rc)
        printk("%s: FAILED: no test frames\n", name);
    return rc;
}

uint32_t current_l2_mfn(void)
{
    return pfn_to_mfn(physmap.boot_l2_pfn);
}

uint32_t kernel_l1_mfn(void)
{
    return kmap_l1_mfn();
}

uint32_t test_frame_alloc(void)
{
    static int said;

    if (nr_free)
        return pool[--nr_free];
    if (!said++)
        printk("test frames: the pool of %u frames ran dry\n", POOL_SIZE);
    return 0;
}

void test_frame_free(uint32_t pfn)
{
    if (nr_free < POOL_SIZE)
        pool[nr_free++] = pfn;
}

uint32_t scratch_va(unsigned slot)
{
    return kmap_va(SCRATCH_FIRST + slot % SCRATCH_SLOTS);
}

uint32_t bench_va(void)
{
    return kmap_va(SCRATCH_FIRST - BENCH_SLOTS);
}

void *scratch_map(unsigned slot, uint32_t pfn)
{
    return kmap_slot(SCRATCH_FIRST + slot % SCRATCH_SLOTS, pfn_to_mfn(pfn), 1);
}

void scratch_unmap(unsigned slot)
{
    kunmap_slot(SCRATCH_FIRST + slot % SCRATCH_SLOTS);
}
