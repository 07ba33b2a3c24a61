/* sched_op (ABI §8): yield, block until an event, shut down. One guest, so yield is a no-op. */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/idle.h"
#include "hv/options.h"
#include <public/xen.h>

static long block(struct domain *d)
{
    static int warned;
    d->shared_info->evtchn_upcall_mask = 0;
    if (!d->shared_info->evtchn_upcall_pending && !warned) {
        warned = 1;
        printk_debug("d%u blocked; it wakes on its next event\n", d->id);
    }
    idle_until_event(d);
    return 0;
}

long do_sched_op(uint32_t op)
{
    struct domain *d = current_domain();
    unsigned cmd = op & SCHEDOP_cmdmask, reason = (op >> SCHEDOP_reasonshift) & 0xff;
    unsigned status = op >> SCHEDOP_statusshift;

    switch (cmd) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_block:
        return block(d);
    case SCHEDOP_shutdown:
        if (reason > SHUTDOWN_crash)
            return hv_refuse("sched_op", op, -XEN_EINVAL, "unknown shutdown reason %u", reason);
        if (status > 0xff || (status && reason != SHUTDOWN_poweroff))
            return hv_refuse("sched_op", op, -XEN_EINVAL, "exit status %u with reason %u", status,
                             reason);
        domain_shutdown(d, reason, status);
    default:
        return hv_refuse("sched_op", op, -XEN_EINVAL, "unknown command %u", cmd);
    }
}
