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

unsigned pt_next_entry_scan(const uint32_t *l1, uint32_t used, unsigned i)
{
    while (i < 1024) {
        uint32_t rest = used >> (i >> PT_CHUNK_SHIFT); /* the chunks from i's on */
        if (!rest)
            break;
        if (!(rest & 1)) /* i's chunk holds nothing: the start of the next one that may */
            i = ((i >> PT_CHUNK_SHIFT) + (unsigned)__builtin_ctz(rest)) << PT_CHUNK_SHIFT;
        unsigned end = ((i >> PT_CHUNK_SHIFT) + 1) << PT_CHUNK_SHIFT;
        i = (unsigned)scan_nonzero32(l1, i, end);
        if (i < end)
            return i;
    }
    return 1024;
}

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
    pt_used[pfn] = 0;
    physmap_queue_protect(pfn, 0);
    mmu_queue_pte(pfn_to_mfn(mm->l2_pfn), va >> 22, pfn_to_mfn(pfn) << 12 | PT_L2E_USER);
    pt_note_l1(mm, va >> 22);
    mm->l1_count++;
    return pfn;
}

void pt_queue_set(struct mm *mm, uint32_t va, uint32_t pte)
{
    uint32_t l1_mfn = pt_l1_mfn(mm, va);

    if (pte)
        pt_note_entry(mfn_to_pfn(l1_mfn), (va >> 12) & 1023);
    mmu_queue_pte(l1_mfn, (va >> 12) & 1023, pte);
}

int pt_set_now(struct mm *mm, const uint32_t *l1, uint32_t va, uint32_t pte)
{
    if (mm == active_mm) {
        pt_note_entry(virt_to_pfn(l1), (va >> 12) & 1023);
        return HYPERVISOR_update_va_mapping(va >> 12, pte, UVMF_INVLPG);
    }
    pt_queue_set(mm, va, pte);
    return mmu_flush(0);
}
