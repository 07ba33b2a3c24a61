/* Formatted printing into a buffer (lib/format.h), shared by ring 0 and ring 1.
 * C99 semantics for the supported subset: %d %i %u %x %X %p %s %c %%, flags - 0 # + space,
 * width and precision (also '*'), length modifiers hh h l ll z t j. No floating point. */
#include <lib/format.h>
#include <lib/string.h>

enum {
    F_LEFT = 1,  /* '-' */
    F_ZERO = 2,  /* '0' */
    F_ALT = 4,   /* '#' */
    F_PLUS = 8,  /* '+' */
    F_SPACE = 16 /* ' ' */
};

/* Output cursor: counts every byte (for the C99 return value) but stores only what fits. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_n(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
    while (n--)
        put(o, *s++);
}

uint64_t udiv64(uint64_t n, uint32_t d, uint32_t *rem)
{
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
    uint32_t qhi = hi / d, r = hi % d, qlo;

#if defined(__i386__) || defined(__x86_64__)
    /* r < d, so the 64/32 divide of r:lo cannot overflow. */
    __asm__("divl %[d]" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), [d] "rm"(d));
#else
    /* Portable long division of r:lo, one bit at a time. */
    qlo = 0;
    for (int i = 31; i >= 0; i--) {
        uint32_t carry = r >> 31;

        r = (r << 1) | ((lo >> i) & 1);
        if (carry || r >= d) {
            r -= d;
            qlo |= 1u << i;
        }
    }
#endif
    if (rem)
        *rem = r;
    return ((uint64_t)qhi << 32) | qlo;
}

/* One integer conversion. prec < 0 means "not given". */
static void put_num(struct out *o, uint64_t v, int neg, unsigned base, int upper, int flags,
                    int width, int prec, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int nd = 0, plen, zeros, pad;

    while (v) {
        uint32_t r;

        v = udiv64(v, base, &r);
        tmp[nd++] = digits[r];
    }
    if (nd == 0 && prec != 0)
        tmp[nd++] = '0';

    if (neg)
        prefix = "-";
    else if (!prefix && (flags & F_PLUS))
        prefix = "+";
    else if (!prefix && (flags & F_SPACE))
        prefix = " ";
    plen = prefix ? (int)strlen(prefix) : 0;

    zeros = prec > nd ? prec - nd : 0;
    pad = width - plen - zeros - nd;
    if (pad > 0 && (flags & F_ZERO) && !(flags & F_LEFT) && prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(flags & F_LEFT))
        put_n(o, ' ', pad);
    if (prefix)
        put_str(o, prefix, (size_t)plen);
    put_n(o, '0', zeros);
    while (nd)
        put(o, tmp[--nd]);
    if (flags & F_LEFT)
        put_n(o, ' ', pad);
}

static void put_padded(struct out *o, const char *s, size_t n, int flags, int width)
{
    int pad = width - (int)n;

    if (!(flags & F_LEFT))
        put_n(o, ' ', pad);
    put_str(o, s, n);
    if (flags & F_LEFT)
        put_n(o, ' ', pad);
}

/* Parse a decimal field or '*'; returns -1 when absent. */
static int get_int(const char **fmt, va_list *ap)
{
    int v = 0;

    if (**fmt == '*') {
        (*fmt)++;
        return va_arg(*ap, int);
    }
    if (**fmt < '0' || **fmt > '9')
        return -1;
    while (**fmt >= '0' && **fmt <= '9')
        v = v * 10 + (*(*fmt)++ - '0');
    return v;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = {buf, size, 0};
    va_list ap;

    va_copy(ap, ap_in);
    while (*fmt) {
        int flags = 0, width, prec = -1, lng = 0; /* lng: -2 hh, -1 h, 0 int, 1 long, 2 llong */
        const char *start = fmt;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                flags |= F_LEFT;
            else if (*fmt == '0')
                flags |= F_ZERO;
            else if (*fmt == '#')
                flags |= F_ALT;
            else if (*fmt == '+')
                flags |= F_PLUS;
            else if (*fmt == ' ')
                flags |= F_SPACE;
            else
                break;
        }
        width = get_int(&fmt, &ap);
        if (width < -1) { /* a negative '*' width means left-justify */
            flags |= F_LEFT;
            width = -width;
        }
        if (*fmt == '.') {
            fmt++;
            prec = get_int(&fmt, &ap);
            if (prec < -1)
                prec = -1; /* negative '*' precision: as if omitted */
            else if (prec == -1)
                prec = 0; /* "." alone means 0 */
        }
        for (;; fmt++) {
            if (*fmt == 'h')
                lng--;
            else if (*fmt == 'l')
                lng++;
            else if (*fmt == 'z' || *fmt == 't')
                lng = sizeof(size_t) == sizeof(long long) ? 2 : 1;
            else if (*fmt == 'j')
                lng = 2;
            else
                break;
        }

        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v;

            if (lng >= 2)
                v = va_arg(ap, long long);
            else if (lng == 1)
                v = va_arg(ap, long);
            else
                v = va_arg(ap, int);
            if (lng == -1)
                v = (short)v;
            else if (lng <= -2)
                v = (signed char)v;
            put_num(&o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 10, 0, flags, width, prec,
                    NULL);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v;
            unsigned base = *fmt == 'u' ? 10 : 16;
            const char *prefix = NULL;

            if (lng >= 2)
                v = va_arg(ap, unsigned long long);
            else if (lng == 1)
                v = va_arg(ap, unsigned long);
            else
                v = va_arg(ap, unsigned int);
            if (lng == -1)
                v = (unsigned short)v;
            else if (lng <= -2)
                v = (unsigned char)v;
            if ((flags & F_ALT) && base == 16 && v != 0)
                prefix = *fmt == 'X' ? "0X" : "0x";
            put_num(&o, v, 0, base, *fmt == 'X', flags & ~(F_PLUS | F_SPACE), width, prec, prefix);
            break;
        }
        case 'p':
            put_num(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0, flags & F_LEFT, width,
                    (int)sizeof(void *) * 2, "0x");
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (!s)
                s = "(null)";
            put_padded(&o, s, prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s), flags, width);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);

            put_padded(&o, &c, 1, flags, width);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            /* Unknown conversion (or a '%' at the end): copy it through unchanged. */
            put_str(&o, start, (size_t)(fmt - start) + (*fmt != 0));
            if (*fmt == 0)
                continue;
            break;
        }
        fmt++;
    }
    va_end(ap);

    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
