/*
 * The network device interface between the NIC drivers (hypervisor/drivers/) and the netif
 * backend (core/netif.c). A driver owns its device's DMA memory (the hypervisor's own frames;
 * no guest frame is ever given to a device). Its interrupt handler only acknowledges the device
 * and latches work (net_irq_latch); the work itself runs at a safe point in net_poll, never
 * inside an interrupt, because interrupt windows are open in the middle of page-table
 * validation and the frame scan of hv_op, where frame types and counts must not change.
 */
#ifndef HV_NET_H
#define HV_NET_H

#include <stdint.h>
#include <public/netif.h>
#include <public/xen.h>

struct net_dev;
struct net_csum;

struct net_ops {
    /* The driver's own buffer for the next frame to send (NETIF_TX_MAX_LEN bytes), for the
     * backend to copy the guest's frame into; or 0 with *err = -XEN_EAGAIN when the device's
     * transmit ring is full, -XEN_EIO when the link is down or the device failed. Nothing is
     * queued by it: until tx_queue the same buffer is handed out again. */
    uint8_t *(*tx_buf)(struct net_dev *n, int *err);
    /* Queue the frame of len bytes written into tx_buf's buffer. With c (prepared by
     * net_csum_prepare), the card completes that TCP/UDP checksum: only kinds its csum_hw
     * names are passed. */
    void (*tx_queue)(struct net_dev *n, uint32_t len, const struct net_csum *c);
    /* Hand the frames queued by tx since the last commit to the device (one doorbell). */
    void (*tx_commit)(struct net_dev *n);
    /* Safe-point work: reclaim sent buffers, hand received frames to net_rx_deliver (stop
     * when it returns 0: no guest buffer, the frame stays with the device), follow the link,
     * recover from a device error. */
    void (*service)(struct net_dev *n);
    /* Reset the device and set it up again from scratch (rings emptied, MAC kept). */
    void (*reset)(struct net_dev *n);
    /* Has a received frame arrived that service has not taken? Memory only (the ring), no
     * device register: the idle loop asks it over and over while it polls. */
    int (*rx_ready)(struct net_dev *n);
};

struct net_dev {
    const struct net_ops *ops;
    void *priv;
    const char *name; /* "virtio-net", "e1000", "e1000e" */
    uint32_t model;   /* NETIF_MODEL_* */
    uint8_t mac[6];
    uint8_t link_up;
    uint8_t irq;            /* its interrupt line, for the unclaimed-interrupt count */
    uint8_t csum_hw;        /* NET_CSUM_HW_*: transmit checksums the card completes */
    volatile uint32_t work; /* latched by the interrupt handler, taken by net_poll */
    const char *reset_why;  /* a reset asked for (net_request_reset), done by net_poll */
    /* The frame at the head of the receive ring found no guest buffer (net_rx_deliver): the
     * idle loop's poll leaves the ring alone until a service delivers again (the guest's kick
     * with new buffers latches one; so does the card's next interrupt) or a reset empties it. */
    uint8_t rx_held;
    netif_dev_stats_t stats;
};

#define NET_CSUM_HW_TCP 1u /* TCP over IPv4 and IPv6 */

/* A driver registers its device once it is reset and running (the first becomes device 0). */
void net_register(struct net_dev *n);
struct net_dev *net_device(unsigned i);

extern volatile uint32_t net_work_pending;
/* From an interrupt handler: remember that n has work; no other state is touched. */
static inline void net_irq_latch(struct net_dev *n)
{
    n->work = 1;
    net_work_pending = 1;
}

/* At a safe point (return to the guest, the idle loop, a netif kick): service every device
 * with work latched. Cheap when there is none. */
void net_poll(void);
/* From the idle loop's poll: latch work for every device with a received frame in its ring,
 * interrupt or not (a moderated card holds its interrupt back); 1 if any. A ring whose head
 * frame waits for a guest buffer (rx_held) does not count: servicing it again takes nothing. */
int net_rx_waiting(void);

/* Called by a driver's service for each frame received: 1 = taken (copied to the guest, or
 * dropped because no guest is connected), 0 = no guest buffer now, keep it and stop. */
int net_rx_deliver(struct net_dev *n, const void *frame, uint32_t len);
/* Called by a driver (or the test hook nettest=reset) on a device error: net_poll resets the
 * device at the next safe point, counts it and logs why. */
void net_request_reset(struct net_dev *n, const char *why);
/* Called by a driver when the link state changed. */
void net_link_changed(struct net_dev *n);

/* Drivers' probe entry points (drivers/net_probe.c walks the PCI devices through them). */
struct pci_dev;
int virtio_net_probe(struct pci_dev *p);
int e1000_probe(struct pci_dev *p);
void net_init(void);

#endif
