/* test=idle: the guest blocks for 5 s on a single one-shot timer (no periodic tick), so the
 * scenario can check that QEMU burns almost no CPU meanwhile. */
#include <selftest/check.h>
#include <pv/console.h>
#include <selftest/event_tests.h>
#include <pv/events.h>
#include <kernel/sched.h>
#include <pv/time.h>
#include <kernel/selftest_table.h>

#define IDLE_LINGER_NS (300 * NSEC_PER_MSEC)

void test_idle(void)
{
    uint32_t virqs, upcalls, ms;
    uint64_t t0;

    check_begin();
    evt_enable();
    printk("idle: blocking for 5 s\n");
    virqs = timer_virqs;
    upcalls = evtchn_stats.upcalls;
    t0 = clock_now();
    sleep_ns(5 * NSEC_PER_SEC);
    ms = (uint32_t)ns_div(clock_now() - t0, 1000000);
    printk("idle: woke after %u ms, %u timer events, %u upcalls\n", ms, timer_virqs - virqs,
           evtchn_stats.upcalls - upcalls);
    check_true("slept 5 s", ms >= 5000 && ms < 5500, "%u ms", ms);
    check_eq("one timer event while idle", (int)(timer_virqs - virqs), 1);
    check_summary("idle");
    sleep_ns(IDLE_LINGER_NS); /* QEMU stays up while the scenario samples its CPU time */
}

static void run_idle(const struct selftest_env *env)
{
    (void)env;
    test_idle();
}
SELFTEST(idle, "test=idle", run_idle, SELFTEST_EVENTS);
