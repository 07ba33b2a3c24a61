/* test=time: the monotonic clock never steps back, 100 ms sleeps by the guest clock, the wall
 * clock and the TSC scaling beside it. Nothing here depends on how busy the host is. */
#include <selftest/check.h>
#include <pv/console.h>
#include <selftest/event_tests.h>
#include <pv/events.h>
#include <kernel/sched.h>
#include <pv/time.h>
#include <kernel/selftest_table.h>

#define READS 10000
#define SLEEPS 5
#define WALL_2020 1577836800u /* 2020-01-01: an RTC-based wall clock is later than this */

static void monotonic(void)
{
    uint64_t first = clock_now(), prev = first, raw_prev = clock_now_raw();
    unsigned back = 0, raw_back = 0;
    uint32_t raw_worst = 0;

    for (unsigned i = 0; i < READS; i++) {
        uint64_t now = clock_now(), raw = clock_now_raw();

        back += now < prev;
        if (raw < raw_prev) {
            raw_back++;
            if (raw_prev - raw > raw_worst)
                raw_worst = (uint32_t)(raw_prev - raw);
        }
        prev = now;
        raw_prev = raw;
    }
    printk("time: %u reads over %u us; unclamped extrapolation stepped back %u times, at most "
           "%u ns\n",
           READS, (uint32_t)ns_div(prev - first, 1000), raw_back, raw_worst);
    check_true("clock never goes backwards over 10000 reads", back == 0, "%u steps back", back);
    check_true("clock advances", prev > first, "first %u last %u", (uint32_t)first, (uint32_t)prev);
}

/* Sleeps of 100 ms by the guest clock: none may end early; a loaded host may wake us late, by
 * any amount, but not every one of SLEEPS, so the shortest must be within 10%. */
static void sleeps(void)
{
    uint32_t shortest = ~0u, longest = 0;

    for (unsigned i = 0; i < SLEEPS; i++) {
        uint64_t t0 = clock_now();
        sleep_ns(100 * NSEC_PER_MSEC);
        uint32_t us = (uint32_t)ns_div(clock_now() - t0, 1000);
        shortest = us < shortest ? us : shortest;
        longest = us > longest ? us : longest;
    }
    printk("time: slept 100 ms %u times: guest clock %u to %u us\n", SLEEPS, shortest, longest);
    check_true("no 100 ms sleep ends early", shortest >= 100000, "%u us", shortest);
    check_true("the shortest of 5 100 ms sleeps lasts under 110 ms", shortest < 110000, "%u us",
               shortest);
}

/* The wall clock moves with the monotonic one. Each wall reading is bracketed by two monotonic
 * ones, so a pause of the emulator between them widens the bracket instead of breaking the check:
 * the wall interval must lie within the monotonic bracket (1 ms of rounding either side). */
static void wall(void)
{
    uint32_t ws0, wus0, ws1, wus1;

    uint64_t a0 = clock_now();
    clock_wall(&ws0, &wus0);
    uint64_t b0 = clock_now();
    sleep_ns(100 * NSEC_PER_MSEC);
    uint64_t a1 = clock_now();
    clock_wall(&ws1, &wus1);
    uint64_t b1 = clock_now();
    uint32_t wall_us = (ws1 - ws0) * 1000000u + wus1 - wus0;
    uint32_t min_us = (uint32_t)ns_div(a1 - b0, 1000), max_us = (uint32_t)ns_div(b1 - a0, 1000);
    printk("time: wall clock %u.%06u to %u.%06u\n", ws0, wus0, ws1, wus1);
    check_true("wall clock interval matches the monotonic one (within 1 ms)",
               wall_us + 1000 >= min_us && wall_us <= max_us + 1000,
               "wall %u us, monotonic %u..%u us", wall_us, min_us, max_us);
    check_true("wall clock is after 2020", ws0 > WALL_2020, "wc %u", ws0);
}

/* The clock is the TSC scaled by cpu_freq (ABI §10): over a sleep, the clock's advance and the
 * raw TSC's at that rate agree (0.1%, rounding and the extrapolation's stamps). Whether the rate
 * itself is right the hypervisor checks against the RTC (clockcheck=, time-sleep.scn). */
static void tsc_scaling(void)
{
    uint32_t hz = clock_tsc_hz();
    uint64_t ta0 = rdtsc(), c0 = clock_now(), tb0 = rdtsc();
    sleep_ns(100 * NSEC_PER_MSEC);
    uint64_t ta1 = rdtsc(), c1 = clock_now(), tb1 = rdtsc();
    /* The clock's advance lies between the TSC's inner and outer brackets, at cpu_freq. */
    uint32_t clock_us = (uint32_t)ns_div(c1 - c0, 1000);
    uint32_t min_us = (uint32_t)ns_div((ta1 - tb0) * 1000u, hz / 1000u);
    uint32_t max_us = (uint32_t)ns_div((tb1 - ta0) * 1000u, hz / 1000u);
    printk("time: over a sleep the clock advanced %u us, the TSC %u..%u us at %u Hz\n", clock_us,
           min_us, max_us, hz);
    check_true("the clock advances as the TSC at cpu_freq (within 0.1%)",
               clock_us + min_us / 1000 + 2 >= min_us && clock_us <= max_us + max_us / 1000 + 2,
               "clock %u us, TSC %u..%u us", clock_us, min_us, max_us);
}

void test_time(void)
{
    check_begin();
    evt_enable();
    printk("time: cpu_freq %u Hz\n", clock_tsc_hz());
    monotonic();
    sleeps();
    wall();
    tsc_scaling();
    check_summary("time");
}

static void run_time(const struct selftest_env *env)
{
    (void)env;
    test_time();
}
SELFTEST(time, "test=time", run_time, SELFTEST_EVENTS);
