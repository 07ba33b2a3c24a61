/* lwIP's <stdlib.h>: only atoi, for netif_find's interface number ("lo0"). */
#ifndef NET_LWIP_STDLIB_H
#define NET_LWIP_STDLIB_H
static inline int atoi(const char *s)
{
    int n = 0;

    while (*s >= '0' && *s <= '9')
        n = n * 10 + (*s++ - '0');
    return n;
}
#endif
