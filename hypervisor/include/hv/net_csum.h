/* Transmit checksums the guest left blank (NETIF_TXF_CSUM_BLANK, ABI §13): the frame's parse and
 * pseudo-header sum, then the sum's completion by the card or by core/net_csum.c. */
#ifndef HV_NET_CSUM_H
#define HV_NET_CSUM_H

#include <stdint.h>

#define NET_CSUM_TCP 6
#define NET_CSUM_UDP 17

/* Where a frame's TCP or UDP checksum goes, from net_csum_prepare. */
struct net_csum {
    uint16_t start; /* the TCP/UDP header's first byte: the card's checksum start */
    uint16_t field; /* the checksum field's offset */
    uint16_t end;   /* one past the IP datagram's last byte (what follows is padding) */
    uint8_t proto;  /* NET_CSUM_TCP or NET_CSUM_UDP */
    uint8_t ipv4;   /* 1: IPv4, 0: IPv6 */
};

/* Parses the frame, which must be the hypervisor's own copy: the guest could change its page
 * between a check and a use. Accepts what ABI §13 lists and stores the pseudo-header's sum
 * (folded, not complemented) in the checksum field: what a card's checksum engine expects
 * there, summing from start to the end of the frame it is given, which is the frame cut at end
 * (padding is not summed). 0, or why the frame cannot have its checksum completed (nothing is
 * written then). */
const char *net_csum_prepare(uint8_t *frame, uint32_t len, struct net_csum *c);

/* Completes a prepared checksum in software: the complement of the sum over [start, end), a UDP
 * result of 0 sent as 0xffff. */
void net_csum_complete(uint8_t *frame, const struct net_csum *c);

/* The one's-complement sum of len bytes as 16-bit words in memory order, added to sum, not yet
 * folded (RFC 1071). */
uint32_t net_csum_add(uint32_t sum, const uint8_t *p, uint32_t len);

#endif
