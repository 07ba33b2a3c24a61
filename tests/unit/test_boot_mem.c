/* Unit tests for core/boot_mem.c: the loader's memory map into RAM below 4 GB and reserved
 * ranges; what lies above 4 GB is counted and left out, a range crossing 4 GB is cut. */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "hv/boot_info.h"

static struct boot_info bi;

TEST(qemu_8g_map)
{
    memset(&bi, 0, sizeof(bi));
    boot_info_add_range(&bi, 0, 0x9fc00, 1);
    boot_info_add_range(&bi, 0x9fc00, 0x400, 2);
    boot_info_add_range(&bi, 0xf0000, 0x10000, 2);
    boot_info_add_range(&bi, 0x100000, 0xbfee0000 - 0x100000, 1);
    boot_info_add_range(&bi, 0xfffc0000, 0x40000, 2);
    boot_info_add_range(&bi, 0x100000000ull, 5ull << 30, 1);
    CHECK_EQ(bi.nr_ram, 2u);
    CHECK_EQ(bi.ram[1].start, 0x100000ull);
    CHECK_EQ(bi.ram[1].end, 0xbfee0000ull);
    CHECK_EQ(bi.nr_reserved, 3u);
    CHECK_EQ(bi.reserved[2].start, 0xfffc0000ull);
    CHECK_EQ(bi.ram_above_4g, 5ull << 30);
    CHECK_EQ(bi.ranges_dropped, 0u);
}

TEST(range_across_4g_is_cut)
{
    memset(&bi, 0, sizeof(bi));
    boot_info_add_range(&bi, 0xc0000000, 0x80000000, 1);
    CHECK_EQ(bi.nr_ram, 1u);
    CHECK_EQ(bi.ram[0].end, 0x100000000ull);
    CHECK_EQ(bi.ram_above_4g, 0x40000000ull);
}

TEST(empty_and_wrapping_entries)
{
    memset(&bi, 0, sizeof(bi));
    boot_info_add_range(&bi, 0x100000, 0, 1);
    CHECK_EQ(bi.nr_ram, 0u);
    boot_info_add_range(&bi, 0xfffffffffffff000ull, 0x2000, 1); /* wraps: to the top, all above */
    CHECK_EQ(bi.nr_ram, 0u);
    CHECK_EQ(bi.ram_above_4g, 0xfffull); /* end saturates at 2^64 - 1 */
    boot_info_add_range(&bi, 0x1000, 0xffffffffffffffffull, 2);
    CHECK_EQ(bi.nr_reserved, 1u);
    CHECK_EQ(bi.reserved[0].end, ~0ull);
}

TEST(table_overflow_counted)
{
    memset(&bi, 0, sizeof(bi));
    for (unsigned i = 0; i < BOOT_MAX_RAM + 3; i++)
        boot_info_add_range(&bi, (uint64_t)i << 20, 0x1000, 1);
    for (unsigned i = 0; i < BOOT_MAX_RESERVED + 2; i++)
        boot_info_add_range(&bi, (uint64_t)i << 20, 0x1000, 2);
    CHECK_EQ(bi.nr_ram, (unsigned)BOOT_MAX_RAM);
    CHECK_EQ(bi.nr_reserved, (unsigned)BOOT_MAX_RESERVED);
    CHECK_EQ(bi.ranges_dropped, 5u);
}

RUN_TESTS(T(qemu_8g_map), T(range_across_4g_is_cut), T(empty_and_wrapping_entries),
          T(table_overflow_counted))
