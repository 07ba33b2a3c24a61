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
#include "hv/net.h"
#include "hv/panic.h"
#include "hv/time.h"
#include "bounce.h"
#include "internal.h"
#include "layout.h"
#include "lib/x86_names.h"
#include "x86.h"
#include <public/xen.h>

struct fixup {
    uint32_t insn, resume;
};
extern const struct fixup __ex_table_start[], __ex_table_end[];

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

void irq_dispatch(unsigned line); /* irq.c */

static void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

/* Device lines (PCI INTx is level-triggered) get their EOI after the handlers have quietened
 * their devices, so a line still held is seen again rather than lost. */
static void do_irq(unsigned irq)
{
    if ((irq == 7 || irq == 15) && !x86_pic_in_service(irq)) {
        if (irq == 15)
            outb(PIC1_CMD, PIC_EOI); /* the master saw a real request on the cascade */
        return;                      /* spurious: no EOI on the line itself */
    }
    if (irq == IRQ_TIMER) {
        pic_eoi(irq);
        timer_interrupt(current_domain());
    } else if (irq == IRQ_COM1) {
        pic_eoi(irq);
        console_interrupt(current_domain());
    } else {
        irq_dispatch(irq);
        pic_eoi(irq);
    }
}

static void trap_from_hypervisor(struct cpu_regs *r)
{
    if (r->vector >= TRAP_invalid_tss && r->vector <= TRAP_page_fault && apply_fixup(r))
        return;
    if (r->vector == TRAP_debug) {
        /* A guest data breakpoint hit by a copy on the guest's behalf: not ours to report. */
        __asm__ volatile("mov %0, %%dr6" ::"r"(0u));
        return;
    }
    if (r->vector == TRAP_page_fault)
        panic_regs(r, "page fault in the hypervisor at %#x (error %#x)", read_cr2(), r->error_code);
    panic_regs(r, "%s in the hypervisor (error %#x)", x86_exception_name(r->vector), r->error_code);
}

/* Every entry but the hypercall gate (entry.S has its own path for that). */
void do_trap(struct cpu_regs *r)
{
    struct domain *d = current_domain();
    int from_guest = REGS_FROM_GUEST(r);
    if (from_guest) {
        if (r->vector <
            NR_EXCEPTION_VECTORS) { /* the bounced system call comes this way: test it first */
            x86_guest_exception(d, r);
            x86_check_events(d, r);
            return;
        }
    }

    if (r->vector >= IRQ_VECTOR_BASE && r->vector < IRQ_VECTOR_BASE + NR_IRQ_VECTORS) {
        arch_idle_end();
        do_irq(r->vector - IRQ_VECTOR_BASE);
    } else if (r->vector >= NR_EXCEPTION_VECTORS)
        printk("spurious interrupt\n");
    else
        trap_from_hypervisor(r);

    if (from_guest) {
        net_poll(); /* a safe point: no validation is under way */
        x86_check_events(d, r);
    }
}
