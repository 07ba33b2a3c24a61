/*
 * A receive batch's ACKs: one per connection, built when the batch ends.
 *
 * lwIP acknowledges every second in-order segment at once (tcp_ack in tcp_receive, then the
 * tcp_output at the end of tcp_input). Within a batch of received frames that built a pure ACK
 * for every second segment (a header pbuf from the heap, the TCP and IPv4 checksums, the
 * Ethernet output and netfront's copy into a transmit slot) only for netfront to replace it by
 * the next one (ackmerge.c): every ACK of a batch but the last was built for nothing. So while
 * the net thread takes a batch (tcp_batchack_begin), tcp_in.c's calls of tcp_output (renamed
 * to tcp_input_output by guest/guest.mk) leave a pure ACK owed on an established connection
 * (TF_ACK_NOW stays set, nothing queued to send) and tcp_batchack_flush sends each owed ACK
 * once, within the batch's burst: the wire sees what it saw before (one ACK per connection per
 * batch, now with the batch's final window). Not deferred: an ACK that carries data or goes
 * with a SYN or FIN (a state other than ESTABLISHED), and everything lwIP sends from elsewhere;
 * duplicate and out-of-order segments are acknowledged by tcp_receive itself
 * (tcp_send_empty_ack), never through here, so the peer's fast retransmit sees every
 * duplicate ACK as before. A later segment of the same connection that is not deferred sends
 * the owed ACK with it, as lwIP would.
 *
 * No delayed ACK for a full segment past the batch either. lwIP holds the ACK for a lone
 * segment until its fast timer, up to 250 ms later (TCP_TMR_INTERVAL). A peer in slow start
 * sends one segment and waits for its ACK: QEMU's user network (libslirp) starts every
 * connection with a congestion window of one segment, so every host-to-guest transfer of more
 * than one segment stalled about 220 ms at its start (netbench: 3000 bytes in 218 ms, 64 KB in
 * 220 ms, one segment in 1.7 ms). Linux avoids it with its quick-ACK mode at the start of a
 * connection. So at the batch's end every TCP connection still holding a delayed ACK while at
 * least a full segment (its MSS) lies unread in its socket gets that ACK too. A small request
 * waiting for its answer (one byte on an echo connection) keeps lwIP's delay, so
 * request/response still carries the ACK on the answer.
 */
#include <lwip/priv/tcp_priv.h>
#include <lwip/tcp.h>
#include "sock_impl.h"
#include "tcp_batchack.h"

static int in_batch;
uint32_t tcp_acks_batched; /* ACKs left owed within a batch: /proc/net/lwip TCP_ACKS_BATCHED */

err_t tcp_input_output(struct tcp_pcb *pcb);

err_t tcp_input_output(struct tcp_pcb *pcb)
{
    if (in_batch && pcb->state == ESTABLISHED && (pcb->flags & TF_ACK_NOW) && !pcb->unsent) {
        tcp_acks_batched++;
        return ERR_OK; /* owed: tcp_batchack_flush sends it */
    }
    return tcp_output(pcb);
}

void tcp_batchack_begin(void)
{
    in_batch = 1;
}

void tcp_batchack_flush(void)
{
    in_batch = 0;
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next) {
        const struct sock *s = p->callback_arg;

        if ((p->flags & TF_ACK_NOW) && p->state == ESTABLISHED) {
            tcp_output(p); /* owed within the batch (or owed before: sent the sooner) */
        } else if ((p->flags & TF_ACK_DELAY) && s && s->rx_len >= p->mss) {
            tcp_ack_now(p);
            tcp_output(p);
        }
    }
}
