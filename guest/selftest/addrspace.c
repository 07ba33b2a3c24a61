/*
 * The MMU self-tests' address spaces: an L2 sharing the kernel half (slots 768-1007, the direct
 * map and the kmap window) with the boot L2, plus user L1s, all pool frames (selftest/frames.c:
 * the page allocator's, off the direct map). Frames are filled through scratch mappings,
 * unmapped, then pinned in one batch (the hypervisor validates them, and every L1 is pinned on
 * its own, which test=mmu-attacks' "pin twice" counts on); a switch is one multicall
 * (stack_switch + NEW_BASEPTR); teardown unpins in one batch and the frames go back to the pool.
 *
 * Not kernel/mm's mm_create/mm_destroy: the tests put self-maps, linear entries and foreign
 * frames into these tables, and mm_destroy would walk every present user slot as an L1 of user
 * pages: a self-map in slot 5 (test_review_pt.c's linear_self_leak) would have it read the L2
 * itself as an L1, and put and free the kernel half's own L1 frames. Teardown here trusts
 * nothing in the tables: the hypervisor drops what they hold when their types go.
 */
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <lib/string.h>

static uint32_t new_table(uint32_t *pfn_out)
{
    uint32_t pfn = test_frame_alloc();
    uint32_t *t = pfn ? scratch_map(0, pfn) : 0;
    if (!t)
        return 0;
    memset(t, 0, XEN_PAGE_SIZE);
    scratch_unmap(0);
    *pfn_out = pfn;
    return pfn_to_mfn(pfn);
}

int as_create(struct addrspace *as, unsigned nr_l1)
{
    memset(as, 0, sizeof(*as));
    if (nr_l1 > AS_MAX_L1 || !new_table(&as->l2_pfn))
        return -XEN_ENOMEM;
    /* Fill the L2: user L1s below, the boot L2's kernel half above. */
    uint32_t *l2 = scratch_map(1, as->l2_pfn);
    for (unsigned i = 0; i < nr_l1; i++) {
        if (!new_table(&as->l1_pfn[i]))
            return -XEN_ENOMEM;
        l2[i] = pfn_to_mfn(as->l1_pfn[i]) << 12 | PTE_P | PTE_RW | PTE_US | PTE_A;
        as->nr_l1++;
    }
    for (unsigned s = KERNEL_L2_FIRST; s < HYPERVISOR_L2_FIRST_SLOT; s++)
        l2[s] = boot_l2[s];
    scratch_unmap(1);
    for (unsigned i = 0; i < as->nr_l1; i++)
        mmu_queue_ext(MMUEXT_PIN_L1_TABLE, pfn_to_mfn(as->l1_pfn[i]));
    mmu_queue_ext(MMUEXT_PIN_L2_TABLE, pfn_to_mfn(as->l2_pfn));
    return mmu_flush(0);
}

void as_queue_map(struct addrspace *as, uint32_t va, uint32_t pfn, int writable)
{
    uint32_t pte = pfn_to_mfn(pfn) << 12 | PTE_P | PTE_US | PTE_A | (writable ? PTE_RW | PTE_D : 0);
    mmu_queue_pte(pfn_to_mfn(as->l1_pfn[va >> 22]), (va >> 12) & 1023, pte);
}

void as_queue_unmap(struct addrspace *as, uint32_t va)
{
    mmu_queue_pte(pfn_to_mfn(as->l1_pfn[va >> 22]), (va >> 12) & 1023, 0);
}

/* A context switch is one multicall from a fixed template: only the stack and the base
 * pointer change from one switch to the next. */
int as_switch_mfn(uint32_t l2_mfn, uint32_t kernel_esp)
{
    static mmu_update_t req = {0, MMUEXT_NEW_BASEPTR};
    static multicall_entry_t sw[2] = {
        {__HYPERVISOR_stack_switch, {FLAT_RING1_DS, 0, 0, 0, 0, 0, 0}},
        {__HYPERVISOR_mmu_update, {(uint32_t)&req, 1, 0, 0, 0, 0, 0}},
    };
    req.ptr = l2_mfn << 12 | MMU_EXTENDED_COMMAND;
    sw[0].args[1] = kernel_esp;
    context_entry_stack = 0; /* context_switch's record of the entry stack no longer holds */
    int rc = HYPERVISOR_multicall(sw, 2);
    if (rc == 0)
        rc = (int32_t)sw[0].args[MULTICALL_RESULT_ARG] ? (int32_t)sw[0].args[MULTICALL_RESULT_ARG]
                                                       : (int32_t)sw[1].args[MULTICALL_RESULT_ARG];
    return rc;
}

int as_switch(const struct addrspace *as, uint32_t kernel_esp)
{
    return as_switch_mfn(pfn_to_mfn(as->l2_pfn), kernel_esp);
}

int as_switch_home(uint32_t kernel_esp)
{
    return as_switch_mfn(current_l2_mfn(), kernel_esp);
}

int as_destroy(struct addrspace *as)
{
    mmu_queue_ext(MMUEXT_UNPIN_TABLE, pfn_to_mfn(as->l2_pfn));
    for (unsigned i = 0; i < as->nr_l1; i++)
        mmu_queue_ext(MMUEXT_UNPIN_TABLE, pfn_to_mfn(as->l1_pfn[i]));
    int rc = mmu_flush(0);
    if (rc == 0) {
        for (unsigned i = 0; i < as->nr_l1; i++)
            test_frame_free(as->l1_pfn[i]);
        test_frame_free(as->l2_pfn);
    }
    return rc;
}
