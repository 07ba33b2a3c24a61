/*
 * Raw ICMP sockets (socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)), what ping uses: as Linux's, a
 * datagram sent is the ICMP message (header, checksum and all, as ring 3 wrote it; lwIP adds
 * the IPv4 header), and every ICMP packet the stack receives is also copied to each raw socket,
 * IPv4 header included. lwIP still handles the original itself (the receive callback does not
 * eat it), so the guest goes on answering echo requests while a ping runs.
 *
 * Only IPv4 ICMP: any other raw protocol stays refused (sys_socket). Every process of the
 * appliance is root, which Linux would let open one too; a raw ICMP socket can send no more
 * than what lwIP's IPv4 output puts its own header on. The receive queue, reads and poll are
 * the datagram socket's (udp_sock.c).
 */
#include <lib/string.h>
#include <lwip/ip.h>
#include <lwip/raw.h>
#include <net/net.h>
#include "sock_impl.h"

/* The largest ICMP message that fits one IPv4 datagram. */
#define RAW_MAX_PAYLOAD 65515u

static u8_t on_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    struct pbuf *copy;

    (void)pcb;
    copy = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
    if (copy)
        dgram_enqueue(arg, copy, addr, 0);
    return 0; /* not eaten: lwIP's own ICMP handling goes on */
}

int raw_sock_open(struct sock *s)
{
    struct raw_pcb *p = raw_new_ip_type(IPADDR_TYPE_V4, IP_PROTO_ICMP);

    if (!p)
        return -ENOBUFS;
    s->pcb.raw = p;
    s->rcvbuf = 212992; /* Linux's default rmem */
    raw_recv(p, on_recv, s);
    return 0;
}

void raw_sock_release(struct sock *s)
{
    if (s->pcb.raw)
        raw_remove(s->pcb.raw);
    s->pcb.raw = NULL;
}

int raw_sock_bind(struct sock *s, const ip_addr_t *ip)
{
    err_t e = raw_bind(s->pcb.raw, ip);

    if (e != ERR_OK)
        return err_from_lwip(e);
    s->bound = 1;
    return 0;
}

long raw_sock_connect(struct sock *s, const ip_addr_t *ip, int unspec)
{
    err_t e;

    if (unspec) {
        raw_disconnect(s->pcb.raw);
        s->state = SS_FRESH;
        return 0;
    }
    e = raw_connect(s->pcb.raw, ip);
    if (e != ERR_OK)
        return err_from_lwip(e);
    s->state = SS_CONNECTED;
    return 0;
}

long raw_sock_send(struct sock *s, struct uio *u, const ip_addr_t *ip)
{
    struct pbuf *p;
    err_t e;
    long n = dgram_pbuf(s, u, ip, RAW_MAX_PAYLOAD, PBUF_IP, &p);

    if (n < 0)
        return n;
    e = raw_sendto(s->pcb.raw, p, ip ? ip : &s->pcb.raw->remote_ip);
    pbuf_free(p);
    net_pump();
    if (e != ERR_OK)
        return e == ERR_RTE ? -ENETUNREACH : err_from_lwip(e);
    return n;
}

void raw_sock_names(struct sock *s, ip_addr_t *lip, ip_addr_t *rip)
{
    ip_addr_copy(*lip, s->pcb.raw->local_ip);
    ip_addr_copy(*rip, s->pcb.raw->remote_ip);
}
