/*
 * The guest's TCP/IP stack (guest/net/): lwIP 2.1.3 with the raw API, run only in task context.
 *
 * net_init starts lwIP (the loopback interface, 127.0.0.1 and ::1) and the "net" kernel thread,
 * which runs lwIP's timeouts and the loopback queue. Code that calls into lwIP calls net_pump
 * afterwards, so that loopback traffic it queued is delivered before it returns or sleeps, and
 * net_kick when lwIP's next timeout may have moved earlier. net_tx_hold before a burst of lwIP
 * calls that may send several frames keeps the card's kick until the burst's net_pump, which
 * gives one kick for all of them: whoever holds must reach net_pump before it sleeps or returns.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdint.h>

void net_init(void);
/* A guest command-line word for the network (ip=, gw=, dns=, dhcp=off): 1 if it was one. */
int net_option(const char *w);
void net_pump(void);
void net_tx_hold(void);
void net_kick(void);
struct netif;
/* Linux's name of a lwIP interface: "lo", "eth0", ... (ifioctl.c) */
void net_ifname(const struct netif *n, char out[16]);
void net_proc_start(void); /* /proc/net/if_inet6 and /proc/net/lwip (net_proc.c) */
extern int net_ready;      /* net_init has run */

#endif
