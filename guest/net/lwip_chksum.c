/*
 * lwIP's pseudo-header checksum for TCP and UDP (ip_chksum_pseudo), its common case without
 * lwIP's loop: IPv4, the segment in one pbuf (every frame netfront lends, every ACK). lwIP's
 * own (inet_chksum.c, compiled as lwip_ip_chksum_pseudo by guest/guest.mk) folds after each
 * pbuf and swaps bytes around odd lengths, about 100 instructions per segment around netcsum;
 * with one pbuf the swaps cancel and one fold at the end gives the same 16 bits (a sum of
 * non-negative parts is zero only when every part is). IPv6 and chains go to lwIP's.
 */
#include <lwip/inet_chksum.h>
#include <lwip/ip_addr.h>
#include <lwip/pbuf.h>

u16_t lwip_ip_chksum_pseudo(struct pbuf *p, u8_t proto, u16_t proto_len, const ip_addr_t *src,
                            const ip_addr_t *dest);

u16_t ip_chksum_pseudo(struct pbuf *p, u8_t proto, u16_t proto_len, const ip_addr_t *src,
                       const ip_addr_t *dest)
{
    if (IP_IS_V6(dest) || p->next)
        return lwip_ip_chksum_pseudo(p, proto, proto_len, src, dest);
    u32_t s = ip4_addr_get_u32(ip_2_ip4(src)), d = ip4_addr_get_u32(ip_2_ip4(dest));
    u32_t acc = (s & 0xffff) + (s >> 16) + (d & 0xffff) + (d >> 16) + lwip_htons(proto) +
                lwip_htons(proto_len) + LWIP_CHKSUM(p->payload, p->len);

    acc = (acc & 0xffff) + (acc >> 16);
    acc = (acc & 0xffff) + (acc >> 16);
    return (u16_t)~acc;
}
