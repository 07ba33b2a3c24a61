/*
 * test=mmu-mcreview: an attacker's review of issue 14's fast paths with the public ABI only: the
 * multicall loop in assembly (ABI §3) and the deferral of the invalidations its entries ask for
 * ("(va | 0xfff) - list <= span", hv/hypercall.h), and update_va_mapping's frameless common
 * case (ABI §7). Each attack asserts the safe outcome: refused with its errno, or done with no
 * stale translation left to read or write through:
 *  - invalidations deferred by a batch (7 to 12 of them, across the 8 kept by address) are all
 *    done when it returns, also when it ends with -EFAULT on an unreadable entry or an
 *    unwritable result;
 *  - a list whose last result slot reaches one byte into the next page: that page is one of the
 *    list's (invalidated at once), so remapping it read-only mid-batch faults the store;
 *  - entries whose op has high bits set run as op modulo 32, nested refusals included, counted
 *    under that number, as the trap path does; a nested multicall at every position of a batch
 *    past two interrupt windows;
 *  - a list inside a page-table frame (L1 and L2, mapped read-only): refused on its first
 *    result, the table untouched;
 *  - writable mappings of page-table and descriptor-table frames through the fast path, alone
 *    and as entries: refused, nothing taken.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <pv/hypercall.h>
#include <pv/events.h>
#include <pv/time.h>
#include <selftest/frames.h>
#include <selftest/review.h>
#include <arch/x86/gdt.h>
#include <arch/x86/traps.h>
#include <kernel/selftest_table.h>
#include <lib/format.h>
#include <lib/string.h>

#define VERSION 0x20000 /* xen_version's answer */
#define UNSET 0xdeadbeefu
#define MARK_OLD 0x01d00000u /* words of the frames a VA is moved away from ... */
#define MARK_NEW 0x0e700000u /* ... and onto */
#define MAX_PAGES 12
#define RW (PTE_P | PTE_RW | PTE_A | PTE_D)
#define RO (PTE_P | PTE_A)

static multicall_entry_t entry(uint32_t op, uint32_t a0, uint32_t a1, uint32_t a2)
{
    return (multicall_entry_t){op, {a0, a1, a2, 0, 0, UNSET, 0}};
}

static int result(const volatile multicall_entry_t *e)
{
    return (int)e->args[MULTICALL_RESULT_ARG];
}

static uint32_t mfn(uint32_t pfn)
{
    return pfn_to_mfn(pfn);
}

/* ---- Deferred invalidations are all done by the end of the batch -------------------------- */

/* k pages at bench VAs, each mapped writable to an "old" frame and written (a writable TLB
 * entry), each with a "new" frame to move to. */
struct moves {
    unsigned k;
    uint32_t va[MAX_PAGES], old[MAX_PAGES], new[MAX_PAGES];
};

static void moves_make(struct moves *m, unsigned k)
{
    m->k = k;
    for (unsigned i = 0; i < k; i++) {
        m->va[i] = bench_va() + i * XEN_PAGE_SIZE;
        m->old[i] = rv_new_frame(MARK_OLD + i);
        m->new[i] = rv_new_frame(MARK_NEW + i);
        rv_uvm(m->va[i], mfn(m->old[i]) << 12 | RW);
        volatile uint32_t *w = (volatile uint32_t *)m->va[i];
        uint32_t v = *w;
        *w = v; /* the TLB holds the old frame, writable */
    }
}

/* Every VA reads (and writes) its new frame: no translation of the old one survived. */
static void moves_check(struct moves *m, const char *what)
{
    char name[128];
    unsigned stale = 0, first = ~0u;
    uint32_t seen_first = 0;
    for (unsigned i = 0; i < m->k; i++) {
        volatile uint32_t *w = (volatile uint32_t *)m->va[i];
        uint32_t v = *w;
        if (v != MARK_NEW + i) {
            stale++;
            if (first == ~0u)
                first = i, seen_first = v;
        }
        *w = 0x5a5a5a5a; /* must land in the new frame */
    }
    for (unsigned i = 0; i < m->k; i++)
        stale += rv_frame_word(m->old[i], 0) != MARK_OLD + i;
    snprintf(name, sizeof(name), "%s: every VA of the %u moved reaches its new frame only", what,
             m->k);
    check_true(name, stale == 0, "%u stale (first: page %u read %#x)", stale, first, seen_first);
    for (unsigned i = 0; i < m->k; i++) {
        rv_uvm(m->va[i], 0);
        test_frame_free(m->old[i]);
        test_frame_free(m->new[i]);
    }
}

/* The batch: one update_va_mapping per page, no flag (each replaces a present entry, so each
 * asks for an invalidation), on the fast path; then maybe an entry that ends the batch. */
enum batch_end { END_CLEAN, END_UNREADABLE, END_UNWRITABLE };

static void deferred_batch(unsigned k, enum batch_end how)
{
    static const char *const hows[] = {"clean", "ended by an unreadable entry",
                                       "ended by an unwritable result"};
    char what[96];
    struct moves m;
    moves_make(&m, k);
    /* The list on its own page (scratch 12), its tail on scratch 13 for the faulting ends. */
    uint32_t lp = test_frame_alloc(), tp = test_frame_alloc();
    uint8_t *page = scratch_map(12, lp);
    memset(page, 0, XEN_PAGE_SIZE);
    scratch_unmap(13);
    unsigned n = k + (how != END_CLEAN);
    /* Entries 0..k-1 end page 12; entry k (if any) starts the unmapped or read-only page 13. */
    multicall_entry_t *l = (multicall_entry_t *)(scratch_va(13) - 32 * k);
    for (unsigned i = 0; i < k; i++)
        l[i] = entry(__HYPERVISOR_update_va_mapping, m.va[i] >> 12, mfn(m.new[i]) << 12 | RW, 0);
    if (how == END_UNWRITABLE) {
        multicall_entry_t *t = scratch_map(13, tp);
        *t = entry(__HYPERVISOR_xen_version, 0, 0, 0);
        rv_uvm(scratch_va(13), mfn(tp) << 12 | RO);
    }
    int rc = HYPERVISOR_multicall(l, n);
    snprintf(what, sizeof(what), "deferred x%u, %s", k, hows[how]);
    char name[128];
    snprintf(name, sizeof(name), "%s: the batch's answer", what);
    check_eq(name, rc, how == END_CLEAN ? 0 : -XEN_EFAULT);
    int bad = 0;
    for (unsigned i = 0; i < k; i++)
        bad += result(&l[i]) != 0;
    snprintf(name, sizeof(name), "%s: every move done", what);
    check_eq(name, bad, 0);
    moves_check(&m, what);
    scratch_unmap(13);
    scratch_unmap(12);
    test_frame_free(tp);
    test_frame_free(lp);
}

/* ---- The span's last page ----------------------------------------------------------------- */

/* Two entries; the last one's result slot is the three last bytes of one page and the first
 * byte of the next (p2). p2 is mapped writable and written first (a writable TLB entry), then
 * entry 0 maps it read-only: that is a page of the list, invalidated at once, so the result
 * store faults. (Deferred, the store would go through the old writable entry.) */
static void span_last_page(void)
{
    uint32_t a = test_frame_alloc(), b = test_frame_alloc();
    uint8_t *p1 = scratch_map(12, a);
    volatile uint8_t *p2 = scratch_map(13, b);
    memset(p1, 0, XEN_PAGE_SIZE);
    p2[0] = 0x42; /* the TLB holds p2 writable */
    uint32_t p2va = scratch_va(13);
    volatile multicall_entry_t *l = (volatile multicall_entry_t *)(p2va - 27 - 32);
    l[0] = entry(__HYPERVISOR_update_va_mapping, p2va >> 12, mfn(b) << 12 | RO, 0);
    l[1].op = __HYPERVISOR_xen_version;
    for (unsigned i = 0; i < 5; i++)
        l[1].args[i] = 0;
    int rc = HYPERVISOR_multicall((multicall_entry_t *)l, 2);
    check_eq("span: result slot one byte into a page made read-only by entry 0: -EFAULT", rc,
             -XEN_EFAULT);
    check_eq("span: entry 0 ran", result(&l[0]), 0);
    check_eq("span: the read-only page kept its byte", p2[0], 0x42);
    scratch_unmap(13);
    scratch_unmap(12);
    test_frame_free(b);
    test_frame_free(a);
}

/* ---- Op aliasing, nested entries at every position ----------------------------------------- */

static hv_stats_t seen;

static uint32_t moved(const hv_stats_t *now, unsigned nr)
{
    return now->hypercalls[nr] - seen.hypercalls[nr];
}

/* Numbers 7 (no handler), 9 (get_debugreg), 13 (nested), 14 (update_va_mapping, refused: an
 * address in the hypervisor hole) and 17 (xen_version), each as op + 32 j with junk in bits
 * 8-31: each entry must do what op % 32 does, and count there. */
static void op_aliases(void)
{
    static const uint32_t nrs[] = {7, 9, 13, 14, 17};
    static multicall_entry_t l[5 * 8];
    static hv_stats_t now;
    unsigned n = 0;
    HYPERVISOR_set_debugreg(0, 0x1234);
    for (unsigned j = 0; j < 8; j++)
        for (unsigned i = 0; i < 5; i++)
            l[n++] = entry(nrs[i] + 32 * j + (j * 0x01010100u ^ 0xa5a5a500u),
                           nrs[i] == 14 ? HYPERVISOR_VIRT_START : 0, 0, 0);
    HYPERVISOR_hv_stats(&seen);
    int rc = HYPERVISOR_multicall(l, n);
    HYPERVISOR_hv_stats(&now);
    check_eq("aliases: a batch of ops with high bits set", rc, 0);
    const int want[] = {-XEN_ENOSYS, 0x1234, -XEN_EINVAL, -XEN_EINVAL, VERSION};
    int bad = 0;
    for (unsigned e = 0; e < n; e++)
        if (result(&l[e]) != want[e % 5]) {
            printk("mcreview: entry %u (op %#x) answered %d\n", e, l[e].op, result(&l[e]));
            bad++;
        }
    check_eq("aliases: each entry did what its op modulo 32 does", bad, 0);
    check_true("aliases: counted under op modulo 32 (a nested one not at all)",
               moved(&now, 7) == 8 && moved(&now, 9) == 8 && moved(&now, 13) == 1 &&
                   moved(&now, 14) == 8 && moved(&now, 17) == 8 &&
                   now.multicall_entries - seen.multicall_entries == n,
               "7: +%u, 9: +%u, 13: +%u, 14: +%u, 17: +%u, entries +%u", moved(&now, 7),
               moved(&now, 9), moved(&now, 13), moved(&now, 14), moved(&now, 17),
               now.multicall_entries - seen.multicall_entries);
    /* The trap path agrees: xen_version and get_debugreg through aliased numbers. */
    check_eq("aliases: trap 17 + 32 * 5 with junk above", hypercall3(17 + 160 + 0x7700, 0, 0, 0),
             VERSION);
    check_eq("aliases: trap 9 + 0xffffffe0", hypercall3(9 + 0xffffffe0u, 0, 0, 0), 0x1234);
    HYPERVISOR_set_debugreg(0, 0);
}

static void nested_everywhere(void)
{
    enum { N = 35 }; /* past two interrupt windows */
    static multicall_entry_t l[N];
    int bad = 0;
    for (unsigned p = 0; p < N; p++) {
        for (unsigned i = 0; i < N; i++)
            l[i] = entry(i == p ? __HYPERVISOR_multicall + 32 * (p % 8) : __HYPERVISOR_xen_version,
                         (uint32_t)l, N, 0);
        int rc = HYPERVISOR_multicall(l, N);
        for (unsigned i = 0; i < N; i++)
            bad += result(&l[i]) != (i == p ? -XEN_EINVAL : VERSION);
        bad += rc != 0;
    }
    check_eq("nested: a nested multicall at each of 35 positions, every other entry ran", bad, 0);
}

/* ---- The interrupt window ---------------------------------------------------------------- */

/* A timer due a margin (at least 125 us) after entry 0 sets it, some 1200 entries of 64 M2P
 * updates each (no window of mmu_update's own: 64 requests are one chunk), then hv_op's
 * statistics right after the batch's last window (the 15 entries after it have none): if the
 * timer came due before that window, its interrupt must have come in through it, so the VIRQ was
 * sent before that entry ran; closed windows would let it in only as the batch returns. Wall
 * time under QEMU varies, so a margin that the batch outlasts is looked for (smaller while the
 * timer comes only after the batch, and a quarter smaller after a run in which it came due only
 * after the last window: a host that holds the vCPU for a while moves the due time anywhere;
 * with the windows closed every run ends so, and the last run's check fails). No entry before the
 * probe has a window of its own (hv_op's frame walk has), so only the batch's windows can let the
 * interrupt in. */
enum { W_N = 1200, W_REQS = 64, W_STATS = W_N - 16 };

/* Forget port's event whole: its pending bit, and the selector bit and upcall_pending when
 * nothing else is pending. The self-test runs with upcalls masked, so nothing else clears
 * upcall_pending, and while it stays set a later raise sets no upcall_pending and does not count
 * in events_sent: a run after one whose timer fired would read +0. */
static void forget_event(uint32_t port)
{
    volatile shared_info_t *s = HYPERVISOR_shared_info;
    unsigned w = port / 32;
    s->evtchn_pending[w] &= ~(1u << port % 32);
    if (!(s->evtchn_pending[w] & ~s->evtchn_mask[w]))
        s->evtchn_pending_sel &= ~(1u << w);
    if (!s->evtchn_pending_sel)
        s->evtchn_upcall_pending = 0;
}

static int window_run(uint32_t port, uint32_t margin, const mmu_update_t *reqs, uint32_t *during,
                      uint32_t *after)
{
    static multicall_entry_t l[W_N];
    static hv_stats_t d, a;
    for (unsigned i = 1; i < W_N; i++)
        l[i] = i == W_STATS  ? entry(__HYPERVISOR_hv_op, HVOP_get_stats, (uint32_t)&d, sizeof(d))
               : i > W_STATS ? entry(__HYPERVISOR_xen_version, 0, 0, 0)
                             : entry(__HYPERVISOR_mmu_update, (uint32_t)reqs, W_REQS, 0);
    forget_event(port);
    HYPERVISOR_hv_stats(&seen);
    uint64_t due = clock_now_raw() + margin;
    l[0] = entry(__HYPERVISOR_set_timer_op, (uint32_t)(due >> 32), (uint32_t)due, 0);
    int rc = HYPERVISOR_multicall(l, W_N);
    HYPERVISOR_hv_stats(&a);
    HYPERVISOR_set_timer_op(0);
    forget_event(port);
    *during = d.events_sent - seen.events_sent;
    *after = a.events_sent - seen.events_sent;
    printk("mcreview: window: margin %u ns: events sent +%u after the last window, +%u after "
           "the batch\n",
           margin, *during, *after);
    return rc == 0 && result(&l[1]) == 0 && result(&l[W_STATS]) == (int)sizeof(d);
}

static void window_lets_the_timer_in(void)
{
    static mmu_update_t reqs[W_REQS];
    evtchn_op_t op = {.cmd = EVTCHNOP_bind_virq};
    op.u.bind_virq.virq = VIRQ_TIMER;
    int rc = HYPERVISOR_event_channel_op(&op);
    check_eq("window: VIRQ_TIMER bound", rc, 0);
    uint32_t x = test_frame_alloc();
    for (unsigned i = 0; i < W_REQS; i++)
        reqs[i] = (mmu_update_t){mfn(x) << 12 | MMU_MACHPHYS_UPDATE, x};
    uint32_t margin = 2000000, during = 0, after = 0;
    int ran = 1, judged = 0;
    for (unsigned tries = 0; tries < 8; tries++) {
        ran &= window_run(op.u.bind_virq.port, margin, reqs, &during, &after);
        judged |= after != 0;
        if (after && during)
            break; /* let in by a window (once: checked below) */
        if (after)
            margin -= margin / 4; /* due after the last window (the host may have held the
                                     vCPU there), or no window opened: earlier next time */
        else if (margin > 125000)
            margin /= 2; /* due only after the batch */
    }
    check_true("window: every batch ran", ran, "a batch or entry failed");
    check_true("window: a run with the timer due mid-batch", judged, "margin %u ns", margin);
    check_true("window: its VIRQ was sent before the entry after the last window, once",
               judged && during == 1 && after == 1, "+%u then, +%u after the batch", during, after);
    test_frame_free(x);
}

/* ---- Lists inside page-table frames ------------------------------------------------------ */

/* A pinned table whose words are all 0x0c (not present; as an op: number 12, -ENOSYS), mapped
 * read-only at scratch 14: the list's first result cannot be written, the table stays as it
 * was. */
static void list_in_table(uint32_t pin, unsigned words, const char *what)
{
    char name[128];
    uint32_t t = rv_filled_frame(0x0c, words);
    int rc = rv_mmu1(mfn(t) << 12 | EXT, pin);
    snprintf(name, sizeof(name), "list in a pinned %s: pinned", what);
    check_eq(name, rc, 0);
    rv_uvm(scratch_va(14), mfn(t) << 12 | RO);
    rc = HYPERVISOR_multicall((multicall_entry_t *)scratch_va(14), 4);
    snprintf(name, sizeof(name), "list in a pinned %s, read-only: -EFAULT", what);
    check_eq(name, rc, -XEN_EFAULT);
    int changed = 0;
    for (unsigned i = 0; i < 32; i++)
        changed += rv_frame_word(t, i) != 0x0c;
    snprintf(name, sizeof(name), "list in a pinned %s: the table is untouched", what);
    check_eq(name, changed, 0);
    rv_uvm(scratch_va(14), 0);
    rv_mmu1(mfn(t) << 12 | EXT, MMUEXT_UNPIN_TABLE);
    test_frame_free(t);
}

/* ---- Writable mappings of tables through the fast path ------------------------------------ */

static void tables_writable(void)
{
    uint32_t va = scratch_va(14);
    uint32_t l1 = rv_new_frame(0), l2 = rv_new_frame(0);
    rv_mmu1(mfn(l1) << 12 | EXT, MMUEXT_PIN_L1_TABLE);
    rv_mmu1(mfn(l2) << 12 | EXT, MMUEXT_PIN_L2_TABLE);
    const uint32_t frames[] = {mfn(l1), mfn(l2), gdt_frame(), current_l2_mfn()};
    const char *const names[] = {"a pinned L1", "a pinned L2", "the GDT", "the loaded L2"};
    static multicall_entry_t l[2];
    char name[128];
    rv_snapshot();
    for (unsigned i = 0; i < 4; i++) {
        uint32_t f = frames[i];
        rv_uvm(va, f << 12 | RO); /* a present mapping to replace */
        int rc = HYPERVISOR_update_va_mapping(va >> 12, f << 12 | RW, 0);
        snprintf(name, sizeof(name), "fast path: %s mapped writable: -EPERM", names[i]);
        check_eq(name, rc, -XEN_EPERM);
        l[0] = entry(__HYPERVISOR_update_va_mapping, va >> 12, f << 12 | RW, UVMF_INVLPG);
        l[1] = entry(__HYPERVISOR_update_va_mapping, va >> 12, f << 12 | RW, 0);
        rc = HYPERVISOR_multicall(l, 2);
        snprintf(name, sizeof(name), "fast path: %s mapped writable by entries: -EPERM", names[i]);
        check_true(name, rc == 0 && result(&l[0]) == -XEN_EPERM && result(&l[1]) == -XEN_EPERM,
                   "%d: %d %d", rc, result(&l[0]), result(&l[1]));
        rv_uvm(va, 0);
    }
    rv_accounting("after the writable table mappings");
    rv_mmu1(mfn(l1) << 12 | EXT, MMUEXT_UNPIN_TABLE);
    rv_mmu1(mfn(l2) << 12 | EXT, MMUEXT_UNPIN_TABLE);
    test_frame_free(l2);
    test_frame_free(l1);
}

static void run_mcreview(const struct selftest_env *env)
{
    (void)env;
    if (test_frames_begin("mmu-mcreview"))
        return;
    rv_si = env->si;
    static const unsigned ks[] = {7, 8, 9, 12};
    for (unsigned i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
        for (unsigned how = END_CLEAN; how <= END_UNWRITABLE; how++)
            deferred_batch(ks[i], how);
    span_last_page();
    op_aliases();
    nested_everywhere();
    window_lets_the_timer_in();
    list_in_table(MMUEXT_PIN_L1_TABLE, 1024, "L1");
    list_in_table(MMUEXT_PIN_L2_TABLE, 1008, "L2");
    tables_writable();
    check_summary("mmu-mcreview");
}
SELFTEST(mmu_mcreview, "test=mmu-mcreview", run_mcreview, SELFTEST_TRAPS | SELFTEST_MM);
