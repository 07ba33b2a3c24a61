/*
 * setsockopt and getsockopt: the options ring-3 servers and clients set (SOL_SOCKET,
 * IPPROTO_TCP, IPPROTO_IPV6), Linux's numbers and value layouts. Integer options take an int
 * (Linux accepts a shorter value only for a few; here optlen must be at least 4). The receive
 * and send timeouts come as the old 32-bit timeval (SO_RCVTIMEO_OLD 20/21) or the 64-bit one
 * (SO_*TIMEO_NEW 66/67, what a time64 libc sends). Buffer sizes are recorded and reported
 * doubled, as Linux does; lwIP's own window and send buffer are fixed at build time.
 */
#include <kernel/syscalls.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include <lwip/tcp.h>
#include "sock_impl.h"

#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVTIMEO_OLD 20
#define SO_SNDTIMEO_OLD 21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define IPV6_V6ONLY 26
#define BUF_MIN 2304u
#define BUF_MAX (4u << 20)

static long set_timeo(uint64_t *t, u32 uval, u32 len, int new64)
{
    int64_t sec, usec;

    if (new64) {
        int64_t v[2];

        if (len < sizeof(v))
            return -EINVAL;
        if (copy_from_user(v, uval, sizeof(v)))
            return -EFAULT;
        sec = v[0];
        usec = v[1];
    } else {
        int32_t v[2];

        if (len < sizeof(v))
            return -EINVAL;
        if (copy_from_user(v, uval, sizeof(v)))
            return -EFAULT;
        sec = v[0];
        usec = v[1];
    }
    if (usec < 0 || usec >= 1000000)
        return -EDOM;
    if (sec < 0) {
        *t = 0; /* Linux: a negative timeout is none... of a tiny wait; treat as none */
        return 0;
    }
    if (sec > 0x7fffffff)
        sec = 0x7fffffff;
    *t = (uint64_t)sec * NSEC_PER_SEC + (uint64_t)usec * NSEC_PER_USEC;
    return 0;
}

static long get_timeo(uint64_t t, u32 uval, u32 ulen, uint32_t len, int new64)
{
    uint32_t rem;
    uint64_t sec = ns_div(t, (uint32_t)NSEC_PER_SEC);
    uint32_t usec;

    rem = (uint32_t)(t - sec * NSEC_PER_SEC);
    usec = rem / 1000u;
    if (new64) {
        int64_t v[2] = {(int64_t)sec, usec};
        uint32_t n = len < sizeof(v) ? len : sizeof(v);

        return copy_to_user(uval, v, n) || copy_to_user(ulen, &n, 4) ? -EFAULT : 0;
    }
    int32_t v[2] = {(int32_t)sec, (int32_t)usec};
    uint32_t n = len < sizeof(v) ? len : sizeof(v);

    return copy_to_user(uval, v, n) || copy_to_user(ulen, &n, 4) ? -EFAULT : 0;
}

static long set_socket_opt(struct sock *s, u32 name, u32 uval, u32 len)
{
    int32_t v = 0;

    if (name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW)
        return set_timeo(&s->rcvtimeo_ns, uval, len, name == SO_RCVTIMEO_NEW);
    if (name == SO_SNDTIMEO_OLD || name == SO_SNDTIMEO_NEW)
        return set_timeo(&s->sndtimeo_ns, uval, len, name == SO_SNDTIMEO_NEW);
    if (name == SO_LINGER) {
        int32_t l[2];

        if (len < sizeof(l))
            return -EINVAL;
        if (copy_from_user(l, uval, sizeof(l)))
            return -EFAULT;
        s->linger_on = l[0] != 0;
        s->linger_sec = l[1] < 0 ? 0 : l[1];
        return 0;
    }
    if (len < sizeof(v))
        return -EINVAL;
    if (copy_from_user(&v, uval, sizeof(v)))
        return -EFAULT;
    switch (name) {
    case SO_REUSEADDR:
    case SO_REUSEPORT:
        s->reuseaddr = v != 0;
        break;
    case SO_KEEPALIVE:
        s->keepalive = v != 0;
        break;
    case SO_BROADCAST:
        break;
    case SO_SNDBUF:
    case SO_RCVBUF: {
        uint32_t b = v < 0 ? BUF_MIN : (uint32_t)v * 2u;

        b = b < BUF_MIN ? BUF_MIN : b > BUF_MAX ? BUF_MAX : b;
        *(name == SO_SNDBUF ? &s->sndbuf : &s->rcvbuf) = b;
        break;
    }
    default:
        return -ENOPROTOOPT;
    }
    if (s->type == LINUX_SOCK_STREAM)
        tcp_sock_apply_opts(s);
    return 0;
}

long sys_setsockopt(u32 fd, u32 level, u32 name, u32 uval, u32 len)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);
    int32_t v = 0;

    if (!s)
        return rc;
    if ((int32_t)len < 0) {
        rc = -EINVAL;
    } else if (level == SOL_SOCKET) {
        rc = set_socket_opt(s, name, uval, len);
    } else if (level == LINUX_IPPROTO_TCP && s->type == LINUX_SOCK_STREAM) {
        rc = len < sizeof(v) ? -EINVAL : copy_from_user(&v, uval, sizeof(v)) ? -EFAULT : 0;
        if (!rc && name == TCP_NODELAY) {
            s->nodelay = v != 0;
            tcp_sock_apply_opts(s);
        } else if (!rc && (name == TCP_KEEPIDLE || name == TCP_KEEPINTVL || name == TCP_KEEPCNT)) {
            if (v < 1)
                rc = -EINVAL;
            else if (s->pcb.tcp && s->state != SS_LISTENING && name == TCP_KEEPIDLE)
                s->pcb.tcp->keep_idle = (u32_t)v * 1000u;
            else if (s->pcb.tcp && s->state != SS_LISTENING && name == TCP_KEEPINTVL)
                s->pcb.tcp->keep_intvl = (u32_t)v * 1000u;
            else if (s->pcb.tcp && s->state != SS_LISTENING)
                s->pcb.tcp->keep_cnt = (u32_t)v;
        } else if (!rc && name != TCP_MAXSEG) {
            rc = -ENOPROTOOPT;
        }
    } else if (level == LINUX_IPPROTO_IPV6 && s->family == LINUX_AF_INET6 && name == IPV6_V6ONLY) {
        rc = len < sizeof(v) ? -EINVAL : copy_from_user(&v, uval, sizeof(v)) ? -EFAULT : 0;
        if (!rc && s->bound)
            rc = -EINVAL;
        else if (!rc)
            s->v6only = v != 0;
    } else if (level == LINUX_IPPROTO_IP || level == LINUX_IPPROTO_IPV6) {
        rc = -ENOPROTOOPT;
    } else {
        rc = -ENOPROTOOPT;
    }
    file_put(f);
    return rc;
}

static long get_int(int32_t v, u32 uval, u32 ulen, uint32_t len)
{
    uint32_t n = len < 4 ? len : 4;

    return copy_to_user(uval, &v, n) || copy_to_user(ulen, &n, 4) ? -EFAULT : 0;
}

long sys_getsockopt(u32 fd, u32 level, u32 name, u32 uval, u32 ulen)
{
    struct file *f;
    long rc;
    struct sock *s = sock_of(fd, &f, &rc);
    uint32_t len;

    if (!s)
        return rc;
    if (copy_from_user(&len, ulen, 4)) {
        file_put(f);
        return -EFAULT;
    }
    if ((int32_t)len < 0) {
        file_put(f);
        return -EINVAL;
    }
    rc = -ENOPROTOOPT;
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_REUSEADDR:
            rc = get_int(s->reuseaddr, uval, ulen, len);
            break;
        case SO_TYPE:
            rc = get_int(s->type, uval, ulen, len);
            break;
        case SO_PROTOCOL:
            rc = get_int(s->type == LINUX_SOCK_STREAM ? LINUX_IPPROTO_TCP
                         : s->type == LINUX_SOCK_RAW  ? LINUX_IPPROTO_ICMP
                                                      : LINUX_IPPROTO_UDP,
                         uval, ulen, len);
            break;
        case SO_DOMAIN:
            rc = get_int(s->family, uval, ulen, len);
            break;
        case SO_ERROR:
            rc = get_int(s->err, uval, ulen, len);
            if (!rc)
                s->err = 0;
            break;
        case SO_KEEPALIVE:
            rc = get_int(s->keepalive, uval, ulen, len);
            break;
        case SO_SNDBUF:
            rc = get_int((int32_t)s->sndbuf, uval, ulen, len);
            break;
        case SO_RCVBUF:
            rc = get_int((int32_t)s->rcvbuf, uval, ulen, len);
            break;
        case SO_ACCEPTCONN:
            rc = get_int(s->state == SS_LISTENING, uval, ulen, len);
            break;
        case SO_LINGER: {
            int32_t l[2] = {s->linger_on, s->linger_sec};
            uint32_t n = len < sizeof(l) ? len : sizeof(l);

            rc = copy_to_user(uval, l, n) || copy_to_user(ulen, &n, 4) ? -EFAULT : 0;
            break;
        }
        case SO_RCVTIMEO_OLD:
        case SO_RCVTIMEO_NEW:
            rc = get_timeo(s->rcvtimeo_ns, uval, ulen, len, name == SO_RCVTIMEO_NEW);
            break;
        case SO_SNDTIMEO_OLD:
        case SO_SNDTIMEO_NEW:
            rc = get_timeo(s->sndtimeo_ns, uval, ulen, len, name == SO_SNDTIMEO_NEW);
            break;
        }
    } else if (level == LINUX_IPPROTO_TCP && s->type == LINUX_SOCK_STREAM) {
        if (name == TCP_NODELAY)
            rc = get_int(s->nodelay, uval, ulen, len);
        else if (name == TCP_MAXSEG)
            rc = get_int(TCP_MSS, uval, ulen, len);
    } else if (level == LINUX_IPPROTO_IPV6 && s->family == LINUX_AF_INET6 && name == IPV6_V6ONLY) {
        rc = get_int(s->v6only, uval, ulen, len);
    }
    file_put(f);
    return rc;
}
