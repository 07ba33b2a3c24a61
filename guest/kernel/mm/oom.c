/*
 * The out-of-memory killer, Linux's rules made small. A fault that finds no free page (the
 * reserve is ring 3's limit: see page_alloc.c) asks it for help:
 *   - a process already killed and not yet gone will give its memory back: wait for it;
 *   - otherwise the biggest process goes (its pages, page tables and regions: what its death
 *     gives back; tmpfs files, pipes and the pages of a shared region that others still map are
 *     not anybody's), whether or not it is the one that faulted; never init (pid 1), never a
 *     zombie;
 *   - when only init is left, nothing is killed and the fault fails.
 * A process that faulted in ring 3 waits for its victim to be gone and then retries the access.
 * A fault inside a kernel copy does not sleep (the call may hold things that must not change
 * under it): the victim is killed, and the copy fails with -EFAULT.
 */
#include <pv/console.h>
#include <kernel/mm/oom.h>
#include <kernel/procs.h>
#include <kernel/sched.h>
#include <pv/time.h>
#include <kernel/mm/vm.h>

#define WAIT_STEP_NS (10 * NSEC_PER_MSEC)
#define WAIT_STEPS 100 /* then the fault is retried (and waits again if it must) */

uint32_t oom_kills;

static int dying(const struct proc *q)
{
    return !q->zombie && ((q->sig.pending >> (SIGKILL - 1)) & 1);
}

/* What a process's death gives back, in pages. */
static uint32_t badness(const struct proc *q)
{
    const struct mm *mm = q->mm;

    return mm ? mm->pages + mm->l1_count + 1 + mm->map_count / 128 : 0; /* 32-byte regions */
}

/* Sleep until pid has ended (or a second has passed). */
static void wait_for(int pid)
{
    for (int i = 0; i < WAIT_STEPS; i++) {
        const struct proc *q = proc_find(pid);
        if (!q || q->zombie)
            return;
        sleep_ns(WAIT_STEP_NS);
    }
}

int oom_kill_for(struct proc *p, int may_sleep)
{
    struct proc *victim = 0, *going = 0;

    if (dying(p))
        return 0; /* it is on its way out: let the access fail */
    for (struct proc *q = procs_first(); q; q = procs_next(q)) {
        if (q->zombie || q->pid == 1 || !q->mm)
            continue;
        if (dying(q))
            going = q;
        else if (!victim || badness(q) > badness(victim))
            victim = q;
    }
    if (going) {
        if (may_sleep)
            wait_for(going->pid);
        return may_sleep;
    }
    if (!victim) {
        printk("out of memory: pid %d (%s) gets no page, and there is nobody to kill but init\n",
               p->pid, p->name);
        return 0;
    }
    printk("out of memory: killing pid %d (%s), %u pages, for pid %d (%s)\n", victim->pid,
           victim->name, badness(victim), p->pid, p->name);
    oom_kills++;
    signal_force(victim, SIGKILL, SI_KERNEL, 0);
    if (victim->task)
        sched_wake(victim->task); /* out of any wait: SIGKILL ends it */
    if (victim == p || !may_sleep)
        return 0;
    wait_for(victim->pid);
    return 1;
}
