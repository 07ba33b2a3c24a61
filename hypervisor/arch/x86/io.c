/* Device access hooks (hv/io.h): port I/O, PCI configuration mechanism 1, MMIO mappings. */
#include "hv/arch.h"
#include "hv/io.h"
#include "x86.h"

uint8_t arch_io_in8(uint16_t port)
{
    return inb(port);
}
uint16_t arch_io_in16(uint16_t port)
{
    return inw(port);
}
uint32_t arch_io_in32(uint16_t port)
{
    return inl(port);
}
void arch_io_out8(uint16_t port, uint8_t v)
{
    outb(port, v);
}
void arch_io_out16(uint16_t port, uint16_t v)
{
    outw(port, v);
}
void arch_io_out32(uint16_t port, uint32_t v)
{
    outl(port, v);
}

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc

static uint32_t pci_address(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
    return 0x80000000u | (bus & 0xff) << 16 | (dev & 31) << 11 | (fn & 7) << 8 | (off & 0xfc);
}

uint32_t arch_pci_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
    outl(PCI_CONFIG_ADDRESS, pci_address(bus, dev, fn, off));
    return inl(PCI_CONFIG_DATA);
}

void arch_pci_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v)
{
    outl(PCI_CONFIG_ADDRESS, pci_address(bus, dev, fn, off));
    outl(PCI_CONFIG_DATA, v);
}

/* The vmap area's pages are mapped with caching on; QEMU's emulated devices do not care, and
 * the MTRRs the firmware set make the PCI hole uncached on real hardware. */
void *arch_map_mmio(uint32_t maddr, uint32_t len)
{
    return arch_vmap(maddr, len);
}
