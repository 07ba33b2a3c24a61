/*
 * UDP sockets over lwIP's raw API, and the datagram receive side raw ICMP sockets share
 * (raw_sock.c: their pcb calls are dispatched from here). Each datagram lwIP delivers is queued
 * with its sender's address until read (up to the socket's receive buffer size; beyond it datagrams
 * are dropped, as a full Linux socket does). A read takes one datagram whole: what does not fit is
 * discarded (MSG_TRUNC tells). Sending copies the ring-3 bytes into one pbuf and hands it to
 * udp_sendto (or udp_send for a connected socket).
 */
#include <kernel/mm/kmem.h>
#include <lib/string.h>
#include <lwip/ip4.h>
#include <lwip/netif.h>
#include <lwip/udp.h>
#include <net/net.h>
#include "sock_impl.h"

#define UDP_MAX_PAYLOAD 65507u

struct dgram {
    struct dgram *next;
    struct pbuf *p;
    ip_addr_t from;
    uint16_t port;
};

/* Queue one received datagram (p is the queue's then, or freed). */
void dgram_enqueue(struct sock *s, struct pbuf *p, const ip_addr_t *addr, uint16_t port)
{
    struct dgram *d;

    if (!s || s->rd_shut || s->rx_len + p->tot_len > s->rcvbuf || !(d = kzalloc(sizeof(*d)))) {
        pbuf_free(p);
        return;
    }
    d->p = p;
    ip_addr_copy(d->from, *addr);
    d->port = port;
    if (s->dq_tail)
        s->dq_tail->next = d;
    else
        s->dq_head = d;
    s->dq_tail = d;
    s->rx_len += p->tot_len;
    sock_wake(s);
}

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                    u16_t port)
{
    (void)pcb;
    dgram_enqueue(arg, p, addr, port);
}

int udp_sock_open(struct sock *s)
{
    struct udp_pcb *p;

    if (s->type == LINUX_SOCK_RAW)
        return raw_sock_open(s);
    p = udp_new_ip_type(s->family == LINUX_AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
    if (!p)
        return -ENOBUFS;
    s->pcb.udp = p;
    s->rcvbuf = 212992; /* Linux's default rmem */
    udp_recv(p, on_recv, s);
    return 0;
}

static void dgram_pop(struct sock *s)
{
    struct dgram *d = s->dq_head;

    s->dq_head = d->next;
    if (!s->dq_head)
        s->dq_tail = NULL;
    s->rx_len -= d->p->tot_len;
    pbuf_free(d->p);
    kfree(d);
}

void udp_sock_release(struct sock *s)
{
    if (s->type == LINUX_SOCK_RAW)
        raw_sock_release(s);
    else if (s->pcb.udp)
        udp_remove(s->pcb.udp);
    s->pcb.udp = NULL;
    while (s->dq_head)
        dgram_pop(s);
}

int udp_sock_bind(struct sock *s, const ip_addr_t *ip, uint16_t port)
{
    ip_addr_t any = *IP_ANY_TYPE;
    err_t e;

    if (s->bound)
        return -EINVAL;
    if (s->type == LINUX_SOCK_RAW)
        return raw_sock_bind(s, ip);
    if (s->family == LINUX_AF_INET6 && IP_IS_V6(ip) && ip_addr_isany(ip) && !s->v6only)
        ip = &any;
    if (s->reuseaddr)
        ip_set_option(s->pcb.udp, SOF_REUSEADDR);
    e = udp_bind(s->pcb.udp, ip, port);
    if (e != ERR_OK)
        return e == ERR_USE ? -EADDRINUSE : err_from_lwip(e);
    s->bound = 1;
    return 0;
}

long udp_sock_connect(struct sock *s, const ip_addr_t *ip, uint16_t port, int unspec)
{
    err_t e;

    if (s->type == LINUX_SOCK_RAW)
        return raw_sock_connect(s, ip, unspec);
    if (unspec) {
        udp_disconnect(s->pcb.udp);
        s->state = SS_FRESH;
        return 0;
    }
    e = udp_connect(s->pcb.udp, ip, port);
    if (e != ERR_OK)
        return err_from_lwip(e);
    /* As Linux, a connected socket takes the source address its route gives it. */
    if (ip_addr_isany(&s->pcb.udp->local_ip) && IP_IS_V4(ip)) {
        struct netif *n = ip4_route(ip_2_ip4(ip));

        if (n)
            ip_addr_copy_from_ip4(s->pcb.udp->local_ip, *netif_ip4_addr(n));
    }
    s->state = SS_CONNECTED;
    s->bound = 1;
    return 0;
}

long dgram_pbuf(struct sock *s, struct uio *u, const ip_addr_t *ip, size_t max, pbuf_layer layer,
                struct pbuf **out)
{
    size_t n = u->resid;
    struct pbuf *p;

    if (s->wr_shut)
        return -EPIPE;
    if (!ip && s->state != SS_CONNECTED)
        return -EDESTADDRREQ;
    if (n > max)
        return -EMSGSIZE;
    p = pbuf_alloc(layer, (u16_t)n, PBUF_RAM);
    if (!p)
        return -ENOBUFS;
    for (struct pbuf *q = p; q; q = q->next) {
        if (uio_copy_in(q->payload, u, q->len)) {
            pbuf_free(p);
            return -EFAULT;
        }
    }
    *out = p;
    return (long)n;
}

long udp_sock_send(struct sock *s, struct uio *u, const ip_addr_t *ip, uint16_t port)
{
    struct pbuf *p;
    err_t e;

    if (s->type == LINUX_SOCK_RAW)
        return raw_sock_send(s, u, ip);
    long n = dgram_pbuf(s, u, ip, UDP_MAX_PAYLOAD, PBUF_TRANSPORT, &p);
    if (n < 0)
        return n;
    e = ip ? udp_sendto(s->pcb.udp, p, ip, port) : udp_send(s->pcb.udp, p);
    pbuf_free(p);
    s->bound = 1;
    net_pump();
    if (e != ERR_OK)
        return e == ERR_RTE ? -ENETUNREACH : err_from_lwip(e);
    return n;
}

long udp_sock_recv(struct sock *s, struct uio *u, uint32_t flags, int nonblock, ip_addr_t *from,
                   uint16_t *from_port, uint32_t *msg_flags)
{
    uint64_t deadline = sock_deadline(s->rcvtimeo_ns);
    struct dgram *d;
    size_t len, n, done = 0;

    if (flags & LINUX_MSG_OOB)
        return -EOPNOTSUPP;
    while (!s->dq_head) {
        long rc;

        if (s->rd_shut)
            return 0;
        if (nonblock)
            return -EAGAIN;
        rc = sock_wait(s, deadline);
        if (rc)
            return rc;
    }
    d = s->dq_head;
    len = d->p->tot_len;
    n = u->resid < len ? u->resid : len;
    for (struct pbuf *q = d->p; q && done < n; q = q->next) {
        size_t k = q->len < n - done ? q->len : n - done;

        if (uio_copy_out(u, q->payload, k))
            return -EFAULT;
        done += k;
    }
    if (from)
        ip_addr_copy(*from, d->from);
    if (from_port)
        *from_port = d->port;
    if (msg_flags && n < len)
        *msg_flags |= LINUX_MSG_TRUNC;
    if (!(flags & LINUX_MSG_PEEK))
        dgram_pop(s);
    return (long)(flags & LINUX_MSG_TRUNC ? len : n);
}

uint32_t udp_sock_next_len(const struct sock *s)
{
    return s->dq_head ? s->dq_head->p->tot_len : 0;
}

unsigned udp_sock_poll(struct sock *s)
{
    unsigned m = POLLOUT | POLLWRNORM;

    if (s->dq_head || s->rd_shut)
        m |= POLLIN | POLLRDNORM;
    return m;
}

void udp_sock_names(struct sock *s, ip_addr_t *lip, uint16_t *lport, ip_addr_t *rip,
                    uint16_t *rport)
{
    struct udp_pcb *p = s->pcb.udp;

    if (s->type == LINUX_SOCK_RAW) {
        raw_sock_names(s, lip, rip);
        *lport = *rport = 0;
        return;
    }
    ip_addr_copy(*lip, p->local_ip);
    *lport = p->local_port;
    ip_addr_copy(*rip, p->remote_ip);
    *rport = s->state == SS_CONNECTED ? p->remote_port : 0;
}
