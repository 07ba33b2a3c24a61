/*
 * test=mmu-review, the TLB part. A frame y is mapped writable at VA a through an L1 x, and a
 * write through a puts a writable TLB entry for y in place. Then y's last writable reference is
 * dropped in a way that does not invalidate a (five ways), and y takes a type that must never be
 * writable (five ways). From then on a write through a must fault: the stale entry would let
 * ring 1 write a page table or descriptor table of its own choosing.
 *
 * The same race inside one batch: the hypervisor itself writes a multicall result or the
 * mmu_update success count through the guest's mappings, after an earlier entry of the batch
 * changed the type of the frame behind them.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <arch/x86/gdt.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/probe.h>
#include <selftest/review.h>
#include <arch/x86/traps.h>
#include <lib/format.h>
#include <lib/string.h>

TRIG_K(pf_write_val);

#define LDT_SCRATCH 13        /* scratch slot where y is mapped read-only for SET_LDT */
#define STALE_MARK 0x00000ff0 /* what a stale write puts in y: not present in any table */
#define DR_MARK 0x0bad0000u   /* DR0's value, a multicall result: not present either */
#define PF_NOT_PRESENT 2u     /* error code of a write to a page that is not present */
#define PF_PROTECTION 3u      /* ... to a present read-only page */

enum drop {
    DROP_CLEAR,
    DROP_RO,
    DROP_UNHOOK,
    DROP_UNPIN,
    DROP_UVM_NOFLUSH,
    DROP_ALIAS, /* x is hooked at a second slot too; y is unmapped through that one */
    NR_DROPS
};
enum acquire { ACQ_PIN_L1, ACQ_HOOK_L1, ACQ_PIN_L2, ACQ_GDT, ACQ_LDT, NR_ACQS };

static const char *const drop_names[NR_DROPS] = {
    "PTE cleared",       "PTE made read-only",   "L1 unhooked", "L1 unhooked and unpinned",
    "uvm without flush", "uvm through an alias",
};
static const char *const acq_names[NR_ACQS] = {
    "pinned L1", "hooked as L1", "pinned L2", "made the GDT", "made the LDT",
};

struct stale {
    unsigned slot; /* x is hooked here; slot + 1 for ACQ_HOOK_L1, slot + 2 for DROP_ALIAS */
    uint32_t x, y; /* pfns */
    uint32_t va;   /* slot << 22: y through x[0] */
};

static uint32_t mfn(uint32_t pfn)
{
    return pfn_to_mfn(pfn);
}

/* A write of the word's own value: the CPU loads a writable (dirty) TLB entry. */
static void touch(volatile uint32_t *w)
{
    uint32_t v = *w;
    *w = v;
}

static int set_ldt(uint32_t va, uint32_t entries)
{
    return rv_mmu1(va | EXT, MMUEXT_SET_LDT | entries << MMUEXT_CMD_SHIFT);
}

static int set_gdt1(uint32_t frame_mfn)
{
    static uint32_t frames[1];
    frames[0] = frame_mfn;
    return HYPERVISOR_set_gdt(frames, GDT_ENTRIES);
}

/* A frame holding a copy of the live GDT's guest entries: a valid GDT for set_gdt. */
static uint32_t gdt_copy_frame(void)
{
    uint32_t pfn = rv_new_frame(0);
    struct gdt_desc *d = scratch_map(12, pfn);
    for (unsigned e = 0; e < 256; e++)
        d[e] = gdt_read(e);
    scratch_unmap(12);
    return pfn;
}

/* y mapped writable at s->va, a writable TLB entry for it, and then its reference dropped. */
static void stale_make(struct stale *s, enum drop d, int gdt_content)
{
    s->slot = rv_free_slots(3);
    s->y = gdt_content ? gdt_copy_frame() : rv_new_frame(0);
    s->x = rv_new_frame(mfn(s->y) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
    s->va = s->slot << 22;
    if (d == DROP_UNPIN)
        rv_mmu1(mfn(s->x) << 12 | EXT, MMUEXT_PIN_L1_TABLE);
    rv_mmu1(rv_l2e(s->slot), mfn(s->x) << 12 | PTE_P | PTE_RW | PTE_A);
    if (d == DROP_ALIAS)
        rv_mmu1(rv_l2e(s->slot + 2), mfn(s->x) << 12 | PTE_P | PTE_RW | PTE_A);
    touch((volatile uint32_t *)(s->va + 4)); /* a writable TLB entry for y */

    switch (d) {
    case DROP_CLEAR:
        rv_mmu1(mfn(s->x) << 12, 0);
        break;
    case DROP_RO:
        rv_mmu1(mfn(s->x) << 12, mfn(s->y) << 12 | PTE_P | PTE_A);
        break;
    case DROP_UNHOOK:
        rv_mmu1(rv_l2e(s->slot), 0);
        break;
    case DROP_UNPIN:
        rv_mmu1(rv_l2e(s->slot), 0);
        rv_mmu1(mfn(s->x) << 12 | EXT, MMUEXT_UNPIN_TABLE);
        break;
    case DROP_UVM_NOFLUSH:
        HYPERVISOR_update_va_mapping(s->va >> 12, 0, 0);
        break;
    case DROP_ALIAS: /* invalidates the alias's VA only: the entry at s->va survives */
        rv_uvm((s->slot + 2) << 22, 0);
        break;
    default:
        break;
    }
}

static void stale_free(struct stale *s, enum drop d)
{
    if (d == DROP_CLEAR || d == DROP_RO || d == DROP_UVM_NOFLUSH || d == DROP_ALIAS) {
        rv_mmu1(mfn(s->x) << 12, 0);
        rv_mmu1(rv_l2e(s->slot), 0);
    }
    if (d == DROP_ALIAS)
        rv_mmu1(rv_l2e(s->slot + 2), 0);
    test_frame_free(s->x);
    test_frame_free(s->y);
}

static int acquire(const struct stale *s, enum acquire a)
{
    switch (a) {
    case ACQ_PIN_L1:
        return rv_mmu1(mfn(s->y) << 12 | EXT, MMUEXT_PIN_L1_TABLE);
    case ACQ_HOOK_L1:
        return rv_mmu1(rv_l2e(s->slot + 1), mfn(s->y) << 12 | PTE_P | PTE_RW | PTE_A);
    case ACQ_PIN_L2:
        return rv_mmu1(mfn(s->y) << 12 | EXT, MMUEXT_PIN_L2_TABLE);
    case ACQ_GDT:
        return set_gdt1(mfn(s->y));
    case ACQ_LDT: {
        int rc = rv_uvm(scratch_va(LDT_SCRATCH), mfn(s->y) << 12 | PTE_P | PTE_A);
        return rc ? rc : set_ldt(scratch_va(LDT_SCRATCH), 16);
    }
    default:
        return -1;
    }
}

static void release(const struct stale *s, enum acquire a)
{
    switch (a) {
    case ACQ_PIN_L1:
    case ACQ_PIN_L2:
        rv_mmu1(mfn(s->y) << 12 | EXT, MMUEXT_UNPIN_TABLE);
        break;
    case ACQ_HOOK_L1:
        rv_mmu1(rv_l2e(s->slot + 1), 0);
        break;
    case ACQ_GDT:
        set_gdt1(gdt_frame());
        break;
    case ACQ_LDT:
        set_ldt(0, 0);
        rv_uvm(scratch_va(LDT_SCRATCH), 0);
        break;
    default:
        break;
    }
}

/* Does a write through s->va still land (the entry is stale and nothing flushed it)? This is
 * no check: it shows that the sequences below really leave a stale entry to attack. */
static void control(enum drop d)
{
    struct stale s;
    stale_make(&s, d, 0);
    const struct probe_case c = KCASE("control", pf_write_val, 14, 0, s.va);
    trig_result = 0;
    unsigned hits = probe_fire(&c);
    printk("tlb control: after \"%s\" a write through the old VA %s\n", drop_names[d],
           hits ? "faults (no stale entry to attack)" : "still lands (a stale entry)");
    stale_free(&s, d);
}

static void stale_case(enum drop d, enum acquire a)
{
    char name[128];
    struct stale s;
    stale_make(&s, d, a == ACQ_GDT);
    uint32_t y0 = rv_frame_word(s.y, 0);
    int rc = acquire(&s, a);
    snprintf(name, sizeof(name), "tlb: %s, %s: a write through the old entry faults", drop_names[d],
             acq_names[a]);
    if (rc != 0) {
        /* Refusing the type change is safe too; say so. */
        check_true(name, 1, "%s", "refused");
        printk("tlb: (the type change itself was refused: %d)\n", rc);
    } else {
        const struct probe_case c = {name,
                                     1,
                                     k_pf_write_val,
                                     k_pf_write_val_eip,
                                     k_pf_write_val_resume,
                                     14,
                                     d == DROP_RO ? PF_PROTECTION : PF_NOT_PRESENT,
                                     s.va};
        trig_result = STALE_MARK;
        probe_run(&c);
        snprintf(name, sizeof(name), "tlb: %s, %s: the frame kept its contents", drop_names[d],
                 acq_names[a]);
        check_eq(name, (int32_t)rv_frame_word(s.y, 0), (int32_t)y0);
        release(&s, a);
    }
    stale_free(&s, d);
}

/* Two consecutive pages at slot << 22: e (plain) then f (the target); x maps both writable. */
struct pair {
    unsigned slot;       /* x is hooked here and, as an alias, at slot + 1 */
    uint32_t x, e, f, g; /* g: what f's VA is switched to */
    uint32_t va_p;       /* f's VA */
};

static void pair_make(struct pair *p, int gdt_content)
{
    p->slot = rv_free_slots(2);
    p->e = rv_new_frame(0);
    p->f = gdt_content ? gdt_copy_frame() : rv_new_frame(0);
    p->g = rv_new_frame(0);
    p->x = rv_new_frame(0);
    uint32_t *x = scratch_map(12, p->x);
    x[0] = mfn(p->e) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    x[1] = mfn(p->f) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    scratch_unmap(12);
    rv_mmu1(rv_l2e(p->slot), mfn(p->x) << 12 | PTE_P | PTE_RW | PTE_A);
    rv_mmu1(rv_l2e(p->slot + 1), mfn(p->x) << 12 | PTE_P | PTE_RW | PTE_A);
    p->va_p = (p->slot << 22) + XEN_PAGE_SIZE;
    touch((volatile uint32_t *)(p->va_p + 8)); /* a writable TLB entry for f */
}

static void pair_free(struct pair *p)
{
    rv_mmu1(mfn(p->x) << 12 | 4, 0);
    rv_mmu1(mfn(p->x) << 12, 0);
    rv_mmu1(rv_l2e(p->slot), 0);
    rv_mmu1(rv_l2e(p->slot + 1), 0);
    test_frame_free(p->x);
    test_frame_free(p->e);
    test_frame_free(p->f);
    test_frame_free(p->g);
}

/* Entry i of a list ending so that the last entry's result slot is f's first word: only the
 * op and args[0..4] are written by the guest (they lie in e). */
static volatile multicall_entry_t *mc_at(const struct pair *p, unsigned n)
{
    return (volatile multicall_entry_t *)(p->va_p - 24 - 32 * (n - 1));
}

static void mc_set(volatile multicall_entry_t *m, uint32_t op, uint32_t a0, uint32_t a1,
                   uint32_t a2)
{
    m->op = op;
    m->args[0] = a0;
    m->args[1] = a1;
    m->args[2] = a2;
    m->args[3] = 0;
    m->args[4] = 0;
}

/* mmu_update's success count goes to f's VA after the same batch moved that VA to g and pinned
 * f: it must land in g, never in f (a count of 0x100003 would map the hypervisor's 1 MB). */
static void batch_done_pointer(void)
{
    struct pair p;
    pair_make(&p, 0);
    mmu_update_t reqs[2] = {
        {mfn(p.x) << 12 | 4, mfn(p.g) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D},
        {mfn(p.f) << 12 | EXT, MMUEXT_PIN_L1_TABLE},
    };
    check_eq("batch: remap f's VA, pin f, success count to that VA",
             HYPERVISOR_mmu_update(reqs, 2, (uint32_t *)p.va_p), 0);
    check_eq("batch: the success count did not land in the new L1", (int32_t)rv_frame_word(p.f, 0),
             0);
    check_eq("batch: the success count landed where the VA maps now",
             (int32_t)rv_frame_word(p.g, 0), 2);
    rv_mmu1(mfn(p.f) << 12 | EXT, MMUEXT_UNPIN_TABLE);
    pair_free(&p);
}

/* The same through the alias: f's VA keeps its TLB entry (only the alias's VA is invalidated),
 * so the count is written through that entry unless pinning f flushed it. */
static void batch_done_pointer_alias(void)
{
    static mmu_update_t pin_f;
    static multicall_entry_t mc[2];
    struct pair p;
    pair_make(&p, 0);
    pin_f = (mmu_update_t){mfn(p.f) << 12 | EXT, MMUEXT_PIN_L1_TABLE};
    mc[0] = (multicall_entry_t){__HYPERVISOR_update_va_mapping,
                                {(p.va_p + (1u << 22)) >> 12,
                                 mfn(p.g) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D, UVMF_INVLPG}};
    mc[1] = (multicall_entry_t){__HYPERVISOR_mmu_update, {(uint32_t)&pin_f, 1, p.va_p}};
    int rc = HYPERVISOR_multicall(mc, 2);
    check_true("batch: remap f's alias, pin f, success count to f's VA",
               rc == 0 && mc[0].args[5] == 0 && mc[1].args[5] == 0, "%d: %d %d", rc,
               (int32_t)mc[0].args[5], (int32_t)mc[1].args[5]);
    check_eq("batch (alias): the success count did not land in the new L1",
             (int32_t)rv_frame_word(p.f, 0), 0);
    check_eq("batch (alias): the success count landed where the VA maps now",
             (int32_t)rv_frame_word(p.g, 0), 1);
    rv_mmu1(mfn(p.f) << 12 | EXT, MMUEXT_UNPIN_TABLE);
    pair_free(&p);
}

/* A multicall whose last result slot is f's first word: earlier entries move the VA to g and
 * give f a type; the result (DR0's value, chosen by the guest) must not be written into f. */
enum remap { BY_MMU_UPDATE, BY_UVM_NOFLUSH, BY_UVM_ALIAS };

static void batch_multicall(enum remap by, int as_gdt)
{
    static mmu_update_t reqs[2];
    static uint32_t frames[1];
    char name[128];
    struct pair p;
    pair_make(&p, as_gdt);
    static const char *const hows[] = {"mmu_update", "uvm (no flush)", "uvm through the alias"};
    const char *how = hows[by];
    const char *what = as_gdt ? "set_gdt" : "pin as L1";
    uint32_t newpte = mfn(p.g) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    unsigned n = 3;
    volatile multicall_entry_t *m = mc_at(&p, n);

    HYPERVISOR_set_debugreg(0, DR_MARK);
    if (by == BY_UVM_NOFLUSH)
        mc_set(&m[0], __HYPERVISOR_update_va_mapping, p.va_p >> 12, newpte, 0);
    else if (by == BY_UVM_ALIAS)
        mc_set(&m[0], __HYPERVISOR_update_va_mapping, (p.va_p + (1u << 22)) >> 12, newpte,
               UVMF_INVLPG);
    else {
        reqs[0] = (mmu_update_t){mfn(p.x) << 12 | 4, newpte};
        mc_set(&m[0], __HYPERVISOR_mmu_update, (uint32_t)&reqs[0], 1, 0);
    }
    if (as_gdt) {
        frames[0] = mfn(p.f);
        mc_set(&m[1], __HYPERVISOR_set_gdt, (uint32_t)frames, GDT_ENTRIES, 0);
    } else {
        reqs[1] = (mmu_update_t){mfn(p.f) << 12 | EXT, MMUEXT_PIN_L1_TABLE};
        mc_set(&m[1], __HYPERVISOR_mmu_update, (uint32_t)&reqs[1], 1, 0);
    }
    mc_set(&m[2], __HYPERVISOR_get_debugreg, 0, 0, 0);

    snprintf(name, sizeof(name), "multicall: %s, %s, a result into f's VA", how, what);
    int rc = HYPERVISOR_multicall((multicall_entry_t *)m, n);
    check_true(name, rc == 0 && m[0].args[5] == 0 && m[1].args[5] == 0,
               "multicall %d, results %d %d", rc, (int32_t)m[0].args[5], (int32_t)m[1].args[5]);
    snprintf(name, sizeof(name), "multicall: %s, %s: the result did not land in f", how, what);
    check_eq(name, (int32_t)rv_frame_word(p.f, 0), 0);
    snprintf(name, sizeof(name), "multicall: %s, %s: the result landed in g", how, what);
    check_eq(name, (int32_t)rv_frame_word(p.g, 0), (int32_t)DR_MARK);

    if (as_gdt)
        set_gdt1(gdt_frame());
    else
        rv_mmu1(mfn(p.f) << 12 | EXT, MMUEXT_UNPIN_TABLE);
    HYPERVISOR_set_debugreg(0, 0);
    pair_free(&p);
}

/* The batch moves the page holding its own result slot (or the success count) onto a pinned L1,
 * read-only: the hypervisor's write must fail, and never reach the L1. */
static void batch_remaps_its_result(void)
{
    struct pair p;
    pair_make(&p, 0);
    uint32_t l = rv_new_frame(0);
    rv_mmu1(mfn(l) << 12 | EXT, MMUEXT_PIN_L1_TABLE);
    uint32_t ro = mfn(l) << 12 | PTE_P | PTE_A;

    volatile multicall_entry_t *m = (volatile multicall_entry_t *)p.va_p;
    mc_set(&m[0], __HYPERVISOR_update_va_mapping, p.va_p >> 12, ro, UVMF_INVLPG);
    m[0].args[5] = 0x77777777;
    check_eq("multicall remapping its own result page onto an L1: -EFAULT",
             HYPERVISOR_multicall((multicall_entry_t *)m, 1), -XEN_EFAULT);
    int clean = 1;
    for (unsigned i = 0; i < 8; i++)
        clean &= rv_frame_word(l, i) == 0;
    check_true("multicall remapping its own result page: the L1 is untouched", clean,
               "word 6 = %#x", rv_frame_word(l, 6));

    rv_mmu1(mfn(p.x) << 12 | 4, mfn(p.f) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
    rv_uvm(p.va_p, mfn(p.f) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
    mmu_update_t req = {mfn(p.x) << 12 | 4, ro};
    int rc = HYPERVISOR_mmu_update(&req, 1, (uint32_t *)p.va_p);
    printk("batch: mmu_update moving its success count's page onto an L1 returned %d\n", rc);
    check_eq("mmu_update moving its success count's page onto an L1: the L1 is untouched",
             (int32_t)rv_frame_word(l, 0), 0);

    rv_mmu1(mfn(p.x) << 12 | 4, 0);
    rv_mmu1(mfn(l) << 12 | EXT, MMUEXT_UNPIN_TABLE);
    test_frame_free(l);
    pair_free(&p);
}

void review_tlb(void)
{
    for (unsigned d = 0; d < NR_DROPS; d++)
        control(d);
    for (unsigned d = 0; d < NR_DROPS; d++)
        for (unsigned a = 0; a < NR_ACQS; a++)
            stale_case(d, a);
    batch_done_pointer();
    batch_done_pointer_alias();
    batch_multicall(BY_MMU_UPDATE, 0);
    batch_multicall(BY_UVM_NOFLUSH, 0);
    batch_multicall(BY_UVM_ALIAS, 0);
    batch_multicall(BY_MMU_UPDATE, 1);
    batch_multicall(BY_UVM_ALIAS, 1);
    batch_remaps_its_result();
}
