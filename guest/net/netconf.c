/*
 * eth0's configuration and the network's /proc files.
 *
 * Addresses: DHCP by default; `ip=ADDR/PREFIX gw=ADDR dns=ADDR` on the guest command line set
 * them statically instead (`dhcp=off` alone leaves eth0 without IPv4). IPv6: a link-local
 * address and SLAAC from router advertisements. Each change of address is logged.
 *
 * /proc/net/dev: Linux's table (per interface: received and sent bytes, packets, errors, drops),
 * from lwIP's MIB-II counters per interface (the driver's own for eth0's errors and drops).
 * /proc/net/resolv.conf: "nameserver ADDR" for the DNS server DHCP offered or dns= set;
 * /etc/resolv.conf is a symbolic link to it.
 */
#include <pv/console.h>
#include <kernel/fs/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lwip/dhcp.h>
#include <lwip/dns.h>
#include <lwip/ip4_addr.h>
#include <lwip/netif.h>
#include <net/net.h>
#include "netfront.h"

static struct {
    int static_ip, dhcp_off;
    ip4_addr_t ip, mask, gw, dns;
    int have_dns;
} conf;

/* "a.b.c.d" (and "/prefix" when prefix is not NULL): 1 if well formed. */
static int parse_ip4(const char *s, ip4_addr_t *ip, int *prefix)
{
    uint32_t v = 0;

    for (int i = 0; i < 4; i++) {
        uint32_t part = 0;
        int digits = 0;

        while (*s >= '0' && *s <= '9' && digits < 4) {
            part = part * 10 + (uint32_t)(*s++ - '0');
            digits++;
        }
        if (!digits || part > 255 || (i < 3 && *s++ != '.'))
            return 0;
        v = v << 8 | part;
    }
    if (prefix) {
        int p = 0, digits = 0;

        if (*s == '/') {
            s++;
            while (*s >= '0' && *s <= '9' && digits < 3) {
                p = p * 10 + (*s++ - '0');
                digits++;
            }
            if (!digits || p > 32)
                return 0;
        } else {
            p = 24;
        }
        *prefix = p;
    }
    if (*s)
        return 0;
    ip4_addr_set_u32(ip, lwip_htonl(v));
    return 1;
}

int net_option(const char *w)
{
    int prefix;

    if (strncmp(w, "ip=", 3) == 0) {
        if (!parse_ip4(w + 3, &conf.ip, &prefix)) {
            printk("net: bad option '%s' (ip=ADDR/PREFIX)\n", w);
            return 1;
        }
        ip4_addr_set_u32(&conf.mask, prefix ? lwip_htonl(0xffffffffu << (32 - prefix)) : 0);
        conf.static_ip = 1;
        return 1;
    }
    if (strncmp(w, "gw=", 3) == 0) {
        if (!parse_ip4(w + 3, &conf.gw, NULL))
            printk("net: bad option '%s' (gw=ADDR)\n", w);
        return 1;
    }
    if (strncmp(w, "dns=", 4) == 0) {
        if (parse_ip4(w + 4, &conf.dns, NULL))
            conf.have_dns = 1;
        else
            printk("net: bad option '%s' (dns=ADDR)\n", w);
        return 1;
    }
    if (strcmp(w, "dhcp=off") == 0) {
        conf.dhcp_off = 1;
        return 1;
    }
    if (strcmp(w, "netrx=copy") == 0) {
        netfront_rx_copy_all();
        return 1;
    }
    if (strcmp(w, "txcsum=off") == 0) {
        netfront_tx_csum_off();
        return 1;
    }
    return 0;
}

static void on_status(struct netif *n)
{
    static ip4_addr_t last;
    char ip[16], mask[16], gw[16];

    if (ip4_addr_cmp(&last, netif_ip4_addr(n)))
        return;
    last = *netif_ip4_addr(n);
    if (ip4_addr_isany_val(last))
        return;
    ip4addr_ntoa_r(netif_ip4_addr(n), ip, sizeof(ip));
    ip4addr_ntoa_r(netif_ip4_netmask(n), mask, sizeof(mask));
    ip4addr_ntoa_r(netif_ip4_gw(n), gw, sizeof(gw));
    printk("net: eth0 %s netmask %s gateway %s (%s)\n", ip, mask, gw,
           conf.static_ip ? "static" : "dhcp");
}

static int gen_resolv(char *buf, size_t size)
{
    const ip_addr_t *d = dns_getserver(0);
    char ip[48];

    if (ip_addr_isany(d))
        return snprintf(buf, size, "# no DNS server known\n");
    ipaddr_ntoa_r(d, ip, sizeof(ip));
    return snprintf(buf, size, "nameserver %s\n", ip);
}

static int gen_dev(char *buf, size_t size)
{
    struct netif *n;
    size_t len = 0;

    len += (size_t)snprintf(buf, size,
                            "Inter-|   Receive                                                |  "
                            "Transmit\n"
                            " face |bytes    packets errs drop fifo frame compressed multicast|"
                            "bytes    packets errs drop fifo colls carrier compressed\n");
    NETIF_FOREACH(n)
    {
        const struct netfront_stats *s = n == netfront_netif() ? netfront_stats() : NULL;
        const struct stats_mib2_netif_ctrs *c = &n->mib2_counters;
        char name[16];

        net_ifname(n, name);
        len += (size_t)snprintf(
            buf + (len < size ? len : size), len < size ? size - len : 0,
            "%6s: %7llu %7u %4u %4u %4u %5u %10u %9u %8llu %7u %4u %4u %4u %5u %7u %10u\n", name,
            s ? (unsigned long long)s->rx_bytes : (unsigned long long)c->ifinoctets,
            s ? s->rx_packets : c->ifinucastpkts + c->ifinnucastpkts,
            s ? s->rx_errors : c->ifinerrors, s ? s->rx_drops : c->ifindiscards, 0u, 0u, 0u,
            c->ifinnucastpkts,
            s ? (unsigned long long)s->tx_bytes : (unsigned long long)c->ifoutoctets,
            s ? s->tx_packets : c->ifoutucastpkts + c->ifoutnucastpkts,
            s ? s->tx_errors : c->ifouterrors, s ? s->tx_drops : c->ifoutdiscards, 0u, 0u, 0u, 0u);
    }
    return (int)len;
}

static const struct procfs_entry proc_dev = {.name = "net/dev", .gen = gen_dev};
static const struct procfs_entry proc_resolv = {.name = "net/resolv.conf", .gen = gen_resolv};

void netconf_start(void)
{
    struct netif *n = netfront_netif();

    procfs_register(&proc_dev);
    procfs_register(&proc_resolv);
    net_proc_start();
    if (conf.have_dns) {
        ip_addr_t d;

        ip_addr_copy_from_ip4(d, conf.dns);
        dns_setserver(0, &d);
    }
    if (!n)
        return;
    netif_set_status_callback(n, on_status);
    netif_create_ip6_linklocal_address(n, 1);
    netif_set_ip6_autoconfig_enabled(n, 1);
    if (conf.static_ip) {
        netif_set_addr(n, &conf.ip, &conf.mask, &conf.gw);
    } else if (!conf.dhcp_off) {
        err_t e = dhcp_start(n);

        if (e != ERR_OK)
            printk("net: DHCP could not start (%d)\n", e);
    }
}
