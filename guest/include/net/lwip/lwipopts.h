/*
 * lwIP's options for the guest kernel (lwIP 2.1.3, raw API).
 *
 * Integration: NO_SYS=1. lwIP runs only in task context (system calls and the "net" kernel
 * thread), never in an upcall; the kernel is not preempted in ring 1, so no locking is needed
 * (SYS_LIGHTWEIGHT_PROT 0). Upcalls only queue frames and wake the thread. The thread runs
 * lwIP's timeouts (sys_check_timeouts) and the loopback queue; system calls that queued
 * loopback traffic deliver it at once (guest/net/net.c).
 *
 * Throughput (see the project's notes on lwIP): MSS 1460, window scaling with a 256 KB window
 * and send buffer, enough segments and pbufs for them, fixed-size pools for everything but
 * the pbuf payloads tcp_write copies (lwIP's own heap, MEM_SIZE, a static array). Checksums are
 * controlled per interface (the loopback interface needs none; a NIC's depend on its offloads).
 * Statistics stay on: /proc/net/dev and the leak checks read them.
 */
#ifndef NET_LWIP_LWIPOPTS_H
#define NET_LWIP_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_TIMERS 1

/* Memory: pools for the fixed-size objects, a static heap for PBUF_RAM payloads. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 1 /* the pools come from the heap: nothing of lwIP's memory is static */
#define MEM_ALIGNMENT 4
#define MEM_SIZE (6 * 1024 * 1024)
/* The heap is allocated at boot (net.c), not a static array: a kernel image several MB larger
 * moves the boot layout (one more bootstrap L1), which the MMU self-tests' accounting trips on. */
extern void *lwip_heap;
#define LWIP_RAM_HEAP_POINTER lwip_heap
#define MEMP_NUM_PBUF 512
#define MEMP_NUM_RAW_PCB 16
#define MEMP_NUM_UDP_PCB 64
#define MEMP_NUM_TCP_PCB 320
#define MEMP_NUM_TCP_PCB_LISTEN 32
#define MEMP_NUM_TCP_SEG 2048
#define MEMP_NUM_REASSDATA 8
#define IP_REASS_MAX_PBUFS 64
#define MEMP_NUM_FRAG_PBUF 32
#define MEMP_NUM_ARP_QUEUE 64
#define PBUF_POOL_SIZE 512

/* Protocols. */
#define LWIP_ARP 1
#define ARP_QUEUEING 1
#define LWIP_ETHERNET 1
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_DHCP6 0
#define LWIP_ICMP 1
#define LWIP_RAW 1 /* raw ICMP sockets (ping) */
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_DNS 1 /* only to keep the DNS server DHCP offers (dns_getserver) */
#define DNS_MAX_SERVERS 2
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_IGMP 0
#define IP_FORWARD 0
#define IP_REASSEMBLY 1
/* Incomplete IPv6 datagrams wait 20 s, not lwIP's 60 (IPv4's wait 15): what a hostile sender's
 * fragments can hold stays short-lived (tests/net/hostile.sh). */
#define IPV6_REASS_MAXAGE 20
#define IP_FRAG 1
#define LWIP_TCP_KEEPALIVE 1
#define SO_REUSE 1
#define LWIP_SO_RCVBUF 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0
#define LWIP_NUM_NETIF_CLIENT_DATA 1

/* TCP for throughput. */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
#define TCP_WND (256 * 1024 - 4)
#define TCP_SND_BUF (256 * 1024)
#define TCP_SND_QUEUELEN 512
#define TCP_SNDLOWAT (4 * TCP_MSS)
#define TCP_SNDQUEUELOWAT (TCP_SND_QUEUELEN / 2)
#define TCP_QUEUE_OOSEQ 1
#define TCP_OVERSIZE TCP_MSS
#define TCP_CALCULATE_EFF_SEND_MSS 1
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_TCP_SACK_OUT 0
#define LWIP_CALLBACK_API 1
#define LWIP_EVENT_API 0
/* TIME-WAIT kept in bounds under connection churn (guest/net/tcp_timewait.c). */
#define LWIP_HOOK_FILENAME "lwip_hooks.h"

/* Checksums: decided per interface (NETIF_SET_CHECKSUM_CTRL). */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
/* Our own routine (guest/net/netcsum.c says why): lwIP's algorithm 3 branched per word. */
#define LWIP_CHKSUM netcsum
unsigned short netcsum(const void *data, int len);

/* Statistics: kept (memory pools and per-protocol counters); no debug output. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEMP_STATS 1
#define MEM_STATS 1
#define LWIP_DEBUG 0
#define LWIP_PERF 0
#define MIB2_STATS 1 /* per-interface counters for /proc/net/dev */

#endif
