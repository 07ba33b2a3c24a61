/*
 * The guest's clock and timer. shared_info carries a stamp (tsc_timestamp, system_time) and the
 * TSC frequency; the guest extrapolates from it, so no periodic tick is needed and an idle
 * machine stays idle. The stamp is refreshed on every timer interrupt, with the version
 * protocol of ABI §10 (version1 before, version2 after). set_timer_op arms a one-shot
 * VIRQ_TIMER at an absolute system time; the hardware timer covers long waits in steps.
 */
#include "hv/time.h"
#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/fault_inject.h"
#include "lib/format.h"

#define MAX_STEP_NS 50000000ull /* the PIT one-shot reaches about 55 ms */

void time_update_shared(struct domain *d)
{
    shared_info_t *s = d->shared_info;
    s->time_version1++;
    __asm__ volatile("" ::: "memory");
    s->tsc_timestamp = arch_tsc();
    s->system_time = arch_now_ns();
    __asm__ volatile("" ::: "memory");
    s->time_version2++;
}

void time_init_domain(struct domain *d)
{
    shared_info_t *s = d->shared_info;
    uint64_t now = arch_now_ns();
    uint32_t rem;
    s->cpu_freq = arch_tsc_hz();
    /* Wall clock at system time 0: the RTC now, minus the time since boot. */
    s->wc_sec = arch_rtc_seconds() - (uint32_t)udiv64(now, 1000000000u, &rem);
    s->wc_usec = 0;
    time_update_shared(d);
}

static void arm(struct domain *d, uint64_t now)
{
    uint64_t due = d->timer_deadline;
    if (d->upcall_deferred && (due == 0 || due > d->deferred_until))
        due = d->deferred_until;
    if (due == 0) {
        arch_timer_oneshot(0);
        return;
    }
    uint64_t left = due > now ? due - now : 0;
    arch_timer_oneshot(left == 0 ? 1 : left > MAX_STEP_NS ? MAX_STEP_NS : left);
}

void timer_interrupt(struct domain *d)
{
    time_update_shared(d);
    uint64_t now = arch_now_ns();
    if (d->upcall_deferred && now >= d->deferred_until) {
        d->upcall_deferred = 0;
        d->shared_info->evtchn_upcall_pending = 1;
    }
    if (d->timer_deadline && now >= d->timer_deadline) {
        if (fault_fire(FAULT_TIMER)) {
            d->timer_deadline = now + FAULT_TIMER_DELAY_NS; /* injected: delivered late */
        } else {
            d->timer_deadline = 0;
            send_virq(d, VIRQ_TIMER);
        }
    }
    arm(d, now);
}

void time_defer_upcall(struct domain *d)
{
    d->shared_info->evtchn_upcall_pending = 0;
    d->upcall_deferred = 1;
    uint64_t now = arch_now_ns();
    d->deferred_until = now + FAULT_EVTCHN_DELAY_NS;
    arm(d, now);
}

long do_set_timer_op(uint32_t hi, uint32_t lo)
{
    struct domain *d = current_domain();
    uint64_t now = arch_now_ns();
    d->timer_deadline = (uint64_t)hi << 32 | lo;
    if (d->timer_deadline && d->timer_deadline <= now) {
        d->timer_deadline = 0; /* already due */
        send_virq(d, VIRQ_TIMER);
    }
    arm(d, now);
    return 0;
}
