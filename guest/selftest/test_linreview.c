/*
 * test=mmu-linreview: an attacker's review of the hypervisor's linear page table (slot 1017 of
 * every validated L2 maps that L2, so update_va_mapping reaches the L1 entry of va through the
 * L2 entry of va), written from the public ABI alone (hypervisor/include/public/, docs/abi.md
 * §7, docs/security.md §3) before the implementation was read.
 *
 * The hole to look for: a translation of the linear area that outlives the L2 entry it was
 * loaded from, or an L2 entry the fast path takes for an L1 when it is none. Either sends the
 * hypervisor's store (and its read of the "old entry", whose references it gives back) into a
 * frame that is not the L1 of va. Every check states the SAFE outcome: the value lands in the
 * L1 the L2 entry names *now* and nowhere else, or the call is refused; at the end the frame
 * accounting is back where it started (a store into the wrong frame would give back references
 * that were never taken).
 *
 *   switch      an L1 written through the linear area (its translation cached), then another L1
 *               takes its place: by mmu_update, inside a multicall, in a batch, with and
 *               without flush flags; the old L1 retyped writable and filled with junk
 *   baseptr     NEW_BASEPTR inside a multicall between two update_va_mappings; one L1 hooked in
 *               two L2s, one of them updated while the other is loaded
 *   entries     read-only L2 entries (the window path) mixed with writable ones, 4 MB
 *               boundaries, non-present L2 entries whose frame bits name a writable page, a PSE
 *               entry, a VA with its low bits set
 *   hv range    update_va_mapping inside 0xFC000000-0xFFFFFFFF (the self-map page of the L2
 *               among them), the current L2 as an L1, another L2 as a linear table
 *   ring 3      reads of the linear area from ring 3 fault (ring 1 under Bochs: test=seglimits)
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/probe.h>
#include <selftest/review.h>
#include <kernel/selftest_table.h>
#include <lib/format.h>
#include <lib/string.h>

TRIG_U(pf_read);

#define LINEAR 0xFE400000u      /* slot 1017's 4 MB */
#define LINEAR_SELF 0xFE7F9000u /* the L2 itself inside it (page 1017) */
#define HOOK (PTE_P | PTE_RW | PTE_US | PTE_A)
#define JUNK_SCRATCH 11 /* a scratch slot for writable mappings of retyped frames */

static uint32_t pte; /* a read-only mapping of the data frame: the value every write stores */

static uint32_t pinned_l1(void)
{
    uint32_t pfn = rv_new_frame(0);
    if (rv_mmu1(pfn_to_mfn(pfn) << 12 | EXT, MMUEXT_PIN_L1_TABLE))
        return 0;
    return pfn;
}

static void unpin_free(uint32_t pfn)
{
    rv_mmu1(pfn_to_mfn(pfn) << 12 | EXT, MMUEXT_UNPIN_TABLE);
    test_frame_free(pfn);
}

static int hook(unsigned slot, uint32_t pfn, uint32_t flags)
{
    return rv_mmu1(rv_l2e(slot), pfn ? pfn_to_mfn(pfn) << 12 | flags : 0);
}

/* Entry i of an L1, without the A and D bits the CPU may have set. */
static uint32_t word(uint32_t pfn, unsigned i)
{
    return rv_frame_word(pfn, i) & ~(uint32_t)(PTE_A | PTE_D);
}

static int uvm_flags(uint32_t va, uint32_t val, uint32_t flags)
{
    return HYPERVISOR_update_va_mapping(va >> 12, val, flags);
}

static void mc_uvm(multicall_entry_t *e, uint32_t va, uint32_t val, uint32_t flags)
{
    *e = (multicall_entry_t){__HYPERVISOR_update_va_mapping, {va >> 12, val, flags, 0, 0, 0, 0}};
}

static void mc_mmu(multicall_entry_t *e, const mmu_update_t *req, uint32_t n)
{
    *e = (multicall_entry_t){__HYPERVISOR_mmu_update, {(uint32_t)req, n, 0, 0, 0, 0, 0}};
}

/* ---- switch: one L1 takes another's place under a cached linear translation ---- */
static void switch_attacks(unsigned s)
{
    uint32_t va = s << 22, a = pinned_l1(), b = pinned_l1(), c = pinned_l1();
    static mmu_update_t req[4];
    static multicall_entry_t mc[4];

    check_true("switch: three pinned L1s", a && b && c, "a %u b %u c %u", a, b, c);
    /* Without any flush flag: the hypervisor's own invalidation is all there is. */
    check_eq("switch: A hooked", hook(s, a, HOOK), 0);
    check_eq("switch: A[1] written (no flush flag)", uvm_flags(va + 0x1000, pte, 0), 0);
    check_eq("switch: A[1] holds it", (int)word(a, 1), (int)pte);
    check_eq("switch: B hooked in A's place", hook(s, b, HOOK), 0);
    check_eq("switch: B[2] written (no flush flag)", uvm_flags(va + 0x2000, pte, 0), 0);
    check_eq("switch: B[2] holds it", (int)word(b, 2), (int)pte);
    check_eq("switch: A[2] untouched", (int)word(a, 2), 0);

    /* Inside a multicall, where invalidations wait for the end: write through B (cached),
     * swap in C, write again, all in one list. */
    mc_uvm(&mc[0], va + 0x3000, pte, 0);
    req[0] = (mmu_update_t){rv_l2e(s), pfn_to_mfn(c) << 12 | HOOK};
    mc_mmu(&mc[1], req, 1);
    mc_uvm(&mc[2], va + 0x4000, pte, UVMF_INVLPG);
    check_eq("switch: multicall uvm, swap, uvm", HYPERVISOR_multicall(mc, 3), 0);
    check_true("switch: multicall results 0", !mc[0].args[5] && !mc[1].args[5] && !mc[2].args[5],
               "%d %d %d", (int)mc[0].args[5], (int)mc[1].args[5], (int)mc[2].args[5]);
    check_eq("switch: multicall B[3] holds it", (int)word(b, 3), (int)pte);
    check_eq("switch: multicall C[4] holds it", (int)word(c, 4), (int)pte);
    check_eq("switch: multicall B[4] untouched", (int)word(b, 4), 0);

    /* One batch swaps C -> A -> B; a multicall then writes: it must reach B. */
    req[0] = (mmu_update_t){rv_l2e(s), pfn_to_mfn(a) << 12 | HOOK};
    req[1] = (mmu_update_t){rv_l2e(s), pfn_to_mfn(b) << 12 | HOOK};
    mc_uvm(&mc[0], va + 0x5000, pte, 0); /* through C: cached again */
    mc_mmu(&mc[1], req, 2);
    mc_uvm(&mc[2], va + 0x6000, pte, 0);
    check_eq("switch: multicall uvm, batch C->A->B, uvm", HYPERVISOR_multicall(mc, 3), 0);
    check_eq("switch: batch C[5] holds it", (int)word(c, 5), (int)pte);
    check_eq("switch: batch B[6] holds it", (int)word(b, 6), (int)pte);
    check_true("switch: batch A[6], C[6] untouched", !word(a, 6) && !word(c, 6), "A %#x C %#x",
               word(a, 6), word(c, 6));

    /* The old L1 retyped writable within the same multicall (unhook, unpin, map it writable),
     * filled with junk "old entries", then a write through the slot that now holds B. */
    uint32_t wva = scratch_va(JUNK_SCRATCH);
    check_eq("switch: C hooked", hook(s, c, HOOK), 0);
    check_eq("switch: C[7] written", uvm_flags(va + 0x7000, pte, 0), 0);
    req[0] = (mmu_update_t){rv_l2e(s), pfn_to_mfn(b) << 12 | HOOK};
    req[1] = (mmu_update_t){pfn_to_mfn(c) << 12 | EXT, MMUEXT_UNPIN_TABLE};
    mc_mmu(&mc[0], req, 2);
    mc_uvm(&mc[1], wva, pfn_to_mfn(c) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D, 0);
    check_eq("switch: multicall swap, unpin C, map C writable", HYPERVISOR_multicall(mc, 2), 0);
    check_true("switch: C is writable now", !mc[0].args[5] && !mc[1].args[5], "%d %d",
               (int)mc[0].args[5], (int)mc[1].args[5]);
    volatile uint32_t *junk = (volatile uint32_t *)wva;
    uint32_t junk_val = pte | PTE_RW; /* a writable mapping nobody counted */
    for (unsigned i = 0; i < 1024; i++)
        junk[i] = junk_val;
    mc_uvm(&mc[0], va + 0x8000, pte, 0);
    mc_uvm(&mc[1], va + 0x9000, pte, UVMF_FLUSH_TLB);
    check_eq("switch: two writes after the retype", HYPERVISOR_multicall(mc, 2), 0);
    check_eq("switch: retype B[8] holds it", (int)word(b, 8), (int)pte);
    check_eq("switch: retype B[9] holds it", (int)word(b, 9), (int)pte);
    check_true("switch: C's junk untouched", junk[8] == junk_val && junk[9] == junk_val,
               "C[8] %#x C[9] %#x", junk[8], junk[9]);
    for (unsigned i = 0; i < 1024; i++)
        junk[i] = 0;
    rv_uvm(wva, 0);
    check_eq("switch: slot emptied", hook(s, 0, 0), 0);
    check_eq("switch: an address whose L2 entry is gone is refused", uvm_flags(va + 0x8000, pte, 0),
             -XEN_EINVAL);
    test_frame_free(c);
    unpin_free(a);
    unpin_free(b);
}

/* ---- baseptr: two address spaces ---- */
static void baseptr_attacks(unsigned s)
{
    struct addrspace as;
    uint32_t va = s << 22, a = pinned_l1(), b = pinned_l1(), x = current_l2_mfn();
    static mmu_update_t to_y, to_x, req;
    static multicall_entry_t mc[4];

    check_eq("baseptr: a second address space Y", as_create(&as, 0), 0);
    uint32_t y = pfn_to_mfn(as.l2_pfn);
    to_y = (mmu_update_t){y << 12 | EXT, MMUEXT_NEW_BASEPTR};
    to_x = (mmu_update_t){x << 12 | EXT, MMUEXT_NEW_BASEPTR};
    check_eq("baseptr: A hooked in X (loaded) and in Y", hook(s, a, HOOK), 0);
    check_eq("baseptr: A hooked in Y", rv_mmu1(y << 12 | s * 4, pfn_to_mfn(a) << 12 | HOOK), 0);
    check_eq("baseptr: A[1] written in X", uvm_flags(va + 0x1000, pte, 0), 0);
    /* Y (not loaded) now names B: X still names A. */
    check_eq("baseptr: Y's entry set to B while X is loaded",
             rv_mmu1(y << 12 | s * 4, pfn_to_mfn(b) << 12 | HOOK), 0);
    check_eq("baseptr: A[2] written in X", uvm_flags(va + 0x2000, pte, 0), 0);
    check_eq("baseptr: A[2] holds it", (int)word(a, 2), (int)pte);
    check_eq("baseptr: B[2] untouched", (int)word(b, 2), 0);
    /* In one multicall: write in X (cached), switch to Y, write, switch back, write. */
    mc_uvm(&mc[0], va + 0x3000, pte, 0);
    mc_mmu(&mc[1], &to_y, 1);
    mc_uvm(&mc[2], va + 0x4000, pte, 0);
    mc_mmu(&mc[3], &to_x, 1);
    check_eq("baseptr: multicall uvm, NEW_BASEPTR Y, uvm, NEW_BASEPTR X",
             HYPERVISOR_multicall(mc, 4), 0);
    check_true("baseptr: multicall results 0",
               !mc[0].args[5] && !mc[1].args[5] && !mc[2].args[5] && !mc[3].args[5], "%d %d %d %d",
               (int)mc[0].args[5], (int)mc[1].args[5], (int)mc[2].args[5], (int)mc[3].args[5]);
    check_eq("baseptr: A[3] holds it", (int)word(a, 3), (int)pte);
    check_eq("baseptr: B[4] holds it (Y's L1)", (int)word(b, 4), (int)pte);
    check_eq("baseptr: A[4] untouched", (int)word(a, 4), 0);
    /* Y's entry changed while Y is loaded, between two writes, X loaded again at the end. */
    req = (mmu_update_t){y << 12 | s * 4, pfn_to_mfn(a) << 12 | HOOK};
    mc_mmu(&mc[0], &to_y, 1);
    mc_uvm(&mc[1], va + 0x5000, pte, 0); /* B, cached */
    mc_mmu(&mc[2], &req, 1);
    mc_uvm(&mc[3], va + 0x6000, pte, 0); /* A now */
    int rc = HYPERVISOR_multicall(mc, 4);
    int back = rv_mmu1(to_x.ptr, to_x.val);
    check_eq("baseptr: multicall in Y: uvm, Y's entry to A, uvm", rc, 0);
    check_eq("baseptr: back to X", back, 0);
    check_eq("baseptr: B[5] holds it", (int)word(b, 5), (int)pte);
    check_eq("baseptr: A[6] holds it", (int)word(a, 6), (int)pte);
    check_eq("baseptr: B[6] untouched", (int)word(b, 6), 0);
    check_eq("baseptr: Y's slot emptied", rv_mmu1(y << 12 | s * 4, 0), 0);
    check_eq("baseptr: X's slot emptied", hook(s, 0, 0), 0);
    check_eq("baseptr: Y destroyed", as_destroy(&as), 0);
    unpin_free(a);
    unpin_free(b);
}

/* ---- entries: read-only, non-present, PSE L2 entries; 4 MB boundaries; low VA bits ---- */
static void entry_attacks(unsigned s)
{
    uint32_t va = s << 22, a = pinned_l1(), b = pinned_l1();
    uint32_t w = rv_new_frame(0), wva = scratch_va(JUNK_SCRATCH);

    check_eq("entries: A hooked writable", hook(s, a, HOOK), 0);
    check_eq("entries: A[1] written (linear, cached)", uvm_flags(va + 0x1000, pte, 0), 0);
    check_eq("entries: B hooked read-only", hook(s, b, PTE_P | PTE_US | PTE_A), 0);
    check_eq("entries: B[2] written through a read-only L2 entry", uvm_flags(va + 0x2000, pte, 0),
             0);
    check_eq("entries: B[2] holds it", (int)word(b, 2), (int)pte);
    check_eq("entries: A[2] untouched", (int)word(a, 2), 0);
    check_eq("entries: A hooked writable again", hook(s, a, HOOK), 0);
    check_eq("entries: A[3] written", uvm_flags(va + 0x3000, pte, 0), 0);
    check_eq("entries: A[3] holds it", (int)word(a, 3), (int)pte);
    check_eq("entries: B[3] untouched", (int)word(b, 3), 0);

    /* 4 MB boundaries: the first and last page of the slot, the page before and after. */
    check_eq("entries: first page of the slot", uvm_flags(va, pte, UVMF_INVLPG), 0);
    check_eq("entries: A[0] holds it", (int)word(a, 0), (int)pte);
    check_eq("entries: last page of the slot", uvm_flags(va + 0x3ff000, pte, UVMF_INVLPG), 0);
    check_eq("entries: A[1023] holds it", (int)word(a, 1023), (int)pte);
    check_eq("entries: first page of the next (empty) slot", uvm_flags(va + 0x400000, pte, 0),
             -XEN_EINVAL);
    check_eq("entries: last page of the previous (empty) slot", uvm_flags(va - 0x1000, pte, 0),
             -XEN_EINVAL);
    /* A VA with its low bits set ([ours]: EBX >= 0xFC000 is the VA): the entry of its page,
     * whole, and no byte of its neighbours. */
    check_eq("entries: VA with low bits 0xfff",
             HYPERVISOR_update_va_mapping(va + 0x9fff, pte, UVMF_INVLPG), 0);
    check_eq("entries: A[9] holds it", (int)word(a, 9), (int)pte);
    check_true("entries: A[8], A[10] untouched", !word(a, 8) && !word(a, 10), "%#x %#x", word(a, 8),
               word(a, 10));
    check_eq("entries: VA with low bits 0x803",
             HYPERVISOR_update_va_mapping(va + 0xc803, pte, UVMF_INVLPG), 0);
    check_eq("entries: A[12] holds it", (int)word(a, 12), (int)pte);
    check_true("entries: A[11], A[13] untouched", !word(a, 11) && !word(a, 13), "%#x %#x",
               word(a, 11), word(a, 13));

    /* Non-present L2 entries whose frame bits name W, a page the guest writes: W filled with
     * junk "old entries" must not be taken for an L1 (neither read nor written). */
    check_eq("entries: W mapped writable", rv_uvm(wva, pfn_to_mfn(w) << 12 | PTE_P | PTE_RW), 0);
    volatile uint32_t *junk = (volatile uint32_t *)wva;
    uint32_t junk_val = pte | PTE_RW;
    for (unsigned i = 0; i < 1024; i++)
        junk[i] = junk_val;
    static const uint32_t np_flags[] = {PTE_RW | PTE_US | PTE_A, PTE_RW, PTE_US | PTE_A, 0x80,
                                        PTE_RW | 0x80};
    for (unsigned i = 0; i < sizeof(np_flags) / sizeof(np_flags[0]); i++) {
        char name[96];
        int rc = hook(s, w, np_flags[i]);
        snprintf(name, sizeof(name), "entries: non-present L2 entry to W (flags %#x) accepted",
                 np_flags[i]);
        check_eq(name, rc, 0);
        snprintf(name, sizeof(name), "entries: update_va_mapping under it (flags %#x) refused",
                 np_flags[i]);
        check_eq(name, uvm_flags(va + 0x5000, pte, 0), -XEN_EINVAL);
        snprintf(name, sizeof(name), "entries: W untouched (flags %#x)", np_flags[i]);
        check_true(name, junk[5] == junk_val, "W[5] %#x", junk[5]);
    }
    /* The same with a frame number that is not the guest's at all (the hypervisor's first MB,
     * beyond memory): a non-present entry carries no rule, the uvm under it must refuse. */
    check_eq("entries: non-present L2 entry to frame 0x100", rv_mmu1(rv_l2e(s), 0x100000 | PTE_RW),
             0);
    check_eq("entries: update_va_mapping under it refused", uvm_flags(va + 0x5000, pte, 0),
             -XEN_EINVAL);
    check_eq("entries: non-present L2 entry to frame 0xfffff",
             rv_mmu1(rv_l2e(s), 0xfffff000u | PTE_RW | PTE_US), 0);
    check_eq("entries: update_va_mapping under it refused ", uvm_flags(va + 0x5000, pte, 0),
             -XEN_EINVAL);
    check_eq("entries: PSE L2 entry to W refused", hook(s, w, PTE_P | PTE_RW | PTE_US | 0x80),
             -XEN_EINVAL);
    check_eq("entries: update_va_mapping after it refused", uvm_flags(va + 0x5000, pte, 0),
             -XEN_EINVAL);
    check_true("entries: W untouched at the end", junk[5] == junk_val, "W[5] %#x", junk[5]);
    for (unsigned i = 0; i < 1024; i++)
        junk[i] = 0;
    rv_uvm(wva, 0);
    check_eq("entries: slot emptied", hook(s, 0, 0), 0);
    test_frame_free(w);
    unpin_free(a);
    unpin_free(b);
}

/* ---- hv range: the linear area itself, the self-map page, an L2 as an L1 ---- */
static void hvrange_attacks(unsigned s)
{
    uint32_t l2 = current_l2_mfn(), before_s = boot_l2[s];
    uint32_t a = pinned_l1(), data_pte = pte;
    static const uint32_t vas[] = {
        0xFC000000u,           /* the M2P */
        0xFC3FF000u,           /* the last page below every guest segment's limit */
        LINEAR,                /* the linear area: the L1 of slot 0 */
        LINEAR + 768 * 0x1000, /* the kernel's first L1, through the linear area */
        LINEAR_SELF,           /* the L2 itself */
        0xFE7FF000u,           /* the last page of the linear area */
        0xFE800000u,           /* past it */
        0xFFFFF000u,           /* the last page */
    };
    char name[96];

    check_true("hv: a pinned L1", a != 0, "none");
    for (unsigned i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
        snprintf(name, sizeof(name), "hv: update_va_mapping at %#x refused", vas[i]);
        check_eq(name, HYPERVISOR_update_va_mapping(vas[i], data_pte, UVMF_INVLPG), -XEN_EINVAL);
    }
    /* The self-map page, entry s: were it written, L2[s] would point at the data frame. */
    check_eq("hv: update_va_mapping of L2[s] through the self-map refused",
             HYPERVISOR_update_va_mapping(LINEAR_SELF + s * 4, pfn_to_mfn(a) << 12 | HOOK, 0),
             -XEN_EINVAL);
    check_eq("hv: L2[s] unchanged", (int)boot_l2[s], (int)before_s);
    /* The current L2 as an L1, another L2 as a linear table. */
    check_eq("hv: pin the current L2 as an L1", rv_mmu1(l2 << 12 | EXT, MMUEXT_PIN_L1_TABLE),
             -XEN_EINVAL);
    check_eq("hv: the current L2 hooked writable", rv_mmu1(rv_l2e(s), l2 << 12 | HOOK),
             -XEN_EINVAL);
    struct addrspace as;
    check_eq("hv: another L2 Y", as_create(&as, 0), 0);
    uint32_t y = pfn_to_mfn(as.l2_pfn);
    int rc = rv_mmu1(rv_l2e(s), y << 12 | PTE_P | PTE_US | PTE_A);
    printk("linreview: another L2 hooked read-only: %d\n", rc);
    if (rc == 0) {
        /* Accepted as a linear table: update_va_mapping under it would write Y's entries. */
        check_eq("hv: update_va_mapping through another L2 refused",
                 uvm_flags((s << 22) + 5 * 0x1000, data_pte, 0), -XEN_EINVAL);
        check_eq("hv: Y's entry 5 untouched", (int)rv_frame_word(as.l2_pfn, 5), 0);
        hook(s, 0, 0);
    } else {
        check_eq("hv: another L2 hooked read-only refused", rc, -XEN_EINVAL);
    }
    check_eq("hv: Y writable hook refused", rv_mmu1(rv_l2e(s), y << 12 | HOOK), -XEN_EINVAL);
    check_eq("hv: Y as a pinned L1 refused", rv_mmu1(y << 12 | EXT, MMUEXT_PIN_L1_TABLE),
             -XEN_EINVAL);
    check_eq("hv: Y destroyed", as_destroy(&as), 0);
    /* A pinned L1 as an L2. */
    check_eq("hv: a pinned L1 pinned as an L2",
             rv_mmu1(pfn_to_mfn(a) << 12 | EXT, MMUEXT_PIN_L2_TABLE), -XEN_EINVAL);
    check_eq("hv: a pinned L1 as the base pointer",
             rv_mmu1(pfn_to_mfn(a) << 12 | EXT, MMUEXT_NEW_BASEPTR), -XEN_EINVAL);
    /* The guest's own read-only self-map: update_va_mapping under it would write L2 entries,
     * slot 1017's among them. */
    check_eq("hv: read-only self-map", rv_mmu1(rv_l2e(s), l2 << 12 | PTE_P | PTE_A), 0);
    check_eq("hv: update_va_mapping of L2[1017] through the guest's self-map refused",
             uvm_flags((s << 22) + 1017 * 0x1000, data_pte, 0), -XEN_EINVAL);
    check_eq("hv: update_va_mapping of L2[s] through the guest's self-map refused",
             uvm_flags((s << 22) + s * 0x1000, 0, 0), -XEN_EINVAL);
    check_true("hv: the self-map survived", boot_l2[s] != 0, "L2[%u] = %#x", s, boot_l2[s]);
    check_eq("hv: self-map removed", hook(s, 0, 0), 0);
    unpin_free(a);
}

/* ---- copy: the hypervisor's own L2 entries (slot 1017's self-map, slot 1008's M2P L1) copied
 * into a guest slot, by mmu_update and in a page then pinned or loaded as an L2 ---- */
static void copy_attacks(unsigned s)
{
    uint32_t l2 = current_l2_mfn();
    uint32_t self = boot_l2[1017], m2p = boot_l2[1008];
    char name[96];

    check_true("copy: slot 1017 holds the L2's self-map, supervisor-only",
               self >> 12 == l2 && (self & (PTE_P | PTE_RW | PTE_US)) == (PTE_P | PTE_RW), "%#x",
               self);
    check_eq("copy: slot 1017's value into a guest slot", rv_mmu1(rv_l2e(s), self), -XEN_EINVAL);
    check_eq("copy: slot 1017's value, read-only, into a guest slot (a self-map: allowed)",
             rv_mmu1(rv_l2e(s), self & ~(uint32_t)(PTE_RW | PTE_D)), 0);
    check_eq("copy: the self-map removed", hook(s, 0, 0), 0);
    check_eq("copy: slot 1008's value (the M2P's L1) into a guest slot", rv_mmu1(rv_l2e(s), m2p),
             -XEN_EINVAL);
    check_eq("copy: slot 1008's value, read-only", rv_mmu1(rv_l2e(s), m2p & ~(uint32_t)PTE_RW),
             -XEN_EINVAL);
    /* A page holding the kernel half, with slot 1017's (writable self-map of the *current* L2)
     * or slot 1008's value at guest slot s: pinned as an L2 or loaded, it must be refused. */
    const uint32_t vals[] = {self, self & ~(uint32_t)(PTE_RW | PTE_D), m2p};
    for (unsigned i = 0; i < 3; i++) {
        uint32_t zpfn = rv_new_frame(0), *z = scratch_map(8, zpfn), zmfn = pfn_to_mfn(zpfn);
        for (unsigned k = KERNEL_L2_FIRST; k < HYPERVISOR_L2_FIRST_SLOT; k++)
            z[k] = boot_l2[k];
        z[s] = vals[i];
        scratch_unmap(8);
        snprintf(name, sizeof(name), "copy: a page with %#x at slot %u pinned as an L2", vals[i],
                 s);
        check_eq(name, rv_mmu1(zmfn << 12 | EXT, MMUEXT_PIN_L2_TABLE), -XEN_EINVAL);
        snprintf(name, sizeof(name), "copy: a page with %#x at slot %u loaded", vals[i], s);
        check_eq(name, rv_mmu1(zmfn << 12 | EXT, MMUEXT_NEW_BASEPTR), -XEN_EINVAL);
        test_frame_free(zpfn);
    }
}

static void ring3_reads(void)
{
    /* No U bit on the linear area: a ring-3 read is a protection fault (P=1, U=1). Where
     * segment limits hold (Bochs) it is a #GP first: test=seglimits checks that. */
    const struct probe_case cases[] = {
        UCASE("read of the L2 through the linear area", pf_read, 14, 5, LINEAR_SELF),
        UCASE("read of the kernel's L1 through the linear area", pf_read, 14, 5,
              LINEAR + 768 * 0x1000),
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        probe_run(&cases[i]);
}

static void run_linreview(const struct selftest_env *env)
{
    (void)env;
    if (test_frames_begin("mmu-linreview"))
        return;
    unsigned s = rv_free_slots(3); /* s .. s+2 empty: s+1 past, s-1 before may be used */
    uint32_t data = rv_new_frame(0x5a5a5a5a);
    pte = pfn_to_mfn(data) << 12 | PTE_P | PTE_US;
    printk("linreview: slot %u, data frame %#x\n", s + 1, pfn_to_mfn(data));
    rv_snapshot();
    if (s && boot_l2[s] == 0) {
        switch_attacks(s + 1);
        baseptr_attacks(s + 1);
        entry_attacks(s + 1);
        hvrange_attacks(s + 1);
        copy_attacks(s + 1);
    } else {
        check_true("three free slots", 0, "none");
    }
    rv_accounting("accounting after the linear-table attacks");
    ring3_reads();
    test_frame_free(data);
    check_summary("mmu-linreview");
}
SELFTEST(mmu_linreview, "test=mmu-linreview", run_linreview, SELFTEST_TRAPS | SELFTEST_MM);
