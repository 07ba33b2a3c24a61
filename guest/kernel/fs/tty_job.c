/*
 * The console as a controlling terminal: which session it belongs to, which process group of
 * that session is in the foreground, and the job-control rules around them (Linux's, for the
 * one terminal there is).
 *
 * A process has the console as its controlling terminal when its session is the console's
 * (tty_sid); there is no per-process pointer. Linux never makes /dev/console a controlling
 * terminal, so init=/bin/sh there has no job control and Ctrl-C reaches nobody; here the first
 * process's session gets the console at start (tty_attach_first), so that a shell started as
 * init is usable. That default grant is weak: the first session leader that asks with
 * TIOCSCTTY takes the console over (busybox init does so for its respawn/askfirst children,
 * after setsid), as it would take a terminal nobody controls on Linux. Otherwise TIOCSCTTY takes
 * a terminal whose session has ended, or (arg 1, root: everything here runs as root) steals it.
 *
 * The line discipline (tty.c) asks tty_signal_fg for Ctrl-C/Ctrl-\ /Ctrl-Z and window size
 * changes, and tty_read_allowed before each read: a background process group of the session
 * that reads gets SIGTTIN (or EIO when it ignores or blocks it), as on Linux.
 */
#include <pv/console_in.h>
#include <kernel/fs/fs.h>
#include <kernel/proc.h>
#include <kernel/procs.h>
#include <arch/x86/uaccess.h>
#include "fs_impl.h"

static int tty_sid, tty_pgrp; /* 0: no session controls the console */
static int default_grant;     /* tty_sid holds it only by tty_attach_first */

void tty_attach_first(int sid, int pgid)
{
    tty_sid = sid;
    tty_pgrp = pgid;
    default_grant = 1;
    console_in_set_listener(tty_input_arrived);
}

void tty_job_reset(void)
{
    tty_sid = tty_pgrp = default_grant = 0;
}

static int session_alive(int sid)
{
    for (struct proc *q = procs_first(); q; q = procs_next(q))
        if (!q->zombie && q->sid == sid)
            return 1;
    return 0;
}

static int pgrp_in_session(int pgid, int sid)
{
    for (struct proc *q = procs_first(); q; q = procs_next(q))
        if (!q->zombie && q->pgid == pgid && q->sid == sid)
            return 1;
    return 0;
}

/* The current process has the console as its controlling terminal. */
static int controlling(void)
{
    const struct proc *p = current_proc();

    return p && tty_sid && p->sid == tty_sid;
}

int tty_has_ctty(void)
{
    return controlling();
}

void tty_signal_fg(int sig)
{
    if (tty_pgrp)
        signal_send_pgrp(tty_pgrp, sig);
}

static int ignored_or_blocked(const struct proc *p, int sig)
{
    return p->sig.action[sig - 1].handler == SIG_IGN || (p->sig.blocked & (1ull << (sig - 1)));
}

long tty_read_allowed(void)
{
    struct proc *p = current_proc();

    if (!controlling() || p->pgid == tty_pgrp)
        return 0;
    if (ignored_or_blocked(p, SIGTTIN))
        return -EIO;
    signal_send_pgrp(p->pgid, SIGTTIN);
    return -EINTR; /* the stop restarts the read once the job is continued in the foreground */
}

static long set_ctty(uint32_t arg)
{
    struct proc *p = current_proc();

    if (controlling())
        return 0;
    if (!p || p->sid != p->pid)
        return -EPERM; /* only a session leader acquires a terminal */
    if (tty_sid && session_alive(tty_sid) && !default_grant && arg != 1)
        return -EPERM;
    tty_sid = p->sid;
    tty_pgrp = p->pgid;
    default_grant = 0;
    return 0;
}

long tty_job_ioctl(uint32_t cmd, uint32_t arg)
{
    struct proc *p = current_proc();
    int32_t v;

    switch (cmd) {
    case TIOCSCTTY:
        return set_ctty(arg);
    case TIOCNOTTY:
        if (!controlling())
            return -ENOTTY;
        if (p->sid == p->pid) { /* the leader lets go: its foreground job hangs up, as on Linux */
            int fg = tty_pgrp;

            tty_job_reset();
            if (fg) {
                signal_send_pgrp(fg, SIGHUP);
                signal_send_pgrp(fg, SIGCONT);
            }
        }
        return 0;
    case TIOCGPGRP:
    case TIOCGSID:
        if (!controlling())
            return -ENOTTY;
        v = cmd == TIOCGPGRP ? tty_pgrp : tty_sid;
        return copy_to_user(arg, &v, sizeof(v));
    case TIOCSPGRP:
        if (!controlling())
            return -ENOTTY;
        if (copy_from_user(&v, arg, sizeof(v)))
            return -EFAULT;
        if (v < 0)
            return -EINVAL;
        if (!pgrp_in_session(v, tty_sid))
            return -EPERM;
        tty_pgrp = v;
        return 0;
    default:
        return -ENOTTY;
    }
}
