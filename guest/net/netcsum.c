/*
 * The Internet checksum (RFC 1071) for lwIP (LWIP_CHKSUM in lwipopts.h): the one's-complement
 * sum of the buffer's 16-bit words, folded to 16 bits, in the byte order of memory (what lwIP's
 * own lwip_standard_chksum returns). Every received TCP segment and every sent one is summed
 * here, so its speed under QEMU's TCG matters more than elegance: lwIP's portable C loop
 * (algorithm 3) takes a conditional branch per 32-bit word to add the carry back, and under TCG
 * every taken branch ends a translated block. This one adds 64 bytes per iteration with an
 * add-with-carry chain (the carry goes round the loop: lea and dec leave CF alone), one block per
 * iteration (19 instructions per 64 bytes: a 1460-byte segment in about 440), then a 32-byte
 * block and the tail word by word. x86 loads need no alignment, and the words are paired
 * from the buffer's start whatever its address, so no odd-address swap is needed.
 * Pure computation, no kernel dependencies: tests/unit/test_netcsum.c checks it against RFC
 * 1071's byte-by-byte definition for every length and alignment.
 */
#include <stdint.h>
#include "netcsum.h"

static uint32_t add_carry(uint32_t sum, uint32_t w)
{
    sum += w;
    return sum + (sum < w);
}

uint16_t netcsum(const void *data, int len)
{
    const uint8_t *p = data;
    uint32_t n = len > 0 ? (uint32_t)len : 0, sum = 0, blocks = n / 64;

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
                "adcl 32(%[p]), %[sum]\n\t"
                "adcl 36(%[p]), %[sum]\n\t"
                "adcl 40(%[p]), %[sum]\n\t"
                "adcl 44(%[p]), %[sum]\n\t"
                "adcl 48(%[p]), %[sum]\n\t"
                "adcl 52(%[p]), %[sum]\n\t"
                "adcl 56(%[p]), %[sum]\n\t"
                "adcl 60(%[p]), %[sum]\n\t"
                "lea 64(%[p]), %[p]\n\t"
                "decl %[blocks]\n\t"
                "jnz 1b\n\t"
                "adcl $0, %[sum]"
                : [sum] "+r"(sum), [p] "+r"(p), [blocks] "+r"(blocks)
                : "m"(*(const uint8_t(*)[n])data)
                : "cc");
    }
    if (n & 32) { /* the one 32-byte block left */
        __asm__("addl 0(%[p]), %[sum]\n\t"
                "adcl 4(%[p]), %[sum]\n\t"
                "adcl 8(%[p]), %[sum]\n\t"
                "adcl 12(%[p]), %[sum]\n\t"
                "adcl 16(%[p]), %[sum]\n\t"
                "adcl 20(%[p]), %[sum]\n\t"
                "adcl 24(%[p]), %[sum]\n\t"
                "adcl 28(%[p]), %[sum]\n\t"
                "adcl $0, %[sum]"
                : [sum] "+r"(sum)
                : [p] "r"(p), "m"(*(const uint8_t(*)[32])p)
                : "cc");
        p += 32;
    }
    for (n %= 32; n >= 4; n -= 4, p += 4) {
        uint32_t w;

        __builtin_memcpy(&w, p, 4); /* one load: the kernel's -fno-builtin made memcpy a call */
        sum = add_carry(sum, w);
    }
    if (n >= 2) {
        uint16_t h;

        __builtin_memcpy(&h, p, 2);
        sum = add_carry(sum, h);
        p += 2;
        n -= 2;
    }
    if (n)
        sum = add_carry(sum, *p); /* the last byte is the low half of its word in memory */
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}
