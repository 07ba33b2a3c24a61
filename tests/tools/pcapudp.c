/* pcapudp: what a QEMU filter-dump capture (pcap) of the guest's card says about UDP datagrams
 * "datagram K" (K < N, as netclient udpsend sends them) to and from the guest's PORT:
 *
 *   pcapudp PCAP PORT N
 *
 * prints "udp-wire: A of N datagrams reached the card, B of N echoes left it" where a datagram
 * counts once (duplicates ignored) and only with valid IPv4 header and UDP checksums, an echo
 * being the same bytes from PORT back to the datagram's sender. Exit status 0 when A = B = N.
 * (Under restrict=on QEMU's user network drops every UDP datagram the guest sends, echoes
 * included, so the capture is where an echo can be seen: docs/network.md.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_N 256

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)(p[0] << 8 | p[1]);
}

/* The K of a valid "datagram K" to (dir 0) or from (dir 1) port, or -1. */
static int classify(const uint8_t *f, size_t len, unsigned port, int *dir)
{
    const uint8_t *ip = f + 14, *udp;
    size_t ihl, ulen;
    uint32_t pseudo;
    char text[32];
    int k;

    if (len < 14 + 20 + 8 || be16(f + 12) != 0x0800 || (ip[0] >> 4) != 4 || ip[9] != 17)
        return -1;
    ihl = (size_t)(ip[0] & 15) * 4;
    if (ihl < 20 || 14 + ihl + 8 > len || fold(sum16(ip, ihl, 0)) != 0xffff)
        return -1;
    if ((be16(ip + 6) & 0x3fff) != 0 || be16(ip + 2) > len - 14)
        return -1; /* fragments are not ours */
    udp = ip + ihl;
    ulen = be16(udp + 4);
    if (ulen < 8 || ihl + ulen > be16(ip + 2))
        return -1;
    pseudo = sum16(ip + 12, 8, 0) + 17 + (uint32_t)ulen;
    if (be16(udp + 6) == 0 || fold(sum16(udp, ulen, pseudo)) != 0xffff)
        return -1; /* no checksum or a wrong one */
    if (be16(udp + 2) == port)
        *dir = 0;
    else if (be16(udp) == port)
        *dir = 1;
    else
        return -1;
    if (ulen - 8 >= sizeof text)
        return -1;
    memcpy(text, udp + 8, ulen - 8);
    text[ulen - 8] = 0;
    if (sscanf(text, "datagram %d", &k) != 1 || k < 0 || k >= MAX_N)
        return -1;
    return k;
}

int main(int argc, char **argv)
{
    static uint8_t frame[65536];
    uint8_t hdr[24], rec[16];
    int seen[2][MAX_N] = {{0}}, count[2] = {0, 0}, n;
    unsigned port;
    FILE *f;

    if (argc != 4 || !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: pcapudp PCAP PORT N (see tests/tools/pcapudp.c)\n");
        return 2;
    }
    port = (unsigned)atoi(argv[2]);
    n = atoi(argv[3]);
    if (n < 1 || n > MAX_N || fread(hdr, 1, 24, f) != 24 || memcmp(hdr, "\xd4\xc3\xb2\xa1", 4)) {
        fprintf(stderr, "pcapudp: %s is not a little-endian pcap file\n", argv[1]);
        fclose(f);
        return 2;
    }
    while (fread(rec, 1, 16, f) == 16) {
        uint32_t incl = (uint32_t)(rec[8] | rec[9] << 8 | rec[10] << 16 | (uint32_t)rec[11] << 24);
        int dir, k;

        if (incl > sizeof frame || fread(frame, 1, incl, f) != incl)
            break;
        k = classify(frame, incl, port, &dir);
        if (k >= 0 && k < n && !seen[dir][k]) {
            seen[dir][k] = 1;
            count[dir]++;
        }
    }
    fclose(f);
    printf("udp-wire: %d of %d datagrams reached the card, %d of %d echoes left it\n", count[0], n,
           count[1], n);
    return count[0] == n && count[1] == n ? 0 : 1;
}
