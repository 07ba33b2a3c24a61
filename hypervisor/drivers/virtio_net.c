/*
 * virtio-net over legacy (transitional) PCI: I/O BAR 0, split virtqueues, queue 0 receives and
 * queue 1 transmits. Every buffer the device sees is the hypervisor's own: NR_BUF receive
 * buffers stay posted, and a transmit copies the guest's frame into one of NR_BUF transmit
 * buffers behind a 10-byte virtio-net header (no offloads negotiated). Transmit completions are
 * reclaimed lazily, so the transmit queue asks for no interrupts. A device that sets
 * NEEDS_RESET (or fails to come back) is reset and set up again from scratch.
 */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/frame.h"
#include "hv/io.h"
#include "hv/net.h"
#include "hv/pci.h"
#include "lib/string.h"

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_NET_LEGACY 0x1000

/* Legacy register block. */
#define VIO_HOST_FEATURES 0x00
#define VIO_GUEST_FEATURES 0x04
#define VIO_QUEUE_PFN 0x08
#define VIO_QUEUE_NUM 0x0c
#define VIO_QUEUE_SEL 0x0e
#define VIO_QUEUE_NOTIFY 0x10
#define VIO_STATUS 0x12
#define VIO_ISR 0x13
#define VIO_NET_MAC 0x14
#define VIO_NET_STATUS 0x1a

#define ST_ACK 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_NEEDS_RESET 64
#define ST_FAILED 128

#define F_MAC (1u << 5)
#define F_STATUS (1u << 16)
#define F_ANY_LAYOUT (1u << 27)
#define NET_S_LINK_UP 1

#define ISR_QUEUE 1
#define ISR_CONFIG 2

#define VRING_DESC_F_WRITE 2
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

#define NR_BUF 128
#define BUF_SIZE 2048
#define HDR_LEN 10 /* struct virtio_net_hdr without mergeable buffers */
#define QMAX 256

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct vring_avail {
    uint16_t flags, idx, ring[];
};
struct vring_used_elem {
    uint32_t id, len;
};
struct vring_used {
    uint16_t flags, idx;
    struct vring_used_elem ring[];
};

struct vq {
    uint16_t num, index;
    struct vring_desc *desc;
    volatile struct vring_avail *avail;
    volatile struct vring_used *used;
    uint32_t ring_mfn;  /* first frame of the ring (3 contiguous for 256 entries) */
    uint16_t last_used; /* next used entry to look at */
    uint16_t avail_idx; /* our copy of avail->idx */
    uint8_t *buf;       /* NR_BUF * BUF_SIZE, direct-mapped */
    uint32_t buf_maddr;
    uint16_t free[NR_BUF]; /* tx: free buffer ids */
    unsigned nr_free;
};

struct vnet {
    struct net_dev net;
    struct pci_dev *pci;
    uint16_t io;
    uint32_t features;
    struct vq rx, tx;
    volatile uint32_t isr; /* causes latched by the interrupt handler */
};

static struct vnet vnet0;

static uint32_t vring_bytes(unsigned num)
{
    uint32_t avail_end = 16 * num + 6 + 2 * num;
    return ((avail_end + 4095) & ~4095u) + 6 + 8 * num;
}

static int vq_alloc(struct vq *q, unsigned num)
{
    uint32_t pages = (vring_bytes(num) + 4095) / 4096;
    q->ring_mfn = frame_alloc_hv_contig(pages);
    uint32_t buf_mfn = frame_alloc_hv_contig(NR_BUF * BUF_SIZE / 4096);
    if (!q->ring_mfn || !buf_mfn)
        return -1;
    q->buf = arch_directmap(buf_mfn);
    q->buf_maddr = buf_mfn << 12;
    return 0;
}

/* (Re)initialise queue q in the device: empty rings, then the buffers. */
static void vq_setup(struct vnet *v, struct vq *q, unsigned index, int receive)
{
    uint8_t *base = arch_directmap(q->ring_mfn);
    memset(base, 0, (vring_bytes(q->num) + 4095) & ~4095u);
    q->index = (uint16_t)index;
    q->desc = (struct vring_desc *)base;
    q->avail = (volatile struct vring_avail *)(base + 16 * q->num);
    q->used =
        (volatile struct vring_used *)(base + ((16 * q->num + 6 + 2 * q->num + 4095) & ~4095u));
    q->last_used = q->avail_idx = 0;
    q->nr_free = 0;
    for (unsigned i = 0; i < NR_BUF; i++) {
        q->desc[i].addr = q->buf_maddr + i * BUF_SIZE;
        q->desc[i].len = BUF_SIZE;
        q->desc[i].flags = receive ? VRING_DESC_F_WRITE : 0;
        if (receive)
            q->avail->ring[q->avail_idx++ % q->num] = (uint16_t)i;
        else
            q->free[q->nr_free++] = (uint16_t)i;
    }
    if (!receive)
        q->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
    dma_wmb();
    q->avail->idx = q->avail_idx;
    arch_io_out16(v->io + VIO_QUEUE_SEL, (uint16_t)index);
    arch_io_out32(v->io + VIO_QUEUE_PFN, q->ring_mfn);
}

static void vq_notify(struct vnet *v, struct vq *q)
{
    dma_wmb();
    q->avail->idx = q->avail_idx;
    dma_rmb();
    if (!(q->used->flags & VRING_USED_F_NO_NOTIFY))
        arch_io_out16(v->io + VIO_QUEUE_NOTIFY, q->index);
}

static void read_link(struct vnet *v)
{
    uint8_t up =
        !(v->features & F_STATUS) || (arch_io_in16(v->io + VIO_NET_STATUS) & NET_S_LINK_UP);
    if (up != v->net.link_up) {
        v->net.link_up = up;
        net_link_changed(&v->net);
    }
}

/* Reset and bring the device up: 0, or -1 when it refuses. */
static int vnet_start(struct vnet *v)
{
    arch_io_out8(v->io + VIO_STATUS, 0);
    arch_io_out8(v->io + VIO_STATUS, ST_ACK);
    arch_io_out8(v->io + VIO_STATUS, ST_ACK | ST_DRIVER);
    v->features = arch_io_in32(v->io + VIO_HOST_FEATURES) & (F_MAC | F_STATUS | F_ANY_LAYOUT);
    arch_io_out32(v->io + VIO_GUEST_FEATURES, v->features);
    vq_setup(v, &v->rx, 0, 1);
    vq_setup(v, &v->tx, 1, 0);
    arch_io_out8(v->io + VIO_STATUS, ST_ACK | ST_DRIVER | ST_DRIVER_OK);
    arch_io_out16(v->io + VIO_QUEUE_NOTIFY, 0); /* the receive buffers */
    return arch_io_in8(v->io + VIO_STATUS) & ST_FAILED ? -1 : 0;
}

static int vnet_irq(void *ctx)
{
    struct vnet *v = ctx;
    uint8_t isr = arch_io_in8(v->io + VIO_ISR); /* reading acknowledges and drops the line */
    if (!isr)
        return 0;
    v->isr |= isr;
    v->net.stats.interrupts++;
    net_irq_latch(&v->net);
    return 1;
}

static void tx_reclaim(struct vq *q)
{
    while (q->last_used != q->used->idx) {
        dma_rmb();
        uint32_t id = q->used->ring[q->last_used % q->num].id;
        q->last_used++;
        if (id < NR_BUF && q->nr_free < NR_BUF)
            q->free[q->nr_free++] = (uint16_t)id;
    }
    if (q->nr_free)
        q->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
}

/* The frame goes after the header in the buffer on top of the free stack, taken at tx_queue. */
static uint8_t *vnet_tx_buf(struct net_dev *n, int *err)
{
    struct vnet *v = n->priv;
    struct vq *q = &v->tx;
    if (!n->link_up)
        return *err = -XEN_EIO, (uint8_t *)0;
    if (q->nr_free == 0)
        tx_reclaim(q);
    if (q->nr_free == 0) {
        q->avail->flags = 0; /* an interrupt when the device frees some */
        return *err = -XEN_EAGAIN, (uint8_t *)0;
    }
    return q->buf + q->free[q->nr_free - 1] * BUF_SIZE + HDR_LEN;
}

static void vnet_tx_queue(struct net_dev *n, uint32_t len, const struct net_csum *c)
{
    struct vnet *v = n->priv;
    struct vq *q = &v->tx;
    (void)c; /* no offload negotiated: csum_hw is 0, so the backend completed every checksum */
    uint16_t id = q->free[--q->nr_free];
    memset(q->buf + id * BUF_SIZE, 0, HDR_LEN);
    q->desc[id].len = HDR_LEN + len;
    q->avail->ring[q->avail_idx++ % q->num] = id;
}

static void vnet_tx_commit(struct net_dev *n)
{
    struct vnet *v = n->priv;
    if (v->tx.avail_idx != v->tx.avail->idx)
        vq_notify(v, &v->tx);
}

static void rx_service(struct vnet *v)
{
    struct vq *q = &v->rx;
    int reposted = 0;
    while (q->last_used != q->used->idx) {
        dma_rmb();
        struct vring_used_elem e = q->used->ring[q->last_used % q->num];
        if (e.id < NR_BUF && e.len > HDR_LEN && e.len <= BUF_SIZE) {
            if (!net_rx_deliver(&v->net, q->buf + e.id * BUF_SIZE + HDR_LEN, e.len - HDR_LEN))
                break; /* no guest buffer: the frame waits with the device */
        } else {
            v->net.stats.rx_errors++;
        }
        q->last_used++;
        if (e.id < NR_BUF) {
            q->avail->ring[q->avail_idx++ % q->num] = (uint16_t)e.id;
            reposted = 1;
        }
    }
    if (reposted)
        vq_notify(v, q);
}

static void vnet_service(struct net_dev *n)
{
    struct vnet *v = n->priv;
    uint32_t isr = v->isr;
    v->isr = 0;
    if (arch_io_in8(v->io + VIO_STATUS) & (ST_NEEDS_RESET | ST_FAILED)) {
        net_request_reset(n, "device status NEEDS_RESET or FAILED");
        return;
    }
    if (isr & ISR_CONFIG)
        read_link(v);
    rx_service(v);
    tx_reclaim(&v->tx);
}

static void vnet_reset(struct net_dev *n)
{
    if (vnet_start(n->priv))
        printk("virtio-net: the device did not come back\n");
}

static int vnet_rx_ready(struct net_dev *n)
{
    struct vnet *v = n->priv;
    return v->rx.last_used != v->rx.used->idx;
}

static const struct net_ops vnet_ops = {vnet_tx_buf,  vnet_tx_queue, vnet_tx_commit,
                                        vnet_service, vnet_reset,    vnet_rx_ready};

int virtio_net_probe(struct pci_dev *p)
{
    struct vnet *v = &vnet0;
    if (p->vendor != VIRTIO_VENDOR || p->device != VIRTIO_NET_LEGACY || v->pci)
        return 0;
    if (!p->bar[0].io || p->bar[0].size < 0x20 || p->irq > 15) {
        printk("virtio-net: no legacy I/O BAR or no interrupt line; not used\n");
        return 0;
    }
    v->pci = p;
    v->io = (uint16_t)p->bar[0].base;
    pci_enable(p);
    arch_io_out8(v->io + VIO_STATUS, 0);
    for (unsigned i = 0; i < 2; i++) {
        struct vq *q = i ? &v->tx : &v->rx;
        arch_io_out16(v->io + VIO_QUEUE_SEL, (uint16_t)i);
        q->num = arch_io_in16(v->io + VIO_QUEUE_NUM);
        if (q->num < NR_BUF || q->num > QMAX || (q->num & (q->num - 1)) || vq_alloc(q, q->num)) {
            printk("virtio-net: queue %u of %u entries unusable (or no memory)\n", i, q->num);
            v->pci = 0;
            return 0;
        }
    }
    v->net = (struct net_dev){.ops = &vnet_ops,
                              .priv = v,
                              .name = "virtio-net",
                              .model = NETIF_MODEL_VIRTIO_NET,
                              .irq = p->irq};
    if (vnet_start(v)) {
        printk("virtio-net: the device failed to start\n");
        v->pci = 0;
        return 0;
    }
    for (unsigned i = 0; i < 6; i++)
        v->net.mac[i] = (v->features & F_MAC) ? arch_io_in8(v->io + VIO_NET_MAC + i) : 0;
    v->net.link_up =
        !(v->features & F_STATUS) || (arch_io_in16(v->io + VIO_NET_STATUS) & NET_S_LINK_UP);
    if (arch_irq_attach(p->irq, vnet_irq, v)) {
        printk("virtio-net: cannot attach to irq %u\n", p->irq);
        arch_io_out8(v->io + VIO_STATUS, 0);
        v->pci = 0;
        return 0;
    }
    net_register(&v->net);
    return 1;
}
