/* Network devices registered by the drivers, and the safe-point poll that runs their work
 * (hv/net.h says why interrupt handlers may not do it themselves). */
#include "hv/console.h"
#include "hv/net.h"
#include "hv/netif.h"
#include "hv/options.h"
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
    printk("net%u: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s%s\n", nr_devices, n->name,
           n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5],
           n->link_up ? "up" : "down",
           nr_devices ? " (not offered to the guest: only net0 is)" : "");
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
    for (unsigned i = 0; i < nr_devices; i++) {
        struct net_dev *n = devices[i];
        if (!n->work)
            continue;
        n->work = 0;
        if (n->reset_why) {
            printk("%s: %s: resetting\n", n->name, n->reset_why);
            n->reset_why = 0;
            n->stats.resets++;
            n->rx_held = 0; /* the rings start empty */
            n->ops->reset(n);
        }
        n->ops->service(n);
    }
    netif_flush();
}

int net_rx_waiting(void)
{
    int any = 0;
    for (unsigned i = 0; i < nr_devices; i++) {
        struct net_dev *n = devices[i];
        if (!n->rx_held && n->ops->rx_ready(n)) {
            net_irq_latch(n);
            any = 1;
        }
    }
    return any;
}

void net_request_reset(struct net_dev *n, const char *why)
{
    n->reset_why = why;
    n->work = 1;
    net_work_pending = 1;
}

int net_rx_deliver(struct net_dev *n, const void *frame, uint32_t len)
{
    int taken = netif_rx_frame(n, frame, len);
    n->rx_held = !taken;
    static int test_reset_done;
    if (taken && hv_opts.net_test_reset && !test_reset_done) {
        test_reset_done = 1;
        net_request_reset(n, "nettest=reset after the first frame received");
    }
    return taken;
}

void net_link_changed(struct net_dev *n)
{
    n->stats.link_changes++;
    printk("%s: link %s\n", n->name, n->link_up ? "up" : "down");
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
        printk("net: no supported network card\n");
}
