/* A delayed ACK for a full segment is sent when the receive batch ends (tcp_batchack.c). */
#ifndef NET_TCP_BATCHACK_H
#define NET_TCP_BATCHACK_H

void tcp_batchack_flush(void);

#endif
