/*
 * Exceptions once processes run: a page fault in a region is resolved (demand paging, copy-on-
 * write) and the instruction retried, from ring 3 or from a uaccess copy in ring 1; a fault
 * that cannot be resolved becomes a signal for ring 3 (SIGSEGV, SIGILL, SIGFPE, ...) or, in
 * the kernel, resumes at the copy's fixup (-EFAULT). #NM is the lazy FPU. Anything else in the
 * kernel is a kernel bug: reported with the registers, and the guest stops.
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <arch/x86/context.h>
#include <arch/x86/fault.h>
#include <kernel/mm/oom.h>
#include <kernel/procs.h>
#include <arch/x86/traps.h>
#include <arch/x86/user_frame.h>
#include <kernel/mm/vm.h>
#include <lib/format.h>
#include <lib/ksyms.h>

struct ex_entry {
    uint32_t insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static int fixup(struct trap_frame *f)
{
    for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->insn == f->eip) {
            bad_iret_vector = f->vector; /* for iret_fault, should that be the fixup */
            bad_iret_error = f->error;
            f->eip = e->fixup;
            return 1;
        }
    }
    return 0;
}

/* The signal a ring-3 exception raises, as Linux i386 chooses it. */
static int signal_for(uint32_t vector)
{
    switch (vector) {
    case TRAP_divide_error:
    case TRAP_copro_seg:
    case TRAP_copro_error:
    case TRAP_simd_error:
        return SIGFPE;
    case TRAP_debug:
    case TRAP_int3:
        return SIGTRAP;
    case TRAP_invalid_op:
        return SIGILL;
    case TRAP_no_segment:
    case TRAP_stack_error:
    case TRAP_alignment_check:
        return SIGBUS;
    default: /* overflow, bound, invalid TSS, #GP (privileged instructions, int $0x82) */
        return SIGSEGV;
    }
}

/* si_code for the non-SIGSEGV fault signals, as Linux i386 sets it. */
static int32_t code_for(uint32_t vector)
{
    return vector == TRAP_divide_error ? FPE_INTDIV
           : vector == TRAP_invalid_op ? ILL_ILLOPN
                                       : SI_KERNEL;
}

/* "backtrace: 0xc0012345 <fn+0x1b> ...": the frame-pointer chain, followed only while it stays
 * on the task's own kernel stack (always mapped: nothing here can fault again). */
static void kernel_backtrace(const struct trap_frame *f)
{
    char line[400], name[64];
    uint32_t hi = current->kstack_top, lo = hi - TASK_STACK_SIZE, ebp = f->ebp, eip = f->eip;
    int n = snprintf(line, sizeof(line), "backtrace:");
    for (int depth = 0; depth < 10 && n < (int)sizeof(line); depth++) {
        ksym_format(__ksyms_start, (size_t)(__ksyms_end - __ksyms_start), eip, name, sizeof(name));
        n += snprintf(line + n, sizeof(line) - (size_t)n, " %#x <%s>", eip, name);
        if (ebp < lo || ebp + 8 > hi)
            break;
        const uint32_t *frame = (const uint32_t *)ebp;
        eip = frame[1];
        if (frame[0] <= ebp)
            break;
        ebp = frame[0];
    }
    printk("%s\n", line);
}

static void kernel_bug(const struct trap_frame *f)
{
    printk("kernel %s at %#x (vector %u, error %#x, cr2 %#x) in %s\n", trap_name(f->vector), f->eip,
           f->vector, f->error, f->cr2, current->name);
    printk("eax %#x ebx %#x ecx %#x edx %#x esi %#x edi %#x ebp %#x\n", f->eax, f->ebx, f->ecx,
           f->edx, f->esi, f->edi, f->ebp);
    kernel_backtrace(f);
    printk("shutting down: crash\n");
    HYPERVISOR_shutdown(SHUTDOWN_crash);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block);
}

/* Like Linux's "segfault at" lines: the first few fatal faults are logged, then counted. */
static void report(const struct proc *p, const struct trap_frame *f, int sig)
{
    static unsigned reported;

    if (p->sig.action[sig - 1].handler != SIG_DFL || ++reported > 20)
        return;
    printk("%s[%d]: %s at %#x ip %#x error %#x%s\n", p->name, p->pid, trap_name(f->vector),
           f->vector == TRAP_page_fault ? f->cr2 : 0, f->eip, f->error,
           reported == 20 ? " (further faults not reported)" : "");
}

void proc_trap(struct trap_frame *f)
{
    int user = (f->cs & 3) == 3;
    struct proc *p = current_proc();

    if (f->vector == TRAP_no_device) {
        fpu_nm_trap();
    } else if (f->vector == TRAP_page_fault && p && p->mm && f->cr2 < USER_TOP) {
        int rc = vm_fault(p->mm, f->cr2, (f->error & 2) != 0);
        /* No page: the OOM killer frees some (the access is retried) or gives up. A copy in
         * the kernel then fails with -EFAULT; ring 3 is either killed or, if it is init and
         * nobody else can go, gets SIGBUS. */
        if (rc == -ENOMEM && oom_kill_for(p, user))
            rc = 0;
        if (rc && !user && !fixup(f))
            kernel_bug(f);
        else if (rc == -EFAULT && user) {
            report(p, f, SIGSEGV);
            signal_force(p, SIGSEGV, vma_find(p->mm, f->cr2) ? SEGV_ACCERR : SEGV_MAPERR, f->cr2);
        } else if (rc == -ENOMEM && user && !(p->sig.pending >> (SIGKILL - 1) & 1)) {
            signal_force(p, SIGBUS, BUS_ADRERR, f->cr2);
        } else if (rc == -EIO && user) { /* past a shared object's end */
            report(p, f, SIGBUS);
            signal_force(p, SIGBUS, BUS_ADRERR, f->cr2);
        }
    } else if (f->vector == TRAP_page_fault && user && p) {
        report(p, f, SIGSEGV); /* the kernel's or the hypervisor's addresses: not ring 3's */
        signal_force(p, SIGSEGV, SEGV_MAPERR, f->cr2);
    } else if (user && p) {
        report(p, f, signal_for(f->vector));
        /* #GP and the like have no address of their own: Linux reports 0 and SI_KERNEL. */
        int sig = signal_for(f->vector);
        signal_force(p, sig, sig == SIGSEGV ? SI_KERNEL : code_for(f->vector), f->eip);
    } else if (!fixup(f)) {
        kernel_bug(f);
    }
    if (user)
        user_return_work(f);
}
