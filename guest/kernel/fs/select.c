/* _newselect, pselect6, pselect6_time64: fd_set bitmaps of n bits (32-bit words, as i386 longs)
 * over the poll machinery; the sets and the timeout (time left) are written back as Linux does.
 * pselect's signal mask is not applied. */
#include <kernel/mm/kmem.h>
#include <kernel/syscalls.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>
#include <lib/format.h>
#include <lib/string.h>
#include "fs_impl.h"

#define WORDS (LINUX_FD_SETSIZE / 32)

struct selset {
    uint32_t n;
    uint32_t in[3][WORDS];  /* read, write, except as asked */
    uint32_t out[3][WORDS]; /* as found */
};

static long select_scan(void *arg)
{
    struct selset *s = arg;
    long ready = 0;

    memset(s->out, 0, sizeof(s->out));
    for (uint32_t fd = 0; fd < s->n; fd++) {
        uint32_t w = fd / 32, bit = 1u << (fd % 32);
        unsigned mask;

        if (!((s->in[0][w] | s->in[1][w] | s->in[2][w]) & bit))
            continue;
        mask = fs_poll_fd((int32_t)fd, POLLIN | POLLOUT | POLLPRI);
        if (mask & POLLNVAL)
            return -EBADF;
        if ((s->in[0][w] & bit) && (mask & (POLLIN | POLLHUP | POLLERR))) {
            s->out[0][w] |= bit;
            ready++;
        }
        if ((s->in[1][w] & bit) && (mask & (POLLOUT | POLLERR))) {
            s->out[1][w] |= bit;
            ready++;
        }
        if ((s->in[2][w] & bit) && (mask & POLLPRI)) {
            s->out[2][w] |= bit;
            ready++;
        }
    }
    return ready;
}

static struct selset *selset_new(void)
{
    return kzalloc(sizeof(struct selset));
}

static void selset_free(struct selset *s)
{
    kfree(s);
}

/* timeout_ns -1: none; *left_ns gets the time left when there was a timeout. */
static long do_select(u32 n, const u32 sets[3], int64_t timeout_ns, uint64_t *left_ns)
{
    struct selset *s;
    size_t bytes;
    long r;

    if ((int32_t)n < 0)
        return -EINVAL;
    if (n > LINUX_FD_SETSIZE)
        n = LINUX_FD_SETSIZE;
    bytes = (n + 31) / 32 * 4;
    s = selset_new();
    if (!s)
        return -ENOMEM;
    s->n = n;
    for (int i = 0; i < 3; i++) {
        if (sets[i] && copy_from_user(s->in[i], sets[i], bytes)) {
            selset_free(s);
            return -EFAULT;
        }
    }
    r = fs_poll_loop(select_scan, s, timeout_ns, left_ns);
    for (int i = 0; i < 3 && r >= 0; i++) {
        if (sets[i] && copy_to_user(sets[i], s->out[i], bytes))
            r = -EFAULT;
    }
    selset_free(s);
    return r;
}

long sys__newselect(u32 n, u32 rfds, u32 wfds, u32 efds, u32 utv)
{
    const u32 sets[3] = {rfds, wfds, efds};
    struct linux_timeval tv;
    int64_t timeout = -1;
    uint64_t left = 0;
    uint32_t rem;
    long r;

    if (utv) {
        if (copy_from_user(&tv, utv, sizeof(tv)))
            return -EFAULT;
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        r = fs_timeout_ns(tv.tv_sec, (int64_t)tv.tv_usec * 1000, &timeout);
        if (r)
            return r;
    }
    r = do_select(n, sets, timeout, &left);
    if (utv && timeout > 0) {
        tv.tv_sec = (int32_t)udiv64(left, (uint32_t)NSEC_PER_SEC, &rem);
        tv.tv_usec = (int32_t)(rem / 1000);
        copy_to_user(utv, &tv, sizeof(tv));
    }
    return r;
}

static long pselect_common(u32 n, const u32 sets[3], u32 uts, int ts64)
{
    struct linux_timespec64 t64;
    struct linux_timespec32 t32;
    int64_t timeout = -1;
    uint64_t left = 0;
    uint32_t rem;
    long r;

    if (uts) {
        if (ts64 ? copy_from_user(&t64, uts, sizeof(t64)) : copy_from_user(&t32, uts, sizeof(t32)))
            return -EFAULT;
        r = ts64 ? fs_timeout_ns(t64.tv_sec, t64.tv_nsec, &timeout)
                 : fs_timeout_ns(t32.tv_sec, t32.tv_nsec, &timeout);
        if (r)
            return r;
    }
    r = do_select(n, sets, timeout, &left);
    if (uts && timeout > 0) {
        int64_t sec = (int64_t)udiv64(left, (uint32_t)NSEC_PER_SEC, &rem);

        if (ts64) {
            t64.tv_sec = sec;
            t64.tv_nsec = rem;
            copy_to_user(uts, &t64, sizeof(t64));
        } else {
            t32.tv_sec = (int32_t)sec;
            t32.tv_nsec = (int32_t)rem;
            copy_to_user(uts, &t32, sizeof(t32));
        }
    }
    return r;
}

long sys_pselect6(u32 n, u32 rfds, u32 wfds, u32 efds, u32 ts32, u32 sigmask)
{
    const u32 sets[3] = {rfds, wfds, efds};

    (void)sigmask;
    return pselect_common(n, sets, ts32, 0);
}

long sys_pselect6_time64(u32 n, u32 rfds, u32 wfds, u32 efds, u32 ts64, u32 sigmask)
{
    const u32 sets[3] = {rfds, wfds, efds};

    (void)sigmask;
    return pselect_common(n, sets, ts64, 1);
}
