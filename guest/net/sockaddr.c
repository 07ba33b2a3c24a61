/*
 * Socket addresses between ring 3 and lwIP. Linux's layouts: sockaddr_in (16 bytes: family,
 * port in network order, IPv4 address, 8 bytes of padding) and sockaddr_in6 (28 bytes: family,
 * port, flow info, IPv6 address, scope id). An AF_INET6 socket is dual-stack (IPV6_V6ONLY off
 * by default, as on Linux): an IPv4-mapped address ::ffff:a.b.c.d means IPv4 a.b.c.d to lwIP,
 * and IPv4 peers are reported to it in that mapped form.
 */
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include <lwip/ip4_addr.h>
#include <lwip/ip6_addr.h>
#include <lwip/netif.h>
#include "sock_impl.h"

struct linux_sockaddr_in {
    uint16_t family;
    uint16_t port; /* network order */
    uint32_t addr; /* network order */
    uint8_t zero[8];
};
_Static_assert(sizeof(struct linux_sockaddr_in) == 16, "sockaddr_in layout");

struct linux_sockaddr_in6 {
    uint16_t family;
    uint16_t port;
    uint32_t flowinfo;
    uint32_t addr[4]; /* network order */
    uint32_t scope_id;
};
_Static_assert(sizeof(struct linux_sockaddr_in6) == 28, "sockaddr_in6 layout");

static uint16_t swap16(uint16_t v)
{
    return (uint16_t)(v << 8 | v >> 8);
}

int sockaddr_in(const struct sock *s, uint32_t uaddr, uint32_t len, ip_addr_t *ip, uint16_t *port)
{
    uint16_t family;

    if ((int32_t)len < 0)
        return -EINVAL;
    if (len < sizeof(family))
        return -EINVAL;
    if (copy_from_user(&family, uaddr, sizeof(family)))
        return -EFAULT;
    if (s->family == LINUX_AF_INET) {
        struct linux_sockaddr_in a;

        if (len < sizeof(a))
            return -EINVAL;
        if (copy_from_user(&a, uaddr, sizeof(a)))
            return -EFAULT;
        if (family != LINUX_AF_INET)
            return -EAFNOSUPPORT;
        ip_addr_set_ip4_u32_val(*ip, a.addr);
        *port = swap16(a.port);
        return 0;
    }
    struct linux_sockaddr_in6 a6;

    if (len < 24)
        return -EINVAL;
    memset(&a6, 0, sizeof(a6));
    if (copy_from_user(&a6, uaddr, len < sizeof(a6) ? len : sizeof(a6)))
        return -EFAULT;
    if (family != LINUX_AF_INET6)
        return -EAFNOSUPPORT;
    *port = swap16(a6.port);
    if (a6.addr[0] == 0 && a6.addr[1] == 0 && a6.addr[2] == 0xffff0000u) {
        if (s->v6only)
            return -ENETUNREACH;
        ip_addr_set_ip4_u32_val(*ip, a6.addr[3]);
        return 0;
    }
    IP_ADDR6(ip, a6.addr[0], a6.addr[1], a6.addr[2], a6.addr[3]);
    ip6_addr_clear_zone(ip_2_ip6(ip));
    return 0;
}

int sockaddr_out(const struct sock *s, const ip_addr_t *ip, uint16_t port, uint32_t uaddr,
                 uint32_t ulen)
{
    union {
        struct linux_sockaddr_in in;
        struct linux_sockaddr_in6 in6;
    } a;
    uint32_t len, have;

    if (!uaddr)
        return 0;
    if (copy_from_user(&have, ulen, sizeof(have)))
        return -EFAULT;
    if ((int32_t)have < 0)
        return -EINVAL;
    memset(&a, 0, sizeof(a));
    if (s->family == LINUX_AF_INET) {
        a.in.family = LINUX_AF_INET;
        a.in.port = swap16(port);
        a.in.addr = ip && IP_IS_V4(ip) ? ip_2_ip4(ip)->addr : 0;
        len = sizeof(a.in);
    } else {
        a.in6.family = LINUX_AF_INET6;
        a.in6.port = swap16(port);
        if (ip && IP_IS_V4(ip) && !ip4_addr_isany_val(*ip_2_ip4(ip))) {
            a.in6.addr[2] = 0xffff0000u;
            a.in6.addr[3] = ip_2_ip4(ip)->addr;
        } else if (ip && IP_IS_V6(ip)) {
            memcpy(a.in6.addr, ip_2_ip6(ip)->addr, 16);
        }
        len = sizeof(a.in6);
    }
    if (copy_to_user(uaddr, &a, have < len ? have : len) || copy_to_user(ulen, &len, sizeof(len)))
        return -EFAULT;
    return 0;
}

/* An address this host may bind: any, IPv4 loopback (all of 127/8, as Linux), ::1, or one of
 * an interface's addresses. */
int addr_is_local(const ip_addr_t *ip)
{
    struct netif *n;

    if (ip_addr_isany(ip) || ip_addr_isloopback(ip))
        return 1;
    NETIF_FOREACH(n)
    {
        if (IP_IS_V4(ip) && ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(n)))
            return 1;
        if (IP_IS_V6(ip) && netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
            return 1;
    }
    return 0;
}
