/*
 * Device access for drivers (hypervisor/drivers/): port I/O, PCI configuration space, mapping
 * device registers, and attaching to an interrupt line. arch/x86 implements them; drivers and
 * core code see only these hooks.
 */
#ifndef HV_IO_H
#define HV_IO_H

#include <stdint.h>
#include <asm/barrier.h> /* dma_wmb, dma_rmb */

uint8_t arch_io_in8(uint16_t port);
uint16_t arch_io_in16(uint16_t port);
uint32_t arch_io_in32(uint16_t port);
void arch_io_out8(uint16_t port, uint8_t v);
void arch_io_out16(uint16_t port, uint16_t v);
void arch_io_out32(uint16_t port, uint32_t v);

/* PCI configuration space, mechanism 1 (ports 0xcf8/0xcfc); off is dword-aligned. A read of an
 * absent function returns 0xffffffff. */
uint32_t arch_pci_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off);
void arch_pci_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v);

/* Device registers at machine address maddr, mapped uncached into the hypervisor's own window;
 * 0 when the window is full or the range is not below 4 GB. */
void *arch_map_mmio(uint32_t maddr, uint32_t len);

/* Memory-mapped register access: exactly one access of the given width. */
static inline uint32_t mmio_read32(const volatile void *base, uint32_t off)
{
    return *(const volatile uint32_t *)((const volatile uint8_t *)base + off);
}
static inline void mmio_write32(volatile void *base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)((volatile uint8_t *)base + off) = v;
}

/*
 * Interrupt lines (the 8259's 0-15). A handler runs with interrupts off, possibly in the middle
 * of a hypercall (interrupt windows are open inside long validations): it may only read and
 * acknowledge its device and latch work for later; it returns 1 when the interrupt was its
 * device's. Several handlers may share a line; an interrupt none of them claims is counted as
 * spurious. Attaching unmasks the line. 0 or -XEN_ENOSPC / -XEN_EINVAL.
 */
typedef int irq_handler_fn(void *ctx);
int arch_irq_attach(unsigned line, irq_handler_fn *fn, void *ctx);
int arch_irq_level_triggered(unsigned line); /* the chipset's ELCR bit for the line */
/* PCI INTx is level-triggered: set the line's ELCR bit where the firmware left it edge (OVMF
 * does); 1 when it changed. Never for lines 0-2, 8 and 13. */
int arch_irq_set_level(unsigned line);
uint32_t arch_irq_unclaimed(unsigned line); /* interrupts on the line no handler claimed */

#endif
