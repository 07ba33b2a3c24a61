/* The signal system calls that need no more than sending: kill and its thread forms, pause,
 * sigaltstack (no alternate stacks here). */
#include <linux/errno.h>
#include <kernel/proc.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include <kernel/wait.h>

long sys_pause(void)
{
    static struct waitq never;

    while (wq_wait(&never, 0) != -EINTR)
        ;
    return -EINTR;
}

long sys_sigaltstack(u32 ss, u32 old)
{
    (void)ss;
    /* No alternate stacks: report "disabled" (SS_DISABLE = 2), accept nothing else. */
    if (old) {
        uint32_t o[3] = {0, 2, 0};
        if (copy_to_user(old, o, sizeof(o)))
            return -EFAULT;
    }
    return ss ? -ENOSYS : 0;
}

long sys_kill(u32 pid, u32 sig)
{
    int32_t id = (int32_t)pid;
    int hits = 0;
    const struct sigsender from = {SI_USER, current_proc()->pid, 0, 0};

    if (sig > NSIG)
        return -EINVAL;
    for (struct proc *q = procs_first(); q; q = procs_next(q)) {
        if (q->zombie)
            continue;
        if (id > 0     ? q->pid != id
            : id == 0  ? q->pgid != current_proc()->pgid
            : id == -1 ? q->pid == 1 || q == current_proc() /* as Linux: not init, not us */
                       : q->pgid != -id)
            continue;
        hits++;
        if (sig)
            signal_send_from(q, (int)sig, &from);
    }
    return hits ? 0 : -ESRCH;
}

long sys_tkill(u32 tid, u32 sig)
{
    const struct sigsender from = {SI_TKILL, current_proc()->pid, 0, 0};
    struct proc *q = (int32_t)tid > 0 ? proc_find((int)tid) : 0;

    if ((int32_t)tid <= 0 || sig > NSIG)
        return -EINVAL;
    if (!q || q->zombie)
        return -ESRCH;
    if (sig)
        signal_send_from(q, (int)sig, &from);
    return 0;
}

long sys_tgkill(u32 tgid, u32 tid, u32 sig)
{
    if (tgid != tid) /* one thread per process: its id is the process id */
        return -ESRCH;
    return sys_tkill(tid, sig);
}
