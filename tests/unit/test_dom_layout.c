/* Unit tests for core/dom_layout.c: exact addresses for a typical guest, the L1 count at 4 MB
 * boundaries (including the fixed point where the page tables themselves cross one), and refusals.
 */
#include <stdint.h>

#include "harness.h"
#include "hv/dom_layout.h"
#include "public/xen.h"

TEST(typical_guest)
{
    struct dom_layout l;
    const char *why = NULL;
    /* 100000 bytes of module = 0x186a0, 16384 pages -> 64 KB of P2M. */
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC0123456, 100000, 16384, &l, &why), 0);
    CHECK_EQ(l.v_start, 0xC0000000u);
    CHECK_EQ(l.kernel_end, 0xC0124000u);
    CHECK_EQ(l.mod_start, 0xC0124000u);
    CHECK_EQ(l.mod_len, 100000u);
    CHECK_EQ(l.p2m_start, 0xC013D000u);
    CHECK_EQ(l.p2m_len, 0x10000u);
    CHECK_EQ(l.pt_start, 0xC014D000u);
    CHECK_EQ(l.nr_pt_frames, 2u);
    CHECK_EQ(l.si_start, 0xC014F000u);
    CHECK_EQ(l.stack_start, 0xC0150000u);
    CHECK_EQ(l.v_end, 0xC0151000u);
    CHECK_EQ(l.nr_boot_pages, 0x151u);
}

TEST(no_module)
{
    struct dom_layout l;
    const char *why = NULL;
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC0010000, 0, 1024, &l, &why), 0);
    CHECK_EQ(l.mod_start, 0u);
    CHECK_EQ(l.mod_len, 0u);
    CHECK_EQ(l.kernel_end, 0xC0010000u);
    CHECK_EQ(l.p2m_start, 0xC0010000u);
    CHECK_EQ(l.pt_start, 0xC0011000u);
    CHECK_EQ(l.v_end, 0xC0015000u);
}

TEST(region_crossing_4mb_needs_two_l1s)
{
    struct dom_layout l;
    const char *why = NULL;
    /* 2048 pages: P2M at 0xC03FD000 (2 pages), L2 at 0xC03FF000: L1, start_info and stack spill
     * past 4 MB. */
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC03FD000, 0, 2048, &l, &why), 0);
    CHECK_EQ(l.pt_start, 0xC03FF000u);
    CHECK_EQ(l.nr_pt_frames, 3u);
    CHECK_EQ(l.si_start, 0xC0402000u);
    CHECK_EQ(l.v_end, 0xC0404000u);
}

TEST(fixed_point_at_boundary)
{
    struct dom_layout l;
    const char *why = NULL;
    /* L2 at 0xC03FC000: L2, one L1, start_info, stack end exactly at 0xC0400000 -> one L1. */
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC03FA000, 0, 2048, &l, &why), 0);
    CHECK_EQ(l.pt_start, 0xC03FC000u);
    CHECK_EQ(l.nr_pt_frames, 2u);
    CHECK_EQ(l.v_end, 0xC0400000u);
    /* One page later, the single L1 itself pushes the stack over: a second L1 is needed. */
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC03FB000, 0, 2048, &l, &why), 0);
    CHECK_EQ(l.pt_start, 0xC03FD000u);
    CHECK_EQ(l.nr_pt_frames, 3u);
    CHECK_EQ(l.v_end, 0xC0402000u);
}

TEST(large_guest_many_l1s)
{
    struct dom_layout l;
    const char *why = NULL;
    /* 12 MB of kernel from an unaligned 4 MB slot: touches 4 regions. */
    CHECK_EQ(dom_layout_compute(0xC0200000, 0xC0E00000, 0, 65536, &l, &why), 0);
    CHECK_EQ(l.p2m_len, 0x40000u);
    CHECK_EQ(l.pt_start, 0xC0E40000u);
    CHECK_EQ(l.nr_pt_frames, 5u);
    CHECK_EQ(l.v_end, 0xC0E47000u);
    CHECK_EQ(l.nr_boot_pages, (0xC0E47000u - 0xC0200000u) / 4096);
}

TEST(memory_too_small)
{
    struct dom_layout l;
    const char *why = NULL;
    /* With 256 pages the P2M shrinks to one page, but 0x142 pages are still needed. */
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC0123456, 100000, 0x100, &l, &why), -XEN_ENOMEM);
    CHECK_STR(why, "guest memory too small for the bootstrap region");
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC0000000, 0, 0, &l, &why), -XEN_ENOMEM);
    /* Kernel, P2M, L2, L1, start_info, stack: 6 pages. 5 is one short, 6 is exactly enough. */
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC0001000, 0, 5, &l, &why), -XEN_ENOMEM);
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC0001000, 0, 6, &l, &why), 0);
    CHECK_EQ(l.nr_boot_pages, 6u);
}

TEST(hypervisor_hole_refused)
{
    struct dom_layout l;
    const char *why = NULL;
    CHECK_EQ(dom_layout_compute(0xFBFF0000, 0xFBFFC000, 0, 1024, &l, &why), -XEN_EINVAL);
    CHECK_STR(why, "bootstrap region reaches the hypervisor hole (>= 0xFC000000)");
    /* Ending exactly at the hole is fine. */
    CHECK_EQ(dom_layout_compute(0xFBFF0000, 0xFBFFB000, 0, 1024, &l, &why), 0);
    CHECK_EQ(l.v_end, 0xFC000000u);
}

TEST(wrap_refused)
{
    struct dom_layout l;
    const char *why = NULL;
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xC0001000, 0xFFFFFFFFu, 1024, &l, &why), -XEN_EINVAL);
    CHECK_STR(why, "bootstrap region wraps around the 4 GB address space");
    CHECK_EQ(dom_layout_compute(0x00001000, 0x00002000, 0, 0xFFFFFFFFu, &l, &why), -XEN_EINVAL);
    CHECK_STR(why, "bootstrap region wraps around the 4 GB address space");
    CHECK_EQ(dom_layout_compute(0xC0000000, 0xFFFFFFFFu, 0, 1024, &l, &why), -XEN_EINVAL);
}

TEST(bad_arguments)
{
    struct dom_layout l;
    const char *why = NULL;
    CHECK_EQ(dom_layout_compute(0xC0000800, 0xC0010000, 0, 1024, &l, &why), -XEN_EINVAL);
    CHECK_STR(why, "v_start not page aligned");
    CHECK_EQ(dom_layout_compute(0xC0010000, 0xC0000000, 0, 1024, &l, &why), -XEN_EINVAL);
    CHECK_STR(why, "kernel ends below v_start");
}

/* The smallest guest is exactly one whose bootstrap region fits, one page less does not. */
TEST(min_pages_is_the_smallest_that_fits)
{
    struct dom_layout l;
    const char *why = NULL;
    const uint32_t kends[] = {0xC0001000, 0xC0123456, 0xC03FD000, 0xC0FFF000};
    const uint32_t mods[] = {0, 100000, 1236992, 40u << 20};
    for (unsigned k = 0; k < 4; k++)
        for (unsigned m = 0; m < 4; m++) {
            uint32_t n = dom_layout_min_pages(0xC0000000, kends[k], mods[m]);
            CHECK(n > 0);
            CHECK_EQ(dom_layout_compute(0xC0000000, kends[k], mods[m], n, &l, &why), 0);
            CHECK_EQ(l.nr_boot_pages, n);
            CHECK_EQ(dom_layout_compute(0xC0000000, kends[k], mods[m], n - 1, &l, &why),
                     -XEN_ENOMEM);
        }
    CHECK_EQ(dom_layout_min_pages(0xC0001000, 0xC0000000, 0), 0u);
}

TEST(directmap_pages)
{
    CHECK_EQ(dom_directmap_pages(0xC0000000), 245760u); /* 960 MB */
    CHECK_EQ(dom_directmap_pages(0x80000000), 507904u);
    CHECK_EQ(dom_directmap_pages(0xFBFFF000), 1u);
    CHECK_EQ(dom_directmap_pages(0xFC000000), 0u);
    CHECK_EQ(dom_directmap_pages(0xFFFFF000), 0u);
}

/* n pages cost n frames, ceil(n / 1024) frames of P2M and shared_info; the reserve stays. */
TEST(pages_fitting_accounts_p2m_first)
{
    CHECK_EQ(dom_pages_fitting(0, 256), 0u);
    CHECK_EQ(dom_pages_fitting(257, 256), 0u);
    CHECK_EQ(dom_pages_fitting(259, 256), 1u); /* 1 page + 1 P2M frame + shared_info */
    const uint32_t frees[] = {300, 1024, 1281, 1282, 15486, 260286, 521406, 782526, 1048575};
    for (unsigned i = 0; i < sizeof(frees) / sizeof(frees[0]); i++) {
        uint32_t f = frees[i], n = dom_pages_fitting(f, 256);
        CHECK(n + (n + 1023) / 1024 + 1 + 256 <= f);
        uint32_t m = n + 1;
        CHECK(m + (m + 1023) / 1024 + 1 + 256 > f);
    }
}

RUN_TESTS(T(min_pages_is_the_smallest_that_fits), T(directmap_pages),
          T(pages_fitting_accounts_p2m_first), T(typical_guest), T(no_module),
          T(region_crossing_4mb_needs_two_l1s), T(fixed_point_at_boundary), T(large_guest_many_l1s),
          T(memory_too_small), T(hypervisor_hole_refused), T(wrap_refused), T(bad_arguments))
