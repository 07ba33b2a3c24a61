/*
 * Copies between the hypervisor and guest virtual memory. The copy is one "rep movsb" whose
 * address is listed in the exception-fixup table: if it faults (unmapped, or a write to a
 * read-only page: CR0.WP holds in ring 0 too), the page-fault handler resumes at the fixup
 * label with ECX = bytes not copied.
 */
#include "hv/uaccess.h"
#include "hv/arch.h"
#include "x86.h"
#include <public/xen.h>

static size_t copy_with_fixup(void *dst, const void *src, size_t n)
{
    size_t words = n / 4, bytes = n % 4;
    /* Dwords first: a string instruction costs one step per element. If the first part
     * faults, the bytes are skipped and ECX (words left) says the copy fell short. */
    __asm__ volatile("1: rep movsl\n"
                     "   mov %3, %0\n"
                     "2: rep movsb\n"
                     "3:\n"
                     ".pushsection __ex_table, \"a\"\n"
                     ".long 1b, 3b, 2b, 3b\n"
                     ".popsection\n"
                     : "+c"(words), "+D"(dst), "+S"(src)
                     : "r"(bytes)
                     : "memory");
    return words;
}

HV_FASTCALL int copy_from_guest(void *dst, guest_va_t src, size_t n)
{
    if (!guest_range_readable(src, n))
        return -XEN_EFAULT;
    return copy_with_fixup(dst, (const void *)src, n) ? -XEN_EFAULT : 0;
}

HV_FASTCALL int copy_to_guest(guest_va_t dst, const void *src, size_t n)
{
    if (!guest_range_writable(dst, n))
        return -XEN_EFAULT;
    return copy_with_fixup((void *)dst, src, n) ? -XEN_EFAULT : 0;
}

/* Look up the PTE flags of va in the current address space (0 when not present), through the
 * linear page table (paging.c): the loaded L2's entry of va, then, where it is present, the L1
 * entry (a read needs no RW in the L2 entry). The answer only predicts: every access after it
 * is still a fault-fixed copy. */
static uint32_t lookup_pte(guest_va_t va)
{
    uint32_t l2e = arch_linear_l2e(va);
    if (!(l2e & PTE_P))
        return 0;
    uint32_t pte = *arch_linear_l1e(va);
    /* Effective rights are the intersection of both levels. */
    return (pte & PTE_P) ? (pte & (l2e | ~PTE_RW)) : 0;
}

int guest_range_mapped(guest_va_t va, size_t n, int write)
{
    if (!(write ? guest_range_writable(va, n) : guest_range_readable(va, n)))
        return 0;
    if (n == 0)
        return 1;
    for (uint32_t page = va & PTE_FRAME_MASK; page <= ((va + n - 1) & PTE_FRAME_MASK);
         page += 4096) {
        uint32_t pte = lookup_pte(page);
        if (!(pte & PTE_P) || (write && !(pte & PTE_RW)))
            return 0;
    }
    return 1;
}
