/* The guest's own GDT (ABI §1, §8): built in one page, remapped read-only (a GDT frame may not
 * be writable anywhere), handed to set_gdt, then every segment register reloaded from it. */
#include <pv/console.h>
#include <arch/x86/gdt.h>
#include <pv/mmu.h>
#include <lib/errno_names.h>

static uint8_t gdt_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
static volatile struct gdt_desc *const gdt = (volatile struct gdt_desc *)gdt_page;
static uint32_t frames[1];

struct gdt_desc gdt_make(uint32_t base, uint32_t limit20, uint32_t access, uint32_t flags)
{
    struct gdt_desc d;

    d.lo = (limit20 & 0xffffu) | base << 16;
    d.hi = ((base >> 16) & 0xffu) | (access & 0xffu) << 8 | (limit20 & 0xf0000u) |
           (flags & 0xfu) << 20 | (base & 0xff000000u);
    return d;
}

uint32_t gdt_limit20(struct gdt_desc d)
{
    return (d.lo & 0xffffu) | (d.hi & 0xf0000u);
}

uint32_t gdt_frame(void)
{
    return frames[0];
}

uint32_t gdt_maddr(unsigned entry)
{
    return frames[0] << XEN_PAGE_SHIFT | entry * 8u;
}

struct gdt_desc gdt_read(unsigned entry)
{
    struct gdt_desc d = {gdt[entry].lo, gdt[entry].hi};
    return d;
}

static void gdt_set(unsigned e, struct gdt_desc d)
{
    gdt[e].lo = d.lo;
    gdt[e].hi = d.hi;
}

int gdt_init(const start_info_t *si)
{
    const uint32_t *p2m = (const uint32_t *)si->mfn_list;
    uint32_t va = (uint32_t)gdt_page;
    int rc;

    frames[0] = p2m[(va - GUEST_VIRT_START) >> XEN_PAGE_SHIFT];
    gdt_set(GDT_KERNEL_CS >> 3, gdt_make(0, DESC_LIMIT_FLAT, DESC_CODE(1), DESC_G_D));
    gdt_set(GDT_KERNEL_DS >> 3, gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(1), DESC_G_D));
    gdt_set(GDT_USER_CS >> 3, gdt_make(0, DESC_LIMIT_FLAT, DESC_CODE(3), DESC_G_D));
    gdt_set(GDT_USER_DS >> 3, gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(3), DESC_G_D));
    gdt_set(GDT_SCRATCH, gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(3), DESC_G_D));

    rc = HYPERVISOR_update_va_mapping(va >> XEN_PAGE_SHIFT,
                                      frames[0] << XEN_PAGE_SHIFT | PTE_P | PTE_A, UVMF_INVLPG);
    if (rc == 0)
        rc = HYPERVISOR_set_gdt(frames, GDT_ENTRIES);
    if (rc) {
        printk("error: cannot install the guest GDT (frame %#x): %s\n", frames[0], errno_name(rc));
        return rc;
    }
    __asm__ volatile("mov %0, %%ds\n\t"
                     "mov %0, %%es\n\t"
                     "mov %0, %%fs\n\t"
                     "mov %0, %%gs\n\t"
                     "mov %0, %%ss\n\t"
                     "pushl %1\n\t"
                     "pushl $1f\n\t"
                     "lret\n"
                     "1:"
                     :
                     : "r"(GDT_KERNEL_DS), "i"(GDT_KERNEL_CS)
                     : "memory");
    printk("guest GDT at %#x (frame %#x), cs %#x ds %#x\n", va, frames[0], GDT_KERNEL_CS,
           GDT_KERNEL_DS);
    return 0;
}
