/*
 * The idle loop: the guest is blocked until its next event. Before halting, the CPU polls for a
 * while, as Linux's cpuidle-haltpoll does in a KVM guest. Under an emulator a halt is dear: QEMU's
 * TCG puts its vCPU thread to sleep and needs a host wake-up to run it again, tens of
 * microseconds of a network round trip; and a card whose interrupts are moderated (QEMU's e1000
 * holds each one at least 128 us after the one before) has often put the frame in its ring long
 * before its interrupt comes. The poll lets interrupts in and looks at the receive rings (memory
 * only: net_rx_waiting); a frame found there is serviced as if its interrupt had come. The
 * limit adapts (idle_poll_next): round trips of a few tens of microseconds keep it at the
 * maximum (idlepoll=, 200 us), a guest that sleeps longer than that soon stops polling, and
 * idlepoll=0 never polls. Poll time counts as idle in hv_op's busy_tsc, like a halt.
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/idle.h"
#include "hv/net.h"
#include "hv/options.h"
#include "hv/time.h"
#include <public/xen.h>

#define POLL_GROW_START_US 50 /* haltpoll's guest_halt_poll_grow_start */

uint32_t idle_polls_woken, idle_polls_halted;
static uint64_t limit; /* TSC cycles */

static int woken(const struct domain *d)
{
    return net_work_pending || d->shared_info->evtchn_upcall_pending;
}

/* Polls until the TSC reaches end: 1 if an interrupt, an event or a received frame came. */
static int poll(const struct domain *d, uint64_t end)
{
    arch_idle_begin();
    for (;;) {
        arch_irq_window();
        if (woken(d) || net_rx_waiting())
            break;
        if (arch_tsc() >= end)
            return 0;      /* the span goes on into the halt */
        arch_idle_begin(); /* an interrupt closed it */
        arch_relax();
    }
    arch_idle_end();
    return 1;
}

void idle_until_event(struct domain *d)
{
    uint64_t per_us = arch_tsc_hz() / 1000000u;
    uint64_t max = hv_opts.idle_poll_us * per_us, start = 0, poll_end = 0;
    int halted = 0;
    for (;;) {
        net_poll(); /* device work latched by interrupts, at this safe point */
        if (d->shared_info->evtchn_upcall_pending)
            break;
        if (!start) {
            start = arch_tsc();
            poll_end = start + (limit < max ? limit : max);
        }
        if (arch_tsc() < poll_end && poll(d, poll_end))
            continue;
        halted = 1;
        arch_idle();
    }
    if (!start || !max)
        return;
    if (halted)
        idle_polls_halted++;
    else
        idle_polls_woken++;
    limit = idle_poll_next(limit, arch_tsc() - start, max, POLL_GROW_START_US * per_us);
}
