/* Small process-wide settings a shell's tools ask for: supplementary groups (getgroups32,
 * setgroups32 and the 16-bit calls; everyone is root, so anyone may set them), CPU affinity (one
 * CPU: sched_getaffinity gives the mask {0}, sched_setaffinity accepts a mask holding CPU 0) and
 * setting the wall clock (clock_settime, CLOCK_REALTIME only, as Linux). */
#include <linux/errno.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>

#define NGROUPS_MAX 65536 /* Linux's limit on what setgroups may be given */

static long get_groups(u32 size, u32 list, int wide)
{
    const struct proc *p = current_proc();

    if ((int32_t)size < 0)
        return -EINVAL;
    if (size == 0)
        return p->ngroups;
    if (size < p->ngroups)
        return -EINVAL;
    for (uint32_t i = 0; i < p->ngroups; i++) {
        uint16_t g16 = (uint16_t)p->groups[i];

        if (wide ? copy_to_user(list + 4 * i, &p->groups[i], 4)
                 : copy_to_user(list + 2 * i, &g16, 2))
            return -EFAULT;
    }
    return p->ngroups;
}

static long set_groups(u32 size, u32 list, int wide)
{
    uint32_t groups[PROC_GROUPS_MAX];
    struct proc *p = current_proc();

    if (size > NGROUPS_MAX)
        return -EINVAL;
    if (size > PROC_GROUPS_MAX)
        return -ENOMEM; /* more than this kernel keeps */
    for (uint32_t i = 0; i < size; i++) {
        uint16_t g16;

        if (wide ? copy_from_user(&groups[i], list + 4 * i, 4)
                 : copy_from_user(&g16, list + 2 * i, 2))
            return -EFAULT;
        if (!wide)
            groups[i] = g16;
    }
    for (uint32_t i = 0; i < size; i++)
        p->groups[i] = groups[i];
    p->ngroups = size;
    return 0;
}

long sys_getgroups32(u32 size, u32 list)
{
    return get_groups(size, list, 1);
}
long sys_setgroups32(u32 size, u32 list)
{
    return set_groups(size, list, 1);
}
long sys_getgroups16(u32 size, u32 list)
{
    return get_groups(size, list, 0);
}
long sys_setgroups16(u32 size, u32 list)
{
    return set_groups(size, list, 0);
}

/* The mask is one 32-bit word (CPU 0 of one); len must hold it and be a multiple of it. */
long sys_sched_getaffinity(u32 pid, u32 len, u32 mask)
{
    uint32_t one = 1;

    if (len < 4 || (len & 3))
        return -EINVAL;
    if (pid && !proc_find((int)pid))
        return -ESRCH;
    return copy_to_user(mask, &one, 4) ? -EFAULT : 4;
}

long sys_sched_setaffinity(u32 pid, u32 len, u32 mask)
{
    uint32_t first = 0;

    if (len == 0)
        return -EINVAL;
    if (copy_from_user(&first, mask, len < 4 ? len : 4))
        return -EFAULT;
    if (pid && !proc_find((int)pid))
        return -ESRCH;
    return (first & 1) ? 0 : -EINVAL; /* no CPU of the mask is there */
}

static long settime(u32 clk, int64_t sec, int64_t nsec)
{
    if (clk != CLOCK_REALTIME)
        return -EINVAL; /* a clock that cannot be set, or no clock at all */
    if (sec < 0 || nsec < 0 || nsec > 999999999 || sec > 0xffffffffll)
        return -EINVAL;
    clock_set_wall((uint32_t)sec, (uint32_t)nsec / 1000);
    return 0;
}

long sys_clock_settime(u32 clk, u32 uts)
{
    struct linux_timespec32 t;

    if (copy_from_user(&t, uts, sizeof(t)))
        return -EFAULT;
    return settime(clk, t.tv_sec, t.tv_nsec);
}

long sys_clock_settime64(u32 clk, u32 uts)
{
    struct linux_timespec64 t;

    if (copy_from_user(&t, uts, sizeof(t)))
        return -EFAULT;
    return settime(clk, t.tv_sec, (int32_t)t.tv_nsec);
}
