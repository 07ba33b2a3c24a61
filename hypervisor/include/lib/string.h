/* Freestanding string and memory helpers shared by the hypervisor and the guest kernel. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size-1 bytes and always NUL-terminate (size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* The first index in [i, n) whose word is not zero, or n: page-table walks skip empty entries
 * with it (one repe scasl on x86). In lib/scan.c. */
size_t scan_nonzero32(const unsigned *p, size_t i, size_t n);
/* The same with the dense case inline: i itself when its word is not zero. A full table (a
 * process's resident set) then costs one test per entry instead of a call and a scan of one
 * word per entry (fork with 8 MB resident: about 28 instructions per call, four walks). */
static inline size_t next_nonzero32(const unsigned *p, size_t i, size_t n)
{
    return i < n && p[i] ? i : scan_nonzero32(p, i, n);
}

#endif
