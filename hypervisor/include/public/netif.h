/*
 * public/netif.h: [ours] netif_op (hypercall 30), the paravirtual network rings, and the NIC
 * statistics of hv_op (31) (ABI §13).
 *
 * The hypervisor owns the network card; the guest never programs a device and never learns a
 * device address. Frames travel through two ring pages that the guest allocates and hands over
 * with NETIFOP_connect: a transmit ring and a receive ring. Each ring page has Xen's netif shape:
 * producer indices and event indices in a 64-byte header, then 256 slots, each holding either
 * a request (written by the guest) or, once the hypervisor has consumed it, its response.
 *
 * Indices are free-running uint32_t counters; slot = index % NETIF_RING_SIZE. The guest
 * produces requests (req_prod) and consumes responses (its own rsp_cons, private); the
 * hypervisor consumes requests (its own req_cons, private) and produces responses (rsp_prod).
 * Responses are written at rsp_prod in the order the hypervisor completes requests (a refusal
 * or a transmit at once, a receive buffer when a frame fills it), so they may come out of
 * request order: the id says which request each one answers. They only ever overwrite slots
 * whose requests were already consumed. The guest must never have more than NETIF_RING_SIZE
 * requests without a response (req_prod - rsp_prod <= NETIF_RING_SIZE), and reuses a slot only
 * after reading the response in it (req_prod - rsp_cons <= NETIF_RING_SIZE).
 *
 * Notification suppression (Xen's event indices). After publishing requests up to new_prod
 * (a write barrier before storing req_prod), the guest kicks only if the hypervisor asked for
 * one of them:  (uint32_t)(new_prod - req_event) < (uint32_t)(new_prod - old_prod).
 * old_prod is req_prod when the guest last applied the rule, so it may publish a batch and kick
 * once. On the tx ring the hypervisor sets req_event = req_cons + 1 when it has drained the
 * ring, then checks the ring once more, so a kick is never lost; it answers kicked requests
 * within the kick unless the card's ring is full. On the rx ring it wants a kick only when it
 * holds no posted buffer (req_event = req_cons + 1, then a second look); while it holds some it
 * sets req_event = req_cons + NETIF_RING_SIZE + 1, which req_prod cannot reach, and takes the
 * buffers posted meanwhile from the ring itself when its list runs dry. The same rule runs the
 * other way round with rsp_prod and rsp_event: the guest sets rsp_event = rsp_cons + 1 when it
 * wants an event for the next response (and re-checks after setting it); the hypervisor raises the
 * port only when a response it publishes crosses rsp_event. Either side may batch as much as it
 * likes.
 *
 * The kick: event_channel_op EVTCHNOP_send with local_port = the port NETIFOP_connect returned
 * (it covers both rings). The hypervisor raises the same port for responses on either ring and
 * on a link change (the guest then calls NETIFOP_query).
 *
 * What the hypervisor checks (a refused request gets a negative status in its response, a
 * counter in netif_stats_t.bad[] and a rate-limited log line; the ring and the hypervisor go on):
 *   - each request is read once from the shared page into private memory, then validated;
 *   - the buffer's machine frame is the guest's and of writable type (or no type yet): never a
 *     page table (L1/L2), GDT or LDT frame                            -> -XEN_EFAULT / -XEN_EPERM;
 *   - the buffer lies within one page: tx offset + len <= 4096, rx offset + NETIF_RX_BUFFER_SIZE
 *     <= 4096                                                         -> -XEN_EINVAL;
 *   - tx length within [NETIF_TX_MIN_LEN, NETIF_TX_MAX_LEN]           -> -XEN_EINVAL;
 *   - tx flags: only NETIF_TXF_CSUM_BLANK, and only if NETIF_F_TX_CSUM was offered
 *                                                                     -> -XEN_EINVAL;
 *   - a frame flagged NETIF_TXF_CSUM_BLANK that is not one the hypervisor can complete (below)
 *                                                                     -> -XEN_EINVAL;
 *   - an rx buffer overlapping one that is still posted               -> -XEN_EBUSY;
 *   - req_prod more than NETIF_RING_SIZE ahead of rsp_prod: nothing in the ring is consumed,
 *     the kick is counted as NETIF_BAD_INDEX and ignored until req_prod is sane again.
 * Posted receive buffers: the hypervisor holds a writable type reference on the frame from the
 * moment it accepts the request until it writes the response, so while a buffer is posted its
 * frame cannot become a page table, GDT or LDT (such a pin or mmu_update is refused), and cannot
 * leave the guest. Transmit buffers are copied when the request is consumed.
 *
 * Transmit checksum completion (NETIF_F_TX_CSUM in the query's features). A transmit request
 * flagged NETIF_TXF_CSUM_BLANK asks the hypervisor to fill in the frame's TCP or UDP checksum;
 * the guest leaves the field as it likes (lwIP leaves 0). The hypervisor parses its own copy of
 * the frame, never the guest's page, and accepts only: Ethernet II (no VLAN tag), then IPv4
 * (header of 20-60 bytes, not a fragment) or IPv6 (no extension header), then TCP (at least 20
 * bytes) or UDP (at least 8 bytes, its length field equal to the IP payload's); the IP header's
 * lengths must lie within the frame (bytes after the IP datagram are padding, not summed). It
 * computes the pseudo-header sum from those bytes itself, and the card (e1000, e1000e: TCP) or
 * the hypervisor (UDP, and every checksum on a card without offload) completes the sum. A UDP
 * checksum that computes to 0 is sent as 0xffff (RFC 768). Any other frame with the flag is
 * refused (counted as NETIF_BAD_CSUM); a flag not offered, or a reserved bit, as NETIF_BAD_FLAGS.
 */
#ifndef PUBLIC_NETIF_H
#define PUBLIC_NETIF_H

#include <stdint.h>

/* ---- netif_op (30) ----------------------------------------------------------------------
 * IN  EBX = pointer to a netif_op_t; the hypervisor copies it in, acts, and copies it back
 *     with the OUT fields filled.
 * OUT EAX = 0, or -XEN_EFAULT (bad pointer), -XEN_ENOSYS (unknown cmd), -XEN_ENODEV (no such
 *     device), and per command below.
 */
#define NETIFOP_query 0      /* IN dev; OUT mac, mtu, link, model */
#define NETIFOP_connect 1    /* IN dev, tx_ring_mfn, rx_ring_mfn; OUT port */
#define NETIFOP_disconnect 2 /* IN dev */

/* Device models (netif_op_t.u.query.model, netif_stats_t.model). */
#define NETIF_MODEL_NONE 0
#define NETIF_MODEL_VIRTIO_NET 1 /* virtio-net, legacy/transitional PCI */
#define NETIF_MODEL_E1000 2      /* Intel 82540EM */
#define NETIF_MODEL_E1000E 3     /* Intel 82574L */

/* Link flags (netif_op_t.u.query.link). */
#define NETIF_LINK_UP 1u

/* Features (netif_op_t.u.query.features). */
#define NETIF_F_TX_CSUM 1u /* NETIF_TXF_CSUM_BLANK is accepted on transmit requests */

typedef struct netif_op {
    uint32_t cmd; /* NETIFOP_* */
    uint32_t dev; /* IN: device index; 0 is the only one today */
    union {
        struct {
            uint8_t mac[6];    /* OUT: the card's Ethernet address */
            uint16_t mtu;      /* OUT: largest IP packet, 1500 */
            uint32_t link;     /* OUT: NETIF_LINK_* */
            uint32_t model;    /* OUT: NETIF_MODEL_* */
            uint32_t features; /* OUT: NETIF_F_* (0 from a hypervisor without any) */
        } query;
        /*
         * connect: both frames must be the guest's, distinct, and of writable type (or no type);
         * the hypervisor keeps them mapped with a writable type reference until disconnect, so
         * they cannot become page tables meanwhile. The guest zeroes both pages first (all four
         * indices 0). Refusals: -XEN_EFAULT (a frame not the guest's), -XEN_EPERM (a frame of
         * another type), -XEN_EINVAL (the same frame twice), -XEN_EBUSY (already connected).
         * The returned port is bound to the device until disconnect; closing it is refused.
         */
        struct {
            uint32_t tx_ring_mfn; /* IN: machine frame of the transmit ring page */
            uint32_t rx_ring_mfn; /* IN: machine frame of the receive ring page */
            uint32_t port;        /* OUT: event-channel port for kicks and events */
        } connect;
        /*
         * disconnect: stops the rings and drops the hypervisor's references on the ring pages and
         * on every posted receive buffer (outstanding requests get no response). -XEN_EINVAL if
         * not connected. Afterwards the port is closed and the device may be connected again.
         */
        struct {
            uint32_t _unused;
        } disconnect;
        uint8_t _size[24];
    } u;
} netif_op_t;

/* ---- Ring pages --------------------------------------------------------------------------- */

#define NETIF_RING_SIZE 256u       /* slots per ring; a power of two */
#define NETIF_RX_BUFFER_SIZE 1536u /* bytes a posted receive buffer must offer, within its page */
#define NETIF_TX_MIN_LEN 14u       /* an Ethernet header */
#define NETIF_TX_MAX_LEN 1514u     /* header + MTU, no FCS, no VLAN tag */
#define NETIF_RING_HEADER_SIZE 64u

/*
 * Transmit request: the bytes of one Ethernet frame (without FCS), copied by the hypervisor.
 * len_flags holds the length in its low 12 bits and request flags in its top 4. (The request has
 * no spare field, and its 8-byte slot is the ring's layout. A length never needs more than 11
 * bits; flags there are refused by a hypervisor that predates them, as a length above 1514,
 * whereas flags in the id, the guest's own cookie, would be ignored and the frame sent with its
 * checksum blank.)
 */
typedef struct netif_tx_request {
    uint32_t addr;      /* machine address (mfn << 12 | offset) of the frame's first byte */
    uint16_t len_flags; /* NETIF_TX_LEN(): NETIF_TX_MIN_LEN..NETIF_TX_MAX_LEN, addr's offset +
                           length <= 4096; | NETIF_TXF_* */
    uint16_t id;        /* guest's cookie, echoed in the response */
} netif_tx_request_t;

#define NETIF_TX_LEN_MASK 0x0fffu
#define NETIF_TX_LEN(len_flags) ((len_flags)&NETIF_TX_LEN_MASK)
#define NETIF_TXF_CSUM_BLANK 0x8000u /* complete the TCP/UDP checksum (NETIF_F_TX_CSUM) */
#define NETIF_TXF_RESERVED 0x7000u   /* must be 0 */

/* Receive request: an empty buffer of NETIF_RX_BUFFER_SIZE bytes, all within one page. */
typedef struct netif_rx_request {
    uint32_t addr;  /* machine address of the buffer; offset <= 4096 - NETIF_RX_BUFFER_SIZE */
    uint16_t id;    /* guest's cookie, echoed in the response */
    uint16_t _rsvd; /* 0 */
} netif_rx_request_t;

/*
 * Response (both rings): status >= 0 is the frame length (tx: bytes handed to the card; rx:
 * bytes written at the start of the buffer, Ethernet header first, no FCS); < 0 is -XEN_E*:
 * the request's refusal (see the top of this file), or -XEN_EIO (tx: the card dropped it).
 */
typedef struct netif_response {
    uint16_t id;    /* the request's id */
    int16_t status; /* length or -XEN_E* */
    uint32_t _rsvd; /* 0 */
} netif_response_t;

typedef union netif_tx_slot {
    netif_tx_request_t req;
    netif_response_t rsp;
} netif_tx_slot_t;

typedef union netif_rx_slot {
    netif_rx_request_t req;
    netif_response_t rsp;
} netif_rx_slot_t;

/* The header both ring pages start with. */
typedef struct netif_ring_header {
    uint32_t req_prod;  /* written by the guest: requests [0, req_prod) are published */
    uint32_t req_event; /* written by the hypervisor: kick when req_prod passes this */
    uint32_t rsp_prod;  /* written by the hypervisor: responses [0, rsp_prod) are published */
    uint32_t rsp_event; /* written by the guest: raise the port when rsp_prod passes this */
    uint8_t _pad[NETIF_RING_HEADER_SIZE - 16];
} netif_ring_header_t;

typedef struct netif_tx_ring {
    netif_ring_header_t hdr;
    netif_tx_slot_t ring[NETIF_RING_SIZE];
} netif_tx_ring_t;

typedef struct netif_rx_ring {
    netif_ring_header_t hdr;
    netif_rx_slot_t ring[NETIF_RING_SIZE];
} netif_rx_ring_t;

/* ---- NIC statistics: hv_op (31) HVOP_get_net_stats ----------------------------------------
 * IN  EBX = HVOP_get_net_stats, ECX = guest buffer, EDX = its size in bytes.
 * OUT EAX = bytes copied: min(size, sizeof(netif_stats_t)), or -XEN_EFAULT, -XEN_ENOSYS.
 * Counters only grow (uint32_t ones wrap); fields are only ever appended: read `size` first.
 * With no NIC, model is NETIF_MODEL_NONE and every counter is 0.
 */

/* Indices of netif_stats_t.bad[]: why requests were refused. */
#define NETIF_BAD_NOT_OWNED 0 /* frame outside memory or not the guest's (-XEN_EFAULT) */
#define NETIF_BAD_TYPE 1      /* frame is a page table, GDT or LDT (-XEN_EPERM) */
#define NETIF_BAD_STRADDLE 2  /* buffer crosses its page's end (-XEN_EINVAL) */
#define NETIF_BAD_LENGTH 3    /* tx length out of range (-XEN_EINVAL) */
#define NETIF_BAD_DUPLICATE 4 /* rx buffer overlaps one still posted (-XEN_EBUSY) */
#define NETIF_BAD_INDEX 5     /* req_prod too far ahead (kick ignored) */
#define NETIF_BAD_FLAGS 6     /* tx flag reserved or not offered (-XEN_EINVAL) */
#define NETIF_BAD_CSUM 7      /* tx checksum asked of a frame that cannot have one (-XEN_EINVAL) */
#define NETIF_BAD_REASONS 8

/* Per ring, as the hypervisor sees it. */
typedef struct netif_ring_stats {
    uint64_t bytes;          /* bytes in successful responses */
    uint32_t packets;        /* successful responses */
    uint32_t requests;       /* requests consumed */
    uint32_t errors;         /* responses with a negative status */
    uint32_t drops;          /* tx: frames the card refused; rx: frames that found no buffer */
    uint32_t kicks;          /* guest notifications (EVTCHNOP_send) that found work here */
    uint32_t events;         /* ports raised for this ring's responses */
    uint32_t events_avoided; /* responses published without raising the port (rsp_event) */
    uint32_t _rsvd;
} netif_ring_stats_t;

/* The card, as its driver sees it. */
typedef struct netif_dev_stats {
    uint64_t rx_bytes; /* frames received from the wire */
    uint64_t tx_bytes; /* frames handed to the wire */
    uint32_t rx_packets;
    uint32_t tx_packets;
    uint32_t rx_errors; /* frames the card flagged bad */
    uint32_t tx_errors;
    uint32_t rx_drops;   /* frames lost for want of a hypervisor buffer (or the card's count) */
    uint32_t tx_drops;   /* frames not sent: card ring full or link down */
    uint32_t interrupts; /* interrupts that were this card's */
    uint32_t spurious;   /* interrupts on its line that were not (shared or spurious) */
    uint32_t link_changes;
    uint32_t resets; /* recoveries from a device error */
} netif_dev_stats_t;

typedef struct netif_stats {
    uint32_t size;                   /* sizeof(netif_stats_t) in this hypervisor */
    uint32_t model;                  /* NETIF_MODEL_* of device 0 */
    uint32_t link;                   /* NETIF_LINK_* */
    uint32_t connected;              /* 1 while the guest's rings are connected */
    netif_dev_stats_t dev;           /* device 0 */
    netif_ring_stats_t tx;           /* the transmit ring */
    netif_ring_stats_t rx;           /* the receive ring */
    uint32_t bad[NETIF_BAD_REASONS]; /* refused requests by NETIF_BAD_* */
    uint32_t rx_posted;              /* receive buffers posted now (each holds a frame reference) */
    uint32_t _rsvd;
} netif_stats_t;

_Static_assert(sizeof(netif_op_t) == 32, "netif_op_t size");
_Static_assert(__builtin_offsetof(netif_op_t, u) == 8, "netif_op_t layout");
_Static_assert(__builtin_offsetof(netif_op_t, u.query.mtu) == 14, "netif_op_t layout");
_Static_assert(__builtin_offsetof(netif_op_t, u.query.link) == 16, "netif_op_t layout");
_Static_assert(__builtin_offsetof(netif_op_t, u.query.model) == 20, "netif_op_t layout");
_Static_assert(__builtin_offsetof(netif_op_t, u.query.features) == 24, "netif_op_t layout");
_Static_assert(__builtin_offsetof(netif_op_t, u.connect.port) == 16, "netif_op_t layout");
_Static_assert(__builtin_offsetof(netif_tx_request_t, len_flags) == 4, "netif_tx_request_t layout");
_Static_assert(NETIF_TX_MAX_LEN <= NETIF_TX_LEN_MASK, "a length fits below the flags");
_Static_assert((NETIF_TXF_CSUM_BLANK & (NETIF_TX_LEN_MASK | NETIF_TXF_RESERVED)) == 0,
               "flags apart from the length");
_Static_assert(NETIF_BAD_CSUM < NETIF_BAD_REASONS, "bad[] has room");
_Static_assert(sizeof(netif_tx_request_t) == 8, "netif_tx_request_t size");
_Static_assert(sizeof(netif_rx_request_t) == 8, "netif_rx_request_t size");
_Static_assert(sizeof(netif_response_t) == 8, "netif_response_t size");
_Static_assert(sizeof(netif_ring_header_t) == NETIF_RING_HEADER_SIZE, "ring header size");
_Static_assert(__builtin_offsetof(netif_tx_ring_t, ring) == 64, "netif_tx_ring_t layout");
_Static_assert(sizeof(netif_tx_ring_t) == 64 + 256 * 8, "netif_tx_ring_t size");
_Static_assert(sizeof(netif_rx_ring_t) == 64 + 256 * 8, "netif_rx_ring_t size");
_Static_assert(sizeof(netif_tx_ring_t) <= 4096, "a ring fits in one page");
_Static_assert(sizeof(netif_ring_stats_t) == 40, "netif_ring_stats_t size");
_Static_assert(sizeof(netif_dev_stats_t) == 56, "netif_dev_stats_t size");
_Static_assert(__builtin_offsetof(netif_stats_t, dev) == 16, "netif_stats_t layout");
_Static_assert(__builtin_offsetof(netif_stats_t, tx) == 72, "netif_stats_t layout");
_Static_assert(__builtin_offsetof(netif_stats_t, rx) == 112, "netif_stats_t layout");
_Static_assert(__builtin_offsetof(netif_stats_t, bad) == 152, "netif_stats_t layout");
_Static_assert(sizeof(netif_stats_t) == 192, "netif_stats_t size");

#endif
