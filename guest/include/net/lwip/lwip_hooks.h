/* lwIP's hooks (LWIP_HOOK_FILENAME): TIME-WAIT kept in bounds under connection churn
 * (guest/net/tcp_timewait.c); RFC 6528 initial sequence numbers (guest/net/tcp_isn.c). */
#ifndef NET_LWIP_LWIP_HOOKS_H
#define NET_LWIP_LWIP_HOOKS_H

struct pbuf;
struct tcp_pcb;
struct tcp_hdr;
typedef struct ip_addr ip_addr_t;

void tcp_tw_make_room(void);
int tcp_tw_ip4_input_hook(struct pbuf *p);
int tcp_tw_ip6_input_hook(struct pbuf *p);
signed char tcp_tw_inpacket_hook(struct tcp_pcb *pcb, const struct tcp_hdr *hdr);

unsigned int tcp_isn(const ip_addr_t *lip, unsigned short lport, const ip_addr_t *rip,
                     unsigned short rport);

#define LWIP_HOOK_TCP_ISN(lip, lport, rip, rport) tcp_isn(lip, lport, rip, rport)
#define LWIP_HOOK_IP4_INPUT(p, inp) tcp_tw_ip4_input_hook(p)
#define LWIP_HOOK_IP6_INPUT(p, inp) tcp_tw_ip6_input_hook(p)
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) \
    tcp_tw_inpacket_hook(pcb, hdr)

#endif
