/* PCI devices as the hypervisor's drivers see them: found by a scan of configuration space,
 * their BARs decoded, their INTx line the one the firmware assigned (drivers/pci.c). */
#ifndef HV_PCI_H
#define HV_PCI_H

#include <stdint.h>

#define PCI_MAX_DEVICES 32

struct pci_bar {
    uint32_t base; /* I/O port or machine address; 0 = absent */
    uint32_t size;
    uint8_t io;   /* 1 = I/O space */
    uint8_t is64; /* a 64-bit memory BAR (takes the next slot too) */
    uint8_t prefetchable;
};

struct pci_dev {
    uint8_t bus, dev, fn;
    uint8_t irq; /* interrupt line register: 0-15, 0xff = none */
    uint8_t pin; /* 1-4 = INTA-INTD, 0 = none */
    uint16_t vendor, device;
    uint32_t class_rev; /* class << 8 | revision */
    struct pci_bar bar[6];
};

/*
 * Decode one BAR from its value and the value read back after writing all ones (the sizing
 * probe); hi and hi_probe are the next BAR's for a 64-bit memory BAR. Returns 0, or -1 when the
 * BAR is unimplemented or above 4 GB (unusable without PAE). Pure logic, unit-tested.
 */
int pci_bar_decode(uint32_t value, uint32_t probe, uint32_t hi, uint32_t hi_probe,
                   struct pci_bar *out);

/* Scan every bus, log one line per function, fill the device list; drivers then probe. */
void pci_init(void);
unsigned pci_device_count(void);
struct pci_dev *pci_device(unsigned i);

uint32_t pci_read(const struct pci_dev *p, unsigned off, unsigned width); /* 1, 2 or 4 bytes */
void pci_write(const struct pci_dev *p, unsigned off, unsigned width, uint32_t v);
/* Turn on I/O and memory decoding and bus mastering; leave INTx enabled. */
void pci_enable(const struct pci_dev *p);

#define PCI_COMMAND 0x04
#define PCI_CMD_IO 0x1
#define PCI_CMD_MEM 0x2
#define PCI_CMD_MASTER 0x4
#define PCI_CMD_INTX_DISABLE 0x400

#endif
