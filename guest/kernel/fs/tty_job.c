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
 * changes, and Linux's job-control check (tty_check_change) before acting for a process of the
 * session that is not in the foreground group: tty_read_allowed before each read (SIGTTIN),
 * tty_change_allowed before a write under TOSTOP and before a change of the settings (TCSETS*,
 * TCFLSH, TCXONC, TCSBRK, TIOCSPGRP: SIGTTOU). The rule, Linux's: a process that ignores or
 * blocks the signal goes ahead (a read gets EIO instead); one in an orphaned process group
 * (kernel/pgrp.c: nobody could continue it) gets EIO; any other has its whole group sent the
 * signal, and the call is made again once the group is continued (or fails with EINTR after a
 * handler without SA_RESTART). Linux skips the check for /dev/console, which can never be a
 * controlling terminal there; here the console is the terminal, so it applies.
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

/* The session of process group pgid, or (Linux's fallback) of the process whose pid it is;
 * 0 when neither exists. A zombie still counts, as its pid does on Linux until it is reaped. */
static int session_of_pgrp(int pgid)
{
    const struct proc *by_pid = 0;

    for (struct proc *q = procs_first(); q; q = procs_next(q)) {
        if (q->pgid == pgid)
            return q->sid;
        if (q->pid == pgid)
            by_pid = q;
    }
    return by_pid ? by_pid->sid : 0;
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

/* Linux's tty_check_change for sig (SIGTTIN: a read; SIGTTOU: a write or a change): 0 to go
 * ahead, -EIO, or -EINTR once the caller's group has been sent sig. */
static long job_check(int sig)
{
    struct proc *p = current_proc();

    if (!controlling() || !tty_pgrp || p->pgid == tty_pgrp)
        return 0;
    if (ignored_or_blocked(p, sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (pgrp_orphaned(p->pgid))
        return -EIO;
    signal_send_pgrp(p->pgid, sig);
    return -EINTR; /* the stop restarts the call once the job is continued */
}

long tty_read_allowed(void)
{
    return job_check(SIGTTIN);
}

long tty_change_allowed(void)
{
    return job_check(SIGTTOU);
}

/* Linux's disassociate_ctty at a session leader's exit (as for a pseudo-terminal: no hangup of
 * the open descriptors, which on the console would silence init's output): SIGHUP to the
 * foreground group (SIGCONT only comes with the orphaned-group rule, kernel/pgrp.c), and the
 * terminal is free for the next session leader that asks. */
void tty_session_exit(int sid)
{
    int fg = tty_pgrp;

    if (!tty_sid || sid != tty_sid)
        return;
    tty_job_reset();
    if (fg)
        signal_send_pgrp(fg, SIGHUP);
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
    long rc;

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
    case TIOCSPGRP: /* Linux's order: the job check (EIO becomes ENOTTY), then the value */
        rc = tty_change_allowed();
        if (rc)
            return rc == -EIO ? -ENOTTY : rc;
        if (copy_from_user(&v, arg, sizeof(v)))
            return -EFAULT;
        if (v < 0)
            return -EINVAL;
        if (!controlling())
            return -ENOTTY;
        rc = session_of_pgrp(v);
        if (!rc)
            return -ESRCH;
        if (rc != tty_sid)
            return -EPERM;
        tty_pgrp = v;
        return 0;
    default:
        return -ENOTTY;
    }
}
