/* Freestanding string and memory helpers (lib/string.h), shared by ring 0 and ring 1.
 * memcpy and memset move words with rep movs/stos on x86 (page copies and page zeroing sit on
 * the fork and page-fault paths); everything else is a plain byte loop, small and obviously
 * correct, and never turned back into calls to themselves. */
#include <lib/string.h>

/* GCC recognises these loops as memset/memcpy idioms and would emit a call to the very
 * function being defined; this attribute stops that transformation. */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

#if defined(__i386__)
void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t words = n >> 2;

    __asm__ volatile("cld; rep movsl; movl %3, %%ecx; rep movsb"
                     : "+D"(d), "+S"(src), "+c"(words)
                     : "r"(n & 3)
                     : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    size_t words = n >> 2;
    unsigned v = (unsigned char)c * 0x01010101u;

    __asm__ volatile("cld; rep stosl; movl %3, %%ecx; rep stosb"
                     : "+D"(d), "+c"(words)
                     : "a"(v), "r"(n & 3)
                     : "memory");
    return dst;
}
#else
NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}
#endif

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

        if (x != y)
            return x < y ? -1 : 1;
        if (x == 0)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (*s == 0)
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}
