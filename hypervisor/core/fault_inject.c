/* Fault injection: one xorshift64* generator for all points, seeded by faultseed= (default 1).
 * A point with rate 0 never draws. The decisions follow the order in which the operations
 * happen, so a run is as reproducible as its interrupts' timing: the seed is printed at boot. */
#include "hv/fault_inject.h"

const char *const fault_point_names[FAULT_POINTS] = {"net_tx", "net_rx", "timer", "evtchn"};
uint32_t fault_injected[FAULT_POINTS];

uint16_t fault_rate[FAULT_POINTS];
static uint64_t state = 1;
static int enabled;

void fault_setup(const uint16_t *rates, uint64_t seed)
{
    enabled = 0;
    for (unsigned i = 0; i < FAULT_POINTS; i++) {
        fault_rate[i] = rates[i] > FAULT_RATE_MAX ? FAULT_RATE_MAX : rates[i];
        enabled |= fault_rate[i] != 0;
        fault_injected[i] = 0;
    }
    state = seed ? seed : 1;
}

int fault_enabled(void)
{
    return enabled;
}

int fault_draw(enum fault_point p)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    uint32_t draw = (uint32_t)((state * 0x2545F4914F6CDD1DULL) >> 32) % FAULT_RATE_MAX;
    if (draw >= fault_rate[p])
        return 0;
    fault_injected[p]++;
    return 1;
}
