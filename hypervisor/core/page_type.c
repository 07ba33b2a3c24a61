/*
 * Page types and reference counts (ABI §7): what keeps a guest from ever writing its page
 * tables except through the hypervisor.
 *
 * Every machine frame has an owner, a general reference count and a type with its own count.
 *   - count: one per mapping of the frame in a validated L1, per L2 entry pointing at it, per
 *     pin, per use as a base pointer, per hypervisor hold. A frame is never reused while > 0.
 *   - type (L1, L2, GDT, LDT, WRITABLE) with type_count: how many references need the frame to
 *     stay that type. A writable mapping needs WRITABLE; an L2 entry needs L1; a pin or a base
 *     pointer needs L1/L2. The type can change only while type_count is 0, so a frame is never
 *     at once a page table (or descriptor table) and writable through some mapping.
 *   - A frame becomes L1/L2/GDT/LDT only after validation: every entry is checked and takes the
 *     references it needs. When the type count drops to 0 the frame is devalidated: every entry
 *     gives its references back and the frame returns to type NONE. Validation and
 *     devalidation are exact inverses, so counts return to zero after any teardown.
 *   - Read-only mappings need no type: the guest may read its page tables.
 *   - Linear page tables: an L2 entry may map its own L2 read-only. [ours] Only itself: a
 *     read-only entry to another L2 would let two L2s hold each other's type (never freed) and
 *     make devalidation recurse without bound.
 * Entries are checked before anything changes; a refused entry leaves no reference behind.
 * Counts never wrap: an increment at FRAME_COUNT_MAX is refused. Type references come with a
 * general one (but for a plain store's momentary one), so type_count does not pass count and
 * the hot paths check count alone. A count that would go below 0 is a hypervisor bug (ASSERT).
 *
 * The TLB rule. A TLB entry outlives the page-table entry it was loaded from until the next
 * flush, and the paging-structure caches remember the tables a walk went through. Ring 1 can
 * leave a writable entry behind on purpose (one L1 hooked at two L2 slots, cleared through one
 * of them and invalidated only there), so "no writable mapping" in the counts is not yet "no
 * writable access". Hence: when a frame's type count drops to 0, the frame is stamped with the
 * flush clock and flagged with what a TLB may still hold for it (a writable mapping, or walks
 * through it as an L1 or an L2). Before the frame takes a type that such a leftover would
 * break -- any type but WRITABLE after a writable mapping, any type but the same table type
 * after a walk -- the whole TLB is flushed, unless a flush has happened since the stamp. Every
 * path that changes a mapping or a type (mmu_update, update_va_mapping, multicall, pins,
 * NEW_BASEPTR, set_gdt, SET_LDT) takes its types here, so one check covers them all; the cost
 * falls on type changes, never on the mappings themselves. (Xen's tlbflush_timestamp.)
 */
#include "hv/page_type.h"
#include "hv/arch.h"
#include "hv/frame.h"
#include "hv/l1e_fast.h"
#include "hv/panic.h"
#include "lib/string.h"
#include <public/xen.h>

/* As L1_REFUSED_BITS (hv/l1e_fast.h): guest RAM is always write-back, no global pages, and no
 * 4 MB pages (an L2 entry names an L1). */
#define L2_REFUSED_BITS (PTE_PSE | PTE_G | PTE_PCD | PTE_PWT)

static int refuse(const char **why, const char *reason)
{
    *why = reason;
    return -XEN_EINVAL;
}

/* Whose a frame the guest may not use is, for the refusal's log line. */
static __attribute__((noinline)) int not_the_guests(uint32_t mfn, const char **why)
{
    const struct frame_info *f = mfn < max_mfn ? &frame_table[mfn] : 0;
    if (!f)
        *why = "frame is not the guest's (beyond memory)";
    else if (!(f->flags & FF_RAM))
        *why = "frame is not the guest's (not RAM)";
    else if (f->flags & FF_FREE)
        *why = "frame is not the guest's (free)";
    else if (f->owner == OWNER_HV)
        *why = "frame is not the guest's (the hypervisor's)";
    else if (f->owner == OWNER_NONE) /* firmware, the hypervisor's image, boot modules */
        *why = "frame is not the guest's (reserved)";
    else
        *why = "frame is not the guest's (another domain's)";
    return -XEN_EPERM;
}

static __attribute__((noinline)) int too_many_references(const char **why)
{
    return refuse(why, "frame has too many references");
}

static inline int get_page_inline(uint32_t mfn, uint16_t dom, const char **why)
{
    if (mfn >= max_mfn || frame_table[mfn].owner != dom || !(frame_table[mfn].flags & FF_RAM))
        return not_the_guests(mfn, why);
    if (frame_table[mfn].count == FRAME_COUNT_MAX)
        return too_many_references(why);
    frame_table[mfn].count++;
    return 0;
}

int get_page(uint32_t mfn, uint16_t dom, const char **why)
{
    return get_page_inline(mfn, dom, why);
}

void put_page(uint32_t mfn)
{
    ASSERT(frame_table[mfn].count > 0);
    if (frame_table[mfn].count)
        frame_table[mfn].count--;
}

/* The TLB rule (above): before a frame takes type t, the flush its leftover calls for (what a
 * TLB may still hold is noted by tlb_note_release, hv/l1e_fast.h). */
static void tlb_before_type(struct frame_info *f, enum frame_type t)
{
    uint8_t same = t == FT_WRITABLE ? FF_TLB_WRITABLE
                   : t == FT_L1     ? FF_TLB_L1
                   : t == FT_L2     ? FF_TLB_L2
                                    : 0;
    if ((f->flags & FF_TLB_STALE & ~same) && f->tlbflush_stamp == tlbflush_clock)
        arch_flush_tlb();
    f->flags &= (uint8_t)~FF_TLB_STALE;
}

static int validate(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why);
static void devalidate(uint32_t mfn, enum frame_type t);

int get_page_type(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why)
{
    struct frame_info *f = &frame_table[mfn];
    if (f->type_count > 0) {
        if (f->type != t)
            return refuse(why, t == FT_WRITABLE ? "frame is a page or descriptor table"
                                                : "frame is in use as another type");
        if (f->type_count == FRAME_COUNT_MAX)
            return too_many_references(why);
        f->type_count++;
        return 0;
    }
    if (t != FT_WRITABLE) {
        if (f->flags & FF_HV_WRITES)
            return refuse(why, "frame is written by the hypervisor (shared_info)");
        /* Claim the type first: an entry of this very table mapping it read-only is fine,
         * a writable one must see it as a table. */
        f->type = (uint8_t)t;
        f->type_count = 1;
        int err = validate(mfn, t, dom, why);
        if (err) {
            f->type = FT_NONE;
            f->type_count = 0;
            return err;
        }
        f->flags |= FF_VALIDATED;
    } else {
        f->type = FT_WRITABLE;
        f->type_count = 1;
    }
    /* Before the guest runs again, nothing a TLB kept from the old type may remain. */
    if (f->flags & FF_TLB_STALE)
        tlb_before_type(f, t);
    return 0;
}

void put_page_type(uint32_t mfn)
{
    struct frame_info *f = &frame_table[mfn];
    ASSERT(f->type_count > 0);
    if (f->type_count == 0)
        return;
    if (--f->type_count > 0)
        return;
    /* The last type reference: only now may the frame be devalidated. */
    enum frame_type t = (enum frame_type)f->type;
    f->flags &= ~FF_VALIDATED;
    if (t == FT_L1 || t == FT_L2) {
        f->type_count = 1; /* held while its entries let go (a self-map puts back to it) */
        devalidate(mfn, t);
        ASSERT(f->type_count == 1);
        f->type_count = 0;
    }
    tlb_note_release(f, t);
    f->type = FT_NONE;
}

int get_page_and_type(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why)
{
    /* The common case inline: a frame of the guest's that already has type t (a context
     * switch to a pinned L2), which only takes one more reference of each kind. */
    if (mfn < max_mfn) {
        struct frame_info *f = &frame_table[mfn];
        if (f->owner == dom && (f->flags & FF_RAM) && f->type_count && f->type == t &&
            f->count != FRAME_COUNT_MAX && f->type_count != FRAME_COUNT_MAX) {
            f->count++;
            f->type_count++;
            return 0;
        }
    }
    int err = get_page(mfn, dom, why);
    if (err)
        return err;
    err = get_page_type(mfn, t, dom, why);
    if (err)
        put_page(mfn);
    return err;
}

void put_page_and_type(uint32_t mfn)
{
    struct frame_info *f = &frame_table[mfn];
    if (f->type_count > 1 && f->count > 1) { /* not the last of either: nothing else to do */
        f->type_count--;
        f->count--;
        return;
    }
    put_page_type(mfn);
    put_page(mfn);
}

/* ---- Entries ----------------------------------------------------------------------------- */

static inline __attribute__((always_inline)) int l1e_get_inline(uint32_t pte, uint16_t dom,
                                                                const char **why)
{
    if (!(pte & PTE_P))
        return 0;
    if (pte & L1_REFUSED_BITS)
        return refuse(why, (pte & (PTE_PAT | PTE_G))
                               ? "PAT or global bit in an L1 entry"
                               : "PCD or PWT bit in an L1 entry (guest RAM is write-back)");
    uint32_t mfn = pte >> 12;
    int err = get_page_inline(mfn, dom, why);
    if (err || !(pte & PTE_RW))
        return err;
    struct frame_info *f = &frame_table[mfn];
    if (f->type == FT_WRITABLE && f->type_count) { /* the common case, inline */
        f->type_count++;
        return 0;
    }
    err = get_page_type(mfn, FT_WRITABLE, dom, why);
    if (err) {
        put_page(mfn);
        *why = "writable mapping of a page or descriptor table";
        return -XEN_EPERM;
    }
    return 0;
}

int l1e_get(uint32_t pte, uint16_t dom, const char **why)
{
    return l1e_get_inline(pte, dom, why);
}

static inline __attribute__((always_inline)) void l1e_put_inline(uint32_t pte)
{
    if (!(pte & PTE_P))
        return;
    struct frame_info *f = &frame_table[pte >> 12];
    if ((pte & PTE_RW) && f->type_count > 1) { /* the common case, inline */
        f->type_count--;
        f->count--;
        return;
    }
    if (pte & PTE_RW)
        put_page_type(pte >> 12);
    put_page(pte >> 12);
}

void l1e_put(uint32_t pte)
{
    l1e_put_inline(pte);
}

int l2e_get(uint32_t pde, uint32_t self_mfn, uint16_t dom, const char **why)
{
    if (!(pde & PTE_P))
        return 0;
    if (pde & L2_REFUSED_BITS)
        return refuse(why, (pde & (PTE_PSE | PTE_G))
                               ? "PSE or global bit in an L2 entry"
                               : "PCD or PWT bit in an L2 entry (guest RAM is write-back)");
    uint32_t mfn = pde >> 12;
    if (mfn == self_mfn) {
        if (pde & PTE_RW)
            return refuse(why, "L2 maps itself writable");
        return get_page(mfn, dom, why); /* linear page table: its own type already held */
    }
    int err = get_page_and_type(mfn, FT_L1, dom, why);
    if (err)
        *why = "L2 entry does not point at a valid L1";
    return err;
}

void l2e_put(uint32_t pde, uint32_t self_mfn)
{
    if (!(pde & PTE_P))
        return;
    if ((pde >> 12) == self_mfn)
        put_page(self_mfn);
    else
        put_page_and_type(pde >> 12);
}

/* ---- Whole tables ------------------------------------------------------------------------- */

static unsigned guest_slots(enum frame_type t)
{
    return t == FT_L2 ? HYPERVISOR_L2_FIRST_SLOT : 1024;
}

/*
 * An L2 entry whose L1 is taken for the first time (or dropped for the last) validates (or
 * devalidates) that L1: up to 1024 entries of work, and an L2 has 1008 such entries. That is far
 * too long with interrupts off, so an interrupt window follows each such L1. Only interrupt
 * handlers run in it, and none of them touches a frame's type or counts.
 */
static inline int l1_changes_type(uint32_t pde, uint32_t to_count)
{
    uint32_t mfn = pde >> 12;
    return (pde & PTE_P) && mfn < max_mfn && frame_table[mfn].type_count == to_count;
}

/*
 * An L1's entries taken (given back) in one pass: the hot loop of fork, exec and exit (8 MB
 * resident is 2048 entries). The frame table and its limit in locals, l1e_get_fast's
 * (l1e_put_fast's) checks inline, runs of empty entries skipped in one scan and full runs
 * tested inline (next_nonzero32). l1_get_all stops at the first refused entry: its index in
 * *at, the reason in *why, nothing taken for it.
 */
static int l1_get_all(const uint32_t *e, uint16_t dom, unsigned *at, const char **why)
{
    struct frame_info *const ft = frame_table;
    const uint32_t limit = val_limit();
    const struct guest_tags tags = guest_tags(dom);
    int err = 0;
    unsigned i;
    for (i = next_nonzero32(e, 0, 1024); i < 1024; i = next_nonzero32(e, i + 1, 1024))
        if ((err = l1e_get_fast(e[i], dom, tags, ft, limit, why)))
            break;
    *at = i;
    return err;
}

static void l1_put_all(const uint32_t *e)
{
    struct frame_info *const ft = frame_table;
    for (unsigned i = next_nonzero32(e, 0, 1024); i < 1024; i = next_nonzero32(e, i + 1, 1024))
        l1e_put_fast(e[i], ft);
}

static int validate_table(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why)
{
    uint32_t *e = arch_map_frame(mfn);
    unsigned n = guest_slots(t), i;
    int err = 0;
    if (t == FT_L1) {
        err = l1_get_all(e, dom, &i, why);
    } else {
        /* Empty entries are skipped in one scan: most of a table is empty. */
        for (i = next_nonzero32(e, 0, n); i < n; i = next_nonzero32(e, i + 1, n)) {
            int heavy = (e[i] >> 12) != mfn && l1_changes_type(e[i], 0);
            err = l2e_get(e[i], mfn, dom, why);
            if (heavy && !err)
                arch_irq_window();
            if (err)
                break;
        }
    }
    if (err) {
        for (unsigned j = scan_nonzero32(e, 0, i); j < i; j = scan_nonzero32(e, j + 1, i))
            t == FT_L1 ? l1e_put(e[j]) : l2e_put(e[j], mfn); /* undo those before the refused one */
    } else if (t == FT_L2) {
        arch_copy_hv_slots(e, mfn); /* slot 1017 now maps this L2 (the linear page table) */
    }
    arch_unmap_frame(e);
    return err;
}

static int validate(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why)
{
    switch (t) {
    case FT_L1:
    case FT_L2:
        return validate_table(mfn, t, dom, why);
    case FT_GDT: /* set_gdt checks each frame itself: only it knows where the reserved entries lie
                  */
        return 0;
    case FT_LDT:
        return arch_validate_ldt_frame(mfn, why);
    default:
        return 0;
    }
}

static void devalidate(uint32_t mfn, enum frame_type t)
{
    uint32_t *e = arch_map_frame(mfn);
    unsigned n = guest_slots(t);
    if (t == FT_L1)
        l1_put_all(e);
    else
        for (unsigned i = next_nonzero32(e, 0, n); i < n; i = next_nonzero32(e, i + 1, n)) {
            int heavy = (e[i] >> 12) != mfn && l1_changes_type(e[i], 1);
            l2e_put(e[i], mfn);
            if (heavy)
                arch_irq_window();
        }
    if (t == FT_L2) /* the frame goes back to the guest as plain memory: no hypervisor entries */
        memset(&e[HYPERVISOR_L2_FIRST_SLOT], 0, (1024 - HYPERVISOR_L2_FIRST_SLOT) * sizeof(*e));
    arch_unmap_frame(e);
}

/* ---- One entry of a table the guest owns -------------------------------------------------- */

static uint32_t *cursor_map(struct pt_cursor *c, uint32_t mfn)
{
    if (c->va && c->mfn == mfn)
        return c->va;
    pt_cursor_release(c);
    c->mfn = mfn;
    c->va = arch_map_frame(mfn);
    return c->va;
}

HV_FASTCALL void pt_cursor_release(struct pt_cursor *c)
{
    if (c->va)
        arch_unmap_frame(c->va);
    c->va = 0;
}

static inline __attribute__((always_inline)) int update_entry(struct pt_cursor *c,
                                                              uint32_t table_mfn, unsigned idx,
                                                              uint32_t val, uint16_t dom,
                                                              uint32_t *old_out, const char **why)
{
    if (table_mfn >= max_mfn || frame_table[table_mfn].owner != dom) {
        *why = "table frame is not the guest's";
        return -XEN_EPERM;
    }
    struct frame_info *f = &frame_table[table_mfn];
    enum frame_type t = f->type_count ? (enum frame_type)f->type : FT_NONE;
    int err;

    if (t == FT_L1) { /* the hot path: fork, exec, mmap */
        if ((err = l1e_get_inline(val, dom, why)))
            return err;
        uint32_t *e = cursor_map(c, table_mfn);
        *old_out = e[idx];
        e[idx] = val;
        l1e_put_inline(*old_out);
        return 0;
    }
    if (t == FT_L2 && idx >= HYPERVISOR_L2_FIRST_SLOT)
        return refuse(why, "L2 slot belongs to the hypervisor");
    if (t == FT_GDT || t == FT_LDT)
        return refuse(why, "descriptor tables change only through update_descriptor");
    if (t == FT_L2)
        err = l2e_get(val, table_mfn, dom, why);
    else /* a plain store into an ordinary page: it must be able to be writable now */
        err = get_page_type(table_mfn, FT_WRITABLE, dom, why);
    if (err)
        return err;

    uint32_t *e = cursor_map(c, table_mfn);
    uint32_t old = e[idx];
    e[idx] = val;
    *old_out = old;
    if (t == FT_L2) {
        arch_l2e_changed(table_mfn, idx); /* before the linear area is used again */
        l2e_put(old, table_mfn);
    } else {
        put_page_type(table_mfn);
    }
    return 0;
}

/* update_va_mapping's path: one entry of l1_mfn, which the caller found to be an L1 table of
 * dom in use (frame_is_table): writing one of its entries cannot change that (see
 * mm_update_run). The new entry's references first (refused: nothing changed), then the
 * store, then the old entry's references go. */
HV_FASTCALL int mm_update_l1_entry(uint32_t l1_mfn, unsigned idx, uint32_t val, uint16_t dom,
                                   uint32_t *old_out, const char **why)
{
    int err = l1e_get_fast(val, dom, guest_tags(dom), frame_table, val_limit(), why);
    if (err)
        return err;
    uint32_t *e = arch_map_frame_fast(l1_mfn);
    uint32_t old = e[idx];
    e[idx] = val;
    arch_unmap_frame_fast(e);
    *old_out = old;
    l1e_put_fast(old, frame_table);
    return 0;
}

/* The same for an entry the caller reaches itself: update_va_mapping's store through the
 * linear page table, at the L1 entry of an address whose L2 entry is present and writable (so
 * a validated L1 of dom's: l2e_get gives the only other present kind, the self-map, no RW). */
HV_FASTCALL int mm_update_l1_slot(uint32_t *slot, uint32_t val, uint16_t dom, uint32_t *old_out,
                                  const char **why)
{
    int err = l1e_get_fast(val, dom, guest_tags(dom), frame_table, val_limit(), why);
    if (err)
        return err;
    uint32_t old = *slot;
    *slot = val;
    *old_out = old;
    l1e_put_fast(old, frame_table);
    return 0;
}

HV_FASTCALL int mm_update_entry(struct pt_cursor *c, uint32_t table_mfn, unsigned idx, uint32_t val,
                                uint16_t dom, uint32_t *old_out, const char **why)
{
    return update_entry(c, table_mfn, idx, val, dom, old_out, why);
}

/*
 * The bulk of every batch (fork, exec, mmap): runs of entries of one L1. The table is checked
 * and mapped once per run, not per entry: writing entries of an L1 cannot change what the L1 is
 * (an L1 entry may not map an L1 writable, so none takes or drops a type reference on it; a
 * read-only one dropped leaves the references of its pin or L2 entry), so while consecutive
 * requests name the same L1 its check still holds. Anything else goes through update_entry.
 * Inside a run, the common cases (l1e_try_get's: not present; read-only; writable to a frame
 * already or not yet typed; and l1e_try_reuse's: writable to a page-table frame given back,
 * when no flush is owed) are arch_l1_run's (hv/l1e_fast.h; l1_run_ref says what it does, in
 * assembly in arch/x86/l1_run.S); it returns at the first request that is none, with nothing
 * changed for it, and that one is l1e_get's here, refusal and reason included, before any
 * reference is taken. The run's environment is the global l1_run_env, which arch_l1_run reads:
 * nothing else uses it, and this does not nest (one CPU; no path under it updates a table).
 */
struct l1_run_env l1_run_env;

int mm_update_run(struct pt_cursor *c, const mmu_update_t *req, unsigned n, uint16_t dom,
                  unsigned *done, int *replaced, const char **why)
{
    struct l1_run_env *const env = &l1_run_env;
    const mmu_update_t *r = req, *const end = req + n;
    int err = 0;
    ASSERT(end->ptr == MMU_RUN_END_PTR);
    *env = (struct l1_run_env){0, val_limit(), guest_tags(dom), frame_table, 0};
    while (r != end) {
        uint32_t ptr = r->ptr, mfn = ptr >> 12, old;
        if (ptr & MMU_CMD_MASK)
            break;
        if (!frame_is_table(mfn, FT_L1, dom)) {
            if ((err = update_entry(c, mfn, (ptr & 0xfff) >> 2, r->val, dom, &old, why)))
                break;
            if (old & PTE_P)
                *replaced = 1;
            r++;
            continue;
        }
        /* A run of this L1: the requests whose frame number and command bits (RUN_KEY) are
         * this one's. ptr ^ run is one XOR for both tests ("a plain update", "the same L1":
         * its RUN_KEY bits are 0) and, when they hold, the entry's byte offset in the L1. */
        env->run = ptr & RUN_KEY;
        char *const e = (char *)cursor_map(c, mfn);
        for (;;) {
            r = arch_l1_run(r, (uint32_t *)e);
            uint32_t off = r->ptr ^ env->run; /* (at the end, the marker: no plain update) */
            if (off & RUN_KEY)
                break;
            /* An entry of the run that is no common case: all of l1e_get's checks. */
            uint32_t val = r->val;
            if ((err = l1e_get(val, dom, why)))
                goto out;
            uint32_t *slot = (uint32_t *)(e + off);
            old = *slot;
            *slot = val;
            if (old & PTE_P) {
                *replaced = 1;
                l1e_put(old);
            }
            r++;
        }
    }
out:
    if (env->replaced)
        *replaced = 1;
    *done = (unsigned)(r - req);
    return err;
}
