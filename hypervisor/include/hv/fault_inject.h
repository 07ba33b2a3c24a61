/* Fault injection (faults= and faultseed=): chosen operations fail at a given rate, from a
 * seeded generator, so that the guest's and the appliance's handling of them can be tested.
 * Pure logic (the host tests link it). */
#ifndef HV_FAULT_INJECT_H
#define HV_FAULT_INJECT_H

#include <stdint.h>

/* The injectable operations; the order is hv_stats_t's faults_injected[] (public/hv_op.h). */
enum fault_point {
    FAULT_NET_TX = 0, /* a transmit request fails: the guest gets -XEN_EIO for it */
    FAULT_NET_RX = 1, /* a received frame is lost before it reaches a guest buffer */
    FAULT_TIMER = 2,  /* a due VIRQ_TIMER is delivered FAULT_TIMER_DELAY_NS late */
    FAULT_EVTCHN = 3, /* an event upcall is held back until the next timer interrupt (<= 1 ms) */
    FAULT_POINTS = 4
};

#define FAULT_RATE_MAX 10000u /* rates are in hundredths of a percent */
#define FAULT_TIMER_DELAY_NS 5000000ull
#define FAULT_EVTCHN_DELAY_NS 1000000ull

extern const char *const fault_point_names[FAULT_POINTS];
extern uint32_t fault_injected[FAULT_POINTS]; /* faults made so far, per point */

/* Set the rates (hundredths of a percent per point) and the generator's seed. */
void fault_setup(const uint16_t *rates, uint64_t seed);

/* Does this occurrence of the operation fail? Counts it when it does. The rate test is inline
 * (fault_fire is on the event send's path, where the rate is almost always 0); only a point
 * with a rate draws (fault_draw). */
extern uint16_t fault_rate[FAULT_POINTS];
int fault_draw(enum fault_point p);
static inline int fault_fire(enum fault_point p)
{
    return (unsigned)p < FAULT_POINTS && fault_rate[p] && fault_draw(p);
}

/* Any rate above 0? */
int fault_enabled(void);

#endif
