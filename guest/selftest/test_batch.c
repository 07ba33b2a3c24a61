/*
 * test=mmu-batch: mmu_update's batches, whose runs of one L1 the hypervisor applies in assembly
 * (arch/x86/l1_run.S), against the same requests one per call (the checked C path), from the
 * same state. Random batches of up to 150 requests (past the hypervisor's chunks of 64) into a
 * pinned L1, with requests for a second L1, M2P updates and an unknown command mixed in, and new
 * entries of every kind: the guest's frames read-only and writable (untyped, already writable
 * elsewhere, just given back), its tables and GDT writable, the hypervisor's frames, frames
 * beyond memory, refused bits. After each, both L1s' contents, the result, the success count
 * and the hypervisor's accounting (references, type references, frames of each type) must be
 * the same both ways, and back where they started once the L1s are cleared. Then a batch
 * shorter than the one before it: the hypervisor's chunk still holds the longer one's requests
 * past the short one's end, and none of them may run again.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <arch/x86/gdt.h>
#include <kernel/selftest_table.h>
#include <lib/string.h>

#define ROUNDS 200
#define MAX_BATCH 150
#define SLOTS 16 /* the entries the batches write, in each L1 */
#define POOL 12  /* data frames */
#define EXT MMU_EXTENDED_COMMAND

static uint32_t pool[POOL], pool_mfn[POOL], l1a, l1b, l1a_pfn, l1b_pfn;
static mmu_update_t reqs[MAX_BATCH];

static uint32_t rng = 20261203;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 1103515245 + 12345;
    return (rng >> 8) % n;
}

static int mmu1(uint32_t ptr, uint32_t val)
{
    mmu_update_t r = {ptr, val};
    return HYPERVISOR_mmu_update(&r, 1, 0);
}

static uint32_t pinned_l1(uint32_t *pfn)
{
    *pfn = test_frame_alloc();
    uint32_t *t = scratch_map(8, *pfn);
    memset(t, 0, XEN_PAGE_SIZE);
    scratch_unmap(8);
    uint32_t mfn = pfn_to_mfn(*pfn);
    return mmu1(mfn << 12 | EXT, MMUEXT_PIN_L1_TABLE) ? 0 : mfn;
}

/* The first SLOTS entries of an L1, through a read-only mapping (no A/D bits: never walked). */
static void read_l1(uint32_t mfn, uint32_t *to)
{
    uint32_t va = scratch_va(9);
    HYPERVISOR_update_va_mapping(va >> 12, mfn << 12 | PTE_P, UVMF_INVLPG);
    memcpy(to, (const void *)va, SLOTS * sizeof(*to));
    HYPERVISOR_update_va_mapping(va >> 12, 0, UVMF_INVLPG);
}

/* Both L1s' first SLOTS entries back to 0, one call each (the checked path). */
static int clear_l1s(void)
{
    int rc = 0;
    for (unsigned s = 0; s < SLOTS; s++)
        rc |= mmu1(l1a << 12 | s * 4, 0) | mmu1(l1b << 12 | s * 4, 0);
    return rc;
}

struct outcome {
    int rc;
    uint32_t done;
    uint32_t a[SLOTS], b[SLOTS];
    hv_stats_t stats;
};

static void observe(struct outcome *o)
{
    read_l1(l1a, o->a);
    read_l1(l1b, o->b);
    HYPERVISOR_hv_stats(&o->stats);
}

static int same_accounting(const hv_stats_t *x, const hv_stats_t *y)
{
    return x->guest_refs == y->guest_refs && x->guest_type_refs == y->guest_type_refs &&
           x->guest_frames_pinned == y->guest_frames_pinned &&
           memcmp(x->guest_frames_by_type, y->guest_frames_by_type,
                  sizeof(x->guest_frames_by_type)) == 0;
}

/* A new entry: mostly the pool's frames, read-only or writable; the rest each kind of refusal
 * and the frames whose state is unusual (tables, the GDT, the hypervisor's, beyond memory). */
static uint32_t random_val(unsigned odd)
{
    static const uint32_t low[] = {PTE_P, PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_A | PTE_D,
                                   PTE_P | PTE_US | PTE_A};
    uint32_t bits = low[rnd(4)];
    switch (rnd(odd) ? (rnd(8) ? 11 : 0) : rnd(24)) {
    case 0:
    case 1:
    case 2:
        return 0;
    case 3:
        return l1a << 12 | bits; /* a table: read-only fine, writable refused */
    case 4:
        return l1b << 12 | bits;
    case 5:
        return current_l2_mfn() << 12 | bits;
    case 6:
        return gdt_frame() << 12 | bits;
    case 7:
        return 0x100u << 12 | bits; /* the hypervisor's */
    case 8:
        return 0xfffffu << 12 | bits; /* beyond memory */
    case 9:
        return rnd(2) ? 0xffffffffu : 0x5a5a5a5au & ~(uint32_t)PTE_P; /* (the latter not present) */
    case 10:
        return pool_mfn[rnd(POOL)] << 12 | bits | (uint32_t[]){0x08, 0x10, 0x80, 0x100}[rnd(4)];
    default:
        return pool_mfn[rnd(POOL)] << 12 | bits;
    }
}

/* In one batch of n, about one request in 2n is of the unusual kinds (0: none). */
static void random_batch(unsigned n, int clean)
{
    unsigned odd = clean ? ~0u : 2 * n;
    for (unsigned i = 0; i < n; i++) {
        unsigned k = rnd(32);
        if (k == 0) { /* an M2P update of the guest's own frame, to what it is */
            unsigned p = rnd(POOL);
            reqs[i] = (mmu_update_t){pool_mfn[p] << 12 | MMU_MACHPHYS_UPDATE, pool[p]};
        } else if (k == 1 && !clean && rnd(2 * n) == 0) { /* an unknown extended command: refused */
            reqs[i] = (mmu_update_t){l1a << 12 | EXT, 0x3f};
        } else {
            uint32_t l1 = k < 6 ? l1b : l1a;
            reqs[i] = (mmu_update_t){l1 << 12 | rnd(SLOTS) * 4, random_val(odd)};
        }
    }
}

static int differ(const struct outcome *x, const struct outcome *y)
{
    return x->rc != y->rc || x->done != y->done || memcmp(x->a, y->a, sizeof(x->a)) != 0 ||
           memcmp(x->b, y->b, sizeof(x->b)) != 0 || !same_accounting(&x->stats, &y->stats);
}

static void batches_match_one_by_one(void)
{
    static struct outcome start, batch, one;
    unsigned bad = 0, refused = 0, full = 0, longest = 0;
    observe(&start);
    for (unsigned round = 0; round < ROUNDS && !bad; round++) {
        unsigned n = 1 + rnd(rnd(4) ? 24 : MAX_BATCH);
        random_batch(n, rnd(3) == 0);
        batch.done = 0xdead;
        batch.rc = HYPERVISOR_mmu_update(reqs, n, &batch.done);
        observe(&batch);
        bad |= clear_l1s() != 0;
        observe(&one);
        if (!same_accounting(&start.stats, &one.stats)) {
            printk("mmu-batch: round %u: accounting not back after clearing the batch\n", round);
            bad = 1;
            break;
        }
        one.rc = 0;
        for (one.done = 0; one.done < n; one.done++)
            if ((one.rc = mmu1(reqs[one.done].ptr, reqs[one.done].val)))
                break;
        observe(&one);
        bad |= clear_l1s() != 0;
        if (differ(&batch, &one)) {
            printk("mmu-batch: round %u (%u requests): the batch gave %d after %u, one by one %d "
                   "after %u; refs %u / %u, type refs %u / %u\n",
                   round, n, batch.rc, batch.done, one.rc, one.done, batch.stats.guest_refs,
                   one.stats.guest_refs, batch.stats.guest_type_refs, one.stats.guest_type_refs);
            for (unsigned s = 0; s < SLOTS; s++)
                if (batch.a[s] != one.a[s] || batch.b[s] != one.b[s])
                    printk("mmu-batch:   slot %u: A %#x / %#x, B %#x / %#x\n", s, batch.a[s],
                           one.a[s], batch.b[s], one.b[s]);
            bad = 1;
        }
        refused += batch.rc != 0;
        full += batch.rc == 0;
        if (batch.rc == 0 && n > longest)
            longest = n;
    }
    check_true("random batches match the same requests one by one", !bad, "see above");
    /* Both outcomes were met, and whole batches past one chunk of 64 requests ran. */
    check_true("batches refused part way and done whole", refused >= 20 && full >= 20,
               "%u refused, %u whole", refused, full);
    check_true("a whole batch ran past the first chunk", longest > 64, "longest %u", longest);
    static struct outcome end;
    observe(&end);
    check_true("accounting back at the start", same_accounting(&start.stats, &end.stats),
               "refs %u -> %u, type refs %u -> %u", start.stats.guest_refs, end.stats.guest_refs,
               start.stats.guest_type_refs, end.stats.guest_type_refs);
}

/* Ten requests map slots 0-9 of A; slots 5-9 are cleared one by one; then a batch of five clears
 * slots 0-4. The hypervisor's chunk still holds the ten past the fifth, requests of the same
 * L1: they must not run again (slots 5-9 stay empty). */
static void short_after_long(void)
{
    uint32_t done = 0, a[SLOTS];
    for (unsigned i = 0; i < 10; i++)
        reqs[i] = (mmu_update_t){l1a << 12 | i * 4, pool_mfn[i] << 12 | PTE_P};
    check_eq("a batch of ten", HYPERVISOR_mmu_update(reqs, 10, &done), 0);
    for (unsigned i = 5; i < 10; i++)
        mmu1(l1a << 12 | i * 4, 0);
    for (unsigned i = 0; i < 5; i++)
        reqs[i].val = 0;
    check_eq("then a batch of five", HYPERVISOR_mmu_update(reqs, 5, &done), 0);
    check_eq("its success count", (int32_t)done, 5);
    read_l1(l1a, a);
    unsigned mapped = 0;
    for (unsigned i = 0; i < SLOTS; i++)
        mapped += a[i] != 0;
    check_eq("no request of the longer batch ran again", (int32_t)mapped, 0);
}

static void run_batch(const struct selftest_env *env)
{
    (void)env;
    if (test_frames_begin("mmu-batch"))
        return;
    static hv_stats_t before, after;
    HYPERVISOR_hv_stats(&before);
    for (unsigned i = 0; i < POOL; i++) {
        pool[i] = test_frame_alloc();
        pool_mfn[i] = pfn_to_mfn(pool[i]);
    }
    l1a = pinned_l1(&l1a_pfn);
    l1b = pinned_l1(&l1b_pfn);
    if (!l1a || !l1b) {
        printk("mmu-batch: FAILED: pinning the L1s\n");
        return;
    }
    /* Frames 0-2 of the pool writable elsewhere all along (typed WRITABLE already), 3-4
     * read-only: entries 1000-1004 of B, which the batches leave alone. */
    for (unsigned i = 0; i < 5; i++)
        mmu1(l1b << 12 | (1000 + i) * 4, pool_mfn[i] << 12 | PTE_P | (i < 3 ? PTE_RW : 0));
    batches_match_one_by_one();
    short_after_long();
    clear_l1s();
    for (unsigned i = 0; i < 5; i++)
        mmu1(l1b << 12 | (1000 + i) * 4, 0);
    mmu1(l1a << 12 | EXT, MMUEXT_UNPIN_TABLE);
    mmu1(l1b << 12 | EXT, MMUEXT_UNPIN_TABLE);
    test_frame_free(l1a_pfn);
    test_frame_free(l1b_pfn);
    for (unsigned i = 0; i < POOL; i++)
        test_frame_free(pool[i]);
    HYPERVISOR_hv_stats(&after);
    check_true("accounting after the test", same_accounting(&before, &after),
               "refs %u -> %u, type refs %u -> %u", before.guest_refs, after.guest_refs,
               before.guest_type_refs, after.guest_type_refs);
    check_summary("mmu-batch");
}
SELFTEST(mmu_batch, "test=mmu-batch", run_batch, SELFTEST_TRAPS | SELFTEST_MM);
