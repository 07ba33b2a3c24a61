/* test=events: event_channel_op semantics (VIRQ binding, close, status, loopback send,
 * bind_pirq), a masked port keeping its pending bit, and a nested-upcall stress run. */
#include <selftest/check.h>
#include <pv/console.h>
#include <selftest/event_tests.h>
#include <pv/events.h>
#include <pv/time.h>
#include <kernel/selftest_table.h>

#define STRESS_EVENTS 10000
#define STRESS_INTERVAL_NS 1000  /* the shortest: one PIT tick */
#define STRESS_SPIN_MASK 0x1ffff /* the handler then works for 0-131 us */

static volatile uint32_t hits[2];

static void count_hit(uint32_t port, struct event_frame *f, void *arg)
{
    (void)port, (void)f;
    hits[(uint32_t)arg]++;
}

static int op(evtchn_op_t *o)
{
    return HYPERVISOR_event_channel_op(o);
}

static int status(uint32_t port, uint32_t *bound)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_status, .u.status = {.dom = DOMID_SELF, .port = port}};
    int rc = op(&o);

    *bound = o.u.status.bound;
    return rc < 0 ? rc : (int)o.u.status.status;
}

static void binding(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_bind_virq, .u.bind_virq.virq = VIRQ_TIMER};
    uint32_t bound;

    check_eq("bind VIRQ_TIMER again", op(&o), 0);
    check_eq("same VIRQ twice gives the same port", (int)o.u.bind_virq.port, timer_port);
    o = (evtchn_op_t){.cmd = EVTCHNOP_close, .u.close = {.dom = DOMID_SELF, .port = 0}};
    check_eq("close port 0 refused", op(&o), -XEN_EINVAL);
    o = (evtchn_op_t){.cmd = EVTCHNOP_bind_pirq, .u.bind_pirq = {.pirq = 4}};
    check_eq("bind_pirq refused", op(&o), -XEN_EPERM);
    check_eq("status port 0: virq", status(0, &bound), EVTCHNSTAT_virq);
    check_eq("status port 0 bound to VIRQ_MISDIRECT", (int)bound, VIRQ_MISDIRECT);
    check_eq("status timer port: virq", status((uint32_t)timer_port, &bound), EVTCHNSTAT_virq);
    check_eq("status timer port bound to VIRQ_TIMER", (int)bound, VIRQ_TIMER);
    check_eq("status of a never-used port: closed", status(200, &bound), EVTCHNSTAT_closed);
}

/* Loopback pair a <-> b (b from alloc_unbound, a allocated by bind_interdomain). */
static void loopback(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_alloc_unbound, .u.alloc_unbound.dom = DOMID_SELF};
    uint32_t a, b, bound;

    check_eq("alloc_unbound", op(&o), 0);
    b = o.u.alloc_unbound.port;
    check_eq("status unbound", status(b, &bound), EVTCHNSTAT_unbound);
    o = (evtchn_op_t){.cmd = EVTCHNOP_bind_interdomain,
                      .u.bind_interdomain = {DOMID_SELF, DOMID_SELF, 0, b}};
    check_eq("bind_interdomain to self", op(&o), 0);
    a = o.u.bind_interdomain.port1;
    check_eq("status interdomain", status(a, &bound), EVTCHNSTAT_interdomain);
    check_eq("status names the other end", (int)bound, (int)b);
    evtchn_bind(a, count_hit, (void *)0);
    evtchn_bind(b, count_hit, (void *)1);

    check_eq("send a", evtchn_send(a), 0);
    check_eq("send a reaches b's handler", (int)hits[1], 1);
    check_eq("send b", evtchn_send(b), 0);
    check_eq("send b reaches a's handler", (int)hits[0], 1);

    evtchn_mask(b);
    evtchn_send(a);
    check_eq("masked port: handler not run", (int)hits[1], 1);
    check_eq("masked port keeps its pending bit", evtchn_is_pending(b), 1);
    evtchn_unmask(b);
    check_eq("unmask delivers it once", (int)hits[1], 2);
    check_eq("and clears the pending bit", evtchn_is_pending(b), 0);

    o = (evtchn_op_t){.cmd = EVTCHNOP_close, .u.close = {.dom = DOMID_SELF, .port = a}};
    check_eq("close a", op(&o), 0);
    check_eq("status closed", status(a, &bound), EVTCHNSTAT_closed);
    check_eq("other end unbound again", status(b, &bound), EVTCHNSTAT_unbound);
    check_eq("send on a closed port refused", evtchn_send(a), -XEN_EINVAL);
    evtchn_unbind(a);
    evtchn_unbind(b);
}

static volatile uint32_t stress_events;

static uint32_t random(void)
{
    static uint32_t lcg = 12345;

    lcg = lcg * 1103515245u + 12345u;
    return lcg >> 8;
}

/* Re-arm at once, then work for a random while: QEMU delivers the timer interrupt some tens
 * of microseconds late, and this spreads its arrival over the handler's exit path too. */
static void stress_tick(uint32_t port, struct event_frame *f, void *arg)
{
    uint64_t now = clock_now_raw(), until = now + (random() & STRESS_SPIN_MASK);

    (void)port, (void)f, (void)arg;
    if (++stress_events < STRESS_EVENTS)
        HYPERVISOR_set_timer_op(now + STRESS_INTERVAL_NS);
    while (clock_now_raw() < until)
        ;
}

/* The timer fires a microsecond after each re-arm while this loop flips upcall_mask as fast as
 * it can. */
static void stress(void)
{
    uint32_t fix0 = evt_fixups, re0 = evt_exit_rechecks, up0 = evtchn_stats.upcalls;
    uint32_t flips = 0;
    uint64_t t0 = clock_now();

    evtchn_stats.max_depth = evtchn_stats.depth;
    evtchn_bind((uint32_t)timer_port, stress_tick, 0);
    HYPERVISOR_set_timer_op(clock_now_raw() + STRESS_INTERVAL_NS);
    while (stress_events < STRESS_EVENTS && clock_now() - t0 < 20 * NSEC_PER_SEC) {
        uint8_t old = evt_disable();

        flips++;
        evt_restore(old);
    }
    evtchn_bind((uint32_t)timer_port, timer_virq, 0);
    printk("events: nesting stress: %u timer events in %u ms, %u mask flips, %u upcalls, max "
           "upcall depth %u, %u folded in the exit window, %u exit re-checks\n",
           stress_events, (uint32_t)ns_div(clock_now() - t0, 1000000), flips,
           evtchn_stats.upcalls - up0, evtchn_stats.max_depth, evt_fixups - fix0,
           evt_exit_rechecks - re0);
    check_eq("stress: all timer events handled", (int)stress_events, STRESS_EVENTS);
    check_true("stress: upcall nesting depth stays at most 1", evtchn_stats.max_depth <= 1,
               "max depth %u", evtchn_stats.max_depth);
}

void test_events(void)
{
    check_begin();
    evt_enable();
    binding();
    loopback();
    stress();
    check_summary("events");
}

static void run_events(const struct selftest_env *env)
{
    (void)env;
    test_events();
}
SELFTEST(events, "test=events", run_events, SELFTEST_EVENTS);
