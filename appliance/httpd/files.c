/*
 * Static files under the document root: content types by extension, the validators (ETag from
 * the modification time and size, as nginx makes it; Last-Modified) and conditional GET
 * (If-None-Match first, If-Modified-Since only without it: RFC 9110 §13.2.2). A directory is
 * served by its index.html; one named without its trailing slash is redirected (301) to it.
 * Small bodies are copied into the answer, larger ones sent from the file (conn.c: sendfile).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "httpd.h"

static const struct {
    const char *ext, *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/vnd.microsoft.icon"},
    {"woff2", "font/woff2"},
    {"wasm", "application/wasm"},
    {"xml", "application/xml"},
    {"pdf", "application/pdf"},
};

const char *content_type(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

    if (dot && (!slash || dot > slash)) {
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcasecmp(dot + 1, types[i].ext) == 0)
                return types[i].type;
    }
    return "application/octet-stream";
}

/* Does the If-None-Match list name this entity tag (weak comparison, RFC 9110 §8.8.3.2)? */
static int etag_matches(const char *list, const char *etag)
{
    const char *p = list;
    size_t elen = strlen(etag);

    while (*p) {
        const char *start;

        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        start = p;
        if (*p != '"')
            return 0; /* malformed list: no match */
        p = strchr(p + 1, '"');
        if (!p)
            return 0;
        p++;
        if ((size_t)(p - start) == elen && memcmp(start, etag, elen) == 0)
            return 1;
    }
    return 0;
}

static void redirect_to_dir(struct conn *c, const struct request *r, const char *path)
{
    char extra[MAX_URL + 32];

    snprintf(extra, sizeof(extra), "Location: %s/\r\n", path);
    respond_simple(c, r, 301, extra, NULL);
}

void serve_file(struct conn *c, const struct request *r, const char *path)
{
    char full[4096], etag[64], modified[32], extra[256];
    struct stat st;
    int fd, not_modified = 0;
    size_t n = (size_t)snprintf(full, sizeof(full), "%s%s", cfg.root, path);

    if (n >= sizeof(full) - 16) {
        respond_simple(c, r, 414, NULL, NULL);
        return;
    }
    if (full[n - 1] == '/')
        strcat(full, "index.html");
    fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        /* Only a file that is not there is 404; a kernel short of memory or descriptors is a
         * moment's trouble, not a missing file: 503, try again (gfaults= makes it happen). */
        if (errno == EACCES || errno == EPERM)
            respond_simple(c, r, 403, NULL, NULL);
        else if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == ENAMETOOLONG)
            respond_simple(c, r, 404, NULL, NULL);
        else
            respond_simple(c, r, 503, "Retry-After: 1\r\n", NULL);
        return;
    }
    if (fstat(fd, &st) != 0) {
        close(fd);
        respond_simple(c, r, 500, NULL, NULL);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        redirect_to_dir(c, r, path);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        respond_simple(c, r, 404, NULL, NULL);
        return;
    }
    snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)st.st_mtime,
             (unsigned long long)st.st_size);
    http_date(st.st_mtime, modified);
    if (r->if_none_match[0]) {
        not_modified = etag_matches(r->if_none_match, etag);
    } else if (r->if_modified_since[0]) {
        time_t since;

        not_modified = http_date_parse(r->if_modified_since, &since) == 0 && st.st_mtime <= since;
    }
    snprintf(extra, sizeof(extra), "ETag: %s\r\nLast-Modified: %s\r\nCache-Control: no-cache\r\n",
             etag, modified);
    if (not_modified) {
        close(fd);
        respond_headers(c, r, 304, NULL, -1, extra);
        return;
    }
    respond_headers(c, r, 200, content_type(full), (long long)st.st_size, extra);
    if (r->method == HTTP_HEAD || st.st_size == 0) {
        close(fd);
        return;
    }
    if (st.st_size <= SMALL_FILE) {
        char small[SMALL_FILE];
        ssize_t got = pread(fd, small, (size_t)st.st_size, 0);

        close(fd);
        if (got != st.st_size) {
            c->close_after = 1; /* the headers promised more than the file gave: end here */
            return;
        }
        buf_add(&c->out, small, (size_t)got);
        hstats.copied_bytes += (unsigned long long)got;
        return;
    }
    c->file_fd = fd;
    c->file_off = 0;
    c->file_left = st.st_size;
}
