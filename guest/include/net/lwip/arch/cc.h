/*
 * lwIP's platform header for the guest kernel: freestanding i386, little-endian, no libc. Types
 * come from the compiler's stdint.h; lwIP's own ctype and printf-format fallbacks are used
 * (there is no inttypes.h or ctype.h here). Diagnostics go to printk; a failed lwIP assertion
 * is a kernel bug and stops the guest (guest/net/lwip_port.c).
 */
#ifndef NET_LWIP_ARCH_CC_H
#define NET_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_LIMITS_H 1 /* the compiler's limits.h wants a libc one behind it */
#define INT_MAX __INT_MAX__
#define SSIZE_MAX __INT_MAX__
typedef int ssize_t;
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define BYTE_ORDER LITTLE_ENDIAN
/* lwIP 2.x takes lwip_htons/lwip_htonl themselves (its 1.4 LWIP_PLATFORM_HTONS is gone): without
 * them every byte swap of every header field was a call into def.c (~100 instructions a frame). */
#define lwip_htons(x) __builtin_bswap16((u16_t)(x))
#define lwip_htonl(x) __builtin_bswap32((u32_t)(x))

void lwip_port_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lwip_port_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x) \
    do {                      \
        lwip_port_diag x;     \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_port_assert(x, __FILE__, __LINE__)

uint32_t lwip_port_rand(void);
#define LWIP_RAND() lwip_port_rand()

#endif
