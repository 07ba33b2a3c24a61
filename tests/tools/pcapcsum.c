/* pcapcsum: the TCP and UDP checksums of the frames one card sent, in a QEMU filter-dump capture
 * (pcap) of it:
 *
 *   pcapcsum PCAP MAC
 *
 * checks every IPv4 (not a fragment) and IPv6 (TCP or UDP right after the fixed header) frame
 * whose source is MAC (aa:bb:cc:dd:ee:ff) against RFC 1071's sum over the pseudo-header and the
 * segment, and prints "csum-wire: tcp4 A, tcp6 B, udp4 C, udp6 D valid (E UDP sums of 0 sent as
 * 0xffff, Z UDP without a checksum), F invalid". A UDP checksum field of 0 means "none" on IPv4
 * and is invalid on IPv6. Exit status 0 when F = 0. (Scenario net-*-ring: the checksums the
 * hypervisor had the card, or itself, complete.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

static unsigned fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)(p[0] << 8 | p[1]);
}

enum { TCP4, TCP6, UDP4, UDP6, FFFF, NONE, BAD, KINDS };

/* The frame's kind, or -1 when it has no TCP/UDP checksum to check. */
static int check(const uint8_t *f, size_t len)
{
    const uint8_t *ip = f + 14, *l4;
    unsigned proto, l4len;
    uint32_t pseudo;
    int v6;

    if (len < 14 + 20)
        return -1;
    if (be16(f + 12) == 0x0800 && ip[0] >> 4 == 4) {
        unsigned ihl = (ip[0] & 15u) * 4, total = be16(ip + 2);
        if ((be16(ip + 6) & 0x3fff) || ihl < 20 || total < ihl || 14 + total > len)
            return -1;
        proto = ip[9];
        l4 = ip + ihl;
        l4len = total - ihl;
        pseudo = sum16(ip + 12, 8, 0);
        v6 = 0;
    } else if (be16(f + 12) == 0x86dd && len >= 14 + 40 && ip[0] >> 4 == 6) {
        proto = ip[6];
        l4 = ip + 40;
        l4len = be16(ip + 4);
        if (14 + 40 + l4len > len)
            return BAD;
        pseudo = sum16(ip + 8, 32, 0);
        v6 = 1;
    } else {
        return -1;
    }
    if (proto != 6 && proto != 17)
        return -1;
    if (l4len < (proto == 6 ? 20u : 8u))
        return BAD;
    if (proto == 17 && be16(l4 + 6) == 0)
        return v6 ? BAD : NONE;
    if (fold(sum16(l4, l4len, pseudo + proto + l4len)) != 0xffff)
        return BAD;
    if (proto == 17 && be16(l4 + 6) == 0xffff &&
        fold(sum16(l4 + 8, l4len - 8, sum16(l4, 6, pseudo + proto + l4len))) == 0xffff)
        return FFFF; /* the sum without the field is 0xffff: the checksum computed to 0 */
    return proto == 6 ? (v6 ? TCP6 : TCP4) : (v6 ? UDP6 : UDP4);
}

int main(int argc, char **argv)
{
    static uint8_t frame[65536];
    uint8_t hdr[24], rec[16], mac[6];
    unsigned m[6], count[KINDS] = {0};
    FILE *f;

    if (argc != 3 ||
        sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 ||
        !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: pcapcsum PCAP MAC (see tests/tools/pcapcsum.c)\n");
        return 2;
    }
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)m[i];
    if (fread(hdr, 1, 24, f) != 24 || memcmp(hdr, "\xd4\xc3\xb2\xa1", 4)) {
        fprintf(stderr, "pcapcsum: %s is not a little-endian pcap file\n", argv[1]);
        fclose(f);
        return 2;
    }
    while (fread(rec, 1, 16, f) == 16) {
        uint32_t incl = (uint32_t)(rec[8] | rec[9] << 8 | rec[10] << 16 | (uint32_t)rec[11] << 24);
        uint32_t orig =
            (uint32_t)(rec[12] | rec[13] << 8 | rec[14] << 16 | (uint32_t)rec[15] << 24);
        if (incl > sizeof frame || fread(frame, 1, incl, f) != incl)
            break;
        if (incl < orig || incl < 14 || memcmp(frame + 6, mac, 6))
            continue; /* cut short by the snap length, or not the card's */
        int k = check(frame, incl);
        if (k == BAD)
            printf("invalid: frame %u bytes, ethertype %04x\n", incl, be16(frame + 12));
        if (k >= 0)
            count[k]++;
    }
    fclose(f);
    printf("csum-wire: tcp4 %u, tcp6 %u, udp4 %u, udp6 %u valid (%u UDP sums of 0 sent as 0xffff, "
           "%u UDP without a checksum), %u invalid\n",
           count[TCP4], count[TCP6], count[UDP4], count[UDP6], count[FFFF], count[NONE],
           count[BAD]);
    return count[BAD] ? 1 : 0;
}
