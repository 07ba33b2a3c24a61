/*
 * PCI configuration space: a scan of every bus (mechanism 1, through arch hooks), one boot log
 * line per function found, the BARs sized (decoding switched off meanwhile so a half-written
 * BAR never decodes), and the firmware's interrupt line kept: the hypervisor routes INTx through
 * the 8259 on the line the BIOS assigned (its PIRQ router and ELCR are already set up for it).
 */
#include "hv/console.h"
#include "hv/io.h"
#include "hv/pci.h"
#include "lib/format.h"

static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned nr_devices;

uint32_t pci_read(const struct pci_dev *p, unsigned off, unsigned width)
{
    uint32_t v = arch_pci_read32(p->bus, p->dev, p->fn, off & ~3u) >> ((off & 3) * 8);
    return width == 4 ? v : width == 2 ? (v & 0xffff) : (v & 0xff);
}

void pci_write(const struct pci_dev *p, unsigned off, unsigned width, uint32_t v)
{
    if (width != 4) {
        unsigned shift = (off & 3) * 8;
        uint32_t mask = (width == 2 ? 0xffffu : 0xffu) << shift;
        uint32_t old = arch_pci_read32(p->bus, p->dev, p->fn, off & ~3u);
        v = (old & ~mask) | ((v << shift) & mask);
    }
    arch_pci_write32(p->bus, p->dev, p->fn, off & ~3u, v);
}

void pci_enable(const struct pci_dev *p)
{
    uint32_t cmd = pci_read(p, PCI_COMMAND, 2);
    cmd |= PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER;
    pci_write(p, PCI_COMMAND, 2, cmd & ~(uint32_t)PCI_CMD_INTX_DISABLE);
    if (p->pin && arch_irq_set_level(p->irq))
        printk("pci %02x:%02x.%u: irq %u set to level triggering (INTx)\n", p->bus, p->dev, p->fn,
               p->irq);
}

static uint32_t probe_bar(const struct pci_dev *p, unsigned off)
{
    uint32_t old = pci_read(p, off, 4);
    pci_write(p, off, 4, 0xffffffffu);
    uint32_t probe = pci_read(p, off, 4);
    pci_write(p, off, 4, old);
    return probe;
}

static void read_bars(struct pci_dev *p)
{
    uint32_t cmd = pci_read(p, PCI_COMMAND, 2);
    pci_write(p, PCI_COMMAND, 2, cmd & ~(uint32_t)(PCI_CMD_IO | PCI_CMD_MEM));
    for (unsigned i = 0; i < 6; i++) {
        unsigned off = 0x10 + 4 * i;
        uint32_t v = pci_read(p, off, 4), probe = probe_bar(p, off), hi = 0, hi_probe = 0;
        int is64 = !(v & 1) && ((v >> 1) & 3) == 2 && i < 5;
        if (is64) {
            hi = pci_read(p, off + 4, 4);
            hi_probe = probe_bar(p, off + 4);
        }
        if (pci_bar_decode(v, probe, hi, hi_probe, &p->bar[i]))
            p->bar[i] = (struct pci_bar){0, 0, 0, 0, 0};
        if (is64)
            i++;
    }
    pci_write(p, PCI_COMMAND, 2, cmd);
}

static void log_device(const struct pci_dev *p)
{
    char bars[96];
    unsigned n = 0;
    bars[0] = 0;
    for (unsigned i = 0; i < 6 && n < sizeof(bars) - 32; i++)
        if (p->bar[i].size)
            n += (unsigned)snprintf(bars + n, sizeof(bars) - n, " bar%u=%s:%#x+%#x", i,
                                    p->bar[i].io ? "io" : "mem", p->bar[i].base, p->bar[i].size);
    if (p->pin)
        printk("pci %02x:%02x.%u %04x:%04x class %06x irq %u (INT%c, %s)%s\n", p->bus, p->dev,
               p->fn, p->vendor, p->device, p->class_rev >> 8, p->irq, 'A' + p->pin - 1,
               arch_irq_level_triggered(p->irq) ? "level" : "edge", bars);
    else
        printk("pci %02x:%02x.%u %04x:%04x class %06x%s\n", p->bus, p->dev, p->fn, p->vendor,
               p->device, p->class_rev >> 8, bars);
}

static void add_function(unsigned bus, unsigned dev, unsigned fn, uint32_t id)
{
    if (nr_devices == PCI_MAX_DEVICES) {
        printk("pci %02x:%02x.%u: more than %u functions, ignored\n", bus, dev, fn,
               PCI_MAX_DEVICES);
        return;
    }
    struct pci_dev *p = &devices[nr_devices++];
    *p = (struct pci_dev){.bus = (uint8_t)bus, .dev = (uint8_t)dev, .fn = (uint8_t)fn};
    p->vendor = id & 0xffff;
    p->device = id >> 16;
    p->class_rev = pci_read(p, 0x08, 4);
    uint32_t hdr = pci_read(p, 0x0e, 1) & 0x7f;
    if (hdr == 0) {
        read_bars(p);
        uint32_t intr = pci_read(p, 0x3c, 2);
        p->pin = (intr >> 8) & 0xff;
        p->irq = intr & 0xff;
        if (p->pin > 4 || p->irq > 15)
            p->pin = 0, p->irq = 0xff; /* no legacy line assigned */
    }
    log_device(p);
}

void pci_init(void)
{
    for (unsigned bus = 0; bus < 256; bus++)
        for (unsigned dev = 0; dev < 32; dev++) {
            uint32_t id = arch_pci_read32(bus, dev, 0, 0);
            if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
                continue;
            unsigned fns = (arch_pci_read32(bus, dev, 0, 0x0c) >> 16) & 0x80 ? 8 : 1;
            for (unsigned fn = 0; fn < fns; fn++) {
                uint32_t fid = fn ? arch_pci_read32(bus, dev, fn, 0) : id;
                if ((fid & 0xffff) != 0xffff && (fid & 0xffff) != 0)
                    add_function(bus, dev, fn, fid);
            }
        }
    printk("pci: %u functions\n", nr_devices);
}

unsigned pci_device_count(void)
{
    return nr_devices;
}

struct pci_dev *pci_device(unsigned i)
{
    return i < nr_devices ? &devices[i] : 0;
}
