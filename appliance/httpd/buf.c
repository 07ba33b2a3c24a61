/* Byte buffers for responses, and the one JSON helper (string escaping). A buffer on fixed
 * storage (a connection's output, the /api/stats JSON) never allocates while its content fits,
 * which the limits in httpd.h guarantee; content beyond it moves to the heap (counted) and back
 * once the buffer is emptied. An allocation failure marks the buffer failed instead of
 * aborting: the connection is then closed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "httpd.h"

unsigned long long buf_overflows;

void buf_init(struct buf *b)
{
    memset(b, 0, sizeof(*b));
}

void buf_init_fixed(struct buf *b, char *store, size_t cap)
{
    buf_init(b);
    b->data = b->store = store;
    b->cap = b->store_cap = cap;
}

static int on_heap(const struct buf *b)
{
    return b->data && b->data != b->store;
}

/* Back to the fixed storage (or none), the content dropped. */
static void buf_reset(struct buf *b)
{
    if (on_heap(b))
        free(b->data);
    b->data = b->store;
    b->cap = b->store_cap;
    b->len = 0;
}

void buf_free(struct buf *b)
{
    buf_reset(b);
    b->failed = 0;
}

static int buf_reserve(struct buf *b, size_t more)
{
    size_t want = b->len + more + 1, cap = b->cap ? b->cap : 256;
    char *p;

    if (b->failed)
        return -1;
    if (want <= b->cap)
        return 0;
    while (cap < want)
        cap *= 2;
    if (on_heap(b) || !b->data) {
        p = realloc(b->data, cap);
    } else {
        buf_overflows++;
        p = malloc(cap);
        if (p)
            memcpy(p, b->data, b->len + 1);
    }
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Drops the first n bytes (written to the socket). */
void buf_consume(struct buf *b, size_t n)
{
    if (n >= b->len) {
        /* Emptied: a heap buffer (a fixed one's overflow, or a plain one) is not kept. */
        buf_reset(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void buf_json_string(struct buf *b, const char *s)
{
    buf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\')
            buf_printf(b, "\\%c", ch);
        else if (ch < 0x20)
            buf_printf(b, "\\u%04x", ch);
        else
            buf_add(b, s, 1);
    }
    buf_add(b, "\"", 1);
}
