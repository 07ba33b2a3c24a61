/*
 * Guest exceptions, software interrupts, event upcalls and the failsafe callback (ABI §4, §6).
 *
 * An exception from ring 1 or 3 goes to the handler the guest registered in its virtual IDT.
 * "INT n" arrives as #GP with error code (n << 3) | 2 (every gate but 3, 4, 0x82 and the fast
 * trap is DPL 0): when traps[n] allows the caller's ring it is delivered as vector n, after
 * EIP, with no error code ("bounced"); otherwise the guest gets the #GP. Before every return
 * to the guest a pending, unmasked event becomes an upcall.
 */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "x86.h"
#include <public/xen.h>

int arch_bounce(struct domain *d, struct cpu_regs *r, uint16_t cs, uint32_t eip,
                const uint32_t *extra, unsigned nr_extra, const char *what);
const char *arch_exception_name(unsigned v);

#define GP_IDT_REF 2u /* error-code bit: the selector is an IDT vector */

static int pushes_error(unsigned v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

static void deliver(struct domain *d, struct cpu_regs *r, unsigned v, const uint32_t *extra,
                    unsigned nr_extra)
{
    const trap_info_t *ti = &d->traps[v];
    if (ti->address == 0) {
        if (v == 14)
            domain_crash(d, r, "page fault at %#x (error %#x) with no trap handler", extra[0],
                         extra[1]);
        domain_crash(d, r, "%s (vector %u) with no trap handler", arch_exception_name(v), v);
    }
    arch_bounce(d, r, ti->cs, ti->address, extra, nr_extra, arch_exception_name(v));
    if (TI_GET_IF(ti))
        d->shared_info->evtchn_upcall_mask = 1;
    d->bounces[v]++;
}

static int software_interrupt(struct domain *d, struct cpu_regs *r)
{
    if ((r->error_code & 7u) != GP_IDT_REF)
        return 0;
    unsigned n = r->error_code >> 3;
    const trap_info_t *ti = &d->traps[n];
    if (n == HYPERCALL_VECTOR || ti->address == 0 || TI_GET_DPL(ti) < REGS_RING(r))
        return 0; /* not the caller's to raise: the guest gets the #GP */
    r->eip += 2;  /* past "int $n" */
    deliver(d, r, n, 0, 0);
    return 1;
}

void arch_guest_exception(struct domain *d, struct cpu_regs *r)
{
    unsigned v = r->vector;
    uint32_t extra[2];

    switch (v) {
    case 2: /* NMIs are the hypervisor's */
        printk("(hv) NMI while the guest ran; ignored\n");
        return;
    case 8:
    case 18:
        domain_crash(d, r, "%s", arch_exception_name(v));
    case 7:
        __asm__ volatile("clts"); /* lazy FPU: the guest asked for #NM with fpu_taskswitch */
        break;
    case 13:
        if (software_interrupt(d, r))
            return;
        break;
    }
    if (v == 14) {
        extra[0] = read_cr2();
        extra[1] = r->error_code;
        deliver(d, r, v, extra, 2);
    } else if (pushes_error(v)) {
        extra[0] = r->error_code;
        deliver(d, r, v, extra, 1);
    } else {
        deliver(d, r, v, 0, 0);
    }
}

void arch_check_events(struct domain *d, struct cpu_regs *r)
{
    shared_info_t *s = d->shared_info;
    if (!s->evtchn_upcall_pending || s->evtchn_upcall_mask || d->event_eip == 0)
        return;
    s->evtchn_upcall_mask = 1;
    arch_bounce(d, r, d->event_cs, d->event_eip, 0, 0, "event upcall");
    d->event_upcalls++;
}

/* entry.S comes here when loading the guest's DS/ES/FS/GS or its final iret faulted; r is the
 * rebuilt frame. The guest gets the segment values it had, and runs with null ones. */
void do_failsafe(struct cpu_regs *r)
{
    struct domain *d = current_domain();
    if (d->failsafe_eip == 0 || (r->eip == d->failsafe_eip && (r->cs & 0xffff) == d->failsafe_cs))
        domain_crash(d, r,
                     "cannot return to the guest (bad segment %04x/%04x/%04x/%04x or frame) and %s",
                     r->ds & 0xffff, r->es & 0xffff, r->fs & 0xffff, r->gs & 0xffff,
                     d->failsafe_eip ? "the failsafe callback faults too" : "no failsafe callback");
    uint32_t segs[4] = {r->ds & 0xffff, r->es & 0xffff, r->fs & 0xffff, r->gs & 0xffff};
    r->ds = r->es = r->fs = r->gs = 0;
    arch_bounce(d, r, d->failsafe_cs, d->failsafe_eip, segs, 4, "failsafe");
    d->failsafe_callbacks++;
}
