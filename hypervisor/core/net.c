/* Network devices registered by the drivers, and the safe-point poll that runs their work
 * (hv/net.h says why interrupt handlers may not do it themselves). */
#include "hv/console.h"
#include "hv/net.h"
#include "hv/netif.h"
#include "hv/pci.h"

#define NET_MAX_DEVICES 4

static struct net_dev *devices[NET_MAX_DEVICES];
static unsigned nr_devices;
volatile uint32_t net_work_pending;

void net_register(struct net_dev *n)
{
    if (nr_devices == NET_MAX_DEVICES)
        return;
    devices[nr_devices] = n;
    printk("(hv) net%u: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", nr_devices, n->name,
           n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5],
           n->link_up ? "up" : "down");
    nr_devices++;
    n->work = 1;
    net_work_pending = 1;
}

struct net_dev *net_device(unsigned i)
{
    return i < nr_devices ? devices[i] : 0;
}

void net_poll(void)
{
    if (!net_work_pending)
        return;
    net_work_pending = 0;
    for (unsigned i = 0; i < nr_devices; i++)
        if (devices[i]->work) {
            devices[i]->work = 0;
            devices[i]->ops->service(devices[i]);
        }
    netif_flush();
}

int net_rx_deliver(struct net_dev *n, const void *frame, uint32_t len)
{
    return netif_rx_frame(n, frame, len);
}

void net_link_changed(struct net_dev *n)
{
    n->stats.link_changes++;
    printk("(hv) %s: link %s\n", n->name, n->link_up ? "up" : "down");
    netif_link_event(n);
}

/* Offer every PCI function to each driver in turn; the first to take it keeps it. */
void net_init(void)
{
    pci_init();
    for (unsigned i = 0; i < pci_device_count(); i++) {
        struct pci_dev *p = pci_device(i);
        if (!virtio_net_probe(p))
            e1000_probe(p);
    }
    if (nr_devices == 0)
        printk("(hv) net: no supported network card\n");
}
