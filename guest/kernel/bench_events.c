/* bench=events: guest instructions from an event_channel_op send on a loopback channel to its
 * handler running (rdtsc under -icount shift=0), and the lateness of 1 ms one-shot timers by
 * the guest clock (meaningful without icount). */
#include <guest/console.h>
#include <guest/event_tests.h>
#include <guest/events.h>
#include <guest/time.h>

#define ROUNDS 1000
#define TIMER_SAMPLES 200
#define TIMER_PERIOD_NS NSEC_PER_MSEC

static volatile uint64_t handler_tsc;
static volatile int timer_done;
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

static uint32_t roundtrip(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_bind_interdomain,
                     .u.bind_interdomain = {DOMID_SELF, DOMID_SELF, 0, 0}};
    static uint32_t samples[ROUNDS];

    if (HYPERVISOR_event_channel_op(&o) < 0)
        return 0;
    evtchn_bind(o.u.bind_interdomain.port2, stamp, 0);
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = rdtsc();

        evtchn_send(o.u.bind_interdomain.port1);
        samples[i] = (uint32_t)(handler_tsc - t0);
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
    HYPERVISOR_set_timer_op(deadline);
}

void bench_events(void)
{
    uint32_t insns;

    evt_enable();
    roundtrip(); /* warm up QEMU's translation cache */
    insns = roundtrip();
    printk("BENCH event_roundtrip_insns %u insns\n", insns);

    evtchn_bind((uint32_t)timer_port, timer_tick, 0);
    deadline = clock_now() + TIMER_PERIOD_NS;
    HYPERVISOR_set_timer_op(deadline);
    while (!timer_done)
        HYPERVISOR_sched_op(SCHEDOP_block);
    evtchn_bind((uint32_t)timer_port, timer_virq, 0);
    sort(lateness_ns, TIMER_SAMPLES);
    printk("BENCH timer_latency_us_median %u us\n", (lateness_ns[TIMER_SAMPLES / 2] + 500) / 1000);
    printk("BENCH timer_latency_us_p99 %u us\n",
           (lateness_ns[TIMER_SAMPLES * 99 / 100] + 500) / 1000);
}
