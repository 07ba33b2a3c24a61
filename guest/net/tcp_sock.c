/*
 * TCP sockets over lwIP's raw API: connection set-up (bind, listen, accept, connect), the byte
 * stream both ways, shutdown, poll and close, with Linux's errors.
 *
 * Receive: lwIP hands each segment's pbufs to on_recv, which appends them to the socket's rx
 * list (pbufs linked through next; each counted alone, so that read data is freed pbuf by
 * pbuf). The receive window opens with tcp_recved only as ring 3 reads, so a slow reader slows
 * the sender down instead of filling memory. A FIN marks the end of the stream after rx.
 *
 * Send: ring-3 bytes are copied through a kernel bounce buffer into tcp_write (which copies
 * them into pbufs from lwIP's heap) while the send buffer (tcp_sndbuf) and the segment queue
 * have room; then tcp_output. A blocking sender waits for on_sent (the peer's ACKs).
 *
 * Errors: lwIP frees the pcb before it calls on_err; the socket then keeps the error for the
 * next call (ECONNREFUSED while connecting, ECONNRESET or ECONNABORTED after) and its names.
 * Accept: on_accept makes a socket for each new connection and queues it on the listener;
 * lwIP's own backlog (tcp_backlog_delayed/accepted) refuses SYNs while the queue is full.
 */
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <lib/string.h>
#include <lwip/tcp.h>
#include <pv/time.h>
#include <net/net.h>
#include "lwip_hooks.h"
#include "sock_impl.h"
#include "tcp_retry.h"

#define BOUNCE_SIZE 16384u

static void cache_names(struct sock *s)
{
    struct tcp_pcb *p = s->pcb.tcp;

    if (!p)
        return;
    ip_addr_copy(s->lip, p->local_ip);
    s->lport = p->local_port;
    if (s->state != SS_LISTENING) {
        ip_addr_copy(s->rip, p->remote_ip);
        s->rport = p->remote_port;
    }
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct sock *s = arg;

    (void)err;
    if (!s) {
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (!p) {
        s->peer_fin = 1;
    } else {
        struct pbuf *last = p;
        uint32_t had = s->rx_len;

        s->rx_len += p->tot_len;
        while (last->next)
            last = last->next;
        if (s->rx_tail)
            s->rx_tail->next = p;
        else
            s->rx = p;
        s->rx_tail = last;
        /* Nobody sleeps on unread data (a reader or a POLLIN poller returns at once), and more
         * of it changes no other poll condition: only the first segment has anyone to wake. */
        if (had)
            return ERR_OK;
    }
    sock_wake(s);
    if (s->listener)
        sock_wake(s->listener);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    if (arg)
        sock_wake(arg);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct sock *s = arg;

    if (!s)
        return;
    s->pcb.tcp = NULL;
    if (s->state == SS_CONNECTING && err == ERR_RST)
        s->err = ECONNREFUSED;
    else if (err == ERR_RST)
        s->err = ECONNRESET;
    else if (err == ERR_TIMEOUT)
        s->err = ETIMEDOUT;
    else
        s->err = ECONNABORTED;
    s->reset = 1;
    s->state = SS_CLOSED;
    sock_wake(s);
    if (s->listener)
        sock_wake(s->listener);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *s = arg;

    (void)pcb;
    (void)err;
    if (s && s->state == SS_CONNECTING) {
        s->state = SS_CONNECTED;
        cache_names(s);
        sock_wake(s);
    }
    return ERR_OK;
}

static void hook(struct sock *s, struct tcp_pcb *pcb)
{
    tcp_arg(pcb, s);
    tcp_err(pcb, on_err);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
}

static void unhook(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
}

void tcp_sock_apply_opts(struct sock *s)
{
    struct tcp_pcb *p = s->pcb.tcp;

    if (!p)
        return;
    if (s->reuseaddr)
        ip_set_option(p, SOF_REUSEADDR);
    else
        ip_reset_option(p, SOF_REUSEADDR);
    if (s->state == SS_LISTENING)
        return; /* a listening pcb has only the common fields */
    if (s->keepalive)
        ip_set_option(p, SOF_KEEPALIVE);
    else
        ip_reset_option(p, SOF_KEEPALIVE);
    if (s->nodelay)
        tcp_nagle_disable(p);
    else
        tcp_nagle_enable(p);
}

int tcp_sock_open(struct sock *s)
{
    struct tcp_pcb *p;

    tcp_tw_make_room();    /* the pool's bound, as for a connection accepted (tcp_timewait.c) */
    if (tcp_pcb_reserve()) /* so lwIP's tcp_alloc never ends a connection for room */
        return -ENOBUFS;
    p = tcp_new_ip_type(s->family == LINUX_AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
    tcp_pcb_unreserve();
    if (!p)
        return -ENOBUFS;
    s->pcb.tcp = p;
    hook(s, p);
    tcp_sock_apply_opts(s);
    return 0;
}

static void rx_drop(struct sock *s)
{
    while (s->rx) {
        struct pbuf *next = s->rx->next;

        s->rx->next = NULL;
        pbuf_free(s->rx);
        s->rx = next;
    }
    s->rx_tail = NULL;
    s->rx_len = s->rx_off = 0;
}

/* A queued, never-accepted connection goes away with its listener. */
static void drop_queued(struct sock *q)
{
    if (q->pcb.tcp) {
        unhook(q->pcb.tcp);
        tcp_abort(q->pcb.tcp);
    }
    rx_drop(q);
    kfree(q);
}

/* tcp_close had no memory for the FIN (lwIP's heap full, or gfaults=lwip): as lwIP asks, try
 * again later, from its slow timer (every second), instead of a reset that would throw away what
 * the peer has not acknowledged yet. Should the close free the pcb, lwIP sees its list change. */
static err_t close_retry(void *arg, struct tcp_pcb *p)
{
    (void)arg;
    tcp_poll(p, NULL, 0);
    if (tcp_close(p) != ERR_OK)
        tcp_poll(p, close_retry, 2);
    return ERR_OK;
}

/* The same for shutdown(SHUT_WR)'s FIN: a peer waiting for the end of the data must get it. */
static err_t shutdown_retry(void *arg, struct tcp_pcb *p)
{
    (void)arg;
    tcp_poll(p, NULL, 0);
    if (tcp_shutdown(p, 0, 1) != ERR_OK)
        tcp_poll(p, shutdown_retry, 2);
    return ERR_OK;
}

void tcp_sock_release(struct sock *s)
{
    struct tcp_pcb *p = s->pcb.tcp;

    if (s->state == SS_LISTENING) {
        while (s->aq_head) {
            struct sock *q = s->aq_head;

            s->aq_head = q->aq_next;
            drop_queued(q);
        }
        if (p) {
            tcp_arg(p, NULL);
            tcp_accept(p, NULL);
            tcp_close(p);
        }
    } else if (p) {
        unhook(p);
        if (s->rx_len || (s->linger_on && s->linger_sec == 0))
            tcp_abort(p); /* unread data or a zero linger: a reset, as Linux */
        else if (tcp_close(p) != ERR_OK)
            tcp_poll(p, close_retry, 2);
    }
    s->pcb.tcp = NULL;
    rx_drop(s);
}

int tcp_sock_bind(struct sock *s, const ip_addr_t *ip, uint16_t port)
{
    ip_addr_t any = *IP_ANY_TYPE;
    err_t e;

    if (!s->pcb.tcp || s->state != SS_FRESH || s->bound)
        return -EINVAL;
    if (s->family == LINUX_AF_INET6 && IP_IS_V6(ip) && ip_addr_isany(ip) && !s->v6only)
        ip = &any;
    tcp_sock_apply_opts(s);
    e = tcp_bind(s->pcb.tcp, ip, port);
    if (e != ERR_OK)
        return e == ERR_USE ? -EADDRINUSE : err_from_lwip(e);
    s->bound = 1;
    cache_names(s);
    return 0;
}

static err_t on_accept(void *arg, struct tcp_pcb *np, err_t err)
{
    struct sock *l = arg, *s;

    if (!l || err != ERR_OK || !np)
        return ERR_VAL;
    s = sock_alloc(l->family, LINUX_SOCK_STREAM);
    if (!s)
        return ERR_MEM; /* lwIP aborts the new connection */
    s->state = SS_CONNECTED;
    s->bound = 1;
    s->pcb.tcp = np;
    s->nodelay = l->nodelay;
    s->keepalive = l->keepalive;
    s->listener = l;
    hook(s, np);
    tcp_sock_apply_opts(s);
    cache_names(s);
    tcp_backlog_delayed(np);
    if (l->aq_tail)
        l->aq_tail->aq_next = s;
    else
        l->aq_head = s;
    l->aq_tail = s;
    l->aq_len++;
    sock_wake(l);
    return ERR_OK;
}

int tcp_sock_listen(struct sock *s, int backlog)
{
    struct tcp_pcb *lp;
    err_t e = ERR_OK;
    uint8_t bl;

    if (backlog < 0)
        backlog = 0;
    bl = (uint8_t)(backlog >= 254 ? 255 : backlog + 1); /* Linux queues backlog + 1 */
    if (s->state == SS_LISTENING) {
        s->backlog = bl;
        if (s->pcb.tcp)
            tcp_backlog_set(s->pcb.tcp, bl);
        return 0;
    }
    if (s->state != SS_FRESH || !s->pcb.tcp)
        return -EINVAL;
    if (!s->bound) {
        int rc = tcp_sock_bind(s, s->family == LINUX_AF_INET ? IP4_ADDR_ANY : IP6_ADDR_ANY, 0);

        if (rc)
            return rc;
    }
    lp = tcp_listen_with_backlog_and_err(s->pcb.tcp, bl, &e);
    if (!lp)
        return e == ERR_USE ? -EADDRINUSE : err_from_lwip(e);
    s->pcb.tcp = lp;
    s->state = SS_LISTENING;
    s->backlog = bl;
    tcp_arg(lp, s);
    tcp_accept(lp, on_accept);
    cache_names(s);
    return 0;
}

long tcp_sock_accept(struct sock *s, int nonblock, struct sock **out)
{
    uint64_t deadline = sock_deadline(s->rcvtimeo_ns);

    if (s->state != SS_LISTENING)
        return -EINVAL;
    while (!s->aq_head) {
        long rc;

        if (nonblock)
            return -EAGAIN;
        rc = sock_wait(s, deadline);
        if (rc)
            return rc;
        if (s->state != SS_LISTENING)
            return -EINVAL;
    }
    struct sock *n = s->aq_head;

    s->aq_head = n->aq_next;
    if (!s->aq_head)
        s->aq_tail = NULL;
    s->aq_len--;
    n->aq_next = NULL;
    n->listener = NULL;
    if (n->pcb.tcp)
        tcp_backlog_accepted(n->pcb.tcp);
    *out = n;
    return 0;
}

long tcp_sock_connect(struct sock *s, const ip_addr_t *ip, uint16_t port, int nonblock)
{
    uint64_t deadline = sock_deadline(s->sndtimeo_ns);
    err_t e;

    switch (s->state) {
    case SS_LISTENING:
    case SS_CONNECTED:
        return -EISCONN;
    case SS_CONNECTING:
        if (nonblock)
            return -EALREADY;
        break;
    case SS_CLOSED: /* a failed attempt: start again on a new pcb */
        if (s->pcb.tcp)
            return -EISCONN;
        s->state = SS_FRESH;
        s->err = s->reset = s->peer_fin = s->wr_shut = s->rd_shut = 0;
        s->bound = 0;
        rx_drop(s);
        if (tcp_sock_open(s))
            return -ENOBUFS;
        /* fall through */
    case SS_FRESH:
        if (!s->pcb.tcp)
            return -EINVAL;
        tcp_sock_apply_opts(s);
        e = tcp_connect(s->pcb.tcp, ip, port, on_connected);
        if (e != ERR_OK)
            return err_from_lwip(e);
        s->state = SS_CONNECTING;
        s->bound = 1;
        cache_names(s);
        net_pump();
        if (nonblock)
            return -EINPROGRESS;
        break;
    }
    while (s->state == SS_CONNECTING) {
        long rc = sock_wait(s, deadline);

        if (rc == -EAGAIN)
            return -EINPROGRESS;
        if (rc)
            return rc;
    }
    if (s->state == SS_CONNECTED)
        return 0;
    int err = s->err ? s->err : ECONNREFUSED;

    s->err = 0;
    return -err;
}

static long epipe(uint32_t flags)
{
    if (!(flags & LINUX_MSG_NOSIGNAL) && current_proc())
        signal_send(current_proc(), SIGPIPE);
    return -EPIPE;
}

/* lwIP's heap had no room for a segment (a full heap, or gfaults=lwip): as Linux's
 * sk_stream_wait_memory, a blocking send waits for memory (ACKs free it) and tries again, up to
 * its send timeout; never -ENOMEM, which servers take for fatal. 0 to try again, or -errno. */
#define MEM_WAIT_NS (10 * NSEC_PER_MSEC)
static long wait_for_memory(struct sock *s, uint64_t deadline, int nonblock)
{
    uint64_t until = clock_now() + MEM_WAIT_NS;

    if (nonblock)
        return -EAGAIN;
    if (deadline && deadline < until)
        until = deadline;
    long rc = sock_wait(s, until);
    return rc == -EAGAIN && (!deadline || clock_now() < deadline) ? 0 : rc;
}

long tcp_sock_send(struct sock *s, struct uio *u, uint32_t flags, int nonblock)
{
    uint64_t deadline = sock_deadline(s->sndtimeo_ns);
    size_t done = 0, held = 0, cap = u->resid < BOUNCE_SIZE ? u->resid : BOUNCE_SIZE;
    char *bounce, small[256];
    long rc = 0;

    if (flags & LINUX_MSG_OOB)
        return -EOPNOTSUPP;
    if (u->resid == 0 && s->state == SS_CONNECTED)
        return 0;
    bounce = kmalloc(cap ? cap : 1);
    if (!bounce) { /* no memory for the bounce buffer: smaller pieces, not an error */
        bounce = small;
        cap = sizeof(small);
    }
    while (u->resid || held) {
        struct tcp_pcb *p = s->pcb.tcp;
        size_t room, chunk;

        net_tx_hold(); /* released by the net_pump below, before any wait or return */
        if (s->err) {
            rc = -s->err;
            s->err = 0;
            break;
        }
        if (s->wr_shut || s->reset || !p || s->state == SS_FRESH || s->state == SS_LISTENING ||
            s->state == SS_CLOSED) {
            rc = epipe(flags);
            break;
        }
        room = s->state == SS_CONNECTED ? tcp_sndbuf(p) : 0;
        if (tcp_sndqueuelen(p) >= TCP_SND_QUEUELEN - 4)
            room = 0;
        if (room == 0) {
            tcp_output(p);
            net_pump();
            if (s->pcb.tcp && s->state == SS_CONNECTED && tcp_sndbuf(s->pcb.tcp) &&
                tcp_sndqueuelen(s->pcb.tcp) < TCP_SND_QUEUELEN - 4)
                continue;
            if (nonblock) {
                rc = -EAGAIN;
                break;
            }
            rc = sock_wait(s, deadline);
            if (rc)
                break;
            continue;
        }
        if (!held) { /* the next piece into the bounce buffer; held there until lwIP takes it */
            held = u->resid < cap ? u->resid : cap;
            if (uio_copy_in(bounce, u, held)) {
                rc = -EFAULT;
                break;
            }
        }
        chunk = held < room ? held : room;
        err_t e =
            tcp_write(p, bounce, (u16_t)chunk,
                      TCP_WRITE_FLAG_COPY | (u->resid || held > chunk ? TCP_WRITE_FLAG_MORE : 0));
        if (e != ERR_OK) { /* room was checked: only a heap shortage gets here */
            tcp_output(p);
            net_pump();
            if (done)
                break; /* what was sent; the held bytes were not */
            rc = wait_for_memory(s, deadline, nonblock);
            if (rc)
                break;
            continue;
        }
        done += chunk;
        held -= chunk;
        memmove(bounce, bounce + chunk, held);
    }
    if (bounce != small)
        kfree(bounce);
    if (s->pcb.tcp && s->state == SS_CONNECTED)
        tcp_output(s->pcb.tcp);
    net_pump();
    return done ? (long)done : rc;
}

/* Give n bytes read from the head of rx back to lwIP: free whole pbufs, open the window. */
static void consume(struct sock *s, size_t n)
{
    size_t left = n;

    s->rx_len -= (uint32_t)n;
    while (left) {
        struct pbuf *h = s->rx;
        size_t in_head = h->len - s->rx_off;

        if (left < in_head) {
            s->rx_off += (uint32_t)left;
            break;
        }
        left -= in_head;
        s->rx = h->next;
        h->next = NULL;
        pbuf_free(h);
        s->rx_off = 0;
    }
    if (!s->rx)
        s->rx_tail = NULL;
    while (n && s->pcb.tcp) {
        u16_t k = (u16_t)(n > 0xffff ? 0xffff : n);

        tcp_recved(s->pcb.tcp, k);
        n -= k;
    }
}

/* Copy up to n bytes from rx (without consuming) to u: 0 or -EFAULT. */
static int copy_rx(struct sock *s, struct uio *u, size_t n)
{
    struct pbuf *h = s->rx;
    uint32_t off = s->rx_off;

    while (n) {
        size_t k;

        while (h && off >= h->len) {
            off -= h->len;
            h = h->next;
        }
        if (!h)
            break;
        k = h->len - off;
        if (k > n)
            k = n;
        if (uio_copy_out(u, (const char *)h->payload + off, k))
            return -EFAULT;
        off += (uint32_t)k;
        n -= k;
    }
    return 0;
}

long tcp_sock_recv(struct sock *s, struct uio *u, uint32_t flags, int nonblock)
{
    uint64_t deadline = sock_deadline(s->rcvtimeo_ns);
    int peek = (flags & LINUX_MSG_PEEK) != 0, waitall = (flags & LINUX_MSG_WAITALL) && !peek;
    size_t done = 0;

    if (flags & LINUX_MSG_OOB)
        return -EINVAL;
    if (s->state == SS_FRESH || s->state == SS_LISTENING)
        return -ENOTCONN;
    while (u->resid) {
        if (s->rx_len) {
            size_t n = u->resid < s->rx_len ? u->resid : s->rx_len;

            if (copy_rx(s, u, n))
                return done ? (long)done : -EFAULT;
            if (peek)
                return (long)n;
            consume(s, n);
            done += n;
            if (!waitall)
                break;
            continue;
        }
        if (s->err) {
            int e = s->err;

            if (done)
                break;
            s->err = 0;
            return -e;
        }
        if (s->peer_fin || s->rd_shut || s->reset)
            break;
        if (nonblock) {
            if (!done)
                done = (size_t)-EAGAIN;
            break;
        }
        long rc = sock_wait(s, deadline);

        if (rc) {
            if (!done)
                done = (size_t)rc;
            break;
        }
    }
    if (done && (long)done > 0 && s->pcb.tcp) {
        tcp_output(s->pcb.tcp); /* the window update */
        net_pump();
    }
    return (long)done;
}

long tcp_sock_shutdown(struct sock *s, int how)
{
    if (how < LINUX_SHUT_RD || how > LINUX_SHUT_RDWR)
        return -EINVAL;
    if (s->state != SS_CONNECTED && s->state != SS_CONNECTING)
        return -ENOTCONN;
    if (how != LINUX_SHUT_WR)
        s->rd_shut = 1;
    if (how != LINUX_SHUT_RD && !s->wr_shut) {
        s->wr_shut = 1;
        if (s->pcb.tcp && s->state == SS_CONNECTED) {
            if (tcp_shutdown(s->pcb.tcp, 0, 1) != ERR_OK) /* no memory for the FIN: later */
                tcp_poll(s->pcb.tcp, shutdown_retry, 2);
            net_pump();
        }
    }
    sock_wake(s);
    return 0;
}

unsigned tcp_sock_poll(struct sock *s)
{
    unsigned m = 0;

    switch (s->state) {
    case SS_LISTENING:
        return s->aq_head ? POLLIN | POLLRDNORM : 0;
    case SS_FRESH:
        return POLLOUT | POLLWRNORM | POLLHUP;
    case SS_CONNECTING:
        return 0;
    default:
        break;
    }
    if (s->rx_len || s->peer_fin || s->rd_shut || s->reset)
        m |= POLLIN | POLLRDNORM;
    if (s->peer_fin)
        m |= 0x2000; /* POLLRDHUP */
    if (s->reset || (s->peer_fin && s->wr_shut))
        m |= POLLHUP;
    if (s->err)
        m |= POLLERR;
    if (s->reset || s->wr_shut)
        m |= POLLOUT | POLLWRNORM;
    else if (s->pcb.tcp && tcp_sndbuf(s->pcb.tcp) >= TCP_SNDLOWAT &&
             tcp_sndqueuelen(s->pcb.tcp) < TCP_SNDQUEUELOWAT)
        m |= POLLOUT | POLLWRNORM;
    return m;
}

long tcp_sock_outq(struct sock *s)
{
    const struct tcp_pcb *p = s->pcb.tcp;

    if (s->state == SS_LISTENING)
        return -EINVAL;
    if (!p || s->state != SS_CONNECTED)
        return 0;
    return (long)(u32_t)(p->snd_lbb - p->lastack); /* what the peer has not acknowledged */
}

void tcp_sock_names(struct sock *s, ip_addr_t *lip, uint16_t *lport, ip_addr_t *rip,
                    uint16_t *rport)
{
    cache_names(s);
    *lip = s->lip;
    *lport = s->lport;
    *rip = s->rip;
    *rport = s->rport;
}
