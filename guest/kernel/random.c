/*
 * kernel/random.h: xorshift64* stirred with the TSC at every call, seeded once at boot
 * (random_init) from the best source the CPU has:
 *  - RDRAND (CPUID.1:ECX bit 30; it works in any ring): four 32-bit draws, each retried up to
 *    ten times as Intel advises (a draw can fail when the generator is drained), mixed in;
 *    later calls mix in one more draw each;
 *  - otherwise timer jitter: 256 TSC deltas around short runs of work whose length the CPU's
 *    caches, interrupts and (under a hypervisor) the host's scheduling vary, each multiplied
 *    into the state.
 * Both on top of the TSC and the wall clock. The boot log says which one was used.
 */
#include <stdint.h>
#include <kernel/random.h>
#include <pv/console.h>
#include <pv/time.h>

static uint64_t state;
static int have_rdrand;

static uint64_t next(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}

static int cpu_has_rdrand(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    return (c >> 30) & 1;
}

/* One 32-bit RDRAND draw (retried); 0 when the generator keeps failing. */
static int rdrand32(uint32_t *out)
{
    for (int tries = 0; tries < 10; tries++) {
        uint8_t ok;

        __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok)::"cc");
        if (ok)
            return 1;
    }
    return 0;
}

static void mix(uint64_t v)
{
    state = (state ^ v) * 0x9E3779B97F4A7C15ull;
    state |= 1; /* xorshift's only forbidden state is 0 */
    next();
}

static void seed_basic(void)
{
    uint32_t sec, usec;

    clock_wall(&sec, &usec);
    state = (rdtsc() ^ ((uint64_t)sec << 32 | usec)) | 1;
}

void random_init(void)
{
    unsigned drawn = 0;

    seed_basic();
    have_rdrand = cpu_has_rdrand();
    for (int i = 0; have_rdrand && i < 4; i++) {
        uint32_t r;

        if (rdrand32(&r)) {
            mix(r);
            drawn++;
        }
    }
    if (drawn) {
        printk("random: seeded from RDRAND (%u draws)\n", drawn);
        return;
    }
    have_rdrand = 0;
    for (int i = 0; i < 256; i++) {
        volatile uint32_t sink = 0;
        uint64_t t0 = rdtsc();

        for (uint32_t k = 0; k < 16 + ((uint32_t)state & 63); k++)
            sink += k * (uint32_t)t0;
        mix(rdtsc() - t0);
    }
    printk("random: seeded from timer jitter (the CPU has no RDRAND)\n");
}

void random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    uint32_t r;

    if (!state)
        seed_basic(); /* used before random_init (the host tests) */
    state ^= rdtsc();
    if (have_rdrand && rdrand32(&r))
        mix(r);
    while (n) {
        uint64_t v = next();
        for (unsigned i = 0; i < 8 && n; i++, n--)
            *p++ = (uint8_t)(v >> (8 * i));
    }
}
