/* scan_nonzero32 (lib/string.h): page-table walks skip runs of empty entries in one scan. */
#include <lib/string.h>

size_t scan_nonzero32(const unsigned *p, size_t i, size_t n)
{
    if (i >= n)
        return n;
#if defined(__i386__)
    const unsigned *at = p + i;
    size_t left = n - i;

    __asm__ volatile("cld; repe scasl" : "+D"(at), "+c"(left) : "a"(0) : "memory", "cc");
    /* scasl stops one past the first non-zero word, or at the end with the last compared. */
    size_t k = (size_t)(at - p);
    return k == n && p[n - 1] == 0 ? n : k - 1;
#else
    while (i < n && p[i] == 0)
        i++;
    return i;
#endif
}
