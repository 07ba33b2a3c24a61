/* Request targets to file paths: the URL's path %-decoded and normalized, never above the
 * document root. */
#include <string.h>
#include "httpd.h"

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int path_clean(const char *url, char *out, size_t size)
{
    struct http_parser_url u;
    size_t n = 0, i, len;
    const char *p;

    http_parser_url_init(&u);
    if (http_parser_parse_url(url, strlen(url), 0, &u) != 0 || !(u.field_set & (1 << UF_PATH)))
        return 400;
    p = url + u.field_data[UF_PATH].off;
    len = u.field_data[UF_PATH].len;
    if (len == 0 || p[0] != '/')
        return 400;
    out[n++] = '/';
    for (i = 0; i < len;) {
        char seg[256];
        size_t sl = 0;

        while (i < len && p[i] == '/')
            i++;
        while (i < len && p[i] != '/') {
            int ch = (unsigned char)p[i];

            if (ch == '%') {
                int hi = i + 2 < len ? hexval(p[i + 1]) : -1, lo = hi >= 0 ? hexval(p[i + 2]) : -1;

                if (lo < 0)
                    return 400;
                ch = hi * 16 + lo;
                i += 3;
            } else {
                i++;
            }
            if (ch == 0 || ch == '/' || sl + 1 >= sizeof(seg))
                return ch == '/' ? 404 : 400; /* an encoded slash names no file of ours */
            seg[sl++] = (char)ch;
        }
        seg[sl] = 0;
        if (sl == 0 || strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            if (n == 1)
                return 400;
            n--; /* back over the '/' ending the previous segment, then the segment */
            while (n > 1 && out[n - 1] != '/')
                n--;
            continue;
        }
        if (n + sl + 2 > size)
            return 414;
        memcpy(out + n, seg, sl);
        n += sl;
        out[n++] = '/';
    }
    /* Keep a trailing slash only where the URL had one. */
    if (n > 1 && p[len - 1] != '/')
        n--;
    out[n] = 0;
    return 0;
}
