/* The guest's clocks (ABI §10) and one-shot timers multiplexed onto set_timer_op (§8). */
#ifndef GUEST_TIME_H
#define GUEST_TIME_H

#include <stdint.h>
#include <pv/hypercall.h>

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC 1000000000ull

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Nanoseconds since the hypervisor booted; never goes backwards. */
uint64_t clock_now(void);
/* The same extrapolation without the monotonic clamp (what the test inspects). */
uint64_t clock_now_raw(void);
/* Wall clock: seconds and microseconds since 1970. */
void clock_wall(uint32_t *sec, uint32_t *usec);
uint32_t clock_wall_sec(void); /* clock_wall's seconds, cached for the rest of that second */
void clock_set_wall(uint32_t sec, uint32_t usec); /* clock_settime: the wall clock from now on */
uint32_t clock_tsc_hz(void);
uint64_t ns_div(uint64_t ns, uint32_t d); /* 64-by-32 division, no 64-bit '/' in kernel code */

struct timer {
    uint64_t deadline; /* absolute system time, ns */
    void (*fn)(struct timer *t);
    void *arg;
    struct timer *next;
    int armed;
};

void timers_init(void);                             /* binds VIRQ_TIMER */
void timer_add(struct timer *t, uint64_t deadline); /* re-arms if already armed */
void timer_cancel(struct timer *t);
extern uint32_t timer_virqs;     /* VIRQ_TIMER upcalls handled */
extern uint32_t timer_deferrals; /* passes that left due timers for later */
extern int timer_port;           /* VIRQ_TIMER's port */
struct event_frame;
/* The VIRQ_TIMER handler; a test may bind its own to timer_port and put this one back. */
void timer_virq(uint32_t port, struct event_frame *f, void *arg);

static inline int HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return hypercall3(__HYPERVISOR_set_timer_op, (uint32_t)(deadline >> 32), (uint32_t)deadline, 0);
}

#endif
