/* hv_op (31) [ours]: the statistics the hypervisor keeps, copied out for the guest. */
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/uaccess.h"
#include "lib/string.h"
#include <public/hv_op.h>

long do_hv_op(uint32_t cmd, uint32_t buffer, uint32_t size)
{
    static hv_stats_t s; /* one CPU, hypercalls do not nest */
    struct domain *d = current_domain();

    if (cmd != HVOP_get_stats)
        return hv_refuse("hv_op", cmd, -XEN_ENOSYS, "unknown command");
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);
    memcpy(s.hypercalls, d->hypercalls, sizeof(s.hypercalls));
    memcpy(s.bounces, d->bounces, sizeof(s.bounces));
    s.failsafe_callbacks = d->failsafe_callbacks;
    s.event_upcalls = d->event_upcalls;
    uint32_t n = size < sizeof(s) ? size : sizeof(s);
    if (copy_to_guest(buffer, &s, n))
        return hv_refuse("hv_op", cmd, -XEN_EFAULT, "buffer %#x+%u not writable", buffer, size);
    return n;
}
