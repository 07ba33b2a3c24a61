/*
 * A SYN that TCP dropped for want of memory is given to it again at the next timer ticks.
 *
 * lwIP answers a SYN to a listener by allocating the new connection's pcb and its SYN-ACK; when
 * either allocation fails it drops the SYN and keeps nothing, "relying on the sender to
 * retransmit" it: a client then waits its SYN retransmission, 1 s, 3 s or 6 s. Linux keeps the
 * request in its SYN queue and retries the SYN-ACK from a timer. Here lwIP's tcp_input is
 * compiled under another name (guest/guest.mk) and this one stands in front of it: it copies each
 * SYN (the IP and TCP headers, with any options; a SYN rarely carries more) before TCP sees it;
 * when TCP then counted a memory error, no pcb holds the four numbers and a listener has the
 * port, the copy is kept and replayed through ip_input at the next ticks of TCP's timer (250 ms,
 * for up to 3 s, tcp_retry.c), until a pcb exists. The new connection's pcb is allocated
 * here before TCP runs (tcp_pcbres.c says why); when it cannot be, the SYN is dropped here, as
 * lwIP would, and kept the same way. A few slots: a flood of SYNs while
 * memory is short keeps lwIP's answer for the rest. The replayed frame is a pbuf of our own
 * (PBUF_REF over the slot): nothing is allocated to give it back.
 */
#include <lib/string.h>
#include <lwip/ip.h>
#include <lwip/netif.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/prot/tcp.h>
#include <lwip/stats.h>
#include <lwip/tcp.h>
#include "lwip_faults.h"
#include "tcp_retry.h"

void lwip_tcp_input(struct pbuf *p, struct netif *inp);

#define SLOTS 8
#define SYN_MAX 128 /* IP header (IPv6 with extension headers too) and TCP header with options */
#define REPLAYS 12  /* 3 s of ticks: lwIP's first SYN retransmission, Linux's second */

struct syn_slot {
    struct pbuf_custom pc; /* first: lwIP's free function gets the pbuf's address */
    u8_t state;            /* FREE, KEPT (waiting for its tick) or LENT (lwIP holds the pbuf) */
    u8_t tries;
    u8_t netif_idx;
    u16_t len;
    u16_t sport, dport;
    ip_addr_t src, dst;
    u8_t data[SYN_MAX];
};

enum { FREE, KEPT, LENT };

static struct syn_slot slots[SLOTS];
static struct syn_slot *replaying; /* the slot whose SYN TCP is being given again */
static int replay_dropped;
uint32_t tcp_syns_replayed;

static int same_four(const struct tcp_pcb *p, const ip_addr_t *src, const ip_addr_t *dst,
                     u16_t sport, u16_t dport)
{
    return p->remote_port == sport && p->local_port == dport &&
           ip_addr_cmp_zoneless(&p->remote_ip, src) && ip_addr_cmp_zoneless(&p->local_ip, dst);
}

/* Did TCP keep a connection for this SYN, and is anyone listening on its port? */
static int connection_for(const ip_addr_t *src, const ip_addr_t *dst, u16_t sport, u16_t dport)
{
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
        if (same_four(p, src, dst, sport, dport))
            return 1;
    return 0;
}

static int listener_for(u16_t dport)
{
    for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
        if (l->local_port == dport)
            return 1;
    return 0;
}

static void slot_free(struct pbuf *p)
{
    ((struct syn_slot *)p)->state = FREE;
}

/* The IP packet of the SYN in p (TCP header at p->payload, the IP header just before it in the
 * same pbuf, as ip4_input and ip6_input leave them) into a free slot: the slot, or NULL. */
static struct syn_slot *keep_copy(const struct pbuf *p, struct netif *inp, const ip_addr_t *src,
                                  const ip_addr_t *dst, u16_t sport, u16_t dport)
{
    const u8_t *ip = ip_current_is_v6() ? (const u8_t *)ip6_current_header()
                                        : (const u8_t *)ip4_current_header();
    u16_t hlen = ip_current_header_tot_len();

    struct syn_slot *room = NULL;

    if (!ip || p->next || ip + hlen != (const u8_t *)p->payload || hlen + p->len > SYN_MAX)
        return NULL;
    for (unsigned i = 0; i < SLOTS; i++) {
        struct syn_slot *s = &slots[i];

        if (s->state == FREE && !room)
            room = s;
        else if (s->state != FREE && s->sport == sport && s->dport == dport &&
                 ip_addr_cmp_zoneless(&s->src, src) && ip_addr_cmp_zoneless(&s->dst, dst))
            return NULL; /* this connection's SYN is kept already */
    }
    if (room) {
        struct syn_slot *s = room;

        memcpy(s->data, ip, hlen);
        memcpy(s->data + hlen, p->payload, p->len);
        s->len = (u16_t)(hlen + p->len);
        s->netif_idx = netif_get_index(inp);
        s->tries = 0;
        s->sport = sport;
        s->dport = dport;
        ip_addr_copy(s->src, *src);
        ip_addr_copy(s->dst, *dst);
    }
    return room;
}

void tcp_input(struct pbuf *p, struct netif *inp)
{
    const struct tcp_hdr *h = p->payload;
    struct syn_slot *copy = NULL;
    enum lwip_site was = lwip_site;
    ip_addr_t src, dst;
    u16_t sport, dport;
    u32_t memerr;

    if (p->len < TCP_HLEN || (TCPH_FLAGS(h) & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN) {
        lwip_tcp_input(p, inp);
        return;
    }
    ip_addr_copy(src, *ip_current_src_addr());
    ip_addr_copy(dst, *ip_current_dest_addr());
    sport = lwip_ntohs(h->src);
    dport = lwip_ntohs(h->dest);
    if (!replaying)
        copy = keep_copy(p, inp, &src, &dst, sport, dport);
    memerr = lwip_stats.tcp.memerr;
    lwip_site = LWIP_SITE_SYN;
    if (listener_for(dport) && !connection_for(&src, &dst, sport, dport) && tcp_pcb_reserve()) {
        TCP_STATS_INC(tcp.memerr); /* no pcb for it: dropped, as lwIP's tcp_listen_input would */
        pbuf_free(p);
    } else {
        lwip_tcp_input(p, inp); /* p is TCP's now */
        tcp_pcb_unreserve();
    }
    lwip_site = was;
    if (lwip_stats.tcp.memerr == memerr || connection_for(&src, &dst, sport, dport) ||
        !listener_for(dport))
        return;
    if (replaying)
        replay_dropped = 1;
    else if (copy)
        copy->state = KEPT;
}

void tcp_synretry_tick(void)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        struct syn_slot *s = &slots[i];
        struct netif *n = netif_get_by_index(s->netif_idx);
        struct pbuf *p;

        if (s->state != KEPT)
            continue;
        if (!n || connection_for(&s->src, &s->dst, s->sport, s->dport)) {
            s->state = FREE; /* the interface has gone, or the client's own SYN got through */
            continue;
        }
        s->pc.custom_free_function = slot_free;
        p = pbuf_alloced_custom(PBUF_RAW, s->len, PBUF_REF, &s->pc, s->data, s->len);
        s->state = LENT;
        s->tries++;
        tcp_syns_replayed++;
        replaying = s;
        replay_dropped = 0;
        ip_input(p, n); /* frees p, or hands it on */
        replaying = NULL;
        if (replay_dropped && s->state == FREE && s->tries < REPLAYS)
            s->state = KEPT;
    }
}
