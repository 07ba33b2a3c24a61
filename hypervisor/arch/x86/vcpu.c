/*
 * The guest's virtual CPU registrations: trap table (ABI §4), callbacks (§6), ring-1 stack,
 * lazy FPU and debug registers (§8). Every selector a guest hands over must be a valid guest
 * code selector; every value is checked before anything is stored.
 */
#include "internal.h"
#include "desc.h"
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/uaccess.h"
#include "x86.h"
#include <public/xen.h>

/* A guest that lists the same vectors over and over gains nothing: stop at this many. */
#define TRAP_TABLE_MAX_ENTRIES 1024

long do_set_trap_table(uint32_t table)
{
    struct domain *d = current_domain();
    for (unsigned i = 0;; i++) {
        trap_info_t ti;
        if (i == TRAP_TABLE_MAX_ENTRIES)
            return hv_refuse("set_trap_table", table, -XEN_E2BIG, "more than %u entries",
                             TRAP_TABLE_MAX_ENTRIES);
        if (copy_from_guest(&ti, table + i * sizeof(ti), sizeof(ti)))
            return hv_refuse("set_trap_table", table, -XEN_EFAULT, "entry %u unreadable", i);
        if (ti.address == 0)
            return 0;
        if (!sel_is_guest_code(ti.cs))
            return hv_refuse("set_trap_table", table, -XEN_EPERM,
                             "entry %u (vector %u): %#x is not a guest code selector", i, ti.vector,
                             ti.cs);
        d->arch.traps[ti.vector] = ti;
        if (ti.vector == d->arch.fast_trap)
            x86_fast_trap_refresh(d); /* the real IDT gate always matches traps[fast_trap] */
    }
}

long do_set_callbacks(uint32_t event_sel, uint32_t event_addr, uint32_t failsafe_sel,
                      uint32_t failsafe_addr)
{
    struct domain *d = current_domain();
    if (!sel_is_guest_code((uint16_t)event_sel) || event_sel > 0xffff)
        return hv_refuse("set_callbacks", event_sel, -XEN_EPERM,
                         "event selector is not a guest code selector");
    if (!sel_is_guest_code((uint16_t)failsafe_sel) || failsafe_sel > 0xffff)
        return hv_refuse("set_callbacks", failsafe_sel, -XEN_EPERM,
                         "failsafe selector is not a guest code selector");
    d->arch.event_cs = (uint16_t)event_sel;
    d->arch.event_eip = event_addr;
    d->arch.failsafe_cs = (uint16_t)failsafe_sel;
    d->arch.failsafe_eip = failsafe_addr;
    return 0;
}

long do_stack_switch(uint32_t ss, uint32_t esp)
{
    struct domain *d = current_domain();
    /* ABI §8 refuses RPL 0; [ours] anything but RPL 1 too: the CPU would refuse a ring-2/3
     * stack on the way into ring 1, and the guest could only end in its failsafe callback.
     * Both tests in one: RPL 1 and nothing above bit 15. */
    if ((ss ^ 1) & 0xffff0003u)
        return hv_refuse("stack_switch", ss, -XEN_EPERM, "stack selector is not a ring-1 selector");
    d->arch.kernel_ss = (uint16_t)ss;
    d->arch.kernel_esp = esp;
    x86_set_guest_stack((uint16_t)ss, esp);
    return 0;
}

long do_fpu_taskswitch(void)
{
    write_cr0(read_cr0() | X86_CR0_TS);
    return 0;
}

#define DR7_GD (1u << 13)
#define DR7_RW_IO 2u
#define DR_ADDR_LIMIT 0xFC3FFFFCu

static int dr7_ok(uint32_t v)
{
    if (v & DR7_GD)
        return 0;
    for (unsigned i = 0; i < 4; i++)
        if (((v >> (16 + 4 * i)) & 3u) == DR7_RW_IO)
            return 0;
    return 1;
}

long do_set_debugreg(uint32_t reg, uint32_t value)
{
    struct domain *d = current_domain();
    switch (reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        if (value > DR_ADDR_LIMIT)
            return hv_refuse("set_debugreg", reg, -XEN_EPERM, "address %#x reaches the hypervisor",
                             value);
        break;
    case 6:
        break;
    case 7:
        if (!dr7_ok(value))
            return hv_refuse("set_debugreg", reg, -XEN_EPERM,
                             "DR7 %#x sets GD or an I/O breakpoint", value);
        break;
    default:
        return hv_refuse("set_debugreg", reg, -XEN_EINVAL, "no such debug register");
    }
    d->arch.debugreg[reg] = value;
    x86_load_debugreg(reg, value);
    return 0;
}

long do_get_debugreg(uint32_t reg)
{
    if (reg > 7 || reg == 4 || reg == 5)
        return hv_refuse("get_debugreg", reg, -XEN_EINVAL, "no such debug register");
    return current_domain()->arch.debugreg[reg];
}
