/*
 * Requests: Debian's http-parser (fetched into build/ at build time) does the HTTP/1.x syntax;
 * this file collects what respond.c needs into struct request and enforces our limits, so each
 * kind of bad request gets its own status: a request line over MAX_URL 414, a header block over
 * MAX_HEADER_BYTES or MAX_HEADERS fields 431, a body over MAX_BODY 413, a version other than 1.x
 * 505, anything else malformed 400.
 *
 * The parser stops (http_parser_pause) after each complete message, so pipelined requests are
 * answered one at a time, in order, and the connection can stop reading while its answers queue.
 */
#include <string.h>
#include <strings.h>
#include "httpd.h"

static struct request *req_of(http_parser *hp)
{
    return &((struct parser *)hp->data)->req;
}

/* Marks the request bad; returning non-zero from a callback stops the parser. */
static int fail(struct request *r, int status, const char *why)
{
    if (!r->status) {
        r->status = status;
        r->why = why;
    }
    return 1;
}

static int count_head(struct request *r, size_t n)
{
    r->head_bytes += n;
    return r->head_bytes > MAX_HEADER_BYTES ? fail(r, 431, "header block too large") : 0;
}

static int on_message_begin(http_parser *hp)
{
    struct parser *p = hp->data;

    memset(&p->req, 0, sizeof(p->req));
    p->req.value_for = -1;
    p->in_message = 1;
    return 0;
}

static int on_url(http_parser *hp, const char *at, size_t n)
{
    struct request *r = req_of(hp);

    if (r->url_len + n > MAX_URL)
        return fail(r, 414, "request line too long");
    memcpy(r->url + r->url_len, at, n);
    r->url_len += n;
    r->url[r->url_len] = 0;
    return 0;
}

static int on_header_field(http_parser *hp, const char *at, size_t n)
{
    struct request *r = req_of(hp);

    if (count_head(r, n + 4)) /* ": " and CRLF */
        return 1;
    if (r->field_done) { /* a new field begins */
        r->field_len = 0;
        r->field_done = 0;
        r->value_for = -1;
    }
    if (r->field_len == 0 && ++r->nheaders > MAX_HEADERS)
        return fail(r, 431, "too many header fields");
    for (size_t i = 0; i < n && r->field_len < sizeof(r->field) - 1; i++)
        r->field[r->field_len++] = at[i];
    r->field[r->field_len] = 0;
    return 0;
}

static char *value_slot(struct request *r, size_t *cap)
{
    switch (r->value_for) {
    case HDR_HOST:
        *cap = sizeof(r->host);
        return r->host;
    case HDR_IF_NONE_MATCH:
        *cap = sizeof(r->if_none_match);
        return r->if_none_match;
    case HDR_IF_MODIFIED_SINCE:
        *cap = sizeof(r->if_modified_since);
        return r->if_modified_since;
    case HDR_EXPECT:
        *cap = sizeof(r->expect);
        return r->expect;
    }
    return NULL;
}

static int on_header_value(http_parser *hp, const char *at, size_t n)
{
    static const char *const names[HDR_COUNT] = {"Host", "If-None-Match", "If-Modified-Since",
                                                 "Expect"};
    struct request *r = req_of(hp);
    size_t cap, len;
    char *slot;

    if (count_head(r, n))
        return 1;
    if (!r->field_done) {
        r->field_done = 1;
        for (int i = 0; i < HDR_COUNT; i++)
            if (strcasecmp(r->field, names[i]) == 0)
                r->value_for = i;
        if (r->value_for == HDR_HOST && r->host[0])
            return fail(r, 400, "two Host headers");
    }
    slot = value_slot(r, &cap);
    if (!slot)
        return 0;
    len = strlen(slot);
    if (len + n >= cap)
        return fail(r, r->value_for == HDR_HOST ? 400 : 431, "header value too long");
    memcpy(slot + len, at, n);
    slot[len + n] = 0;
    return 0;
}

static int on_headers_complete(http_parser *hp)
{
    struct request *r = req_of(hp);

    r->method = hp->method;
    r->http_major = hp->http_major;
    r->http_minor = hp->http_minor;
    if (hp->http_major != 1) {
        fail(r, 505, "HTTP version not supported");
        http_parser_pause(hp, 1);
        return 0;
    }
    if ((hp->flags & F_CONTENTLENGTH) && hp->content_length > MAX_BODY) {
        fail(r, 413, "body too large");
        http_parser_pause(hp, 1);
        return 0;
    }
    if (r->expect[0]) {
        if (strcasecmp(r->expect, "100-continue") != 0) {
            fail(r, 417, "unknown expectation");
            http_parser_pause(hp, 1);
            return 0;
        }
        r->expect_continue = 1;
    }
    return 0;
}

static int on_body(http_parser *hp, const char *at, size_t n)
{
    struct request *r = req_of(hp);

    if (r->body_len + n > MAX_BODY)
        return fail(r, 413, "body too large");
    memcpy(r->body + r->body_len, at, n);
    r->body_len += n;
    r->body[r->body_len] = 0;
    return 0;
}

static int on_message_complete(http_parser *hp)
{
    struct parser *p = hp->data;

    p->req.complete = 1;
    p->req.keep_alive = http_should_keep_alive(hp);
    p->in_message = 0;
    http_parser_pause(hp, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void parser_init(struct parser *p)
{
    memset(p, 0, sizeof(*p));
    http_parser_init(&p->hp, HTTP_REQUEST);
    p->hp.data = p;
    p->req.value_for = -1;
}

size_t parser_feed(struct parser *p, const char *data, size_t len)
{
    struct request *r = &p->req;
    size_t used;
    enum http_errno e;

    if (r->complete || r->status)
        return 0;
    used = http_parser_execute(&p->hp, &settings, data, len);
    e = HTTP_PARSER_ERRNO(&p->hp);
    if (e == HPE_PAUSED || e == HPE_OK) {
        if (p->hp.upgrade && !r->status)
            fail(r, 400, "protocol upgrade not supported");
        return used;
    }
    if (!r->status) {
        /* The parser's own verdicts: all syntax errors (400) but for its size limit, which the
         * build sets a little above ours (whitespace it skips is counted only there). */
        if (e == HPE_HEADER_OVERFLOW)
            fail(r, 431, http_errno_description(e));
        else
            fail(r, 400, http_errno_description(e));
    }
    p->in_message = 0;
    return used;
}

void parser_next(struct parser *p)
{
    memset(&p->req, 0, sizeof(p->req));
    p->req.value_for = -1;
    http_parser_pause(&p->hp, 0);
}
