/* x86 segment descriptors: encoding, decoding, and the checks on guest-supplied descriptors (ABI
 * §1). Paging cannot keep ring 1 out of ring-0 memory, so segment limits do: every guest code/data
 * segment must end at or below GUEST_SEGMENT_END, and no gate may lead anywhere but guest code. */
#include <stdint.h>

#include "desc.h"
#include "public/xen.h"

#define HI_ACCESS_SHIFT 8
#define HI_P (1u << 15)
#define HI_S (1u << 12)
#define HI_G (1u << 23)
#define HI_DB (1u << 22) /* D/B: 32-bit code, or a 32-bit stack pointer for SS */
#define HI_LIMIT_MASK 0x000f0000u
#define TYPE_CODE 0x8u
#define TYPE_DATA_EXPDOWN 0x4u /* data segments only: bit 2 is "expand down" */
#define TYPE_DATA_WRITABLE 0x2u
#define TYPE_CALL_GATE32 0xcu
/* A G=1 segment based here or above cannot end at or below GUEST_SEGMENT_END. */
#define GUEST_BASE_LIMIT (GUEST_SEGMENT_END - XEN_PAGE_SIZE)

struct desc desc_make(uint32_t base, uint32_t limit20, uint8_t access, uint8_t flags)
{
    struct desc d;
    d.lo = (limit20 & 0xffffu) | (base << 16);
    d.hi = ((base >> 16) & 0xffu) | ((uint32_t)access << HI_ACCESS_SHIFT) |
           (limit20 & HI_LIMIT_MASK) | ((uint32_t)(flags & 0xfu) << 20) | (base & 0xff000000u);
    return d;
}

uint32_t desc_base(struct desc d)
{
    return (d.lo >> 16) | ((d.hi & 0xffu) << 16) | (d.hi & 0xff000000u);
}

static uint32_t desc_limit20(struct desc d)
{
    return (d.lo & 0xffffu) | (d.hi & HI_LIMIT_MASK);
}

static struct desc desc_set_limit20(struct desc d, uint32_t limit20)
{
    d.lo = (d.lo & 0xffff0000u) | (limit20 & 0xffffu);
    d.hi = (d.hi & ~HI_LIMIT_MASK) | (limit20 & HI_LIMIT_MASK);
    return d;
}

uint32_t desc_limit_bytes(struct desc d)
{
    uint32_t raw = desc_limit20(d);
    return (d.hi & HI_G) ? (raw << 12) | 0xfffu : raw;
}

int sel_is_guest_code(uint16_t sel)
{
    uint16_t index = sel >> 3;

    if ((sel & 3u) != 1)
        return 0;
    if (sel == FLAT_RING1_CS || (sel & 4u)) /* LDT selectors: the LDT is checked entry by entry */
        return 1;
    /* [ours] the null selector is refused too: loading it into CS can only fault later. */
    return index != 0 && (index < FIRST_RESERVED_GDT_ENTRY || index > LAST_RESERVED_GDT_ENTRY);
}

static int refuse(const char **why, const char *reason)
{
    *why = reason;
    return -XEN_EPERM;
}

int desc_check_guest(struct desc *d, const char **why)
{
    uint32_t type = (d->hi >> HI_ACCESS_SHIFT) & 0xfu;
    uint32_t dpl = (d->hi >> 13) & 3u;

    if (!(d->hi & HI_P))
        return 0; /* the CPU never loads it */
    if (dpl == 0)
        return refuse(why, "descriptor with DPL 0");

    if (!(d->hi & HI_S)) {
        if (type != TYPE_CALL_GATE32)
            return refuse(why, "system descriptor other than a 32-bit call gate");
        if (!sel_is_guest_code((uint16_t)(d->lo >> 16)))
            return refuse(why, "call gate to a selector that is not guest code");
        return 0;
    }

    if (!(type & TYPE_CODE) && (type & TYPE_DATA_EXPDOWN))
        return refuse(why, "expand-down data segment");
    /* [ours] An iret to a 16-bit stack segment loads only SP, leaving the hypervisor's own
     * ESP[31:16] in the guest's ESP. Only a writable data segment can be a stack, and for an
     * expand-up one B matters for nothing else, so B = 0 is refused there. */
    if (!(type & TYPE_CODE) && (type & TYPE_DATA_WRITABLE) && !(d->hi & HI_DB))
        return refuse(why, "16-bit stack segment (writable data with B = 0)");
    uint32_t base = desc_base(*d);
    if (base >= GUEST_BASE_LIMIT)
        return refuse(why, "segment base in the hypervisor hole (>= 0xFC3FF000)");

    /* Segment end (exclusive) in 64 bits: base + limit + 1 can pass 4 GB. */
    uint64_t end = (uint64_t)base + desc_limit_bytes(*d) + 1;
    if (end > GUEST_SEGMENT_END) {
        uint32_t room = GUEST_SEGMENT_END - base; /* > 4 KB, see GUEST_BASE_LIMIT */
        uint32_t limit20 = (d->hi & HI_G) ? (room >> 12) - 1 : room - 1;
        *d = desc_set_limit20(*d, limit20);
    }
    return 0;
}
