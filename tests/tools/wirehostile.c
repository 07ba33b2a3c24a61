/* wirehostile: hostile frames from the wire against the guest's network stack, through a QEMU
 * socket netdev (image/qemu.sh NET_WIRE=PORT:PEER: the card, the user network and this program
 * on one hub). Every datagram sent to 127.0.0.1:PORT is one frame on the hub; frames from the
 * hub arrive on 127.0.0.1:PEER. Only 127.0.0.1 is ever addressed.
 *
 *   wirehostile PORT PEER [SEED [CLASS...]]     (all classes without CLASS)
 *
 * The frames come from a made-up host (MAC 02:00:00:00:00:32, IPv4 10.0.2.50, answered ARP
 * requests for it), or from made-up addresses no one answers, to the guest (52:54:00:12:34:56,
 * 10.0.2.15, fe80::5054:ff:fe12:3456), one class after the other, each a line "CLASS: N frames":
 *   junk      random bytes, to the guest's MAC and to broadcast, 1..1514 bytes
 *   ip4       IPv4 headers truncated, version/IHL wrong, lengths beyond or short of the frame,
 *             bad header checksums, options with bad lengths, TTL 0, broadcast/multicast sources
 *   tcp       headers truncated, data offsets too small or beyond the segment, bad checksums,
 *             options with zero, overlong and odd lengths (MSS, window scale 255, SACK,
 *             timestamps), flag soup (SYN+FIN, SYN+RST, all, none), RSTs and ACKs out of window,
 *             to the listening ports 7 and 19 and to a closed one
 *   udp       headers truncated, lengths beyond or short of the packet, bad checksums, to echod
 *   icmp      truncated, bad checksums, echo requests of every size, errors quoting junk
 *   frag      overlapping, duplicate, past 65535, never completed, 8-byte fragments by the
 *             hundred, completed overlapping datagrams to echod
 *   ip6       truncated headers, payload lengths wrong, extension header chains (hop-by-hop with
 *             bad option lengths, routing, fragment), neighbour and router messages with
 *             zero-length and overlong options, bad checksums
 *   arp       truncated, wrong hardware/protocol lengths and types (never about the gateway)
 *   big       frames of 1515..9000 bytes
 *   flip      valid TCP, UDP, ICMP and IPv6 packets with random bytes changed
 *   synflood  SYNs to the listening port 19 from thousands of ports of 10.0.2.50 and from
 *             addresses no one answers ARP for
 * then "wirehostile: N frames sent, M ARP requests answered". Exit status 0 unless the socket
 * failed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t host_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x32};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
#define GUEST_IP 0x0a00020fu /* 10.0.2.15 */
#define HOST_IP 0x0a000232u  /* 10.0.2.50 */

static int sock;
static struct sockaddr_in port_addr;
static unsigned long sent, arp_answered, class_sent;
static uint64_t rng;

static uint32_t rnd(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 33);
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)(p[n - 1] << 8);
    return s;
}

static unsigned csum(const uint8_t *p, size_t n, uint32_t s)
{
    s = sum16(p, n, s);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return ~s & 0xffff;
}

/* Answer ARP requests for 10.0.2.50 that arrived meanwhile (others are read and dropped). */
static void answer_arp(void)
{
    uint8_t f[2048], r[42];
    ssize_t n;

    while ((n = recv(sock, f, sizeof f, MSG_DONTWAIT)) > 0) {
        if (n < 42 || f[12] != 0x08 || f[13] != 0x06 || f[21] != 1 ||
            memcmp(f + 38, "\x0a\x00\x02\x32", 4) != 0)
            continue;
        memcpy(r, f + 6, 6);
        memcpy(r + 6, host_mac, 6);
        memcpy(r + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x02", 10);
        memcpy(r + 22, host_mac, 6);
        memcpy(r + 28, f + 38, 4);
        memcpy(r + 32, f + 22, 10);
        send(sock, r, sizeof r, 0);
        arp_answered++;
    }
}

static void send_frame(const uint8_t *f, size_t n)
{
    if (n == 0)
        return; /* an empty datagram would end QEMU's stream */
    if (send(sock, f, n, 0) < 0 && errno != ENOBUFS) {
        perror("wirehostile: send");
        exit(1);
    }
    sent++;
    class_sent++;
    if (sent % 8 == 0) {
        answer_arp();
        usleep(1000); /* the card's ring is 256 frames; TCG takes its time */
    }
}

static void class_done(const char *name)
{
    printf("%s: %lu frames\n", name, class_sent);
    fflush(stdout);
    class_sent = 0;
}

static size_t eth(uint8_t *f, const uint8_t *dst, unsigned type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, host_mac, 6);
    put16(f + 12, type);
    return 14;
}

/* An IPv4 header at f+14 for len bytes of payload; returns the payload's offset. */
static size_t ip4(uint8_t *f, uint32_t src, unsigned proto, size_t len, unsigned frag)
{
    uint8_t *ip = f + 14;

    eth(f, guest_mac, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (unsigned)(20 + len));
    put16(ip + 4, rnd() & 0xffff);
    put16(ip + 6, frag);
    ip[8] = 64;
    ip[9] = (uint8_t)proto;
    put32(ip + 12, src);
    put32(ip + 16, GUEST_IP);
    put16(ip + 10, csum(ip, 20, 0));
    return 34;
}

static void ip4_resum(uint8_t *f)
{
    uint8_t *ip = f + 14;
    size_t hl = (size_t)(ip[0] & 15) * 4;

    put16(ip + 10, 0);
    put16(ip + 10, csum(ip, hl < 20 ? 20 : hl, 0));
}

/* The TCP or UDP checksum of the segment at f+off (len bytes) over the IPv4 pseudo-header. */
static unsigned l4sum(const uint8_t *f, size_t off, size_t len, unsigned proto)
{
    uint32_t s = sum16(f + 26, 8, 0) + proto + (uint32_t)len;

    return csum(f + off, len, s);
}

/* A TCP segment: header (with optlen option bytes from opt) and payload; whole frame length. */
static size_t tcp(uint8_t *f, uint32_t src, unsigned sport, unsigned dport, uint32_t seq,
                  uint32_t ack, unsigned flags, const uint8_t *opt, size_t optlen, const char *data)
{
    size_t dl = data ? strlen(data) : 0, hl = 20 + ((optlen + 3) & ~(size_t)3);
    size_t off = ip4(f, src, 6, hl + dl, 0x4000);
    uint8_t *t = f + off;

    memset(t, 0, hl);
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = (uint8_t)((hl / 4) << 4);
    t[13] = (uint8_t)flags;
    put16(t + 14, 29200);
    if (optlen)
        memcpy(t + 20, opt, optlen);
    if (dl)
        memcpy(t + hl, data, dl);
    put16(t + 16, l4sum(f, off, hl + dl, 6));
    return off + hl + dl;
}

static size_t udp(uint8_t *f, uint32_t src, unsigned sport, unsigned dport, const char *data,
                  size_t dl)
{
    size_t off = ip4(f, src, 17, 8 + dl, 0);
    uint8_t *u = f + off;

    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (unsigned)(8 + dl));
    put16(u + 6, 0);
    memcpy(u + 8, data, dl);
    put16(u + 6, l4sum(f, off, 8 + dl, 17));
    return off + 8 + dl;
}

static size_t icmp_echo(uint8_t *f, size_t dl)
{
    size_t off = ip4(f, HOST_IP, 1, 8 + dl, 0);
    uint8_t *m = f + off;

    memset(m, 0, 8 + dl);
    m[0] = 8;
    put16(m + 4, 0x77);
    put16(m + 6, rnd() & 0xffff);
    for (size_t i = 0; i < dl; i++)
        m[8 + i] = (uint8_t)i;
    put16(m + 2, csum(m, 8 + dl, 0));
    return off + 8 + dl;
}

static void junk(void)
{
    uint8_t f[1514];

    for (int i = 0; i < 150; i++) {
        size_t n = 1 + rnd() % sizeof f;

        for (size_t k = 0; k < n; k++)
            f[k] = (uint8_t)rnd();
        if (n >= 14) {
            memcpy(f, i % 3 ? guest_mac : bcast, 6);
            if (i % 2)
                put16(f + 12, i % 4 == 1 ? 0x0800 : 0x86dd);
        }
        send_frame(f, n);
    }
    class_done("junk");
}

static void ip4_class(void)
{
    uint8_t f[1600];

    for (size_t n = 14; n < 34; n++) { /* truncated headers */
        ip4(f, HOST_IP, 17, 0, 0);
        send_frame(f, n);
    }
    for (unsigned v = 0; v < 16; v++) { /* version and IHL */
        ip4(f, HOST_IP, 17, 8, 0);
        f[14] = (uint8_t)(v << 4 | (v & 1 ? 5 : rnd() % 16));
        ip4_resum(f);
        send_frame(f, 42);
    }
    for (int i = 0; i < 24; i++) { /* total length beyond, short of, inside the header */
        static const unsigned lens[] = {0, 1, 19, 20, 21, 27, 28, 29, 60, 61, 1500, 65535};
        size_t n = udp(f, HOST_IP, 4000, 7, "length", 6);

        put16(f + 16, lens[i % 12]);
        if (i >= 12)
            f[14] = 0x4f; /* IHL 15: 60 bytes of header */
        ip4_resum(f);
        send_frame(f, n);
    }
    for (int i = 0; i < 8; i++) { /* bad header checksums */
        size_t n = udp(f, HOST_IP, 4000, 7, "badsum", 6);

        f[24] ^= (uint8_t)(1 + i);
        send_frame(f, n);
    }
    for (int i = 0; i < 16; i++) { /* options: zero, overlong and odd lengths, then UDP */
        uint8_t *ip = f + 14;
        size_t n;

        eth(f, guest_mac, 0x0800);
        memset(ip, 0, 60);
        ip[0] = 0x40 | (uint8_t)(6 + i % 10);
        n = (size_t)(ip[0] & 15) * 4;
        put16(ip + 2, (unsigned)(n + 8));
        ip[8] = 64;
        ip[9] = 17;
        put32(ip + 12, HOST_IP);
        put32(ip + 16, GUEST_IP);
        ip[20] = (uint8_t)(i % 2 ? 0x94 : 0x07); /* router alert / record route */
        ip[21] = (uint8_t)(i % 4 == 0 ? 0 : i % 4 == 1 ? 255 : (unsigned)i);
        ip4_resum(f);
        put16(f + 14 + n, 4000);
        put16(f + 14 + n + 2, 7);
        put16(f + 14 + n + 4, 8);
        send_frame(f, 14 + n + 8);
    }
    for (int i = 0; i < 8; i++) { /* TTL 0, broadcast/multicast/own/loopback sources */
        static const uint32_t srcs[] = {0xffffffffu, 0xe0000001u, GUEST_IP,    0x7f000001u,
                                        0x00000000u, 0x0a0002ffu, 0xf0000001u, HOST_IP};
        size_t n = udp(f, srcs[i], 4000, 7, "source", 6);

        if (i == 7)
            f[22] = 0;
        ip4_resum(f);
        send_frame(f, n);
    }
    class_done("ip4");
}

static void tcp_class(void)
{
    static const uint8_t opts[][12] = {
        {2, 0},                          /* MSS, length 0 */
        {2, 1},                          /* length 1 */
        {2, 40, 5, 180},                 /* overlong */
        {2, 4, 0, 0},                    /* MSS 0 */
        {2, 4, 0, 1},                    /* MSS 1 */
        {3, 3, 255, 1},                  /* window scale 255 */
        {3, 2, 1, 1},                    /* window scale, short */
        {4, 2, 5, 10, 0, 0, 0, 1},       /* SACK permitted, SACK block cut */
        {8, 10, 0, 0, 0, 1, 0, 0, 0, 0}, /* timestamps */
        {8, 3, 1, 1},                    /* timestamps, short */
        {30, 0, 1, 1},                   /* unknown, length 0 */
        {30, 255, 1, 1},                 /* unknown, overlong */
    };
    static const unsigned ports[] = {7, 19, 5999};
    uint8_t f[1600];

    for (int p = 0; p < 3; p++) {
        unsigned dport = ports[p];

        for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++) {
            send_frame(
                f, tcp(f, HOST_IP, 30000 + (unsigned)o, dport, rnd(), 0, 0x02, opts[o], 12, NULL));
        }
        for (unsigned fl = 0; fl < 64; fl += 3) /* flag soup, with and without data */
            send_frame(f, tcp(f, HOST_IP, 31000 + fl, dport, rnd(), rnd(), fl, NULL, 0,
                              fl & 8 ? "data" : NULL));
        for (size_t n = 34; n < 54; n++) { /* truncated headers */
            tcp(f, HOST_IP, 32000, dport, rnd(), 0, 0x02, NULL, 0, NULL);
            send_frame(f, n);
        }
        for (unsigned doff = 0; doff < 16; doff++) { /* data offsets */
            size_t n = tcp(f, HOST_IP, 33000 + doff, dport, rnd(), 0, 0x02, NULL, 0, "xy");

            f[46] = (uint8_t)(doff << 4);
            put16(f + 50, 0);
            put16(f + 50, l4sum(f, 34, n - 34, 6));
            send_frame(f, n);
        }
        for (int i = 0; i < 6; i++) { /* bad checksums */
            size_t n = tcp(f, HOST_IP, 34000 + (unsigned)i, dport, rnd(), 0, 0x02, NULL, 0, NULL);

            f[50] ^= (uint8_t)(1 + i);
            send_frame(f, n);
        }
    }
    class_done("tcp");
}

static void udp_class(void)
{
    uint8_t f[1600];

    for (size_t n = 34; n < 42; n++) {
        udp(f, HOST_IP, 4001, 7, "x", 1);
        send_frame(f, n);
    }
    for (unsigned l = 0; l < 20; l++) { /* UDP length field */
        size_t n = udp(f, HOST_IP, 4002, 7, "udplength", 9);

        put16(f + 38, l < 10 ? l : 17 + l * 100);
        put16(f + 40, 0);
        send_frame(f, n);
    }
    for (int i = 0; i < 6; i++) { /* bad checksums, then a zero one (none: valid) */
        size_t n = udp(f, HOST_IP, 4003, 7, "udpsum", 6);

        if (i < 5)
            f[40] ^= (uint8_t)(1 + i);
        else
            put16(f + 40, 0);
        send_frame(f, n);
    }
    class_done("udp");
}

static void icmp_class(void)
{
    uint8_t f[1600];

    for (size_t n = 34; n < 42; n++) {
        icmp_echo(f, 0);
        send_frame(f, n);
    }
    for (size_t dl = 0; dl < 1472; dl += 97)
        send_frame(f, icmp_echo(f, dl));
    for (int i = 0; i < 4; i++) {
        size_t n = icmp_echo(f, 32);

        f[36] ^= 0x55;
        send_frame(f, n);
    }
    for (int t = 0; t < 20; t++) { /* errors and others quoting junk */
        size_t off = ip4(f, HOST_IP, 1, 8 + 28, 0);

        for (int k = 0; k < 36; k++)
            f[off + k] = (uint8_t)rnd();
        f[off] = (uint8_t)(t < 12 ? (uint32_t)t : rnd());
        f[off + 8] = 0x45;
        put16(f + off + 2, 0);
        put16(f + off + 2, csum(f + off, 36, 0));
        send_frame(f, off + 36);
    }
    class_done("icmp");
}

/* One fragment of datagram id: [off, off+len) of a UDP datagram to echod, total bytes total. */
static void frag(uint8_t *f, unsigned id, size_t off, size_t len, int more, uint32_t src)
{
    size_t o = ip4(f, src, 17, len, (unsigned)(off / 8) | (more ? 0x2000 : 0));

    put16(f + 18, id);
    for (size_t k = 0; k < len; k++)
        f[o + k] = (uint8_t)(k + off);
    if (off == 0 && len >= 8) {
        put16(f + o, 4004);
        put16(f + o + 2, 7);
        put16(f + o + 4, 8 + 64);
        put16(f + o + 6, 0);
    }
    ip4_resum(f);
    send_frame(f, o + len);
}

static void frag_class(void)
{
    uint8_t f[1600];
    unsigned id = 0x6000;

    for (int i = 0; i < 10; i++, id++) { /* overlapping pairs */
        frag(f, id, 0, 800, 1, HOST_IP);
        frag(f, id, 400 + (size_t)i * 8, 800, i % 2, HOST_IP);
    }
    for (int i = 0; i < 5; i++, id++) { /* duplicates, then the end */
        frag(f, id, 0, 64, 1, HOST_IP);
        frag(f, id, 0, 64, 1, HOST_IP);
        frag(f, id, 64, 16, 0, HOST_IP);
    }
    for (int i = 0; i < 5; i++, id++) /* past 65535 */
        frag(f, id, 65528 - (size_t)i * 8, 200, i % 2, HOST_IP);
    for (int i = 0; i < 10; i++, id++) /* never completed */
        frag(f, id, 8 + (size_t)i * 8, 64, 1, HOST_IP);
    for (size_t k = 0; k < 200; k++) /* 8-byte fragments by the hundred */
        frag(f, id, k * 8, 8, 1, HOST_IP);
    id++;
    for (int i = 0; i < 5; i++, id++) { /* completed, overlapping: last, middle, first */
        frag(f, id, 48, 24, 0, HOST_IP);
        frag(f, id, 16, 40, 1, HOST_IP);
        frag(f, id, 0, 24, 1, HOST_IP);
    }
    for (int i = 0; i < 30; i++, id++) /* many datagrams at once, from unanswered sources */
        frag(f, id, 0, 16, 1, 0x0a0002c8u + (uint32_t)(i % 40));
    class_done("frag");
}

static size_t ip6(uint8_t *f, const uint8_t *dst_mac, unsigned next, size_t len, int mcast)
{
    static const uint8_t src6[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 0x32};
    static const uint8_t guest6[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                       0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56};
    static const uint8_t allnodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    uint8_t *h = f + 14;

    eth(f, dst_mac, 0x86dd);
    memset(h, 0, 40);
    h[0] = 0x60;
    put16(h + 4, (unsigned)len);
    h[6] = (uint8_t)next;
    h[7] = 255;
    memcpy(h + 8, src6, 16);
    memcpy(h + 24, mcast ? allnodes : guest6, 16);
    return 54;
}

static unsigned icmp6sum(const uint8_t *f, size_t len)
{
    uint32_t s = sum16(f + 22, 32, 0) + (uint32_t)len + 58;

    return csum(f + 54, len, s);
}

static void ip6_class(void)
{
    static const uint8_t mcast_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
    uint8_t f[1600];

    for (size_t n = 14; n < 54; n += 3) {
        ip6(f, guest_mac, 59, 0, 0);
        send_frame(f, n);
    }
    for (int i = 0; i < 8; i++) { /* payload lengths wrong */
        ip6(f, guest_mac, 58, 0, 0);
        put16(f + 18, i < 4 ? 1000u * (unsigned)(i + 1) : 65535);
        memset(f + 54, 0, 16);
        send_frame(f, 70);
    }
    for (int i = 0; i < 24; i++) { /* extension chains: hop-by-hop options, routing, fragment */
        size_t o = ip6(f, guest_mac, i % 3 == 0 ? 0 : i % 3 == 1 ? 43 : 44, 64, i % 5 == 0);
        uint8_t *x = f + o;

        for (int k = 0; k < 64; k++)
            x[k] = (uint8_t)rnd();
        x[0] = (uint8_t)(i % 4 == 0 ? 0 : i % 4 == 1 ? 43 : i % 4 == 2 ? 44 : 58);
        x[1] = (uint8_t)(i % 2 ? 255 : rnd() % 8);
        if (i % 3 == 0) { /* hop-by-hop: pad/unknown options with bad lengths */
            x[2] = (uint8_t)(i % 2 ? 1 : 0xc2);
            x[3] = (uint8_t)(i % 2 ? 200 : 0);
        }
        send_frame(f, o + 64);
    }
    for (int i = 0; i < 24; i++) { /* neighbour discovery with bad options */
        static const unsigned types[] = {133, 134, 135, 136, 137};
        unsigned type = types[i % 5];
        size_t hl = type == 134 ? 16 : type == 137 ? 40 : type == 133 ? 8 : 24;
        size_t len = hl + 16 + (size_t)(i % 3) * 32;
        size_t o = ip6(f, i % 2 ? mcast_mac : guest_mac, 58, len, i % 2);
        uint8_t *m = f + o;

        memset(m, 0, len);
        m[0] = (uint8_t)type;
        for (size_t k = 4; k < hl; k++)
            m[k] = (uint8_t)rnd();
        if (type == 134) /* router lifetime 0: not a default router (whose unanswered neighbour */
            put16(m + 6, 0); /* entry lwIP keeps, with its queue, for that lifetime) */
        m[hl] = (uint8_t)(i % 6 == 0 ? 3 : 1 + i % 5); /* prefix info, source LL, ... */
        m[hl + 1] = (uint8_t)(i % 4 == 0 ? 0 : i % 4 == 1 ? 255 : 4);
        if (m[hl] == 3) {
            m[hl + 2] = (uint8_t)(i % 2 ? 200 : 64); /* prefix length */
            m[hl + 3] = 0xc0;
            /* Lifetimes 0: a prefix a router may announce, but no address to leave behind. */
            memset(m + hl + 4, 0, 8);
        }
        put16(m + 2, icmp6sum(f, len));
        send_frame(f, o + len);
    }
    for (int i = 0; i < 6; i++) { /* bad ICMPv6 checksums: an echo request */
        size_t o = ip6(f, guest_mac, 58, 16, 0);

        memset(f + o, 0, 16);
        f[o] = 128;
        put16(f + o + 2, icmp6sum(f, 16) ^ (unsigned)(1 + i));
        send_frame(f, o + 16);
    }
    class_done("ip6");
}

static void arp_class(void)
{
    uint8_t f[64];

    for (size_t n = 14; n < 42; n += 2) {
        eth(f, bcast, 0x0806);
        memset(f + 14, 0xa5, 28);
        send_frame(f, n);
    }
    for (int i = 0; i < 24; i++) {
        eth(f, i % 2 ? bcast : guest_mac, 0x0806);
        memcpy(f + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
        memcpy(f + 22, host_mac, 6);
        put32(f + 28, 0x0a0002c8u + (uint32_t)i);
        memset(f + 32, 0, 6);
        put32(f + 38, GUEST_IP);
        switch (i % 6) {
        case 0:
            f[18] = 0;
            break; /* hardware length 0 */
        case 1:
            f[19] = 255;
            break; /* protocol length 255 */
        case 2:
            put16(f + 14, 0x1234);
            break; /* hardware type */
        case 3:
            put16(f + 16, 0x86dd);
            break; /* protocol type */
        case 4:
            put16(f + 20, 7);
            break; /* operation */
        default:
            put32(f + 28, 0xffffffffu); /* broadcast sender */
        }
        send_frame(f, 42 + (size_t)(i % 3) * 9);
    }
    class_done("arp");
}

static void big_class(void)
{
    static uint8_t f[9000];
    static const size_t sizes[] = {1515, 1518, 1522, 1536, 2048, 4096, 8192, 9000};

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = udp(f, HOST_IP, 4005, 7, "big", 3);

        memset(f + n, 0x5a, sizes[i] - n);
        put16(f + 16, (unsigned)(sizes[i] - 14));
        ip4_resum(f);
        send_frame(f, sizes[i]);
    }
    class_done("big");
}

static void flip_class(void)
{
    uint8_t f[1600], base[1600];

    for (int i = 0; i < 600; i++) {
        size_t n;

        switch (i % 4) {
        case 0:
            n = tcp(base, HOST_IP, 35000 + (unsigned)i, 7, rnd(), 0, 0x02, NULL, 0, NULL);
            break;
        case 1:
            n = udp(base, HOST_IP, 4006, 7, "flip flop", 9);
            break;
        case 2:
            n = icmp_echo(base, 40);
            break;
        default:
            n = ip6(base, guest_mac, 58, 16, 0) + 16;
            memset(base + 54, 0, 16);
            base[54] = 128;
        }
        memcpy(f, base, n);
        for (int k = 0, flips = 1 + (int)(rnd() % 4); k < flips; k++)
            f[12 + rnd() % (n - 12)] ^= (uint8_t)(1u << (rnd() % 8));
        send_frame(f, n);
    }
    class_done("flip");
}

static void synflood(void)
{
    uint8_t f[128];
    static const uint8_t mss[4] = {2, 4, 5, 180};

    for (unsigned i = 0; i < 3000; i++)
        send_frame(f, tcp(f, HOST_IP, 10000 + i, 19, rnd(), 0, 0x02, mss, 4, NULL));
    for (unsigned i = 0; i < 300; i++) /* from addresses no one answers ARP for */
        send_frame(f, tcp(f, 0x0a0002c8u + i % 50, 20000 + i, 19, rnd(), 0, 0x02, mss, 4, NULL));
    class_done("synflood");
}

int main(int argc, char **argv)
{
    struct sockaddr_in me;

    if (argc < 3) {
        fprintf(stderr,
                "usage: wirehostile PORT PEER [SEED [CLASS...]] (see tests/tools/wirehostile.c)\n");
        return 2;
    }
    rng = argc > 3 ? strtoull(argv[3], NULL, 0) : 12;
    sock = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&me, 0, sizeof me);
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    me.sin_port = htons((unsigned short)atoi(argv[2]));
    port_addr = me;
    port_addr.sin_port = htons((unsigned short)atoi(argv[1]));
    if (sock < 0 || bind(sock, (struct sockaddr *)&me, sizeof me) ||
        connect(sock, (struct sockaddr *)&port_addr, sizeof port_addr)) {
        perror("wirehostile: socket");
        return 1;
    }
    static const struct {
        const char *name;
        void (*run)(void);
    } classes[] = {{"junk", junk},       {"ip4", ip4_class},    {"tcp", tcp_class},
                   {"udp", udp_class},   {"icmp", icmp_class},  {"frag", frag_class},
                   {"ip6", ip6_class},   {"arp", arp_class},    {"big", big_class},
                   {"flip", flip_class}, {"synflood", synflood}};
    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++) {
        int wanted = argc <= 4;

        for (int a = 4; a < argc; a++)
            wanted |= strcmp(argv[a], classes[c].name) == 0;
        if (wanted)
            classes[c].run();
    }
    answer_arp();
    printf("wirehostile: %lu frames sent, %lu ARP requests answered\n", sent, arp_answered);
    return 0;
}
