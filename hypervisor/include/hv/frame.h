/*
 * The frame table: one entry per machine frame saying who owns it, how it is used and how
 * many references hold it (ABI §7), and the allocator over it.
 */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#include <stdint.h>

enum frame_type { FT_NONE = 0, FT_L1, FT_L2, FT_GDT, FT_LDT, FT_WRITABLE };

#define FF_RAM 0x01       /* usable RAM (from the firmware's memory map) */
#define FF_FREE 0x02      /* on no one's books: the allocator may hand it out */
#define FF_PINNED 0x04    /* a pin holds one type reference */
#define FF_VALIDATED 0x08 /* contents checked for the current type */
#define FF_HV_WRITES 0x10 /* the hypervisor writes it (shared_info): never a table */
/* The TLB rule (core/page_type.c): since tlbflush_stamp a TLB may still hold, for this frame, */
#define FF_TLB_WRITABLE 0x20 /* a writable mapping (its WRITABLE type was dropped) */
#define FF_TLB_L1 0x40       /* a walk through it as an L1 (its L1 type was dropped) */
#define FF_TLB_L2 0x80       /* a walk through it as an L2 (its L2 type was dropped) */
#define FF_TLB_STALE (FF_TLB_WRITABLE | FF_TLB_L1 | FF_TLB_L2)

#define OWNER_NONE 0xffffu /* free, firmware, or not RAM */
#define OWNER_HV 0xfffeu   /* the hypervisor's own heap */

struct frame_info {
    uint32_t count;          /* general references: mappings, pins, the hypervisor's own */
    uint32_t type_count;     /* references that need the frame to keep its type */
    uint16_t owner;          /* domain id, OWNER_HV or OWNER_NONE */
    uint8_t type;            /* enum frame_type */
    uint8_t flags;           /* FF_* */
    uint32_t tlbflush_stamp; /* tlbflush_clock when the type count last dropped to 0 */
};
#define FRAME_COUNT_MAX 0xffffffffu /* counts refuse to go past it */

/* A frame's owner, type and flags read as one word (they are adjacent, x86 is little-endian):
 * the hot paths of core/page_type.c compare several of them with one mask and one compare.
 * FRAME_TAG(owner, type, flags) is the word such a frame reads as. */
#define FRAME_TAG(owner, type, flags) \
    ((uint32_t)(owner) | (uint32_t)(type) << 16 | (uint32_t)(flags) << 24)
_Static_assert(__builtin_offsetof(struct frame_info, type) ==
                       __builtin_offsetof(struct frame_info, owner) + 2 &&
                   __builtin_offsetof(struct frame_info, flags) ==
                       __builtin_offsetof(struct frame_info, owner) + 3,
               "FRAME_TAG needs owner, type and flags adjacent in this order");
static inline uint32_t frame_tag(const struct frame_info *f)
{
    uint32_t tag;
    __builtin_memcpy(&tag, &f->owner, sizeof(tag));
    return tag;
}

struct mem_range {
    uint64_t start, end; /* machine addresses, end exclusive */
};

extern struct frame_info *frame_table;
extern uint32_t max_mfn; /* one past the highest RAM frame below 4 GB */

/*
 * Build the frame table: ram[] are the usable RAM ranges, reserved[] the ranges in use at
 * boot (hypervisor image, boot modules, low memory) or reserved by the firmware. RAM frames
 * are whole 4 KB frames inside a RAM range; a frame touching a reserved range is never free.
 * The table itself is placed in direct-mapped RAM outside every reserved range. Returns 0 or
 * -XEN_ENOMEM (no room for it).
 */
int frame_table_init(const struct mem_range *ram, unsigned nr_ram, const struct mem_range *reserved,
                     unsigned nr_reserved);

/* A zeroed frame for the hypervisor's own use, always direct-mapped. 0 = none left. */
uint32_t frame_alloc_hv(void);
/* n contiguous zeroed direct-mapped frames; returns the first MFN, 0 = none. */
uint32_t frame_alloc_hv_contig(uint32_t n);
/* A frame for a domain (not zeroed; the caller zeroes it). 0 = none left. */
uint32_t frame_alloc_domain(uint16_t dom);
void frame_free(uint32_t mfn);
/* Hand boot-reserved RAM (modules once copied) back to the allocator. */
void frame_release(uint64_t start, uint64_t end);
uint32_t frame_free_count(void);
/* Free frames below the direct-map limit: what the hypervisor's own allocations can use. */
uint32_t frame_free_low_count(void);
/* Size of the frame table for nr_frames frames (page-aligned). */
uint64_t frame_table_bytes(uint32_t nr_frames);

static inline int frame_owned_by(uint32_t mfn, uint16_t dom)
{
    return mfn < max_mfn && frame_table[mfn].owner == dom;
}

/* The frame is dom's and in use as type t (a validated table when t is FT_L1 or FT_L2). */
static inline int frame_is_table(uint32_t mfn, enum frame_type t, uint16_t dom)
{
    return frame_owned_by(mfn, dom) && frame_table[mfn].type == t && frame_table[mfn].type_count;
}

#endif
