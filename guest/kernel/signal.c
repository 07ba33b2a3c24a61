/*
 * Signals: pending and blocked sets per process, who sent each, actions, and delivery on the way
 * back to ring 3 (user_return_work, called by every exit path when current->work is set).
 * A caught signal gets Linux i386's frame on the user stack: for an SA_SIGINFO handler the
 * rt_sigframe (return address, signal number, pointers to a siginfo and a ucontext holding the
 * interrupted registers and mask; rt_sigreturn restores them), for a plain one the older
 * sigframe (return address, signal number, the registers; sigreturn). musl supplies the return
 * trampoline (sa_restorer) for both. The FPU state is not saved in the frame: a handler that
 * uses the FPU must not rely on it surviving.
 */
#include <linux/errno.h>
#include <linux/unistd.h>
#include <pv/console.h>
#include <pv/events.h>
#include <arch/x86/gdt.h>
#include <kernel/proc.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <arch/x86/traps.h>
#include <arch/x86/uaccess.h>
#include <arch/x86/user_frame.h>
#include <lib/string.h>

static inline uint64_t sigbit(int sig)
{
    return 1ull << (sig - 1);
}

/* SIGKILL and SIGSTOP can be neither blocked nor caught. */
#define UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP))
/* Default action "ignore" (SIGCONT's continuing is done when it is sent, whatever its action). */
#define DEFAULT_IGNORE (sigbit(SIGCHLD) | sigbit(SIGURG) | sigbit(SIGWINCH) | sigbit(SIGCONT))
/* Default action "stop" (job control): the process sleeps until SIGCONT or SIGKILL. */
#define DEFAULT_STOP (sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU))

/* Stopped processes sleep here; SIGCONT wakes them all and each re-checks its own state. */
static struct waitq stopped_wq;

/* The lowest signal in a non-empty set (no 64-bit ctz in a freestanding 32-bit kernel). */
static int lowest(uint64_t set)
{
    uint32_t lo = (uint32_t)set;

    return lo ? __builtin_ctz(lo) + 1 : __builtin_ctz((uint32_t)(set >> 32)) + 33;
}

static uint64_t deliverable(const struct proc *p)
{
    return p->sig.pending & (~p->sig.blocked | UNBLOCKABLE);
}

static void update_work(struct proc *p)
{
    if (p->task)
        p->task->work = deliverable(p) != 0;
}

static void make_pending(struct proc *p, int sig, const struct sigsender *from)
{
    if (sig <= NSIG_STD && !(p->sig.pending & sigbit(sig)))
        p->sig.sender[sig - 1] = *from;
    p->sig.pending |= sigbit(sig);
    update_work(p);
}

/* Tell the parent that p stopped or continued: SIGCHLD (unless it asked for SA_NOCLDSTOP) and
 * a wake-up of its wait4 (WUNTRACED, WCONTINUED). */
static void notify_parent(struct proc *p, int32_t code, int32_t status)
{
    struct proc *parent = p->parent;
    const struct sigsender from = {code, p->pid, status, 0};

    if (!parent || parent->zombie)
        return;
    if (!(parent->sig.action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
        signal_send_from(parent, SIGCHLD, &from);
    wq_wake_all(&parent->child_wq);
}

/* SIGCONT, whatever its action: pending stops are dropped and a stopped process runs again. */
static void continue_proc(struct proc *p)
{
    p->sig.pending &= ~DEFAULT_STOP;
    if (!p->stopped)
        return;
    p->stopped = 0;
    p->stop_unreported = 0;
    p->cont_unreported = 1;
    notify_parent(p, CLD_CONTINUED, SIGCONT);
    wq_wake_all(&stopped_wq);
}

void signal_send_from(struct proc *p, int sig, const struct sigsender *from)
{
    if (sig < 1 || sig > NSIG || p->zombie)
        return;
    if (sig == SIGCONT)
        continue_proc(p);
    else if (sigbit(sig) & DEFAULT_STOP)
        p->sig.pending &= ~sigbit(SIGCONT); /* a stop cancels a pending continue, as in Linux */
    uint32_t handler = p->sig.action[sig - 1].handler;
    /* Init gets only the signals it handles (Linux's rule for the init of a pid namespace):
     * no default action, SIGKILL's and SIGSTOP's included, is ever taken on pid 1 this way.
     * Its own faults still are (signal_force). */
    if (p->pid == 1 && handler == SIG_DFL)
        return;
    /* A signal whose action is to be ignored is dropped at once (Linux does the same). */
    if (!(sigbit(sig) & UNBLOCKABLE) &&
        (handler == SIG_IGN || (handler == SIG_DFL && (sigbit(sig) & DEFAULT_IGNORE))))
        return;
    make_pending(p, sig, from);
    if (p->task && (deliverable(p) & sigbit(sig)))
        sched_wake(p->task);
}

void signal_send_pgrp(int pgid, int sig)
{
    for (struct proc *q = procs_first(); q; q = procs_next(q))
        if (!q->zombie && q->pgid == pgid)
            signal_send(q, sig);
}

void signal_send(struct proc *p, int sig)
{
    const struct sigsender kernel = {SI_KERNEL, 0, 0, 0};

    signal_send_from(p, sig, &kernel);
}

/* A fault the process caused: it cannot be blocked or ignored, or it would fault forever. */
void signal_force(struct proc *p, int sig, int32_t code, uint32_t addr)
{
    struct linux_sigaction *a = &p->sig.action[sig - 1];
    const struct sigsender fault = {code, 0, 0, addr};

    if (a->handler == SIG_IGN || (p->sig.blocked & sigbit(sig))) {
        a->handler = SIG_DFL;
        p->sig.blocked &= ~sigbit(sig);
    }
    make_pending(p, sig, &fault);
}

int signal_fatal_pending(const struct proc *p)
{
    uint64_t d = deliverable(p);

    for (int sig = 1; d; sig++, d >>= 1)
        if ((d & 1) && (sig == SIGKILL || (p->sig.action[sig - 1].handler == SIG_DFL &&
                                           !(sigbit(sig) & (DEFAULT_IGNORE | DEFAULT_STOP)))))
            return 1;
    return 0;
}

int signal_pending(void)
{
    struct proc *p = current_proc();

    return p && deliverable(p) != 0;
}

/* ---- frames ---- */

struct sigcontext32 {
    uint32_t gs, fs, es, ds, edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t trapno, err, eip, cs, eflags, esp_at_signal, ss, fpstate, oldmask, cr2;
};
struct ucontext32 {
    uint32_t uc_flags, uc_link;
    uint32_t ss_sp, ss_flags, ss_size;
    struct sigcontext32 mc;
    uint64_t sigmask;
};
struct rt_sigframe32 {
    uint32_t pretcode;
    int32_t sig;
    uint32_t pinfo, puc;
    struct linux_siginfo info;
    struct ucontext32 uc;
};
struct sigframe32 { /* without SA_SIGINFO */
    uint32_t pretcode;
    int32_t sig;
    struct sigcontext32 sc;
    uint8_t fpstate_unused[624]; /* struct _fpstate_32: keeps extramask where Linux has it */
    uint32_t extramask;          /* the blocked mask's high word (oldmask holds the low one) */
    uint8_t retcode[8];
};
_Static_assert(sizeof(struct sigcontext32) == 88, "sigcontext layout");
_Static_assert(__builtin_offsetof(struct sigframe32, extramask) == 720, "sigframe layout");

static struct sigcontext32 save_context(const struct proc *p, const struct trap_frame *f)
{
    uint16_t fs, gs;

    __asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
    uint32_t err = f->error == SYSCALL_FRAME_MARK ? 0 : f->error;

    return (struct sigcontext32){
        gs,     fs,     f->es,     f->ds,  f->edi, f->esi,    f->ebp,
        f->esp, f->ebx, f->edx,    f->ecx, f->eax, f->vector, err,
        f->eip, f->cs,  f->eflags, f->esp, f->ss,  0,         (uint32_t)p->sig.blocked,
        f->cr2};
}

static void fill_info(struct linux_siginfo *info, int sig, const struct sigsender *from)
{
    memset(info, 0, sizeof(*info));
    info->si_signo = sig;
    info->si_code = from->code;
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) {
        info->addr = from->addr;
    } else {
        info->child.pid = from->pid;
        info->child.uid = 0;
        info->child.status = from->status;
    }
}

/* Put the frame on the user stack and point the registers at the handler. */
static void build_frame(struct proc *p, int sig, const struct linux_sigaction *a,
                        const struct sigsender *from, struct trap_frame *f)
{
    struct sigcontext32 sc = save_context(p, f);
    uint32_t sp;
    int rc;

    if (a->flags & SA_SIGINFO) {
        struct rt_sigframe32 fr;
        sp = ((f->esp - sizeof(fr)) & ~15u) - 4; /* as after a call: (sp + 4) % 16 == 0 */
        memset(&fr, 0, sizeof(fr));
        fr.pretcode = a->restorer;
        fr.sig = sig;
        fr.pinfo = sp + __builtin_offsetof(struct rt_sigframe32, info);
        fr.puc = sp + __builtin_offsetof(struct rt_sigframe32, uc);
        fill_info(&fr.info, sig, from);
        fr.uc.mc = sc;
        fr.uc.sigmask = p->sig.blocked;
        rc = copy_to_user(sp, &fr, sizeof(fr));
        f->edx = fr.pinfo;
        f->ecx = fr.puc;
    } else {
        struct sigframe32 fr;
        sp = ((f->esp - sizeof(fr)) & ~15u) - 4;
        memset(&fr, 0, sizeof(fr));
        fr.pretcode = a->restorer;
        fr.sig = sig;
        fr.sc = sc;
        fr.extramask = (uint32_t)(p->sig.blocked >> 32);
        rc = copy_to_user(sp, &fr, sizeof(fr));
        f->edx = f->ecx = 0;
    }
    if (rc)
        proc_exit(SIGSEGV); /* no room for the frame: the process cannot take the signal */
    f->esp = sp;
    f->eip = a->handler;
    f->eax = (uint32_t)sig;
    f->eflags &= ~0x100u; /* TF */
    /* As Linux: the handler runs on the flat segments, whatever the interrupted code had. */
    f->cs = GDT_USER_CS;
    f->ss = f->ds = f->es = GDT_USER_DS;
    p->sig.blocked |= a->mask;
    if (!(a->flags & SA_NODEFER))
        p->sig.blocked |= sigbit(sig);
    p->sig.blocked &= ~UNBLOCKABLE;
    if (a->flags & SA_RESETHAND)
        p->sig.action[sig - 1].handler = SIG_DFL;
    user_frame_vet(p, f); /* a handler address past the code segment: SIGSEGV */
}

/* The calls an SA_RESTART handler restarts, as Linux does with -ERESTARTSYS; the others (poll,
 * select, sleeps, pause, sigsuspend) return -EINTR whatever the flags. */
static int restartable(uint32_t nr)
{
    switch (nr) {
    case __NR_read:
    case __NR_write:
    case __NR_readv:
    case __NR_writev:
    case __NR_pread64:
    case __NR_pwrite64:
    case __NR_open:
    case __NR_openat:
    case __NR_wait4:
    case __NR_waitpid:
    case __NR_ioctl:
        return 1;
    default:
        return 0;
    }
}

/* A handler is about to run over a system call that a signal interrupted: with SA_RESTART
 * (and a call that allows it) the call is made again once the handler returns. */
static void maybe_restart(struct trap_frame *f, const struct linux_sigaction *a)
{
    if (f->error == SYSCALL_FRAME_MARK && (int32_t)f->eax == -EINTR && (a->flags & SA_RESTART) &&
        restartable(f->vector)) {
        f->eax = f->vector;
        f->eip -= 2; /* back onto the int $0x80 */
    }
}

/* Default action "stop": sleep until SIGCONT (or SIGKILL), telling the parent both ways. A
 * system call the stop interrupted is made again afterwards when it may be (no handler ran). */
static void stop(struct proc *p, struct trap_frame *f, int sig)
{
    p->stopped = sig;
    p->stop_unreported = 1;
    p->cont_unreported = 0;
    notify_parent(p, CLD_STOPPED, sig);
    uint8_t old = evt_disable(); /* the terminal's SIGCONT may come in an upcall */
    while (p->stopped && !(p->sig.pending & sigbit(SIGKILL))) /* others wait: Linux's rule */
        wq_sleep(&stopped_wq);
    p->stopped = 0;
    evt_restore(old);
    if (f->error == SYSCALL_FRAME_MARK && (int32_t)f->eax == -EINTR && restartable(f->vector)) {
        f->eax = f->vector;
        f->eip -= 2; /* back onto the int $0x80 */
    }
}

/* Take signal sig: ignore it, stop, terminate, or set up its handler. */
static void deliver(struct proc *p, struct trap_frame *f, int sig)
{
    struct linux_sigaction a = p->sig.action[sig - 1];
    struct sigsender from = {SI_KERNEL, 0, 0, 0};

    if (sig <= NSIG_STD)
        from = p->sig.sender[sig - 1];
    p->sig.pending &= ~sigbit(sig);
    if (sig == SIGKILL || a.handler == SIG_DFL) {
        if (sigbit(sig) & DEFAULT_IGNORE)
            return;
        if (sig != SIGKILL && (sigbit(sig) & DEFAULT_STOP)) {
            /* Linux's rule: nobody could continue an orphaned group, so only SIGSTOP stops it */
            if (sig == SIGSTOP || !pgrp_orphaned(p->pgid))
                stop(p, f, sig);
            return;
        }
        proc_exit(sig); /* the wait status of a signal death is the signal number */
    }
    if (a.handler == SIG_IGN)
        return;
    maybe_restart(f, &a);
    build_frame(p, sig, &a, &from, f);
}

/* Before returning to ring 3: reschedule if the slice is over, then deliver signals. */
void user_return_work(struct trap_frame *f)
{
    for (;;) {
        if (sched_need_resched) {
            uint8_t old = evt_disable();
            schedule();
            evt_restore(old);
            continue;
        }
        struct proc *p = current_proc();
        if (!p || !deliverable(p))
            break;
        deliver(p, f, lowest(deliverable(p)));
        update_work(p);
    }
    if (current->proc)
        update_work(current->proc);
}

/* Back from a handler: only what ring 3 may choose comes back (its selectors, user flags). CS
 * and SS come back with RPL 3, as in Linux; should they (or EIP) be nothing ring 3 can return
 * to, the process gets the SIGSEGV that the iret would have raised. */
static long restore_context(struct proc *p, const struct sigcontext32 *c, uint64_t mask)
{
    struct trap_frame *f = syscall_frame();

    f->ebx = c->ebx, f->ecx = c->ecx, f->edx = c->edx, f->esi = c->esi, f->edi = c->edi;
    f->ebp = c->ebp, f->eax = c->eax, f->eip = c->eip, f->esp = c->esp;
    f->cs = (c->cs & 0xffffu) | 3u;
    f->ss = (c->ss & 0xffffu) | 3u;
    f->eflags = (f->eflags & ~0x00040dd5u) | (c->eflags & 0x00040dd5u); /* CF..OF, AC */
    f->ds = (c->ds & 3) == 3 ? c->ds : 0;
    f->es = (c->es & 3) == 3 ? c->es : 0;
    load_fs_gs((c->fs & 3) == 3 ? c->fs : 0, (c->gs & 3) == 3 ? c->gs : 0);
    f->vector = (uint32_t)-1; /* not a system call any more: nothing to restart */
    p->sig.blocked = mask & ~UNBLOCKABLE;
    update_work(p);
    user_frame_vet(p, f);
    return (long)f->eax; /* the exit path stores it back into EAX */
}

long sys_rt_sigreturn(void)
{
    struct rt_sigframe32 fr;
    uint32_t sp = syscall_frame()->esp - 4; /* the handler's ret popped pretcode */

    if (copy_from_user(&fr, sp, sizeof(fr)))
        proc_exit(SIGSEGV);
    return restore_context(current_proc(), &fr.uc.mc, fr.uc.sigmask);
}

long sys_sigreturn(void)
{
    struct sigframe32 fr;
    uint32_t sp = syscall_frame()->esp - 8; /* ret popped pretcode, the trampoline the number */

    if (copy_from_user(&fr, sp, sizeof(fr)))
        proc_exit(SIGSEGV);
    return restore_context(current_proc(), &fr.sc, (uint64_t)fr.extramask << 32 | fr.sc.oldmask);
}

/* ---- system calls on the sets and actions ---- */

long sys_rt_sigaction(u32 sig, u32 act, u32 oldact, u32 sigsetsize)
{
    struct proc *p = current_proc();
    struct linux_sigaction a;

    if (sigsetsize != 8 || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (act && copy_from_user(&a, act, sizeof(a)))
        return -EFAULT;
    if (oldact && copy_to_user(oldact, &p->sig.action[sig - 1], sizeof(a)))
        return -EFAULT;
    if (act) {
        a.mask &= ~UNBLOCKABLE;
        p->sig.action[sig - 1] = a;
        if (a.handler == SIG_IGN || (a.handler == SIG_DFL && (sigbit(sig) & DEFAULT_IGNORE)))
            p->sig.pending &= ~sigbit((int)sig);
        update_work(p);
    }
    return 0;
}

long sys_rt_sigprocmask(u32 how, u32 set, u32 oldset, u32 sigsetsize)
{
    struct proc *p = current_proc();
    uint64_t s, old = p->sig.blocked;

    if (sigsetsize != 8)
        return -EINVAL;
    if (set) {
        if (copy_from_user(&s, set, sizeof(s)))
            return -EFAULT;
        if (how == SIG_BLOCK)
            p->sig.blocked |= s;
        else if (how == SIG_UNBLOCK)
            p->sig.blocked &= ~s;
        else if (how == SIG_SETMASK)
            p->sig.blocked = s;
        else
            return -EINVAL;
        p->sig.blocked &= ~UNBLOCKABLE;
    }
    if (oldset && copy_to_user(oldset, &old, sizeof(old)))
        return -EFAULT;
    update_work(p);
    return 0;
}

long sys_rt_sigpending(u32 set, u32 sigsetsize)
{
    uint64_t s = current_proc()->sig.pending & current_proc()->sig.blocked;

    if (sigsetsize != 8)
        return -EINVAL;
    return copy_to_user(set, &s, sizeof(s)) ? -EFAULT : 0;
}

/* Sleep with a temporary mask until a signal is delivered; the handler runs, then -EINTR. */
long sys_rt_sigsuspend(u32 set, u32 sigsetsize)
{
    struct proc *p = current_proc();
    uint64_t s;
    static struct waitq never; /* nobody wakes it: only signals end the wait */

    if (sigsetsize != 8)
        return -EINVAL;
    if (copy_from_user(&s, set, sizeof(s)))
        return -EFAULT;
    uint64_t saved = p->sig.blocked;
    p->sig.blocked = s & ~UNBLOCKABLE;
    while (wq_wait(&never, 0) != -EINTR)
        ;
    /* The signal is chosen under the temporary mask; the frame saves the original one, which
     * the handler's sigreturn puts back. */
    int sig = lowest(deliverable(p));
    struct trap_frame *f = syscall_frame();
    p->sig.blocked = saved;
    f->eax = (uint32_t)-EINTR;
    deliver(p, f, sig);
    update_work(p);
    return -EINTR;
}
