/*
 * Two of the network's /proc files (the others are netconf.c's):
 *
 * /proc/net/if_inet6: Linux's table of IPv6 addresses, one line each: the address as 32 hex
 * digits, the interface index, prefix length, scope and flags (hex), the interface's name
 * (what ifconfig and ip show). lwIP keeps no prefix length: its addresses are all /64
 * (link-local and SLAAC) or ::1/128.
 *
 * /proc/net/lwip: lwIP's own statistics, two tables with a header line each: the heap and every
 * memory pool (pbufs, PCBs, segments, reassembly: in use, the most ever, failed allocations),
 * then per protocol (link, etharp, ip, ipfrag, icmp, udp, tcp, ip6, icmp6, ip6frag, nd6) the
 * packets received and sent and what was dropped and why. The hostile-frame test
 * (tests/net/hostile.sh) compares them before and after.
 */
#include <kernel/fs/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lwip/memp.h>
#include <lwip/netif.h>
#include <lwip/stats.h>
#include <net/net.h>
#include "lwip_faults.h"
#include "netfront.h"
#include "tcp_batchack.h"
#include "tcp_retry.h"

#define APPEND(...) \
    (len +=         \
     (size_t)snprintf(buf + (len < size ? len : size), len < size ? size - len : 0, __VA_ARGS__))

static unsigned scope_of(const ip6_addr_t *a)
{
    if (ip6_addr_isloopback(a))
        return 0x10; /* host */
    if (ip6_addr_islinklocal(a))
        return 0x20;
    if (ip6_addr_issitelocal(a))
        return 0x40;
    return 0x00; /* global */
}

static int gen_if_inet6(char *buf, size_t size)
{
    struct netif *n;
    size_t len = 0;

    NETIF_FOREACH(n)
    {
        int lo = n->name[0] == 'l' && n->name[1] == 'o';
        char name[16];

        net_ifname(n, name);

        for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
            const ip6_addr_t *a = netif_ip6_addr(n, i);
            u8_t state = netif_ip6_addr_state(n, i);
            unsigned flags;

            if (!ip6_addr_isvalid(state) && !ip6_addr_istentative(state))
                continue;
            flags = ip6_addr_istentative(state) ? 0x40 : 0x80;
            for (int w = 0; w < 4; w++)
                APPEND("%08x", (unsigned)lwip_ntohl(a->addr[w]));
            APPEND(" %02x %02x %02x %02x %8s\n", (unsigned)netif_get_index(n), lo ? 128u : 64u,
                   scope_of(a), flags, name);
        }
    }
    return (int)len;
}

/* The pools' names, from lwIP's own list of them. */
static const char *const pool_names[MEMP_MAX] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include <lwip/priv/memp_std.h>
};

static size_t proto_line(char *buf, size_t size, size_t len, const char *name,
                         const struct stats_proto *p)
{
    APPEND("%-8s %8u %8u %6u %6u %6u %6u %7u %6u %6u\n", name, p->recv, p->xmit, p->drop, p->chkerr,
           p->lenerr, p->memerr, p->proterr, p->opterr, p->err);
    return len;
}

static int gen_lwip(char *buf, size_t size)
{
    size_t len = 0;

    APPEND("%-18s %8s %8s %6s\n%-18s %8u %8u %6u\n", "pool", "used", "max", "err", "heap",
           (unsigned)lwip_stats.mem.used, (unsigned)lwip_stats.mem.max,
           (unsigned)lwip_stats.mem.err);
    for (int i = 0; i < MEMP_MAX; i++) {
        const struct stats_mem *m = lwip_stats.memp[i];

        if (m)
            APPEND("%-18s %8u %8u %6u\n", pool_names[i], (unsigned)m->used, (unsigned)m->max,
                   (unsigned)m->err);
    }
    if (netfront_present) { /* eth0's receive buffers lent to lwIP; err: frames copied instead */
        const struct netfront_stats *s = netfront_stats();

        APPEND("%-18s %8u %8u %6u\n", "NETFRONT_RX_LENT", (unsigned)s->rx_lent,
               (unsigned)s->rx_lent_max, (unsigned)s->rx_copied);
        /* A counter, not a pool (two fields: the leak checks compare pool lines only). */
        APPEND("%-18s %8u\n", "TX_ACKS_MERGED", (unsigned)s->tx_acks_merged);
        APPEND("%-18s %8u\n", "TX_CSUM_BLANK", (unsigned)s->tx_csum_blank);
    }
    /* TCP's retries (tcp_retry.c, tcp_synretry.c): counters, two fields like TX_ACKS_MERGED. */
    APPEND("%-18s %8u\n", "TCP_RETRANS_SEGS", (unsigned)tcp_retrans_segs());
    APPEND("%-18s %8u\n", "TCP_ACKS_RETRIED", (unsigned)tcp_acks_retried);
    APPEND("%-18s %8u\n", "TCP_SYNS_REPLAYED", (unsigned)tcp_syns_replayed);
    APPEND("%-18s %8u\n", "TCP_ACKS_BATCHED", (unsigned)tcp_acks_batched); /* tcp_batchack.c */
    APPEND("%-8s %8s %8s %6s %6s %6s %6s %7s %6s %6s\n", "proto", "recv", "xmit", "drop", "chkerr",
           "lenerr", "memerr", "proterr", "opterr", "err");
    len = proto_line(buf, size, len, "link", &lwip_stats.link);
    len = proto_line(buf, size, len, "etharp", &lwip_stats.etharp);
    len = proto_line(buf, size, len, "ip", &lwip_stats.ip);
    len = proto_line(buf, size, len, "ipfrag", &lwip_stats.ip_frag);
    len = proto_line(buf, size, len, "icmp", &lwip_stats.icmp);
    len = proto_line(buf, size, len, "udp", &lwip_stats.udp);
    len = proto_line(buf, size, len, "tcp", &lwip_stats.tcp);
    len = proto_line(buf, size, len, "ip6", &lwip_stats.ip6);
    len = proto_line(buf, size, len, "icmp6", &lwip_stats.icmp6);
    len = proto_line(buf, size, len, "ip6frag", &lwip_stats.ip6_frag);
    len = proto_line(buf, size, len, "nd6", &lwip_stats.nd6);
    return (int)len;
}

static const struct procfs_entry proc_if_inet6 = {.name = "net/if_inet6", .gen = gen_if_inet6};
static const struct procfs_entry proc_lwip = {.name = "net/lwip", .gen = gen_lwip};

void net_proc_start(void)
{
    procfs_register(&proc_if_inet6);
    procfs_register(&proc_lwip);
    lwip_faults_proc();
}
