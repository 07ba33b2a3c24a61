/*
 * Orphaned process groups (POSIX, as Linux implements them). A process group is orphaned when
 * no member has a parent in another group of the same session: nobody is left who could
 * continue a stopped job. Linux's rules built on that, all here:
 *   - the terminal's SIGTTIN/SIGTTOU checks answer EIO instead of stopping an orphaned group
 *     (fs/tty_job.c asks pgrp_orphaned);
 *   - SIGTSTP, SIGTTIN and SIGTTOU whose action is the default stop are discarded in an
 *     orphaned group (signal.c asks pgrp_orphaned; SIGSTOP always stops);
 *   - when an exit orphans a group that has a stopped member, every member gets SIGHUP and then
 *     SIGCONT (pgrp_hangup_if_orphaned, from proc_exit for each child it leaves to init and for
 *     its own group once it is a zombie), so the job is not left stopped forever.
 * Zombies count for nothing (an empty group is orphaned). One difference from Linux: there a
 * member whose parent is the global init never links its group, because init never shares a
 * session with a job. Here init=/bin/sh on the console is a shell with job control (Linux gives
 * /dev/console to no session), so pid 1 counts like any parent: its background jobs are not
 * orphaned, and Ctrl-Z still stops them. Outside that case the answer is Linux's, since init's
 * session is then not the job's.
 */
#include <kernel/proc.h>
#include <kernel/procs.h>

int pgrp_orphaned(int pgid)
{
    for (struct proc *q = procs_first(); q; q = procs_next(q)) {
        const struct proc *parent = q->parent;

        if (q->zombie || q->pgid != pgid || !parent)
            continue;
        if (parent->pgid != pgid && parent->sid == q->sid)
            return 0;
    }
    return 1;
}

static int has_stopped(int pgid)
{
    for (struct proc *q = procs_first(); q; q = procs_next(q))
        if (!q->zombie && q->pgid == pgid && q->stopped)
            return 1;
    return 0;
}

void pgrp_hangup_if_orphaned(const struct proc *q, const struct proc *parent)
{
    int pgid = q->pgid;

    if (!parent || parent->pgid == pgid || parent->sid != q->sid)
        return;
    if (pgrp_orphaned(pgid) && has_stopped(pgid)) {
        signal_send_pgrp(pgid, SIGHUP);
        signal_send_pgrp(pgid, SIGCONT);
    }
}
