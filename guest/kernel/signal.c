/* Signals: pending and blocked sets per process; delivery on the way back to ring 3. */
#include <guest/proc.h>

static inline uint64_t sigbit(int sig)
{
    return 1ull << (sig - 1);
}

/* SIGKILL and SIGSTOP can be neither blocked nor caught. */
#define UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP))

void signal_send(struct proc *p, int sig)
{
    if (sig < 1 || sig > NSIG || p->zombie)
        return;
    p->sig.pending |= sigbit(sig);
    if (p->task)
        sched_wake(p->task);
}

int signal_pending(void)
{
    struct proc *p = current_proc();

    return p && (p->sig.pending & (~p->sig.blocked | UNBLOCKABLE)) != 0;
}
