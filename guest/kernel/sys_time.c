/* Time system calls: clocks from shared_info (pv/time.h), sleeps on the timer queue. Both
 * the 32-bit-time calls and musl's *_time64 ones. CPU-time clocks read the monotonic clock
 * (no per-process accounting). */
#include <linux/errno.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>
#include <kernel/wait.h>

static long clock_read(uint32_t clk, int64_t *sec, int64_t *nsec)
{
    uint64_t ns;

    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE: {
        uint32_t s, us;
        clock_wall(&s, &us);
        *sec = s;
        *nsec = (int64_t)us * 1000;
        return 0;
    }
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        ns = clock_now();
        *sec = (int64_t)ns_div(ns, NSEC_PER_SEC);
        *nsec = (int64_t)(ns - (uint64_t)*sec * NSEC_PER_SEC);
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_clock_gettime(u32 clk, u32 ts32)
{
    int64_t s, ns;
    long rc = clock_read(clk, &s, &ns);
    struct linux_timespec32 t = {(int32_t)s, (int32_t)ns};

    if (rc)
        return rc;
    return copy_to_user(ts32, &t, sizeof(t)) ? -EFAULT : 0;
}

long sys_clock_gettime64(u32 clk, u32 ts64)
{
    int64_t s, ns;
    long rc = clock_read(clk, &s, &ns);
    struct linux_timespec64 t = {s, ns};

    if (rc)
        return rc;
    return copy_to_user(ts64, &t, sizeof(t)) ? -EFAULT : 0;
}

static long clock_res(u32 clk, int64_t *ns)
{
    int64_t s;

    *ns = 1; /* the TSC extrapolation resolves nanoseconds */
    return clock_read(clk, &s, &s);
}

long sys_clock_getres(u32 clk, u32 ts32)
{
    int64_t ns;
    long rc = clock_res(clk, &ns);
    struct linux_timespec32 t = {0, (int32_t)ns};

    if (rc)
        return rc;
    return ts32 && copy_to_user(ts32, &t, sizeof(t)) ? -EFAULT : 0;
}

long sys_clock_getres_time64(u32 clk, u32 ts64)
{
    int64_t ns;
    long rc = clock_res(clk, &ns);
    struct linux_timespec64 t = {0, ns};

    if (rc)
        return rc;
    return ts64 && copy_to_user(ts64, &t, sizeof(t)) ? -EFAULT : 0;
}

long sys_gettimeofday(u32 tv, u32 tz)
{
    uint32_t s, us;
    struct linux_timeval t;

    clock_wall(&s, &us);
    t = (struct linux_timeval){(int32_t)s, (int32_t)us};
    if (tv && copy_to_user(tv, &t, sizeof(t)))
        return -EFAULT;
    if (tz && clear_user(tz, 8)) /* UTC: minuteswest 0, dsttime 0 */
        return -EFAULT;
    return 0;
}

long sys_time(u32 tloc)
{
    uint32_t s, us;

    clock_wall(&s, &us);
    if (tloc && copy_to_user(tloc, &s, sizeof(s)))
        return -EFAULT;
    return (long)s;
}

long sys_times(u32 tms)
{
    struct linux_tms t = {0, 0, 0, 0};
    uint64_t ticks = ns_div(clock_now(), NSEC_PER_SEC / 100);

    if (tms && copy_to_user(tms, &t, sizeof(t)))
        return -EFAULT;
    return (long)(uint32_t)ticks;
}

/* Sleep until the absolute monotonic time `until`; a signal ends it early with -EINTR and
 * *left = what remained. */
static long sleep_until(uint64_t until, uint64_t *left)
{
    static struct waitq sleepers; /* nobody wakes it: only the deadline or a signal */
    long rc;

    do
        rc = wq_wait(&sleepers, until);
    while (rc == 0);
    uint64_t now = clock_now();
    *left = now < until ? until - now : 0;
    return rc == -ETIMEDOUT ? 0 : rc;
}

static long nanosleep_common(u32 clk, u32 flags, int64_t s, int64_t ns, uint64_t *left)
{
    if (ns < 0 || ns >= (int64_t)NSEC_PER_SEC || s < 0)
        return -EINVAL;
    if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME)
        return -EINVAL;
    uint64_t d = (uint64_t)s * NSEC_PER_SEC + (uint64_t)ns, now = clock_now();
    if (flags & TIMER_ABSTIME) {
        int64_t cs, cns;
        clock_read(clk, &cs, &cns);
        uint64_t cur = (uint64_t)cs * NSEC_PER_SEC + (uint64_t)cns;
        d = d > cur ? d - cur : 0;
    }
    *left = 0;
    return d ? sleep_until(now + d, left) : 0;
}

/* The 32-bit-time forms: read the request, sleep, write what was left on -EINTR. */
static long nanosleep32(u32 clk, u32 flags, u32 req32, u32 rem32)
{
    struct linux_timespec32 t;
    uint64_t left;

    if (copy_from_user(&t, req32, sizeof(t)))
        return -EFAULT;
    long rc = nanosleep_common(clk, flags, t.tv_sec, t.tv_nsec, &left);
    if (rc == -EINTR && rem32 && !(flags & TIMER_ABSTIME)) {
        uint32_t sec = (uint32_t)ns_div(left, NSEC_PER_SEC);
        t = (struct linux_timespec32){(int32_t)sec, (int32_t)(left - sec * NSEC_PER_SEC)};
        if (copy_to_user(rem32, &t, sizeof(t)))
            return -EFAULT;
    }
    return rc;
}

long sys_nanosleep(u32 req32, u32 rem32)
{
    return nanosleep32(CLOCK_MONOTONIC, 0, req32, rem32);
}

long sys_clock_nanosleep(u32 clk, u32 flags, u32 req32, u32 rem32)
{
    return nanosleep32(clk, flags, req32, rem32);
}

long sys_clock_nanosleep_time64(u32 clk, u32 flags, u32 req64, u32 rem64)
{
    struct linux_timespec64 t;
    uint64_t left;

    if (copy_from_user(&t, req64, sizeof(t)))
        return -EFAULT;
    long rc = nanosleep_common(clk, flags, t.tv_sec, t.tv_nsec, &left);
    if (rc == -EINTR && rem64 && !(flags & TIMER_ABSTIME)) {
        uint64_t sec = ns_div(left, NSEC_PER_SEC);
        t = (struct linux_timespec64){(int64_t)sec, (int64_t)(left - sec * NSEC_PER_SEC)};
        if (copy_to_user(rem64, &t, sizeof(t)))
            return -EFAULT;
    }
    return rc;
}
