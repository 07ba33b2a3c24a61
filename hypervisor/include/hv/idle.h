/* The idle loop: what the CPU does while the guest is blocked (sched_op block). */
#ifndef HV_IDLE_H
#define HV_IDLE_H

#include <stdint.h>

struct domain;

/* Returns once d has an upcall pending; meanwhile services the NICs, polls a while (below),
 * then halts. */
void idle_until_event(struct domain *d);

/* Blocks whose event came while the idle loop polled, and blocks that went on to halt. */
extern uint32_t idle_polls_woken, idle_polls_halted;

/*
 * The poll limit after a block of `blocked` TSC cycles, with the rule of Linux's
 * cpuidle-haltpoll: a block that outlasted the limit but not `max` grows it (doubled, at least
 * `start`, at most `max`): a longer poll would have caught its event; a block longer than `max`
 * halves it: no poll allowed would have caught it. Otherwise it stays. Pure, for the unit test.
 */
static inline uint64_t idle_poll_next(uint64_t limit, uint64_t blocked, uint64_t max,
                                      uint64_t start)
{
    if (blocked > max)
        return limit / 2;
    if (blocked > limit) {
        uint64_t v = limit * 2 < start ? start : limit * 2;
        return v < max ? v : max;
    }
    return limit;
}

#endif
