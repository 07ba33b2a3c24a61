/*
 * update_va_mapping (ABI §7), checked against the frame table: the guest may map only frames
 * it owns, never a page-table frame writable, never with PSE/PAT or global bits, and never in
 * the hypervisor hole. References move from the old frame to the new one.
 * (The full page-type machinery of mmu_update builds on the same frame table.)
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/frame.h"
#include "hv/hypercall.h"
#include "x86.h"
#include <public/xen.h>

#define UVM "update_va_mapping"

static int is_page_table_type(uint8_t t)
{
    return t == FT_L1 || t == FT_L2 || t == FT_GDT || t == FT_LDT;
}

static long check_new_pte(struct domain *d, uint32_t va, uint32_t pte)
{
    if (!(pte & PTE_P))
        return 0;
    if (pte & (PTE_PAT | PTE_G))
        return hv_refuse(UVM, va, -XEN_EINVAL, "PTE %#x has PAT/PSE or global bits", pte);
    uint32_t mfn = pte >> 12;
    if (!frame_owned_by(mfn, d->id))
        return hv_refuse(UVM, va, -XEN_EPERM, "frame %#x is not the guest's", mfn);
    if ((pte & PTE_RW) && is_page_table_type(frame_table[mfn].type) && frame_table[mfn].type_count)
        return hv_refuse(UVM, va, -XEN_EPERM, "writable mapping of page-table frame %#x", mfn);
    return 0;
}

static void get_ref(uint32_t pte)
{
    if (!(pte & PTE_P))
        return;
    struct frame_info *f = &frame_table[pte >> 12];
    f->count++;
    if (pte & PTE_RW) {
        f->type = FT_WRITABLE;
        f->type_count++;
    }
}

static void put_ref(uint32_t pte)
{
    if (!(pte & PTE_P) || (pte >> 12) >= max_mfn)
        return;
    struct frame_info *f = &frame_table[pte >> 12];
    if (f->count)
        f->count--;
    if ((pte & PTE_RW) && f->type == FT_WRITABLE && f->type_count && --f->type_count == 0)
        f->type = FT_NONE;
}

long do_update_va_mapping(uint32_t page_nr, uint32_t val, uint32_t flags)
{
    struct domain *d = current_domain();
    uint32_t va = page_nr >= UVMF_VA_THRESHOLD ? page_nr & PTE_FRAME_MASK : page_nr << 12;

    if (flags & ~(UVMF_FLUSH_TLB | UVMF_INVLPG))
        return hv_refuse(UVM, va, -XEN_EINVAL, "unknown flags %#x", flags);
    if (va >= HYPERVISOR_VIRT_START)
        return hv_refuse(UVM, va, -XEN_EINVAL, "address in the hypervisor hole");
    long err = check_new_pte(d, va, val);
    if (err)
        return err;

    uint32_t *l2 = arch_map_frame(read_cr3() >> 12);
    uint32_t l2e = l2[va >> 22];
    arch_unmap_frame(l2);
    if (!(l2e & PTE_P) || frame_table[l2e >> 12].type != FT_L1)
        return hv_refuse(UVM, va, -XEN_EINVAL, "no L1 table maps this address");

    /* Checked; now act. */
    uint32_t *l1 = arch_map_frame(l2e >> 12);
    uint32_t *slot = &l1[(va >> 12) & 1023];
    uint32_t old = *slot;
    get_ref(val);
    put_ref(old);
    *slot = val;
    arch_unmap_frame(l1);

    if (flags & UVMF_FLUSH_TLB)
        flush_tlb();
    else if (flags & UVMF_INVLPG)
        invlpg(va);
    return 0;
}
