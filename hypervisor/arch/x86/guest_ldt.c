/*
 * The guest's LDT (MMUEXT_SET_LDT, ABI §7): the frames behind the guest virtual range take
 * type LDT (so the guest can no longer map them writable), every descriptor is checked, and
 * they are mapped at LDT_VIRT_START, which the hypervisor's LDT descriptor (entry 265) points at.
 */
#include "desc.h"
#include "internal.h"
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/page_type.h"
#include "layout.h"
#include "x86.h"
#include <public/xen.h>

#define LDT_MAX_ENTRIES 8192u

static uint32_t ldt_mfns[LDT_MAX_FRAMES];
static unsigned ldt_frames;

int arch_validate_ldt_frame(uint32_t mfn, const char **why)
{
    struct desc *p = arch_map_frame(mfn);
    int err = 0;
    for (unsigned e = 0; e < 512 && !err; e++)
        err = desc_check_guest(&p[e], why);
    arch_unmap_frame(p);
    return err;
}

/* The machine frame behind guest va in the current address space, 0 if not mapped. */
static uint32_t frame_at(const struct domain *d, uint32_t va)
{
    uint32_t l2e = x86_read_l2e(d->l2_mfn, va >> 22);
    if (!(l2e & PTE_P))
        return 0;
    uint32_t *l1 = arch_map_frame(l2e >> 12);
    uint32_t pte = l1[(va >> 12) & 1023];
    arch_unmap_frame(l1);
    return (pte & PTE_P) ? pte >> 12 : 0;
}

int arch_set_ldt(struct domain *d, uint32_t va, uint32_t entries, const char **why)
{
    uint32_t mfns[LDT_MAX_FRAMES];
    unsigned n = (entries * 8 + 4095) / 4096;

    if (entries > LDT_MAX_ENTRIES || (va & 0xfff) || va >= HYPERVISOR_VIRT_START ||
        va + n * 4096 > HYPERVISOR_VIRT_START) {
        *why = "LDT not page aligned, too large or not below the hypervisor";
        return -XEN_EINVAL;
    }
    for (unsigned i = 0; i < n; i++) {
        mfns[i] = frame_at(d, va + i * 4096);
        int err = mfns[i] ? get_page_and_type(mfns[i], FT_LDT, d->id, why) : -XEN_EINVAL;
        if (!mfns[i])
            *why = "LDT page not mapped";
        if (err) {
            while (i-- > 0)
                put_page_and_type(mfns[i]);
            return err;
        }
    }
    for (unsigned i = 0; i < ldt_frames; i++)
        put_page_and_type(ldt_mfns[i]);
    for (unsigned i = 0; i < LDT_MAX_FRAMES; i++) {
        ldt_mfns[i] = i < n ? mfns[i] : 0;
        x86_map_window_page(LDT_VIRT_START + (i << 12), ldt_mfns[i]);
    }
    ldt_frames = n;
    if (n == 0) {
        __asm__ volatile("lldt %w0" ::"r"(0));
        return 0;
    }
    x86_set_reserved_gdt_entry(HV_LDT_ENTRY,
                               desc_make(LDT_VIRT_START, entries * 8 - 1, DESC_P | 0x2, 0));
    __asm__ volatile("lldt %w0" ::"r"(HV_LDT_SEL));
    return 0;
}
