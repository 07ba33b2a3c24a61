/* A receive batch's ACKs: one per connection, sent when the batch ends (tcp_batchack.c). */
#ifndef NET_TCP_BATCHACK_H
#define NET_TCP_BATCHACK_H

#include <stdint.h>

extern uint32_t tcp_acks_batched;

void tcp_batchack_begin(void);
void tcp_batchack_flush(void);

#endif
