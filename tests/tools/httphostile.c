/*
 * httphostile HOST PORT [--pipeline N] [--only NAME] [--skip NAME,...]: malformed and hostile
 * requests against a running httpd (natively, or the appliance through QEMU's forward), all or
 * one (--only) or all but some (--skip). Each check prints
 * "PASS: httpd hostile/NAME" or "FAIL: httpd hostile/NAME: why", and after each one the server
 * must still answer a plain GET (else "FAIL: .../alive"). Exit status 1 when anything failed.
 * The server's limits (connections, timeouts) are read from its /api/stats, so the checks fit
 * whatever it was started with; every wait is bounded by those timeouts plus a margin.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A string literal and its length (NULs inside included). */
#define REQ(s) s, sizeof(s) - 1

static struct sockaddr_in server;
static int failures, max_conns = 64, request_timeout = 10, idle_timeout = 15;
static const char *only, *skip;

/* Whether check NAME is left out: --only names another, or --skip lists it. */
static int skipped(const char *name)
{
    size_t n = strlen(name);

    if (only && strcmp(only, name) != 0)
        return 1;
    for (const char *p = skip; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == 0))
            return 1;
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int verdict(const char *name, const char *fmt, ...)
{
    char why[512] = "";
    va_list ap;

    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
        printf("FAIL: httpd hostile/%s: %s\n", name, why);
        failures++;
        return 1;
    }
    printf("PASS: httpd hostile/%s\n", name);
    return 0;
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&server, sizeof(server)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads until EOF (returns 1), the buffer is full, or timeout_ms passes (returns 0); -1 on a
 * reset. *len gets what was read. */
static int read_until_close(int fd, char *buf, size_t cap, size_t *len, int timeout_ms)
{
    long long end = now_ms() + timeout_ms;

    *len = 0;
    while (*len + 1 < cap) {
        struct pollfd p = {fd, POLLIN, 0};
        long long left = end - now_ms();
        ssize_t n;

        if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
            buf[*len] = 0;
            return 0;
        }
        n = recv(fd, buf + *len, cap - 1 - *len, 0);
        if (n == 0) {
            buf[*len] = 0;
            return 1;
        }
        if (n < 0) {
            buf[*len] = 0;
            return errno == ECONNRESET ? -1 : 0;
        }
        *len += (size_t)n;
    }
    buf[*len] = 0;
    return 0;
}

static int status_of(const char *resp)
{
    int st = 0;

    return sscanf(resp, "HTTP/1.%*d %d", &st) == 1 ? st : 0;
}

/* Is there one complete answer at the start of buf (its head and Content-Length bytes)? */
static int answer_complete(const char *buf, size_t len)
{
    const char *end = strstr(buf, "\r\n\r\n"), *cl;

    if (!end)
        return 0;
    cl = strstr(buf, "Content-Length: ");
    if (!cl || cl > end)
        return status_of(buf) == 304 || status_of(buf) == 100;
    return (size_t)(end + 4 - buf) + (size_t)strtol(cl + 16, NULL, 10) <= len;
}

/* One request on a new connection: the first answer's status, and (when closed is given)
 * whether the server closed the connection after it (waited for up to 3 s). */
static int exchange(const void *req, size_t len, char *resp, size_t cap, int *closed)
{
    long long end = now_ms() + 5000 + request_timeout * 1000LL;
    size_t got = 0;
    int fd = dial(), eof = 0;

    resp[0] = 0;
    if (fd < 0)
        return -1;
    /* The server may answer and close before taking all of it: what it said is read below. */
    (void)send_all(fd, req, len);
    while (!answer_complete(resp, got) && got + 1 < cap && now_ms() < end) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&p, 1, 200) <= 0)
            continue;
        n = recv(fd, resp + got, cap - 1 - got, 0);
        if (n <= 0) {
            eof = 1;
            break;
        }
        got += (size_t)n;
        resp[got] = 0;
    }
    if (closed && !eof) {
        char more[4096];
        size_t extra;

        eof = read_until_close(fd, more, sizeof(more), &extra, 3000) != 0;
    }
    close(fd);
    if (closed)
        *closed = eof;
    return status_of(resp);
}

static int alive(void)
{
    static const char req[] = "GET /favicon.svg HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    char resp[8192];
    int st = exchange(req, sizeof(req) - 1, resp, sizeof(resp), NULL);

    return st == 200;
}

/* Whether the server answers once the connections a check just closed are gone: the server
 * learns of each close from a FIN that QEMU's forward sends when it gets round to it, so right
 * after connection_limit() every slot may still be taken, and 503 is the right answer then. A
 * 503 is asked again for up to 10 s; any other status, or none, is the verdict at once. */
static int alive_after_closing(const char **why)
{
    static const char req[] = "GET /favicon.svg HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    static char last[64];
    long long end = now_ms() + 10000;
    char resp[8192];
    int st;

    while ((st = exchange(req, sizeof(req) - 1, resp, sizeof(resp), NULL)) == 503 && now_ms() < end)
        usleep(200000);
    if (st == 200)
        return 1;
    if (st == 503)
        snprintf(last, sizeof(last), "still 503 after 10 s");
    else if (st > 0)
        snprintf(last, sizeof(last), "status %d", st);
    else
        snprintf(last, sizeof(last), "no answer");
    *why = last;
    return 0;
}

static void expect_status(const char *name, const char *req, size_t len, int want, int want_close)
{
    static char resp[1 << 16];
    int closed = 0, st;

    if (skipped(name))
        return;
    st = exchange(req, len, resp, sizeof(resp), &closed);
    if (st != want)
        verdict(name, "status %d, expected %d (answer: %.80s)", st, want, resp);
    else if (want_close && !closed)
        verdict(name, "status %d but the connection stayed open", st);
    else
        verdict(name, NULL);
}

static void expect_text(const char *name, const char *req, int want, const char *text)
{
    char resp[8192];
    int st;

    if (skipped(name))
        return;
    st = exchange(req, strlen(req), resp, sizeof(resp), NULL);
    if (st != want)
        verdict(name, "status %d, expected %d", st, want);
    else if (!strstr(resp, text))
        verdict(name, "no '%s' in the answer: %.200s", text, resp);
    else
        verdict(name, NULL);
}

static void simple_checks(void)
{
    char req[65536], *p;
    int n;

    /* Random bytes (fixed seed: the same bytes every run). */
    srand(13);
    for (int i = 0; i < 512; i++)
        req[i] = (char)(rand() & 0xff);
    req[0] = 0x16; /* like a TLS hello: certainly no method */
    expect_status("garbage", req, 512, 400, 1);
    expect_status("nul_in_request_line", REQ("GET /\0x HTTP/1.1\r\nHost: t\r\n\r\n"), 400, 1);
    expect_status("unknown_method", REQ("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n"), 400, 1);
    expect_status("bad_version", REQ("GET / HTTP/2.0\r\nHost: t\r\n\r\n"), 505, 1);
    expect_status("no_host_http11", REQ("GET / HTTP/1.1\r\n\r\n"), 400, 1);
    expect_status("lf_only_request",
                  REQ("GET /favicon.svg HTTP/1.1\nHost: t\nConnection: close\n\n"), 200, 1);

    n = snprintf(req, sizeof(req), "GET /");
    memset(req + n, 'a', 4000);
    n += 4000;
    n += snprintf(req + n, sizeof(req) - (size_t)n, " HTTP/1.1\r\nHost: t\r\n\r\n");
    expect_status("long_url_414", req, (size_t)n, 414, 1);

    n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(req + n, 'b', 10000);
    n += 10000;
    n += snprintf(req + n, sizeof(req) - (size_t)n, "\r\n\r\n");
    expect_status("huge_header_431", req, (size_t)n, 431, 1);

    p = req + snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 100; i++)
        p += sprintf(p, "X-H%d: v\r\n", i);
    p += sprintf(p, "\r\n");
    expect_status("many_headers_431", req, (size_t)(p - req), 431, 1);

    n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: t\r\nX-Pad:");
    memset(req + n, ' ', 30000); /* whitespace the parser skips: its own limit answers */
    n += 30000;
    expect_status("whitespace_flood_431", req, (size_t)n, 431, 1);

    expect_status("body_too_large_413",
                  REQ("POST /api/fasttrap HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n0"),
                  413, 1);
    p = req +
        sprintf(req,
                "POST /api/fasttrap HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 10; i++)
        p += sprintf(p, "200\r\n%0512d\r\n", 0);
    p += sprintf(p, "0\r\n\r\n");
    expect_status("chunked_too_large_413", req, (size_t)(p - req), 413, 1);
    expect_status("bad_content_length",
                  REQ("POST /api/fasttrap HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n1"), 400,
                  1);
    expect_status("two_content_lengths",
                  REQ("POST /api/fasttrap HTTP/1.1\r\nHost: t\r\nContent-Length: "
                      "1\r\nContent-Length: 2\r\n\r\n12"),
                  400, 1);
    expect_status("unknown_expect_417",
                  REQ("POST /api/fasttrap HTTP/1.1\r\nHost: t\r\nExpect: coffee\r\nContent-Length: "
                      "1\r\n\r\n1"),
                  417, 1);
    expect_text("delete_405", "DELETE /index.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                405, "Allow: GET, HEAD\r\n");
    expect_text(
        "put_api_405",
        "PUT /api/fasttrap HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        405, "Allow: GET, HEAD, POST\r\n");
    expect_status("dotdot_above_root", REQ("GET /../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"),
                  400, 0);
    expect_status("encoded_dotdot",
                  REQ("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"), 400, 0);
    expect_status("encoded_nul", REQ("GET /index.html%00.txt HTTP/1.1\r\nHost: t\r\n\r\n"), 400, 0);
    expect_status("bad_escape", REQ("GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n"), 400, 0);
    expect_status("absolute_form", REQ("GET http://example.com/ HTTP/1.1\r\nHost: t\r\n\r\n"), 400,
                  1);
    expect_status("connect_method", REQ("CONNECT example.com:443 HTTP/1.1\r\nHost: t\r\n\r\n"), 400,
                  1);
    expect_status(
        "upgrade_refused",
        REQ("GET / HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"), 400,
        1);
    expect_text("http10_closes", "GET /favicon.svg HTTP/1.0\r\n\r\n", 200, "Connection: close\r\n");
}

/* A request that ends early (the client half-closes) is still answered in full. */
static void half_close(void)
{
    static const char req[] = "GET /favicon.svg HTTP/1.1\r\nHost: t\r\n\r\n";
    char resp[8192];
    size_t got;
    int fd, rc;

    if (skipped("half_close"))
        return;
    fd = dial();
    if (fd < 0 || send_all(fd, req, sizeof(req) - 1) != 0 || shutdown(fd, SHUT_WR) != 0) {
        verdict("half_close", "cannot connect or send");
        if (fd >= 0)
            close(fd);
        return;
    }
    rc = read_until_close(fd, resp, sizeof(resp), &got, 5000);
    close(fd);
    if (status_of(resp) != 200 || !strstr(resp, "</svg>"))
        verdict("half_close", "no complete answer: %.80s", resp);
    else if (rc != 1)
        verdict("half_close", "answered but not closed after the client's end");
    else
        verdict("half_close", NULL);
}

/* Three pipelined requests, the second malformed: 200, then 400, and nothing for the third. */
static void pipeline_error(void)
{
    static const char req[] = "GET /favicon.svg HTTP/1.1\r\nHost: t\r\n\r\n"
                              "GET /x HTTP/1.1\r\nHost t\r\n\r\n"
                              "GET /favicon.svg HTTP/1.1\r\nHost: t\r\n\r\n";
    char resp[16384], *second;
    int closed;

    if (skipped("pipeline_error"))
        return;
    exchange(req, sizeof(req) - 1, resp, sizeof(resp), &closed);
    second = strstr(resp + 1, "HTTP/1.1 ");
    if (status_of(resp) != 200 || !second || status_of(second) != 400)
        verdict("pipeline_error", "expected 200 then 400: %.120s", resp);
    else if (strstr(second + 1, "HTTP/1.1 "))
        verdict("pipeline_error", "the request after the bad one was answered");
    else if (!closed)
        verdict("pipeline_error", "the connection stayed open after the 400");
    else
        verdict("pipeline_error", NULL);
}

/* Expect: 100-continue: the interim answer comes before the body is sent. */
static void expect_continue(void)
{
    static const char head[] = "POST /api/fasttrap HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                               "Content-Length: 1\r\nConnection: close\r\n\r\n";
    char resp[4096];
    size_t got = 0;
    int fd;

    if (skipped("expect_100_continue"))
        return;
    fd = dial();
    if (fd < 0 || send_all(fd, head, sizeof(head) - 1) != 0) {
        verdict("expect_100_continue", "cannot connect or send");
        if (fd >= 0)
            close(fd);
        return;
    }
    struct pollfd p = {fd, POLLIN, 0};
    ssize_t n = poll(&p, 1, 5000) == 1 ? recv(fd, resp, sizeof(resp) - 1, 0) : -1;
    resp[n > 0 ? n : 0] = 0;
    if (status_of(resp) != 100) {
        verdict("expect_100_continue", "no 100 Continue before the body: %.80s", resp);
        close(fd);
        return;
    }
    send_all(fd, "1", 1); /* a body the switch understands: 200, or 403 where it is read-only */
    read_until_close(fd, resp, sizeof(resp), &got, 5000);
    close(fd);
    verdict("expect_100_continue",
            status_of(resp) == 200 || status_of(resp) == 403
                ? NULL
                : "final status %d after the body, expected 200 or 403 (the body understood)",
            status_of(resp));
}

/* N requests in one stream, written while the answers are read: N answers, in order, each
 * framed by its Content-Length. */
static void pipeline_many(int count)
{
    static const char one[] = "GET /favicon.svg HTTP/1.1\r\nHost: t\r\n\r\n";
    size_t total = (sizeof(one) - 1) * (size_t)count, sent = 0, have = 0, cap = 1 << 20;
    char *in = malloc(cap);
    int fd = dial(), answers = 0, bad = 0;
    long long end = now_ms() + 60000 + (long long)count * 10;
    char name[64];

    snprintf(name, sizeof(name), "pipeline_%d", count);
    if (skipped(name) && (!only || strcmp(only, "pipeline") != 0)) {
        free(in);
        if (fd >= 0)
            close(fd);
        return;
    }
    if (fd < 0 || !in) {
        verdict(name, "cannot connect");
        free(in);
        return;
    }
    while (answers < count && !bad && now_ms() < end) {
        struct pollfd p = {fd, (short)(POLLIN | (sent < total ? POLLOUT : 0)), 0};

        if (poll(&p, 1, 1000) <= 0)
            continue;
        if ((p.revents & POLLOUT) && sent < total) {
            size_t at = sent % (sizeof(one) - 1), chunk = sizeof(one) - 1 - at;
            char block[64 * (sizeof(one) - 1)];
            size_t blen = 0;

            memcpy(block, one + at, chunk);
            blen = chunk;
            while (blen + sizeof(one) - 1 <= sizeof(block) && sent + blen < total) {
                memcpy(block + blen, one, sizeof(one) - 1);
                blen += sizeof(one) - 1;
            }
            if (blen > total - sent)
                blen = total - sent;
            ssize_t w = send(fd, block, blen, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w > 0)
                sent += (size_t)w;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(fd, in + have, cap - have - 1, MSG_DONTWAIT);

            if (n <= 0) {
                bad = 1;
                break;
            }
            have += (size_t)n;
            in[have] = 0;
            /* Take complete answers off the front. */
            for (;;) {
                char *hend = strstr(in, "\r\n\r\n"), *cl;
                size_t need;
                long len;

                if (!hend)
                    break;
                *hend = 0;
                cl = strstr(in, "Content-Length: ");
                len = cl ? strtol(cl + 16, NULL, 10) : -1;
                if (status_of(in) != 200 || len < 0) {
                    bad = 2;
                    *hend = '\r';
                    break;
                }
                need = (size_t)(hend + 4 - in) + (size_t)len;
                *hend = '\r';
                if (have < need)
                    break;
                memmove(in, in + need, have - need);
                have -= need;
                in[have] = 0;
                answers++;
            }
        }
    }
    close(fd);
    free(in);
    if (answers != count)
        verdict(name, "%d answers of %d (%s)", answers, count,
                bad == 1   ? "the server closed the connection"
                : bad == 2 ? "an answer was not a framed 200"
                           : "timeout");
    else
        verdict(name, NULL);
}

/* Slowloris: connections that trickle a request one byte at a time, forever. Each gets 408
 * within the request timeout (counted from the request's start, not its last byte), and the
 * server answers others meanwhile. */
static void slowloris(void)
{
    static const char part[] = "GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ";
    int n = max_conns / 4 < 16 ? max_conns / 4 : 16, fds[16], got408 = 0, served_meanwhile;
    long long end;

    if (skipped("slowloris_408"))
        return;
    if (n < 1)
        n = 1;
    for (int i = 0; i < n; i++) {
        fds[i] = dial();
        if (fds[i] >= 0)
            send_all(fds[i], part, sizeof(part) - 1);
    }
    /* From the last one's first byte: opening them can take seconds through QEMU's forward, whose
     * listening socket has a backlog of one (SYNs beyond it are dropped and sent again). */
    end = now_ms() + (request_timeout + 6) * 1000LL;
    served_meanwhile = alive();
    while (got408 < n && now_ms() < end) {
        for (int i = 0; i < n; i++) {
            char resp[1024];
            struct pollfd p = {fds[i], POLLIN, 0};

            if (fds[i] < 0)
                continue;
            if (poll(&p, 1, 0) == 1) {
                ssize_t r = recv(fds[i], resp, sizeof(resp) - 1, 0);

                resp[r > 0 ? r : 0] = 0;
                if (status_of(resp) == 408)
                    got408++;
                close(fds[i]);
                fds[i] = -1;
                continue;
            }
            send(fds[i], "x", 1, MSG_NOSIGNAL); /* one more byte: still no end of headers */
        }
        usleep(250000);
    }
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (!served_meanwhile)
        verdict("slowloris_408", "a normal request was not answered while they trickled");
    else if (got408 != n)
        verdict("slowloris_408",
                "%d of %d trickling connections got 408 within %d s of the last one's start",
                got408, n, request_timeout + 6);
    else
        verdict("slowloris_408", NULL);
}

/* At the connection limit, with every connection busy (a request in progress), the next one is
 * told 503; with the limit full of idle kept-alive connections, the oldest makes room instead. */
static void connection_limit(int busy)
{
    const char *name = busy ? "full_503" : "full_of_idle_evicts";
    int *fds = calloc((size_t)max_conns, sizeof(int)), opened = 0, fd, st, closed;
    char resp[4096];
    size_t got;

    if (skipped(name)) {
        free(fds);
        return;
    }
    for (int i = 0; i < max_conns; i++) {
        fds[i] = dial();
        if (fds[i] < 0)
            break;
        opened++;
        if (busy)
            send_all(fds[i], "GET / HTTP/1.1\r\n", 16);
    }
    usleep(300000); /* let the server take them all */
    fd = dial();
    st = 0;
    closed = 0;
    if (fd >= 0) {
        static const char req[] =
            "GET /favicon.svg HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        send_all(fd, req, sizeof(req) - 1);
        closed = read_until_close(fd, resp, sizeof(resp), &got, 5000) != 0;
        st = status_of(resp);
        close(fd);
    }
    for (int i = 0; i < opened; i++)
        close(fds[i]);
    free(fds);
    if (opened != max_conns)
        verdict(name, "could open only %d of %d connections", opened, max_conns);
    else if (st != (busy ? 503 : 200))
        verdict(name, "status %d, expected %d", st, busy ? 503 : 200);
    else if (busy && (!closed || !strstr(resp, "Retry-After: ")))
        verdict(name, "503 without Retry-After or without closing");
    else
        verdict(name, NULL);
}

/* Clients that vanish with a reset: mid-request, and mid-answer of a large file. */
static void resets(void)
{
    static const char part[] = "GET / HTTP/1.1\r\nHost: t\r\nX-A: ";
    static const char big[] = "GET /lib/dygraph.min.js HTTP/1.1\r\nHost: t\r\n\r\n";
    struct linger lg = {1, 0};
    int done = 0;

    if (skipped("resets"))
        return;
    for (int i = 0; i < 200; i++) {
        int fd = dial();

        if (fd < 0)
            continue;
        send_all(fd, i % 2 ? part : big, i % 2 ? sizeof(part) - 1 : sizeof(big) - 1);
        if (i % 2 == 0) {
            char head[512];
            struct pollfd p = {fd, POLLIN, 0};
            if (poll(&p, 1, 2000) == 1 && recv(fd, head, sizeof(head), 0) > 0)
                done++;
        }
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(fd); /* RST */
    }
    verdict("resets", done >= 90 ? NULL : "only %d of 100 large answers had begun", done);
}

/* An idle kept-alive connection is closed after the idle timeout, without an answer. */
static void idle_close(void)
{
    static const char req[] = "GET /favicon.svg HTTP/1.1\r\nHost: t\r\n\r\n";
    char resp[8192];
    size_t got;
    int fd, rc;
    long long start;

    if (skipped("idle_timeout_closes"))
        return;
    fd = dial();
    if (fd < 0 || send_all(fd, req, sizeof(req) - 1) != 0) {
        verdict("idle_timeout_closes", "cannot connect");
        return;
    }
    start = now_ms();
    rc = read_until_close(fd, resp, sizeof(resp), &got, (idle_timeout + 6) * 1000);
    close(fd);
    if (status_of(resp) != 200)
        verdict("idle_timeout_closes", "the request itself failed: %.80s", resp);
    else if (rc != 1)
        verdict("idle_timeout_closes", "still open after %d s", idle_timeout + 6);
    else if (strstr(resp + 1, "HTTP/1.1 408"))
        verdict("idle_timeout_closes", "an idle connection was sent 408");
    else if (now_ms() - start < (idle_timeout - 1) * 1000LL)
        verdict("idle_timeout_closes", "closed after %lld ms, before the idle timeout",
                now_ms() - start);
    else
        verdict("idle_timeout_closes", NULL);
}

static void read_limits(void)
{
    static const char req[] = "GET /api/stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    static char resp[1 << 16];
    char *p;

    if (exchange(req, sizeof(req) - 1, resp, sizeof(resp), NULL) != 200) {
        verdict("api_stats_limits", "GET /api/stats failed: %.80s", resp);
        return;
    }
    if ((p = strstr(resp, "\"max_connections\": ")))
        max_conns = atoi(p + 19);
    if ((p = strstr(resp, "\"request_timeout_s\": ")))
        request_timeout = atoi(p + 21);
    if ((p = strstr(resp, "\"idle_timeout_s\": ")))
        idle_timeout = atoi(p + 18);
    printf(
        "# httphostile: server limits: %d connections, request timeout %d s, idle timeout %d s\n",
        max_conns, request_timeout, idle_timeout);
}

int main(int argc, char **argv)
{
    int pipeline = 10000;
    const char *why;
    void (*checks[])(void) = {simple_checks, half_close, pipeline_error, expect_continue,
                              slowloris,     resets,     idle_close};

    if (argc < 3) {
        fprintf(stderr,
                "usage: httphostile HOST PORT [--pipeline N] [--only NAME] [--skip NAME,...]\n");
        return 2;
    }
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--pipeline") == 0)
            pipeline = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--only") == 0)
            only = argv[i + 1];
        else if (strcmp(argv[i], "--skip") == 0)
            skip = argv[i + 1];
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    server.sin_family = AF_INET;
    server.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        fprintf(stderr, "httphostile: %s is not an IPv4 address\n", argv[1]);
        return 2;
    }
    read_limits();
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        checks[i]();
        if (!alive_after_closing(&why)) {
            verdict("alive", "the server stopped answering after check group %zu (%s)", i, why);
            return 1;
        }
    }
    pipeline_many(pipeline);
    connection_limit(1);
    connection_limit(0);
    if (!alive_after_closing(&why))
        verdict("alive", "the server stopped answering at the end (%s)", why);
    else
        verdict("alive", NULL);
    return failures ? 1 : 0;
}
