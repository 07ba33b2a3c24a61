/* test=time: the monotonic clock never steps back, a 100 ms sleep measured by the guest clock
 * (between two marker lines the scenario times on the host), the wall clock around it. */
#include <selftest/check.h>
#include <guest/console.h>
#include <selftest/event_tests.h>
#include <guest/events.h>
#include <guest/sched.h>
#include <guest/time.h>
#include <guest/selftest_table.h>

#define READS 10000
#define TICKS 20              /* lines for the host's clock comparison, 100 ms apart */
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

void test_time(void)
{
    uint32_t ws0, wus0, ws1, wus1;
    uint64_t t0, t1;
    uint32_t us, wall_us;

    check_begin();
    evt_enable();
    printk("time: cpu_freq %u Hz\n", clock_tsc_hz());
    monotonic();

    /* Each wall-clock reading is paired with a monotonic one taken right next to it, so the
     * console output in between (slow under a loaded host) counts in both intervals alike. */
    clock_wall(&ws0, &wus0);
    uint64_t m0 = clock_now();
    printk("time: sleep 100 ms begins, wall clock %u.%06u\n", ws0, wus0);
    t0 = clock_now();
    sleep_ns(100 * NSEC_PER_MSEC);
    t1 = clock_now();
    uint64_t m1 = clock_now();
    clock_wall(&ws1, &wus1);
    printk("time: sleep 100 ms ends, wall clock %u.%06u\n", ws1, wus1);
    us = (uint32_t)ns_div(t1 - t0, 1000);
    uint32_t around_us = (uint32_t)ns_div(m1 - m0, 1000);
    printk("time: slept 100 ms: guest clock %u us\n", us);
    check_true("100 ms sleep lasts 100-110 ms by the guest clock", us >= 100000 && us < 110000,
               "%u us", us);
    wall_us = (ws1 - ws0) * 1000000u + wus1 - wus0;
    check_true("wall clock interval matches the monotonic one (within 1 ms)",
               wall_us + 1000 >= around_us && wall_us <= around_us + 1000,
               "wall %u us, monotonic %u us", wall_us, around_us);
    check_true("wall clock is after 2020", ws0 > WALL_2020, "wc %u", ws0);

    /* For the host to compare its clock with ours (time-sleep.scn): a line every 100 ms for
     * 2 s, each with the guest clock. The host notices each line late by some amount (tens of
     * ms, more on a busy machine); the least late of a few lines at either end is close to the
     * truth, so a late line here and there does not skew the comparison. */
    t0 = clock_now();
    for (unsigned k = 0; k <= TICKS; k++) {
        if (k)
            sleep_ns(100 * NSEC_PER_MSEC);
        printk("time: tick %u at %u us\n", k, (uint32_t)ns_div(clock_now() - t0, 1000));
    }
    check_summary("time");
}

static void run_time(const struct selftest_env *env)
{
    (void)env;
    test_time();
}
SELFTEST(time, "test=time", run_time, SELFTEST_EVENTS);
