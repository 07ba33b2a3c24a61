/* Hypercalls (ABI §2): the handler table, refusals and their log. The trap itself is
 * arch/x86/entry.S (hypercall_stub): number modulo 32, arguments from EBX..EDI, result in EAX;
 * the entry path saves and restores every other register, so they are preserved. */
#include <stdarg.h>
#include "hv/hypercall.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/log_limit.h"
#include "hv/netif.h"
#include "hv/panic.h"
#include "hv/time.h"
#include "lib/string.h"
#include "lib/format.h"
#include <public/xen.h>

#define HANDLER(fn) ((hypercall_fn *)(void (*)(void))(fn))

/* The numbers with no handler still get an entry, so that the table has no hole to test for
 * on the way in (arch/x86/entry.S calls through it directly): each logs its refusal and
 * returns -ENOSYS under its own number. */
#define UNIMPLEMENTED(nr)                        \
    static long unimplemented_##nr(uint32_t arg) \
    {                                            \
        return hypercall_unimplemented(nr, arg); \
    }
UNIMPLEMENTED(7)
UNIMPLEMENTED(12)
UNIMPLEMENTED(19)
UNIMPLEMENTED(20)
UNIMPLEMENTED(21)
UNIMPLEMENTED(22)
UNIMPLEMENTED(23)
UNIMPLEMENTED(24)
UNIMPLEMENTED(25)
UNIMPLEMENTED(26)
UNIMPLEMENTED(27)
UNIMPLEMENTED(28)
UNIMPLEMENTED(29)

hypercall_fn *const hypercall_table[NR_HYPERCALLS] = {
    [__HYPERVISOR_set_trap_table] = HANDLER(do_set_trap_table),
    [__HYPERVISOR_mmu_update] = HANDLER(do_mmu_update),
    [__HYPERVISOR_multicall] = HANDLER(do_multicall),
    [__HYPERVISOR_set_timer_op] = HANDLER(do_set_timer_op),
    [__HYPERVISOR_event_channel_op] = HANDLER(do_event_channel_op),
    [__HYPERVISOR_set_gdt] = HANDLER(do_set_gdt),
    [__HYPERVISOR_update_descriptor] = HANDLER(do_update_descriptor),
    [__HYPERVISOR_stack_switch] = HANDLER(do_stack_switch),
    [__HYPERVISOR_set_callbacks] = HANDLER(do_set_callbacks),
    [__HYPERVISOR_fpu_taskswitch] = HANDLER(do_fpu_taskswitch),
    [__HYPERVISOR_sched_op] = HANDLER(do_sched_op),
    [__HYPERVISOR_set_debugreg] = HANDLER(do_set_debugreg),
    [__HYPERVISOR_get_debugreg] = HANDLER(do_get_debugreg),
    [__HYPERVISOR_set_fast_trap] = HANDLER(do_set_fast_trap),
    [__HYPERVISOR_update_va_mapping] = HANDLER(do_update_va_mapping),
    [__HYPERVISOR_xen_version] = HANDLER(do_xen_version),
    [__HYPERVISOR_console_io] = HANDLER(do_console_io),
    [__HYPERVISOR_netif_op] = HANDLER(do_netif_op),
    [__HYPERVISOR_hv_op] = HANDLER(do_hv_op),
    [7] = HANDLER(unimplemented_7),
    [12] = HANDLER(unimplemented_12),
    [19] = HANDLER(unimplemented_19),
    [20] = HANDLER(unimplemented_20),
    [21] = HANDLER(unimplemented_21),
    [22] = HANDLER(unimplemented_22),
    [23] = HANDLER(unimplemented_23),
    [24] = HANDLER(unimplemented_24),
    [25] = HANDLER(unimplemented_25),
    [26] = HANDLER(unimplemented_26),
    [27] = HANDLER(unimplemented_27),
    [28] = HANDLER(unimplemented_28),
    [29] = HANDLER(unimplemented_29),
};

static const char *const names[NR_HYPERCALLS] = {
    "set_trap_table",
    "mmu_update",
    "set_gdt",
    "stack_switch",
    "set_callbacks",
    "fpu_taskswitch",
    "sched_op",
    "dom0_op",
    "set_debugreg",
    "get_debugreg",
    "update_descriptor",
    "set_fast_trap",
    "dom_mem_op",
    "multicall",
    "update_va_mapping",
    "set_timer_op",
    "event_channel_op",
    "xen_version",
    "console_io",
    "physdev_op",
    "grant_table_op",
    "vm_assist",
    "update_va_mapping_otherdomain",
    "hypercall23",
    "hypercall24",
    "hypercall25",
    "hypercall26",
    "hypercall27",
    "hypercall28",
    "hypercall29",
    "netif_op",
    "hv_op",
};

const char *errno_name(long err)
{
    static const char *const names[] = {
        [XEN_EPERM] = "-EPERM",   [XEN_ENOENT] = "-ENOENT", [XEN_ESRCH] = "-ESRCH",
        [XEN_EINTR] = "-EINTR",   [XEN_EIO] = "-EIO",       [XEN_E2BIG] = "-E2BIG",
        [XEN_EBADF] = "-EBADF",   [XEN_EAGAIN] = "-EAGAIN", [XEN_ENOMEM] = "-ENOMEM",
        [XEN_EFAULT] = "-EFAULT", [XEN_EBUSY] = "-EBUSY",   [XEN_EEXIST] = "-EEXIST",
        [XEN_EINVAL] = "-EINVAL", [XEN_ENOSPC] = "-ENOSPC", [XEN_ENOSYS] = "-ENOSYS",
        [XEN_ENODEV] = "-ENODEV",
    };
    long e = -err;
    return e > 0 && e < (long)(sizeof(names) / sizeof(names[0])) && names[e] ? names[e] : "-E?";
}

/* Refusals are logged, but a guest stuck in a loop of bad calls must not drown the console:
 * each call has its own rate limit, so junk refusals of one call hide nothing of another, and
 * the limit reopens every window (a held-back count comes first). */
static struct log_limit refusal_limits[NR_HYPERCALLS + 1]; /* + calls not in the table */

static unsigned call_index(const char *call)
{
    for (unsigned i = 0; i < NR_HYPERCALLS; i++)
        if (strcmp(names[i], call) == 0)
            return i;
    return NR_HYPERCALLS;
}

long hv_refuse(const char *call, uint32_t arg, long err, const char *fmt, ...)
{
    struct domain *d = current_domain();
    if (!log_limit_allow(&refusal_limits[call_index(call)], arch_now_ns(), d->id, call))
        return err;
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk("d%u %s(%#x) refused: %s -> %s\n", d->id, call, arg, why, errno_name(err));
    return err;
}

void hypercall_table_check(void)
{
    for (unsigned nr = 0; nr < NR_HYPERCALLS; nr++)
        if (!hypercall_table[nr])
            panic("hypercall_table has no entry for %u (%s)", nr, names[nr]);
}

long hypercall_unimplemented(unsigned nr, uint32_t arg)
{
    return hv_refuse(names[nr % NR_HYPERCALLS], arg, -XEN_ENOSYS, "not implemented");
}

long do_xen_version(uint32_t cmd)
{
    (void)cmd; /* Xen 2.0 defines only command 0 and answers it for any value */
    return XEN_VERSION_CODE;
}
