/*
 * TCP's control segments tried again from lwIP's timer when lwIP's heap had no room for them.
 *
 * lwIP sends a delayed ACK from its fast timer (every 250 ms) and clears the ACK flags whether the
 * segment could be allocated or not: a failed ACK from tcp_input is kept for one try at the next
 * tick, a failed try in the timer is forgotten. A peer waiting for that ACK (in slow start, or at
 * the end of what it sends) then waits for its retransmission timer, a second or more. Linux
 * retries an ACK it could not allocate from its delayed-ACK timer until it goes. So do we: lwIP's
 * tcp_tmr is compiled under another name (guest/guest.mk) and this one runs the delayed ACKs
 * first; an ACK that could not go (tcp_output failed and left TF_ACK_NOW) is hidden from lwIP's
 * fast timer, which would drop it, and owed again at the next tick (our flag bit: lwIP 2.1.3's
 * use 0x0001-0x1000). Segments whose output failed for memory (TF_NAGLEMEMERR: a SYN-ACK or data
 * the interface could not take) go again at the next tick too (lwIP's tcp_txnow, which lwIP
 * itself never calls), not at the retransmission timeout. SYNs dropped for memory are replayed
 * from here (tcp_synretry.c).
 *
 * lwIP counts retransmissions (MIB-II's tcpRetransSegs) only for fast retransmits: the timer's
 * are counted here, so /proc/net/lwip's TCP_RETRANS_SEGS says what a loss cost.
 */
#include <lwip/priv/tcp_priv.h>
#include <lwip/stats.h>
#include <lwip/tcp.h>
#include "lwip_faults.h"
#include "tcp_retry.h"

void lwip_tcp_tmr(void);
void tcp_rexmit_rto_counted(struct tcp_pcb *pcb);

#define TF_ACK_OWED 0x8000U
_Static_assert(sizeof(tcpflags_t) >= 2, "lwIP's pcb flags have room for TF_ACK_OWED");

uint32_t tcp_acks_retried;

void tcp_rexmit_rto_counted(struct tcp_pcb *pcb)
{
    MIB2_STATS_INC(mib2.tcpretranssegs);
    tcp_rexmit_rto_commit(pcb);
}

uint32_t tcp_retrans_segs(void)
{
    return lwip_stats.mib2.tcpretranssegs;
}

void tcp_tmr(void)
{
    enum lwip_site was = lwip_site;
    struct tcp_pcb *p;

    lwip_site = LWIP_SITE_TIMER;
    tcp_synretry_tick();
    tcp_txnow();
    for (p = tcp_active_pcbs; p; p = p->next) {
        if (!(p->flags & TF_ACK_DELAY))
            continue;
        tcp_ack_now(p);
        if (tcp_output(p) != ERR_OK && (p->flags & TF_ACK_NOW)) {
            tcp_clear_flags(p, TF_ACK_DELAY | TF_ACK_NOW);
            tcp_set_flags(p, TF_ACK_OWED);
            tcp_acks_retried++;
        }
    }
    lwip_tcp_tmr();
    for (p = tcp_active_pcbs; p; p = p->next)
        if (p->flags & TF_ACK_OWED) {
            tcp_clear_flags(p, TF_ACK_OWED);
            tcp_set_flags(p, TF_ACK_DELAY);
        }
    lwip_site = was;
}
