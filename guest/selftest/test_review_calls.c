/*
 * test=mmu-review, the remaining calls: event channels at their edges (port 0, the last port,
 * a port bound to itself, every port allocated), timers at absurd deadlines, scheduler and
 * hypercall numbers nobody uses, console output that tries to pass for the hypervisor's (the
 * scenario forbids each forgery as written), and console input copied into the read-only M2P.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/events.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/review.h>
#include <pv/time.h>
#include <lib/format.h>
#include <lib/string.h>

#define M2P ((volatile uint32_t *)HYPERVISOR_VIRT_START)
#define INPUT_WAIT_NS (10 * NSEC_PER_SEC)

static int ev(evtchn_op_t *o)
{
    return HYPERVISOR_event_channel_op(o);
}

static int ev_close(uint32_t port)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_close, .u.close = {.dom = DOMID_SELF, .port = port}};
    return ev(&o);
}

static int ev_status(uint32_t port)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_status, .u.status = {.dom = DOMID_SELF, .port = port}};
    int rc = ev(&o);
    return rc < 0 ? rc : (int)o.u.status.status;
}

static int ev_alloc(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_alloc_unbound, .u.alloc_unbound.dom = DOMID_SELF};
    int rc = ev(&o);
    return rc < 0 ? rc : (int)o.u.alloc_unbound.port;
}

static void event_edges(void)
{
    evtchn_op_t o;
    check_true("evtchn: close port 0 refused", ev_close(0) < 0, "accepted");
    o = (evtchn_op_t){.cmd = EVTCHNOP_bind_virq, .u.bind_virq.virq = NR_VIRQS};
    check_eq("evtchn: bind an unknown VIRQ", ev(&o), -XEN_EINVAL);
    o = (evtchn_op_t){.cmd = EVTCHNOP_bind_virq, .u.bind_virq.virq = 0xffffffffu};
    check_eq("evtchn: bind VIRQ 0xffffffff", ev(&o), -XEN_EINVAL);
    check_true("evtchn: send to port 1024", evtchn_send(NR_EVENT_CHANNELS) < 0, "accepted");
    check_true("evtchn: send to port 0xffffffff", evtchn_send(0xffffffffu) < 0, "accepted");
    check_true("evtchn: close port 0x80000000", ev_close(0x80000000u) < 0, "accepted");
    check_true("evtchn: status of port 1024", ev_status(NR_EVENT_CHANNELS) < 0, "accepted");
    o = (evtchn_op_t){.cmd = 0x100};
    check_true("evtchn: unknown command", ev(&o) < 0, "accepted");
    o = (evtchn_op_t){.cmd = EVTCHNOP_alloc_unbound, .u.alloc_unbound.dom = 1};
    check_true("evtchn: alloc_unbound for another domain", ev(&o) < 0, "accepted");

    /* One port bound to itself: closing it must not touch a peer twice. */
    int p = ev_alloc();
    o = (evtchn_op_t){.cmd = EVTCHNOP_bind_interdomain,
                      .u.bind_interdomain = {DOMID_SELF, DOMID_SELF, (uint32_t)p, (uint32_t)p}};
    int rc = ev(&o);
    printk("evtchn: bind_interdomain of port %d to itself: %d\n", p, rc);
    if (rc == 0)
        evtchn_send((uint32_t)p);
    check_eq("evtchn: that port closed", ev_close((uint32_t)p), 0);
    check_eq("evtchn: ... and closed for good", ev_status((uint32_t)p), EVTCHNSTAT_closed);
    check_true("evtchn: ... a second close refused", ev_close((uint32_t)p) < 0, "accepted");

    /* Every port allocated, then all closed again. */
    static int ports[NR_EVENT_CHANNELS + 8];
    unsigned n = 0;
    int last = 0;
    while (n < NR_EVENT_CHANNELS + 8 && (last = ev_alloc()) >= 0)
        ports[n++] = last;
    printk("evtchn: %u ports allocated, then %d\n", n, last);
    check_true("evtchn: allocation stops below 1024 ports with an error",
               n < NR_EVENT_CHANNELS && last < 0, "%u ports", n);
    int closed = 0;
    for (unsigned i = 0; i < n; i++)
        closed += ev_close((uint32_t)ports[i]) == 0;
    check_eq("evtchn: all of them closed", closed, (int32_t)n);
    last = ev_alloc();
    check_true("evtchn: a port is free again", last > 0, "%d", last);
    ev_close((uint32_t)last);

    /* Results copied back into a read-only page. */
    uint32_t pfn = rv_new_frame(0), va = scratch_va(12);
    evtchn_op_t *ro = (evtchn_op_t *)va;
    rv_uvm(va, pfn_to_mfn(pfn) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
    *ro = (evtchn_op_t){.cmd = EVTCHNOP_alloc_unbound, .u.alloc_unbound.dom = DOMID_SELF};
    rv_uvm(va, pfn_to_mfn(pfn) << 12 | PTE_P | PTE_A);
    rc = ev(ro);
    check_eq("evtchn: results into a read-only page", rc, -XEN_EFAULT);
    unsigned leaked = 0;
    for (uint32_t port = 1; port < 64; port++)
        leaked += ev_status(port) == EVTCHNSTAT_unbound;
    check_eq("evtchn: ... and no port left allocated behind the guest's back", (int32_t)leaked, 0);
    rv_uvm(va, 0);
    test_frame_free(pfn);
}

static void timers_and_scheduler(void)
{
    int rc = HYPERVISOR_set_timer_op(~0ull);
    check_true("timer: deadline 2^64 - 1", rc <= 0, "returned %d", rc);
    rc = HYPERVISOR_set_timer_op(1ull << 63);
    check_true("timer: deadline 2^63", rc <= 0, "returned %d", rc);
    check_eq("timer: deadline in the past", HYPERVISOR_set_timer_op(1), 0);
    check_eq("timer: cancelled", HYPERVISOR_set_timer_op(0), 0);
    check_eq("timer: the hypervisor still answers", HYPERVISOR_xen_version(0), XEN_VERSION_CODE);
    check_true("sched: unknown command", HYPERVISOR_sched_op(0x7f) < 0, "accepted");
    check_true("sched: unknown command with a shutdown reason",
               HYPERVISOR_sched_op(0x7f | 0xff << SCHEDOP_reasonshift) < 0, "accepted");
}

/* Numbers with nothing (or nothing for us) behind them, called with junk. */
static void unused_calls(void)
{
    static const uint32_t nrs[] = {7, 12, 19, 20, 22, 23, 24, 25, 26, 27, 28, 29};
    static uint32_t junk[64];
    char name[64];
    for (unsigned i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
        snprintf(name, sizeof(name), "calls: hypercall %u with junk arguments", nrs[i]);
        int rc = hypercall5(nrs[i], (uint32_t)junk, 1, (uint32_t)junk, 0x7ff0, 0);
        check_true(name, rc < 0, "returned %d", rc);
    }
    /* netif_op (30) exists now: junk as its request is an unknown command. */
    junk[0] = 0xdeadbeefu;
    check_eq("calls: hypercall 30 (netif_op) with a junk command",
             hypercall1(__HYPERVISOR_netif_op, (uint32_t)junk), -XEN_ENOSYS);
    junk[0] = 0;
    check_true("calls: vm_assist writable page tables",
               hypercall3(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
                          VMASST_TYPE_writable_pagetables, 0) < 0,
               "accepted");
    check_eq("calls: hypercall 0xffffffe0 is number 0 (set_trap_table, unreadable)",
             hypercall1(0xffffffe0u, 0x40000000u), -XEN_EFAULT);
}

static void console_raw(const char *s)
{
    HYPERVISOR_console_io(CONSOLEIO_write, strlen(s), s);
}

/* The scenario forbids "(hv) d0 review-forged" in any form and checks that no control
 * character of the guest's reaches the log: on a terminal they redraw a line at will. */
static void forgeries(void)
{
    console_raw("\n(hv) d0 review-forged A at a line start\n");
    console_raw("x\r(hv) d0 review-forged B after a carriage return\n");
    console_raw("(");
    console_raw("hv) d0 review-forged C split after the parenthesis\n");
    console_raw("(hv");
    console_raw(") d0 review-forged D split before it\n");
    console_raw("(");
    console_raw("h");
    console_raw("v");
    console_raw(")");
    console_raw(" d0 review-forged E byte by byte\n");
    console_raw("(hv\x1b[0m) d0 review-forged F escape sequence inside\n");
    console_raw("(hw\b\bv) d0 review-forged G backspaces\n");
    HYPERVISOR_console_io(CONSOLEIO_write, 6, "(\0hv) ");
    console_raw("d0 review-forged H a NUL inside\n");
    console_raw("\x1b[2K\r(hq\x08v) d0 review-forged I line erased\n");
}

/* Console input arrives (the scenario types it): a read into the M2P must fail and leave it
 * alone, and the bytes must still be there for a read into a good buffer. */
static void console_input(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_bind_virq, .u.bind_virq.virq = VIRQ_CONSOLE};
    volatile shared_info_t *si = HYPERVISOR_shared_info;
    char buf[32];

    if (ev(&o) != 0) {
        check_true("console input: VIRQ_CONSOLE bound", 0, "refused");
        return;
    }
    uint32_t port = o.u.bind_virq.port;
    printk("review: waiting for console input\n");
    uint64_t end = clock_now_raw() + INPUT_WAIT_NS;
    while (!(si->evtchn_pending[port / 32] >> (port % 32) & 1) && clock_now_raw() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield);
    check_true("console input: it arrived", si->evtchn_pending[port / 32] >> (port % 32) & 1,
               "nothing in %u s", (uint32_t)(INPUT_WAIT_NS / NSEC_PER_SEC));
    uint32_t own = pfn_to_mfn(0), m0 = M2P[own], m1 = M2P[own + 1];
    check_eq("console input: read into the M2P",
             HYPERVISOR_console_io(CONSOLEIO_read, 8, (void *)&M2P[own]), -XEN_EFAULT);
    check_true("console input: ... left it alone", M2P[own] == m0 && M2P[own + 1] == m1, "%#x %#x",
               M2P[own], M2P[own + 1]);
    check_eq("console input: read running past 0xfc3fffff",
             HYPERVISOR_console_io(CONSOLEIO_read, 8, (void *)(HOLE - 4)), -XEN_EFAULT);
    memset(buf, 0, sizeof(buf));
    int n = HYPERVISOR_console_io(CONSOLEIO_read, 8, buf);
    check_true("console input: nothing was lost", n == 8 && memcmp(buf, "rv-input", 8) == 0,
               "%d bytes '%s'", n, buf);
    ev_close(port);
}

void review_calls(void)
{
    event_edges();
    timers_and_scheduler();
    unused_calls();
    forgeries();
    console_input();
}
