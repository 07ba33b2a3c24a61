/* Unit tests for core/net_csum.c (transmit checksums the guest left blank, ABI §13): frames of
 * every accepted kind (IPv4 with and without options, IPv6, TCP and UDP, padded) are prepared
 * and completed both ways, by the software sum and by a model of the card's engine (QEMU's e1000:
 * the sum from the start to the frame's end, with the prepared field in it), and checked against
 * RFC 1071/768/8200's definition computed here independently, big-endian word by word (padding
 * after the datagram, which the guest may leave as it likes, is never summed); a UDP
 * datagram whose sum is 0 goes out as 0xffff; every refusal leaves the frame untouched. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hv/net_csum.h"

static uint8_t frame[1600], saved[1600];

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t words(const uint8_t *p, unsigned n, uint32_t sum)
{
    for (unsigned i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static unsigned fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/* 1 if the TCP/UDP checksum of the datagram at ip (IPv4 or IPv6) verifies: the sum over the
 * pseudo-header and the segment, field included, is 0xffff (RFC 1071). */
static int verifies(const uint8_t *ip)
{
    uint32_t sum;
    unsigned start, len, proto;
    if (ip[0] >> 4 == 4) {
        start = (ip[0] & 15u) * 4;
        len = get16(ip + 2) - start;
        proto = ip[9];
        sum = words(ip + 12, 8, 0);
    } else {
        start = 40;
        len = get16(ip + 4);
        proto = ip[6];
        sum = words(ip + 8, 32, 0);
    }
    sum += proto + len;
    return fold(words(ip + start, len, sum)) == 0xffff;
}

/* Ethernet + IPv4 (hlen bytes of header, options zero) + TCP or UDP with n payload bytes. */
static unsigned build4(unsigned proto, unsigned hlen, unsigned n)
{
    unsigned l4 = proto == 6 ? 20 : 8;
    memset(frame, 0, sizeof(frame));
    memcpy(frame, "\x52\x54\x00\x12\x34\x56\x52\x54\x00\x12\x34\x57", 12);
    put16(frame + 12, 0x0800);
    uint8_t *ip = frame + 14;
    ip[0] = (uint8_t)(0x40 | hlen / 4);
    put16(ip + 2, hlen + l4 + n);
    put16(ip + 6, 0x4000); /* don't fragment: not a fragment */
    ip[8] = 64;
    ip[9] = (uint8_t)proto;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\xc0\xa8\x01\xfe", 8);
    uint8_t *h = ip + hlen;
    put16(h, 7);
    put16(h + 2, 40001);
    if (proto == 6)
        h[12] = 0x50;
    else
        put16(h + 4, 8 + n);
    for (unsigned i = 0; i < n; i++)
        h[l4 + i] = (uint8_t)(rand() >> 3);
    return 14 + hlen + l4 + n;
}

static unsigned build6(unsigned proto, unsigned n)
{
    unsigned l4 = proto == 6 ? 20 : 8;
    memset(frame, 0, sizeof(frame));
    put16(frame + 12, 0x86dd);
    uint8_t *ip = frame + 14;
    ip[0] = 0x60;
    put16(ip + 4, l4 + n);
    ip[6] = (uint8_t)proto;
    ip[7] = 64;
    for (unsigned i = 8; i < 40; i++)
        ip[i] = (uint8_t)(0xfe + i * 7);
    uint8_t *h = ip + 40;
    put16(h, 7);
    put16(h + 2, 40001);
    if (proto == 6)
        h[12] = 0x50;
    else
        put16(h + 4, 8 + n);
    for (unsigned i = 0; i < n; i++)
        h[l4 + i] = (uint8_t)(rand() >> 3);
    return 14 + 40 + l4 + n;
}

/* QEMU's e1000 engine: one's-complement sum from the start to the frame's end, complemented. */
static void card_completes(unsigned len, const struct net_csum *c)
{
    unsigned sum = fold(words(frame + c->start, len - c->start, 0));
    put16(frame + c->field, ~sum & 0xffff);
}

/* Prepares the frame (the guest's field set to junk first), completes it one way, checks it. */
static int round_trip(unsigned len, unsigned pad, int by_card, unsigned *field)
{
    struct net_csum c;
    for (unsigned i = 0; i < pad; i++)
        frame[len + i] = (uint8_t)(0xa5 + i); /* padding the guest left: not summed */
    if (net_csum_prepare(frame, len + pad, &c))
        return 0;
    if (c.end != len)
        return 0;
    if (by_card)
        card_completes(c.end, &c); /* the backend hands the card the frame without padding */
    else
        net_csum_complete(frame, &c);
    *field = get16(frame + c.field);
    return verifies(frame + 14);
}

TEST(ipv4_tcp_udp_every_length)
{
    unsigned field;
    for (unsigned by_card = 0; by_card < 2; by_card++)
        for (unsigned n = 0; n <= 1460; n += (n < 64 ? 1 : 37)) {
            unsigned len = build4(6, 20, n);
            put16(frame + 14 + 20 + 16, 0xdead);
            CHECK(round_trip(len, len < 60 ? 60 - len : 0, (int)by_card, &field));
            len = build4(17, 20, n > 1472 ? 1472 : n);
            CHECK(round_trip(len, len < 60 ? 60 - len : 0, (int)by_card, &field));
        }
}

TEST(ipv4_options_and_ipv6)
{
    unsigned field;
    unsigned len = build4(6, 24, 100);
    frame[14 + 20] = 0x94; /* a router alert option */
    frame[14 + 21] = 4;
    CHECK(round_trip(len, 0, 0, &field));
    len = build4(17, 60, 33);
    CHECK(round_trip(len, 0, 1, &field));
    for (unsigned n = 0; n < 1440; n += 53) {
        len = build6(6, n);
        CHECK(round_trip(len, 0, n & 1, &field));
        len = build6(17, n);
        CHECK(round_trip(len, len < 60 ? 60 - len : 0, 0, &field));
    }
}

/* A UDP datagram whose checksum computes to 0 (its sum is 0xffff) goes out as 0xffff; the same
 * bytes over TCP keep 0, which TCP allows. */
TEST(udp_zero_sum_sent_as_ffff)
{
    unsigned field;
    for (unsigned v6 = 0; v6 < 2; v6++) {
        unsigned len = v6 ? build6(17, 2) : build4(17, 20, 2);
        unsigned pay = len - 2;
        put16(frame + pay, 0);
        struct net_csum c;
        memcpy(saved, frame, len);
        CHECK(net_csum_prepare(frame, len, &c) == 0);
        net_csum_complete(frame, &c);
        /* Choose the payload word that makes the whole sum 0xffff: it adds exactly the
         * checksum computed with the word at 0. */
        unsigned ck = get16(frame + c.field);
        memcpy(frame, saved, len);
        put16(frame + pay, ck);
        CHECK(round_trip(len, 0, 0, &field));
        CHECK_EQ(field, 0xffffu);
        memcpy(frame, saved, len);
        put16(frame + pay, ck);
        CHECK(round_trip(len, 0, 1, &field)); /* the card model gives 0: why UDP is not its */
        CHECK_EQ(field, 0u);
    }
}

static const char *refused(unsigned len)
{
    struct net_csum c;
    memcpy(saved, frame, sizeof(frame));
    const char *why = net_csum_prepare(frame, len, &c);
    if (why && memcmp(saved, frame, sizeof(frame)) != 0)
        return "a refusal wrote to the frame";
    return why;
}

TEST(refusals)
{
    unsigned len = build4(6, 20, 10);
    CHECK(refused(len) == 0);
    len = build4(6, 20, 10);
    CHECK_STR(refused(33), "frame too short for an IP header");
    put16(frame + 12, 0x0806);
    CHECK_STR(refused(len), "not IPv4 or IPv6");
    put16(frame + 12, 0x8100); /* a VLAN tag */
    CHECK_STR(refused(len), "not IPv4 or IPv6");
    len = build4(6, 20, 10);
    frame[14] = 0x65;
    CHECK_STR(refused(len), "IPv4 ethertype but IP version not 4");
    frame[14] = 0x44;
    CHECK_STR(refused(len), "IPv4 header length below 20");
    frame[14] = 0x4f; /* 60 bytes of header in a 50-byte datagram */
    CHECK_STR(refused(len), "IPv4 header or total length runs past the frame");
    frame[14] = 0x45;
    put16(frame + 16, 51);
    CHECK_STR(refused(len), "IPv4 header or total length runs past the frame");
    put16(frame + 16, 39);
    CHECK_STR(refused(len), "TCP header runs past the IP payload");
    len = build4(6, 20, 10);
    put16(frame + 20, 0x2000); /* more fragments */
    CHECK_STR(refused(len), "an IPv4 fragment");
    put16(frame + 20, 0x0001); /* offset 8 */
    CHECK_STR(refused(len), "an IPv4 fragment");
    len = build4(1, 20, 10); /* ICMP */
    CHECK_STR(refused(len), "IPv4 payload neither TCP nor UDP");
    len = build4(17, 20, 10);
    put16(frame + 14 + 20 + 4, 17);
    CHECK_STR(refused(len), "UDP length differs from the IP payload's");
    put16(frame + 16, 27);
    CHECK_STR(refused(len), "UDP header runs past the IP payload");
    len = build6(6, 10);
    CHECK_STR(refused(53), "frame too short for an IPv6 header");
    frame[14] = 0x40;
    CHECK_STR(refused(len), "IPv6 ethertype but IP version not 6");
    len = build6(6, 10);
    put16(frame + 18, 31);
    CHECK_STR(refused(len), "IPv6 payload length runs past the frame");
    len = build6(6, 10);
    frame[20] = 0; /* a hop-by-hop options header */
    CHECK_STR(refused(len),
              "IPv6 next header neither TCP nor UDP (extension headers are not followed)");
    len = build6(17, 10);
    put16(frame + 18, 7);
    CHECK_STR(refused(len), "UDP header runs past the IP payload");
}

/* net_csum_add against the word-by-word definition, every length and alignment. */
TEST(sum_every_length)
{
    static uint8_t buf[1600 + 4];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(rand() >> 5);
    for (unsigned off = 0; off < 4; off++)
        for (unsigned n = 0; n <= 1600; n++) {
            uint32_t s = net_csum_add(0, buf + off, n);
            uint16_t mem = (uint16_t)fold(s);
            unsigned got = (unsigned)(mem & 0xff) << 8 | mem >> 8; /* memory order to value */
            if (got != fold(words(buf + off, n, 0)) &&
                !(got == 0xffff && fold(words(buf + off, n, 0)) == 0) &&
                !(got == 0 && fold(words(buf + off, n, 0)) == 0xffff))
                CHECK_EQ(got, fold(words(buf + off, n, 0)));
        }
}

RUN_TESTS(T(ipv4_tcp_udp_every_length), T(ipv4_options_and_ipv6), T(udp_zero_sum_sent_as_ffff),
          T(refusals), T(sum_every_length))
