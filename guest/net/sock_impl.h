/*
 * Inside the socket layer (guest/net/): the kernel's socket object over lwIP's raw API.
 *
 * A struct sock belongs to its file (released with the file's last reference) or, for a
 * connection not yet accepted, to its listener's queue. lwIP calls back (recv, sent, err,
 * accept, connected) only from task context, inside some lwIP call or net_pump; callbacks queue
 * and wake, never copy to ring 3. Received TCP data stays in lwIP's pbufs on rx until read;
 * the window opens (tcp_recved) only as ring 3 consumes, which is the flow control.
 */
#ifndef NET_SOCK_IMPL_H
#define NET_SOCK_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/fs/vfs.h>
#include <kernel/wait.h>
#include <linux/abi.h>
#include <linux/errno.h>
#include <lwip/ip_addr.h>
#include <lwip/pbuf.h>

#define LINUX_AF_UNSPEC 0
#define LINUX_AF_INET 2
#define LINUX_AF_INET6 10
#define LINUX_SOCK_STREAM 1
#define LINUX_SOCK_DGRAM 2
#define LINUX_SOCK_RAW 3
#define LINUX_SOCK_TYPE_MASK 0xf
#define LINUX_SOCK_NONBLOCK O_NONBLOCK
#define LINUX_SOCK_CLOEXEC O_CLOEXEC
#define LINUX_IPPROTO_IP 0
#define LINUX_IPPROTO_ICMP 1
#define LINUX_IPPROTO_TCP 6
#define LINUX_IPPROTO_UDP 17
#define LINUX_IPPROTO_IPV6 41
#define LINUX_MSG_OOB 0x1
#define LINUX_MSG_PEEK 0x2
#define LINUX_MSG_TRUNC 0x20
#define LINUX_MSG_DONTWAIT 0x40
#define LINUX_MSG_WAITALL 0x100
#define LINUX_MSG_NOSIGNAL 0x4000
#define LINUX_MSG_MORE 0x8000
#define LINUX_SHUT_RD 0
#define LINUX_SHUT_WR 1
#define LINUX_SHUT_RDWR 2

enum sock_state {
    SS_FRESH,      /* neither connecting nor listening (maybe bound) */
    SS_LISTENING,  /* TCP */
    SS_CONNECTING, /* TCP: SYN sent */
    SS_CONNECTED,  /* TCP established (or closing); UDP with a default peer */
    SS_CLOSED,     /* TCP: the connection is gone (reset, error or both sides closed) */
};

struct dgram; /* a queued UDP datagram (udp_sock.c) */

struct sock {
    int family, type;
    enum sock_state state;
    int bound;
    union {
        struct tcp_pcb *tcp;
        struct udp_pcb *udp;
        struct raw_pcb *raw; /* SOCK_RAW (IPPROTO_ICMP) */
        void *any;
    } pcb;        /* NULL once lwIP has freed it (TCP error) or we let go */
    int err;      /* pending error for SO_ERROR and the next call (positive errno), 0 none */
    int rd_shut;  /* shutdown(SHUT_RD) by us */
    int wr_shut;  /* shutdown(SHUT_WR) by us: FIN queued */
    int peer_fin; /* TCP: the peer's FIN arrived (end of stream after rx) */
    int reset;    /* TCP: the connection was reset or aborted */
    struct pbuf *rx, *rx_tail;       /* TCP: received, unread, a list of pbufs linked by next */
    uint32_t rx_off;                 /* TCP: bytes of rx already read */
    uint32_t rx_len;                 /* TCP: unread bytes in rx; UDP: bytes queued */
    struct dgram *dq_head, *dq_tail; /* UDP receive queue */
    struct sock *aq_head, *aq_tail;  /* listener: connections ready to accept */
    struct sock *aq_next;
    struct sock *listener; /* a queued connection: its listener (NULL once accepted) */
    uint32_t aq_len, backlog;
    ip_addr_t lip, rip; /* TCP: the names, kept for after lwIP frees the pcb */
    uint16_t lport, rport;
    struct waitq wq; /* readers, writers, acceptors, connectors of this socket */
    /* options */
    int reuseaddr, keepalive, nodelay, v6only;
    int linger_on, linger_sec;
    uint32_t sndbuf, rcvbuf;
    uint64_t rcvtimeo_ns, sndtimeo_ns; /* 0: none */
};

/* A cursor over ring-3 iovecs (or one kernel buffer). */
struct uio {
    const struct linux_iovec *iov;
    uint32_t iovcnt, idx, off; /* current iovec and the offset in it */
    size_t resid;              /* bytes left */
};
int uio_copy_out(struct uio *u, const void *src, size_t n); /* 0 or -EFAULT; advances */
int uio_copy_in(void *dst, struct uio *u, size_t n);

/* socket.c */
extern const struct file_ops sock_fops;
struct sock *sock_alloc(int family, int type);
void sock_free(struct sock *s);
void sock_wake(struct sock *s);
struct sock *sock_of(uint32_t fd, struct file **fp, long *err); /* counted file in *fp */
int sock_install(struct sock *s, uint32_t flags);               /* fd or -errno */
/* A socket file with no socket yet (accept's, made before a connection is taken off the queue);
 * set its priv and fd_install it, or file_put it. NULL with *err when memory is out. */
struct file *sock_file_new(uint32_t flags, long *err);
/* Wait on s->wq until woken, the deadline passes (-EAGAIN) or a signal (-EINTR). */
long sock_wait(struct sock *s, uint64_t deadline);
uint64_t sock_deadline(uint64_t timeo_ns); /* 0: none */
int sock_nonblock(const struct file *f, uint32_t msg_flags);
int err_from_lwip(int lwip_err); /* negative errno */

/* sockaddr.c: ring-3 sockaddr <-> lwIP address and port (host order). */
int sockaddr_in(const struct sock *s, uint32_t uaddr, uint32_t len, ip_addr_t *ip, uint16_t *port);
int sockaddr_out(const struct sock *s, const ip_addr_t *ip, uint16_t port, uint32_t uaddr,
                 uint32_t ulen);
int addr_is_local(const ip_addr_t *ip);

/* tcp_sock.c */
int tcp_sock_open(struct sock *s);
void tcp_sock_release(struct sock *s);
int tcp_sock_bind(struct sock *s, const ip_addr_t *ip, uint16_t port);
int tcp_sock_listen(struct sock *s, int backlog);
long tcp_sock_accept(struct sock *s, int nonblock, struct sock **out);
long tcp_sock_connect(struct sock *s, const ip_addr_t *ip, uint16_t port, int nonblock);
long tcp_sock_send(struct sock *s, struct uio *u, uint32_t flags, int nonblock);
long tcp_sock_recv(struct sock *s, struct uio *u, uint32_t flags, int nonblock);
long tcp_sock_shutdown(struct sock *s, int how);
unsigned tcp_sock_poll(struct sock *s);
/* SIOCOUTQ: bytes sent and not yet acknowledged, or not yet sent; -EINVAL on a listener. */
long tcp_sock_outq(struct sock *s);
void tcp_sock_names(struct sock *s, ip_addr_t *lip, uint16_t *lport, ip_addr_t *rip,
                    uint16_t *rport);
void tcp_sock_apply_opts(struct sock *s);

/* udp_sock.c */
int udp_sock_open(struct sock *s);
void udp_sock_release(struct sock *s);
int udp_sock_bind(struct sock *s, const ip_addr_t *ip, uint16_t port);
long udp_sock_connect(struct sock *s, const ip_addr_t *ip, uint16_t port, int unspec);
/* A datagram's payload from u into a new pbuf at layer (the checks every datagram send makes:
 * shut for writing, no address, over max); its length, or -errno and no pbuf. */
long dgram_pbuf(struct sock *s, struct uio *u, const ip_addr_t *ip, size_t max, pbuf_layer layer,
                struct pbuf **out);
long udp_sock_send(struct sock *s, struct uio *u, const ip_addr_t *ip, uint16_t port);
long udp_sock_recv(struct sock *s, struct uio *u, uint32_t flags, int nonblock, ip_addr_t *from,
                   uint16_t *from_port, uint32_t *msg_flags);
unsigned udp_sock_poll(struct sock *s);
uint32_t udp_sock_next_len(const struct sock *s); /* the next datagram's size, 0 none */
void udp_sock_names(struct sock *s, ip_addr_t *lip, uint16_t *lport, ip_addr_t *rip,
                    uint16_t *rport);
void dgram_enqueue(struct sock *s, struct pbuf *p, const ip_addr_t *addr, uint16_t port);

/* raw_sock.c: raw ICMP sockets, reached through the udp_sock_* calls (same receive queue). */
int raw_sock_open(struct sock *s);
void raw_sock_release(struct sock *s);
int raw_sock_bind(struct sock *s, const ip_addr_t *ip);
long raw_sock_connect(struct sock *s, const ip_addr_t *ip, int unspec);
long raw_sock_send(struct sock *s, struct uio *u, const ip_addr_t *ip);
void raw_sock_names(struct sock *s, ip_addr_t *lip, ip_addr_t *rip);

/* ifioctl.c */
long sock_ifioctl(uint32_t cmd, uint32_t arg);

#endif
