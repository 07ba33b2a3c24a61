/*
 * Intel e1000 family: the 82540EM (QEMU's e1000, VirtualBox), 82545EM (VMware's e1000), 82544GC
 * and the 82574L (QEMU's e1000e, VMware's e1000e), which share the legacy register set and
 * descriptor formats used here. Memory BAR 0 is mapped into the hypervisor's window; one ring of
 * NR_DESC descriptors each way, every buffer the hypervisor's own (guest frames are copied in and
 * out by the netif backend). A frame is sent with a legacy descriptor, or, when the card is to
 * complete its TCP checksum, with an extended data descriptor (POPTS.TXSM) after the context
 * descriptor that says where the checksum goes; the context stays in the card until another
 * replaces it, so one is written only when the offsets change (Linux's e1000 driver keeps it the
 * same way). The interrupt handler reads and clears ICR and latches the causes; everything
 * else runs at a safe point in e1000_service, which the idle loop also runs for a frame it finds
 * in the receive ring before the (moderated) interrupt comes.
 * Interrupts are moderated by ITR, and transmit-done interrupts are off unless a frame waits for
 * room (IMS_USED says why); a transmit ring that stops moving for a second, or a device that reads
 * all ones, is reset and set up again.
 */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/frame.h"
#include "hv/io.h"
#include "hv/net.h"
#include "hv/net_csum.h"
#include "hv/pci.h"
#include "hv/time.h"
#include "lib/string.h"

#define INTEL 0x8086
#define DEV_82544GC 0x100c /* QEMU's e1000-82544gc */
#define DEV_82540EM 0x100e /* QEMU's e1000, VirtualBox's PRO/1000 MT Desktop */
#define DEV_82545EM 0x100f /* VMware's e1000, QEMU's e1000-82545em */
#define DEV_82574L 0x10d3

#define CTRL 0x0000
#define STATUS 0x0008
#define ICR 0x00c0
#define ITR 0x00c4
#define IMS 0x00d0
#define IMC 0x00d8
#define RCTL 0x0100
#define TCTL 0x0400
#define TIPG 0x0410
#define RDBAL 0x2800
#define RDBAH 0x2804
#define RDLEN 0x2808
#define RDH 0x2810
#define RDT 0x2818
#define RDTR 0x2820
#define TDBAL 0x3800
#define TDBAH 0x3804
#define TDLEN 0x3808
#define TDH 0x3810
#define TDT 0x3818
#define MPC 0x4010
#define MTA 0x5200
#define RAL0 0x5400
#define RAH0 0x5404

#define CTRL_SLU (1u << 6)
#define CTRL_RST (1u << 26)
#define STATUS_LU (1u << 1)
#define RCTL_EN (1u << 1)
#define RCTL_MPE (1u << 4) /* every multicast frame: IPv6 neighbour discovery needs them */
#define RCTL_BAM (1u << 15)
#define RCTL_SECRC (1u << 26) /* BSIZE 00: 2048-byte buffers */
#define TCTL_EN (1u << 1)
#define TCTL_PSP (1u << 3)
#define TCTL_CT (0x10u << 4)
#define TCTL_COLD (0x40u << 12)
#define ICR_TXDW 0x01
#define ICR_LSC 0x04
#define ICR_RXSEQ 0x08
#define ICR_RXDMT0 0x10
#define ICR_RXO 0x40
#define ICR_RXT0 0x80
/* Transmit-done (TXDW) is not among them: sent descriptors are reclaimed lazily (when the ring
 * fills, and at every service), and TXDW is unmasked only while a frame waits for room. Each
 * interrupt opens the card's moderation window (ITR; QEMU's model holds every further interrupt
 * for at least 500 x 256 ns = 128 us), so a TXDW for every reply held back the next request's
 * receive interrupt: request/response ran at half virtio-net's rate. */
#define IMS_USED (ICR_LSC | ICR_RXSEQ | ICR_RXDMT0 | ICR_RXO | ICR_RXT0)

#define RXD_DD 0x01
#define RXD_EOP 0x02
#define TXD_EOP 0x01
#define TXD_IFCS 0x02
#define TXD_RS 0x08
#define TXD_DEXT 0x20
#define TXD_DD 0x01
#define TXD_DTYP_DATA 0x10 /* cso_dtyp of an extended data descriptor */
#define TXD_POPTS_TXSM 0x02
#define CTX_TUCMD_TCP (1u << 24)
#define CTX_TUCMD_IP (1u << 25) /* IPv4 */
#define CTX_TUCMD_RS (1u << 27)
#define CTX_TUCMD_DEXT (1u << 29)

#define NR_DESC 128 /* a multiple of 8; 16-byte descriptors: one page per ring */
#define BUF_SIZE 2048
#define ITR_8000_PER_S 488 /* interval in 256 ns units: at most about 8000 interrupts a second */
#define TX_STALL_NS 1000000000ull

struct rx_desc {
    uint64_t addr;
    uint16_t length, csum;
    uint8_t status, errors;
    uint16_t special;
};
/* Legacy transmit descriptor, and the extended data descriptor (cmd has TXD_DEXT). */
struct tx_desc {
    uint64_t addr;
    uint16_t length;
    uint8_t cso_dtyp; /* legacy: checksum offset (unused); extended: DTYP in bits 4-7 */
    uint8_t cmd, status;
    uint8_t css_popts; /* legacy: checksum start (unused); extended: POPTS */
    uint16_t special;
};
/* Context descriptor (DEXT, DTYP 0): where the checksums of the data descriptors after it go. */
struct ctx_desc {
    uint8_t ipcss, ipcso;
    uint16_t ipcse;
    uint8_t tucss, tucso; /* TCP/UDP checksum start and the field's offset */
    uint16_t tucse;       /* last byte summed; 0: to the frame's end */
    uint32_t cmd_len;     /* TCP payload length (TSO only), DTYP, TUCMD in bits 24-31 */
    uint8_t status, hdr_len;
    uint16_t mss;
};
_Static_assert(sizeof(struct tx_desc) == 16 && sizeof(struct ctx_desc) == 16, "descriptor sizes");
_Static_assert(__builtin_offsetof(struct ctx_desc, status) ==
                   __builtin_offsetof(struct tx_desc, status),
               "the card writes DD at the same place in both");

struct e1000 {
    struct net_dev net;
    struct pci_dev *pci;
    volatile uint8_t *regs;
    volatile struct rx_desc *rxd;
    volatile struct tx_desc *txd;
    uint32_t rxd_maddr, txd_maddr;
    uint8_t *rx_buf, *tx_buf;
    uint32_t rx_buf_maddr, tx_buf_maddr;
    uint32_t rx_next;          /* next descriptor the device will fill */
    uint32_t tx_tail, tx_head; /* descriptors [tx_head, tx_tail) are the device's */
    uint64_t tx_progress_ns;   /* when tx_head last moved (or the ring became busy) */
    volatile uint32_t icr;     /* causes latched by the interrupt handler */
    int txdw_on;               /* TXDW unmasked: a frame waits for room in the ring */
    uint32_t ctx_key;          /* the card's checksum context (ctx_key()), 0 after a reset */
};

static struct e1000 nic0;

static uint32_t rd(struct e1000 *e, uint32_t off)
{
    return mmio_read32(e->regs, off);
}
static void wr(struct e1000 *e, uint32_t off, uint32_t v)
{
    mmio_write32(e->regs, off, v);
}

static void read_mac(struct e1000 *e)
{
    uint32_t lo = rd(e, RAL0), hi = rd(e, RAH0);
    for (unsigned i = 0; i < 4; i++)
        e->net.mac[i] = (uint8_t)(lo >> (8 * i));
    e->net.mac[4] = (uint8_t)hi;
    e->net.mac[5] = (uint8_t)(hi >> 8);
}

/* Reset and program the device; rings and buffers are (re)initialised, the MAC kept. */
static void e1000_start(struct e1000 *e)
{
    wr(e, IMC, 0xffffffffu);
    wr(e, CTRL, rd(e, CTRL) | CTRL_RST);
    arch_delay_ms(1);
    for (unsigned i = 0; i < 1000 && (rd(e, CTRL) & CTRL_RST); i++)
        arch_delay_ms(1);
    wr(e, IMC, 0xffffffffu);
    (void)rd(e, ICR);
    wr(e, CTRL, rd(e, CTRL) | CTRL_SLU);
    if (e->net.mac[0] | e->net.mac[1] | e->net.mac[2] | e->net.mac[3] | e->net.mac[4] |
        e->net.mac[5]) {
        const uint8_t *m = e->net.mac;
        wr(e, RAL0, (uint32_t)m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24);
        wr(e, RAH0, (uint32_t)m[4] | m[5] << 8 | 1u << 31);
    }
    for (unsigned i = 0; i < 128; i++)
        wr(e, MTA + 4 * i, 0);

    memset((void *)e->rxd, 0, 4096);
    for (unsigned i = 0; i < NR_DESC; i++)
        e->rxd[i].addr = e->rx_buf_maddr + i * BUF_SIZE;
    wr(e, RDBAL, e->rxd_maddr);
    wr(e, RDBAH, 0);
    wr(e, RDLEN, NR_DESC * sizeof(struct rx_desc));
    wr(e, RDH, 0);
    wr(e, RDT, NR_DESC - 1);
    wr(e, RDTR, 0);
    e->rx_next = 0;
    /* The guest has no way to name the multicast groups it joins (the netif ABI carries none),
     * so the card takes them all, as virtio-net does by default; without them IPv6 has neither
     * router advertisements (SLAAC) nor neighbour solicitations. */
    wr(e, RCTL, RCTL_EN | RCTL_BAM | RCTL_MPE | RCTL_SECRC);

    memset((void *)e->txd, 0, 4096);
    wr(e, TDBAL, e->txd_maddr);
    wr(e, TDBAH, 0);
    wr(e, TDLEN, NR_DESC * sizeof(struct tx_desc));
    wr(e, TDH, 0);
    wr(e, TDT, 0);
    e->tx_head = e->tx_tail = 0;
    e->ctx_key = 0;
    wr(e, TIPG, 10 | 8 << 10 | 6 << 20);
    wr(e, TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);

    wr(e, ITR, ITR_8000_PER_S);
    wr(e, IMS, IMS_USED);
    e->txdw_on = 0;
    e->net.link_up = (rd(e, STATUS) & STATUS_LU) != 0;
}

static int e1000_irq(void *ctx)
{
    struct e1000 *e = ctx;
    uint32_t icr = rd(e, ICR);
    if (icr == 0 || icr == 0xffffffffu)
        return 0;
    if (e->net.model == NETIF_MODEL_E1000E)
        wr(e, ICR, icr); /* the 82574 clears by writing ones; the others cleared on read */
    e->icr |= icr;
    e->net.stats.interrupts++;
    net_irq_latch(&e->net);
    return 1;
}

static void tx_reclaim(struct e1000 *e)
{
    while (e->tx_head != e->tx_tail && (e->txd[e->tx_head].status & TXD_DD)) {
        e->tx_head = (e->tx_head + 1) % NR_DESC;
        e->tx_progress_ns = arch_now_ns();
    }
}

/* Descriptors the driver may still fill (one is always left empty: head == tail is empty). */
static uint32_t tx_room(const struct e1000 *e)
{
    return (e->tx_head + NR_DESC - e->tx_tail - 1) % NR_DESC;
}

/* A frame may take two descriptors (a context, then the data), so a buffer is handed out only
 * while two are free. It is the first one's buffer; when a context takes that descriptor, the
 * data descriptor after it points back to it. The two free descriptors also mean that the data
 * descriptor which last pointed at that buffer (one place on) has been reclaimed. */
static uint8_t *e1000_tx_buf(struct net_dev *n, int *err)
{
    struct e1000 *e = n->priv;
    if (!n->link_up)
        return *err = -XEN_EIO, (uint8_t *)0;
    if (tx_room(e) < 2)
        tx_reclaim(e);
    if (tx_room(e) < 2) {
        if (arch_now_ns() - e->tx_progress_ns > TX_STALL_NS)
            net_irq_latch(n); /* let the service see the stall and reset */
        if (!e->txdw_on) {
            e->txdw_on = 1;
            wr(e, IMS, ICR_TXDW); /* an interrupt when the card has sent some */
        }
        return *err = -XEN_EAGAIN, (uint8_t *)0;
    }
    return e->tx_buf + e->tx_tail * BUF_SIZE;
}

/* The context a frame needs, as one number (never 0: tucso > tucss). */
static uint32_t ctx_key(const struct net_csum *c)
{
    return (uint32_t)c->start | (uint32_t)c->field << 8 | (uint32_t)c->ipv4 << 16;
}

static void e1000_tx_queue(struct net_dev *n, uint32_t len, const struct net_csum *c)
{
    struct e1000 *e = n->priv;
    uint32_t i = e->tx_tail, buf = e->tx_buf_maddr + i * BUF_SIZE;
    if (e->tx_head == e->tx_tail)
        e->tx_progress_ns = arch_now_ns();
    if (c && ctx_key(c) != e->ctx_key) {
        volatile struct ctx_desc *x = (volatile struct ctx_desc *)&e->txd[i];
        x->ipcss = x->ipcso = 0;
        x->ipcse = 0;
        x->tucss = (uint8_t)c->start;
        x->tucso = (uint8_t)c->field;
        x->tucse = 0; /* to the frame's end: the backend cut any padding off */
        x->cmd_len = CTX_TUCMD_DEXT | CTX_TUCMD_RS | CTX_TUCMD_TCP | (c->ipv4 ? CTX_TUCMD_IP : 0);
        x->status = x->hdr_len = 0;
        x->mss = 0;
        e->ctx_key = ctx_key(c);
        i = (i + 1) % NR_DESC;
    }
    volatile struct tx_desc *d = &e->txd[i];
    d->addr = buf;
    d->length = (uint16_t)len;
    d->cso_dtyp = c ? TXD_DTYP_DATA : 0;
    d->cmd = TXD_EOP | TXD_IFCS | TXD_RS | (c ? TXD_DEXT : 0);
    d->status = 0;
    d->css_popts = c ? TXD_POPTS_TXSM : 0;
    d->special = 0;
    e->tx_tail = (i + 1) % NR_DESC;
}

static void e1000_tx_commit(struct net_dev *n)
{
    struct e1000 *e = n->priv;
    dma_wmb();
    wr(e, TDT, e->tx_tail);
}

static void rx_service(struct e1000 *e)
{
    uint32_t given = 0, any = 0;
    for (;;) {
        volatile struct rx_desc *d = &e->rxd[e->rx_next];
        if (!(d->status & RXD_DD))
            break;
        dma_rmb();
        if ((d->status & RXD_EOP) && !d->errors && d->length >= 14 && d->length <= BUF_SIZE) {
            if (!net_rx_deliver(&e->net, e->rx_buf + e->rx_next * BUF_SIZE, d->length))
                break; /* no guest buffer: the frame waits in the ring */
        } else {
            e->net.stats.rx_errors++;
        }
        d->status = 0;
        given = e->rx_next;
        any = 1;
        e->rx_next = (e->rx_next + 1) % NR_DESC;
    }
    if (any) {
        dma_wmb();
        wr(e, RDT, given); /* one doorbell for the batch */
    }
}

static void e1000_service(struct net_dev *n)
{
    struct e1000 *e = n->priv;
    uint32_t icr = e->icr;
    e->icr = 0;
    int gone = rd(e, STATUS) == 0xffffffffu;
    tx_reclaim(e);
    if (e->txdw_on) { /* the backend retries its waiting frame after this service */
        e->txdw_on = 0;
        wr(e, IMC, ICR_TXDW);
    }
    int stalled = e->tx_head != e->tx_tail && arch_now_ns() - e->tx_progress_ns > TX_STALL_NS;
    if (gone || stalled) {
        net_request_reset(n, gone ? "device reads all ones" : "transmit ring stalled for a second");
        return;
    }
    if (icr & ICR_RXO)
        n->stats.rx_drops += rd(e, MPC);
    if (icr & ICR_LSC) {
        uint8_t up = (rd(e, STATUS) & STATUS_LU) != 0;
        if (up != n->link_up) {
            n->link_up = up;
            net_link_changed(n);
        }
    }
    rx_service(e);
}

static void e1000_reset(struct net_dev *n)
{
    struct e1000 *e = n->priv;
    n->stats.tx_drops += (e->tx_tail - e->tx_head + NR_DESC) % NR_DESC;
    e1000_start(e);
}

static int e1000_rx_ready(struct net_dev *n)
{
    struct e1000 *e = n->priv;
    return (e->rxd[e->rx_next].status & RXD_DD) != 0;
}

static const struct net_ops e1000_ops = {e1000_tx_buf,  e1000_tx_queue, e1000_tx_commit,
                                         e1000_service, e1000_reset,    e1000_rx_ready};

int e1000_probe(struct pci_dev *p)
{
    struct e1000 *e = &nic0;
    if (p->vendor != INTEL || e->pci ||
        (p->device != DEV_82540EM && p->device != DEV_82545EM && p->device != DEV_82544GC &&
         p->device != DEV_82574L))
        return 0;
    int is_e = p->device == DEV_82574L;
    const char *name = is_e ? "e1000e" : "e1000";
    if (p->bar[0].io || p->bar[0].size < 0x20000 || p->irq > 15) {
        printk("%s: no register BAR or no interrupt line; not used\n", name);
        return 0;
    }
    uint32_t ring_mfn = frame_alloc_hv_contig(2);
    uint32_t rx_mfn = frame_alloc_hv_contig(NR_DESC * BUF_SIZE / 4096);
    uint32_t tx_mfn = frame_alloc_hv_contig(NR_DESC * BUF_SIZE / 4096);
    e->regs = arch_map_mmio(p->bar[0].base, 0x20000);
    if (!ring_mfn || !rx_mfn || !tx_mfn || !e->regs) {
        printk("%s: no memory for rings or no room to map registers; not used\n", name);
        return 0;
    }
    e->pci = p;
    e->rxd = arch_directmap(ring_mfn);
    e->txd = arch_directmap(ring_mfn + 1);
    e->rxd_maddr = ring_mfn << 12;
    e->txd_maddr = (ring_mfn + 1) << 12;
    e->rx_buf = arch_directmap(rx_mfn);
    e->tx_buf = arch_directmap(tx_mfn);
    e->rx_buf_maddr = rx_mfn << 12;
    e->tx_buf_maddr = tx_mfn << 12;
    e->net = (struct net_dev){.ops = &e1000_ops,
                              .priv = e,
                              .irq = p->irq,
                              .csum_hw = NET_CSUM_HW_TCP,
                              .name = name,
                              .model = is_e ? NETIF_MODEL_E1000E : NETIF_MODEL_E1000};
    pci_enable(p);
    read_mac(e); /* the firmware's (from the EEPROM) before the reset; kept across resets */
    e1000_start(e);
    if (arch_irq_attach(p->irq, e1000_irq, e)) {
        printk("%s: cannot attach to irq %u\n", name, p->irq);
        wr(e, IMC, 0xffffffffu);
        e->pci = 0;
        return 0;
    }
    net_register(&e->net);
    return 1;
}
