/*
 * Bounce frames (ABI §4, §6): how the hypervisor enters the guest kernel as if the CPU had
 * delivered an exception to ring 1 itself.
 *
 * The frame goes on the ring-1 stack: the interrupted one when the guest was in ring 1, else
 * the stack_switch one (TSS ss1/esp1), with the old SS:ESP pushed first. Low to high it reads
 * [extra words][EIP][CS][EFLAGS]([ESP][SS]); extra words are the error code, and for a page
 * fault CR2 below it. The words are written through the guest's own stack segment (loaded
 * into GS), so the segment's base and limit apply exactly as they would to the CPU, and any
 * fault on the way is caught by the exception-fixup table. A frame that cannot be written
 * crashes the guest: there is nowhere else to report to.
 *
 * This is on the path of every bounced system call and every event upcall, so it is inline
 * and straight-line: each word is one store from the saved frame (its fixup the only check),
 * and the name of what was bounced is only looked up for the crash report.
 */
#ifndef X86_BOUNCE_H
#define X86_BOUNCE_H

#include <stdint.h>
#include "hv/domain.h"
#include "hv/fastcall.h"
#include "x86.h"
#include <public/xen.h>

/* What a bounce delivers, for the crash report: an exception vector 0-255, or one of these. */
#define BOUNCE_EVENT 256u
#define BOUNCE_FAILSAFE 257u

/* The flags a bounce clears in the frame it returns with (as the CPU does on an interrupt). */
#define BOUNCE_EFLAGS_CLEAR (X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM)

/* The frame could not be written at ss:esp: crash the guest, saying what was bounced. */
void x86_bounce_failed(struct domain *d, const struct cpu_regs *r, unsigned what, uint16_t ss,
                       uint32_t esp) __attribute__((noreturn, cold));

/* Word i of the frame at gs:top, or a jump to `fault`. No memory clobber: these stores reach
 * only the guest's stack, which no C object here aliases, so the compiler may keep what it
 * loaded across them. */
#define bounce_put(top, i, val, fault)                                        \
    __asm__ goto("1: movl %1, %%gs:%c2(%0)\n"                                 \
                 ".pushsection __ex_table, \"a\"\n.long 1b, %l3\n.popsection" \
                 :                                                            \
                 : "r"(top), "r"(val), "i"(4 * (i))                           \
                 :                                                            \
                 : fault)

/* Write the frame for r (and the nr_extra words below it) and point r's stack at it; the
 * caller then sets r's CS:EIP (x86_bounce). The two cases, from ring 1 (same stack) and from
 * ring 2/3 (the stack_switch stack, old SS:ESP in the frame), are written out apart so that
 * each is one run of stores. */
static inline __attribute__((always_inline)) void x86_bounce_frame(struct domain *d,
                                                                   struct cpu_regs *r,
                                                                   const uint32_t *extra,
                                                                   unsigned nr_extra, unsigned what)
{
    uint16_t ss;
    uint32_t esp, top;

    if (r->cs & 2u) { /* ring 2 or 3 */
        ss = d->arch.kernel_ss, esp = d->arch.kernel_esp;
        top = esp - 4 * (nr_extra + 5);
        __asm__ goto("1: mov %w0, %%gs\n"
                     ".pushsection __ex_table, \"a\"\n.long 1b, %l1\n.popsection"
                     :
                     : "r"(ss)
                     :
                     : fault);
        for (unsigned i = 0; i < nr_extra; i++)
            bounce_put(top + 4 * i, 0, extra[i], fault);
        uint32_t at = top + 4 * nr_extra;
        bounce_put(at, 0, r->eip, fault);
        bounce_put(at, 1, r->cs & 0xffff, fault);
        bounce_put(at, 2, r->eflags, fault);
        bounce_put(at, 3, r->esp, fault);
        bounce_put(at, 4, r->ss & 0xffff, fault);
    } else {
        ss = (uint16_t)r->ss, esp = r->esp;
        top = esp - 4 * (nr_extra + 3);
        __asm__ goto("1: mov %w0, %%gs\n"
                     ".pushsection __ex_table, \"a\"\n.long 1b, %l1\n.popsection"
                     :
                     : "r"(ss)
                     :
                     : fault);
        for (unsigned i = 0; i < nr_extra; i++)
            bounce_put(top + 4 * i, 0, extra[i], fault);
        uint32_t at = top + 4 * nr_extra;
        bounce_put(at, 0, r->eip, fault);
        bounce_put(at, 1, r->cs & 0xffff, fault);
        bounce_put(at, 2, r->eflags, fault);
    }
    r->ss = ss;
    r->esp = top;
    r->eflags &= ~BOUNCE_EFLAGS_CLEAR;
    return;
fault:
    x86_bounce_failed(d, r, what, ss, esp);
}

/* Enter the guest at cs:eip with a frame for r (and the nr_extra words below it). */
static inline __attribute__((always_inline)) void x86_bounce(struct domain *d, struct cpu_regs *r,
                                                             uint16_t cs, uint32_t eip,
                                                             const uint32_t *extra,
                                                             unsigned nr_extra, unsigned what)
{
    x86_bounce_frame(d, r, extra, nr_extra, what);
    r->cs = cs;
    r->eip = eip;
}

/* Before every return to the guest: a pending, unmasked event becomes an upcall. The test of
 * the pending flag is inline; the rest is x86_event_upcall (guest_traps.c). */
void x86_event_upcall(struct domain *d, struct cpu_regs *r);
static inline void x86_check_events(struct domain *d, struct cpu_regs *r)
{
    if (__builtin_expect(d->shared_info->evtchn_upcall_pending, 0))
        x86_event_upcall(d, r);
}

/* The C side of every entry but the hypercall gate and #GP (traps.c). */
void do_trap(struct cpu_regs *r);
/* entry.S's #GP path: a bounced software interrupt from the guest, else do_trap (guest_traps.c). */
HV_FASTCALL void do_general_protection(struct cpu_regs *r);
/* A guest exception (vector < 32) to the guest's handler (guest_traps.c). */
void x86_guest_exception(struct domain *d, struct cpu_regs *r);

#endif
