/*
 * The process table and life cycle: fork (a copy-on-write address space, the descriptor
 * table shared, a task that starts by returning to ring 3 through a copy of the parent's
 * frame), exit (everything released at once, the parent told with SIGCHLD and a wake-up; only
 * the small struct stays as a zombie) and wait4, which reaps zombies.
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <arch/x86/context.h>
#include <pv/events.h>
#include <kernel/exec.h>
#include <kernel/fs/fs.h>
#include <kernel/mm/kmem.h>
#include <kernel/kstats.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <arch/x86/traps.h>
#include <kernel/mm/vm.h>
#include <lib/string.h>

#define PID_MAX 32768

struct kstats kstats;
static struct proc *table[MAX_PROCS];
/* 1 + the highest slot in use: the table's walks stop there instead of at MAX_PROCS (a fork
 * looked its new pid up in all 256 slots, and exit looked for its slot in all of them). */
static unsigned table_end;
static int last_pid;

int proc_last_pid(void)
{
    return last_pid;
}

struct proc *procs_first(void)
{
    for (unsigned i = 0; i < table_end; i++)
        if (table[i])
            return table[i];
    return 0;
}

struct proc *procs_next(struct proc *p)
{
    unsigned i = 0;

    while (i < table_end && table[i] != p)
        i++;
    for (i++; i < table_end; i++)
        if (table[i])
            return table[i];
    return 0;
}

struct proc *proc_find(int pid)
{
    for (unsigned i = 0; i < table_end; i++)
        if (table[i] && table[i]->pid == pid)
            return table[i];
    return 0;
}

static int alloc_pid(void)
{
    for (int tries = 0; tries < PID_MAX; tries++) {
        last_pid = last_pid % (PID_MAX - 1) + 1;
        if (!proc_find(last_pid))
            return last_pid;
    }
    return 0;
}

struct proc *proc_alloc(struct proc *parent)
{
    unsigned slot = 0;

    while (slot < MAX_PROCS && table[slot])
        slot++;
    if (slot == MAX_PROCS)
        return 0;
    struct proc *p = kzalloc(sizeof(*p));
    if (!p)
        return 0;
    p->pid = alloc_pid();
    if (procfs_pid_add(p->pid)) { /* first: nothing else to undo (the pid is taken only below) */
        kfree(p);
        return 0;
    }
    if (parent) {
        p->parent = parent;
        p->pgid = parent->pgid;
        p->sid = parent->sid;
        p->umask = parent->umask;
        memcpy(p->sig.action, parent->sig.action, sizeof(p->sig.action));
        p->sig.blocked = parent->sig.blocked;
        memcpy(p->tls, parent->tls, sizeof(p->tls));
        memcpy(p->rlim, parent->rlim, sizeof(p->rlim));
        memcpy(p->name, parent->name, sizeof(p->name));
        p->exe_path = parent->exe_path ? kstrdup(parent->exe_path) : 0;
        p->ngroups = parent->ngroups;
        memcpy(p->groups, parent->groups, sizeof(p->groups));
        p->sibling = parent->children;
        parent->children = p;
    } else {
        p->pgid = p->sid = p->pid;
        p->umask = 022;
        rlimit_defaults(p);
    }
    table[slot] = p;
    if (slot >= table_end)
        table_end = slot + 1;
    kstats.procs_live++;
    return p;
}

void proc_free(struct proc *p)
{
    for (unsigned i = 0; i < table_end; i++)
        if (table[i] == p) {
            table[i] = 0;
            break;
        }
    while (table_end && !table[table_end - 1])
        table_end--;
    if (p->parent) {
        for (struct proc **pp = &p->parent->children; *pp; pp = &(*pp)->sibling) {
            if (*pp == p) {
                *pp = p->sibling;
                break;
            }
        }
    }
    kstats.procs_live--;
    procfs_pid_remove(p->pid);
    kfree(p->exe_path);
    kfree(p);
}

struct trap_frame *syscall_frame(void)
{
    return (struct trap_frame *)(current->kstack_top - sizeof(struct trap_frame));
}

static int child_still_vforked(struct proc *parent, int pid);

/* fork, vfork and clone's process form: flags decide whether the parent waits. */
/* A fork that cannot finish: release what the child has taken so far (any of its address
 * space, descriptor table and working directory may still be missing) and the child itself. */
static long fork_abandon(struct proc *child, long err)
{
    if (child->files)
        files_put(child->files);
    if (child->mm)
        mm_destroy(child->mm);
    if (child->cwd)
        inode_put(child->cwd);
    proc_free(child);
    return err;
}

static long do_fork(uint32_t new_sp, int vfork)
{
    struct proc *parent = current_proc(), *child;
    struct trap_frame frame = *syscall_frame();

    /* RLIMIT_NPROC counts every process, zombies too (one user); init is exempt. */
    if (parent->pid != 1 && kstats.procs_live >= parent->rlim[RLIMIT_NPROC].rlim_cur)
        return -EAGAIN;
    child = proc_alloc(parent);
    if (!child)
        return -EAGAIN;
    fpu_save_for_fork(parent);
    memcpy(child->fpu, parent->fpu, sizeof(child->fpu));
    child->fpu_used = parent->fpu_used;
    child->mm = mm_fork(parent->mm, frame.esp);
    child->files = child->mm ? files_dup(parent->files) : 0;
    if (!child->files)
        return fork_abandon(child, -ENOMEM);
    child->cwd = parent->cwd ? inode_get(parent->cwd) : 0;
    if (new_sp)
        frame.esp = new_sp;
    if (vfork)
        child->vfork_parent = parent;
    if (!task_spawn_proc(child, &frame, 0))
        return fork_abandon(child, -EAGAIN);
    kstats.forks++;
    /* The child runs first: it usually execs or exits at once, which ends the sharing of
     * the parent's pages before the parent takes copy-on-write faults on them. */
    sched_run_first(child->task);
    int pid = child->pid;
    /* vfork: the parent sleeps until the child has exec'd or exited (it clears the link), or
     * until a signal comes that kills it (as Linux's killable wait: handlers wait). */
    uint8_t old = evt_disable();
    while (vfork && child_still_vforked(parent, pid) && !signal_fatal_pending(parent))
        wq_sleep(&parent->child_wq);
    evt_restore(old);
    return pid;
}

static int child_still_vforked(struct proc *parent, int pid)
{
    struct proc *c = proc_find(pid);

    return c && !c->zombie && c->vfork_parent == parent;
}

long sys_fork(void)
{
    return do_fork(0, 0);
}

long sys_vfork(void)
{
    return do_fork(0, 1);
}

long sys_clone(u32 flags, u32 stack, u32 ptid, u32 tls, u32 ctid)
{
    (void)ptid, (void)tls, (void)ctid;
    /* Processes only: a thread (a shared address space without vfork's wait) is refused. */
    if ((flags & CLONE_THREAD) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
        return -EINVAL;
    if ((flags & CSIGNAL) != SIGCHLD && (flags & CSIGNAL) != 0)
        return -EINVAL;
    return do_fork(stack, (flags & CLONE_VFORK) != 0);
}

/* exec and exit release a vfork parent. */
void proc_release_vfork(struct proc *p)
{
    if (p->vfork_parent) {
        wq_wake_all(&p->vfork_parent->child_wq);
        p->vfork_parent = 0;
    }
}

static int ignores_children(const struct proc *p)
{
    const struct linux_sigaction *a = &p->sig.action[SIGCHLD - 1];

    return a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

void proc_exit(int wait_status)
{
    struct proc *p = current_proc(), *init = proc_find(1);

    if (p->pid == 1)
        init_ended(wait_status);
    itimer_stop(p);
    files_put(p->files);
    p->files = 0;
    if (p->cwd)
        inode_put(p->cwd);
    p->cwd = 0;
    fpu_forget(p);
    context_use_mm(0);
    mm_destroy(p->mm);
    p->mm = 0;
    proc_release_vfork(p);
    evt_disable(); /* from here to the switch away: sched_exit wants events masked */
    /* Orphans go to init, which reaps them. */
    for (struct proc *c = p->children, *next; c; c = next) {
        next = c->sibling;
        if (c->vfork_parent == p)
            c->vfork_parent = 0; /* a killed vfork parent: nobody to wake any more */
        c->parent = init;
        c->sibling = init->children;
        init->children = c;
        pgrp_hangup_if_orphaned(c, p); /* p was maybe its group's last link */
    }
    p->children = 0;
    if (init)
        wq_wake_all(&init->child_wq);
    p->zombie = 1;
    p->wait_status = wait_status;
    p->task = 0;
    if (p->sid == p->pid)
        tty_session_exit(p->sid);
    pgrp_hangup_if_orphaned(p, p->parent); /* its own group, without it */
    kstats.exits++;
    struct proc *parent = p->parent;
    current->proc = 0;
    if (parent && ignores_children(parent)) {
        proc_free(p);
    } else if (parent) {
        const struct sigsender from = {
            (wait_status & 0x7f) ? CLD_KILLED : CLD_EXITED, p->pid,
            (wait_status & 0x7f) ? wait_status & 0x7f : (wait_status >> 8) & 0xff, 0};
        signal_send_from(parent, SIGCHLD, &from);
        wq_wake_all(&parent->child_wq);
    }
    sched_exit();
}

long sys_exit(u32 code)
{
    proc_exit((int)(code & 0xff) << 8);
}

long sys_exit_group(u32 code)
{
    proc_exit((int)(code & 0xff) << 8);
}

static int wait_matches(const struct proc *p, const struct proc *c, int32_t pid)
{
    if (pid > 0)
        return c->pid == pid;
    if (pid == -1)
        return 1;
    if (pid == 0)
        return c->pgid == p->pgid;
    return c->pgid == -pid;
}

long sys_wait4(u32 upid, u32 status, u32 options, u32 rusage)
{
    struct proc *p = current_proc();
    int32_t pid = (int32_t)upid;

    if (options & ~(uint32_t)(WNOHANG | WUNTRACED | WCONTINUED | 0x40000000u /* __WALL */))
        return -EINVAL;
    for (;;) {
        int found = 0;
        for (struct proc *c = p->children; c; c = c->sibling) {
            if (!wait_matches(p, c, pid))
                continue;
            found = 1;
            if (!c->zombie) {
                int st = 0;

                if ((options & WUNTRACED) && c->stopped && c->stop_unreported) {
                    c->stop_unreported = 0;
                    st = c->stopped << 8 | 0x7f;
                } else if ((options & WCONTINUED) && c->cont_unreported) {
                    c->cont_unreported = 0;
                    st = 0xffff;
                } else {
                    continue;
                }
                if (status && copy_to_user(status, &st, sizeof(st)))
                    return -EFAULT;
                if (rusage && clear_user(rusage, sizeof(struct linux_rusage)))
                    return -EFAULT;
                return c->pid;
            }
            int st = c->wait_status, cpid = c->pid;
            if (status && copy_to_user(status, &st, sizeof(st)))
                return -EFAULT;
            if (rusage && clear_user(rusage, sizeof(struct linux_rusage)))
                return -EFAULT;
            proc_free(c);
            return cpid;
        }
        if (!found)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        long rc = wq_wait(&p->child_wq, 0);
        if (rc)
            return rc;
    }
}

long sys_waitpid(u32 pid, u32 status, u32 options)
{
    return sys_wait4(pid, status, options, 0);
}

long sys_getpid(void)
{
    return current_proc()->pid;
}

long sys_gettid(void)
{
    return current_proc()->pid;
}

long sys_getppid(void)
{
    struct proc *parent = current_proc()->parent;

    return parent ? parent->pid : 0;
}

long sys_getuid(void)
{
    return 0; /* everything runs as root */
}

/* Some live process of session sid is in process group pgid. */
static int pgrp_in_session(int pgid, int sid)
{
    for (struct proc *q = procs_first(); q; q = procs_next(q))
        if (!q->zombie && q->pgid == pgid && q->sid == sid)
            return 1;
    return 0;
}

/* Linux's rules: the caller or a child of it, not yet exec'd, in the caller's session and not a
 * session leader, into a group of its own id or an existing group of the same session. */
long sys_setpgid(u32 upid, u32 upgid)
{
    struct proc *self = current_proc(), *p;
    int32_t pid = (int32_t)upid, pgid = (int32_t)upgid;

    if (pid < 0 || pgid < 0)
        return -EINVAL;
    p = pid ? proc_find(pid) : self;
    if (!p || p->zombie || (p != self && p->parent != self))
        return -ESRCH;
    if (p != self && p->execed)
        return -EACCES;
    if (p->sid != self->sid || p->sid == p->pid)
        return -EPERM;
    if (!pgid)
        pgid = p->pid;
    if (pgid != p->pid && !pgrp_in_session(pgid, self->sid))
        return -EPERM;
    p->pgid = pgid;
    return 0;
}

long sys_getpgid(u32 pid)
{
    struct proc *p = pid ? proc_find((int)pid) : current_proc();

    return p ? p->pgid : -ESRCH;
}

long sys_getpgrp(void)
{
    return current_proc()->pgid;
}

long sys_setsid(void)
{
    struct proc *p = current_proc();

    for (struct proc *q = procs_first(); q; q = procs_next(q))
        if (q->pgid == p->pid)
            return -EPERM; /* a group with its id exists (its own, or one it made): Linux's rule */
    p->sid = p->pgid = p->pid;
    return p->sid;
}

long sys_getsid(u32 pid)
{
    struct proc *p = pid ? proc_find((int)pid) : current_proc();

    return p ? p->sid : -ESRCH;
}

long sys_set_tid_address(u32 tidptr)
{
    current_proc()->clear_child_tid = tidptr;
    return current_proc()->pid;
}
