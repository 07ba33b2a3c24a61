/* lwIP's <string.h>, for lwIP and the code that includes its headers: the kernel's own helpers. */
#ifndef NET_LWIP_STRING_H
#define NET_LWIP_STRING_H
#include <lib/string.h>
#endif
