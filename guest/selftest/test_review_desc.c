/*
 * test=mmu-review, descriptors. Segment limits are the hypervisor's first line of isolation, and
 * QEMU's TCG does not enforce them, so what is checked here is what the hypervisor stores (read
 * back from the GDT or LDT) and what the CPU will use (LSL from ring 1), never an access past
 * 0xFC3FFFFF:
 *   - every accepted segment ends at or below 0xFC3FFFFF, whatever path it came in by
 *     (update_descriptor, a set_gdt frame, an LDT page), expand-down and wrapping ones included;
 *   - entries of a GDT or LDT frame beyond the count given are never live unchecked, not even
 *     when the same frame is given again with a larger count;
 *   - an LDT or GDT the CPU uses is the validated frame, not whatever the guest maps later;
 *   - a descriptor whose accessed bit is clear cannot trip the hypervisor when loaded.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <arch/x86/gdt.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/probe.h>
#include <selftest/review.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <lib/format.h>
#include <lib/string.h>

TRIG_K(load_fs);

#define E_TEST 12 /* GDT entries 12-15 are free for these checks */
#define SEL(e) ((e) << 3 | 1u)
#define LDT_SEL(e) ((e) << 3 | 4u | 1u)
#define SCR 14
#define TYPE_DATA_RW 0x3u  /* accessed */
#define TYPE_DATA_RO 0x1u  /* accessed */
#define TYPE_DATA_RWD 0x7u /* expand-down, accessed */
#define TYPE_DATA_ROD 0x5u
#define TYPE_CODE_R 0xbu
#define TYPE_CODE_CONF 0xfu /* conforming, readable, accessed */
#define F_G 0x8u
#define F_B 0x4u
#define MARK_LIMIT_A 0xabcu
#define MARK_LIMIT_B 0x12345u

static uint32_t mfn(uint32_t pfn)
{
    return pfn_to_mfn(pfn);
}

static struct gdt_desc seg(uint32_t base, uint32_t limit20, uint32_t type, uint32_t dpl,
                           uint32_t flags)
{
    return gdt_make(base, limit20, 0x80u | dpl << 5 | 0x10u | type, flags);
}

/* A conforming ring-0 code segment: refused by every check, and LSL sees it from any ring. */
static struct gdt_desc conforming0(void)
{
    return seg(0, 0x777, TYPE_CODE_CONF, 0, F_B);
}

static uint32_t desc_base(struct gdt_desc d)
{
    return d.lo >> 16 | (d.hi & 0xffu) << 16 | (d.hi & 0xff000000u);
}

/* Where a present code/data segment may reach; 0 when that is past 0xFC3FFFFF or it could be
 * a 16-bit stack. */
static int confined(struct gdt_desc d, char *why, size_t n)
{
    uint32_t access = d.hi >> 8 & 0xffu, flags = d.hi >> 20 & 0xfu;
    if (!(access & 0x80u) || !(access & 0x10u))
        return 1;
    uint64_t lim = flags & F_G ? (uint64_t)gdt_limit20(d) << 12 | 0xfff : gdt_limit20(d);
    uint64_t base = desc_base(d), lo = base, hi = base + lim;
    int code = access & 0x8u;
    if (!code && (access & 0x4u)) { /* expand-down: offsets limit+1 .. 0xFFFF or 0xFFFFFFFF */
        uint64_t top = flags & F_B ? 0xffffffffull : 0xffffull;
        lo = base + lim + 1;
        hi = base + top;
        if (lim >= top)
            return 1;
    }
    snprintf(why, n, "base %#x limit %#x%s: bytes %#llx-%#llx", (uint32_t)base, (uint32_t)lim,
             code ? " code" : "", lo, hi);
    if (!code && (access & 0x2u) && !(flags & F_B))
        return 0;   /* writable 16-bit data: a 16-bit stack (ESP[31:16] leak) */
    if (lo >> 32) { /* linear addresses wrap at 4 GB: all of it wrapped */
        lo -= 1ull << 32;
        hi -= 1ull << 32;
    }
    return hi < HOLE; /* a range across 4 GB takes in the hole too */
}

struct dcase {
    const char *name;
    uint32_t base, limit20, type, flags;
};

static const struct dcase cases[] = {
    {"expand-up, base 0xfff, 4 GB", 0xfff, 0xfffff, TYPE_DATA_RW, F_G | F_B},
    {"expand-up, base 0x80000000, 4 GB (wraps)", 0x80000000u, 0xfffff, TYPE_DATA_RW, F_G | F_B},
    {"expand-up, ends at 0xfc3fffff exactly", 0xfc3fe000u, 0x1fff, TYPE_DATA_RW, F_B},
    {"expand-up, ends at 0xfc400000", 0xfc3fe000u, 0x2000, TYPE_DATA_RW, F_B},
    {"expand-up, base 0xfc3fefff, two pages", 0xfc3fefffu, 1, TYPE_DATA_RW, F_G | F_B},
    {"code, base 0xfc3fefff, 4 GB", 0xfc3fefffu, 0xfffff, TYPE_CODE_R, F_G | F_B},
    {"expand-down 32-bit, base 0", 0, 0x10, TYPE_DATA_RWD, F_G | F_B},
    {"expand-down 32-bit, base 0x10000000, below the hole", 0x10000000u, 0xf0000, TYPE_DATA_RWD,
     F_G | F_B},
    {"expand-down 32-bit read-only, base 0x80000000", 0x80000000u, 0x100, TYPE_DATA_ROD, F_G | F_B},
    {"expand-down 16-bit read-only, base 0xfc3f8000", 0xfc3f8000u, 0, TYPE_DATA_ROD, 0},
    {"read-only 16-bit, base 0xfc3f0000, 64 KB", 0xfc3f0000u, 0xffff, TYPE_DATA_RO, 0},
    {"writable 16-bit (a 16-bit stack)", 0, 0xfffff, TYPE_DATA_RW, F_G},
    {"writable expand-down 16-bit", 0x100000u, 0x10, TYPE_DATA_RWD, 0},
};
#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

static struct gdt_desc case_desc(const struct dcase *c)
{
    return seg(c->base, c->limit20, c->type, 1, c->flags);
}

static void check_stored(const char *path, const struct dcase *c, int rc, struct gdt_desc got)
{
    char name[160], why[96] = "";
    snprintf(name, sizeof(name), "desc (%s): %s: refused or confined", path, c->name);
    if (rc != 0) {
        check_true(name, rc < 0, "rc %d", rc);
        return;
    }
    check_true(name, confined(got, why, sizeof(why)), "stored %#x %#x: %s", got.lo, got.hi, why);
}

static uint32_t gdt_copy_frame(void)
{
    uint32_t pfn = rv_new_frame(0);
    struct gdt_desc *d = scratch_map(SCR, pfn);
    for (unsigned e = 0; e < 256; e++)
        d[e] = gdt_read(e);
    scratch_unmap(SCR);
    return pfn;
}

static void frame_put(uint32_t pfn, unsigned e, struct gdt_desc d)
{
    struct gdt_desc *p = scratch_map(SCR, pfn);
    p[e] = d;
    scratch_unmap(SCR);
}

static struct gdt_desc frame_get(uint32_t pfn, unsigned e)
{
    return (struct gdt_desc){rv_frame_word(pfn, 2 * e), rv_frame_word(pfn, 2 * e + 1)};
}

static int set_gdt1(uint32_t frame_mfn, uint32_t entries)
{
    static uint32_t frames[1];
    frames[0] = frame_mfn;
    return HYPERVISOR_set_gdt(frames, entries);
}

static int set_ldt(uint32_t va, uint32_t entries)
{
    return rv_mmu1(va | EXT, MMUEXT_SET_LDT | entries << MMUEXT_CMD_SHIFT);
}

static void ranges(void)
{
    uint32_t maddr = gdt_maddr(E_TEST), va = scratch_va(SCR);
    for (unsigned i = 0; i < NR_CASES; i++) {
        const struct dcase *c = &cases[i];
        int rc = HYPERVISOR_update_descriptor(maddr, case_desc(c));
        check_stored("update_descriptor", c, rc, gdt_read(E_TEST));
        HYPERVISOR_update_descriptor(maddr, (struct gdt_desc){0, 0});

        uint32_t y = gdt_copy_frame();
        frame_put(y, E_TEST, case_desc(c));
        rc = set_gdt1(mfn(y), GDT_ENTRIES);
        check_stored("set_gdt frame", c, rc, frame_get(y, E_TEST));
        if (rc == 0)
            set_gdt1(gdt_frame(), GDT_ENTRIES);
        test_frame_free(y);

        uint32_t l = rv_new_frame(0);
        frame_put(l, 1, case_desc(c));
        rv_uvm(va, mfn(l) << 12 | PTE_P | PTE_A);
        rc = set_ldt(va, 16);
        check_stored("LDT page", c, rc, frame_get(l, 1));
        if (rc == 0)
            set_ldt(0, 0);
        rv_uvm(va, 0);
        test_frame_free(l);
    }
}

/* Entries past the count: a frame given with 16 entries holds refused descriptors at 20, 300
 * and 511; then the same frame, still the live GDT, is given again with 512. */
static void gdt_counts(void)
{
    uint32_t y = gdt_copy_frame();
    frame_put(y, 20, conforming0());
    frame_put(y, 300, conforming0());
    frame_put(y, 511, conforming0());
    int rc = set_gdt1(mfn(y), 16);
    if (rc != 0) {
        check_true("gdt count: a frame with refused entries past the count", rc < 0, "%d", rc);
    } else {
        int64_t l20 = rv_lsl(SEL(20)), l300 = rv_lsl(SEL(300)), l511 = rv_lsl(SEL(511));
        check_true("gdt count: entries past the count are not live",
                   l20 < 0 && l300 < 0 && l511 < 0, "LSL limits %lld %lld %lld", l20, l300, l511);
        rc = set_gdt1(mfn(y), GDT_ENTRIES);
        int64_t again = rv_lsl(SEL(20));
        check_true("gdt count: the same frame again with 512 entries is checked again",
                   rc < 0 || again < 0, "set_gdt %d, LSL of entry 20: %lld", rc, again);
    }
    check_eq("gdt count: back to the guest's GDT", set_gdt1(gdt_frame(), GDT_ENTRIES), 0);
    test_frame_free(y);
}

static void ldt_counts(void)
{
    uint32_t l = rv_new_frame(0), va = scratch_va(SCR);
    frame_put(l, 100, conforming0());
    rv_uvm(va, mfn(l) << 12 | PTE_P | PTE_A);
    int rc = set_ldt(va, 16);
    if (rc != 0) {
        check_true("ldt count: a page with a refused entry past the count", rc < 0, "%d", rc);
    } else {
        check_true("ldt count: the entry past the count is not live", rv_lsl(LDT_SEL(100)) < 0,
                   "LSL %lld", rv_lsl(LDT_SEL(100)));
        rc = set_ldt(va, 512);
        int64_t again = rv_lsl(LDT_SEL(100));
        check_true("ldt count: the same page again with 512 entries is checked again",
                   rc < 0 || again < 0, "SET_LDT %d, LSL %lld", rc, again);
    }
    set_ldt(0, 0);
    rv_uvm(va, 0);
    test_frame_free(l);
}

/* The LDT is named by a VA; the CPU must go on using the validated frame after the VA (or the
 * whole address space) changes under it. b's limit is what an unchecked frame would show. */
static void ldt_remaps(void)
{
    uint32_t a = rv_new_frame(0), b = rv_new_frame(0), va = scratch_va(SCR);
    frame_put(a, 1, seg(0, MARK_LIMIT_A, TYPE_DATA_RW, 1, F_B));
    frame_put(b, 1, seg(0, MARK_LIMIT_B, TYPE_DATA_RW, 1, F_B));
    rv_uvm(va, mfn(a) << 12 | PTE_P | PTE_A);
    check_eq("ldt remap: LDT set up", set_ldt(va, 16), 0);
    check_eq("ldt remap: the CPU sees it", (int32_t)rv_lsl(LDT_SEL(1)), MARK_LIMIT_A);
    int rc = rv_uvm(va, mfn(b) << 12 | PTE_P | PTE_A);
    printk("ldt remap: the LDT's VA moved to another frame: %d\n", rc);
    check_true("ldt remap: the CPU still sees the checked frame",
               rv_lsl(LDT_SEL(1)) != MARK_LIMIT_B, "LSL %lld", rv_lsl(LDT_SEL(1)));
    check_eq("ldt remap: the LDT frame stays read-only",
             rv_uvm(scratch_va(SCR + 1), mfn(a) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D),
             -XEN_EPERM);
    set_ldt(0, 0);
    rv_uvm(va, 0);

    /* The same across NEW_BASEPTR: VA 0x1000 is a here and b in the other space. */
    struct addrspace as;
    uint32_t esp = user_entry_stack_top(); /* the ring-1 stack for entries from ring 3 */
    unsigned s = 0;
    if (boot_l2[s] != 0 || as_create(&as, 1) != 0) {
        check_true("ldt remap: a second address space", 0, "slot 0 busy or no memory");
    } else {
        uint32_t l1 = rv_new_frame(0);
        ((uint32_t *)scratch_map(SCR, l1))[1] = mfn(a) << 12 | PTE_P | PTE_A;
        scratch_unmap(SCR);
        rv_mmu1(rv_l2e(s), mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A);
        as_queue_map(&as, XEN_PAGE_SIZE, b, 0);
        mmu_flush(0);
        check_eq("ldt switch: LDT at VA 0x1000", set_ldt(XEN_PAGE_SIZE, 16), 0);
        check_eq("ldt switch: switch to a space where VA 0x1000 is another frame",
                 as_switch(&as, esp), 0);
        int64_t seen = rv_lsl(LDT_SEL(1));
        as_switch_home(esp);
        check_true("ldt switch: the CPU still sees the checked frame", seen != MARK_LIMIT_B,
                   "LSL %lld", seen);
        set_ldt(0, 0);
        as_queue_unmap(&as, XEN_PAGE_SIZE);
        mmu_flush(0);
        as_destroy(&as);
        rv_mmu1(rv_l2e(s), 0);
        test_frame_free(l1);
    }
    test_frame_free(a);
    test_frame_free(b);
}

/* SET_LDT(0) and a move to another LDT: the old page goes back to the guest, writable; the CPU's
 * LDTR must not keep pointing at it. */
static void ldt_drops(void)
{
    uint32_t a = rv_new_frame(0), b = rv_new_frame(0), va = scratch_va(SCR);
    uint32_t vb = scratch_va(SCR + 1);
    frame_put(a, 1, seg(0, MARK_LIMIT_A, TYPE_DATA_RW, 1, F_B));
    rv_uvm(va, mfn(a) << 12 | PTE_P | PTE_A);
    check_eq("ldt drop: LDT set up", set_ldt(va, 16), 0);
    check_eq("ldt drop: SET_LDT of nothing", set_ldt(0, 0), 0);
    rv_uvm(va, 0);
    check_eq("ldt drop: the old page mapped writable",
             rv_uvm(va, mfn(a) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    struct gdt_desc c = conforming0();
    volatile struct gdt_desc *old = (volatile struct gdt_desc *)va;
    old[1].lo = c.lo, old[1].hi = c.hi;
    check_true("ldt drop: no LDT is live afterwards", rv_lsl(LDT_SEL(1)) < 0, "LSL %lld",
               rv_lsl(LDT_SEL(1)));
    old[1].lo = old[1].hi = 0;
    frame_put(a, 1, seg(0, MARK_LIMIT_A, TYPE_DATA_RW, 1, F_B));
    rv_uvm(va, mfn(a) << 12 | PTE_P | PTE_A);
    rv_uvm(vb, mfn(b) << 12 | PTE_P | PTE_A);
    set_ldt(va, 16);
    check_eq("ldt drop: moved to another (empty) LDT page", set_ldt(vb, 16), 0);
    rv_uvm(va, mfn(a) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
    old[1].lo = c.lo, old[1].hi = c.hi;
    check_true("ldt drop: the old page is not live", rv_lsl(LDT_SEL(1)) < 0, "LSL %lld",
               rv_lsl(LDT_SEL(1)));
    set_ldt(0, 0);
    rv_uvm(va, 0);
    rv_uvm(vb, 0);
    test_frame_free(a);
    test_frame_free(b);
}

/* set_gdt with several frames: a bad one last must leave no reference on the good ones, and the
 * live frame may be listed with new ones. */
static void gdt_frame_lists(void)
{
    static uint32_t frames[3];
    static hv_stats_t a, b;
    uint32_t y = gdt_copy_frame(), z = rv_new_frame(0);
    HYPERVISOR_hv_stats(&a);
    frames[0] = mfn(y), frames[1] = mfn(z), frames[2] = 0x100; /* the hypervisor's */
    check_eq("gdt list: two good frames and a foreign one", HYPERVISOR_set_gdt(frames, 1536),
             -XEN_EPERM);
    frames[2] = current_l2_mfn();
    check_eq("gdt list: two good frames and a page table", HYPERVISOR_set_gdt(frames, 1536),
             -XEN_EPERM);
    HYPERVISOR_hv_stats(&b);
    check_true("gdt list: the refusals took no reference",
               a.guest_type_refs == b.guest_type_refs && a.guest_refs == b.guest_refs,
               "type refs %u -> %u, refs %u -> %u", a.guest_type_refs, b.guest_type_refs,
               a.guest_refs, b.guest_refs);
    frames[0] = gdt_frame(), frames[1] = mfn(y);
    check_eq("gdt list: the live frame and a new one", HYPERVISOR_set_gdt(frames, 1024), 0);
    check_eq("gdt list: the new one is read-only now",
             rv_uvm(scratch_va(SCR), mfn(y) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), -XEN_EPERM);
    check_eq("gdt list: back to one frame", set_gdt1(gdt_frame(), GDT_ENTRIES), 0);
    HYPERVISOR_hv_stats(&b);
    check_true("gdt list: the second frame released", a.guest_type_refs == b.guest_type_refs,
               "type refs %u -> %u", a.guest_type_refs, b.guest_type_refs);
    test_frame_free(y);
    test_frame_free(z);
}

/* After set_gdt moves to another frame, the old one is plain memory the guest may write: the CPU
 * must not keep reading descriptors from it (a stale mapping in the hypervisor's area), in this
 * address space or in one built before the move. */
static void gdt_moves(void)
{
    struct addrspace as;
    uint32_t esp = user_entry_stack_top(), g = gdt_frame(), y = gdt_copy_frame();
    uint32_t va = scratch_va(SCR);
    as_create(&as, 0);
    frame_put(y, E_TEST, seg(0, MARK_LIMIT_A, TYPE_DATA_RW, 1, F_B));
    check_eq("gdt move: to a copy", set_gdt1(mfn(y), GDT_ENTRIES), 0);
    check_eq("gdt move: the old frame mapped writable",
             rv_uvm(va, g << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    volatile struct gdt_desc *old = (volatile struct gdt_desc *)va;
    struct gdt_desc b = seg(0, MARK_LIMIT_B, TYPE_DATA_RW, 1, F_B), c = conforming0();
    old[E_TEST].lo = b.lo, old[E_TEST].hi = b.hi;
    old[E_TEST + 1].lo = c.lo, old[E_TEST + 1].hi = c.hi;
    check_eq("gdt move: the CPU reads the new frame", (int32_t)rv_lsl(SEL(E_TEST)), MARK_LIMIT_A);
    check_true("gdt move: nothing of the old frame is live", rv_lsl(SEL(E_TEST + 1)) < 0,
               "LSL %lld", rv_lsl(SEL(E_TEST + 1)));
    check_eq("gdt move: switch to a space built before the move", as_switch(&as, esp), 0);
    int64_t seen = rv_lsl(SEL(E_TEST)), seen2 = rv_lsl(SEL(E_TEST + 1));
    as_switch_home(esp);
    check_true("gdt move: ... where the CPU reads the new frame too",
               seen == MARK_LIMIT_A && seen2 < 0, "LSL %lld %lld", seen, seen2);
    old[E_TEST].lo = old[E_TEST].hi = 0;
    old[E_TEST + 1].lo = old[E_TEST + 1].hi = 0;
    rv_uvm(va, 0);
    check_eq("gdt move: back to the guest's frame", set_gdt1(g, GDT_ENTRIES), 0);
    as_destroy(&as);
    test_frame_free(y);
}

/* The accessed bit: the CPU sets it when it loads a descriptor that lacks it, writing the GDT.
 * Neither a load by the guest nor a reload on the hypervisor's way out may fault in the
 * hypervisor or hand it a hypervisor address. */
static void accessed_bit(void)
{
    uint32_t e = E_TEST + 2, maddr = gdt_maddr(e), n0 = failsafe_count;
    struct gdt_desc with_a = seg(0, DESC_LIMIT_FLAT, TYPE_DATA_RW, 1, F_G | F_B);
    struct gdt_desc no_a = seg(0, DESC_LIMIT_FLAT, TYPE_DATA_RW & ~1u, 1, F_G | F_B);

    int rc = HYPERVISOR_update_descriptor(maddr, no_a);
    struct gdt_desc got = gdt_read(e);
    printk("accessed: a data descriptor without A: %d, stored %#x %#x\n", rc, got.lo, got.hi);
    if (rc == 0) {
        const struct probe_case c = {"accessed: loading it into FS does not fault",
                                     1,
                                     k_load_fs,
                                     k_load_fs_eip,
                                     k_load_fs_resume,
                                     PROBE_NONE,
                                     0,
                                     SEL(e)};
        probe_fire(&c);
        probe_check(&c);
        if (trap_probe.hits)
            printk("accessed: the fault's address: %#x\n", trap_probe.cr2);
    }
    check_eq("accessed: descriptor with A set", HYPERVISOR_update_descriptor(maddr, with_a), 0);
    /* FS holds it; the hypercall itself clears A: the hypervisor reloads FS on the way out. */
    uint32_t r = rv_hypercall_fs(SEL(e), __HYPERVISOR_update_descriptor, maddr, no_a.lo, no_a.hi);
    printk("accessed: A cleared under a loaded FS: %d, failsafe callbacks %u\n", (int32_t)r,
           failsafe_count - n0);
    check_true("accessed: the hypervisor's way out survived it", (int32_t)r <= 0, "%d", r);
    r = rv_hypercall_fs(SEL(e), __HYPERVISOR_xen_version, 0, 0, 0);
    check_true("accessed: a hypercall with that FS loaded",
               r == XEN_VERSION_CODE || failsafe_count - n0 > 0, "%#x", r);
    HYPERVISOR_update_descriptor(maddr, (struct gdt_desc){0, 0});
}

/* Gates and handlers whose offset lies past the guest segments: refused, or relying on the CPU's
 * limit check alone (which TCG does not do). Notes, not checks: hardware and Bochs fault. */
static void offsets_in_the_hole(void)
{
    struct gdt_desc g = {FLAT_RING1_CS << 16 | 0x0000, 0xfc500000u | 0x8000u | 1 << 13 | 0x0c00u};
    int rc = HYPERVISOR_update_descriptor(gdt_maddr(E_TEST + 3), g);
    printk("note: call gate to FLAT_RING1_CS:0xfc500000: %s\n",
           rc ? "refused" : "accepted (only the CS limit stops it)");
    HYPERVISOR_update_descriptor(gdt_maddr(E_TEST + 3), (struct gdt_desc){0, 0});
}

void review_descriptors(void)
{
    ranges();
    gdt_counts();
    ldt_counts();
    ldt_remaps();
    ldt_drops();
    gdt_moves();
    gdt_frame_lists();
    accessed_bit();
    offsets_in_the_hole();
}
