/*
 * test=mmu-batch-review: an adversarial review of mmu_update's batches, whose runs of one L1 the
 * hypervisor applies in assembly (arch/x86/l1_run.S), played with the public ABI only.
 *
 * The TLB rule inside a batch. A page-table frame given back and mapped writable again needs a
 * flush first when none came since it was given back (its stamp is the flush clock); the
 * assembly leaves that case to l1e_get, which flushes at once. The batch's own whole flush
 * (owed for a replaced entry or an unpin) comes only at its end, and until then the hypervisor
 * still reads the request list through the guest's mappings. So: a list whose second chunk sits
 * in a page with a stale TLB entry (its entry replaced earlier in the same batch), and between
 * the two a frame unpinned as an L1 (or an L2) and mapped writable. With the flush, the second
 * chunk is read through the new entry; without it, through the stale one. Two controls show the
 * stale entry is really there to be read: a fresh frame mapped writable, and a table frame given
 * back before the batch (a flush since: no flush owed, the assembly's l1e_try_reuse case). And with
 * chunk 2's page unmapped instead of moved, the flush makes it unreadable: -EFAULT, with the
 * success count at chunk 1's end and the accounting exact.
 *
 * The end marker. Each chunk of requests the hypervisor copies ends with a marker whose ptr is
 * MMU_EXTENDED_COMMAND with frame 0; the same value is a request the guest may send (an
 * extended command): in the middle of a run it must be taken as the request it is, and
 * everything after it applied (or, refused, nothing after it). Batches of exactly one chunk,
 * one more, two chunks and none, with their success counts.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/review.h>
#include <kernel/selftest_table.h>
#include <lib/format.h>
#include <lib/string.h>

#define CHUNK 64                /* the hypervisor's chunk of requests (MMU_CHUNK) */
#define PAD_SLOT 30             /* an entry of A the padding requests clear */
#define STALE_SLOT 10           /* what the second chunk maps, read through the stale entry */
#define FRESH_SLOT 11           /* ... read through the new entry */
#define MAX_RUN (2 * CHUNK + 1) /* the longest batch of the chunk part */
#define WRITE_SCRATCH 10        /* scratch slot to fill frames */

static uint32_t a_pfn, a_mfn, z_pfn, z_mfn;

static uint32_t mfn(uint32_t pfn)
{
    return pfn_to_mfn(pfn);
}

static uint32_t a_slot(unsigned i)
{
    return a_mfn << 12 | i * 4;
}

/* Entry i of A, through a read-only mapping. */
static uint32_t a_entry(unsigned i)
{
    return rv_frame_word(a_pfn, i);
}

/* ---- The TLB rule inside a batch ----------------------------------------------------------- */

enum frame_kind {
    T_RELEASED_IN_BATCH, /* a pinned L1 the batch unpins, then maps writable: a flush is owed */
    T_RELEASED_UNMAPPED, /* the same, chunk 2's page unmapped instead of moved: -EFAULT */
    T_L2_RELEASED,       /* a pinned L2 the batch unpins, then maps writable: a flush is owed */
    T_FRESH,             /* control: a frame that never was a table */
    T_RELEASED_BEFORE,   /* control: an L1 unpinned by an earlier call (its flush came since) */
    NR_KINDS
};
static const char *const kind_names[NR_KINDS] = {
    "an L1 given back in the batch",
    "an L1 given back in the batch, chunk 2 unmapped",
    "an L2 given back in the batch",
    "a fresh frame (control)",
    "an L1 given back before the batch (control)",
};

/* Two chunk-2 lists: one in y (what the stale entry reads), one in w (what the new one reads). */
static void fill_chunk2(uint32_t pfn, unsigned slot, unsigned n)
{
    mmu_update_t *p = scratch_map(WRITE_SCRATCH, pfn);
    memset(p, 0, XEN_PAGE_SIZE);
    for (unsigned i = 0; i < n; i++)
        p[i] = (mmu_update_t){a_slot(slot), z_mfn << 12 | PTE_P | PTE_A};
    scratch_unmap(WRITE_SCRATCH);
}

static void reuse_case(enum frame_kind kind)
{
    char name[160];
    unsigned slot = rv_free_slots(1);
    if (!slot) {
        check_true("tlb in a batch: a free L2 slot", 0, "%s", "none");
        return;
    }
    /* x, an L1 hooked at slot: page 0 of the window is e, page 1 y (both writable). */
    uint32_t e = rv_new_frame(0), y = rv_new_frame(0), w = rv_new_frame(0), t = rv_new_frame(0);
    uint32_t x = rv_new_frame(mfn(e) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
    uint32_t *xp = scratch_map(WRITE_SCRATCH, x);
    xp[1] = mfn(y) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    scratch_unmap(WRITE_SCRATCH);
    fill_chunk2(w, FRESH_SLOT, 1);
    if (kind != T_FRESH) {
        snprintf(name, sizeof(name), "tlb in a batch, %s: pinned first", kind_names[kind]);
        check_eq(name,
                 rv_mmu1(mfn(t) << 12 | EXT,
                         kind == T_L2_RELEASED ? MMUEXT_PIN_L2_TABLE : MMUEXT_PIN_L1_TABLE),
                 0);
    }
    if (kind == T_RELEASED_BEFORE)
        rv_mmu1(mfn(t) << 12 | EXT, MMUEXT_UNPIN_TABLE); /* and its whole flush, at once */
    rv_mmu1(rv_l2e(slot), mfn(x) << 12 | PTE_P | PTE_RW | PTE_A);

    /* The list: chunk 1 in the last CHUNK entries of e, chunk 2 (one request) at the start of
     * y, written through the window: the TLB now holds y's entry. */
    uint32_t base = slot << 22;
    volatile mmu_update_t *list = (volatile mmu_update_t *)(base + XEN_PAGE_SIZE) - CHUNK;
    list[CHUNK] = (mmu_update_t){a_slot(STALE_SLOT), z_mfn << 12 | PTE_P | PTE_A};
    int gone = kind == T_RELEASED_UNMAPPED,
        owed = kind == T_RELEASED_IN_BATCH || kind == T_L2_RELEASED || gone;
    list[0] = (mmu_update_t){mfn(x) << 12 | 1 * 4, /* y -> w, or nothing */
                             gone ? 0 : mfn(w) << 12 | PTE_P | PTE_A};
    list[1] = owed ? (mmu_update_t){mfn(t) << 12 | EXT, MMUEXT_UNPIN_TABLE}
                   : (mmu_update_t){a_slot(PAD_SLOT), 0};
    list[2] = (mmu_update_t){a_slot(0), mfn(t) << 12 | PTE_P | PTE_RW | PTE_A};
    for (unsigned i = 3; i < CHUNK; i++)
        list[i] = (mmu_update_t){a_slot(PAD_SLOT), 0};

    uint32_t done = 0xdead;
    int rc = HYPERVISOR_mmu_update((mmu_update_t *)list, CHUNK + 1, &done);
    uint32_t stale = a_entry(STALE_SLOT), fresh = a_entry(FRESH_SLOT), t_entry = a_entry(0);
    if (gone) {
        /* Chunk 2 unreadable once the flush came: the batch stops after chunk 1, counted. */
        snprintf(name, sizeof(name), "tlb in a batch, %s: -EFAULT after chunk 1", kind_names[kind]);
        check_true(name, rc == -XEN_EFAULT && done == CHUNK, "rc %d, done %u", rc, done);
    } else {
        snprintf(name, sizeof(name), "tlb in a batch, %s: the batch done whole", kind_names[kind]);
        check_true(name, rc == 0 && done == CHUNK + 1, "rc %d, done %u", rc, done);
    }
    snprintf(name, sizeof(name), "tlb in a batch, %s: mapped writable", kind_names[kind]);
    check_eq(name, (int32_t)t_entry, (int32_t)(mfn(t) << 12 | PTE_P | PTE_RW | PTE_A));
    if (gone) {
        snprintf(name, sizeof(name), "tlb in a batch, %s: nothing read stale", kind_names[kind]);
        check_true(name, !stale && !fresh, "stale slot %#x, fresh %#x", stale, fresh);
    } else if (owed) {
        snprintf(name, sizeof(name), "tlb in a batch, %s: flushed at once (chunk 2 read anew)",
                 kind_names[kind]);
        check_true(name, fresh && !stale, "stale slot %#x, fresh %#x", stale, fresh);
    } else {
        snprintf(name, sizeof(name), "tlb in a batch, %s: no flush (chunk 2 read stale)",
                 kind_names[kind]);
        check_true(name, stale && !fresh, "stale slot %#x, fresh %#x", stale, fresh);
    }

    rv_mmu1(a_slot(0), 0);
    rv_mmu1(a_slot(STALE_SLOT), 0);
    rv_mmu1(a_slot(FRESH_SLOT), 0);
    rv_mmu1(rv_l2e(slot), 0);
    test_frame_free(x);
    test_frame_free(e);
    test_frame_free(y);
    test_frame_free(w);
    test_frame_free(t);
}

/* ---- The end marker and the chunk sizes ---------------------------------------------------- */

static mmu_update_t reqs[MAX_RUN];

/* The marker's value as a guest request in the middle of a run of A. */
static void marker_as_request(void)
{
    uint32_t ro = z_mfn << 12 | PTE_P | PTE_A, done = 0xdead;
    reqs[0] = (mmu_update_t){a_slot(0), ro};
    reqs[1] = (mmu_update_t){MMU_EXTENDED_COMMAND, MMUEXT_TLB_FLUSH}; /* the marker's ptr */
    reqs[2] = (mmu_update_t){a_slot(1), ro};
    reqs[3] = (mmu_update_t){a_slot(2), ro};
    int rc = HYPERVISOR_mmu_update(reqs, 4, &done);
    check_true("marker: the end marker's value as a request (a TLB flush) is one",
               rc == 0 && done == 4, "rc %d, done %u", rc, done);
    check_true("marker: the requests around it applied",
               a_entry(0) == ro && a_entry(1) == ro && a_entry(2) == ro, "%#x %#x %#x", a_entry(0),
               a_entry(1), a_entry(2));
    for (unsigned i = 0; i < 3; i++)
        rv_mmu1(a_slot(i), 0);

    reqs[1].val = 0x3f; /* an unknown command: refused, and nothing after it runs */
    done = 0xdead;
    rc = HYPERVISOR_mmu_update(reqs, 4, &done);
    check_true("marker: the marker's value with an unknown command refused after one",
               rc == -XEN_EINVAL && done == 1, "rc %d, done %u", rc, done);
    check_true("marker: nothing after the refusal applied",
               a_entry(0) == ro && a_entry(1) == 0 && a_entry(2) == 0, "%#x %#x %#x", a_entry(0),
               a_entry(1), a_entry(2));
    rv_mmu1(a_slot(0), 0);
}

/* n requests mapping entries 0..n-1 of A read-only, then n clearing them. */
static void chunk_sizes(void)
{
    static const unsigned sizes[] = {CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 1};
    char name[96];
    for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        unsigned n = sizes[s], mapped = 0;
        uint32_t ro = z_mfn << 12 | PTE_P | PTE_A, done = 0xdead;
        for (unsigned i = 0; i < n; i++)
            reqs[i] = (mmu_update_t){a_slot(i), ro};
        int rc = HYPERVISOR_mmu_update(reqs, n, &done);
        for (unsigned i = 0; i < n + 1; i++)
            mapped += a_entry(i) == ro;
        snprintf(name, sizeof(name), "chunks: a batch of %u done whole, each entry once", n);
        check_true(name, rc == 0 && done == n && mapped == n, "rc %d, done %u, mapped %u", rc, done,
                   mapped);
        for (unsigned i = 0; i < n; i++)
            reqs[i].val = 0;
        done = 0xdead;
        rc = HYPERVISOR_mmu_update(reqs, n, &done);
        mapped = 0;
        for (unsigned i = 0; i < n + 1; i++)
            mapped += a_entry(i) != 0;
        snprintf(name, sizeof(name), "chunks: a batch of %u clearing them", n);
        check_true(name, rc == 0 && done == n && mapped == 0, "rc %d, done %u, left %u", rc, done,
                   mapped);
    }
    uint32_t done = 0xdead;
    int rc = HYPERVISOR_mmu_update(reqs, 0, &done);
    check_true("chunks: an empty batch does nothing, success count 0", rc == 0 && done == 0,
               "rc %d, done %u", rc, done);
}

static void run_batch_review(const struct selftest_env *env)
{
    (void)env;
    if (test_frames_begin("mmu-batch-review"))
        return;
    rv_snapshot();
    a_pfn = rv_new_frame(0);
    a_mfn = mfn(a_pfn);
    z_pfn = rv_new_frame(0);
    z_mfn = mfn(z_pfn);
    if (rv_mmu1(a_mfn << 12 | EXT, MMUEXT_PIN_L1_TABLE)) {
        printk("mmu-batch-review: FAILED: pinning A\n");
        return;
    }
    for (unsigned k = 0; k < NR_KINDS; k++)
        reuse_case(k);
    marker_as_request();
    chunk_sizes();
    rv_mmu1(a_mfn << 12 | EXT, MMUEXT_UNPIN_TABLE);
    test_frame_free(a_pfn);
    test_frame_free(z_pfn);
    rv_accounting("accounting after the test");
    check_summary("mmu-batch-review");
}
SELFTEST(mmu_batch_review, "test=mmu-batch-review", run_batch_review, SELFTEST_TRAPS | SELFTEST_MM);
