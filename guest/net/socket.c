/*
 * Sockets as the kernel's files: allocation, the file operations (read, write, poll, ioctl,
 * release) that make a socket an ordinary descriptor, and the helpers the socket calls share
 * (waiting, ring-3 iovec cursors, lwIP's errors as Linux errno values).
 */
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include <lwip/err.h>
#include <net/net.h>
#include "sock_impl.h"

struct sock *sock_alloc(int family, int type)
{
    struct sock *s = kzalloc(sizeof(*s));

    if (!s)
        return NULL;
    s->family = family;
    s->type = type;
    s->sndbuf = TCP_SND_BUF;
    s->rcvbuf = TCP_WND;
    return s;
}

void sock_free(struct sock *s)
{
    if (s->type == LINUX_SOCK_STREAM)
        tcp_sock_release(s);
    else
        udp_sock_release(s);
    net_pump();
    kfree(s);
}

void sock_wake(struct sock *s)
{
    wq_wake_all(&s->wq);
    wq_wake_obj(&poll_wq, s);
}

uint64_t sock_deadline(uint64_t timeo_ns)
{
    return timeo_ns ? clock_now() + timeo_ns : 0;
}

long sock_wait(struct sock *s, uint64_t deadline)
{
    long rc = wq_wait(&s->wq, deadline);

    return rc == -ETIMEDOUT ? -EAGAIN : rc;
}

int sock_nonblock(const struct file *f, uint32_t msg_flags)
{
    return (f->flags & O_NONBLOCK) || (msg_flags & LINUX_MSG_DONTWAIT);
}

int err_from_lwip(int e)
{
    switch (e) {
    case ERR_OK:
        return 0;
    case ERR_MEM:
    case ERR_BUF:
        return -ENOMEM;
    case ERR_TIMEOUT:
        return -ETIMEDOUT;
    case ERR_RTE:
        return -ENETUNREACH;
    case ERR_INPROGRESS:
        return -EINPROGRESS;
    case ERR_VAL:
        return -EINVAL;
    case ERR_WOULDBLOCK:
        return -EAGAIN;
    case ERR_USE:
        return -EADDRINUSE;
    case ERR_ALREADY:
        return -EALREADY;
    case ERR_ISCONN:
        return -EISCONN;
    case ERR_CONN:
        return -ENOTCONN;
    case ERR_IF:
        return -ENETDOWN;
    case ERR_ABRT:
        return -ECONNABORTED;
    case ERR_RST:
        return -ECONNRESET;
    case ERR_CLSD:
        return -ENOTCONN;
    case ERR_ARG:
        return -EINVAL;
    default:
        return -EIO;
    }
}

/* ---- iovec cursors ---- */

static int uio_step(struct uio *u, void *kbuf, size_t n, int out)
{
    char *k = kbuf;

    while (n) {
        const struct linux_iovec *v;
        size_t chunk;
        int rc;

        if (u->idx >= u->iovcnt)
            return -EFAULT;
        v = &u->iov[u->idx];
        if (u->off >= v->len) {
            u->idx++;
            u->off = 0;
            continue;
        }
        chunk = v->len - u->off;
        if (chunk > n)
            chunk = n;
        rc = out ? copy_to_user(v->base + u->off, k, chunk)
                 : copy_from_user(k, v->base + u->off, chunk);
        if (rc)
            return -EFAULT;
        u->off += (uint32_t)chunk;
        u->resid -= chunk;
        k += chunk;
        n -= chunk;
    }
    return 0;
}

int uio_copy_out(struct uio *u, const void *src, size_t n)
{
    return uio_step(u, (void *)(uintptr_t)src, n, 1);
}

int uio_copy_in(void *dst, struct uio *u, size_t n)
{
    return uio_step(u, dst, n, 0);
}

/* ---- file operations ---- */

static long sock_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    struct sock *s = f->priv;
    struct linux_iovec v = {b->uaddr, (uint32_t)n};
    struct uio u = {&v, 1, 0, 0, n};

    (void)pos;
    if (b->kaddr)
        return -EINVAL;
    if (s->type == LINUX_SOCK_STREAM)
        return tcp_sock_recv(s, &u, 0, sock_nonblock(f, 0));
    return udp_sock_recv(s, &u, 0, sock_nonblock(f, 0), NULL, NULL, NULL);
}

static long sock_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    struct sock *s = f->priv;
    struct linux_iovec v = {b->uaddr, (uint32_t)n};
    struct uio u = {&v, 1, 0, 0, n};

    (void)pos;
    if (b->kaddr)
        return -EINVAL;
    if (s->type == LINUX_SOCK_STREAM)
        return tcp_sock_send(s, &u, 0, sock_nonblock(f, 0));
    return udp_sock_send(s, &u, NULL, 0);
}

static unsigned sock_poll(struct file *f)
{
    struct sock *s = f->priv;

    return s->type == LINUX_SOCK_STREAM ? tcp_sock_poll(s) : udp_sock_poll(s);
}

/* sock_wake's object: a poller of sockets alone sleeps through other sockets' traffic. */
static const void *sock_poll_obj(struct file *f)
{
    return f->priv;
}

static long sock_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    struct sock *s = f->priv;
    int32_t n;

    if (cmd == FIONREAD) {
        n = s->type != LINUX_SOCK_STREAM ? (int32_t)udp_sock_next_len(s) : (int32_t)s->rx_len;
        return copy_to_user(arg, &n, sizeof(n));
    }
    if (cmd == TIOCOUTQ) {
        long q = s->type == LINUX_SOCK_STREAM ? tcp_sock_outq(s) : 0;

        if (q < 0)
            return q;
        n = (int32_t)q;
        return copy_to_user(arg, &n, sizeof(n));
    }
    return sock_ifioctl(cmd, arg);
}

static void sock_release(struct file *f)
{
    if (f->priv) /* NULL: a file made for accept that got no connection */
        sock_free(f->priv);
}

const struct file_ops sock_fops = {
    .read = sock_read,
    .write = sock_write,
    .poll = sock_poll,
    .poll_obj = sock_poll_obj,
    .ioctl = sock_ioctl,
    .release = sock_release,
};

struct sock *sock_of(uint32_t fd, struct file **fp, long *err)
{
    struct file *f = fd_get(fd);

    if (!f) {
        *err = -EBADF;
        return NULL;
    }
    if (!file_is_socket(f, &sock_fops)) {
        file_put(f);
        *err = -ENOTSOCK;
        return NULL;
    }
    *fp = f;
    return f->priv;
}

struct file *sock_file_new(uint32_t flags, long *err)
{
    return file_open_socket(&sock_fops, flags & O_NONBLOCK, NULL, err);
}

int sock_install(struct sock *s, uint32_t flags)
{
    long err = -ENOMEM;
    struct file *f = sock_file_new(flags, &err);

    if (!f) {
        sock_free(s);
        return (int)err;
    }
    f->priv = s;
    /* On failure (EMFILE, or no memory to grow the table) fd_install has put f, and so freed s:
     * a second put here decremented the freed block's first word, kmalloc's free-list link. */
    return fd_install(f, 0, (flags & O_CLOEXEC) != 0);
}
