/*
 * set_fast_trap (ABI §5): the guest's handler for one software-interrupt vector goes straight
 * into the real IDT as a trap gate, so "int $0x80" from ring 3 enters ring 1 with no
 * hypervisor code on the way. The CPU takes the ring-1 stack from TSS ss1/esp1, which
 * stack_switch keeps current. Only 0x80 and 0x20-0x2f qualify (hardware interrupts live
 * elsewhere), and never an "interrupt gate" entry: the CPU could not set upcall_mask.
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include <public/xen.h>

static int fast_trap_vector_ok(uint32_t v)
{
    return v == 0x80 || (v >= 0x20 && v <= 0x2f);
}

void arch_fast_trap_reset(struct domain *d)
{
    if (d->fast_trap)
        arch_idt_reset_gate(d->fast_trap);
    d->fast_trap = 0;
}

long do_set_fast_trap(uint32_t idx)
{
    struct domain *d = current_domain();
    if (idx == 0) {
        arch_fast_trap_reset(d);
        return 0;
    }
    if (!fast_trap_vector_ok(idx))
        return hv_refuse("set_fast_trap", idx, -XEN_EINVAL, "vector must be 0x80 or 0x20-0x2f");
    const trap_info_t *ti = &d->traps[idx];
    if (ti->address == 0)
        return hv_refuse("set_fast_trap", idx, -XEN_EINVAL, "no handler registered for the vector");
    if (TI_GET_IF(ti))
        return hv_refuse("set_fast_trap", idx, -XEN_EINVAL, "handler is an interrupt gate");
    arch_fast_trap_reset(d);
    arch_idt_set_trap_gate(idx, ti->cs, ti->address, TI_GET_DPL(ti));
    d->fast_trap = (uint8_t)idx;
    return 0;
}
