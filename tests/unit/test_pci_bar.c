/* Unit tests for drivers/pci_bar.c: BAR values as QEMU's devices and real chipsets report them,
 * sized by the all-ones probe; unusable BARs (unimplemented, above 4 GB, legacy) refused. */
#include <stdint.h>

#include "harness.h"
#include "hv/pci.h"

TEST(io_bar)
{
    struct pci_bar b;
    /* virtio-net's legacy block: 32 ports at 0xc000; the probe reads back 0xffffffe1. */
    CHECK_EQ(pci_bar_decode(0xc001, 0xffffffe1u, 0, 0, &b), 0);
    CHECK_EQ(b.io, 1);
    CHECK_EQ(b.base, 0xc000u);
    CHECK_EQ(b.size, 0x20u);
    /* Upper 16 bits that read as 0 (a 16-bit decoder) size the same. */
    CHECK_EQ(pci_bar_decode(0xc001, 0x0000ffe1u, 0, 0, &b), 0);
    CHECK_EQ(b.size, 0x20u);
}

TEST(mem32_bar)
{
    struct pci_bar b;
    /* e1000: 128 KB of registers at 0xfebc0000. */
    CHECK_EQ(pci_bar_decode(0xfebc0000u, 0xfffe0000u, 0, 0, &b), 0);
    CHECK_EQ(b.io, 0);
    CHECK_EQ(b.is64, 0);
    CHECK_EQ(b.base, 0xfebc0000u);
    CHECK_EQ(b.size, 0x20000u);
    /* Prefetchable VGA framebuffer: 16 MB at 0xfd000000. */
    CHECK_EQ(pci_bar_decode(0xfd000008u, 0xff000008u, 0, 0, &b), 0);
    CHECK_EQ(b.prefetchable, 1);
    CHECK_EQ(b.size, 0x1000000u);
}

TEST(mem64_bar_below_4g)
{
    struct pci_bar b;
    /* virtio's modern BAR 4: 16 KB, 64-bit, prefetchable, placed at 0xfe000000. */
    CHECK_EQ(pci_bar_decode(0xfe00000cu, 0xffffc00cu, 0, 0xffffffffu, &b), 0);
    CHECK_EQ(b.is64, 1);
    CHECK_EQ(b.base, 0xfe000000u);
    CHECK_EQ(b.size, 0x4000u);
}

TEST(refusals)
{
    struct pci_bar b;
    CHECK_EQ(pci_bar_decode(0, 0, 0, 0, &b), -1);     /* unimplemented */
    CHECK_EQ(pci_bar_decode(0x1, 0x1, 0, 0, &b), -1); /* I/O, no size bits */
    CHECK_EQ(pci_bar_decode(0x0000000cu, 0xffffc00cu, 0x1, 0xffffffffu, &b), -1); /* above 4 GB */
    CHECK_EQ(pci_bar_decode(0x000d0002u, 0xfff00002u, 0, 0, &b), -1); /* legacy below-1MB type */
    CHECK_EQ(pci_bar_decode(0x00000000u, 0xfffe0000u, 0, 0, &b), -1); /* not placed */
    CHECK_EQ(pci_bar_decode(0xfff00000u, 0xffe00000u, 0, 0, &b), -1); /* would wrap past 4 GB */
}

RUN_TESTS(T(io_bar), T(mem32_bar), T(mem64_bar_below_4g), T(refusals))
