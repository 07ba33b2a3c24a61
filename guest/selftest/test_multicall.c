/*
 * test=mmu-multicall: the multicall's own checks (ABI §3) as arch/x86/entry.S's loop makes
 * them, each with its errno (the scenario adds the log lines): the list's range at its edges
 * (the count's bound, the end at HYPERVISOR_VIRT_START, 32 n wrapping, the list wrapping),
 * entries that run into an unmapped page just past the words their handler uses (refused
 * before they run), a result slot on a read-only page after an entry that ran, nested
 * multicalls at entry 0 and past an interrupt window, a batch longer than two windows with
 * handlers of every argument count, and hv_op's counters (a batch counts when it ran, not when
 * it was refused or ended by a fault; a nested entry is not a multicall); that the deferral of
 * invalidations ends with the batch; and stack_switch's refusals, alone and as entries.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/review.h>
#include <kernel/selftest_table.h>
#include <lib/string.h>

#define M2P ((const volatile uint32_t *)HYPERVISOR_VIRT_START) /* read-only to the guest */
#define VERSION 0x20000                                        /* xen_version's answer */
#define UNSET 0xdeadbeefu
#define LONG 40 /* entries: past two interrupt windows (every 16) */

static hv_stats_t seen;

/* The multicall counters moved by exactly this since the last call: batches, entries, and the
 * per-number counts of multicall (traps only) and xen_version (entries too). */
static void counted(const char *what, uint32_t batches, uint32_t entries, uint32_t n13,
                    uint32_t n17)
{
    static hv_stats_t now;
    HYPERVISOR_hv_stats(&now);
    check_true(
        what,
        now.multicall_batches - seen.multicall_batches == batches &&
            now.multicall_entries - seen.multicall_entries == entries &&
            now.hypercalls[__HYPERVISOR_multicall] - seen.hypercalls[__HYPERVISOR_multicall] ==
                n13 &&
            now.hypercalls[__HYPERVISOR_xen_version] - seen.hypercalls[__HYPERVISOR_xen_version] ==
                n17,
        "batches +%u, entries +%u, multicall +%u, xen_version +%u",
        now.multicall_batches - seen.multicall_batches,
        now.multicall_entries - seen.multicall_entries,
        now.hypercalls[__HYPERVISOR_multicall] - seen.hypercalls[__HYPERVISOR_multicall],
        now.hypercalls[__HYPERVISOR_xen_version] - seen.hypercalls[__HYPERVISOR_xen_version]);
    seen = now;
}

static multicall_entry_t entry(uint32_t op, uint32_t a0)
{
    return (multicall_entry_t){op, {a0, 0, 0, 0, 0, UNSET, 0}};
}

static int result(const multicall_entry_t *e)
{
    return (int)e->args[MULTICALL_RESULT_ARG];
}

/* Refused before any entry runs: -EFAULT, "N entries do not fit the guest". Where the list is
 * in range but unmapped, the first entry is unreadable instead. */
static void ranges(void)
{
    static multicall_entry_t m[2];
    m[0] = m[1] = entry(__HYPERVISOR_xen_version, 0);
    check_eq("n = 0", HYPERVISOR_multicall(m, 0), 0);
    counted("n = 0: a batch of no entries", 1, 0, 1, 0);
    check_eq("n = 0 with the list in the hypervisor", HYPERVISOR_multicall((void *)HOLE, 0),
             -XEN_EFAULT);
    check_eq("list ending 32 bytes past HYPERVISOR_VIRT_START",
             HYPERVISOR_multicall((void *)(HYPERVISOR_VIRT_START - 32), 2), -XEN_EFAULT);
    check_eq("list ending 16 bytes past HYPERVISOR_VIRT_START",
             HYPERVISOR_multicall((void *)(HYPERVISOR_VIRT_START - 16), 1), -XEN_EFAULT);
    check_eq("one entry more than fit below the hypervisor",
             HYPERVISOR_multicall(0, HYPERVISOR_VIRT_START / 32 + 1), -XEN_EFAULT);
    check_eq("a count whose 32 n wraps to 0", HYPERVISOR_multicall(m, 0x08000000u), -XEN_EFAULT);
    check_eq("a count of 0xffffffff", HYPERVISOR_multicall(m, 0xffffffffu), -XEN_EFAULT);
    check_eq("a list wrapping 4 GB", HYPERVISOR_multicall((void *)0xFFFFFFE0u, 2), -XEN_EFAULT);
    counted("refused lists: not counted", 0, 0, 7, 0);
    /* In range up to HYPERVISOR_VIRT_START exactly: its first entry is read (and unreadable)
     * when nothing maps it (the boot L2's slot empty; otherwise not tried: it might run). */
    unsigned tried = 0;
    if (!(boot_l2[(HYPERVISOR_VIRT_START - 32) >> 22] & PTE_P) && ++tried)
        check_eq("list ending at HYPERVISOR_VIRT_START: in range, entry 0 unreadable",
                 HYPERVISOR_multicall((void *)(HYPERVISOR_VIRT_START - 32), 1), -XEN_EFAULT);
    else
        printk("mmu-multicall: the page below HYPERVISOR_VIRT_START is mapped: not tried\n");
    if (!(boot_l2[0] & PTE_P) && ++tried)
        check_eq("the most entries (from 0 up to HYPERVISOR_VIRT_START): entry 0 unreadable",
                 HYPERVISOR_multicall(0, HYPERVISOR_VIRT_START / 32), -XEN_EFAULT);
    else
        printk("mmu-multicall: page 0 is mapped: not tried\n");
    counted("faulted lists: not counted", 0, 0, tried, 0);
}

/* Page 12 of the scratch slots mapped, 13 unmapped: entries that end on 13. An entry must be
 * refused unreadable, before it runs, whenever any of its bytes 0-23 (op and args[0..4]) cannot
 * be read, also when its handler takes fewer arguments. */
static void straddles(void)
{
    uint32_t pfn = test_frame_alloc(), junk = test_frame_alloc(), ro = test_frame_alloc();
    uint8_t *p = scratch_map(12, pfn);
    scratch_unmap(13);
    memset(p, 0, XEN_PAGE_SIZE);
    uint32_t end = scratch_va(13), old = M2P[pfn_to_mfn(junk)];

    /* mmu_update (3 arguments): op and args[0..3] readable, args[4] not. Had it run, its
     * request would have set junk's M2P entry. */
    static mmu_update_t req;
    req = (mmu_update_t){pfn_to_mfn(junk) << 12 | MMU_MACHPHYS_UPDATE, 0x54321};
    uint32_t *w = (uint32_t *)(end - 20);
    w[0] = __HYPERVISOR_mmu_update, w[1] = (uint32_t)&req, w[2] = 1, w[3] = 0, w[4] = 0;
    check_eq("mmu_update entry with args[4] unmapped",
             HYPERVISOR_multicall((multicall_entry_t *)w, 1), -XEN_EFAULT);
    check_eq("it did not run (junk's M2P entry)", (int)M2P[pfn_to_mfn(junk)], (int)old);
    rv_mmu1(pfn_to_mfn(junk) << 12 | MMU_MACHPHYS_UPDATE, old);

    /* stack_switch (2 arguments): op and args[0..1] readable. Had it run, its selector (RPL 0)
     * would have been refused with a log line the scenario forbids. */
    w = (uint32_t *)(end - 12);
    w[0] = __HYPERVISOR_stack_switch, w[1] = 0x10, w[2] = 0;
    check_eq("stack_switch entry with args[2] unmapped",
             HYPERVISOR_multicall((multicall_entry_t *)w, 1), -XEN_EFAULT);
    /* The op's last three bytes unmapped: its number (the first byte) is readable. */
    p[XEN_PAGE_SIZE - 1] = __HYPERVISOR_xen_version;
    check_eq("entry with its op's bytes 1-3 unmapped (xen_version)",
             HYPERVISOR_multicall((multicall_entry_t *)(end - 1), 1), -XEN_EFAULT);
    p[XEN_PAGE_SIZE - 1] = __HYPERVISOR_multicall;
    check_eq("entry with its op's bytes 1-3 unmapped (multicall)",
             HYPERVISOR_multicall((multicall_entry_t *)(end - 1), 1), -XEN_EFAULT);
    /* (An entry whose number was read is counted under that number, as before the loop was
     * assembly: the xen_version one.) */
    counted("entries unreadable: not counted", 0, 0, 4, 1);

    /* Entry 0 on the writable page, entry 1 on a read-only one: entry 1 runs, its result
     * cannot be written. */
    multicall_entry_t *m = (multicall_entry_t *)(end - 32);
    *m = entry(__HYPERVISOR_xen_version, 0);
    multicall_entry_t *r = scratch_map(13, ro);
    *r = entry(__HYPERVISOR_xen_version, 0);
    rv_uvm(end, pfn_to_mfn(ro) << 12 | PTE_P);
    check_eq("result of entry 1 on a read-only page", HYPERVISOR_multicall(m, 2), -XEN_EFAULT);
    check_eq("entry 0 ran", result(m), VERSION);
    check_eq("entry 1's result slot kept its value", result(r), (int)UNSET);
    counted("a result unwritable: not counted, both entries ran", 0, 0, 1, 2);

    scratch_unmap(13);
    scratch_unmap(12);
    test_frame_free(ro);
    test_frame_free(junk);
    test_frame_free(pfn);
}

/* A batch past two interrupt windows with handlers of 5 (xen_version), 3 (update_va_mapping,
 * refused: an address in the hypervisor hole) and 0 (a nested multicall's refusal) arguments;
 * every result where it belongs. Then a nested multicall as entry 0. */
static void batches(void)
{
    static multicall_entry_t m[LONG];
    unsigned versions = 0;
    for (unsigned i = 0; i < LONG; i++) {
        if (i == 17)
            m[i] = entry(__HYPERVISOR_multicall, (uint32_t)m);
        else if (i % 2)
            m[i] = entry(__HYPERVISOR_update_va_mapping, HYPERVISOR_VIRT_START);
        else
            m[i] = entry(__HYPERVISOR_xen_version, 0), versions++;
    }
    check_eq("a batch of 40 entries", HYPERVISOR_multicall(m, LONG), 0);
    int bad = 0;
    for (unsigned i = 0; i < LONG; i++)
        bad += result(&m[i]) != (i % 2 ? -XEN_EINVAL : VERSION);
    check_eq("every result in its slot (entry 17 nested: -EINVAL)", bad, 0);
    counted("the batch of 40 counted, its nested entry not", 1, LONG, 1, versions);

    m[0] = entry(__HYPERVISOR_multicall, (uint32_t)m);
    m[1] = entry(__HYPERVISOR_xen_version, 0);
    check_eq("a nested multicall as entry 0", HYPERVISOR_multicall(m, 2), 0);
    check_eq("its result", result(&m[0]), -XEN_EINVAL);
    check_eq("the entry after it ran", result(&m[1]), VERSION);
    counted("counted, its nested entry not", 1, 2, 1, 1);
}

/* After a multicall its deferral is off: an update_va_mapping trap that replaces a present
 * mapping (no flush flag) is invalidated at once. A page is read through its mapping (the TLB
 * holds it), a multicall runs, the mapping is replaced: a read must see the new frame. */
static void deferral_ends(void)
{
    uint32_t a = test_frame_alloc(), b = test_frame_alloc();
    volatile uint32_t *pb = scratch_map(15, b);
    *pb = 0xbbbbbbbb;
    scratch_unmap(15);
    volatile uint32_t *pa = scratch_map(14, a);
    *pa = 0xaaaaaaaa;
    static multicall_entry_t m[1];
    m[0] = entry(__HYPERVISOR_xen_version, 0);
    int rc = HYPERVISOR_multicall(m, 1);
    uint32_t before = *pa; /* the TLB holds it now; nothing runs until the second read */
    int rc2 = HYPERVISOR_update_va_mapping(scratch_va(14) >> 12,
                                           pfn_to_mfn(b) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D, 0);
    uint32_t after = *pa;
    check_eq("a multicall between", rc, 0);
    check_eq("the first frame read", (int)before, (int)0xaaaaaaaa);
    check_eq("the mapping replaced (no flush flag)", rc2, 0);
    check_eq("a read sees the new frame", (int)after, (int)0xbbbbbbbb);
    scratch_unmap(14);
    test_frame_free(b);
    test_frame_free(a);
    counted("one batch", 1, 1, 1, 1);
}

/* stack_switch's own check (RPL 1, nothing above bit 15: one test since issue 14's multicall
 * work), alone and as an entry: refused either way, before anything changes. */
static void stack_switches(void)
{
    static multicall_entry_t m[2];
    const uint32_t bad[] = {0x10011, 0xffff0011, 0x18, 0x13, 0x12};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        check_eq("stack_switch refused", HYPERVISOR_stack_switch(bad[i], 0x1000), -XEN_EPERM);
        m[0] = m[1] = entry(__HYPERVISOR_stack_switch, bad[i]);
        m[0].args[1] = m[1].args[1] = 0x1000;
        check_eq("stack_switch entries", HYPERVISOR_multicall(m, 2), 0);
        check_true("both refused", result(&m[0]) == -XEN_EPERM && result(&m[1]) == -XEN_EPERM,
                   "%d, %d", result(&m[0]), result(&m[1]));
    }
    counted("stack_switch batches counted", 5, 10, 5, 0);
}

static void run_multicall(const struct selftest_env *env)
{
    (void)env;
    if (test_frames_begin("mmu-multicall"))
        return;
    HYPERVISOR_hv_stats(&seen);
    ranges();
    straddles();
    batches();
    deferral_ends();
    stack_switches();
    check_summary("mmu-multicall");
}
SELFTEST(mmu_multicall, "test=mmu-multicall", run_multicall, SELFTEST_TRAPS | SELFTEST_MM);
