/*
 * No delayed ACK across a receive batch for a full segment. lwIP acknowledges every second
 * segment at once and holds the ACK for a lone one until its fast timer, up to 250 ms later
 * (TCP_TMR_INTERVAL). A peer in slow start sends one segment and waits for its ACK: QEMU's
 * user network (libslirp) starts every connection with a congestion window of one segment,
 * so every host-to-guest transfer of more than one segment stalled about 220 ms at its start
 * (netbench: 3000 bytes in 218 ms, 64 KB in 220 ms, one segment in 1.7 ms). Linux avoids it
 * with its quick-ACK mode at the start of a connection.
 *
 * So when the net thread has taken a batch of received frames, every TCP connection still
 * holding a delayed ACK while at least a full segment (its MSS) lies unread in its socket gets
 * that ACK now, within the batch's burst (so netfront merges it with the batch's other ACKs).
 * A small request waiting for its answer (one byte on an echo connection) keeps lwIP's delay,
 * so request/response still carries the ACK on the answer.
 */
#include <lwip/priv/tcp_priv.h>
#include <lwip/tcp.h>
#include "sock_impl.h"
#include "tcp_batchack.h"

void tcp_batchack_flush(void)
{
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next) {
        const struct sock *s = p->callback_arg;

        if ((p->flags & TF_ACK_DELAY) && s && s->rx_len >= p->mss) {
            tcp_ack_now(p);
            tcp_output(p);
        }
    }
}
