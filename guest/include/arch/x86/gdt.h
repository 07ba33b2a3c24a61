/* The guest's own GDT (ABI §1, §8): one read-only page of descriptors below entry 256, with the
 * hypervisor's reserved entries 256-295 filled in by set_gdt. */
#ifndef GUEST_GDT_H
#define GUEST_GDT_H

/* Our entries; selectors carry the RPL of the ring that uses them. */
#define GDT_KERNEL_CS 0x09 /* entry 1, ring-1 code */
#define GDT_KERNEL_DS 0x11 /* entry 2, ring-1 data and stack */
#define GDT_USER_CS 0x1b   /* entry 3, ring-3 code */
#define GDT_USER_DS 0x23   /* entry 4, ring-3 data */
#define GDT_TLS_FIRST 6    /* entries 6-8: set_thread_area slots, as Linux i386 numbers them */
#define GDT_SPARE 10       /* free for the refusal tests */
#define GDT_SCRATCH 11     /* the failsafe test's segment (selector 0x5b) */
#define GDT_ENTRIES 512    /* one frame */

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <pv/hypercall.h>

struct gdt_desc {
    uint32_t lo, hi;
};

/* Access byte: present, DPL, S=1, and the type (accessed bit set: the GDT is read-only). */
#define DESC_CODE(dpl) (0x80u | (dpl) << 5 | 0x10u | 0xbu)
#define DESC_DATA(dpl) (0x80u | (dpl) << 5 | 0x10u | 0x3u)
#define DESC_G_D 0xcu /* 4 KB granularity, 32-bit */
#define DESC_LIMIT_FLAT 0xfc3ffu

struct gdt_desc gdt_make(uint32_t base, uint32_t limit20, uint32_t access, uint32_t flags);
uint32_t gdt_limit20(struct gdt_desc d);
int gdt_init(const start_info_t *si);     /* 0 or the errno of set_gdt */
uint32_t gdt_maddr(unsigned entry);       /* machine address of an entry, for update_descriptor */
struct gdt_desc gdt_read(unsigned entry); /* through the read-only mapping */
uint32_t gdt_frame(void);                 /* the GDT's machine frame */

static inline int HYPERVISOR_update_descriptor(uint32_t maddr, struct gdt_desc d)
{
    return hypercall3(__HYPERVISOR_update_descriptor, maddr, d.lo, d.hi);
}
static inline int HYPERVISOR_set_gdt(const uint32_t *frames, uint32_t entries)
{
    return hypercall3(__HYPERVISOR_set_gdt, (uint32_t)frames, entries, 0);
}
#endif

#endif
