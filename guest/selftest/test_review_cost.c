/*
 * test=mmu-review, what requests cost. A huge list whose first request fails must cost what one
 * request costs (no walk of the whole list up front). And how long the hypervisor keeps its
 * timer waiting: shared_info's time stamp moves when it takes its timer interrupt, so a timer
 * due 1 ms into a call shows whether interrupts were taken during it. Batches of cheap requests
 * take it on time; the heaviest request there is (pinning an L2 of 1008 full L1s, about a
 * million entries to validate) and batches of those are measured against that.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/events.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/review.h>
#include <pv/time.h>
#include <lib/string.h>

#define SCR 12        /* scratch slot */
#define HUGE_SLOTS 64 /* 256 MB of list for the cost checks */
/* Instructions (icount) a refused huge list may take. A walk of its 65536 pages would cost
 * millions; the refusal's log line alone costs ~350000 under Bochs, whose UART keeps 115200
 * baud timing (QEMU's does not). */
#define LIST_BUDGET 1000000

static uint32_t mfn(uint32_t pfn)
{
    return pfn_to_mfn(pfn);
}

/* 256 MB of request list, all one frame: a list whose first request fails (mmu_update) or whose
 * first result cannot be written (multicall) must cost what one request costs. */
static void huge_lists(void)
{
    unsigned s = rv_free_slots(HUGE_SLOTS);
    uint32_t z = rv_new_frame(0), own = mfn(z);
    uint32_t l1 = rv_filled_frame(own << 12 | PTE_P | PTE_A, 1024); /* z, read-only, 1024 times */
    uint32_t *p = scratch_map(SCR, z);
    for (unsigned i = 0; i < 1024; i += 2) {
        p[i] = own << 12 | EXT; /* MMUEXT 0xff: no such command */
        p[i + 1] = 0xff;
    }
    scratch_unmap(SCR);
    for (unsigned i = 0; i < HUGE_SLOTS; i++)
        mmu_queue(rv_l2e(s + i), mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A);
    check_eq("huge: one frame as 256 MB of list", mmu_flush(0), 0);

    uint32_t done = 7;
    uint64_t t0 = rdtsc();
    int rc = HYPERVISOR_mmu_update((const mmu_update_t *)(s << 22), HUGE_SLOTS << 19, &done);
    uint64_t t1 = rdtsc();
    printk("huge: mmu_update of 32M requests, the first bad: %d after %u instructions\n", rc,
           (uint32_t)(t1 - t0));
    check_true("huge: mmu_update stops at the first bad request", rc == -XEN_EINVAL && done == 0,
               "%d, done %u", rc, done);
    check_true("huge: ... at the cost of one request", t1 - t0 < LIST_BUDGET,
               "%u instructions (budget %u)", (uint32_t)(t1 - t0), LIST_BUDGET);

    p = scratch_map(SCR, z);
    for (unsigned i = 0; i < 1024; i += 8)
        memset(&p[i], 0, 32), p[i] = __HYPERVISOR_xen_version;
    scratch_unmap(SCR);
    t0 = rdtsc();
    rc = HYPERVISOR_multicall((multicall_entry_t *)(s << 22), HUGE_SLOTS << 17);
    t1 = rdtsc();
    printk("huge: multicall of 8M entries, results unwritable: %d after %u instructions\n", rc,
           (uint32_t)(t1 - t0));
    check_eq("huge: multicall ends at the first unwritable result", rc, -XEN_EFAULT);
    check_true("huge: ... at the cost of one entry", t1 - t0 < LIST_BUDGET,
               "%u instructions (budget %u)", (uint32_t)(t1 - t0), LIST_BUDGET);

    for (unsigned i = 0; i < HUGE_SLOTS; i++)
        mmu_queue(rv_l2e(s + i), 0);
    check_eq("huge: unhooked", mmu_flush(0), 0);
    test_frame_free(l1);
    test_frame_free(z);
}

/* Run one hypercall with the timer due 1 ms in. shared_info's time stamp moves when the
 * hypervisor takes its timer interrupt: with interrupts on, at 1 ms (the cheap batches below
 * show it within ~1500 instructions); held off, only when the call ends. Returns how far into
 * the call (instructions, icount) the stamp moved; *total gets the call's length. */
struct timed {
    uint32_t nr, a1, a2, a3;
};

static uint32_t stamp_during(const struct timed *c, uint32_t *total, int *rc)
{
    volatile shared_info_t *si = HYPERVISOR_shared_info;
    HYPERVISOR_set_timer_op(clock_now() + NSEC_PER_MSEC);
    uint64_t t0 = rdtsc();
    *rc = hypercall3(c->nr, c->a1, c->a2, c->a3);
    uint64_t t1 = rdtsc();
    *total = (uint32_t)(t1 - t0);
    return (uint32_t)(si->tsc_timestamp - t0);
}

static int interrupts_taken(const char *what, const struct timed *c)
{
    uint32_t total;
    int rc;
    uint32_t at = stamp_during(c, &total, &rc);
    printk("note: %s: %d, %u instructions; the timer due 1 ms in was taken %u instructions in\n",
           what, rc, total, at);
    return rc == 0 && at < total / 2;
}

/* The most one request can make the hypervisor do: pin an L2 whose 1008 slots hold distinct
 * L1s, each with 1024 writable mappings (about a million entries validated), or unpin it; and
 * several of those in one batch. Compared with batches of as many cheap requests as fit. */
static void long_requests(void)
{
    static uint32_t l1s[HYPERVISOR_L2_FIRST_SLOT];
    static mmu_update_t heavy[8];
    static multicall_entry_t mc[4];
    uint32_t rwf = PTE_P | PTE_RW | PTE_A | PTE_D;
    uint32_t y = rv_new_frame(0), l2 = rv_new_frame(0), done;
    for (unsigned i = 0; i < HYPERVISOR_L2_FIRST_SLOT; i++)
        l1s[i] = rv_filled_frame(mfn(y) << 12 | rwf, 1024);
    uint32_t *p = scratch_map(SCR, l2);
    for (unsigned i = 0; i < HYPERVISOR_L2_FIRST_SLOT; i++)
        p[i] = mfn(l1s[i]) << 12 | PTE_P | PTE_RW | PTE_A;
    scratch_unmap(SCR);
    for (unsigned i = 0; i < 8; i++)
        heavy[i] =
            (mmu_update_t){mfn(l2) << 12 | EXT, i & 1 ? MMUEXT_UNPIN_TABLE : MMUEXT_PIN_L2_TABLE};
    for (unsigned i = 0; i < 4; i++)
        mc[i] = (multicall_entry_t){__HYPERVISOR_mmu_update, {(uint32_t)&heavy[i], 1}};

    const struct timed pin1 = {__HYPERVISOR_mmu_update, (uint32_t)&heavy[0], 1, 0};
    const struct timed unpin1 = {__HYPERVISOR_mmu_update, (uint32_t)&heavy[1], 1, 0};
    const struct timed batch8 = {__HYPERVISOR_mmu_update, (uint32_t)heavy, 8, (uint32_t)&done};
    const struct timed multi4 = {__HYPERVISOR_multicall, (uint32_t)mc, 4, 0};
    interrupts_taken("one pin of an L2 of 1008 full L1s", &pin1);
    interrupts_taken("its unpin", &unpin1);
    check_true("long: 4 pins/unpins in one mmu_update: the timer is taken before the end",
               interrupts_taken("4 pins and 4 unpins in one mmu_update", &batch8), "%s",
               "held off to the end");
    check_true("long: 2 pins/unpins in one multicall: the timer is taken before the end",
               interrupts_taken("2 pins and 2 unpins in one multicall", &multi4), "%s",
               "held off to the end");

    /* Cheap batches for comparison: 131071 xen_version entries (one frame of them mapped 1023
     * times, then hv_op), 524288 M2P updates of one frame (the same frame mapped 1024 times). */
    unsigned slot = rv_free_slots(1);
    uint32_t z = rv_new_frame(0), zl1 = rv_filled_frame(mfn(z) << 12 | rwf, 1024);
    multicall_entry_t *m = scratch_map(SCR, z);
    for (unsigned i = 0; i < 128; i++)
        m[i] = (multicall_entry_t){__HYPERVISOR_xen_version, {0}};
    scratch_unmap(SCR);
    rv_mmu1(rv_l2e(slot), mfn(zl1) << 12 | PTE_P | PTE_RW | PTE_A);
    const struct timed cheap_mc = {__HYPERVISOR_multicall, slot << 22, 131072, 0};
    check_true("long: a multicall of 131072 cheap entries takes the timer on time",
               interrupts_taken("131072 xen_version entries in one multicall", &cheap_mc), "%s",
               "held off to the end");
    mmu_update_t *q = scratch_map(SCR, z);
    for (unsigned i = 0; i < 512; i++)
        q[i] = (mmu_update_t){mfn(y) << 12 | MMU_MACHPHYS_UPDATE, y};
    scratch_unmap(SCR);
    const struct timed cheap_mmu = {__HYPERVISOR_mmu_update, slot << 22, 524288, (uint32_t)&done};
    check_true("long: an mmu_update of 524288 cheap requests takes the timer on time",
               interrupts_taken("524288 M2P updates in one mmu_update", &cheap_mmu), "%s",
               "held off to the end");
    rv_mmu1(rv_l2e(slot), 0);
    test_frame_free(zl1);
    test_frame_free(z);
    for (unsigned i = 0; i < HYPERVISOR_L2_FIRST_SLOT; i++)
        test_frame_free(l1s[i]);
    test_frame_free(l2);
    test_frame_free(y);
}

void review_costs(void)
{
    huge_lists();
    long_requests();
}
