/*
 * Transmit ACK merging for netfront. While lwIP takes a batch of received segments it answers
 * every second one with a pure ACK (lwIP's rule, as TCP's), and netfront holds the kick until
 * the batch ends: a 64 KB window's 44 segments queued 22 ACKs for the same connection, each
 * through the hypervisor, the card's emulation and the host's TCP. Only the last says anything
 * the peer needs: an ACK is cumulative, and the later one carries the newer window. So a pure
 * ACK replaces the one queued just before it when both are of the same connection and the new
 * one acknowledges more. Never merged: a duplicate ACK (the same number: the peer's fast
 * retransmit counts them), a segment with data or with SYN, FIN, RST or URG, TCP options
 * (SACK blocks, timestamps), IPv4 options or fragments, and IPv6 (not parsed here). Linux's
 * receive offload (GRO) gives the same effect: one ACK per batch.
 */
#include "ackmerge.h"

#define ETH_HLEN 14
#define PURE_ACK_LEN (ETH_HLEN + 20 + 20)

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A pure ACK: IPv4 without options or fragmentation, TCP without options or data, flags ACK
 * (PSH allowed, it means nothing without data). */
static int pure_ack(const uint8_t *f, uint32_t len)
{
    const uint8_t *ip = f + ETH_HLEN, *tcp = ip + 20;

    if (len < PURE_ACK_LEN || f[12] != 0x08 || f[13] != 0x00)
        return 0;
    if (ip[0] != 0x45 || ip[9] != 6 || (ip[2] << 8 | ip[3]) != 40)
        return 0;
    if (((ip[6] & 0x3f) | ip[7]) != 0) /* MF or a fragment offset */
        return 0;
    if ((tcp[12] >> 4) != 5 || (tcp[13] & ~0x08) != 0x10)
        return 0;
    return 1;
}

int ack_supersedes(const uint8_t *ow, uint32_t olen, const uint8_t *nw, uint32_t nlen)
{
    if (!pure_ack(ow, olen) || !pure_ack(nw, nlen))
        return 0;
    for (int i = 0; i < 12; i++) /* the Ethernet addresses */
        if (ow[i] != nw[i])
            return 0;
    for (int i = 12; i < 20; i++) /* IPv4 source and destination */
        if (ow[ETH_HLEN + i] != nw[ETH_HLEN + i])
            return 0;
    const uint8_t *ot = ow + ETH_HLEN + 20, *nt = nw + ETH_HLEN + 20;
    for (int i = 0; i < 8; i++) /* the ports and the sequence number */
        if (ot[i] != nt[i])
            return 0;
    return (int32_t)(be32(nt + 8) - be32(ot + 8)) > 0;
}
