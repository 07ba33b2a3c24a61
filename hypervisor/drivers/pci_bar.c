/* BAR decoding (hv/pci.h): pure logic, shared with the host unit tests. */
#include "hv/pci.h"

int pci_bar_decode(uint32_t value, uint32_t probe, uint32_t hi, uint32_t hi_probe,
                   struct pci_bar *out)
{
    *out = (struct pci_bar){0, 0, 0, 0, 0};
    if (value & 1) { /* I/O: bits 31-2 are the address (the top 16 read as 0 or 1) */
        uint32_t mask = probe & 0xfffffffcu & 0xffffu;
        if (mask == 0)
            return -1;
        out->io = 1;
        out->base = value & 0xfffcu;
        out->size = (~mask + 1) & 0xffffu;
        return out->size && out->base ? 0 : -1;
    }
    unsigned type = (value >> 1) & 3;
    uint32_t mask = probe & 0xfffffff0u;
    out->prefetchable = (value >> 3) & 1;
    out->is64 = type == 2;
    if (type == 2 && hi != 0)
        return -1;  /* placed above 4 GB */
    (void)hi_probe; /* a 64-bit BAR is only usable below 4 GB: its size fits the low half */
    if (mask == 0)
        return -1;
    if (type == 1 || type == 3)
        return -1; /* below-1MB (legacy) and reserved encodings */
    out->base = value & 0xfffffff0u;
    out->size = ~mask + 1;
    if (out->size == 0 || out->base == 0 || (uint64_t)out->base + out->size > 0x100000000ull)
        return -1;
    return 0;
}
