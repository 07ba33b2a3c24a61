/*
 * poll, ppoll, ppoll_time64, and the wait loop select shares: scan every descriptor, and if
 * none is ready sleep on poll_wq (woken by every console change, and by a change of a socket or
 * pipe among those scanned: kernel/wait.h's wq_watch) until the
 * deadline, then scan again. Scan and sleep happen with events masked, so console input that
 * arrives in between still wakes the sleeper. The pollfd array (up to 1024, 8 KB) is copied in
 * first, so the scan touches no ring-3 memory. ppoll's signal mask is not applied (the caller's
 * mask stays).
 */
#include <pv/events.h>
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <kernel/syscalls.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>
#include <kernel/wait.h>
#include <lib/format.h>
#include "fs_impl.h"

/* What the scan under way looked at (fs_poll_loop: the kernel is not preempted between a scan
 * and its wait, so one variable serves; the sleeper keeps its own copy). */
static struct wq_watch scan_watch;

unsigned fs_poll_fd(int32_t fd, unsigned events)
{
    struct file *f = fd < 0 ? NULL : fd_get((uint32_t)fd);
    unsigned mask;

    if (!f)
        return POLLNVAL;
    wq_watch_add(&scan_watch, f->ops->poll_obj ? f->ops->poll_obj(f) : NULL);
    mask = f->ops->poll ? f->ops->poll(f) : POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
    file_put(f);
    return mask & (events | POLLERR | POLLHUP);
}

long fs_poll_loop(long (*scan)(void *arg), void *arg, int64_t timeout_ns, uint64_t *left_ns)
{
    uint64_t deadline = timeout_ns > 0 ? clock_now() + (uint64_t)timeout_ns : 0;
    long n;

    for (;;) {
        uint8_t old = evt_disable();
        long rc;

        scan_watch.keys = scan_watch.nobjs = 0;
        n = scan(arg);
        if (n != 0 || timeout_ns == 0) {
            evt_restore(old);
            break;
        }
        /* Woken by a change of a socket or pipe scanned, or by any change of the others. */
        struct wq_watch w = scan_watch;

        rc = wq_wait_watch(&poll_wq, deadline, &w);
        if (rc == -ETIMEDOUT)
            n = scan(arg);
        evt_restore(old);
        if (rc == -ETIMEDOUT)
            break;
        if (rc) {
            n = rc;
            break;
        }
    }
    if (left_ns && timeout_ns > 0) {
        uint64_t now = clock_now();

        *left_ns = now < deadline ? deadline - now : 0;
    }
    return n;
}

struct pollset {
    struct linux_pollfd *fds;
    uint32_t n;
};

static long poll_scan(void *arg)
{
    struct pollset *ps = arg;
    long ready = 0;

    for (uint32_t i = 0; i < ps->n; i++) {
        struct linux_pollfd *p = &ps->fds[i];

        p->revents = p->fd < 0 ? 0 : (int16_t)fs_poll_fd(p->fd, (uint16_t)p->events);
        ready += p->revents != 0;
    }
    return ready;
}

/* As Linux (POLL_STACK_ALLOC), a small set lives on the stack: the usual poll allocates
 * nothing, so it cannot fail for want of memory. */
#define POLL_STACK_FDS 32

static long do_poll(u32 ufds, u32 nfds, int64_t timeout_ns, uint64_t *left_ns)
{
    size_t bytes = nfds * sizeof(struct linux_pollfd);
    struct linux_pollfd on_stack[POLL_STACK_FDS];
    struct pollset ps = {NULL, nfds};
    long n;

    if (nfds > LINUX_NOFILE || nfds > rlimit_cur(RLIMIT_NOFILE))
        return -EINVAL;
    if (nfds) {
        ps.fds = nfds <= POLL_STACK_FDS ? on_stack : kmalloc(bytes);
        if (!ps.fds)
            return -ENOMEM;
        if (copy_from_user(ps.fds, ufds, bytes)) {
            if (ps.fds != on_stack)
                kfree(ps.fds);
            return -EFAULT;
        }
    }
    n = fs_poll_loop(poll_scan, &ps, timeout_ns, left_ns);
    if (n >= 0 && nfds) {
        /* Only revents goes back, as Linux writes nothing else. */
        for (uint32_t i = 0; i < nfds && n >= 0; i++) {
            if (copy_to_user(ufds + i * sizeof(struct linux_pollfd) + 6, &ps.fds[i].revents, 2))
                n = -EFAULT;
        }
    }
    if (ps.fds != on_stack)
        kfree(ps.fds);
    return n;
}

long sys_poll(u32 fds, u32 nfds, u32 timeout_ms)
{
    int32_t ms = (int32_t)timeout_ms;

    return do_poll(fds, nfds, ms < 0 ? -1 : (int64_t)ms * (int64_t)NSEC_PER_MSEC, NULL);
}

/* A timespec as a relative timeout in ns (-1: none): 0 or -EINVAL/-EFAULT. */
int fs_timeout_ns(int64_t sec, int64_t nsec, int64_t *out)
{
    if (sec < 0 || nsec < 0 || nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    if (sec > 0x7fffffff)
        sec = 0x7fffffff; /* 68 years: as good as forever */
    *out = sec * (int64_t)NSEC_PER_SEC + nsec;
    return 0;
}

static long ppoll_common(u32 fds, u32 nfds, u32 uts, int ts64, u32 sigmask, u32 sigsetsize)
{
    int64_t timeout = -1, sec, nsec;
    uint64_t left = 0;
    uint32_t rem;
    long n, rc;

    if (sigmask && sigsetsize != 8)
        return -EINVAL;
    if (uts) {
        struct linux_timespec64 t64;
        struct linux_timespec32 t32;

        if (ts64 ? copy_from_user(&t64, uts, sizeof(t64)) : copy_from_user(&t32, uts, sizeof(t32)))
            return -EFAULT;
        sec = ts64 ? t64.tv_sec : t32.tv_sec;
        nsec = ts64 ? t64.tv_nsec : t32.tv_nsec;
        rc = fs_timeout_ns(sec, nsec, &timeout);
        if (rc)
            return rc;
    }
    n = do_poll(fds, nfds, timeout, &left);
    if (uts && timeout > 0) {
        /* Linux writes back the time left. */
        sec = (int64_t)udiv64(left, (uint32_t)NSEC_PER_SEC, &rem);
        if (ts64) {
            struct linux_timespec64 t = {sec, rem};

            copy_to_user(uts, &t, sizeof(t));
        } else {
            struct linux_timespec32 t = {(int32_t)sec, (int32_t)rem};

            copy_to_user(uts, &t, sizeof(t));
        }
    }
    return n;
}

long sys_ppoll(u32 fds, u32 nfds, u32 ts32, u32 sigmask, u32 sigsetsize)
{
    return ppoll_common(fds, nfds, ts32, 0, sigmask, sigsetsize);
}

long sys_ppoll_time64(u32 fds, u32 nfds, u32 ts64, u32 sigmask, u32 sigsetsize)
{
    return ppoll_common(fds, nfds, ts64, 1, sigmask, sigsetsize);
}
