/* httpd's own request handling over Debian's http-parser, compiled for the host with the
 * sanitizers: the request layer (appliance/httpd/request.c) with its limits at their exact
 * edges, every request split at every byte boundary, URL paths (path.c), HTTP dates
 * (httpdate.c), and a fuzz loop of mutated requests fed in random pieces. */
#include <stdlib.h>
#include "harness.h"
#include "httpd.h"

/* Feeds text whole, or in pieces of at most chunk bytes, as a connection would (the unparsed
 * rest stays for the next feed); stops at a complete request or an error. */
static struct request *parse(const char *text, size_t len, size_t chunk, size_t *used_out)
{
    static struct parser p;
    size_t used = 0, have = 0;

    parser_init(&p);
    while (used < len && !p.req.complete && !p.req.status) {
        size_t n;

        have = have + chunk < len ? have + chunk : len;
        n = parser_feed(&p, text + used, have - used);
        if (n > have - used) {
            harness_fail("parser_feed used %zu of %zu bytes", n, have - used);
            return &p.req;
        }
        used += n;
        if (n == 0 && have == len)
            break;
    }
    if (used_out)
        *used_out = used;
    return &p.req;
}

static struct request *parse_str(const char *text)
{
    return parse(text, strlen(text), strlen(text), NULL);
}

TEST(simple_get)
{
    struct request *r = parse_str("GET /index.html?x=1 HTTP/1.1\r\nHost: example\r\n"
                                  "If-None-Match: \"a-b\"\r\nX-Other: y\r\n\r\n");

    CHECK_EQ(r->status, 0);
    CHECK(r->complete);
    CHECK_EQ(r->method, HTTP_GET);
    CHECK_STR(r->url, "/index.html?x=1");
    CHECK_STR(r->host, "example");
    CHECK_STR(r->if_none_match, "\"a-b\"");
    CHECK(r->keep_alive);
}

/* The same request in pieces of every size from 1 byte up gives the same result. */
TEST(split_anywhere)
{
    static const char req[] = "POST /api/fasttrap HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n"
                              "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n1\n";

    for (size_t chunk = 1; chunk <= sizeof(req); chunk++) {
        size_t used;
        struct request *r = parse(req, sizeof(req) - 1, chunk, &used);

        CHECK(!HARNESS_FAILED());
        CHECK_EQ(r->status, 0);
        CHECK(r->complete);
        CHECK_EQ(used, sizeof(req) - 1);
        CHECK_STR(r->body, "1\n");
        CHECK_STR(r->host, "h");
        CHECK_STR(r->if_modified_since, "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}

/* Two pipelined requests: the first stops the parser exactly at its end. */
TEST(pipelined)
{
    static struct parser p;
    static const char two[] = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.0\r\n\r\n";
    size_t n;

    parser_init(&p);
    n = parser_feed(&p, two, sizeof(two) - 1);
    CHECK_EQ(n, strlen("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
    CHECK(p.req.complete);
    CHECK_STR(p.req.url, "/a");
    CHECK_EQ(parser_feed(&p, two + n, sizeof(two) - 1 - n), 0); /* answered first */
    parser_next(&p);
    CHECK_EQ(parser_feed(&p, two + n, sizeof(two) - 1 - n), sizeof(two) - 1 - n);
    CHECK(p.req.complete);
    CHECK_STR(p.req.url, "/b");
    CHECK(!p.req.keep_alive); /* HTTP/1.0 without keep-alive */
}

/* Limits at their edges: one byte under is fine, one over gets its status. */
TEST(limits_exact)
{
    static char req[MAX_HEADER_BYTES * 2 + MAX_URL + 256];
    char *p;
    size_t n;

    /* The request line: a URL of MAX_URL bytes passes, MAX_URL + 1 is 414. */
    for (int over = 0; over <= 1; over++) {
        p = req + sprintf(req, "GET /");
        memset(p, 'u', MAX_URL - 1 + (size_t)over);
        p += MAX_URL - 1 + over;
        p += sprintf(p, " HTTP/1.1\r\nHost: h\r\n\r\n");
        CHECK_EQ(parse(req, (size_t)(p - req), 700, NULL)->status, over ? 414 : 0);
    }
    /* The header block: MAX_HEADER_BYTES counted as name + value + 4 per field. */
    for (int over = 0; over <= 1; over++) {
        size_t value = MAX_HEADER_BYTES - strlen("Host") - 1 - 4 - strlen("X-Big") - 4 + over;

        p = req + sprintf(req, "GET / HTTP/1.1\r\nHost: h\r\nX-Big: ");
        memset(p, 'v', value);
        p += value;
        p += sprintf(p, "\r\n\r\n");
        CHECK_EQ(parse(req, (size_t)(p - req), 1000, NULL)->status, over ? 431 : 0);
    }
    /* MAX_HEADERS fields pass, one more is 431. */
    for (int over = 0; over <= 1; over++) {
        p = req + sprintf(req, "GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 1; i < MAX_HEADERS + over; i++)
            p += sprintf(p, "X%d: v\r\n", i);
        p += sprintf(p, "\r\n");
        CHECK_EQ(parse(req, (size_t)(p - req), 64, NULL)->status, over ? 431 : 0);
    }
    /* A body of MAX_BODY bytes passes; one more is 413 by its length, before it is sent. */
    for (int over = 0; over <= 1; over++) {
        n = (size_t)sprintf(req, "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n",
                            MAX_BODY + over);
        memset(req + n, 'b', MAX_BODY + (size_t)over);
        CHECK_EQ(parse(req, n + MAX_BODY + (size_t)over, 300, NULL)->status, over ? 413 : 0);
    }
}

TEST(bad_requests)
{
    static const struct {
        const char *req;
        int status;
    } cases[] = {
        {"\x16\x03\x01\x02\x00 hello", 400},
        {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
        {"BREW /pot HTTP/1.1\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: h\r\nExpect: coffee\r\n\r\n", 417},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: ws\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct request *r = parse_str(cases[i].req);

        if (r->status != cases[i].status) {
            harness_fail("case %zu: status %d, expected %d", i, r->status, cases[i].status);
            return;
        }
        CHECK(r->why != NULL);
    }
    CHECK(parse_str("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n")->expect_continue);
}

TEST(paths)
{
    static const struct {
        const char *url, *path;
        int status;
    } cases[] = {
        {"/", "/", 0},
        {"/index.html", "/index.html", 0},
        {"/a/b/../c", "/a/c", 0},
        {"/a/./b//c/", "/a/b/c/", 0},
        {"/lib/", "/lib/", 0},
        {"/x%20y", "/x y", 0},
        {"/a?q=/../../", "/a", 0},
        {"/..", NULL, 400},
        {"/a/../..", NULL, 400},
        {"/%2e%2e/etc/passwd", NULL, 400},
        {"/a%00b", NULL, 400},
        {"/a%2Fb", NULL, 404},
        {"/%zz", NULL, 400},
        {"/%4", NULL, 400},
        {"*", NULL, 400},
    };
    char out[MAX_URL + 2];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int st = path_clean(cases[i].url, out, sizeof(out));

        if (st != cases[i].status || (cases[i].path && strcmp(out, cases[i].path) != 0)) {
            harness_fail("'%s': status %d path '%s', expected %d '%s'", cases[i].url, st,
                         st ? "" : out, cases[i].status, cases[i].path ? cases[i].path : "");
            return;
        }
    }
}

TEST(http_dates)
{
    char s[32];
    time_t t;

    http_date(784111777, s);
    CHECK_STR(s, "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK_EQ(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
    CHECK_EQ(t, 784111777);
    CHECK_EQ(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0); /* RFC 850 */
    CHECK_EQ(t, 784111777);
    CHECK_EQ(http_date_parse("Sun Nov  6 08:49:37 1994", &t), 0); /* asctime */
    CHECK_EQ(t, 784111777);
    CHECK_EQ(http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", &t), -1);
    CHECK_EQ(http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", &t), -1);
    CHECK_EQ(http_date_parse("Sun, 06 Nov 1994 25:49:37 GMT", &t), -1);
    CHECK_EQ(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT trailing", &t), -1);
    CHECK_EQ(http_date_parse("yesterday", &t), -1);
    CHECK_EQ(http_date_parse("", &t), -1);
}

/* Mutated requests in random pieces: the parser never reads past what it is given, never takes
 * more than it is fed, and every verdict is one of the statuses the request layer gives. The
 * sanitizers watch every access. Fixed seed: the same 20,000 inputs every run. */
TEST(fuzz)
{
    static const char *const seeds[] = {
        "GET /index.html HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"1-2\", W/\"3\"\r\n\r\n",
        "POST /api/fasttrap HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n1",
        "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "HEAD / HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\n",
    };
    static char buf[4096];
    unsigned seed = 13;

    for (int iter = 0; iter < 20000; iter++) {
        const char *s = seeds[iter % 4];
        size_t len = strlen(s), chunk;
        struct request *r;

        memcpy(buf, s, len);
        for (int m = 0, muts = 1 + rand_r(&seed) % 8; m < muts; m++) {
            size_t at = (size_t)rand_r(&seed) % len;

            switch (rand_r(&seed) % 4) {
            case 0: /* a random byte */
                buf[at] = (char)rand_r(&seed);
                break;
            case 1: /* a byte of the request's own alphabet */
                buf[at] = "\r\n :/0123456789aA\"\t%"[rand_r(&seed) % 20];
                break;
            case 2: /* cut short */
                len = at + 1;
                break;
            default: /* a run repeated */
                if (len + 200 < sizeof(buf)) {
                    size_t run = 1 + (size_t)rand_r(&seed) % 100;

                    memmove(buf + at + run, buf + at, len - at);
                    memset(buf + at, buf[at], run);
                    len += run;
                }
            }
        }
        chunk = 1 + (size_t)rand_r(&seed) % len;
        /* A copy of exactly len bytes on the heap: ASan sees any read past its end. */
        char *exact = malloc(len);
        CHECK(exact != NULL);
        memcpy(exact, buf, len);
        r = parse(exact, len, chunk, NULL);
        free(exact);
        CHECK(!HARNESS_FAILED());
        if (r->status != 0 && r->status != 400 && r->status != 413 && r->status != 414 &&
            r->status != 417 && r->status != 431 && r->status != 505) {
            harness_fail("iteration %d: status %d", iter, r->status);
            return;
        }
    }
}

RUN_TESTS(T(simple_get), T(split_anywhere), T(pipelined), T(limits_exact), T(bad_requests),
          T(paths), T(http_dates), T(fuzz))
