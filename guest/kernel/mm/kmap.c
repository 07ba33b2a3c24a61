/*
 * The kmap window: one L1 of fixed-address mappings at L2 slot KMAP_L2_SLOT of the boot L2.
 * The direct map shows every guest frame at one address, writable unless it is a page table;
 * a frame that must be seen elsewhere (taken off the direct map so that nothing else maps it,
 * or not the guest's at all) is mapped here, at a slot the caller picks, with update_va_mapping
 * and UVMF_INVLPG, so the old translation is gone when the call returns.
 *
 * The L1 is made as kernel/mm/pgtable.c makes tables: filled (zeroed) through the direct map
 * while writable, then made read-only there and hooked into the boot L2 in one batch. Address
 * spaces made afterwards copy the kernel half, window included.
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <kernel/mm/kmap.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <lib/errno_names.h>
#include <lib/string.h>

static uint32_t window_l1_mfn;

int kmap_init(void)
{
    const uint32_t *boot_l2 = pfn_to_virt(physmap.boot_l2_pfn);
    int rc;

    if (window_l1_mfn)
        return 0;
    if (boot_l2[KMAP_L2_SLOT] & PTE_P) {
        printk("error: kmap: L2 slot %u is already the direct map's\n", KMAP_L2_SLOT);
        return -EBUSY;
    }
    uint32_t pfn = pfn_alloc_kernel();
    if (!pfn) {
        printk("error: kmap: no frame for the window's L1\n");
        return -ENOMEM;
    }
    memset(pfn_to_virt(pfn), 0, XEN_PAGE_SIZE);
    physmap_queue_protect(pfn, 0);
    mmu_queue_pte(pfn_to_mfn(physmap.boot_l2_pfn), KMAP_L2_SLOT,
                  pfn_to_mfn(pfn) << 12 | PTE_P | PTE_RW | PTE_A);
    rc = mmu_flush(0);
    if (rc) {
        printk("error: kmap: the hypervisor refused the window's L1: %s\n", errno_name(rc));
        physmap_queue_protect(pfn, 1);
        mmu_flush(0);
        pfn_release(pfn);
        return rc;
    }
    window_l1_mfn = pfn_to_mfn(pfn);
    return 0;
}

uint32_t kmap_l1_mfn(void)
{
    return window_l1_mfn;
}

void *kmap_slot(unsigned slot, uint32_t mfn, int writable)
{
    uint32_t va = kmap_va(slot);
    uint32_t pte = mfn << 12 | PTE_P | PTE_A | (writable ? PTE_RW | PTE_D : 0);
    int rc = HYPERVISOR_update_va_mapping(va >> 12, pte, UVMF_INVLPG);

    if (rc)
        printk("kmap of frame %#x at %#x refused: %s\n", mfn, va, errno_name(rc));
    return rc ? 0 : (void *)va;
}

void kunmap_slot(unsigned slot)
{
    HYPERVISOR_update_va_mapping(kmap_va(slot) >> 12, 0, UVMF_INVLPG);
}
