/*
 * The paravirtual network card (netfront): the guest's end of the hypervisor's netif rings
 * (ABI §13, public/netif.h), as an lwIP interface "eth0".
 *
 * Receive: RX_BUFS 2 KB buffers (two per page, so each lies within its page as the hypervisor
 * demands), of which every one of the 256 receive slots keeps one posted. The port's upcall only
 * wakes the net thread; the thread takes each response and lends the buffer itself to lwIP as a
 * custom pbuf (no copy): the buffer goes back to the free list when lwIP frees the pbuf (a
 * socket read, an ACKed segment dropped...), and a free one is posted in the slot's place. While
 * lwIP holds RX_LENT_MAX buffers already (a slow reader with a full window, fragments waiting
 * for reassembly), frames are copied into pool pbufs instead and their buffers posted again at
 * once, so the ring never runs dry for want of buffers; a frame lwIP's heap has no pbuf for is
 * lent after all, while any of the 256 spare buffers is left (netrx=copy, for the fault tests:
 * every frame is copied, an allocation gfaults=lwip can fail). Each buffer's state (free,
 * posted, lent) is kept, and a response naming a buffer that is not posted is counted and ignored.
 * Posting is published once per batch, and the hypervisor is kicked only when it asked
 * (req_event: when it has no buffer left); likewise we ask for the next event (rsp_event) only
 * after draining the ring, and look once more afterwards.
 *
 * Transmit: lwIP's linkoutput copies the frame's pbuf chain into one of 256 transmit buffers
 * (the slot's own, id = slot) and queues the request; responses free the slots. When every
 * slot is in flight the frame is dropped (ERR_MEM) and TCP retransmits it, as on a full NIC.
 * While lwIP runs a burst (the net thread's round, a send call: netfront_tx_hold) the kick
 * waits for the burst's end (netfront_tx_flush), so the ACKs for a batch of received segments
 * or a window's worth of data cost one hypercall, not one each; the burst's requests are
 * published then too, so until then a pure ACK may replace the one queued just before it
 * (ackmerge.c: one ACK for the batch instead of one for every second segment). The hypervisor
 * answers a kicked request within the kick, so the guest reclaims right after it and asks for a
 * transmit event only while requests it told the hypervisor about are unanswered (the card's ring
 * was full): otherwise every kick would come back as an upcall and a wakeup of the net thread for
 * nothing.
 *
 * Link changes arrive as events with no ring work; the thread then asks NETIFOP_query.
 */
#include <pv/console.h>
#include <pv/events.h>
#include <pv/hypercall.h>
#include <kernel/mm/kmem.h>
#include <kernel/mm/physmap.h>
#include <lib/string.h>
#include <lwip/dhcp.h>
#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <net/net.h>
#include <netif/ethernet.h>
#include <public/netif.h>
#include "ackmerge.h"
#include "netfront.h"

#define BUF_SIZE 2048u
#define RX_BUFS 512u     /* receive buffers: 256 posted, the rest free or lent to lwIP */
#define RX_LENT_MAX 192u /* lent to lwIP at most; then frames are copied */
#define RX_LENT_HARD (RX_BUFS - NETIF_RING_SIZE) /* a frame not copied: lent up to here */

enum rx_state { RX_FREE, RX_POSTED, RX_LENT };

static struct netfront {
    netif_tx_ring_t *tx;
    netif_rx_ring_t *rx;
    uint32_t port;
    uint32_t tx_rsp_cons, rx_rsp_cons;
    char *rx_buf[RX_BUFS], *tx_buf[NETIF_RING_SIZE];
    uint32_t rx_addr[RX_BUFS];           /* rx_buf[i]'s machine address, for its requests */
    struct pbuf_custom rx_pbuf[RX_BUFS]; /* the pbuf lending rx_buf[i] to lwIP */
    uint8_t rx_state[RX_BUFS];           /* enum rx_state */
    uint16_t rx_free[RX_BUFS];           /* stack of RX_FREE buffers */
    uint32_t rx_nfree, rx_lent;
    uint32_t rx_prod;    /* our receive req_prod, published by rx_publish */
    int in_rx_poll;      /* rx_poll publishes once at its end */
    uint32_t tx_free;    /* slots not in flight: tx_prod - tx_rsp_cons <= 256 */
    uint32_t tx_prod;    /* our transmit req_prod, published by tx_kick_check */
    uint32_t tx_checked; /* the req_prod published last (when a kick was last considered) */
    int tx_held;         /* in a burst: the kick waits for netfront_tx_flush */
    uint32_t model, link;
    int tx_csum;          /* the hypervisor completes TCP checksums (NETIF_F_TX_CSUM) */
    volatile int pending; /* the port fired */
    struct netif nif;
    struct netfront_stats st;
} nf;

int netfront_present;
static uint32_t rx_lend_max = RX_LENT_MAX; /* 0 with netrx=copy */
static int tx_csum_off;                    /* txcsum=off */

void netfront_tx_csum_off(void)
{
    tx_csum_off = 1;
}

void netfront_rx_copy_all(void)
{
    rx_lend_max = 0;
    printk("net: netrx=copy: every received frame is copied into lwIP's heap\n");
}

static int netif_op(netif_op_t *op)
{
    return hypercall1(__HYPERVISOR_netif_op, (uint32_t)op);
}

static uint32_t maddr(const void *va)
{
    return pfn_to_mfn(virt_to_pfn(va)) << 12 | ((uint32_t)va & 0xfff);
}

const char *netfront_model_name(void)
{
    return nf.model == NETIF_MODEL_VIRTIO_NET ? "virtio-net"
           : nf.model == NETIF_MODEL_E1000    ? "e1000"
           : nf.model == NETIF_MODEL_E1000E   ? "e1000e"
                                              : "none";
}

const struct netfront_stats *netfront_stats(void)
{
    return &nf.st;
}

struct netif *netfront_netif(void)
{
    return netfront_present ? &nf.nif : NULL;
}

static void on_port(uint32_t port, struct event_frame *f, void *arg)
{
    (void)port;
    (void)f;
    (void)arg;
    nf.pending = 1;
    nf.st.events++;
    net_kick();
}

/* Publish requests up to new_prod on a ring; kick if the hypervisor asked for it. */
static void publish(netif_ring_header_t *h, uint32_t new_prod)
{
    uint32_t old = h->req_prod;

    __atomic_store_n(&h->req_prod, new_prod, __ATOMIC_SEQ_CST);
    if ((uint32_t)(new_prod - __atomic_load_n(&h->req_event, __ATOMIC_SEQ_CST)) <
        (uint32_t)(new_prod - old)) {
        evtchn_send(nf.port);
        nf.st.kicks++;
    }
}

/* Post free buffers while the ring has room (our requests not yet answered <= 256). */
static void rx_refill(void)
{
    while (nf.rx_nfree && nf.rx_prod - nf.rx_rsp_cons < NETIF_RING_SIZE) {
        uint16_t id = nf.rx_free[--nf.rx_nfree];

        nf.rx_state[id] = RX_POSTED;
        nf.rx->ring[nf.rx_prod % NETIF_RING_SIZE].req = (netif_rx_request_t){nf.rx_addr[id], id, 0};
        nf.rx_prod++;
    }
}

static void rx_publish(void)
{
    if (nf.rx_prod != nf.rx->hdr.req_prod)
        publish(&nf.rx->hdr, nf.rx_prod);
}

static void rx_release(uint16_t id)
{
    nf.rx_state[id] = RX_FREE;
    nf.rx_free[nf.rx_nfree++] = id;
}

/* lwIP freed a lent buffer's pbuf (task context: lwIP runs nowhere else). */
static void rx_pbuf_free(struct pbuf *p)
{
    uint16_t id = (uint16_t)((struct pbuf_custom *)p - nf.rx_pbuf);

    nf.rx_lent--;
    nf.st.rx_lent = nf.rx_lent;
    rx_release(id);
    if (!nf.in_rx_poll) {
        rx_refill();
        rx_publish();
    }
}

/* One received frame in buffer id: lent to lwIP, or copied while too many are lent. A frame
 * that cannot be copied (lwIP's heap refused the pbuf) is lent after all while the spare
 * buffers last, so that a failed allocation delays nothing and loses no frame; only with every
 * spare buffer lent is it dropped (and its buffer posted again). */
static void rx_frame(uint16_t id, uint16_t len)
{
    struct pbuf *p = NULL;

    if (nf.rx_lent >= rx_lend_max) {
        p = pbuf_alloc(PBUF_RAW, len, PBUF_POOL);
        if (p) {
            nf.st.rx_copied++;
            pbuf_take(p, nf.rx_buf[id], len);
            rx_release(id);
        } else if (nf.rx_lent >= RX_LENT_HARD) {
            nf.st.rx_drops++;
            rx_release(id);
            return;
        }
    }
    if (!p) {
        nf.rx_state[id] = RX_LENT;
        nf.rx_lent++;
        nf.st.rx_lent = nf.rx_lent;
        if (nf.rx_lent > nf.st.rx_lent_max)
            nf.st.rx_lent_max = nf.rx_lent;
        nf.rx_pbuf[id].custom_free_function = rx_pbuf_free;
        p = pbuf_alloced_custom(PBUF_RAW, len, PBUF_REF, &nf.rx_pbuf[id], nf.rx_buf[id], BUF_SIZE);
    }
    nf.st.rx_packets++;
    nf.st.rx_bytes += len;
    if (nf.nif.input(p, &nf.nif) != ERR_OK)
        pbuf_free(p);
}

/* Take the receive responses; 1 if there were any. */
static int rx_poll(void)
{
    uint32_t got = 0;

    nf.in_rx_poll = 1;
    for (;;) {
        uint32_t rp = __atomic_load_n(&nf.rx->hdr.rsp_prod, __ATOMIC_SEQ_CST);

        while (nf.rx_rsp_cons != rp) {
            netif_response_t r = nf.rx->ring[nf.rx_rsp_cons++ % NETIF_RING_SIZE].rsp;

            got++;
            if (r.id >= RX_BUFS || nf.rx_state[r.id] != RX_POSTED) {
                nf.st.rx_errors++; /* not a buffer of ours that is posted: never touch it */
                continue;
            }
            if (r.status <= 0 || (uint32_t)r.status > NETIF_RX_BUFFER_SIZE) {
                nf.st.rx_errors++;
                rx_release(r.id);
            } else {
                rx_frame(r.id, (uint16_t)r.status);
            }
            rx_refill();
        }
        nf.rx->hdr.rsp_event = nf.rx_rsp_cons + 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&nf.rx->hdr.rsp_prod, __ATOMIC_SEQ_CST) == nf.rx_rsp_cons)
            break;
    }
    nf.in_rx_poll = 0;
    rx_refill();
    rx_publish();
    return got != 0;
}

static int tx_reclaim(void)
{
    uint32_t got = 0;

    for (;;) {
        uint32_t rp = __atomic_load_n(&nf.tx->hdr.rsp_prod, __ATOMIC_SEQ_CST);

        while (nf.tx_rsp_cons != rp) {
            netif_response_t r = nf.tx->ring[nf.tx_rsp_cons++ % NETIF_RING_SIZE].rsp;

            if (r.status < 0)
                nf.st.tx_errors++;
            nf.tx_free++;
            got++;
        }
        /* An event only while the hypervisor holds requests it was told about; otherwise an
         * index that rsp_prod cannot reach (it stays within 256 of tx_rsp_cons). */
        nf.tx->hdr.rsp_event = nf.tx_checked != nf.tx_rsp_cons
                                   ? nf.tx_rsp_cons + 1
                                   : nf.tx_rsp_cons + NETIF_RING_SIZE + 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&nf.tx->hdr.rsp_prod, __ATOMIC_SEQ_CST) == nf.tx_rsp_cons)
            break;
    }
    return got != 0;
}

/* Publish the transmit requests queued since the last look and kick, if the hypervisor asked
 * for one of them; then take the responses (a kicked request is answered within the kick). */
static void tx_kick_check(void)
{
    uint32_t prod = nf.tx_prod, old = nf.tx_checked;

    if (prod == old)
        return;
    nf.tx_checked = prod;
    __atomic_store_n(&nf.tx->hdr.req_prod, prod, __ATOMIC_SEQ_CST);
    if ((uint32_t)(prod - __atomic_load_n(&nf.tx->hdr.req_event, __ATOMIC_SEQ_CST)) <
        (uint32_t)(prod - old)) {
        evtchn_send(nf.port);
        nf.st.kicks++;
    }
    tx_reclaim();
}

void netfront_tx_hold(void)
{
    nf.tx_held = 1;
}

void netfront_tx_flush(void)
{
    nf.tx_held = 0;
    if (netfront_present)
        tx_kick_check();
}

/* While a burst is held, its requests are not yet published: the hypervisor cannot have read
 * them. A pure ACK that supersedes the one queued just before (ackmerge.c) takes its place. */
static int tx_merge(uint16_t slot, uint16_t len)
{
    uint16_t prev = (uint16_t)((nf.tx_prod - 1) % NETIF_RING_SIZE);

    uint16_t prev_flags = nf.tx->ring[prev].req.len_flags;

    if (!nf.tx_held || nf.tx_prod == nf.tx_checked ||
        !ack_supersedes((const uint8_t *)nf.tx_buf[prev], NETIF_TX_LEN(prev_flags),
                        (const uint8_t *)nf.tx_buf[slot], len))
        return 0;
    memcpy(nf.tx_buf[prev], nf.tx_buf[slot], len);
    /* Both are TCP: the checksum flag, if any, stays as it was. */
    nf.tx->ring[prev].req.len_flags = (uint16_t)(len | (prev_flags & ~NETIF_TX_LEN_MASK));
    nf.st.tx_acks_merged++;
    return 1;
}

/* A TCP segment whose checksum lwIP left blank (eth0 does not generate TCP checksums when the
 * hypervisor completes them): IPv4 that is not a fragment, or IPv6 with TCP as the next header.
 * lwIP's segments never need fragmenting (its MSS follows the interface's MTU) and carry no IP
 * options or extension headers, so every one of them is such a frame. */
static int tcp_csum_blank(const uint8_t *f, uint32_t len)
{
    if (len >= 34 && f[12] == 0x08 && f[13] == 0x00)
        return f[23] == 6 && (f[20] & 0x3f) == 0 && f[21] == 0;
    return len >= 54 && f[12] == 0x86 && f[13] == 0xdd && f[20] == 6;
}

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
    uint32_t prod = nf.tx_prod;
    uint16_t slot = (uint16_t)(prod % NETIF_RING_SIZE);
    uint16_t len = p->tot_len;

    (void)n;
    if (!nf.link) {
        nf.st.tx_drops++;
        return ERR_IF;
    }
    if (!nf.tx_free) {
        tx_kick_check(); /* what this burst queued must go before its slots come back */
        tx_reclaim();
    }
    if (!nf.tx_free || len > NETIF_TX_MAX_LEN) {
        nf.st.tx_drops++;
        return ERR_MEM;
    }
    pbuf_copy_partial(p, nf.tx_buf[slot], len, 0);
    if (len < 60) { /* the minimum Ethernet frame, padded with zeroes as cards do */
        memset(nf.tx_buf[slot] + len, 0, 60u - len);
        len = 60;
    }
    if (tx_merge(slot, len))
        return ERR_OK;
    uint16_t flags = nf.tx_csum && tcp_csum_blank((const uint8_t *)nf.tx_buf[slot], len)
                         ? NETIF_TXF_CSUM_BLANK
                         : 0;

    nf.tx->ring[slot].req =
        (netif_tx_request_t){maddr(nf.tx_buf[slot]), (uint16_t)(len | flags), slot};
    nf.st.tx_csum_blank += flags != 0;
    nf.tx_free--;
    nf.st.tx_packets++;
    nf.st.tx_bytes += len;
    nf.tx_prod = prod + 1;
    if (!nf.tx_held)
        tx_kick_check();
    return ERR_OK;
}

static void query_link(void)
{
    netif_op_t op = {.cmd = NETIFOP_query, .dev = 0};

    if (netif_op(&op))
        return;
    uint32_t up = op.u.query.link & NETIF_LINK_UP;

    if (up != nf.link) {
        nf.link = up;
        nf.st.link_changes++;
        printk("net: eth0 link %s\n", up ? "up" : "down");
        if (up)
            netif_set_link_up(&nf.nif);
        else
            netif_set_link_down(&nf.nif);
    }
}

void netfront_poll(void)
{
    int work;

    if (!netfront_present || !nf.pending)
        return;
    nf.pending = 0;
    work = rx_poll();
    work |= tx_reclaim();
    if (!work)
        query_link(); /* an event with no ring work: a link change */
}

static err_t nif_init(struct netif *n)
{
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->mtu = 1500;
    n->hwaddr_len = 6;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    n->output = etharp_output;
    n->output_ip6 = ethip6_output;
    n->linkoutput = linkoutput;
    /* TCP's checksums are the hypervisor's to complete when it offers to (the card's engine,
     * or its own sum); UDP's stay here: lwIP's switch is per interface, and a datagram that
     * gets fragmented needs its sum over every fragment before the first one leaves. */
    NETIF_SET_CHECKSUM_CTRL(n, nf.tx_csum ? NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP
                                          : NETIF_CHECKSUM_ENABLE_ALL);
    return ERR_OK;
}

static void *alloc_bufs(char **bufs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i += PAGE_SIZE / BUF_SIZE) {
        char *pg = page_alloc_zeroed();

        if (!pg)
            return NULL;
        for (uint32_t k = 0; k < PAGE_SIZE / BUF_SIZE; k++)
            bufs[i + k] = pg + k * BUF_SIZE;
    }
    return bufs[0];
}

int netfront_init(void)
{
    netif_op_t op = {.cmd = NETIFOP_query, .dev = 0};
    int rc = netif_op(&op);

    if (rc) {
        printk("net: no network card (netif_op query: %d)\n", rc);
        return -1;
    }
    nf.model = op.u.query.model;
    nf.tx_csum = (op.u.query.features & NETIF_F_TX_CSUM) && !tx_csum_off;
    nf.tx = page_alloc_zeroed();
    nf.rx = page_alloc_zeroed();
    if (!nf.tx || !nf.rx || !alloc_bufs(nf.rx_buf, RX_BUFS) ||
        !alloc_bufs(nf.tx_buf, NETIF_RING_SIZE)) {
        printk("net: no memory for the network rings\n");
        return -1;
    }
    memcpy(nf.nif.hwaddr, op.u.query.mac, 6);
    op = (netif_op_t){.cmd = NETIFOP_connect, .dev = 0};
    op.u.connect.tx_ring_mfn = pfn_to_mfn(virt_to_pfn(nf.tx));
    op.u.connect.rx_ring_mfn = pfn_to_mfn(virt_to_pfn(nf.rx));
    rc = netif_op(&op);
    if (rc) {
        printk("net: netif_op connect refused: %d\n", rc);
        return -1;
    }
    nf.port = op.u.connect.port;
    nf.tx_free = NETIF_RING_SIZE;
    if (!netif_add(&nf.nif, NULL, NULL, NULL, NULL, nif_init, ethernet_input)) {
        printk("net: netif_add failed\n");
        return -1;
    }
    for (uint32_t id = RX_BUFS; id-- > 0;) {
        nf.rx_addr[id] = maddr(nf.rx_buf[id]);
        rx_release((uint16_t)id); /* buffer 0 on top: the first posted */
    }
    rx_refill();
    nf.rx->hdr.rsp_event = 1;
    nf.tx->hdr.rsp_event = NETIF_RING_SIZE + 1; /* none wanted yet (tx_reclaim) */
    evtchn_bind(nf.port, on_port, NULL);
    rx_publish();
    netif_set_default(&nf.nif);
    netif_set_up(&nf.nif);
    netfront_present = 1;
    const uint8_t *m = nf.nif.hwaddr;

    printk("net: eth0 %s mac %02x:%02x:%02x:%02x:%02x:%02x, %u receive buffers posted, "
           "TCP checksums %s\n",
           netfront_model_name(), m[0], m[1], m[2], m[3], m[4], m[5], NETIF_RING_SIZE,
           nf.tx_csum ? "completed by the hypervisor" : "computed here");
    nf.link = 0;
    nf.pending = 1; /* take the link state and anything already there */
    query_link();
    return 0;
}
