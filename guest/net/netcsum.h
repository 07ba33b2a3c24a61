/* The Internet checksum for lwIP (netcsum.c). */
#ifndef NET_NETCSUM_H
#define NET_NETCSUM_H

#include <stdint.h>

/* The folded one's-complement sum of len bytes at data, in memory byte order; 0 if len <= 0. */
uint16_t netcsum(const void *data, int len);

#endif
