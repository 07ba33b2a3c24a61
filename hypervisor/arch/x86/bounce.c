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
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "x86.h"
#include <public/xen.h>

static int load_gs(uint16_t sel)
{
    int err;
    __asm__ volatile("mov $-14, %0\n"
                     "1: mov %w1, %%gs\n"
                     "xor %0, %0\n"
                     "2:\n"
                     ".pushsection __ex_table, \"a\"\n.long 1b, 2b\n.popsection"
                     : "=&r"(err)
                     : "r"(sel)
                     : "memory");
    return err;
}

static int put_gs_word(uint32_t off, uint32_t val)
{
    int err;
    __asm__ volatile("mov $-14, %0\n"
                     "1: movl %2, %%gs:(%1)\n"
                     "xor %0, %0\n"
                     "2:\n"
                     ".pushsection __ex_table, \"a\"\n.long 1b, 2b\n.popsection"
                     : "=&r"(err)
                     : "r"(off), "r"(val)
                     : "memory");
    return err;
}

int arch_bounce(struct domain *d, struct cpu_regs *r, uint16_t cs, uint32_t eip,
                const uint32_t *extra, unsigned nr_extra, const char *what)
{
    uint32_t w[12];
    unsigned n = 0;
    uint16_t ss;
    uint32_t esp;
    int from_user = REGS_RING(r) >= 2;

    for (unsigned i = 0; i < nr_extra; i++)
        w[n++] = extra[i];
    w[n++] = r->eip;
    w[n++] = r->cs & 0xffff;
    w[n++] = r->eflags;
    if (from_user) {
        w[n++] = r->esp;
        w[n++] = r->ss & 0xffff;
        ss = d->kernel_ss, esp = d->kernel_esp;
    } else {
        ss = (uint16_t)r->ss, esp = r->esp;
    }

    uint32_t top = esp - 4 * n;
    int err = load_gs(ss);
    for (unsigned i = 0; i < n && !err; i++)
        err = put_gs_word(top + 4 * i, w[i]);
    if (err)
        domain_crash(d, r, "cannot write the %s frame to the guest stack %04x:%08x", what, ss, esp);

    r->ss = ss;
    r->esp = top;
    r->cs = cs;
    r->eip = eip;
    r->eflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM);
    return 0;
}
