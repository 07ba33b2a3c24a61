/*
 * lwIP's driver loop in the guest kernel. lwIP is not reentrant and has no locks here
 * (NO_SYS=1, SYS_LIGHTWEIGHT_PROT 0): it is only ever entered from task context, where the
 * kernel is not preempted, never from an upcall. Two kinds of callers:
 *   - system calls (the socket layer) call lwIP directly and then net_pump, which delivers what
 *     the loopback interface queued, so a send to 127.0.0.1 reaches its receiver within the
 *     same call;
 *   - the "net" kernel thread sleeps until lwIP's next timeout (TCP's 250 ms timer, DHCP,
 *     ARP, reassembly), or until net_kick wakes it, and then runs the due timeouts.
 */
#include <pv/console.h>
#include <pv/events.h>
#include <kernel/mm/kmem.h>
#include <kernel/sched.h>
#include <pv/time.h>
#include <kernel/wait.h>
#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/timeouts.h>
#include <net/net.h>
#include "netfront.h"
#include "tcp_batchack.h"

void netconf_start(void); /* netconf.c */

int net_ready;
static struct waitq net_wq;
static int kicked;

void net_tx_hold(void)
{
    netfront_tx_hold();
}

/* netif_poll takes the queue as it is; what the delivery queued (an ACK, a SYN-ACK, the next
 * segments) goes round again, a bounded number of times. Then the card gets one kick for what
 * the burst queued on it. */
void net_pump(void)
{
    struct netif *n;
    int more = 0;

    for (int round = 0; round < 64; round++) {
        more = 0;
        NETIF_FOREACH(n)
        {
            if (n->loop_first) {
                netif_poll(n);
                more |= n->loop_first != NULL;
            }
        }
        if (!more)
            break;
    }
    netfront_tx_flush();
    if (more)
        net_kick(); /* still more: the net thread carries on */
}

void net_kick(void)
{
    kicked = 1;
    wq_wake_all(&net_wq);
}

static void net_thread(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t ms;
        uint8_t old;

        net_tx_hold(); /* the replies to this round's frames go out with one kick */
        tcp_batchack_begin();
        netfront_poll();
        tcp_batchack_flush(); /* the batch's ACKs, one per connection */
        net_pump();
        net_tx_hold(); /* and the timers' (delayed ACKs of every connection) */
        sys_check_timeouts();
        net_pump();
        ms = sys_timeouts_sleeptime();
        old = evt_disable();
        if (!kicked)
            wq_wait(&net_wq, ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE
                                 ? 0
                                 : clock_now() + (uint64_t)ms * NSEC_PER_MSEC);
        kicked = 0;
        evt_restore(old);
    }
}

void *lwip_heap;

void net_init(void)
{
    /* lwIP's heap: MEM_SIZE and its bookkeeping, in one run of contiguous pages. */
    unsigned pages = (MEM_SIZE + 2 * PAGE_SIZE) / PAGE_SIZE;

    lwip_heap = pages_alloc(pages);
    if (!lwip_heap) {
        printk("net: no %u contiguous pages for lwIP's heap: networking is off\n", pages);
        return;
    }
    lwip_init();
    /* lwIP's loopback computes and checks no checksum. TCP and UDP stay so (nothing can corrupt
     * them in memory), but the IPv4 header and ICMP get theirs, as Linux's lo: a raw ICMP
     * socket sees a valid header and reply, and a wrong ICMP checksum is dropped (t_ping). */
    NETIF_SET_CHECKSUM_CTRL(netif_list, /* lo, the only interface lwip_init made */
                            NETIF_CHECKSUM_GEN_IP | NETIF_CHECKSUM_GEN_ICMP |
                                NETIF_CHECKSUM_CHECK_ICMP);
    netfront_init();
    netconf_start();
    if (!task_spawn("net", net_thread, 0)) {
        printk("net: no task slot for the network thread: networking is off\n");
        return;
    }
    net_ready = 1;
    printk("net: lwIP %s, raw API; loopback lo 127.0.0.1%s\n", LWIP_VERSION_STRING,
           LWIP_IPV6 ? " ::1" : "");
}
