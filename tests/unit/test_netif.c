/* Unit tests for core/netif.c (the netif backend) on the fake machine: connect and its refusals,
 * each kind of bad request with its status and counter, a received frame copied into a posted
 * buffer, req_prod far ahead, notification suppression by the event indices, and a long random
 * run of good and bad requests after which disconnect leaves every frame count at zero. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_machine.h"
#include "harness.h"
#include "hv/domain.h"
#include "hv/net.h"
#include "hv/net_csum.h"
#include "hv/netif.h"
#include "hv/options.h"
#include "hv/page_type.h"

/* ---- What netif.c needs from the rest of the hypervisor ---- */
struct domain dom0;
volatile uint32_t net_work_pending;
static unsigned raised, printed;
static uint64_t now_ns;

void printk(const char *fmt, ...)
{
    (void)fmt;
    printed++;
}
uint64_t arch_now_ns(void)
{
    return now_ns;
}
const char *errno_name(long err)
{
    (void)err;
    return "-E";
}
void evtchn_raise(struct domain *d, uint32_t port)
{
    (void)d, (void)port;
    raised++;
}
uint32_t arch_irq_unclaimed(unsigned line)
{
    (void)line;
    return 0;
}

static int tx_full;
static unsigned tx_sent, tx_commits, tx_card_csums, tx_last_len;
static uint8_t tx_last[2048];
static struct net_csum tx_last_csum;
static uint8_t *fake_tx_buf(struct net_dev *n, int *err)
{
    (void)n;
    if (tx_full)
        return *err = -XEN_EAGAIN, (uint8_t *)0;
    return tx_last;
}
static void fake_tx_queue(struct net_dev *n, uint32_t len, const struct net_csum *c)
{
    (void)n;
    tx_last_len = len;
    if (c) {
        tx_last_csum = *c;
        tx_card_csums++;
    }
    tx_sent++;
}
static void fake_commit(struct net_dev *n)
{
    (void)n;
    tx_commits++;
}
static void fake_service(struct net_dev *n)
{
    (void)n;
}
static int fake_rx_ready(struct net_dev *n)
{
    (void)n;
    return 0;
}
static const struct net_ops fake_ops = {fake_tx_buf,  fake_tx_queue, fake_commit,
                                        fake_service, fake_service,  fake_rx_ready};
static struct net_dev fake_dev = {
    .ops = &fake_ops, .name = "fake", .model = NETIF_MODEL_E1000, .csum_hw = NET_CSUM_HW_TCP};
struct hv_options hv_opts;

struct net_dev *net_device(unsigned i)
{
    return i == 0 ? &fake_dev : 0;
}
void net_poll(void)
{
    netif_flush();
}

/* ---- The guest's side ---- */
#define TX_RING 1u
#define RX_RING 2u
#define DATA 10u  /* frames 10..29: ordinary data */
#define TABLE 40u /* an L1 */
static netif_tx_ring_t *tx;
static netif_rx_ring_t *rx;
static uint32_t port;
static const char *why;

static void start(void)
{
    fake_machine_reset();
    memset(&dom0, 0, sizeof(dom0));
    evtchn_init(&dom0.evtchn);
    tx = (netif_tx_ring_t *)fake_mem[TX_RING];
    rx = (netif_rx_ring_t *)fake_mem[RX_RING];
    tx_full = 0;
    raised = 0;
    now_ns += 2000000000ull; /* a fresh log window each time */
}

static int connect(void)
{
    return netif_connect(&dom0, 0, TX_RING, RX_RING, &port, &why);
}

static int tx_req(uint32_t addr, uint32_t len, uint16_t id)
{
    uint32_t before = tx->hdr.rsp_prod;
    tx->ring[tx->hdr.req_prod % NETIF_RING_SIZE].req =
        (netif_tx_request_t){addr, (uint16_t)len, id};
    tx->hdr.req_prod++;
    netif_kick(&dom0, 0);
    if (tx->hdr.rsp_prod != before + 1)
        return 1000; /* no response */
    return tx->ring[before % NETIF_RING_SIZE].rsp.status;
}

static int rx_req(uint32_t addr, uint16_t id)
{
    uint32_t before = rx->hdr.rsp_prod;
    rx->ring[rx->hdr.req_prod % NETIF_RING_SIZE].req = (netif_rx_request_t){addr, id, 0};
    rx->hdr.req_prod++;
    netif_kick(&dom0, 0);
    if (rx->hdr.rsp_prod == before)
        return 1000; /* posted, no response yet */
    return rx->ring[before % NETIF_RING_SIZE].rsp.status;
}

static uint32_t type_refs(void)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < FAKE_FRAMES; i++)
        n += frame_table[i].type_count;
    return n;
}

static void stats(netif_stats_t *s)
{
    netif_get_stats(s);
}

TEST(connect_refusals)
{
    start();
    CHECK_EQ(netif_connect(&dom0, 0, TX_RING, TX_RING, &port, &why), -XEN_EINVAL);
    CHECK_EQ(netif_connect(&dom0, 1, TX_RING, RX_RING, &port, &why), -XEN_ENODEV);
    CHECK_EQ(netif_connect(&dom0, 0, FAKE_MAX_MFN + 1, RX_RING, &port, &why), -XEN_EFAULT);
    frame_table[5].owner = 7;
    CHECK_EQ(netif_connect(&dom0, 0, 5, RX_RING, &port, &why), -XEN_EFAULT);
    CHECK_EQ(get_page_and_type(TABLE, FT_L1, 0, &why), 0);
    CHECK_EQ(netif_connect(&dom0, 0, TX_RING, TABLE, &port, &why), -XEN_EPERM);
    frame_table[6].flags |= FF_HV_WRITES;
    CHECK_EQ(netif_connect(&dom0, 0, 6, RX_RING, &port, &why), -XEN_EPERM);
    CHECK_EQ(type_refs(), 1u); /* only the L1's own: every refusal took nothing */
    CHECK_EQ(connect(), 0);
    CHECK_EQ(connect(), -XEN_EBUSY);
    CHECK_EQ(frame_table[TX_RING].type_count, 1u);
    CHECK_EQ(frame_table[RX_RING].type, FT_WRITABLE);
    CHECK_EQ(dom0.evtchn.port[port].state, ECS_DEVICE);
    CHECK(evtchn_close(&dom0.evtchn, port, &why) < 0);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), -XEN_EINVAL);
    CHECK_EQ(dom0.evtchn.port[port].state, ECS_FREE);
    CHECK_EQ(type_refs(), 1u);
    CHECK_EQ(fake_maps_live(), 0u);
    CHECK(fake_error == NULL);
}

TEST(bad_requests)
{
    netif_stats_t s;
    start();
    CHECK_EQ(get_page_and_type(TABLE, FT_L1, 0, &why), 0);
    CHECK_EQ(connect(), 0);
    uint32_t d = DATA << 12;
    memcpy((uint8_t *)fake_mem[DATA] + 100, "frame bytes", 11);
    CHECK_EQ(tx_req(d + 100, 60, 1), 60);
    CHECK_EQ(memcmp(tx_last, "frame bytes", 11), 0);
    CHECK_EQ(tx_req((FAKE_MAX_MFN + 2) << 12, 60, 2), -XEN_EFAULT);
    CHECK_EQ(tx_req(TABLE << 12, 60, 3), -XEN_EPERM);
    CHECK_EQ(tx_req(RX_RING << 12, 60, 4), -XEN_EPERM);
    CHECK_EQ(tx_req(d + 4000, 97, 5), -XEN_EINVAL);
    CHECK_EQ(tx_req(d + 4000, 96, 6), 96); /* exactly to the page end */
    CHECK_EQ(tx_req(d, 13, 7), -XEN_EINVAL);
    CHECK_EQ(tx_req(d, 1515, 8), -XEN_EINVAL);
    CHECK_EQ(tx_req(d, 0, 9), -XEN_EINVAL);
    CHECK_EQ(rx_req(d + 2561, 10), -XEN_EINVAL);
    CHECK_EQ(rx_req(d + 2560, 11), 1000); /* posted */
    CHECK_EQ(rx_req(d + 1100, 12), -XEN_EBUSY);
    CHECK_EQ(rx_req(d, 13), 1000); /* [0, 1536) and [2560, 4096) do not overlap */
    CHECK_EQ(rx_req(TABLE << 12, 14), -XEN_EPERM);
    CHECK_EQ(frame_table[DATA].type_count, 2u);
    /* The posted frame cannot become an L1 now. */
    CHECK(get_page_type(DATA, FT_L1, 0, &why) < 0);
    stats(&s);
    CHECK_EQ(s.bad[NETIF_BAD_NOT_OWNED], 1u);
    CHECK_EQ(s.bad[NETIF_BAD_TYPE], 3u);
    CHECK_EQ(s.bad[NETIF_BAD_STRADDLE], 2u);
    CHECK_EQ(s.bad[NETIF_BAD_LENGTH], 3u);
    CHECK_EQ(s.bad[NETIF_BAD_DUPLICATE], 1u);
    CHECK_EQ(s.rx_posted, 2u);
    CHECK_EQ(s.tx.packets, 2u);
    /* A received frame goes to the oldest posted buffer; its reference goes with the response. */
    uint32_t before = rx->hdr.rsp_prod;
    CHECK_EQ(netif_rx_frame(&fake_dev, "hello, guest", 12), 1);
    netif_flush();
    CHECK_EQ(rx->hdr.rsp_prod, before + 1);
    CHECK_EQ(rx->ring[before % NETIF_RING_SIZE].rsp.id, 11);
    CHECK_EQ(rx->ring[before % NETIF_RING_SIZE].rsp.status, 12);
    CHECK_EQ(memcmp((uint8_t *)fake_mem[DATA] + 2560, "hello, guest", 12), 0);
    CHECK_EQ(frame_table[DATA].type_count, 1u);
    CHECK_EQ(netif_rx_frame(&fake_dev, tx_last, NETIF_RX_BUFFER_SIZE + 1),
             1); /* too long: dropped */
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
    CHECK_EQ(type_refs(), 1u);
    CHECK_EQ(netif_rx_frame(&fake_dev, "late", 4), 1); /* not connected: dropped */
    CHECK_EQ(fake_maps_live(), 0u);
    CHECK(fake_error == NULL);
}

/* An IPv4 frame at DATA: TCP (20-byte header) or UDP, n payload bytes, checksum field 0xbeef. */
static uint32_t ip4_frame(unsigned proto, unsigned n)
{
    uint8_t *f = (uint8_t *)fake_mem[DATA];
    unsigned l4 = proto == 6 ? 20 : 8;
    memset(f, 0, 200);
    f[12] = 0x08;
    f[14] = 0x45;
    f[16] = 0, f[17] = (uint8_t)(20 + l4 + n);
    f[23] = (uint8_t)proto;
    memcpy(f + 26, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    if (proto == 17)
        f[38] = 0, f[39] = (uint8_t)(8 + n);
    f[34 + (proto == 6 ? 16 : 6)] = 0xbe, f[35 + (proto == 6 ? 16 : 6)] = 0xef;
    return 14 + 20 + l4 + n;
}

/* NETIF_TXF_CSUM_BLANK: offered while the card completes TCP (or txcsum=all); TCP goes to the card
 * with its offsets, UDP is completed here, a frame without a checksum and a flag not offered or
 * reserved are refused and counted; the guest's page is never written. */
TEST(tx_checksum)
{
    netif_stats_t s0, s;
    start();
    stats(&s0);
    CHECK_EQ(connect(), 0);
    uint32_t d = DATA << 12, blank = NETIF_TXF_CSUM_BLANK;
    uint8_t *g = (uint8_t *)fake_mem[DATA];
    CHECK_EQ(netif_features(&fake_dev), NETIF_F_TX_CSUM);
    unsigned cards = tx_card_csums, len = ip4_frame(6, 10);
    CHECK_EQ(tx_req(d, len | blank, 1), (int)len);
    CHECK_EQ(tx_card_csums, cards + 1);
    CHECK_EQ(tx_last_csum.start, 34u);
    CHECK_EQ(tx_last_csum.field, 50u);
    CHECK(tx_last[50] != 0xbe);            /* the pseudo-header sum, in the hypervisor's copy */
    CHECK_EQ(g[50] << 8 | g[51], 0xbeefu); /* the guest's own page untouched */
    CHECK_EQ(tx_last_len, len);
    CHECK_EQ(ip4_frame(6, 0), 54u);
    CHECK_EQ(tx_req(d, 60 | blank, 9), 60); /* padded to 60: the card gets the 54 without it */
    CHECK_EQ(tx_last_len, 54u);
    CHECK_EQ(tx_card_csums, cards + 2);
    len = ip4_frame(17, 10);
    CHECK_EQ(tx_req(d, len | blank, 2), (int)len);
    CHECK_EQ(tx_card_csums, cards + 2); /* UDP: not the card's */
    CHECK_EQ(tx_last_len, len);
    CHECK(tx_last[40] != 0xbe);
    CHECK_EQ(tx_req(d, len, 3), (int)len); /* no flag: sent as it is */
    CHECK_EQ(tx_last[40] << 8 | tx_last[41], 0xbeefu);
    CHECK_EQ(tx_req(d, len | 0x4000, 4), -XEN_EINVAL);
    g[13] = 0x06; /* ARP */
    CHECK_EQ(tx_req(d, len | blank, 5), -XEN_EINVAL);
    stats(&s);
    CHECK_EQ(s.bad[NETIF_BAD_FLAGS] - s0.bad[NETIF_BAD_FLAGS], 1u);
    CHECK_EQ(s.bad[NETIF_BAD_CSUM] - s0.bad[NETIF_BAD_CSUM], 1u);
    CHECK_EQ(s.tx.packets - s0.tx.packets, 4u);
    /* A card without an engine: not offered, so the flag is refused... */
    fake_dev.csum_hw = 0;
    CHECK_EQ(netif_features(&fake_dev), 0u);
    len = ip4_frame(6, 10);
    CHECK_EQ(tx_req(d, len | blank, 6), -XEN_EINVAL);
    /* ...unless txcsum=all: then TCP is completed here too. */
    hv_opts.tx_csum = TX_CSUM_ALL;
    CHECK_EQ(tx_req(d, len | blank, 7), (int)len);
    CHECK_EQ(tx_card_csums, cards + 2);
    hv_opts.tx_csum = TX_CSUM_OFF;
    fake_dev.csum_hw = NET_CSUM_HW_TCP;
    CHECK_EQ(netif_features(&fake_dev), 0u);
    CHECK_EQ(tx_req(d, len | blank, 8), -XEN_EINVAL);
    hv_opts.tx_csum = TX_CSUM_CARD;
    stats(&s);
    CHECK_EQ(s.bad[NETIF_BAD_FLAGS] - s0.bad[NETIF_BAD_FLAGS], 3u);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
    CHECK_EQ(fake_maps_live(), 0u);
    CHECK(fake_error == NULL);
}

TEST(indices_far_ahead)
{
    netif_stats_t s0, s;
    start();
    stats(&s0); /* counters run over every connection: compare with these */
    CHECK_EQ(connect(), 0);
    tx->hdr.req_prod = 257;
    netif_kick(&dom0, 0);
    CHECK_EQ(tx->hdr.rsp_prod, 0u);
    tx->hdr.req_prod = 0xffffffffu; /* "behind": just as far ahead, modulo 2^32 */
    netif_kick(&dom0, 0);
    CHECK_EQ(tx->hdr.rsp_prod, 0u);
    rx->hdr.req_prod = 300;
    netif_kick(&dom0, 0);
    stats(&s);
    CHECK_EQ(s.bad[NETIF_BAD_INDEX] - s0.bad[NETIF_BAD_INDEX], 4u); /* kick 3: both rings */
    CHECK_EQ(s.tx.requests + s.rx.requests - s0.tx.requests - s0.rx.requests, 0u);
    /* 256 ahead is allowed: all consumed, all answered (zero-length requests are refused). */
    rx->hdr.req_prod = 0;
    tx->hdr.req_prod = 256;
    netif_kick(&dom0, 0);
    CHECK_EQ(tx->hdr.rsp_prod, 256u);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
    CHECK_EQ(type_refs(), 0u);
}

/* What bounds the ring is requests without a response, not requests unconsumed: 40 buffers
 * posted (consumed, unanswered), then 256 more requests must be refused as a whole, or the
 * posted list would hold 296. */
TEST(outstanding_bound)
{
    netif_stats_t s0, s;
    start();
    stats(&s0);
    CHECK_EQ(connect(), 0);
    for (unsigned i = 0; i < 40; i++)
        rx->ring[i].req =
            (netif_rx_request_t){(DATA + i / 2) << 12 | (i % 2 ? 2560u : 0u), (uint16_t)i, 0};
    rx->hdr.req_prod = 40;
    netif_kick(&dom0, 0);
    stats(&s);
    CHECK_EQ(s.rx_posted, 40u);
    for (unsigned i = 40; i < 296; i++)
        rx->ring[i % 256].req = (netif_rx_request_t){(DATA + 20 + i % 10) << 12, (uint16_t)i, 0};
    rx->hdr.req_prod = 296;
    netif_kick(&dom0, 0);
    stats(&s);
    CHECK_EQ(s.rx_posted, 40u);
    CHECK_EQ(s.bad[NETIF_BAD_INDEX] - s0.bad[NETIF_BAD_INDEX], 1u);
    CHECK_EQ(s.rx.requests - s0.rx.requests, 40u);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
    CHECK_EQ(type_refs(), 0u);
}

TEST(event_indices)
{
    start();
    CHECK_EQ(connect(), 0);
    CHECK_EQ(tx->hdr.req_event, 1u);
    tx->hdr.rsp_event = 1;
    CHECK_EQ(tx_req(DATA << 12, 60, 1), 60);
    CHECK_EQ(raised, 1u);
    CHECK_EQ(tx->hdr.req_event, 2u); /* the next kick is wanted */
    /* The guest does not ask for events past response 1: responses 2 and 3 raise nothing. */
    CHECK_EQ(tx_req(DATA << 12, 60, 2), 60);
    CHECK_EQ(tx_req(DATA << 12, 60, 3), 60);
    CHECK_EQ(raised, 1u);
    tx->hdr.rsp_event = 4;
    CHECK_EQ(tx_req(DATA << 12, 60, 4), 60);
    CHECK_EQ(raised, 2u);
    /* A full device ring: the request waits, nothing is answered, then it goes. */
    tx_full = 1;
    CHECK_EQ(tx_req(DATA << 12, 60, 5), 1000);
    tx_full = 0;
    netif_flush();
    CHECK_EQ(tx->hdr.rsp_prod, 5u);
    CHECK_EQ(tx->ring[4].rsp.status, 60);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
}

/* The receive ring's req_event asks for a kick only while the hypervisor has no buffer: buffers
 * posted meanwhile are taken from the ring when the posted list runs dry, without a kick. */
static void rx_post_quiet(uint32_t addr, uint16_t id)
{
    rx->ring[rx->hdr.req_prod % NETIF_RING_SIZE].req = (netif_rx_request_t){addr, id, 0};
    rx->hdr.req_prod++;
}

TEST(rx_kicks_only_when_dry)
{
    start();
    CHECK_EQ(connect(), 0);
    CHECK_EQ(rx->hdr.req_event, 1u); /* the first buffer is wanted at once */
    rx_post_quiet(DATA << 12, 1);
    rx_post_quiet((DATA << 12) + 2048, 2);
    netif_kick(&dom0, 0);
    /* Two buffers in hand: the guest's next post needs no kick (its rule never fires). */
    uint32_t ev = rx->hdr.req_event, prod = rx->hdr.req_prod;
    CHECK(ev - (prod + NETIF_RING_SIZE) < 0x80000000u); /* beyond any req_prod it may write */
    CHECK_EQ(netif_rx_frame(&fake_dev, "one", 3), 1);
    rx_post_quiet((DATA + 1) << 12, 3); /* the guest reposts, without kicking */
    CHECK_EQ(netif_rx_frame(&fake_dev, "two", 3), 1);
    /* The list is empty now: the third frame takes buffer 3 from the ring itself. */
    CHECK_EQ(netif_rx_frame(&fake_dev, "three", 5), 1);
    CHECK_EQ(rx->hdr.rsp_prod, 0u); /* not published before the flush */
    netif_flush();
    CHECK_EQ(rx->hdr.rsp_prod, 3u);
    CHECK_EQ(rx->ring[2].rsp.id, 3u);
    CHECK_EQ(rx->ring[2].rsp.status, 5);
    /* Dry and nothing posted: the frame stays with the device, and the next post must kick. */
    CHECK_EQ(netif_rx_frame(&fake_dev, "four", 4), 0);
    CHECK_EQ(rx->hdr.req_event, rx->hdr.req_prod + 1);
    rx_post_quiet((DATA + 2) << 12, 4);
    netif_kick(&dom0, 0);
    CHECK_EQ(netif_rx_frame(&fake_dev, "four", 4), 1);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
    CHECK_EQ(type_refs(), 0u);
}

/* Random good and bad requests, kicks, received frames and insane indices; the hypervisor's
 * references always equal the rings plus the posted buffers, and nothing is left at the end. */
/* Posted buffers are found by frame (POSTED_BUCKETS is 4 here, so frames DATA..DATA+19 share
 * buckets): an overlap with any posted buffer is refused wherever it stands in its bucket, two
 * halves of one page and buffers of frames that share a bucket are accepted, and a buffer taken
 * by a received frame leaves its bucket, so the same address may be posted again. */
TEST(posted_by_frame)
{
    netif_stats_t s0, s;
    start();
    stats(&s0);
    CHECK_EQ(connect(), 0);
    for (uint32_t i = 0; i < 20; i++) {
        CHECK_EQ(rx_req((DATA + i) << 12, (uint16_t)(2 * i)), 1000);
        CHECK_EQ(rx_req(((DATA + i) << 12) + 2048, (uint16_t)(2 * i + 1)), 1000);
    }
    for (uint32_t i = 0; i < 20; i++) {
        CHECK_EQ(rx_req(((DATA + i) << 12) + 1, 100), -XEN_EBUSY);
        CHECK_EQ(rx_req(((DATA + i) << 12) + 2047, 101), -XEN_EBUSY);
        CHECK_EQ(rx_req(((DATA + i) << 12) + 2048, 102), -XEN_EBUSY);
    }
    stats(&s);
    CHECK_EQ(s.rx_posted, 40u);
    CHECK_EQ(s.bad[NETIF_BAD_DUPLICATE] - s0.bad[NETIF_BAD_DUPLICATE], 60u);
    /* Frames take the 30 oldest buffers: those of DATA..DATA+14; the others stay posted. */
    for (uint32_t i = 0; i < 30; i++)
        CHECK_EQ(netif_rx_frame(&fake_dev, "frame", 5), 1);
    netif_flush();
    for (uint32_t i = 0; i < 15; i++) {
        CHECK_EQ(rx_req(((DATA + i) << 12) + 1000, (uint16_t)(200 + i)), 1000);
        CHECK_EQ(rx_req(((DATA + i) << 12) + 2000, 300), -XEN_EBUSY); /* overlaps the new one */
    }
    for (uint32_t i = 15; i < 20; i++)
        CHECK_EQ(rx_req(((DATA + i) << 12) + 1000, 400), -XEN_EBUSY); /* still posted */
    stats(&s);
    CHECK_EQ(s.rx_posted, 25u);
    CHECK_EQ(s.bad[NETIF_BAD_DUPLICATE] - s0.bad[NETIF_BAD_DUPLICATE], 80u);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
    CHECK_EQ(type_refs(), 0u);
    CHECK(fake_error == NULL);
}

TEST(random_run)
{
    netif_stats_t s0, s;
    start();
    stats(&s0);
    srand(12);
    CHECK_EQ(get_page_and_type(TABLE, FT_L1, 0, &why), 0);
    CHECK_EQ(connect(), 0);
    uint32_t rx_cons = 0, tx_cons = 0;
    for (unsigned step = 0; step < 20000; step++) {
        unsigned r = (unsigned)rand();
        uint32_t mfn =
            (r >> 4) % 8 == 0 ? (uint32_t)rand() % FAKE_FRAMES : DATA + (uint32_t)rand() % 20;
        uint32_t addr = mfn << 12 | ((uint32_t)rand() % 4096);
        switch (r % 6) {
        case 0:
        case 1:
            if (tx->hdr.req_prod - tx_cons < NETIF_RING_SIZE) {
                tx->ring[tx->hdr.req_prod % 256].req =
                    (netif_tx_request_t){addr, (uint16_t)(rand() % 1600), (uint16_t)step};
                tx->hdr.req_prod++;
            }
            break;
        case 2:
            if (rx->hdr.req_prod - rx_cons < NETIF_RING_SIZE) {
                rx->ring[rx->hdr.req_prod % 256].req =
                    (netif_rx_request_t){addr & ~0x7ffu, (uint16_t)step, 0};
                rx->hdr.req_prod++;
            }
            break;
        case 3:
            netif_kick(&dom0, 0);
            break;
        case 4:
            netif_rx_frame(&fake_dev, tx_last, 14 + (uint32_t)rand() % 1523);
            netif_flush();
            break;
        case 5: { /* an insane index, kicked, then put back */
            uint32_t keep = tx->hdr.req_prod;
            tx->hdr.req_prod = (uint32_t)rand();
            netif_kick(&dom0, 0);
            if (tx->hdr.req_prod - tx->hdr.rsp_prod > NETIF_RING_SIZE)
                tx->hdr.req_prod = keep;
            break;
        }
        }
        /* The guest reads what came back. */
        tx_cons = tx->hdr.rsp_prod;
        rx_cons = rx->hdr.rsp_prod;
        stats(&s);
        if (type_refs() != 3 + s.rx_posted || s.rx_posted > NETIF_RING_SIZE ||
            tx->hdr.rsp_prod - tx_cons > 0 ||
            (uint32_t)(rx->hdr.req_prod - rx->hdr.rsp_prod) > 256) {
            CHECK_EQ(type_refs(), 3 + s.rx_posted);
            break;
        }
    }
    stats(&s);
    CHECK(s.rx.packets - s0.rx.packets > 100);
    CHECK(s.tx.packets - s0.tx.packets > 100);
    CHECK(s.bad[NETIF_BAD_INDEX] - s0.bad[NETIF_BAD_INDEX] > 100);
    CHECK_EQ(netif_disconnect(&dom0, 0, &why), 0);
    CHECK_EQ(type_refs(), 1u);
    for (unsigned i = 0; i < FAKE_FRAMES; i++)
        if (i != TABLE && frame_table[i].count) {
            CHECK_EQ(frame_table[i].count, 0u);
            break;
        }
    CHECK_EQ(fake_maps_live(), 0u);
    CHECK(fake_error == NULL);
}

RUN_TESTS(T(connect_refusals), T(bad_requests), T(tx_checksum), T(indices_far_ahead),
          T(outstanding_bound), T(event_indices), T(rx_kicks_only_when_dry), T(posted_by_frame),
          T(random_run))
