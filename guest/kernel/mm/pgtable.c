/*
 * Page-table frames of process address spaces. A frame becomes a table only once its direct-map
 * entry is read-only (the hypervisor refuses a table that is writable anywhere), and becomes
 * writable again only after the hypervisor has dropped it as a table: so making a table is
 * "fill while writable, then protect + hook in one batch", and releasing is "unhook or unpin,
 * then unprotect, in one batch". The tables themselves are read through the direct map.
 */
#include <arch/x86/context.h>
#include <kernel/mm/kmem.h>
#include <pv/mmu.h>
#include <kernel/mm/page.h>
#include <kernel/mm/pgtable.h>
#include <kernel/mm/physmap.h>
#include <lib/string.h>

uint32_t *pt_l2(const struct mm *mm)
{
    return pfn_to_virt(mm->l2_pfn);
}

uint32_t *pt_l1(const struct mm *mm, uint32_t va)
{
    uint32_t e = pt_l2(mm)[va >> 22];

    return (e & PTE_P) ? pfn_to_virt(mfn_to_pfn(e >> 12)) : 0;
}

uint32_t pt_l1_mfn(const struct mm *mm, uint32_t va)
{
    return pt_l2(mm)[va >> 22] >> 12;
}

uint32_t pt_user_pte(uint32_t pfn, uint32_t flags)
{
    uint32_t pte = pfn_to_mfn(pfn) << 12 | PTE_P | PTE_A;

    if (flags & (PROT_READ | PROT_WRITE | PROT_EXEC))
        pte |= PTE_US;
    if (flags & PROT_WRITE)
        pte |= PTE_RW | PTE_D;
    return pte;
}

uint32_t pt_new_l1(struct mm *mm, uint32_t va)
{
    uint32_t pfn = pfn_alloc_kernel();

    if (!pfn)
        return 0;
    if (!fpu_zero_page(pfn_to_virt(pfn)))
        memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
    physmap_queue_protect(pfn, 0);
    mmu_queue_pte(pfn_to_mfn(mm->l2_pfn), va >> 22, pfn_to_mfn(pfn) << 12 | PT_L2E_USER);
    mm->l1_count++;
    return pfn;
}

void pt_queue_set(struct mm *mm, uint32_t va, uint32_t pte)
{
    mmu_queue_pte(pt_l1_mfn(mm, va), (va >> 12) & 1023, pte);
}

int pt_set_now(struct mm *mm, uint32_t va, uint32_t pte)
{
    if (mm == active_mm)
        return HYPERVISOR_update_va_mapping(va >> 12, pte, UVMF_INVLPG);
    pt_queue_set(mm, va, pte);
    return mmu_flush(0);
}
