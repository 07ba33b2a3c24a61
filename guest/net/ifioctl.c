/*
 * The interface ioctls that ifconfig-style tools use on any socket: SIOCGIFCONF (the list),
 * SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFINDEX and
 * SIOCGIFNAME, on Linux's struct ifreq (32 bytes: a 16-byte name and a 16-byte union). lwIP's
 * interfaces are named as Linux names them: "lo" for loopback, "eth0", "eth1"... for the NICs.
 */
#include <arch/x86/uaccess.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lwip/netif.h>
#include "sock_impl.h"

#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCGIFADDR 0x8915
#define SIOCGIFNETMASK 0x891b
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000

struct linux_ifreq {
    char name[16];
    union {
        struct {
            uint16_t family;
            uint8_t data[14];
        } addr;
        int32_t ival;
    } u;
};
_Static_assert(sizeof(struct linux_ifreq) == 32, "ifreq layout");

static int is_loop(const struct netif *n)
{
    return n->name[0] == 'l' && n->name[1] == 'o';
}

/* lwIP numbers its interfaces in the order they were added: lo is 0 (lwip_init adds it first),
 * the cards follow from 1; Linux's names count the cards from eth0. */
void net_ifname(const struct netif *n, char out[16])
{
    memset(out, 0, 16);
    if (is_loop(n))
        strlcpy(out, "lo", 16);
    else
        snprintf(out, 16, "eth%u", n->num ? n->num - 1u : 0u);
}

static struct netif *by_name(const char *name)
{
    struct netif *n;
    char nm[16];

    NETIF_FOREACH(n)
    {
        net_ifname(n, nm);
        if (strncmp(nm, name, 16) == 0)
            return n;
    }
    return NULL;
}

static void put_ip4(struct linux_ifreq *r, uint32_t be)
{
    memset(&r->u, 0, sizeof(r->u));
    r->u.addr.family = LINUX_AF_INET;
    memcpy(&r->u.addr.data[2], &be, 4);
}

static long ifconf(uint32_t arg)
{
    struct {
        int32_t len;
        uint32_t buf;
    } c;
    struct netif *n;
    uint32_t done = 0;

    if (copy_from_user(&c, arg, sizeof(c)))
        return -EFAULT;
    NETIF_FOREACH(n)
    {
        struct linux_ifreq r;

        if (!c.buf) {
            done += sizeof(r);
            continue;
        }
        if (done + sizeof(r) > (uint32_t)c.len)
            break;
        net_ifname(n, r.name);
        put_ip4(&r, ip4_addr_get_u32(netif_ip4_addr(n)));
        if (copy_to_user(c.buf + done, &r, sizeof(r)))
            return -EFAULT;
        done += sizeof(r);
    }
    c.len = (int32_t)done;
    return copy_to_user(arg, &c.len, 4);
}

long sock_ifioctl(uint32_t cmd, uint32_t arg)
{
    struct linux_ifreq r;
    struct netif *n;

    if (cmd == SIOCGIFCONF)
        return ifconf(arg);
    if (cmd != SIOCGIFNAME && cmd != SIOCGIFFLAGS && cmd != SIOCGIFADDR && cmd != SIOCGIFNETMASK &&
        cmd != SIOCGIFMTU && cmd != SIOCGIFHWADDR && cmd != SIOCGIFINDEX)
        return -ENOTTY;
    if (copy_from_user(&r, arg, sizeof(r)))
        return -EFAULT;
    if (cmd == SIOCGIFNAME) {
        n = netif_get_by_index((u8_t)r.u.ival);
        if (!n)
            return -ENODEV;
        net_ifname(n, r.name);
        return copy_to_user(arg, &r, sizeof(r));
    }
    r.name[15] = 0;
    n = by_name(r.name);
    if (!n)
        return -ENODEV;
    switch (cmd) {
    case SIOCGIFFLAGS:
        memset(&r.u, 0, sizeof(r.u));
        r.u.ival = (netif_is_up(n) ? IFF_UP : 0) | (netif_is_link_up(n) ? IFF_RUNNING : 0) |
                   (is_loop(n) ? IFF_LOOPBACK : IFF_BROADCAST | IFF_MULTICAST);
        break;
    case SIOCGIFADDR:
        if (ip4_addr_isany_val(*netif_ip4_addr(n)))
            return -EADDRNOTAVAIL;
        put_ip4(&r, ip4_addr_get_u32(netif_ip4_addr(n)));
        break;
    case SIOCGIFNETMASK:
        put_ip4(&r, ip4_addr_get_u32(netif_ip4_netmask(n)));
        break;
    case SIOCGIFMTU:
        memset(&r.u, 0, sizeof(r.u));
        r.u.ival = is_loop(n) ? 65536 : n->mtu;
        break;
    case SIOCGIFHWADDR:
        memset(&r.u, 0, sizeof(r.u));
        r.u.addr.family = is_loop(n) ? 772 : 1; /* ARPHRD_LOOPBACK, ARPHRD_ETHER */
        memcpy(r.u.addr.data, n->hwaddr, n->hwaddr_len > 6 ? 6 : n->hwaddr_len);
        break;
    case SIOCGIFINDEX:
        memset(&r.u, 0, sizeof(r.u));
        r.u.ival = netif_get_index(n);
        break;
    }
    return copy_to_user(arg, &r, sizeof(r));
}
