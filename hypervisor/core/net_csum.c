/*
 * Transmit checksums the guest left blank (ABI §13, NETIF_TXF_CSUM_BLANK): the parse of the
 * hypervisor's own copy of the frame, the pseudo-header sum computed from those bytes alone, and
 * the completion in software where the card has no checksum engine (virtio-net behind QEMU's
 * user network) or is not trusted with the case (a UDP sum of 0 must go out as 0xffff). Sums
 * are kept in memory byte order (RFC 1071: the one's-complement sum does not depend on it), so
 * a stored result is the checksum's big-endian bytes. Pure computation on a buffer: the host
 * unit test compiles this file as it is (tests/unit/test_net_csum.c).
 */
#include "hv/net_csum.h"
#include "lib/string.h"

#define ETH_HLEN 14
#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define IPV4_HLEN_MIN 20
#define IPV6_HLEN 40
#define TCP_HLEN_MIN 20
#define UDP_HLEN 8

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t add_carry(uint32_t sum, uint32_t w)
{
    sum += w;
    return sum + (sum < w);
}

static uint16_t fold(uint32_t sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* 32 bytes per iteration on an add-with-carry chain (under TCG each taken branch ends a block,
 * so a branch per word would cost more than the adds): the guest's netcsum loop, which the
 * hypervisor replaces when it completes a checksum in software. */
uint32_t net_csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
    uint32_t blocks = len / 32;

    if (blocks) {
        __asm__("clc\n"
                "1:\n\t"
                "adcl 0(%[p]), %[sum]\n\t"
                "adcl 4(%[p]), %[sum]\n\t"
                "adcl 8(%[p]), %[sum]\n\t"
                "adcl 12(%[p]), %[sum]\n\t"
                "adcl 16(%[p]), %[sum]\n\t"
                "adcl 20(%[p]), %[sum]\n\t"
                "adcl 24(%[p]), %[sum]\n\t"
                "adcl 28(%[p]), %[sum]\n\t"
                "lea 32(%[p]), %[p]\n\t"
                "decl %[blocks]\n\t"
                "jnz 1b\n\t"
                "adcl $0, %[sum]"
                : [sum] "+r"(sum), [p] "+r"(p), [blocks] "+r"(blocks)
                : "m"(*(const uint8_t(*)[len])p)
                : "cc");
    }
    for (len %= 32; len >= 4; len -= 4, p += 4) {
        uint32_t w;
        __builtin_memcpy(&w, p, 4); /* one load, not a call (-fno-builtin) */
        sum = add_carry(sum, w);
    }
    if (len >= 2) {
        uint16_t h;
        __builtin_memcpy(&h, p, 2);
        sum = add_carry(sum, h);
        p += 2;
        len -= 2;
    }
    if (len) /* an odd last byte pairs with a zero: the low byte of a memory-order word */
        sum = add_carry(sum, *p);
    return sum;
}

/* A value as the 16-bit word whose bytes in memory are its big-endian form. */
static uint32_t net16(uint32_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    uint16_t w;
    __builtin_memcpy(&w, b, 2);
    return w;
}

const char *net_csum_prepare(uint8_t *f, uint32_t len, struct net_csum *c)
{
    const uint32_t ip = ETH_HLEN;
    uint32_t start, end, sum;

    if (len < ETH_HLEN + IPV4_HLEN_MIN)
        return "frame too short for an IP header";
    uint32_t type = be16(f + 12);
    if (type == ETH_P_IPV4) {
        uint32_t hlen = (f[ip] & 0xfu) * 4, total = be16(f + ip + 2);
        if (f[ip] >> 4 != 4)
            return "IPv4 ethertype but IP version not 4";
        if (hlen < IPV4_HLEN_MIN)
            return "IPv4 header length below 20";
        if (total < hlen || ip + total > len)
            return "IPv4 header or total length runs past the frame";
        if (be16(f + ip + 6) & 0x3fff)
            return "an IPv4 fragment";
        c->proto = f[ip + 9];
        c->ipv4 = 1;
        start = ip + hlen;
        end = ip + total;
        sum = net_csum_add(0, f + ip + 12, 8); /* source and destination addresses */
    } else if (type == ETH_P_IPV6) {
        if (len < ETH_HLEN + IPV6_HLEN)
            return "frame too short for an IPv6 header";
        if (f[ip] >> 4 != 6)
            return "IPv6 ethertype but IP version not 6";
        start = ip + IPV6_HLEN;
        end = start + be16(f + ip + 4);
        if (end > len)
            return "IPv6 payload length runs past the frame";
        c->proto = f[ip + 6];
        c->ipv4 = 0;
        sum = net_csum_add(0, f + ip + 8, 32);
    } else {
        return "not IPv4 or IPv6";
    }
    uint32_t l4len = end - start;
    if (c->proto == NET_CSUM_TCP) {
        if (l4len < TCP_HLEN_MIN)
            return "TCP header runs past the IP payload";
        c->field = (uint16_t)(start + 16);
    } else if (c->proto == NET_CSUM_UDP) {
        if (l4len < UDP_HLEN)
            return "UDP header runs past the IP payload";
        if (be16(f + start + 4) != l4len)
            return "UDP length differs from the IP payload's";
        c->field = (uint16_t)(start + 6);
    } else {
        return c->ipv4
                   ? "IPv4 payload neither TCP nor UDP"
                   : "IPv6 next header neither TCP nor UDP (extension headers are not followed)";
    }
    c->start = (uint16_t)start;
    c->end = (uint16_t)end;
    sum = add_carry(sum, net16(c->proto));
    sum = add_carry(sum, net16(l4len));
    uint16_t pseudo = fold(sum);
    __builtin_memcpy(f + c->field, &pseudo, 2);
    return 0;
}

void net_csum_complete(uint8_t *f, const struct net_csum *c)
{
    uint16_t sum = (uint16_t)~fold(net_csum_add(0, f + c->start, (uint32_t)(c->end - c->start)));
    if (sum == 0 && c->proto == NET_CSUM_UDP)
        sum = 0xffff; /* RFC 768: 0 would say "no checksum" */
    __builtin_memcpy(f + c->field, &sum, 2);
}
