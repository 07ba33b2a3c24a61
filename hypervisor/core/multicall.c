/*
 * multicall (ABI §3): a batch of hypercalls in one trap. Each entry runs in order and its
 * result lands in args[5]; an entry's error does not stop the batch, a fault reading an entry
 * or writing a result does (-EFAULT). [ours] n = 0 is a no-op, a nested multicall entry gets
 * -EINVAL, and interrupts get a window every 16 entries so a long batch cannot hold them off.
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/uaccess.h"
#include <public/xen.h>

#define MULTICALL_CHUNK 16 /* entries read at a time; interrupts get a window between chunks */

long do_multicall(uint32_t list, uint32_t n)
{
    struct domain *d = current_domain();
    if (n > GUEST_SEGMENT_END / sizeof(multicall_entry_t) ||
        !guest_range_readable(list, n * sizeof(multicall_entry_t)))
        return hv_refuse("multicall", list, -XEN_EFAULT, "%u entries do not fit the guest", n);

    for (uint32_t i = 0; i < n; i += MULTICALL_CHUNK) {
        static multicall_entry_t chunk[MULTICALL_CHUNK]; /* one CPU, hypercalls do not nest */
        uint32_t k = n - i < MULTICALL_CHUNK ? n - i : MULTICALL_CHUNK;
        uint32_t at = list + i * sizeof(multicall_entry_t);
        if (i)
            arch_irq_window();
        /* A chunk is read before any of its entries runs: an entry that rewrites a later one
         * in guest memory does not change what runs. */
        if (copy_from_guest(chunk, at, k * sizeof(multicall_entry_t)))
            return hv_refuse("multicall", list, -XEN_EFAULT, "entries %u-%u unreadable", i,
                             i + k - 1);
        for (uint32_t j = 0; j < k; j++, at += sizeof(multicall_entry_t)) {
            const multicall_entry_t *e = &chunk[j];
            long result = e->op % NR_HYPERCALLS == __HYPERVISOR_multicall
                              ? hv_refuse("multicall", list, -XEN_EINVAL,
                                          "entry %u is a nested multicall", i + j)
                              : hypercall_call(e->op, e->args);
            if (put_guest_u32(at + 4 * (1 + MULTICALL_RESULT_ARG), (uint32_t)result))
                return hv_refuse("multicall", list, -XEN_EFAULT, "result of entry %u unwritable",
                                 i + j);
        }
    }
    d->multicall_batches++;
    d->multicall_entries += n;
    return 0;
}
