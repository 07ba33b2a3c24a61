/* TCP's control segments tried again from lwIP's timer (tcp_retry.c, tcp_synretry.c). */
#ifndef NET_TCP_RETRY_H
#define NET_TCP_RETRY_H

#include <stdint.h>

extern uint32_t tcp_acks_retried;  /* delayed ACKs that could not go and were kept for a tick */
extern uint32_t tcp_syns_replayed; /* SYNs dropped for memory, given to TCP again */
uint32_t tcp_retrans_segs(void);   /* every retransmitted segment, the timer's too */
void tcp_synretry_tick(void);
/* A pcb for lwIP's next tcp_alloc, allocated before lwIP runs (tcp_pcbres.c): 0, or -1 when the
 * heap has none; unreserve frees it if lwIP did not take it. */
int tcp_pcb_reserve(void);
void tcp_pcb_unreserve(void);

#endif
