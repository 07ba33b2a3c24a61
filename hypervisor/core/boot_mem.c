/* The loader's memory map, entry by entry, into the RAM and reserved lists of struct
 * boot_info. Pure logic (the unit tests compile it for the host). */
#include "hv/boot_info.h"

static void add(struct mem_range *r, unsigned *n, unsigned max, uint64_t start, uint64_t end,
                unsigned *dropped)
{
    if (start >= end)
        return;
    if (*n < max)
        r[(*n)++] = (struct mem_range){start, end};
    else
        (*dropped)++;
}

void boot_info_add_range(struct boot_info *bi, uint64_t start, uint64_t len, uint32_t type)
{
    uint64_t end = start + len < start ? ~0ull : start + len; /* a wrapping length: to the top */

    if (type != 1) {
        add(bi->reserved, &bi->nr_reserved, BOOT_MAX_RESERVED, start, end, &bi->ranges_dropped);
        return;
    }
    if (end > BOOT_RAM_LIMIT) {
        uint64_t from = start > BOOT_RAM_LIMIT ? start : BOOT_RAM_LIMIT;
        bi->ram_above_4g += end - from;
        end = BOOT_RAM_LIMIT;
    }
    add(bi->ram, &bi->nr_ram, BOOT_MAX_RAM, start, end, &bi->ranges_dropped);
}
