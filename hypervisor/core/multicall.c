/*
 * multicall (ABI §3): a batch of hypercalls in one trap. Each entry runs in order and its
 * result lands in args[5]; an entry's error does not stop the batch, a fault reading an entry
 * or writing a result does (-EFAULT). [ours] n = 0 is a no-op, a nested multicall entry gets
 * -EINVAL, and interrupts get a window every 16 entries so a long batch cannot hold them off.
 * The TLB flushes the entries ask for wait for the end of the batch (one flush, or a few
 * invlpgs; core/mmu_update.c), as in Xen 2.0.
 *
 * This is the path that has to beat one trap per call, even for two entries, so an entry costs
 * little more than its handler (about 20 instructions): the whole list is range-checked once
 * (it must be writable, for the results), then each entry is an unchecked load of its op, a
 * direct call through the handler table with the five arguments pushed straight from guest
 * memory, and an unchecked store of its result; the fault fixups of those accesses are the
 * only checks left per entry. An entry is read just before it runs, as in Xen: an earlier
 * entry that rewrites or unmaps a later one is seen by it.
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/uaccess.h"
#include <public/xen.h>

#define MULTICALL_IRQ_WINDOW 16 /* entries between two interrupt windows */
#define RESULT_OFFSET (4 * (1 + MULTICALL_RESULT_ARG))

_Static_assert(sizeof(multicall_entry_t) == 32 && RESULT_OFFSET == 24, "ABI §3 entry layout");

static uint32_t entry_index(uint32_t list, guest_va_t at)
{
    return (at - list) / sizeof(multicall_entry_t);
}

/* A nested multicall: refused in the entry's result slot. (A number with no handler needs no
 * case: its table entry logs and returns -ENOSYS.) */
static long nested(uint32_t list, guest_va_t at)
{
    return hv_refuse("multicall", list, -XEN_EINVAL, "entry %u is a nested multicall",
                     entry_index(list, at));
}

long do_multicall(uint32_t list, uint32_t n)
{
    struct domain *d = current_domain();
    if (n > HYPERVISOR_VIRT_START / sizeof(multicall_entry_t) ||
        !guest_range_writable(list, n * sizeof(multicall_entry_t)))
        return hv_refuse("multicall", list, -XEN_EFAULT, "%u entries do not fit the guest", n);

    guest_va_t at = list;
    /* The entries' invalidations: at the end, in one go (core/mmu_update.c). */
    mmu_defer_flushes(list, list + n * sizeof(multicall_entry_t));
    for (uint32_t left = n; left;) {
        uint32_t op;
        long result;
        __get_guest_u32(op, at, unreadable);
        unsigned nr = op % NR_HYPERCALLS;
        if (__builtin_expect(nr == __HYPERVISOR_multicall, 0)) {
            result = nested(list, at);
        } else {
            d->hypercalls[nr]++;
            arch_hypercall_entry(result, hypercall_table[nr], at, unreadable);
        }
        __put_guest_u32(at + RESULT_OFFSET, (uint32_t)result, unwritable);
        at += sizeof(multicall_entry_t);
        if (__builtin_expect(--left % MULTICALL_IRQ_WINDOW == 0, 0) && left)
            arch_irq_window();
    }
    mmu_deferred_flushes();
    d->multicall_batches++;
    d->multicall_entries += n;
    return 0;
unreadable:
    mmu_deferred_flushes();
    return hv_refuse("multicall", list, -XEN_EFAULT, "entry %u unreadable", entry_index(list, at));
unwritable:
    mmu_deferred_flushes();
    return hv_refuse("multicall", list, -XEN_EFAULT, "result of entry %u unwritable",
                     entry_index(list, at));
}
