/*
 * mmu_update and update_va_mapping (ABI §7): the only ways a guest changes its page tables.
 * Each request is checked by core/page_type.c before it is applied; the first refused request
 * ends the batch with -EINVAL and *success_count says how many were done. TLB flushes are
 * deferred to the end of the batch (of the multicall, inside one), and one is forced there
 * whenever a present entry was replaced or a table released: a stale TLB entry must never
 * outlive the reference it came from into the guest's next instruction.
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/l1e_fast.h"
#include "hv/page_type.h"
#include "hv/panic.h"
#include "hv/uaccess.h"
#include <public/xen.h>

#define BATCH_IRQ_WINDOW 64 /* requests between two interrupt windows in a long batch */
#define MMU_CHUNK 64        /* requests copied in at a time */

struct flush {
    int full;
    unsigned nr_invlpg;
    uint32_t va;
};

/*
 * Inside a multicall the invalidations its entries ask for (update_va_mapping replacing a
 * present entry, or with UVMF_INVLPG; an mmu_update batch's single invlpg) are deferred to its
 * end, as in Xen 2.0: a run of update_va_mapping entries pays for one pass (up to
 * DEFERRED_INVLPG_MAX addresses; above that, one whole flush). Whole flushes (UVMF_FLUSH_TLB,
 * a batch that replaced present entries) are not deferred: after one, every later access of
 * the multicall sees the new mappings. Neither are invalidations of the pages holding the
 * multicall list, which the multicall itself still reads and writes (a list remapped onto a
 * read-only page must fault the result stores). The TLB rule does not wait either: a frame
 * changing type flushes at once (get_page_type), so until the multicall returns a stale entry
 * can only reach a frame of the guest's that is not a table.
 */
#define DEFERRED_INVLPG_MAX MMU_DEFERRED_INVLPG_MAX
#define deferred mmu_deferred
struct mmu_deferred mmu_deferred = {.span = ~0u};

void mmu_deferred_flush(void)
{
    if (deferred.nr > DEFERRED_INVLPG_MAX)
        arch_flush_tlb();
    else
        for (unsigned i = 0; i < deferred.nr; i++)
            arch_invlpg(deferred.va[i]);
    deferred.nr = 0;
}

static void flush_all(void)
{
    arch_flush_tlb();
    deferred.nr = 0; /* nothing left to invalidate */
}

static inline __attribute__((always_inline)) void invlpg(uint32_t va)
{
    /* Outside a multicall, or a page of its list: at once (hv/hypercall.h). The offset is
     * tested in place and the address rebuilt from it where needed: opaque to the compiler, so
     * that it does not keep a copy of va in a register for the rare paths (one instruction on
     * every deferred invalidation, which the enforced present-case bound counts). */
    uint32_t off = (va | 0xfffu) - deferred.list;
    __asm__("" : "+r"(off));
    if (off <= deferred.span)
        arch_invlpg(off + deferred.list);
    else if (deferred.nr <= DEFERRED_INVLPG_MAX) { /* (above it, the flush is owed already) */
        if (deferred.nr < DEFERRED_INVLPG_MAX)
            deferred.va[deferred.nr++] = off + deferred.list;
        else
            deferred.nr = DEFERRED_INVLPG_MAX + 1; /* a full flush at the end */
    }
}

static void note_replaced(struct flush *fl, uint32_t old)
{
    if (old & PTE_P)
        fl->full = 1;
}

static void do_flush(const struct flush *fl)
{
    if (fl->full || fl->nr_invlpg > 1)
        flush_all();
    else if (fl->nr_invlpg == 1)
        invlpg(fl->va);
}

static int extended(struct domain *d, uint32_t ptr, uint32_t val, struct flush *fl,
                    const char **why)
{
    uint32_t mfn = ptr >> 12, cmd = val & MMUEXT_CMD_MASK;
    struct frame_info *f = mfn < max_mfn ? &frame_table[mfn] : 0;
    int err;

    switch (cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
        if (f && f->owner == d->id && (f->flags & FF_PINNED)) {
            *why = "frame already pinned";
            return -XEN_EINVAL;
        }
        err = get_page_and_type(mfn, cmd == MMUEXT_PIN_L1_TABLE ? FT_L1 : FT_L2, d->id, why);
        if (!err)
            f->flags |= FF_PINNED;
        return err;
    case MMUEXT_UNPIN_TABLE:
        if (!f || f->owner != d->id || !(f->flags & FF_PINNED)) {
            *why = "frame is not a pinned table of the guest";
            return -XEN_EINVAL;
        }
        if (mfn == d->l2_mfn) {
            *why = "table is the current base pointer";
            return -XEN_EBUSY;
        }
        f->flags &= ~FF_PINNED;
        put_page_and_type(mfn);
        fl->full = 1;
        return 0;
    case MMUEXT_NEW_BASEPTR: {
        err = get_page_and_type(mfn, FT_L2, d->id, why);
        if (err)
            return err;
        uint32_t old = d->l2_mfn;
        d->l2_mfn = mfn;
        arch_load_base(mfn);
        put_page_and_type(old);
        return 0;
    }
    case MMUEXT_TLB_FLUSH:
        fl->full = 1;
        return 0;
    case MMUEXT_INVLPG:
        fl->va = ptr & ~3u;
        fl->nr_invlpg++;
        return 0;
    case MMUEXT_SET_LDT:
        return arch_set_ldt(d, ptr & ~3u, val >> MMUEXT_CMD_SHIFT, why);
    default:
        *why = "unknown extended command";
        return -XEN_EINVAL;
    }
}

static int one_request(struct domain *d, const mmu_update_t *req, struct flush *fl,
                       struct pt_cursor *c, const char **why)
{
    uint32_t cmd = req->ptr & MMU_CMD_MASK, mfn = req->ptr >> 12, old;
    int err;

    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
        err = mm_update_entry(c, mfn, (req->ptr & 0xfff) >> 2, req->val, d->id, &old, why);
        if (!err) {
            note_replaced(fl, old);
            d->pt_updates++;
        }
        return err;
    case MMU_MACHPHYS_UPDATE:
        if (!frame_owned_by(mfn, d->id)) {
            *why = "M2P update for a frame that is not the guest's";
            return -XEN_EPERM;
        }
        arch_m2p_set(mfn, req->val);
        return 0;
    case MMU_EXTENDED_COMMAND:
        return extended(d, req->ptr, req->val, fl, why);
    default:
        *why = "unknown command";
        return -XEN_EINVAL;
    }
}

/* The success count, where the call's start found it mapped writable inside the guest
 * (guest_range_mapped): one store with its fault fixup, for a batch that unmapped it since. */
static inline __attribute__((always_inline)) long put_success(uint32_t success, uint32_t done,
                                                              long rc)
{
    if (success)
        __put_guest_u32((uint32_t *)success, done, unwritable);
    return rc;
unwritable:
    return rc ? rc : -XEN_EFAULT;
}

/*
 * The context switch's request, the hot single one: NEW_BASEPTR, no success count, to a frame
 * of the guest's that already is an L2 (pinned, or another process's base), from a base whose
 * references are not its last. Then nothing can be refused and nothing validated: the request's
 * two words are read in place (no copy), the new base takes one reference of each kind, the old
 * one gives one of each back. Anything else -- a fault reading the request, another command, a
 * frame that is not a typed L2 of the guest's, a count at its limit, the old base's last
 * reference -- returns 0 before anything changed, and one_mmu_update does it with every check
 * and refusal (and its log line) of any request. (A type reference comes with a general one,
 * so type_count <= count: the count alone is tested against its limit, as in page_type.c.)
 */
#define L2_TAG_MASK FRAME_TAG(0xffffu, 0xffu, FF_RAM)
static inline __attribute__((always_inline)) int baseptr_fast(struct domain *d, uint32_t reqs)
{
    uint32_t ptr, val;
    __get_guest_u32(val, (const uint32_t *)(reqs + 4), slow);
    if ((val & MMUEXT_CMD_MASK) != MMUEXT_NEW_BASEPTR)
        return 0;
    __get_guest_u32(ptr, (const uint32_t *)reqs, slow);
    if ((ptr & MMU_CMD_MASK) != MMU_EXTENDED_COMMAND || ptr >> 12 >= max_mfn)
        return 0;
    struct frame_info *f = &frame_table[ptr >> 12];
    if ((frame_tag(f) & L2_TAG_MASK) != FRAME_TAG(d->id, FT_L2, FF_RAM) || !f->type_count ||
        f->count == FRAME_COUNT_MAX)
        return 0;
    struct frame_info *o = &frame_table[d->l2_mfn];
    if (o->type_count < 2 || o->count < 2)
        return 0;
    f->count++;
    f->type_count++;
    o->type_count--; /* not the last of either: the old base stays an L2 */
    o->count--;
    d->l2_mfn = ptr >> 12;
    arch_load_base(ptr >> 12);
    d->mmu_batches++;
    return 1;
slow:
    return 0;
}

/* One request (a context switch's NEW_BASEPTR, a pin, an invlpg): no chunk, no run, no
 * cursor kept, the same checks and refusals as in a batch. */
static long one_mmu_update(struct domain *d, uint32_t reqs, uint32_t success)
{
    struct flush fl = {0, 0, 0};
    struct pt_cursor cursor = {0, 0};
    mmu_update_t req;
    const char *why;
    uint32_t done = 0;
    long rc = 0;

    if (copy_from_guest(&req, reqs, sizeof(req)))
        return hv_refuse("mmu_update", reqs, -XEN_EFAULT, "requests %u-%u unreadable", 0, 0);
    int err = one_request(d, &req, &fl, &cursor, &why);
    pt_cursor_release(&cursor);
    if (err)
        rc = hv_refuse("mmu_update", req.ptr, -XEN_EINVAL, "request %u (val %#x): %s", 0, req.val,
                       why);
    else
        done = 1;
    do_flush(&fl);
    d->mmu_batches++;
    return put_success(success, done, rc);
}

/* Every other call, with all the checks: the batch, or one request. Out of line and not
 * specialized, so that the fast path (do_mmu_update, below) leaves its code as it was. */
static __attribute__((noinline, noclone)) long mmu_update_requests(uint32_t reqs, uint32_t count,
                                                                   uint32_t success)
{
    struct domain *d = current_domain();
    struct flush fl = {0, 0, 0};
    struct pt_cursor cursor = {0, 0};
    uint32_t done = 0;
    long rc = 0;

    if (count > GUEST_SEGMENT_END / sizeof(mmu_update_t) ||
        !guest_range_readable(reqs, count * sizeof(mmu_update_t)))
        return hv_refuse("mmu_update", reqs, -XEN_EFAULT, "%u requests do not fit the guest",
                         count);
    if (success && !guest_range_mapped(success, sizeof(uint32_t), 1))
        return hv_refuse("mmu_update", success, -XEN_EFAULT, "success count not writable");
    if (count == 1)
        return one_mmu_update(d, reqs, success);

    for (uint32_t i = 0; i < count;) {
        static mmu_update_t chunk[MMU_CHUNK + 1]; /* one CPU, hypercalls do not nest */
        uint32_t n = count - i < MMU_CHUNK ? count - i : MMU_CHUNK;
        const char *why;
        if (i % BATCH_IRQ_WINDOW == 0 && i)
            arch_irq_window();
        if (copy_from_guest(chunk, reqs + i * sizeof(mmu_update_t), n * sizeof(mmu_update_t))) {
            rc = hv_refuse("mmu_update", reqs, -XEN_EFAULT, "requests %u-%u unreadable", i,
                           i + n - 1);
            break;
        }
        chunk[n].ptr = MMU_RUN_END_PTR; /* mm_update_run's end marker (hv/page_type.h) */
        for (uint32_t k = 0; k < n && rc == 0;) {
            int err;
            if ((chunk[k].ptr & MMU_CMD_MASK) == MMU_NORMAL_PT_UPDATE) {
                /* Runs of plain entry updates (the bulk of any batch) take the tight loop. */
                unsigned applied;
                int replaced = 0;
                err = mm_update_run(&cursor, &chunk[k], n - k, d->id, &applied, &replaced, &why);
                fl.full |= replaced != 0;
                d->pt_updates += applied;
                k += applied, done += applied;
            } else {
                err = one_request(d, &chunk[k], &fl, &cursor, &why);
                k += !err, done += !err;
            }
            if (err)
                rc = hv_refuse("mmu_update", chunk[k].ptr, -XEN_EINVAL, "request %u (val %#x): %s",
                               i + k, chunk[k].val, why);
        }
        if (rc)
            break;
        i += n;
    }
    pt_cursor_release(&cursor);
    do_flush(&fl);
    d->mmu_batches++;
    return put_success(success, done, rc);
}

long do_mmu_update(uint32_t reqs, uint32_t count, uint32_t success)
{
    if (count == 1 && !success && guest_range_readable(reqs, sizeof(mmu_update_t)) &&
        baseptr_fast(current_domain(), reqs))
        return 0;
    return mmu_update_requests(reqs, count, success);
}

/* Every update_va_mapping the fast path below does not take, with all the checks and a log
 * line for each refusal. Out of line, with its frame: a crash under it has its backtrace. */
static __attribute__((noinline)) long update_va_mapping_checked(uint32_t page_nr, uint32_t val,
                                                                uint32_t flags)
{
    struct domain *d = current_domain();
    uint32_t va = page_nr >= UVMF_VA_THRESHOLD ? page_nr & ~0xfffu : page_nr << 12, old;
    const char *why;

    if (flags & ~(UVMF_FLUSH_TLB | UVMF_INVLPG))
        return hv_refuse("update_va_mapping", va, -XEN_EINVAL, "unknown flags %#x", flags);
    if (va >= HYPERVISOR_VIRT_START)
        return hv_refuse("update_va_mapping", va, -XEN_EINVAL, "address in the hypervisor hole");
    /* The loaded L2's entry of va, and below the L1 entry, through the linear page table
     * (hv/arch.h; d->l2_mfn is the L2 in CR3). A present, writable L2 entry names a validated
     * L1 of the guest's: l2e_get allows no other but the self-map, which is read-only. */
    uint32_t l2e = arch_linear_l2e(va);
    int err;
    if ((l2e & (PTE_P | PTE_RW)) == (PTE_P | PTE_RW)) {
        ASSERT(frame_is_table(l2e >> 12, FT_L1, d->id));
        err = mm_update_l1_slot(arch_linear_l1e(va), val, d->id, &old, &why);
    } else {
        if (!(l2e & PTE_P))
            return hv_refuse("update_va_mapping", va, -XEN_EINVAL, "no L1 table maps this address");
        /* L1 entries only (as Xen): through a linear slot the "L1" would be the L2 itself. A
         * read-only L2 entry cannot be written through the linear area: the mapping window. */
        if (!frame_is_table(l2e >> 12, FT_L1, d->id))
            return hv_refuse("update_va_mapping", va, -XEN_EINVAL,
                             "PTE %#x: table frame is not an L1 page table in use", val);
        err = mm_update_l1_entry(l2e >> 12, (va >> 12) & 1023, val, d->id, &old, &why);
    }
    if (err)
        return hv_refuse("update_va_mapping", va, err, "PTE %#x: %s", val, why);
    d->pt_updates++;
    if (flags & UVMF_FLUSH_TLB)
        flush_all();
    else if ((flags & UVMF_INVLPG) || (old & PTE_P))
        invlpg(va);
    return 0;
}

/*
 * update_va_mapping (the page fault's, the multicall's entries): its common case whole, with
 * no call and no frame of its own. A page number (not the address form, so va is below the
 * hypervisor hole: UVMF_VA_THRESHOLD << 12 is HYPERVISOR_VIRT_START), no flag but UVMF_INVLPG,
 * the L2 entry of va present and writable (a validated L1 of the guest's, as in the checked
 * path), the new entry one of l1e_try_get's common cases. Anything else goes to
 * update_va_mapping_checked before anything changed, as a tail call: the frame-pointer chain
 * of whatever runs under it is the one the caller made (docs/performance.md, "Frame pointers").
 * The old entry's references go as in l1e_put_fast; its uncommon case (a count at 0, an
 * invariant broken) is l1e_put's, the one call made from here with a reference changed.
 */
_Static_assert((UVMF_VA_THRESHOLD << 12) == HYPERVISOR_VIRT_START, "page numbers end at the hole");
__attribute__((optimize("omit-frame-pointer"))) long
do_update_va_mapping(uint32_t page_nr, uint32_t val, uint32_t flags)
{
    if (page_nr >= UVMF_VA_THRESHOLD || (flags & ~UVMF_INVLPG))
        return update_va_mapping_checked(page_nr, val, flags);
    if ((arch_linear_l2e_of_page(page_nr) & (PTE_P | PTE_RW)) != (PTE_P | PTE_RW) ||
        !l1e_try_get(val, guest_tags(current_domain_id()), frame_table, val_limit()))
        return update_va_mapping_checked(page_nr, val, flags);
    ASSERT(current_domain()->id == current_domain_id() &&
           frame_is_table(arch_linear_l2e_of_page(page_nr) >> 12, FT_L1, current_domain_id()));
    uint32_t *slot = arch_linear_l1e_of_page(page_nr), old = *slot;
    *slot = val;
    current_domain()->pt_updates++;
    l1e_put_fast(old, frame_table);
    if ((old & PTE_P) | flags)          /* flags is 0 or UVMF_INVLPG here */
        invlpg(page_nr << 12 | 0xfffu); /* (any address in the page will do) */
    return 0;
}
