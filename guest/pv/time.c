/* Monotonic and wall clocks from shared_info's time stamp (ABI §10): read under the version
 * protocol, extrapolated with rdtsc and scaled by cpu_freq with udiv64. */
#include <pv/events.h>
#include <pv/time.h>
#include <lib/format.h>

static uint64_t last_ns; /* the clamp: the largest value clock_now has returned */

uint64_t ns_div(uint64_t ns, uint32_t d)
{
    uint32_t rem;

    return udiv64(ns, d, &rem);
}

uint32_t clock_tsc_hz(void)
{
    return (uint32_t)HYPERVISOR_shared_info->cpu_freq;
}

/* ticks * 1e9 / hz, exact and without overflow for any tick count. Within a second of the stamp
 * (nearly every read: the stamp is renewed at every timer interrupt) the seconds are 0 and one
 * division does. */
static uint64_t ticks_to_ns(uint64_t ticks, uint32_t hz)
{
    uint32_t rem;
    uint64_t secs;

    if (ticks < hz)
        return ns_div(ticks * NSEC_PER_SEC, hz); /* < 2^32 * 10^9 < 2^62: no overflow */
    secs = udiv64(ticks, hz, &rem);

    return secs * NSEC_PER_SEC + ns_div((uint64_t)rem * NSEC_PER_SEC, hz);
}

uint64_t clock_now_raw(void)
{
    volatile shared_info_t *s = HYPERVISOR_shared_info;
    uint64_t stamp_tsc, stamp_ns, tsc;
    uint32_t v, hz;

    do {
        v = s->time_version2;
        __asm__ volatile("" ::: "memory");
        stamp_tsc = s->tsc_timestamp;
        stamp_ns = s->system_time;
        hz = (uint32_t)s->cpu_freq;
        tsc = rdtsc();
        __asm__ volatile("" ::: "memory");
    } while (v != s->time_version1);
    if (hz == 0)
        return stamp_ns;
    return stamp_ns + (tsc > stamp_tsc ? ticks_to_ns(tsc - stamp_tsc, hz) : 0);
}

uint64_t clock_now(void)
{
    uint8_t old = evt_disable(); /* the clamp is shared with upcall handlers */
    uint64_t ns = clock_now_raw();

    if (ns < last_ns)
        ns = last_ns;
    last_ns = ns;
    evt_restore(old);
    return ns;
}

/* What clock_settime moved the wall clock by, in microseconds (added to the hypervisor's). */
static int64_t wall_adjust_us;

static int64_t wall_us(void)
{
    volatile shared_info_t *s = HYPERVISOR_shared_info;

    return (int64_t)s->wc_sec * 1000000 + s->wc_usec + (int64_t)ns_div(clock_now(), 1000) +
           wall_adjust_us;
}

void clock_wall(uint32_t *sec, uint32_t *usec)
{
    uint32_t rem;
    int64_t us = wall_us();
    uint64_t secs = udiv64((uint64_t)(us > 0 ? us : 0), 1000000, &rem);

    *sec = (uint32_t)secs;
    *usec = rem;
}

/*
 * The wall clock's whole seconds, for file times (every inode made, linked or unlinked: a fork
 * makes and an exit removes a /proc/<pid> directory of them). A full reading costs a few
 * hundred instructions (the time stamp's version loop and three 64-bit divisions), so the
 * second is kept with the TSC interval it holds for: until the TSC reaches the next second's
 * start, the same answer, unless the hypervisor published a new time stamp (time_version1
 * moved) or clock_settime moved the wall clock (wall_adjust_us). The interval is computed
 * from a TSC read before the reading, so it ends early rather than late.
 */
static struct {
    uint64_t from_tsc, until_tsc;
    uint32_t sec, version;
    int64_t adjust_us;
} wall_sec_cache;

uint32_t clock_wall_sec(void)
{
    volatile shared_info_t *s = HYPERVISOR_shared_info;
    uint64_t tsc = rdtsc();
    uint32_t hz = (uint32_t)s->cpu_freq, version = s->time_version1, sec, usec, rem;

    if (tsc >= wall_sec_cache.from_tsc && tsc < wall_sec_cache.until_tsc &&
        version == wall_sec_cache.version && wall_adjust_us == wall_sec_cache.adjust_us)
        return wall_sec_cache.sec;
    clock_wall(&sec, &usec);
    wall_sec_cache.sec = sec;
    wall_sec_cache.version = version;
    wall_sec_cache.adjust_us = wall_adjust_us;
    wall_sec_cache.from_tsc = tsc;
    wall_sec_cache.until_tsc = hz ? tsc + udiv64((uint64_t)(1000000 - usec) * hz, 1000000, &rem)
                                  : 0; /* no frequency: no interval, every call reads */
    return sec;
}

void clock_set_wall(uint32_t sec, uint32_t usec)
{
    wall_adjust_us += (int64_t)sec * 1000000 + usec - wall_us();
}
