/* Fault injection in the guest's own allocators (gfaults= and gfaultseed=, the guest's side of
 * the hypervisor's faults=): the page allocator, kmalloc and lwIP's heap fail at a given rate,
 * from a seeded generator, where a failure is part of their contract. The decisions and the
 * option's parsing are pure logic (kernel/gfault.c, linked by the host tests); where each point
 * may fire is the allocators' business (kernel/mm/page_alloc.c, net/lwip_faults.c). */
#ifndef GUEST_GFAULT_H
#define GUEST_GFAULT_H

#include <stdint.h>

enum gfault_point {
    GFAULT_PAGE = 0,    /* a page frame (page_alloc, pages_alloc, and so kmalloc's refills) */
    GFAULT_KMALLOC = 1, /* a kmalloc block */
    GFAULT_LWIP = 2,    /* lwIP's heap: every pbuf, pcb and segment (mem_malloc) */
    GFAULT_POINTS = 3
};

#define GFAULT_RATE_MAX 10000u /* rates are in hundredths of a percent */

extern const char *const gfault_point_names[GFAULT_POINTS];
extern uint32_t gfault_injected[GFAULT_POINTS]; /* failures made so far, per point */
extern int gfault_on;    /* any rate above 0 (GFAULT_ON_RATE), or a fail-nth armed once (_NTH) */
extern int gfault_given; /* gfaults= was on the command line: targeted failures may be armed */
#define GFAULT_ON_RATE 1
#define GFAULT_ON_NTH 2

/* "page:1%,kmalloc:0.5%,lwip:0.01%" (each point at most once; N up to 100, two decimals) into
 * rates[] in hundredths of a percent, the points not named 0. 0, or -1 (rates[] untouched). */
int gfault_parse_rates(const char *value, uint16_t *rates);
/* A decimal number above 0, at most 9 digits: 0, or -1 (*seed untouched). */
int gfault_parse_seed(const char *value, uint64_t *seed);

void gfault_setup(const uint16_t *rates, uint64_t seed);
/* Does this occurrence fail? Counts it when it does. Draws only for a point whose rate is > 0. */
int gfault_fire(enum gfault_point p);
/* The rate in force, hundredths of a percent. */
uint16_t gfault_rate(enum gfault_point p);

/* The production path's whole cost: one branch, predicted not taken. */
static inline int gfault_injecting(void)
{
    return __builtin_expect(gfault_on, 0);
}

#endif
