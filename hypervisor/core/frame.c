/*
 * Frame table and allocator. The table is the single record of who owns each machine frame;
 * the allocator scans it for FF_FREE frames from a hint (allocation is mostly sequential at
 * boot, so scans are short). Frames below the direct-map limit are kept for the hypervisor
 * heap where possible; domains get frames from above it first.
 */
#include "hv/frame.h"
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/panic.h"
#include "lib/string.h"
#include <public/xen.h>

struct frame_info *frame_table;
uint32_t max_mfn;
static uint32_t nr_free;
static uint32_t low_limit; /* first MFN not direct-mapped */
static uint32_t hint_low, hint_high;

static int overlaps(uint64_t s, uint64_t e, const struct mem_range *r, unsigned n,
                    uint64_t *skip_to)
{
    for (unsigned i = 0; i < n; i++)
        if (s < r[i].end && r[i].start < e) {
            *skip_to = (r[i].end + 0xfff) & ~0xfffull;
            return 1;
        }
    return 0;
}

/* First page-aligned run of len bytes of direct-mapped RAM clear of every reserved range. */
static uint64_t place_table(uint64_t len, const struct mem_range *ram, unsigned nr_ram,
                            const struct mem_range *res, unsigned nr_res)
{
    uint64_t limit = (uint64_t)low_limit << 12;
    for (unsigned i = 0; i < nr_ram; i++) {
        uint64_t s = (ram[i].start + 0xfff) & ~0xfffull,
                 e = ram[i].end < limit ? ram[i].end : limit, skip;
        while (s + len <= e) {
            if (!overlaps(s, s + len, res, nr_res, &skip))
                return s;
            s = skip;
        }
    }
    return 0;
}

static void mark_range(uint64_t start, uint64_t end, int ram)
{
    uint64_t first = ram ? (start + 0xfff) >> 12 : start >> 12; /* RAM: whole frames only */
    uint64_t last = ram ? end >> 12 : (end + 0xfff) >> 12;
    if (last > max_mfn)
        last = max_mfn;
    for (uint64_t mfn = first; mfn < last; mfn++) {
        if (ram)
            frame_table[mfn].flags |= FF_RAM | FF_FREE;
        else
            frame_table[mfn].flags &= ~FF_FREE;
    }
}

int frame_table_init(const struct mem_range *ram, unsigned nr_ram, const struct mem_range *res,
                     unsigned nr_res)
{
    max_mfn = 0;
    for (unsigned i = 0; i < nr_ram; i++) {
        uint64_t end = ram[i].end > 0x100000000ull ? 0x100000000ull : ram[i].end;
        if (ram[i].start < end && (uint32_t)(end >> 12) > max_mfn)
            max_mfn = (uint32_t)(end >> 12);
    }
    low_limit = max_mfn;
    while (low_limit > 0 && !arch_is_directmapped(low_limit - 1))
        low_limit--;

    uint64_t len = frame_table_bytes(max_mfn);
    uint64_t at = place_table(len, ram, nr_ram, res, nr_res);
    if (at == 0)
        return -XEN_ENOMEM;
    frame_table = arch_directmap((uint32_t)(at >> 12));
    memset(frame_table, 0, (size_t)len);

    /* Every frame unowned; RAM ranges free; then reserved ranges (boot image, modules,
     * firmware) and the table itself taken out again. */
    for (uint32_t mfn = 0; mfn < max_mfn; mfn++)
        frame_table[mfn].owner = OWNER_NONE;
    for (unsigned i = 0; i < nr_ram; i++)
        mark_range(ram[i].start, ram[i].end, 1);
    for (unsigned i = 0; i < nr_res; i++)
        mark_range(res[i].start, res[i].end, 0);
    mark_range(at, at + len, 0);
    for (uint32_t mfn = (uint32_t)(at >> 12); mfn < (at + len) >> 12; mfn++) {
        frame_table[mfn].owner = OWNER_HV;
        frame_table[mfn].count = 1;
    }
    nr_free = 0;
    for (uint32_t mfn = 0; mfn < max_mfn; mfn++)
        nr_free += (frame_table[mfn].flags & FF_FREE) != 0;
    hint_low = 0;
    hint_high = low_limit;
    return 0;
}

uint64_t frame_table_bytes(uint32_t nr_frames)
{
    return ((uint64_t)nr_frames * sizeof(struct frame_info) + 0xfff) & ~0xfffull;
}

uint32_t frame_free_low_count(void)
{
    uint32_t n = 0;
    for (uint32_t mfn = 1; mfn < low_limit; mfn++)
        n += (frame_table[mfn].flags & FF_FREE) != 0;
    return n;
}

static uint32_t take(uint32_t mfn, uint16_t owner)
{
    struct frame_info *f = &frame_table[mfn];
    f->flags &= ~FF_FREE;
    f->owner = owner;
    f->count = owner == OWNER_HV ? 1 : 0;
    f->type = FT_NONE;
    f->type_count = 0;
    nr_free--;
    return mfn;
}

static uint32_t scan(uint32_t *hint, uint32_t from, uint32_t to)
{
    for (uint32_t mfn = *hint < from ? from : *hint; mfn < to; mfn++)
        if (frame_table[mfn].flags & FF_FREE) {
            *hint = mfn + 1;
            return mfn;
        }
    return 0;
}

uint32_t frame_alloc_hv(void)
{
    uint32_t mfn = scan(&hint_low, 1, low_limit);
    if (mfn == 0)
        return 0;
    take(mfn, OWNER_HV);
    memset(arch_directmap(mfn), 0, 4096);
    return mfn;
}

uint32_t frame_alloc_hv_contig(uint32_t n)
{
    uint32_t run = 0;
    for (uint32_t mfn = 1; mfn < low_limit && n > 0; mfn++) {
        run = (frame_table[mfn].flags & FF_FREE) ? run + 1 : 0;
        if (run == n) {
            uint32_t first = mfn + 1 - n;
            for (uint32_t m = first; m <= mfn; m++) {
                take(m, OWNER_HV);
                memset(arch_directmap(m), 0, 4096);
            }
            return first;
        }
    }
    return 0;
}

uint32_t frame_alloc_domain(uint16_t dom)
{
    uint32_t mfn = scan(&hint_high, low_limit, max_mfn);
    if (mfn == 0)
        mfn = scan(&hint_low, 1, low_limit);
    return mfn ? take(mfn, dom) : 0;
}

void frame_free(uint32_t mfn)
{
    struct frame_info *f = &frame_table[mfn];
    ASSERT(mfn < max_mfn && !(f->flags & FF_FREE) && (f->flags & FF_RAM));
    f->owner = OWNER_NONE;
    f->count = f->type_count = 0;
    f->type = FT_NONE;
    f->flags = FF_RAM | FF_FREE;
    nr_free++;
    if (mfn < low_limit && mfn < hint_low)
        hint_low = mfn;
    if (mfn >= low_limit && mfn < hint_high)
        hint_high = mfn;
}

void frame_release(uint64_t start, uint64_t end)
{
    for (uint64_t a = (start + 0xfff) & ~0xfffull; a + 4096 <= end && (a >> 12) < max_mfn;
         a += 4096) {
        struct frame_info *f = &frame_table[a >> 12];
        if ((f->flags & (FF_RAM | FF_FREE)) == FF_RAM && f->owner == OWNER_NONE)
            frame_free((uint32_t)(a >> 12));
    }
}

uint32_t frame_free_count(void)
{
    return nr_free;
}
