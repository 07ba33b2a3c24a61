/*
 * The common cases of an L1 entry's references, inline, for the hot paths: mmu_update's runs,
 * an L1's validation and devalidation (core/page_type.c) and update_va_mapping
 * (core/mmu_update.c). Each does only what l1e_get / l1e_put would do for the same entry, and
 * reports anything else as "not a common case" with nothing changed, for the caller to hand to
 * l1e_get / l1e_put (the refusals, their reasons, every other case). The invariants are
 * core/page_type.c's.
 */
#ifndef HV_L1E_FAST_H
#define HV_L1E_FAST_H

#include <stdint.h>
#include "hv/arch.h"
#include "hv/frame.h"
#include "hv/page_type.h"
#include "hv/panic.h"

/* Guest RAM is always write-back: the caching bits would let the guest map a frame with two
 * memory types at once (undefined on real CPUs), and PAT/G/PSE have no place in guest tables. */
#define L1_REFUSED_BITS (PTE_PAT | PTE_G | PTE_PCD | PTE_PWT)

/* The TLB rule (core/page_type.c): what a TLB may still hold for a frame whose type count just
 * dropped. */
static inline void tlb_note_release(struct frame_info *f, enum frame_type was)
{
    static const uint8_t leftover[] = {
        [FT_L1] = FF_TLB_L1, [FT_L2] = FF_TLB_L2, [FT_WRITABLE] = FF_TLB_WRITABLE};
    if (was < sizeof(leftover) && leftover[was]) {
        f->flags |= leftover[was];
        f->tlbflush_stamp = tlbflush_clock;
    }
}

/* Owner, type and flags are one word (frame_tag): a read-only mapping needs the guest's RAM, a
 * writable one in addition type WRITABLE with a type count, or type NONE without one and no
 * TLB_L1/TLB_L2 leftover (a frame of type NONE with a type count, or a typed one with such a
 * leftover, is no common case: l1e_get sorts it out). */
#define TAG_MASK_RO FRAME_TAG(0xffff, 0, FF_RAM)
#define TAG_MASK_RW FRAME_TAG(0xffff, 0xff, FF_RAM | FF_TLB_L1 | FF_TLB_L2)
#define TAG_MASK_TYPE FRAME_TAG(0xffff, 0xff, FF_RAM)
struct guest_tags {    /* what a frame of the guest's reads as (frame_tag), masked */
    uint32_t ram;      /* & TAG_MASK_RO: the guest's RAM */
    uint32_t untyped;  /* & TAG_MASK_RW: ... of type NONE, no table left in a TLB */
    uint32_t writable; /* & TAG_MASK_RW: ... of type WRITABLE */
};
static inline __attribute__((always_inline)) struct guest_tags guest_tags(uint16_t dom)
{
    return (struct guest_tags){FRAME_TAG(dom, 0, FF_RAM), FRAME_TAG(dom, FT_NONE, FF_RAM),
                               FRAME_TAG(dom, FT_WRITABLE, FF_RAM)};
}

/* The first entry value whose frame number is max_mfn or more: one compare per entry instead of
 * a shift and a compare. With 2^20 frames every frame number is below max_mfn, and only the
 * value 0xffffffff (refused bits set: l1e_get refuses it) reaches the bound. */
static inline uint32_t val_limit(void)
{
    return max_mfn >= 0x100000u ? 0xffffffffu : max_mfn << 12;
}

/* A new entry's references in the common cases (not present; read-only; writable to a frame
 * already writable, or untyped with nothing stale of a table): 1 when taken (or none needed),
 * 0 when the entry is no common case and nothing was taken. ft is frame_table, limit is
 * val_limit() (locals in a loop: a store to a frame's fields may alias any global, so the
 * compiler would reload them): the entries from it up name no frame (or are not a common
 * case). */
static inline __attribute__((always_inline)) int l1e_try_get(uint32_t val, struct guest_tags tags,
                                                             struct frame_info *ft, uint32_t limit)
{
    if (!(val & PTE_P))
        return 1;
    if ((val & L1_REFUSED_BITS) || val >= limit)
        return 0;
    struct frame_info *f = &ft[val >> 12];
    uint32_t tag = frame_tag(f);
    if (f->count == FRAME_COUNT_MAX)
        return 0;
    if (!(val & PTE_RW)) {
        if ((tag & TAG_MASK_RO) != tags.ram)
            return 0;
    } else if ((tag & TAG_MASK_RW) == tags.untyped && !f->type_count) {
        f->type_count = 1;
        f->type = FT_WRITABLE;
        f->flags &= (uint8_t)~FF_TLB_WRITABLE; /* nothing else was stale */
    } else if ((tag & TAG_MASK_RW) == tags.writable && f->type_count) {
        f->type_count++; /* below count, which is below FRAME_COUNT_MAX */
    } else {
        return 0;
    }
    f->count++;
    return 1;
}

/* One more case for mmu_update's runs (l1_run_ref): a writable mapping of a frame of the guest's
 * of type NONE, with no type count, whose TLB_L1/TLB_L2 leftover calls for no flush because one
 * came since its stamp -- a page-table frame given back and reused as data, which the fork and
 * exit loops meet at every turn. Exactly what l1e_get does for it (get_page_type: the type,
 * tlb_before_type: no flush, the marks cleared); 1 when done, 0 when not this case (nothing
 * done). Apart from l1e_try_get, whose other callers (update_va_mapping's handler) would pay
 * for the extra branch in their own hot paths. */
static inline __attribute__((always_inline)) int
l1e_try_reuse(uint32_t val, struct guest_tags tags, struct frame_info *ft, uint32_t limit)
{
    if ((val & (PTE_P | PTE_RW | L1_REFUSED_BITS)) != (PTE_P | PTE_RW) || val >= limit)
        return 0;
    struct frame_info *f = &ft[val >> 12];
    if ((frame_tag(f) & TAG_MASK_TYPE) != tags.untyped || f->type_count ||
        f->count == FRAME_COUNT_MAX || f->tlbflush_stamp == tlbflush_clock)
        return 0;
    f->count++;
    f->type_count = 1;
    f->type = FT_WRITABLE;
    f->flags &= (uint8_t)~FF_TLB_STALE;
    return 1;
}

/* The same through l1e_get for the rest: 0, or its refusal with the reason. */
static inline __attribute__((always_inline)) int l1e_get_fast(uint32_t val, uint16_t dom,
                                                              struct guest_tags tags,
                                                              struct frame_info *ft, uint32_t limit,
                                                              const char **why)
{
    return l1e_try_get(val, tags, ft, limit) ? 0 : l1e_get(val, dom, why);
}

/* An old entry's references in the common cases: a read-only one (the general count down), a
 * writable one (both counts down; for the frame's last writable mapping the frame goes back to
 * no type, with the TLB rule's stamp, as put_page_type does). 1 when done, 0 when not a common
 * case (nothing done). A read-only entry's count that would go below zero is l1e_put's (its
 * ASSERT). A writable entry of a validated L1 holds a WRITABLE type reference (validation and
 * l1e_get took it), and a type reference comes with a general one, so count >= type_count >= 1:
 * DEBUG builds assert both, and the hot path tests neither (a type count at 0 here would be a
 * hypervisor bug, as a count below zero is). */
static inline __attribute__((always_inline)) int l1e_try_put(uint32_t old, struct frame_info *ft)
{
    if (!(old & PTE_P))
        return 1;
    struct frame_info *f = &ft[old >> 12];
    if (!(old & PTE_RW)) {
        if (f->count == 0)
            return 0;
        f->count--;
        return 1;
    }
    ASSERT(f->type == FT_WRITABLE && f->type_count >= 1 && f->count >= f->type_count);
    f->count--;
    if (--f->type_count == 0) { /* the last: the frame goes back to no type */
        /* (FF_VALIDATED is only ever set on a table type: nothing to clear for WRITABLE) */
        ASSERT(!(f->flags & FF_VALIDATED));
        tlb_note_release(f, FT_WRITABLE);
        f->type = FT_NONE;
    }
    return 1;
}

static inline __attribute__((always_inline)) void l1e_put_fast(uint32_t old, struct frame_info *ft)
{
    if (!l1e_try_put(old, ft))
        l1e_put(old);
}

/*
 * A run of one L1's entries in the common cases: mmu_update's bulk (core/page_type.c,
 * mm_update_run). Requests from r on are applied while each is a plain update of an entry of
 * the L1 mapped at l1 (its frame number and command bits, RUN_KEY, are env->run's) and its new
 * entry is one of l1e_try_get's common cases or l1e_try_reuse's: the new entry's references, the
 * store, the old entry's references as l1e_put_fast gives them back (env->replaced = 1 when it was
 * present). Returns the first request not applied, with nothing changed for it: one of another run
 * or command, or no common case (mm_update_run takes it through l1e_get, with its refusal). The
 * requests must end with one that is no plain update (the end marker, MMU_RUN_END_PTR), so
 * a run always ends. l1_run_ref is the definition; arch_l1_run (arch/x86/l1_run.S) does
 * exactly the same with the environment l1_run_env, in fewer instructions than the compiler
 * finds for it (docs/performance.md, "An L1 run in assembly"); tests/unit/test_l1_run.c compares
 * the two.
 */
#define RUN_KEY (~0xffcu) /* a request's frame number and command bits */
struct l1_run_env {
    uint32_t run;           /* the run's ptr & RUN_KEY: its L1's frame number, command 0 */
    uint32_t limit;         /* val_limit() */
    struct guest_tags tags; /* guest_tags(dom) */
    struct frame_info *ft;  /* frame_table */
    uint32_t replaced;      /* set to 1 when a present entry was replaced */
};
/* mm_update_run's, which arch_l1_run reads (one CPU, and hypercalls do not nest). */
extern struct l1_run_env l1_run_env;
static inline const mmu_update_t *l1_run_ref(const mmu_update_t *r, uint32_t *l1,
                                             struct l1_run_env *env)
{
    for (;; r++) {
        uint32_t off = r->ptr ^ env->run; /* both tests and, when they hold, the byte offset */
        if (off & RUN_KEY)
            return r;
        uint32_t val = r->val;
        if (!l1e_try_get(val, env->tags, env->ft, env->limit) &&
            !l1e_try_reuse(val, env->tags, env->ft, env->limit))
            return r;
        uint32_t *slot = (uint32_t *)((char *)l1 + off), old = *slot;
        *slot = val;
        if (old & PTE_P) {
            env->replaced = 1;
            l1e_put_fast(old, env->ft);
        }
    }
}
HV_FASTCALL const mmu_update_t *arch_l1_run(const mmu_update_t *r, uint32_t *l1);

#endif
