/*
 * TCP initial sequence numbers (RFC 6528), through lwIP's LWIP_HOOK_TCP_ISN.
 *
 * lwIP's own ISN is a counter that starts at 6510 and grows by its 500-ms tick count at each
 * connection: anyone can predict it (blind injection into a connection), and while the tick
 * count is 0 every connection starts at 6510, so a new connection on a TIME-WAIT connection's
 * four numbers never comes after the old one (guest/net/tcp_timewait.c's rule then cannot take
 * it). RFC 6528 instead: ISN = M + F(local address and port, remote address and port, secret),
 * M a clock that ticks every 4.096 microseconds (nanoseconds >> 12), F a keyed hash: here
 * SipHash-2-4 with a 128-bit key drawn from the kernel's random source at the first connection.
 * Successive connections on the same four numbers get increasing ISNs (M), different four numbers
 * unrelated ones (F).
 */
#include <kernel/random.h>
#include <lwip/ip_addr.h>
#include <pv/time.h>
#include "lwip_hooks.h"

static uint64_t key[2];
static int keyed;

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                  \
    do {                                                          \
        v0 += v1, v1 = ROTL(v1, 13), v1 ^= v0, v0 = ROTL(v0, 32); \
        v2 += v3, v3 = ROTL(v3, 16), v3 ^= v2;                    \
        v0 += v3, v3 = ROTL(v3, 21), v3 ^= v0;                    \
        v2 += v1, v1 = ROTL(v1, 17), v1 ^= v2, v2 = ROTL(v2, 32); \
    } while (0)

/* SipHash-2-4 of n 64-bit words (the message's length is a multiple of 8 bytes). */
static uint64_t siphash(const uint64_t *m, unsigned n)
{
    uint64_t v0 = key[0] ^ 0x736f6d6570736575ull, v1 = key[1] ^ 0x646f72616e646f6dull;
    uint64_t v2 = key[0] ^ 0x6c7967656e657261ull, v3 = key[1] ^ 0x7465646279746573ull;
    uint64_t b = (uint64_t)(n * 8) << 56;

    for (unsigned i = 0; i < n; i++) {
        v3 ^= m[i];
        SIPROUND;
        SIPROUND;
        v0 ^= m[i];
    }
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* An address as 16 bytes (IPv4 in the first 4), into two words. */
static void addr_words(const ip_addr_t *a, uint64_t *w)
{
    uint32_t x[4] = {0, 0, 0, 0};

    if (IP_IS_V6(a)) {
        for (int i = 0; i < 4; i++)
            x[i] = ip_2_ip6(a)->addr[i];
    } else {
        x[0] = ip4_addr_get_u32(ip_2_ip4(a));
    }
    w[0] = (uint64_t)x[0] | (uint64_t)x[1] << 32;
    w[1] = (uint64_t)x[2] | (uint64_t)x[3] << 32;
}

uint32_t tcp_isn(const ip_addr_t *lip, uint16_t lport, const ip_addr_t *rip, uint16_t rport)
{
    uint64_t m[5];

    if (!keyed) {
        random_bytes(key, sizeof key);
        keyed = 1;
    }
    addr_words(lip, &m[0]);
    addr_words(rip, &m[2]);
    m[4] = (uint64_t)lport << 16 | rport;
    return (uint32_t)(clock_now() >> 12) + (uint32_t)siphash(m, 5); /* 4.096 us ticks */
}
