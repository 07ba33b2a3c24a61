/*
 * The Linux socket calls: socketcall (102) and the direct i386 numbers (359-373), with Linux's
 * argument checks, struct layouts (msghdr, linger, timeval) and errno values. The work is done
 * by the TCP and datagram halves (tcp_sock.c, udp_sock.c with raw_sock.c); here are the
 * descriptors, addresses, iovecs and options.
 */
#include <kernel/mm/kmem.h>
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include <lwip/tcp.h>
#include <lwip/udp.h>
#include <net/net.h>
#include "sock_impl.h"

#define UIO_MAXIOV 1024

struct linux_msghdr {
    uint32_t name, namelen, iov, iovlen, control, controllen;
    int32_t flags;
};
_Static_assert(sizeof(struct linux_msghdr) == 28, "i386 msghdr layout");

long sys_socket(u32 family, u32 type, u32 protocol)
{
    uint32_t kind = type & LINUX_SOCK_TYPE_MASK, flags = type & ~(u32)LINUX_SOCK_TYPE_MASK;
    struct sock *s;
    int rc;

    if (!net_ready)
        return -EAFNOSUPPORT;
    if (flags & ~(u32)(LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC))
        return -EINVAL;
    if (family != LINUX_AF_INET && family != LINUX_AF_INET6)
        return -EAFNOSUPPORT;
    if (kind == LINUX_SOCK_RAW) {
        /* Raw sockets for IPv4 ICMP only (raw_sock.c); any other is a privilege not granted. */
        if (family != LINUX_AF_INET || protocol != LINUX_IPPROTO_ICMP)
            return -EPERM;
    } else if (kind != LINUX_SOCK_STREAM && kind != LINUX_SOCK_DGRAM) {
        return -EINVAL;
    } else if (protocol != 0 &&
               protocol != (kind == LINUX_SOCK_STREAM ? LINUX_IPPROTO_TCP : LINUX_IPPROTO_UDP)) {
        return -EPROTONOSUPPORT;
    }
    s = sock_alloc((int)family, (int)kind);
    if (!s)
        return -ENOMEM;
    rc = kind == LINUX_SOCK_STREAM ? tcp_sock_open(s) : udp_sock_open(s);
    if (rc) {
        kfree(s);
        return rc;
    }
    return sock_install(s, flags);
}

long sys_socketpair(u32 family, u32 type, u32 protocol, u32 sv)
{
    (void)type;
    (void)protocol;
    (void)sv;
    return family == 1 ? -EOPNOTSUPP : -EAFNOSUPPORT; /* no AF_UNIX sockets yet */
}

long sys_bind(u32 fd, u32 uaddr, u32 len)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);
    ip_addr_t ip;
    uint16_t port;

    if (!s)
        return rc;
    rc = sockaddr_in(s, uaddr, len, &ip, &port);
    if (!rc && !addr_is_local(&ip))
        rc = -EADDRNOTAVAIL;
    if (!rc)
        rc = s->type == LINUX_SOCK_STREAM ? tcp_sock_bind(s, &ip, port)
                                          : udp_sock_bind(s, &ip, port);
    file_put(f);
    return rc;
}

long sys_listen(u32 fd, u32 backlog)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);

    if (!s)
        return rc;
    rc = s->type == LINUX_SOCK_STREAM ? tcp_sock_listen(s, (int)backlog) : -EOPNOTSUPP;
    file_put(f);
    return rc;
}

long sys_accept4(u32 fd, u32 uaddr, u32 ulen, u32 flags)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc), *n = NULL;
    struct file *nf = NULL;

    if (!s)
        return rc;
    if (flags & ~(u32)(LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC))
        rc = -EINVAL;
    else if (s->type != LINUX_SOCK_STREAM)
        rc = -EOPNOTSUPP;
    else if (uaddr && !user_range_ok(ulen, 4))
        rc = -EFAULT;
    else
        rc = fd_check_free(); /* as Linux: with no descriptor free, no connection is taken */
    /* As Linux, the new file before the connection: with no memory for it, ENOMEM leaves the
     * connection queued for the next accept (taken first, it was reset and lost). */
    if (rc == 0)
        nf = sock_file_new(flags, &rc);
    if (rc == 0)
        rc = tcp_sock_accept(s, sock_nonblock(f, 0), &n);
    file_put(f);
    if (rc == 0 && uaddr) {
        ip_addr_t lip, rip;
        uint16_t lport, rport;

        tcp_sock_names(n, &lip, &lport, &rip, &rport);
        rc = sockaddr_out(n, &rip, rport, uaddr, ulen);
        if (rc)
            sock_free(n); /* Linux loses the connection too */
    }
    if (rc) {
        if (nf)
            file_put(nf);
        return rc;
    }
    nf->priv = n;
    /* fd_check_free made room above and nothing ran in between but the wait in accept, which
     * only this process's own threads could use to take it: then, as Linux, EMFILE. */
    return fd_install(nf, 0, (flags & O_CLOEXEC) != 0);
}

long sys_accept(u32 fd, u32 uaddr, u32 ulen)
{
    return sys_accept4(fd, uaddr, ulen, 0);
}

long sys_connect(u32 fd, u32 uaddr, u32 len)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);
    ip_addr_t ip;
    uint16_t port, family = 0xffff;

    if (!s)
        return rc;
    if (s->type != LINUX_SOCK_STREAM && len >= 2 && !copy_from_user(&family, uaddr, 2) &&
        family == LINUX_AF_UNSPEC) {
        rc = udp_sock_connect(s, NULL, 0, 1);
        file_put(f);
        return rc;
    }
    rc = sockaddr_in(s, uaddr, len, &ip, &port);
    if (!rc)
        rc = s->type == LINUX_SOCK_STREAM ? tcp_sock_connect(s, &ip, port, sock_nonblock(f, 0))
                                          : udp_sock_connect(s, &ip, port, 0);
    file_put(f);
    return rc;
}

static long do_names(u32 fd, u32 uaddr, u32 ulen, int peer)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);
    ip_addr_t lip, rip;
    uint16_t lport, rport;

    if (!s)
        return rc;
    if (s->type == LINUX_SOCK_STREAM)
        tcp_sock_names(s, &lip, &lport, &rip, &rport);
    else
        udp_sock_names(s, &lip, &lport, &rip, &rport);
    if (peer &&
        (s->state != SS_CONNECTED && !(s->type == LINUX_SOCK_STREAM && s->state == SS_CLOSED)))
        rc = -ENOTCONN;
    else if (!uaddr || !user_range_ok(ulen, 4))
        rc = -EFAULT;
    else
        rc = peer ? sockaddr_out(s, &rip, rport, uaddr, ulen)
                  : sockaddr_out(s, &lip, lport, uaddr, ulen);
    file_put(f);
    return rc;
}

long sys_getsockname(u32 fd, u32 uaddr, u32 ulen)
{
    return do_names(fd, uaddr, ulen, 0);
}

long sys_getpeername(u32 fd, u32 uaddr, u32 ulen)
{
    return do_names(fd, uaddr, ulen, 1);
}

/* Send or receive through a msghdr-like description: iovecs copied in, the address handled. */
static long do_send(u32 fd, struct uio *u, u32 flags, u32 uaddr, u32 alen)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);
    ip_addr_t ip;
    uint16_t port;

    if (!s)
        return rc;
    if (s->type == LINUX_SOCK_STREAM) {
        /* Linux ignores a stream socket's destination once connected, and refuses it before. */
        rc = tcp_sock_send(s, u, flags, sock_nonblock(f, flags));
    } else if (uaddr) {
        rc = sockaddr_in(s, uaddr, alen, &ip, &port);
        if (!rc)
            rc = udp_sock_send(s, u, &ip, port);
    } else {
        rc = udp_sock_send(s, u, NULL, 0);
    }
    file_put(f);
    return rc;
}

static long do_recv(u32 fd, struct uio *u, u32 flags, u32 uaddr, u32 ulen, uint32_t *mflags)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);
    ip_addr_t from;
    uint16_t port = 0;

    if (!s)
        return rc;
    if (uaddr && !user_range_ok(ulen, 4)) {
        file_put(f);
        return -EFAULT;
    }
    if (s->type == LINUX_SOCK_STREAM) {
        rc = tcp_sock_recv(s, u, flags, sock_nonblock(f, flags));
        if (rc >= 0 && uaddr) { /* Linux leaves a stream's address alone but sets its length 0 */
            uint32_t zero = 0;

            if (copy_to_user(ulen, &zero, 4))
                rc = -EFAULT;
        }
    } else {
        ip_addr_set_zero(&from);
        rc = udp_sock_recv(s, u, flags, sock_nonblock(f, flags), &from, &port, mflags);
        if (rc >= 0 && uaddr) {
            long r2 = sockaddr_out(s, &from, port, uaddr, ulen);

            if (r2)
                rc = r2;
        }
    }
    file_put(f);
    return rc;
}

long sys_sendto(u32 fd, u32 buf, u32 len, u32 flags, u32 uaddr, u32 alen)
{
    struct linux_iovec v = {buf, len};
    struct uio u = {&v, 1, 0, 0, len};

    if ((int32_t)len < 0)
        return -EINVAL;
    if (!user_range_ok(buf, len))
        return -EFAULT;
    return do_send(fd, &u, flags, uaddr, alen);
}

long sys_send(u32 fd, u32 buf, u32 len, u32 flags)
{
    return sys_sendto(fd, buf, len, flags, 0, 0);
}

long sys_recvfrom(u32 fd, u32 buf, u32 len, u32 flags, u32 uaddr, u32 ulen)
{
    struct linux_iovec v = {buf, len};
    struct uio u = {&v, 1, 0, 0, len};

    if ((int32_t)len < 0)
        len = 0x7fffffff;
    v.len = len;
    u.resid = len;
    if (!user_range_ok(buf, len))
        return -EFAULT;
    return do_recv(fd, &u, flags, uaddr, ulen, NULL);
}

long sys_recv(u32 fd, u32 buf, u32 len, u32 flags)
{
    return sys_recvfrom(fd, buf, len, flags, 0, 0);
}

/* The msghdr's iovecs, copied in and checked: 0 or -errno; *iov is kmalloc'd (kfree it). */
static long msg_iov(const struct linux_msghdr *m, struct linux_iovec **iov, struct uio *u)
{
    size_t total = 0;

    if (m->iovlen > UIO_MAXIOV)
        return -EMSGSIZE;
    *iov = kmalloc(m->iovlen ? m->iovlen * sizeof(**iov) : 1);
    if (!*iov)
        return -ENOMEM;
    if (m->iovlen && copy_from_user(*iov, m->iov, m->iovlen * sizeof(**iov))) {
        kfree(*iov);
        return -EFAULT;
    }
    for (uint32_t i = 0; i < m->iovlen; i++) {
        if ((int32_t)(*iov)[i].len < 0 || total + (*iov)[i].len > 0x7fffffff) {
            kfree(*iov);
            return -EINVAL;
        }
        if (!user_range_ok((*iov)[i].base, (*iov)[i].len)) {
            kfree(*iov);
            return -EFAULT;
        }
        total += (*iov)[i].len;
    }
    *u = (struct uio){*iov, m->iovlen, 0, 0, total};
    return 0;
}

long sys_sendmsg(u32 fd, u32 umsg, u32 flags)
{
    struct linux_msghdr m;
    struct linux_iovec *iov;
    struct uio u;
    long rc;

    if (copy_from_user(&m, umsg, sizeof(m)))
        return -EFAULT;
    rc = msg_iov(&m, &iov, &u);
    if (rc)
        return rc;
    rc = do_send(fd, &u, flags, m.name, m.namelen);
    kfree(iov);
    return rc;
}

long sys_recvmsg(u32 fd, u32 umsg, u32 flags)
{
    struct linux_msghdr m;
    struct linux_iovec *iov;
    struct uio u;
    uint32_t mflags = 0, zero = 0;
    long rc;

    if (copy_from_user(&m, umsg, sizeof(m)))
        return -EFAULT;
    rc = msg_iov(&m, &iov, &u);
    if (rc)
        return rc;
    rc = do_recv(fd, &u, flags, m.name, m.name ? umsg + 4 : 0, &mflags);
    kfree(iov);
    if (rc < 0)
        return rc;
    /* No control messages are produced: controllen 0; flags as found. */
    if (copy_to_user(umsg + 20, &zero, 4) || copy_to_user(umsg + 24, &mflags, 4))
        return -EFAULT;
    return rc;
}

long sys_shutdown(u32 fd, u32 how)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);

    if (!s)
        return rc;
    if (s->type == LINUX_SOCK_STREAM) {
        rc = tcp_sock_shutdown(s, (int)how);
    } else if (how > LINUX_SHUT_RDWR) {
        rc = -EINVAL;
    } else if (s->state != SS_CONNECTED) {
        rc = -ENOTCONN;
    } else {
        if (how != LINUX_SHUT_WR)
            s->rd_shut = 1;
        if (how != LINUX_SHUT_RD)
            s->wr_shut = 1;
        sock_wake(s);
    }
    file_put(f);
    return rc;
}

/* The socketcall multiplexer: call number and a pointer to its arguments in ring 3. */
long sys_socketcall(u32 call, u32 uargs)
{
    static const uint8_t nargs[21] = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4,
                                      6, 6, 2, 5, 5, 3, 3, 4, 5, 4};
    u32 a[6] = {0};

    if (call < 1 || call > 20)
        return -EINVAL;
    if (copy_from_user(a, uargs, nargs[call] * 4u))
        return -EFAULT;
    switch (call) {
    case 1:
        return sys_socket(a[0], a[1], a[2]);
    case 2:
        return sys_bind(a[0], a[1], a[2]);
    case 3:
        return sys_connect(a[0], a[1], a[2]);
    case 4:
        return sys_listen(a[0], a[1]);
    case 5:
        return sys_accept(a[0], a[1], a[2]);
    case 6:
        return sys_getsockname(a[0], a[1], a[2]);
    case 7:
        return sys_getpeername(a[0], a[1], a[2]);
    case 8:
        return sys_socketpair(a[0], a[1], a[2], a[3]);
    case 9:
        return sys_send(a[0], a[1], a[2], a[3]);
    case 10:
        return sys_recv(a[0], a[1], a[2], a[3]);
    case 11:
        return sys_sendto(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 12:
        return sys_recvfrom(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 13:
        return sys_shutdown(a[0], a[1]);
    case 14:
        return sys_setsockopt(a[0], a[1], a[2], a[3], a[4]);
    case 15:
        return sys_getsockopt(a[0], a[1], a[2], a[3], a[4]);
    case 16:
        return sys_sendmsg(a[0], a[1], a[2]);
    case 17:
        return sys_recvmsg(a[0], a[1], a[2]);
    case 18:
        return sys_accept4(a[0], a[1], a[2], a[3]);
    default:
        return -ENOSYS; /* recvmmsg, sendmmsg */
    }
}
