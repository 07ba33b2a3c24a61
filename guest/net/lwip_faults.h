/* Where lwIP runs now, for the fault injector's targeted failures (lwip_faults.c). */
#ifndef NET_LWIP_FAULTS_H
#define NET_LWIP_FAULTS_H

enum lwip_site {
    LWIP_SITE_OTHER = 0,
    LWIP_SITE_TIMER = 1, /* TCP's timer (tcp_retry.c) */
    LWIP_SITE_SYN = 2,   /* a SYN reaching TCP (tcp_synretry.c) */
    LWIP_SITES = 3
};

extern enum lwip_site lwip_site;
void lwip_faults_proc(void); /* /proc/sys/ringvisor/lwip_fail */

#endif
