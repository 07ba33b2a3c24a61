/*
 * set_fast_trap (ABI §5): the guest's handler for one software-interrupt vector goes straight
 * into the real IDT as a trap gate, so "int $0x80" from ring 3 enters ring 1 with no
 * hypervisor code on the way. The CPU takes the ring-1 stack from TSS ss1/esp1, which
 * stack_switch keeps current. Only 0x80 and 0x20-0x2f qualify (hardware interrupts live
 * elsewhere), and never an "interrupt gate" entry: the CPU could not set upcall_mask.
 */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "internal.h"
#include <public/xen.h>

static int fast_trap_vector_ok(uint32_t v)
{
    return v == 0x80 || (v >= 0x20 && v <= 0x2f);
}

void x86_fast_trap_reset(struct domain *d)
{
    if (d->arch.fast_trap)
        x86_idt_reset_gate(d->arch.fast_trap);
    d->arch.fast_trap = 0;
}

/* Why traps[idx] cannot be the fast trap, or 0 when it can. */
static const char *unfit(const trap_info_t *ti)
{
    if (ti->address == 0)
        return "no handler registered for the vector";
    if (TI_GET_IF(ti))
        return "handler is an interrupt gate";
    return 0;
}

/* The gate is a copy of traps[fast_trap]: rewritten whenever set_trap_table changes that
 * entry (handler, CS or DPL), or taken out when the entry no longer qualifies. */
void x86_fast_trap_refresh(struct domain *d)
{
    unsigned idx = d->arch.fast_trap;
    const trap_info_t *ti = &d->arch.traps[idx];
    const char *why = idx ? unfit(ti) : 0;
    if (!idx)
        return;
    if (why) {
        printk("d%u fast trap %#x removed: %s\n", d->id, idx, why);
        x86_fast_trap_reset(d);
        return;
    }
    x86_idt_set_trap_gate(idx, ti->cs, ti->address, TI_GET_DPL(ti));
}

long do_set_fast_trap(uint32_t idx)
{
    struct domain *d = current_domain();
    if (idx == 0) {
        x86_fast_trap_reset(d);
        return 0;
    }
    if (!fast_trap_vector_ok(idx))
        return hv_refuse("set_fast_trap", idx, -XEN_EINVAL, "vector must be 0x80 or 0x20-0x2f");
    const char *why = unfit(&d->arch.traps[idx]);
    if (why)
        return hv_refuse("set_fast_trap", idx, -XEN_EINVAL, "%s", why);
    x86_fast_trap_reset(d);
    d->arch.fast_trap = (uint8_t)idx;
    x86_fast_trap_refresh(d);
    return 0;
}
