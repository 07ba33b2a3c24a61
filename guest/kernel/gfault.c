/* gfaults= and gfaultseed=: the option's parsing and one xorshift64* generator for all points
 * (the hypervisor's faults= draws the same way, hypervisor/core/fault_inject.c). A point with
 * rate 0 never draws, so its allocations do not move the others' decisions. The decisions follow
 * the order of the allocations that may fail, so a run is as reproducible as its interrupts'
 * timing; the seed is printed at boot. No library calls: the host tests link this file. */
#include <kernel/gfault.h>

const char *const gfault_point_names[GFAULT_POINTS] = {"page", "kmalloc", "lwip"};
uint32_t gfault_injected[GFAULT_POINTS];
int gfault_on;
int gfault_given;

static uint16_t rate[GFAULT_POINTS];
static uint64_t state = 1;

/* Does [s, e) spell the NUL-terminated name? */
static int span_is(const char *s, const char *e, const char *name)
{
    while (s < e && *name && *s == *name)
        s++, name++;
    return s == e && *name == 0;
}

/* "N%", "N.N%" or "N.NN%" (N <= 100) over [s, e), in hundredths of a percent; -1 if malformed. */
static int parse_rate(const char *s, const char *e)
{
    unsigned whole = 0, frac = 0, digits = 0, fdigits = 0;

    for (; s < e && *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
        whole = whole * 10 + (unsigned)(*s - '0');
    if (digits == 0)
        return -1;
    if (s < e && *s == '.')
        for (s++; s < e && *s >= '0' && *s <= '9' && fdigits < 2; s++, fdigits++)
            frac = frac * 10 + (unsigned)(*s - '0');
    if (fdigits == 1)
        frac *= 10;
    if (s + 1 != e || *s != '%' || whole * 100 + frac > GFAULT_RATE_MAX)
        return -1;
    return (int)(whole * 100 + frac);
}

int gfault_parse_rates(const char *value, uint16_t *rates)
{
    uint16_t got[GFAULT_POINTS] = {0};
    unsigned seen = 0;
    const char *item = value;

    for (const char *p = value;; p++) {
        if (*p && *p != ',')
            continue;
        const char *colon = item;
        while (colon < p && *colon != ':')
            colon++;
        unsigned i = 0;
        while (i < GFAULT_POINTS && !span_is(item, colon, gfault_point_names[i]))
            i++;
        int r = colon < p ? parse_rate(colon + 1, p) : -1;
        if (i == GFAULT_POINTS || r < 0 || (seen >> i & 1))
            return -1;
        seen |= 1u << i;
        got[i] = (uint16_t)r;
        if (!*p)
            break;
        item = p + 1;
    }
    for (unsigned i = 0; i < GFAULT_POINTS; i++)
        rates[i] = got[i];
    return 0;
}

int gfault_parse_seed(const char *value, uint64_t *seed)
{
    uint64_t v = 0;
    unsigned n = 0;

    for (; value[n]; n++) {
        if (n == 9 || value[n] < '0' || value[n] > '9')
            return -1;
        v = v * 10 + (uint64_t)(value[n] - '0');
    }
    if (v == 0)
        return -1;
    *seed = v;
    return 0;
}

void gfault_setup(const uint16_t *rates, uint64_t seed)
{
    int on = 0;

    for (unsigned i = 0; i < GFAULT_POINTS; i++) {
        rate[i] = rates[i] > GFAULT_RATE_MAX ? GFAULT_RATE_MAX : rates[i];
        on |= rate[i] != 0;
        gfault_injected[i] = 0;
    }
    state = seed ? seed : 1;
    gfault_on = on ? GFAULT_ON_RATE : 0;
}

uint16_t gfault_rate(enum gfault_point p)
{
    return (unsigned)p < GFAULT_POINTS ? rate[p] : 0;
}

int gfault_fire(enum gfault_point p)
{
    if ((unsigned)p >= GFAULT_POINTS || rate[p] == 0)
        return 0;
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    uint32_t draw = (uint32_t)((state * 0x2545F4914F6CDD1DULL) >> 32) % GFAULT_RATE_MAX;
    if (draw >= rate[p])
        return 0;
    gfault_injected[p]++;
    return 1;
}
