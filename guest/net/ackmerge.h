/* Pure TCP ACKs that make an earlier one redundant (ackmerge.c). */
#ifndef NET_ACKMERGE_H
#define NET_ACKMERGE_H

#include <stdint.h>

/* 1 if the Ethernet frame nw (nlen bytes) may replace the frame ow (olen bytes) queued before
 * it: both pure IPv4 TCP ACKs without options of one connection, at the same sequence number,
 * and nw acknowledges strictly more. Anything else (data, SYN/FIN/RST, options, fragments, IPv6,
 * a duplicate ACK, a malformed frame) is 0. */
int ack_supersedes(const uint8_t *ow, uint32_t olen, const uint8_t *nw, uint32_t nlen);

#endif
