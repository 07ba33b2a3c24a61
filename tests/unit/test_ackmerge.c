/* Unit tests for guest/net/ackmerge.c: which queued pure ACK a later frame may replace. */
#include <stdint.h>
#include <string.h>

#include "ackmerge.h"
#include "harness.h"

/* A pure IPv4 TCP ACK 10.0.2.15:9 -> 10.0.2.2:40000, padded to 60 bytes as netfront sends it. */
static void ack(uint8_t *f, uint32_t seq, uint32_t ackno)
{
    static const uint8_t head[] = {
        0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
        0x08, 0x00,                                                             /* eth */
        0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0xff, 0x06, 0x00, 0x00, /* IPv4, DF */
        10,   0,    2,    15,   10,   0,    2,    2,                            /* addresses */
        0x00, 0x09, 0x9c, 0x40,                                                 /* ports */
    };
    memset(f, 0, 60);
    memcpy(f, head, sizeof head);
    uint8_t *t = f + 34;
    for (int i = 0; i < 4; i++) {
        t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
        t[8 + i] = (uint8_t)(ackno >> (24 - 8 * i));
    }
    t[12] = 0x50; /* data offset 5 */
    t[13] = 0x10; /* ACK */
    t[14] = 0xff; /* window */
}

static uint8_t o[60], n[60];

TEST(later_ack_replaces)
{
    ack(o, 100, 1000);
    ack(n, 100, 3920);
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 1);
    n[34 + 14] = 0x10; /* another window: still the newer ACK */
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 1);
    ack(o, 100, 0xfffffff0u); /* across the wrap */
    ack(n, 100, 0x10);
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 1);
    ack(n, 100, 1000);
    n[34 + 13] = 0x18; /* PSH without data */
    ack(o, 100, 900);
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 1);
}

TEST(duplicate_or_older_kept)
{
    ack(o, 100, 1000);
    ack(n, 100, 1000);
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0); /* a duplicate ACK counts for the peer */
    ack(n, 100, 999);
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
}

TEST(other_connection_kept)
{
    static const int fields[] = {0, 6, 26, 30, 34, 36, 38}; /* MACs, IPs, ports, sequence */
    for (unsigned i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        ack(o, 100, 1000);
        ack(n, 100, 2000);
        n[fields[i] + 1] ^= 1;
        CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
    }
}

TEST(not_a_pure_ack_kept)
{
    static const uint8_t flags[] = {0x11, 0x12, 0x14, 0x30, 0x50, 0x90, 0x00};
    for (unsigned i = 0; i < sizeof flags; i++) { /* FIN, SYN, RST, URG, ECE, CWR, no ACK */
        ack(o, 100, 1000);
        ack(n, 100, 2000);
        n[34 + 13] = flags[i];
        CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
        CHECK_EQ(ack_supersedes(n, 60, o, 60), 0);
    }
    ack(o, 100, 1000);
    ack(n, 100, 2000);
    n[17] = 41; /* a byte of data */
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
    ack(n, 100, 2000);
    n[34 + 12] = 0x60; /* TCP options */
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
    ack(n, 100, 2000);
    n[14] = 0x46; /* IPv4 options */
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
    ack(n, 100, 2000);
    n[20] = 0x20; /* more fragments */
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
    ack(n, 100, 2000);
    n[21] = 0x01; /* a fragment offset */
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
    ack(n, 100, 2000);
    n[23] = 17; /* UDP */
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
    ack(n, 100, 2000);
    n[12] = 0x86, n[13] = 0xdd; /* IPv6 */
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 0);
    ack(n, 100, 2000);
    CHECK_EQ(ack_supersedes(o, 60, n, 53), 0); /* truncated */
    CHECK_EQ(ack_supersedes(o, 0, n, 60), 0);
    CHECK_EQ(ack_supersedes(o, 60, n, 60), 1);
}

RUN_TESTS(T(later_ack_replaces), T(duplicate_or_older_kept), T(other_connection_kept),
          T(not_a_pure_ack_kept))
