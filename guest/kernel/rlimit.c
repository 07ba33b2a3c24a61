/*
 * Resource limits: getrlimit/setrlimit (prlimit64, and the older setrlimit and ugetrlimit
 * calls), per process, inherited at fork and kept across exec, as in Linux. Enforced where
 * the resource is taken: RLIMIT_NOFILE (kernel/fs/fdtable.c, fcntl, poll), RLIMIT_FSIZE
 * (kernel/fs/tmpfs.c: SIGXFSZ and EFBIG), RLIMIT_AS (kernel/mm/sys_mm.c), RLIMIT_NPROC
 * (kernel/proc.c). The others are kept and reported only.
 *
 * Everything runs as root here, but nobody holds CAP_SYS_RESOURCE: a hard limit can be lowered,
 * never raised, so a process cannot undo the limits its parent gave it. And since all processes
 * are one user, RLIMIT_NPROC counts every process (zombies included, as Linux counts them);
 * init (pid 1) is exempt, as root is on Linux, so it can always start something.
 */
#include <linux/errno.h>
#include <kernel/procs.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>

/* Below the task table: the processes ring 3 can have besides init leave init room to fork. */
#define NPROC_DEFAULT (MAX_TASKS - 16)

void rlimit_defaults(struct proc *p)
{
    for (unsigned r = 0; r < RLIM_NLIMITS; r++)
        p->rlim[r] = (struct linux_rlimit64){RLIM64_INFINITY, RLIM64_INFINITY};
    p->rlim[RLIMIT_STACK] = (struct linux_rlimit64){8u << 20, 8u << 20}; /* the stack region */
    p->rlim[RLIMIT_CORE].rlim_cur = 0;
    p->rlim[RLIMIT_NPROC] = (struct linux_rlimit64){NPROC_DEFAULT, NPROC_DEFAULT};
    p->rlim[RLIMIT_NOFILE] = (struct linux_rlimit64){LINUX_NOFILE, LINUX_NOFILE};
    p->rlim[RLIMIT_MEMLOCK] = (struct linux_rlimit64){64u << 10, 64u << 10};
    p->rlim[RLIMIT_SIGPENDING] = p->rlim[RLIMIT_NPROC];
    p->rlim[RLIMIT_MSGQUEUE] = (struct linux_rlimit64){819200, 819200};
    p->rlim[13] = p->rlim[14] = (struct linux_rlimit64){0, 0}; /* RLIMIT_NICE, RLIMIT_RTPRIO */
}

uint64_t rlimit_cur(unsigned resource)
{
    struct proc *p = current_proc();

    return p && resource < RLIM_NLIMITS ? p->rlim[resource].rlim_cur : RLIM64_INFINITY;
}

/* Linux's do_prlimit: check everything, then swap. */
static long prlimit(struct proc *p, u32 resource, const struct linux_rlimit64 *new,
                    struct linux_rlimit64 *old)
{
    if (resource >= RLIM_NLIMITS)
        return -EINVAL;
    struct linux_rlimit64 *r = &p->rlim[resource];
    if (new &&new->rlim_cur > new->rlim_max)
        return -EINVAL;
    if (new &&resource == RLIMIT_NOFILE &&new->rlim_max > LINUX_NOFILE)
        return -EPERM; /* Linux's nr_open */
    if (new &&new->rlim_max > r->rlim_max)
        return -EPERM; /* raising a hard limit takes CAP_SYS_RESOURCE */
    if (old)
        *old = *r;
    if (new)
        *r = *new;
    return 0;
}

long sys_prlimit64(u32 pid, u32 resource, u32 new_limit, u32 old_limit)
{
    struct proc *p = pid ? proc_find((int)pid) : current_proc();
    struct linux_rlimit64 n, o;

    if (new_limit && copy_from_user(&n, new_limit, sizeof(n)))
        return -EFAULT;
    if (!p || p->zombie || (int32_t)pid < 0)
        return -ESRCH;
    long rc = prlimit(p, resource, new_limit ? &n : 0, old_limit ? &o : 0);
    if (rc == 0 && old_limit && copy_to_user(old_limit, &o, sizeof(o)))
        return -EFAULT;
    return rc;
}

/* The 32-bit forms: RLIM_INFINITY stands for any value that does not fit. */
static uint64_t widen(uint32_t v)
{
    return v == RLIM_INFINITY ? RLIM64_INFINITY : v;
}

static uint32_t narrow(uint64_t v)
{
    return v >= RLIM_INFINITY ? RLIM_INFINITY : (uint32_t)v;
}

long sys_setrlimit(u32 resource, u32 rlim)
{
    struct linux_rlimit r;

    if (copy_from_user(&r, rlim, sizeof(r)))
        return -EFAULT;
    struct linux_rlimit64 n = {widen(r.rlim_cur), widen(r.rlim_max)};
    return prlimit(current_proc(), resource, &n, 0);
}

long sys_ugetrlimit(u32 resource, u32 rlim)
{
    struct linux_rlimit64 o;
    long rc = prlimit(current_proc(), resource, 0, &o);

    if (rc)
        return rc;
    struct linux_rlimit r = {narrow(o.rlim_cur), narrow(o.rlim_max)};
    return copy_to_user(rlim, &r, sizeof(r)) ? -EFAULT : 0;
}
