/*
 * TIME-WAIT under connection churn: lwIP's closed connections kept in bounds.
 *
 * A connection whose side here closed first waits 2*MSL (lwIP's TCP_MSL, 60 s: two minutes) in
 * TIME-WAIT. lwIP bounds those by its pool: when no TCP pcb is left, tcp_alloc drops the oldest
 * TIME-WAIT pcb for the new connection. Our pools come from lwIP's heap (MEMP_MEM_MALLOC), which
 * has no per-pool count, so that never happened: under connection-per-request load (a web
 * server answering "Connection: close") thousands of TIME-WAIT pcbs piled up (2483 after 24 s of
 * 16 concurrent connections), every segment and SYN walked their list, and the host's reused
 * source ports met them: lwIP answers a SYN on a TIME-WAIT connection's four numbers with an ACK
 * or a reset, never a SYN-ACK, so that client waited for its retransmissions until the pcb
 * expired. Requests per second fell from 916 to 30 within 12 s.
 *
 * Two rules, both Linux's:
 *   - at most MEMP_NUM_TCP_PCB pcbs: before a new connection (a SYN reaching a listener, or a
 *     socket being made) and the pool is full, the oldest TIME-WAIT pcb goes (lwIP's own
 *     tcp_kill_timewait rule, which its pool would have applied);
 *   - a new SYN (no ACK, RST or FIN) whose four numbers match a TIME-WAIT pcb and whose
 *     sequence number lies after everything the old connection sent ends that pcb, so the SYN
 *     reaches the listener as a new connection (Linux's tcp_timewait_state_process without
 *     timestamps). An old duplicate SYN lies before rcv_nxt and still gets lwIP's answer.
 * The hooks run inside lwIP's input (lwIP's LWIP_HOOK_* in lwipopts.h); frames are hostile input:
 * every header field is checked against the first pbuf's length before it is read.
 */
#include <lwip/ip.h>
#include <lwip/memp.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/prot/ip4.h>
#include <lwip/prot/ip6.h>
#include <lwip/prot/tcp.h>
#include <lwip/stats.h>
#include <lwip/tcp.h>
#include "lwip_hooks.h"

void tcp_tw_make_room(void)
{
    struct tcp_pcb *p, *oldest = NULL;

    if (lwip_stats.memp[MEMP_TCP_PCB]->used < MEMP_NUM_TCP_PCB)
        return;
    for (p = tcp_tw_pcbs; p; p = p->next)
        if (!oldest || (u32_t)(tcp_ticks - p->tmr) >= (u32_t)(tcp_ticks - oldest->tmr))
            oldest = p;
    if (oldest)
        tcp_abort(oldest); /* a TIME-WAIT pcb is only unlinked and freed: nothing is sent */
}

err_t tcp_tw_inpacket_hook(struct tcp_pcb *pcb, const struct tcp_hdr *hdr)
{
    if (pcb->state == LISTEN && (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK)) == TCP_SYN)
        tcp_tw_make_room();
    return ERR_OK;
}

/* A new connection's SYN (is_new_syn) for the four numbers of a TIME-WAIT pcb: that pcb goes. */
static int is_new_syn(const struct tcp_hdr *h)
{
    return (TCPH_FLAGS(h) & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN;
}

static void syn_on_timewait(const ip_addr_t *src, const ip_addr_t *dst, const struct tcp_hdr *h)
{
    struct tcp_pcb *p;
    u32_t seqno = lwip_ntohl(h->seqno);

    for (p = tcp_tw_pcbs; p; p = p->next) {
        if (p->remote_port != lwip_ntohs(h->src) || p->local_port != lwip_ntohs(h->dest) ||
            !ip_addr_cmp_zoneless(&p->remote_ip, src) || !ip_addr_cmp_zoneless(&p->local_ip, dst))
            continue;
        if (TCP_SEQ_GT(seqno, p->rcv_nxt))
            tcp_abort(p);
        return;
    }
}

int tcp_tw_ip4_input_hook(struct pbuf *p)
{
    const struct ip_hdr *ip = p->payload;
    ip_addr_t src, dst;
    u16_t hlen;

    /* Every received segment passes here: nothing more unless a SYN may meet a TIME-WAIT pcb. */
    if (!tcp_tw_pcbs || p->len < IP_HLEN || IPH_V(ip) != 4 || IPH_PROTO(ip) != IP_PROTO_TCP ||
        (IPH_OFFSET(ip) & PP_HTONS(IP_OFFMASK | IP_MF)))
        return 0;
    hlen = IPH_HL_BYTES(ip);
    if (hlen < IP_HLEN || p->len < hlen + TCP_HLEN)
        return 0;
    const struct tcp_hdr *h = (const struct tcp_hdr *)((const u8_t *)p->payload + hlen);

    if (!is_new_syn(h))
        return 0;
    ip_addr_copy_from_ip4(src, ip->src);
    ip_addr_copy_from_ip4(dst, ip->dest);
    syn_on_timewait(&src, &dst, h);
    return 0; /* lwIP goes on with the frame */
}

int tcp_tw_ip6_input_hook(struct pbuf *p)
{
    const struct ip6_hdr *ip = p->payload;
    ip_addr_t src, dst;

    if (!tcp_tw_pcbs || p->len < IP6_HLEN + TCP_HLEN || IP6H_V(ip) != 6 ||
        IP6H_NEXTH(ip) != IP6_NEXTH_TCP)
        return 0;
    const struct tcp_hdr *h = (const struct tcp_hdr *)((const u8_t *)p->payload + IP6_HLEN);

    if (!is_new_syn(h))
        return 0;
    ip_addr_copy_from_ip6_packed(src, ip->src);
    ip_addr_copy_from_ip6_packed(dst, ip->dest);
    syn_on_timewait(&src, &dst, h);
    return 0;
}
