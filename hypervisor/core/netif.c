/*
 * The netif backend (ABI §13, public/netif.h): device 0's transmit and receive rings.
 *
 * Invariants:
 * - Every request is copied once out of the shared page and then validated; nothing the guest
 *   writes afterwards changes what is done with it.
 * - A posted receive buffer holds a general and a writable type reference on its frame
 *   (get_page_and_type) from acceptance until its response is written or the rings are
 *   disconnected. So while it is posted its frame stays the guest's and cannot become a page
 *   table, GDT or LDT: the copy of a received frame never lands in a table.
 * - The ring pages themselves hold the same references from connect to disconnect.
 * - This code runs only at safe points (a hypercall, the return to the guest, the idle loop),
 *   never from an interrupt handler, because it takes and drops frame references.
 * - Outstanding requests (req_prod - rsp_prod) never exceed NETIF_RING_SIZE, so the posted list
 *   cannot overflow and a response never overwrites an unconsumed request.
 * - Receive buffers are taken from the ring at a kick, and without one whenever the posted list
 *   runs dry (netif_rx_frame): so the rx ring's req_event asks for a kick only while the list is
 *   empty, and the guest's reposts of a busy stream cost no hypercall. The tx ring is consumed
 *   only at kicks (and retried at safe points while the device's ring is full); its req_event
 *   asks for a kick at the next request once the ring is drained.
 * - Device frames are copied between the hypervisor's own DMA buffers and guest frames; no guest
 *   frame is ever given to a device.
 * - A transmit checksum left blank (NETIF_TXF_CSUM_BLANK) is parsed and prepared in that copy,
 *   after the guest's page was read for the last time (core/net_csum.c); the card or
 *   net_csum_complete finishes it.
 */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/fault_inject.h"
#include "hv/frame.h"
#include "hv/io.h"
#include "hv/hypercall.h"
#include "hv/log_limit.h"
#include "hv/net.h"
#include "hv/net_csum.h"
#include "hv/netif.h"
#include "hv/options.h"
#include "hv/page_type.h"
#include "hv/time.h"
#include "lib/string.h"

struct posted {
    uint32_t addr;
    uint16_t id;
    uint16_t next; /* the next posted buffer in this one's frame bucket, or NO_POSTED */
};

/* Posted buffers by frame, so that a new one is checked against those in its own frame only: a
 * buffer lies within its page, so buffers of different frames never overlap. (A scan of every
 * posted buffer cost ~1500 instructions per received frame with 256 posted.) */
#ifndef POSTED_BUCKETS     /* the unit test makes it small, to crowd the buckets */
#define POSTED_BUCKETS 256 /* a power of two */
#endif
#define NO_POSTED 0xffffu
_Static_assert(NETIF_RING_SIZE < NO_POSTED, "posted[] slots fit in a uint16_t");

struct ring_state {
    uint32_t req_cons; /* next request to read */
    uint32_t rsp_prod; /* responses written (published at flush) */
    uint32_t rsp_published;
};

static struct {
    struct domain *d;
    struct net_dev *n;
    int connected;
    uint32_t tx_mfn, rx_mfn, port;
    netif_tx_ring_t *tx;
    netif_rx_ring_t *rx;
    struct ring_state txs, rxs;
    struct posted posted[NETIF_RING_SIZE];
    uint32_t posted_head, posted_count;
    uint16_t bucket[POSTED_BUCKETS]; /* first posted[] slot of each frame bucket, or NO_POSTED */
    int tx_stalled; /* the device's transmit ring was full: retry at the next flush */
    int raise;      /* a response crossed an event index, or the link changed */
    netif_ring_stats_t tx_stats, rx_stats;
    uint32_t bad[NETIF_BAD_REASONS];
} be;

static struct log_limit bad_limit[NETIF_BAD_REASONS];
static const char *const bad_name[NETIF_BAD_REASONS] = {
    "frame not the guest's",        "frame is a page table, GDT or LDT",
    "buffer crosses its page",      "length out of range",
    "buffer already posted",        "req_prod too far ahead",
    "flag reserved or not offered", "no checksum to complete",
};

static int bad(unsigned reason, const char *ring, uint32_t id, uint32_t addr, uint32_t len, int err)
{
    be.bad[reason]++;
    if (log_limit_allow(&bad_limit[reason], arch_now_ns(), be.d ? be.d->id : 0, "netif"))
        printk("d%u netif %s request id %u addr %#x len %u refused: %s -> %s\n",
               be.d ? be.d->id : 0, ring, id, addr, len, bad_name[reason], errno_name(err));
    return err;
}

/* A flagged frame whose checksum cannot be completed: the parser's reason in the log line. */
static int bad_csum(uint32_t id, uint32_t len, const char *why)
{
    be.bad[NETIF_BAD_CSUM]++;
    if (log_limit_allow(&bad_limit[NETIF_BAD_CSUM], arch_now_ns(), be.d->id, "netif"))
        printk("d%u netif tx request id %u len %u refused: %s (%s) -> %s\n", be.d->id, id, len,
               bad_name[NETIF_BAD_CSUM], why, errno_name(-XEN_EINVAL));
    return -XEN_EINVAL;
}

uint32_t netif_features(const struct net_dev *n)
{
    if (hv_opts.tx_csum == TX_CSUM_ALL ||
        (hv_opts.tx_csum == TX_CSUM_CARD && (n->csum_hw & NET_CSUM_HW_TCP)))
        return NETIF_F_TX_CSUM;
    return 0;
}

/* Ownership, type and page bounds of a guest buffer; 0 or the response's status. */
static int check_buffer(const char *ring, uint32_t id, uint32_t addr, uint32_t len)
{
    uint32_t mfn = addr >> 12, off = addr & 0xfff;
    if (off + len > 4096)
        return bad(NETIF_BAD_STRADDLE, ring, id, addr, len, -XEN_EINVAL);
    if (!frame_owned_by(mfn, be.d->id))
        return bad(NETIF_BAD_NOT_OWNED, ring, id, addr, len, -XEN_EFAULT);
    const struct frame_info *f = &frame_table[mfn];
    if (f->type_count && f->type != FT_WRITABLE)
        return bad(NETIF_BAD_TYPE, ring, id, addr, len, -XEN_EPERM);
    if (mfn == be.tx_mfn || mfn == be.rx_mfn || (f->flags & FF_HV_WRITES))
        return bad(NETIF_BAD_TYPE, ring, id, addr, len, -XEN_EPERM);
    return 0;
}

static int respond(struct ring_state *rs, netif_response_t *slot_base, size_t stride, uint16_t id,
                   int status, netif_ring_stats_t *st)
{
    netif_response_t *rsp =
        (netif_response_t *)((uint8_t *)slot_base + stride * (rs->rsp_prod % NETIF_RING_SIZE));
    rsp->id = id;
    rsp->status = (int16_t)status;
    rsp->_rsvd = 0;
    rs->rsp_prod++;
    if (status >= 0) {
        st->packets++;
        st->bytes += (uint32_t)status;
    } else {
        st->errors++;
    }
    return status;
}
#define TX_RSP(id, st) \
    respond(&be.txs, &be.tx->ring[0].rsp, sizeof(be.tx->ring[0]), id, st, &be.tx_stats)
#define RX_RSP(id, st) \
    respond(&be.rxs, &be.rx->ring[0].rsp, sizeof(be.rx->ring[0]), id, st, &be.rx_stats)

/* Requests published but not yet consumed, or -1 (and a refusal) when req_prod is insane. */
static int pending_requests(netif_ring_header_t *h, struct ring_state *rs, const char *ring)
{
    uint32_t prod = __atomic_load_n(&h->req_prod, __ATOMIC_ACQUIRE);
    if (prod - rs->rsp_prod > NETIF_RING_SIZE || prod - rs->req_cons > NETIF_RING_SIZE) {
        be.bad[NETIF_BAD_INDEX]++;
        if (log_limit_allow(&bad_limit[NETIF_BAD_INDEX], arch_now_ns(), be.d->id, "netif"))
            printk("d%u netif %s ring refused: req_prod %u is more than %u requests ahead "
                   "of rsp_prod %u; nothing consumed\n",
                   be.d->id, ring, prod, NETIF_RING_SIZE, rs->rsp_prod);
        return -1;
    }
    return (int)(prod - rs->req_cons);
}

static void tx_batch(void);

/* Copy a checked request's frame into the driver's buffer, complete a blank checksum there (the
 * guest's page is not read again), and queue it: its length, or a refusal. */
static int tx_frame(uint8_t *buf, const netif_tx_request_t *req, uint32_t len, uint32_t flags)
{
    struct net_csum c;
    const struct net_csum *card = 0;
    uint8_t *va = arch_map_frame(req->addr >> 12);
    memcpy(buf, va + (req->addr & 0xfff), len);
    arch_unmap_frame(va);
    if (flags & NETIF_TXF_CSUM_BLANK) {
        const char *why = net_csum_prepare(buf, len, &c);
        if (why)
            return bad_csum(req->id, len, why);
        /* A UDP sum of 0 must go out as 0xffff, which the 8254x manuals do not promise of the
         * card's engine: UDP is completed here, as is everything on a card without one. */
        if (c.proto == NET_CSUM_TCP && (be.n->csum_hw & NET_CSUM_HW_TCP))
            card = &c;
        else
            net_csum_complete(buf, &c);
    }
    /* The card gets the frame without the padding after the IP datagram (it pads short frames
     * itself, TCTL.PSP): QEMU's e1000e sums the checksum over everything after the headers, a
     * padded segment's pseudo-header length included. */
    be.n->ops->tx_queue(be.n, card ? c.end : len, card);
    return (int)len;
}

/* Consume transmit requests, then ring the device's doorbell once for the batch. */
static void tx_process(void)
{
    tx_batch();
    be.n->ops->tx_commit(be.n);
}

static void tx_batch(void)
{
    for (;;) {
        int n = pending_requests(&be.tx->hdr, &be.txs, "tx");
        if (n <= 0)
            break;
        uint32_t allowed = netif_features(be.n) & NETIF_F_TX_CSUM ? NETIF_TXF_CSUM_BLANK : 0;
        while (n-- > 0) {
            netif_tx_request_t req = be.tx->ring[be.txs.req_cons % NETIF_RING_SIZE].req;
            uint32_t len = NETIF_TX_LEN(req.len_flags), flags = req.len_flags & ~NETIF_TX_LEN_MASK;
            int st;
            if (len < NETIF_TX_MIN_LEN || len > NETIF_TX_MAX_LEN)
                st = bad(NETIF_BAD_LENGTH, "tx", req.id, req.addr, req.len_flags, -XEN_EINVAL);
            else if (flags & ~allowed)
                st = bad(NETIF_BAD_FLAGS, "tx", req.id, req.addr, req.len_flags, -XEN_EINVAL);
            else
                st = check_buffer("tx", req.id, req.addr, len);
            if (st == 0 && fault_fire(FAULT_NET_TX)) {
                st = -XEN_EIO; /* injected (faults=net_tx:N%) */
                be.n->stats.tx_errors++;
            } else if (st == 0) {
                uint8_t *buf = be.n->ops->tx_buf(be.n, &st);
                if (!buf && st == -XEN_EAGAIN) {
                    /* The device's ring is full: this request waits for the next safe point
                     * after the device frees some (its interrupt is asked for). */
                    be.tx_stalled = 1;
                    be.n->work = 1;
                    net_work_pending = 1;
                    return;
                }
                if (buf)
                    st = tx_frame(buf, &req, len, flags);
                if (st > 0) {
                    be.n->stats.tx_packets++;
                    be.n->stats.tx_bytes += len;
                } else if (!buf) {
                    be.n->stats.tx_drops++;
                    be.tx_stats.drops++;
                }
            }
            be.txs.req_cons++;
            be.tx_stats.requests++;
            TX_RSP(req.id, st);
        }
        /* Ask for a kick at the next request, then look once more (a kick is never lost). */
        __atomic_store_n(&be.tx->hdr.req_event, be.txs.req_cons + 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&be.tx->hdr.req_prod, __ATOMIC_SEQ_CST) == be.txs.req_cons)
            break;
    }
    be.tx_stalled = 0;
}

static uint16_t *bucket_of(uint32_t addr)
{
    return &be.bucket[(addr >> 12) % POSTED_BUCKETS];
}

static int overlaps_posted(uint32_t addr)
{
    for (uint16_t i = *bucket_of(addr); i != NO_POSTED; i = be.posted[i].next) {
        uint32_t a = be.posted[i].addr;
        if (addr < a + NETIF_RX_BUFFER_SIZE && a < addr + NETIF_RX_BUFFER_SIZE)
            return 1;
    }
    return 0;
}

static void post(uint32_t addr, uint16_t id)
{
    uint16_t slot = (uint16_t)((be.posted_head + be.posted_count++) % NETIF_RING_SIZE);
    uint16_t *b = bucket_of(addr);
    be.posted[slot] = (struct posted){addr, id, *b};
    *b = slot;
}

/* Takes the oldest posted buffer off the list and out of its bucket. */
static struct posted unpost(void)
{
    uint16_t slot = (uint16_t)be.posted_head;
    struct posted p = be.posted[slot];
    uint16_t *pp = bucket_of(p.addr);
    while (*pp != slot)
        pp = &be.posted[*pp].next;
    *pp = p.next;
    be.posted_head = (be.posted_head + 1) % NETIF_RING_SIZE;
    be.posted_count--;
    return p;
}

static void posted_reset(void)
{
    be.posted_head = be.posted_count = 0;
    memset(be.bucket, 0xff, sizeof(be.bucket));
}

static void rx_accept(void)
{
    for (;;) {
        int n = pending_requests(&be.rx->hdr, &be.rxs, "rx");
        if (n < 0)
            break;
        while (n-- > 0) {
            netif_rx_request_t req = be.rx->ring[be.rxs.req_cons % NETIF_RING_SIZE].req;
            const char *why;
            be.rxs.req_cons++;
            be.rx_stats.requests++;
            int st = check_buffer("rx", req.id, req.addr, NETIF_RX_BUFFER_SIZE);
            if (st == 0 && overlaps_posted(req.addr))
                st = bad(NETIF_BAD_DUPLICATE, "rx", req.id, req.addr, NETIF_RX_BUFFER_SIZE,
                         -XEN_EBUSY);
            if (st == 0 && get_page_and_type(req.addr >> 12, FT_WRITABLE, be.d->id, &why))
                st = bad(NETIF_BAD_TYPE, "rx", req.id, req.addr, NETIF_RX_BUFFER_SIZE, -XEN_EPERM);
            if (st) {
                RX_RSP(req.id, st);
                continue;
            }
            post(req.addr, req.id);
        }
        if (be.posted_count) {
            /* Buffers in hand: no kick wanted for the next ones (netif_rx_frame takes them
             * from the ring itself when it runs out); req_prod cannot reach this value. */
            __atomic_store_n(&be.rx->hdr.req_event, be.rxs.req_cons + NETIF_RING_SIZE + 1,
                             __ATOMIC_SEQ_CST);
            break;
        }
        /* None: ask for a kick at the next buffer, then look once more. */
        __atomic_store_n(&be.rx->hdr.req_event, be.rxs.req_cons + 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&be.rx->hdr.req_prod, __ATOMIC_SEQ_CST) == be.rxs.req_cons)
            break;
    }
    if (be.posted_count && be.n) {
        be.n->work = 1; /* frames may be waiting with the device for these buffers */
        net_work_pending = 1;
    }
}

int netif_rx_frame(struct net_dev *n, const void *frame, uint32_t len)
{
    if (!be.connected || n != be.n) {
        n->stats.rx_drops++;
        return 1;
    }
    if (len > NETIF_RX_BUFFER_SIZE || len == 0) {
        n->stats.rx_errors++;
        return 1;
    }
    if (be.posted_count == 0)
        rx_accept(); /* buffers the guest posted since, without a kick */
    if (be.posted_count == 0) {
        be.rx_stats.drops++;
        return 0;
    }
    if (fault_fire(FAULT_NET_RX)) {
        n->stats.rx_drops++; /* injected (faults=net_rx:N%): lost, as on a noisy wire */
        return 1;
    }
    struct posted p = unpost();
    uint8_t *va = arch_map_frame(p.addr >> 12);
    memcpy(va + (p.addr & 0xfff), frame, len);
    arch_unmap_frame(va);
    put_page_and_type(p.addr >> 12);
    n->stats.rx_packets++;
    n->stats.rx_bytes += len;
    RX_RSP(p.id, (int)len);
    return 1;
}

/* Publish responses; raise the port if one crossed the guest's rsp_event. */
static void publish(struct ring_state *rs, netif_ring_header_t *h, netif_ring_stats_t *st)
{
    uint32_t old = rs->rsp_published, now = rs->rsp_prod;
    if (old == now)
        return;
    __atomic_store_n(&h->rsp_prod, now, __ATOMIC_SEQ_CST);
    rs->rsp_published = now;
    uint32_t ev = __atomic_load_n(&h->rsp_event, __ATOMIC_SEQ_CST);
    if (now - ev < now - old) {
        st->events++;
        be.raise = 1;
    } else {
        st->events_avoided += now - old;
    }
}

void netif_flush(void)
{
    if (!be.connected)
        return;
    if (be.tx_stalled)
        tx_process();
    publish(&be.txs, &be.tx->hdr, &be.tx_stats);
    publish(&be.rxs, &be.rx->hdr, &be.rx_stats);
    if (be.raise) {
        be.raise = 0;
        evtchn_raise(be.d, be.port);
    }
}

void netif_kick(struct domain *d, unsigned dev)
{
    if (!be.connected || d != be.d || dev != 0)
        return;
    uint32_t tx_before = be.txs.req_cons, rx_before = be.rxs.req_cons;
    tx_process();
    rx_accept();
    be.tx_stats.kicks += be.txs.req_cons != tx_before;
    be.rx_stats.kicks += be.rxs.req_cons != rx_before;
    net_poll();
    netif_flush();
}

void netif_link_event(struct net_dev *n)
{
    if (be.connected && n == be.n)
        be.raise = 1;
}

static int take_ring(uint32_t mfn, struct domain *d, const char **why)
{
    if (!frame_owned_by(mfn, d->id))
        return *why = "ring frame is not the guest's", -XEN_EFAULT;
    if (frame_table[mfn].flags & FF_HV_WRITES)
        return *why = "ring frame is one the hypervisor writes (shared_info)", -XEN_EPERM;
    if (get_page_and_type(mfn, FT_WRITABLE, d->id, why))
        return -XEN_EPERM;
    return 0;
}

int netif_connect(struct domain *d, unsigned dev, uint32_t tx_mfn, uint32_t rx_mfn, uint32_t *port,
                  const char **why)
{
    struct net_dev *n = dev == 0 ? net_device(0) : 0; /* one card is offered to the guest */
    if (!n)
        return *why = "no such network device", -XEN_ENODEV;
    if (be.connected)
        return *why = "already connected", -XEN_EBUSY;
    if (tx_mfn == rx_mfn)
        return *why = "the two rings share a frame", -XEN_EINVAL;
    int rc = take_ring(tx_mfn, d, why);
    if (rc)
        return rc;
    if ((rc = take_ring(rx_mfn, d, why))) {
        put_page_and_type(tx_mfn);
        return rc;
    }
    int p = evtchn_bind_device(&d->evtchn, dev, why);
    if (p < 0) {
        put_page_and_type(tx_mfn);
        put_page_and_type(rx_mfn);
        return p;
    }
    be.d = d;
    be.n = n;
    be.tx_mfn = tx_mfn;
    be.rx_mfn = rx_mfn;
    be.port = (uint32_t)p;
    be.tx = arch_map_frame(tx_mfn);
    be.rx = arch_map_frame(rx_mfn);
    be.txs = be.rxs = (struct ring_state){0, 0, 0};
    posted_reset();
    be.tx_stalled = be.raise = 0;
    be.tx->hdr.req_event = be.rx->hdr.req_event = 1;
    be.tx->hdr.rsp_prod = be.rx->hdr.rsp_prod = 0;
    be.connected = 1;
    *port = (uint32_t)p;
    printk("d%u netif: connected to %s (tx ring %#x, rx ring %#x, port %u)\n", d->id, n->name,
           tx_mfn, rx_mfn, p);
    return 0;
}

int netif_disconnect(struct domain *d, unsigned dev, const char **why)
{
    if (dev != 0)
        return *why = "no such network device", -XEN_ENODEV;
    if (!be.connected || d != be.d)
        return *why = "not connected", -XEN_EINVAL;
    while (be.posted_count)
        put_page_and_type(unpost().addr >> 12);
    arch_unmap_frame(be.tx);
    arch_unmap_frame(be.rx);
    put_page_and_type(be.tx_mfn);
    put_page_and_type(be.rx_mfn);
    evtchn_unbind_device(&d->evtchn, be.port);
    be.connected = 0;
    be.tx_mfn = be.rx_mfn = 0;
    printk("d%u netif: disconnected\n", d->id);
    return 0;
}

void netif_get_stats(netif_stats_t *s)
{
    struct net_dev *n = net_device(0);
    memset(s, 0, sizeof(*s));
    s->size = sizeof(*s);
    if (n) {
        s->model = n->model;
        s->link = n->link_up ? NETIF_LINK_UP : 0;
        s->dev = n->stats;
        s->dev.spurious = arch_irq_unclaimed(n->irq);
    }
    s->connected = (uint32_t)be.connected;
    s->tx = be.tx_stats;
    s->rx = be.rx_stats;
    memcpy(s->bad, be.bad, sizeof(s->bad));
    s->rx_posted = be.posted_count;
}
