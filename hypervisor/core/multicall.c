/*
 * multicall (ABI §3): a batch of hypercalls in one trap. Each entry runs in order and its
 * result lands in args[5]; an entry's error does not stop the batch, a fault reading an entry
 * or writing a result does (-EFAULT). [ours] n = 0 is a no-op, a nested multicall entry gets
 * -EINVAL, and interrupts get a window every 16 entries so a long batch cannot hold them off.
 * The TLB flushes the entries ask for wait for the end of the batch (one flush, or a few
 * invlpgs; core/mmu_update.c), as in Xen 2.0.
 *
 * The batch itself is arch/x86/entry.S's do_multicall: it has to beat one trap per call even
 * for two entries, so it is assembly that needs no frame of its own. Here are its refusals,
 * each logged with its reason, and the rule it relies on: the number of arguments it pushes
 * for each handler.
 */
#include "hv/domain.h"
#include "hv/hypercall.h"
#include <public/xen.h>

_Static_assert(sizeof(multicall_entry_t) == 32, "ABI §3 entry layout");

/*
 * The handlers whose multicall entries push fewer than five arguments (entry.S's MC_THUNK
 * lines): each must take exactly that many, or it would read the hypervisor's stack as its
 * missing arguments. Every other number gets five.
 */
#define TAKES(fn, ...) _Generic(&(fn), long (*)(__VA_ARGS__) : 1, default : 0)
_Static_assert(__HYPERVISOR_mmu_update == 1 && TAKES(do_mmu_update, uint32_t, uint32_t, uint32_t),
               "multicall pushes 3 arguments for number 1");
_Static_assert(__HYPERVISOR_stack_switch == 3 && TAKES(do_stack_switch, uint32_t, uint32_t),
               "multicall pushes 2 arguments for number 3");
_Static_assert(__HYPERVISOR_fpu_taskswitch == 5 && TAKES(do_fpu_taskswitch, void),
               "multicall pushes no argument for number 5");
_Static_assert(__HYPERVISOR_update_descriptor == 10 &&
                   TAKES(do_update_descriptor, uint32_t, uint32_t, uint32_t),
               "multicall pushes 3 arguments for number 10");
_Static_assert(__HYPERVISOR_multicall == 13, "number 13's entry is the nested refusal");
_Static_assert(__HYPERVISOR_update_va_mapping == 14 &&
                   TAKES(do_update_va_mapping, uint32_t, uint32_t, uint32_t),
               "multicall pushes 3 arguments for number 14");

static uint32_t entry_index(uint32_t list, uint32_t at)
{
    return (at - list) / sizeof(multicall_entry_t);
}

/* The list does not fit below the hypervisor (or wraps), or has more entries than could. */
long multicall_refuse_list(uint32_t list, uint32_t n)
{
    current_domain()->multicall_refused++;
    return hv_refuse("multicall", list, -XEN_EFAULT, "%u entries do not fit the guest", n);
}

/* A nested multicall: refused in the entry's result slot. (A number with no handler needs no
 * case: its table entry logs and returns -ENOSYS.) */
long multicall_nested(uint32_t list, uint32_t at)
{
    return hv_refuse("multicall", list, -XEN_EINVAL, "entry %u is a nested multicall",
                     entry_index(list, at));
}

/* A fault reading the entry at `at` or (result) writing its result: the end of the batch. The
 * invalidations deferred so far are done now; the batch is not counted. */
long multicall_fault(uint32_t list, uint32_t n, uint32_t at, int result)
{
    struct domain *d = current_domain();
    mmu_deferred.span = ~0u;
    if (mmu_deferred.nr)
        mmu_deferred_flush();
    d->multicall_entries -= n;
    d->multicall_refused++;
    if (result)
        return hv_refuse("multicall", list, -XEN_EFAULT, "result of entry %u unwritable",
                         entry_index(list, at));
    return hv_refuse("multicall", list, -XEN_EFAULT, "entry %u unreadable", entry_index(list, at));
}
