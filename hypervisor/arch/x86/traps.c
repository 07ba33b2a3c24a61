/*
 * do_trap: the C side of every entry into the hypervisor. Hypercalls go to the dispatcher,
 * interrupts to their handler, faults inside the hypervisor to the exception-fixup table (or
 * panic), and guest exceptions to the guest. Until a guest registers a trap table, a guest
 * exception it cannot handle crashes it, with a report.
 */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/panic.h"
#include "x86.h"
#include <public/xen.h>

struct fixup {
    uint32_t insn, resume;
};
extern const struct fixup __ex_table_start[], __ex_table_end[];

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection", "page fault", "reserved",
    "x87 error", "alignment check", "machine check", "SIMD error", "virtualization", "control protection",
};

static const char *exception_name(unsigned v)
{
    return v < 32 && exception_names[v] ? exception_names[v] : "reserved exception";
}

static int apply_fixup(struct cpu_regs *r)
{
    for (const struct fixup *f = __ex_table_start; f < __ex_table_end; f++)
        if (f->insn == r->eip) {
            r->eip = f->resume;
            return 1;
        }
    return 0;
}

#define PIC1_CMD 0x20
#define PIC2_CMD 0xa0
#define PIC_EOI 0x20

static void do_irq(unsigned irq)
{
    /* Every line is masked until a driver claims it; what arrives now is spurious. */
    if (irq == 7 || irq == 15)
        return; /* spurious: no EOI for those */
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

static void guest_exception(struct domain *d, struct cpu_regs *r)
{
    if (r->vector == 14)
        domain_crash(d, r, "%s at %#x (error %#x) with no trap handler", exception_name(r->vector),
                     read_cr2(), r->error_code);
    domain_crash(d, r, "%s (vector %u, error %#x) with no trap handler", exception_name(r->vector),
                 r->vector, r->error_code);
}

void do_trap(struct cpu_regs *r)
{
    if (REGS_FROM_GUEST(r))
        current_domain()->regs = r;

    if (r->vector == HYPERCALL_VECTOR) {
        hypercall_dispatch(r);
        return;
    }
    if (r->vector >= 0x20 && r->vector < 0x30) {
        do_irq(r->vector - 0x20);
        return;
    }
    if (r->vector >= 32) {
        printk("(hv) spurious interrupt\n");
        return;
    }
    if (REGS_FROM_GUEST(r)) {
        guest_exception(current_domain(), r);
        return;
    }
    if ((r->vector == 14 || r->vector == 13) && apply_fixup(r))
        return;
    if (r->vector == 14)
        panic_regs(r, "page fault in the hypervisor at %#x (error %#x)", read_cr2(), r->error_code);
    panic_regs(r, "%s in the hypervisor (error %#x)", exception_name(r->vector), r->error_code);
}
