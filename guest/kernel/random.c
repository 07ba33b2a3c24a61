/* kernel/random.h: xorshift64* seeded at first use from the TSC and the wall clock, stirred
 * with the TSC at every call. */
#include <stdint.h>
#include <kernel/random.h>
#include <pv/time.h>

static uint64_t state;

static uint64_t next(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}

void random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;

    if (!state) {
        uint32_t sec, usec;
        clock_wall(&sec, &usec);
        state = (rdtsc() ^ ((uint64_t)sec << 32 | usec)) | 1;
    }
    state ^= rdtsc();
    while (n) {
        uint64_t r = next();
        for (unsigned i = 0; i < 8 && n; i++, n--)
            *p++ = (uint8_t)(r >> (8 * i));
    }
}
