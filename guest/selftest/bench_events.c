/* bench=events: guest instructions from an event_channel_op send on a loopback channel to its
 * handler running (rdtsc under -icount shift=0), and the lateness of 1 ms one-shot timers by
 * the guest clock (meaningful without icount). Every hypercall's result is checked, and every
 * send must have run the handler; a figure that cannot be trusted is not printed:
 * "bench=events: error: ..." says why, and the driver (tests/bench/) fails on it. */
#include <pv/console.h>
#include <selftest/event_tests.h>
#include <pv/events.h>
#include <pv/time.h>
#include <kernel/selftest_table.h>

#define ROUNDS 1000
#define TIMER_SAMPLES 200
#define TIMER_PERIOD_NS NSEC_PER_MSEC

static volatile uint64_t handler_tsc;
static volatile int timer_done;
static volatile unsigned timer_errors;
static uint64_t deadline;
static uint32_t lateness_ns[TIMER_SAMPLES];

static void stamp(uint32_t port, struct event_frame *f, void *arg)
{
    (void)port, (void)f, (void)arg;
    handler_tsc = rdtsc();
}

static void sort(uint32_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint32_t x = v[i];
        unsigned j = i;

        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* The median of ROUNDS sends, 0 (with the error printed) when a call failed or a send did not
 * reach the handler before the send returned. */
static uint32_t roundtrip(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_bind_interdomain,
                     .u.bind_interdomain = {DOMID_SELF, DOMID_SELF, 0, 0}};
    static uint32_t samples[ROUNDS];
    int rc = HYPERVISOR_event_channel_op(&o), bad = 0;
    unsigned missed = 0;

    if (rc < 0) {
        printk("bench=events: error: bind_interdomain failed (%d)\n", rc);
        return 0;
    }
    rc = evtchn_bind(o.u.bind_interdomain.port2, stamp, 0);
    if (rc) {
        printk("bench=events: error: evtchn_bind(%u) failed (%d)\n", o.u.bind_interdomain.port2,
               rc);
        return 0;
    }
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = rdtsc();

        handler_tsc = 0;
        bad |= evtchn_send(o.u.bind_interdomain.port1);
        samples[i] = (uint32_t)(handler_tsc - t0);
        missed += handler_tsc < t0;
    }
    if (bad || missed) {
        printk("bench=events: error: %u of %u sends did not reach the handler (results %d)\n",
               missed, ROUNDS, bad);
        return 0;
    }
    sort(samples, ROUNDS);
    return samples[ROUNDS / 2];
}

static void timer_tick(uint32_t port, struct event_frame *f, void *arg)
{
    static unsigned n;
    uint64_t now = clock_now();

    (void)port, (void)f, (void)arg;
    lateness_ns[n++] = now > deadline ? (uint32_t)(now - deadline) : 0;
    if (n == TIMER_SAMPLES) {
        timer_done = 1;
        return;
    }
    deadline = now + TIMER_PERIOD_NS;
    if (HYPERVISOR_set_timer_op(deadline)) {
        timer_errors++;
        timer_done = 1; /* no further tick will come */
    }
}

void bench_events(void)
{
    uint32_t insns;
    int rc;

    evt_enable();
    roundtrip(); /* warm up QEMU's translation cache */
    insns = roundtrip();
    if (insns)
        printk("BENCH event_roundtrip_insns %u insns\n", insns);

    evtchn_bind((uint32_t)timer_port, timer_tick, 0);
    deadline = clock_now() + TIMER_PERIOD_NS;
    rc = HYPERVISOR_set_timer_op(deadline);
    if (rc) {
        printk("bench=events: error: set_timer_op failed (%d)\n", rc);
        evtchn_bind((uint32_t)timer_port, timer_virq, 0);
        return;
    }
    while (!timer_done)
        HYPERVISOR_sched_op(SCHEDOP_block);
    evtchn_bind((uint32_t)timer_port, timer_virq, 0);
    if (timer_errors) {
        printk("bench=events: error: set_timer_op failed %u times\n", timer_errors);
        return;
    }
    sort(lateness_ns, TIMER_SAMPLES);
    printk("BENCH timer_latency_us_median %u us\n", (lateness_ns[TIMER_SAMPLES / 2] + 500) / 1000);
    printk("BENCH timer_latency_us_p99 %u us\n",
           (lateness_ns[TIMER_SAMPLES * 99 / 100] + 500) / 1000);
}

static void run_bench_events(const struct selftest_env *env)
{
    (void)env;
    bench_events();
}
SELFTEST(bench_events, "bench=events", run_bench_events, SELFTEST_EVENTS);
