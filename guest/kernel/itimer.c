/* The real-time interval timer of a process (setitimer/getitimer ITIMER_REAL, alarm): one timer
 * from the timer queue per process, SIGALRM at its deadline, re-armed by its interval. It lives
 * through exec, as in Linux, and dies with the process. The CPU-time timers are not offered.
 * An interval runs no shorter than ITIMER_MIN_NS (getitimer still reports what was asked), and
 * periods that passed while the timer waited are counted as overruns, not replayed (Linux's
 * hrtimer_forward): one expiry is one SIGALRM and one timer callback, whatever the interval, so
 * a 1 us timer costs the kernel no more than a 1 ms one. */
#include <linux/errno.h>
#include <pv/events.h>
#include <kernel/kstats.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>

/* The shortest period a process's interval timer runs at (FreeBSD rounds up to a clock tick
 * the same way; Linux only to its timer resolution, and a 1 us timer then starves the process
 * that set it). */
#define ITIMER_MIN_NS (1 * NSEC_PER_MSEC)

static uint64_t period(const struct proc *p)
{
    return p->alarm_interval < ITIMER_MIN_NS ? ITIMER_MIN_NS : p->alarm_interval;
}

/* The first deadline after now on the timer's grid; the periods skipped are overruns. */
static uint64_t forward(uint64_t deadline, uint64_t step, uint64_t now)
{
    uint64_t next = deadline + step, missed;

    if (next > now)
        return next;
    missed = step >> 32 ? 0 : ns_div(now - next, (uint32_t)step);
    next += missed * step;
    while (next <= now) { /* a step of 4 s or more: a few rounds at most */
        next += step;
        missed++;
    }
    kstats.itimer_overruns += (uint32_t)missed + 1;
    return next;
}

static void expired(struct timer *t)
{
    struct proc *p = t->arg;

    signal_send(p, SIGALRM);
    if (p->alarm_interval)
        timer_add(t, forward(t->deadline, period(p), clock_now()));
}

static uint64_t tv_ns(const struct linux_timeval *tv)
{
    return (uint64_t)(uint32_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)(uint32_t)tv->tv_usec * 1000;
}

static struct linux_timeval ns_tv(uint64_t ns)
{
    uint32_t sec = (uint32_t)ns_div(ns, NSEC_PER_SEC);
    uint32_t usec = (uint32_t)ns_div(ns - (uint64_t)sec * NSEC_PER_SEC, 1000);

    /* A timer still running never reads as zero: that would mean "disarmed". */
    if (ns && !sec && !usec)
        usec = 1;
    return (struct linux_timeval){(int32_t)sec, (int32_t)usec};
}

static struct linux_itimerval current_value(const struct proc *p)
{
    uint64_t now = clock_now(), left = 0;

    if (p->alarm.armed)
        left = p->alarm.deadline > now ? p->alarm.deadline - now : 1;
    return (struct linux_itimerval){ns_tv(p->alarm_interval), ns_tv(left)};
}

static void arm(struct proc *p, uint64_t value, uint64_t interval)
{
    uint8_t old = evt_disable();

    timer_cancel(&p->alarm);
    p->alarm.fn = expired;
    p->alarm.arg = p;
    p->alarm_interval = interval;
    if (value)
        timer_add(&p->alarm, clock_now() + value);
    evt_restore(old);
}

long sys_setitimer(u32 which, u32 value, u32 old)
{
    struct proc *p = current_proc();
    struct linux_itimerval v, prev = current_value(p);

    if (which != ITIMER_REAL)
        return which <= ITIMER_PROF ? -ENOSYS : -EINVAL;
    if (copy_from_user(&v, value, sizeof(v)))
        return -EFAULT;
    if (v.it_value.tv_usec < 0 || v.it_value.tv_usec >= 1000000 || v.it_value.tv_sec < 0 ||
        v.it_interval.tv_usec < 0 || v.it_interval.tv_usec >= 1000000 || v.it_interval.tv_sec < 0)
        return -EINVAL;
    if (old && copy_to_user(old, &prev, sizeof(prev)))
        return -EFAULT;
    arm(p, tv_ns(&v.it_value), tv_ns(&v.it_interval));
    return 0;
}

long sys_getitimer(u32 which, u32 value)
{
    struct linux_itimerval v = current_value(current_proc());

    if (which != ITIMER_REAL)
        return which <= ITIMER_PROF ? -ENOSYS : -EINVAL;
    return copy_to_user(value, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_alarm(u32 seconds)
{
    struct proc *p = current_proc();
    struct linux_itimerval prev = current_value(p);

    arm(p, (uint64_t)seconds * NSEC_PER_SEC, 0);
    /* The seconds that were left, rounded to the nearest (at least 1 while it ran). */
    uint32_t left = (uint32_t)prev.it_value.tv_sec + (prev.it_value.tv_usec >= 500000);
    return prev.it_value.tv_sec || prev.it_value.tv_usec ? (long)(left ? left : 1) : 0;
}

void itimer_stop(struct proc *p)
{
    arm(p, 0, 0);
}
