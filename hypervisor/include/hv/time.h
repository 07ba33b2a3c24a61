/* Time: the hypervisor's clock (ns since boot, from the TSC), the guest's view of it in
 * shared_info (ABI §10), and the guest's one-shot timer (set_timer_op). */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <stdint.h>

struct domain;

/* Arch: calibrate the TSC, read the clock, program the one-shot timer, read the RTC. */
void arch_time_init(void);
uint64_t arch_tsc(void);
uint32_t arch_tsc_hz(void);
uint64_t arch_now_ns(void);
void arch_timer_oneshot(uint64_t ns_from_now); /* 0 = stop */
uint32_t arch_rtc_seconds(void);               /* wall clock, seconds since 1970 (UTC) */
/* The TSC just before and just after the RTC's next second began; 0 if none came in ~3 s. */
int arch_rtc_second_edge(uint64_t *tsc_before, uint64_t *tsc_after);
/* clockcheck=N: the calibrated TSC rate against N seconds of the RTC; prints its verdict. */
void clock_check(unsigned seconds);

void time_init_domain(struct domain *d);
void time_update_shared(struct domain *d);
void timer_interrupt(struct domain *d);
/* faults=evtchn: hold the pending upcall back until a timer interrupt FAULT_EVTCHN_DELAY_NS on. */
void time_defer_upcall(struct domain *d);
long do_set_timer_op(uint32_t hi, uint32_t lo);

#endif
