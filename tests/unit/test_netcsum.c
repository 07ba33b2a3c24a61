/* Unit tests for guest/net/netcsum.c (lwIP's checksum routine in the guest): against RFC 1071's
 * definition, byte pair by byte pair, for every length from 0 to 1600 at every alignment of the
 * buffer, on random bytes, all-0xff bytes (the carries), and zeroes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "netcsum.h"

/* RFC 1071: big-endian 16-bit words from the start, an odd last byte padded with a zero. */
static uint16_t reference(const uint8_t *p, int len)
{
    uint32_t sum = 0;
    for (int i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* netcsum's result is in memory byte order: stored, its bytes are the big-endian sum. */
static uint16_t as_stored(uint16_t v)
{
    uint8_t b[2];
    memcpy(b, &v, 2);
    return (uint16_t)(b[0] << 8 | b[1]);
}

static uint8_t buf[1600 + 8];

static void every_length_and_alignment(void)
{
    for (int off = 0; off < 4; off++)
        for (int len = 0; len <= 1600; len++) {
            uint16_t want = reference(buf + off, len), got = as_stored(netcsum(buf + off, len));
            if (want != got) {
                CHECK_EQ(got, want);
                return;
            }
        }
}

TEST(random_bytes)
{
    srand(12);
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rand();
    every_length_and_alignment();
}

TEST(all_ones)
{
    memset(buf, 0xff, sizeof(buf));
    every_length_and_alignment();
}

TEST(zeroes_and_negative_length)
{
    memset(buf, 0, sizeof(buf));
    every_length_and_alignment();
    buf[0] = 0x12;
    CHECK_EQ(netcsum(buf, -5), 0);
}

RUN_TESTS(T(random_bytes), T(all_ones), T(zeroes_and_negative_length))
