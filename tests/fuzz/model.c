/*
 * The fuzzer's model of its world, and the checks that hold the hypervisor to it.
 *
 * The model records what every successful call did: each pool frame's first NE words, the boot
 * L2's fuzz slots, pins, the GDT. From that, derive() works out the type each pool frame must
 * have by the ABI's rules (§7): a pinned L1 or a frame an L2 entry hooks is an L1 (or an L2, for
 * a read-only "linear" entry to a frame that was an L2 already); a frame a present, writable
 * entry of an L1-typed frame maps is writable; a GDT frame is a GDT. A frame that would have two
 * types at once means the hypervisor let through something it must refuse.
 *
 * check_world() reads the real state back through the ABI only: each pool frame through a
 * read-only mapping (its words must be the model's), the boot L2's slots, the bytes behind every
 * window address the model says is mapped (they must be the mapped frame's first word: a stale
 * TLB entry shows here), every present entry's frame (the fuzzer's own, never another's), and the
 * hypervisor's frame accounting (frames per type and pins = the base plus the model's). teardown()
 * undoes everything through the ABI and wants the accounting back exactly at the base.
 */
#include <stdarg.h>
#include <pv/console.h>
#include <pv/hypercall.h>
#include <pv/mmu.h>
#include "frames.h"
#include <lib/format.h>
#include "hcfuzz.h"

#define AD_BITS (PTE_A | PTE_D) /* the CPU sets these itself */

struct world W;
struct model M;

int hv_stats(hv_stats_t *s)
{
    W.calls++;
    return HYPERVISOR_hv_stats(s);
}

void diverge(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    W.diverged++;
    printk("fuzz: DIVERGED seed=%u op %u: %s\n", W.seed, W.op, buf);
    for (unsigned s = 0; s < NSLOT; s++)
        printk("fuzz:   L2 slot %u: %#x, the model says %#x\n", SLOT0 + s, W.boot_l2[SLOT0 + s],
               M.slot[s]);
}

int pool_index(uint32_t mfn)
{
    for (int i = 0; i < NPOOL; i++)
        if (W.pool_mfn[i] == mfn)
            return i;
    return -1;
}

void derive(struct derived *d)
{
    uint8_t l2[NPOOL], l1[NPOOL], changed = 1;

    for (int f = 0; f < NPOOL; f++) {
        l2[f] = M.pin[f] == 2;
        l1[f] = M.pin[f] == 1;
        d->rw[f] = 0;
    }
    /* L2 type: pinned, or the target of a live linear entry (fixpoint: chains). */
    while (changed) {
        changed = 0;
        for (unsigned s = 0; s < NSLOT; s++) {
            int t = pool_index(M.slot[s] >> 12);
            if ((M.slot[s] & PTE_P) && t >= 0 && M.slot_kind[s] == 2 && !l2[t])
                l2[t] = changed = 1;
        }
        for (int f = 0; f < NPOOL; f++)
            for (unsigned e = 0; l2[f] && e < NE; e++) {
                int t = pool_index(M.content[f][e] >> 12);
                if ((M.content[f][e] & PTE_P) && t >= 0 && M.kind[f][e] == 2 && !l2[t])
                    l2[t] = changed = 1;
            }
    }
    /* L1 type: pinned, or hooked by a live L2 entry. */
    for (unsigned s = 0; s < NSLOT; s++) {
        int t = pool_index(M.slot[s] >> 12);
        if ((M.slot[s] & PTE_P) && t >= 0 && M.slot_kind[s] == 1)
            l1[t] = 1;
    }
    for (int f = 0; f < NPOOL; f++)
        for (unsigned e = 0; l2[f] && e < NE; e++) {
            int t = pool_index(M.content[f][e] >> 12);
            if ((M.content[f][e] & PTE_P) && t >= 0 && M.kind[f][e] == 1)
                l1[t] = 1;
        }
    /* Writable mappings held by L1-typed frames. */
    for (int f = 0; f < NPOOL; f++)
        for (unsigned e = 0; l1[f] && e < NE; e++) {
            uint32_t v = M.content[f][e];
            int t = pool_index(v >> 12);
            if ((v & (PTE_P | PTE_RW)) == (PTE_P | PTE_RW) && t >= 0)
                d->rw[t]++;
        }
    d->conflict = 0;
    for (int f = 0; f < NPOOL; f++) {
        unsigned kinds = l1[f] + l2[f] + M.gdt[f] + (d->rw[f] > 0);
        d->type[f] = l2[f] ? T_L2 : l1[f] ? T_L1 : M.gdt[f] ? T_GDT : d->rw[f] ? T_W : T_NONE;
        if (kinds > 1 && !d->conflict) {
            d->conflict = 1;
            d->frame = f;
        }
    }
}

/* The kind an L2 entry to mfn takes now: linear when mfn is already an L2, else an L1. */
static uint8_t hook_kind(uint32_t val)
{
    struct derived d;
    derive(&d);
    int t = pool_index(val >> 12);
    return (val >> 12) == W.l2_mfn || (t >= 0 && d.type[t] == T_L2) ? 2 : 1;
}

void model_apply_pte(int f, unsigned e, uint32_t val)
{
    struct derived d;
    derive(&d);
    uint8_t k = d.type[f] == T_L2 && (val & PTE_P) ? hook_kind(val) : 0;
    M.content[f][e] = val;
    M.kind[f][e] = k;
}

void model_apply_slot(unsigned s, uint32_t val)
{
    M.slot_kind[s] = (val & PTE_P) ? hook_kind(val) : 0;
    M.slot[s] = val;
}

void model_apply_pin(int f, unsigned level)
{
    if (level == 2) /* the frame's present entries are validated now: each hooks something */
        for (unsigned e = 0; e < NE; e++)
            M.kind[f][e] = (M.content[f][e] & PTE_P) ? hook_kind(M.content[f][e]) : 0;
    M.pin[f] = (uint8_t)level;
}

/* Map a frame read-only at W.ro_view; its words. */
const volatile uint32_t *frame_view(uint32_t mfn)
{
    W.calls++;
    int rc = HYPERVISOR_update_va_mapping(W.ro_view >> 12, mfn << 12 | PTE_P | PTE_A, UVMF_INVLPG);
    if (rc) {
        diverge("a read-only mapping of own frame %#x refused (%d)", mfn, rc);
        return 0;
    }
    return (const volatile uint32_t *)W.ro_view;
}

static int owned(uint32_t mfn)
{
    return pool_index(mfn) >= 0 || mfn == W.l2_mfn || mfn == W.kernel_l1_mfn || mfn == W.junk_mfn ||
           mfn == W.home_gdt_mfn || mfn == W.shared_mfn;
}

static int check_stats(const char *when, int exact)
{
    hv_stats_t s;
    struct derived d;
    uint32_t want[NTYPES], pins = 0;

    if (hv_stats(&s) != (int)sizeof(s)) {
        diverge("%s: statistics call failed", when);
        return 1;
    }
    derive(&d);
    for (int t = 0; t < NTYPES; t++)
        want[t] = W.base.guest_frames_by_type[t];
    want[T_GDT] -= !M.home_gdt;
    for (int f = 0; f < NPOOL; f++) {
        if (d.type[f] != T_NONE)
            want[d.type[f]]++;
        pins += M.pin[f] != 0;
    }
    if (s.guest_frames != W.base.guest_frames || s.frames_free != W.base.frames_free) {
        diverge("%s: guest frames %u (base %u), free frames %u (base %u)", when, s.guest_frames,
                W.base.guest_frames, s.frames_free, W.base.frames_free);
        return 1;
    }
    for (int t = 0; t < NTYPES; t++)
        if (t != T_NONE && t != T_LDT && s.guest_frames_by_type[t] != want[t]) {
            diverge("%s: %u frames of type %d, the model says %u", when, s.guest_frames_by_type[t],
                    t, want[t]);
            return 1;
        }
    if (s.guest_frames_pinned != W.base.guest_frames_pinned + pins) {
        diverge("%s: %u frames pinned, the model says %u", when, s.guest_frames_pinned,
                W.base.guest_frames_pinned + pins);
        return 1;
    }
    if (exact &&
        (s.guest_refs != W.base.guest_refs || s.guest_type_refs != W.base.guest_type_refs ||
         s.guest_frames_by_type[T_LDT] != W.base.guest_frames_by_type[T_LDT])) {
        diverge("%s: references %u/%u, type references %u/%u, LDT frames %u/%u (now/base)", when,
                s.guest_refs, W.base.guest_refs, s.guest_type_refs, W.base.guest_type_refs,
                s.guest_frames_by_type[T_LDT], W.base.guest_frames_by_type[T_LDT]);
        return 1;
    }
    return 0;
}

int check_world(const char *when)
{
    struct derived d;
    derive(&d);
    if (d.conflict) {
        diverge("%s: pool frame %d (mfn %#x) has two types at once", when, d.frame,
                W.pool_mfn[d.frame]);
        return 1;
    }
    /* Every pool frame's words, through a read-only view. */
    for (int f = 0; f < NPOOL; f++) {
        const volatile uint32_t *p = frame_view(W.pool_mfn[f]);
        if (!p)
            return 1;
        for (unsigned e = 0; e < NE; e++) {
            uint32_t got = p[e], want = M.content[f][e];
            if ((got & ~AD_BITS) != (want & ~AD_BITS)) {
                diverge("%s: pool frame %d (mfn %#x) word %u is %#x, the model says %#x", when, f,
                        W.pool_mfn[f], e, got, want);
                return 1;
            }
            if ((got & PTE_P) && (d.type[f] == T_L1 || d.type[f] == T_L2) && !owned(got >> 12)) {
                diverge("%s: a table entry maps frame %#x, not the fuzzer's", when, got >> 12);
                return 1;
            }
        }
    }
    W.calls++;
    HYPERVISOR_update_va_mapping(W.ro_view >> 12, 0, UVMF_INVLPG);
    /* The slots, and the bytes behind each mapped window address. */
    for (unsigned s = 0; s < NSLOT; s++) {
        uint32_t got = W.boot_l2[SLOT0 + s];
        if ((got & ~AD_BITS) != (M.slot[s] & ~AD_BITS)) {
            diverge("%s: L2 slot %u is %#x, the model says %#x", when, SLOT0 + s, got, M.slot[s]);
            return 1;
        }
        int l1 = pool_index(got >> 12);
        if (!(got & PTE_P) || l1 < 0 || M.slot_kind[s] != 1)
            continue;
        for (unsigned e = 0; e < NE; e++) {
            uint32_t pte = M.content[l1][e];
            int t = pool_index(pte >> 12);
            if (!(pte & PTE_P) || t < 0)
                continue;
            uint32_t word = *(volatile uint32_t *)slot_va(s, e);
            if ((word & ~AD_BITS) != (M.content[t][0] & ~AD_BITS)) {
                diverge("%s: VA %#x reads %#x; it maps pool frame %d whose first word is %#x", when,
                        slot_va(s, e), word, t, M.content[t][0]);
                return 1;
            }
        }
    }
    return check_stats(when, 0);
}

static int req1(uint32_t ptr, uint32_t val)
{
    mmu_update_t r = {ptr, val};
    W.calls++;
    return HYPERVISOR_mmu_update(&r, 1, 0);
}

static int must(const char *what, int rc)
{
    if (rc)
        diverge("teardown: %s refused (%d)", what, rc);
    return rc;
}

int teardown(void)
{
    struct derived d;
    uint32_t list[1] = {W.home_gdt_mfn};

    W.calls += 2;
    if (must("set_gdt to the home GDT",
             hypercall3(__HYPERVISOR_set_gdt, (uint32_t)list, HOME_GDT_ENTRIES, 0)) ||
        must("SET_LDT 0", req1(MMU_EXTENDED_COMMAND, MMUEXT_SET_LDT)))
        return 1;
    for (int f = 0; f < NPOOL; f++)
        M.gdt[f] = 0;
    M.home_gdt = 1;
    for (unsigned s = 0; s < NSLOT; s++)
        if (M.slot[s]) {
            if (must("clearing a slot", req1(W.l2_mfn << 12 | (SLOT0 + s) * 4, 0)))
                return 1;
            model_apply_slot(s, 0);
        }
    /* L2-typed frames' entries, then L1-typed frames', then pins, then plain words. */
    for (int pass = 0; pass < 3; pass++) {
        derive(&d);
        for (int f = 0; f < NPOOL; f++) {
            if ((pass == 0 && d.type[f] != T_L2) || (pass == 1 && d.type[f] != T_L1))
                continue;
            for (unsigned e = 0; e < NE; e++)
                if (M.content[f][e]) {
                    if (must("clearing a word", req1(W.pool_mfn[f] << 12 | e * 4, 0)))
                        return 1;
                    M.content[f][e] = 0;
                    M.kind[f][e] = 0;
                }
        }
        if (pass == 1)
            for (int f = 0; f < NPOOL; f++)
                if (M.pin[f]) {
                    if (must("unpin",
                             req1(W.pool_mfn[f] << 12 | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE)))
                        return 1;
                    M.pin[f] = 0;
                }
    }
    return check_world("teardown") || check_stats("teardown", 1);
}
