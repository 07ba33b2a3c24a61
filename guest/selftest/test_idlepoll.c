/*
 * test=idlepoll and test=idlepoll-off: the hypervisor's idle loop polls before it halts
 * (hypervisor/core/idle.c), and the limit adapts. Many short sleeps (a block of about 30 us,
 * well under idlepoll='s 200 us) must mostly end while it polls, and a few of 5 ms each must
 * each end in a halt, polling or not (hv_op's idle_polls_woken and idle_polls_halted). With
 * idlepoll=0 the scenario runs test=idlepoll-off: the sleeps last as long, and neither counter
 * moves.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <pv/events.h>
#include <pv/time.h>
#include <kernel/sched.h>
#include <kernel/selftest_table.h>
#include <lib/string.h>

#define SHORT_SLEEPS 64
#define SHORT_NS (30 * 1000)
#define LONG_SLEEPS 5
#define LONG_NS (5 * NSEC_PER_MSEC)

static hv_stats_t stats0, stats1;

/* n sleeps of ns each; the moves of both counters, and the slowest sleep in us. */
static void sleeps(unsigned n, uint64_t ns, uint32_t *woken, uint32_t *halted, uint32_t *max_us)
{
    *max_us = 0;
    HYPERVISOR_hv_stats(&stats0);
    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = clock_now();
        sleep_ns(ns);
        uint32_t us = (uint32_t)ns_div(clock_now() - t0, 1000);
        if (us > *max_us)
            *max_us = us;
    }
    HYPERVISOR_hv_stats(&stats1);
    *woken = stats1.idle_polls_woken - stats0.idle_polls_woken;
    *halted = stats1.idle_polls_halted - stats0.idle_polls_halted;
}

static void run_idlepoll(const struct selftest_env *env)
{
    int off = strcmp(env->word, "test=idlepoll-off") == 0;
    uint32_t woken, halted, max_us;

    check_begin();
    evt_enable();
    sleeps(SHORT_SLEEPS, SHORT_NS, &woken, &halted, &max_us);
    printk("idlepoll: %u sleeps of %u us: %u ended while polling, %u halted, slowest %u us\n",
           SHORT_SLEEPS, SHORT_NS / 1000, woken, halted, max_us);
    if (off)
        check_true("no poll with idlepoll=0 (short sleeps)", woken == 0 && halted == 0,
                   "%u woken, %u halted", woken, halted);
    else
        check_true("short sleeps end while polling", woken >= SHORT_SLEEPS / 2, "%u of %u", woken,
                   SHORT_SLEEPS);
    sleeps(LONG_SLEEPS, LONG_NS, &woken, &halted, &max_us);
    printk("idlepoll: %u sleeps of %u ms: %u ended while polling, %u halted, slowest %u us\n",
           LONG_SLEEPS, (uint32_t)(LONG_NS / NSEC_PER_MSEC), woken, halted, max_us);
    if (off)
        check_true("no poll with idlepoll=0 (long sleeps)", woken == 0 && halted == 0,
                   "%u woken, %u halted", woken, halted);
    else
        check_true("long sleeps halt", halted >= LONG_SLEEPS, "%u halted of %u", halted,
                   LONG_SLEEPS);
    check_true("long sleeps last", max_us >= LONG_NS / 1000, "slowest %u us", max_us);
    check_summary("idlepoll");
}
SELFTEST(idlepoll, "test=idlepoll*", run_idlepoll, SELFTEST_EVENTS);
