/*
 * multicall (ABI §3): a batch of hypercalls in one trap. Each entry runs in order and its
 * result lands in args[5]; an entry's error does not stop the batch, a fault reading an entry
 * or writing a result does (-EFAULT). [ours] n = 0 is a no-op, a nested multicall entry gets
 * -EINVAL, and interrupts get a window every few entries so a long batch cannot hold them off.
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/uaccess.h"
#include <public/xen.h>

#define MULTICALL_IRQ_WINDOW 16

long do_multicall(uint32_t list, uint32_t n)
{
    struct domain *d = current_domain();
    if (n > GUEST_SEGMENT_END / sizeof(multicall_entry_t) ||
        !guest_range_readable(list, n * sizeof(multicall_entry_t)))
        return hv_refuse("multicall", list, -XEN_EFAULT, "%u entries do not fit the guest", n);

    for (uint32_t i = 0; i < n; i++) {
        multicall_entry_t e;
        uint32_t at = list + i * sizeof(e);
        if (i % MULTICALL_IRQ_WINDOW == MULTICALL_IRQ_WINDOW - 1)
            arch_irq_window();
        if (copy_from_guest(&e, at, sizeof(e)))
            return hv_refuse("multicall", list, -XEN_EFAULT, "entry %u unreadable", i);
        long result;
        if (e.op % NR_HYPERCALLS == __HYPERVISOR_multicall)
            result = hv_refuse("multicall", list, -XEN_EINVAL, "entry %u is a nested multicall", i);
        else
            result = hypercall_call(e.op, e.args);
        uint32_t r = (uint32_t)result;
        if (copy_to_guest(at + 4 * (1 + MULTICALL_RESULT_ARG), &r, sizeof(r)))
            return hv_refuse("multicall", list, -XEN_EFAULT, "result of entry %u unwritable", i);
    }
    d->multicall_batches++;
    d->multicall_entries += n;
    return 0;
}
