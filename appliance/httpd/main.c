/*
 * httpd's main loop: one poll(2) over the listening socket and every connection, with a
 * deadline per connection (conn.c). At the connection limit the oldest idle kept-alive
 * connection makes room; when none is idle, the newcomer gets 503 and is closed. When the
 * process runs out of descriptors, a spare one is given up to accept and refuse the same way.
 *
 *   httpd [--port N] [--bind ADDR] [--root DIR] [--proc DIR] [--max-conns N]
 *         [--request-timeout S] [--idle-timeout S] [--port-file FILE] [--access-log]
 *
 * --port 0 takes a free port; --port-file writes the port taken (for tests). SIGTERM and SIGINT
 * end it cleanly. Log lines start with "[httpd]".
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "httpd.h"

struct config cfg = {
    .root = "/www",
    .proc = "/proc",
    .max_conns = 256,
    .request_timeout = 10,
    .idle_timeout = 15,
};
struct httpd_stats hstats;

static volatile sig_atomic_t stopping;
static struct conn **conns;
static int nconns, spare_fd = -1;

long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void log_line(const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("[httpd] %s\n", line);
}

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: httpd [--port N] [--bind ADDR] [--root DIR] [--proc DIR] "
                    "[--max-conns N] [--request-timeout S] [--idle-timeout S] "
                    "[--port-file FILE] [--access-log]\n");
    exit(2);
}

static int number(const char *s, int min, int max)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (!*s || *end || v < min || v > max) {
        fprintf(stderr, "httpd: '%s' is not a number from %d to %d\n", s, min, max);
        exit(2);
    }
    return (int)v;
}

static int listen_on(const char *addr, int port, const char *port_file)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd, one = 1, family;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        family = AF_INET;
        ((struct sockaddr_in *)&ss)->sin_family = AF_INET;
        ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
        len = sizeof(struct sockaddr_in);
    } else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        family = AF_INET6;
        ((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
        len = sizeof(struct sockaddr_in6);
    } else {
        fprintf(stderr, "httpd: --bind %s: not an IPv4 or IPv6 address\n", addr);
        exit(2);
    }
    fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_line("cannot serve: socket: %s (no network stack?)", strerror(errno));
        exit(1);
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 128) != 0) {
        log_line("cannot serve on %s port %d: %s", addr, port, strerror(errno));
        exit(1);
    }
    len = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &len);
    port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                   : ((struct sockaddr_in6 *)&ss)->sin6_port);
    log_line("serving %s on %s port %d (up to %d connections)", cfg.root, addr, port,
             cfg.max_conns);
    if (port_file) {
        FILE *f = fopen(port_file, "w");

        if (!f || fprintf(f, "%d\n", port) < 0 || fclose(f) != 0) {
            log_line("cannot write %s: %s", port_file, strerror(errno));
            exit(1);
        }
    }
    return fd;
}

static void drop(int i)
{
    conn_fini(conns[i]);
    slot_give(conns[i]);
    conns[i] = conns[--nconns];
    hstats.active = (unsigned long)nconns;
    hstats.closed++;
}

/* Room for one more: the idle connection that has waited longest goes, if there is one. */
static int make_room(void)
{
    int oldest = -1;

    for (int i = 0; i < nconns; i++)
        if (conn_idle(conns[i]) && (oldest < 0 || conns[i]->last_io_ms < conns[oldest]->last_io_ms))
            oldest = i;
    if (oldest < 0)
        return 0;
    drop(oldest);
    return 1;
}

static void refuse(int fd)
{
    static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nServer: " HTTPD_VERSION
                               "\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\n"
                               "Content-Length: 24\r\nConnection: close\r\n\r\n"
                               "503 Service Unavailable\n";

    hstats.rejected_full++;
    hstats.status_class[5]++;
    if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        (void)0; /* the client is gone already: nothing to tell it */
    close(fd);
}

static void peer_name(const struct sockaddr_storage *ss, char *out, size_t size)
{
    char addr[INET6_ADDRSTRLEN] = "?";
    int port = 0;

    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
        port = ntohs(in->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
        port = ntohs(in6->sin6_port);
    }
    snprintf(out, size, "%s:%d", addr, port);
}

static void accept_all(int lfd, long long now)
{
    for (int k = 0; k < 64; k++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        char peer[64];
        int one = 1, fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct conn *c;

        if (fd < 0) {
            if ((errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
                /* Out of descriptors: give up the spare to refuse this one, then take it back. */
                close(spare_fd);
                fd = accept(lfd, NULL, NULL);
                if (fd >= 0)
                    refuse(fd);
                spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
            }
            return;
        }
        hstats.accepted++;
        if (nconns >= cfg.max_conns && !make_room()) {
            refuse(fd);
            continue;
        }
        c = slot_take(); /* there is one: nconns < max_conns here */
        if (!c) {
            refuse(fd);
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        peer_name(&ss, peer, sizeof(peer));
        conn_init(c, fd, peer, now);
        conns[nconns++] = c;
        hstats.active = (unsigned long)nconns;
    }
}

static void serve(int lfd)
{
    struct pollfd *pfd = calloc((size_t)cfg.max_conns + 1, sizeof(*pfd));

    if (!pfd) {
        log_line("out of memory");
        exit(1);
    }
    prefault(pfd, ((size_t)cfg.max_conns + 1) * sizeof(*pfd));
    stats_prefault();
    respond_prefault();
    while (!stopping) {
        long long now = now_ms(), next = now + 1000;
        int n;

        for (int i = 0; i < nconns; i++) {
            long long d = conn_deadline(conns[i]);

            if (d < next)
                next = d;
        }
        pfd[0].fd = lfd;
        pfd[0].events = POLLIN;
        for (int i = 0; i < nconns; i++) {
            pfd[i + 1].fd = conns[i]->fd;
            pfd[i + 1].events = (short)((conn_wants_read(conns[i]) ? POLLIN : 0) |
                                        (conn_wants_write(conns[i]) ? POLLOUT : 0));
            pfd[i + 1].revents = 0;
        }
        n = poll(pfd, (nfds_t)nconns + 1, next > now ? (int)(next - now) : 0);
        if (n < 0 && (errno == ENOMEM || errno == EAGAIN)) {
            /* The kernel is short of memory for a moment (a large set is copied in): the
             * connections are all still there, so wait a little and poll again. */
            usleep(10000);
            continue;
        }
        if (n < 0 && errno != EINTR) {
            log_line("poll: %s", strerror(errno));
            exit(1);
        }
        now = now_ms();
        /* Connections first (from the last, so drop() moves only ones already handled). */
        for (int i = nconns - 1; i >= 0; i--) {
            struct conn *c = conns[i];
            short re = n > 0 ? pfd[i + 1].revents : 0;
            enum conn_step st = CONN_OK;

            /* An error, or a hang-up with nothing (asked for) to read: the client is gone.
             * (POLLIN is reported only when asked for: never into a full input buffer.) */
            if ((re & POLLERR) || ((re & POLLHUP) && !(re & POLLIN)))
                st = CONN_CLOSE;
            else if (re & POLLIN)
                st = conn_on_readable(c, now);
            if (st == CONN_OK && (re & POLLOUT))
                st = conn_on_writable(c, now);
            if (st == CONN_OK)
                st = conn_on_tick(c, now);
            if (st == CONN_CLOSE)
                drop(i);
        }
        if (n > 0 && (pfd[0].revents & POLLIN))
            accept_all(lfd, now);
    }
    free(pfd);
}

int main(int argc, char **argv)
{
    const char *bind_addr = "0.0.0.0", *port_file = NULL;
    int port = 80, lfd;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--access-log") == 0) {
            cfg.access_log = 1;
            continue;
        }
        if (!v)
            usage();
        i++;
        if (strcmp(a, "--port") == 0)
            port = number(v, 0, 65535);
        else if (strcmp(a, "--bind") == 0)
            bind_addr = v;
        else if (strcmp(a, "--root") == 0)
            cfg.root = v;
        else if (strcmp(a, "--proc") == 0)
            cfg.proc = v;
        else if (strcmp(a, "--max-conns") == 0)
            cfg.max_conns = number(v, 1, 65536);
        else if (strcmp(a, "--request-timeout") == 0)
            cfg.request_timeout = number(v, 1, 3600);
        else if (strcmp(a, "--idle-timeout") == 0)
            cfg.idle_timeout = number(v, 1, 3600);
        else if (strcmp(a, "--port-file") == 0)
            port_file = v;
        else
            usage();
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    conns = calloc((size_t)cfg.max_conns, sizeof(*conns));
    if (!conns || slots_init(cfg.max_conns) != 0) {
        log_line("out of memory");
        return 1;
    }
    hstats.started_ms = now_ms();
    lfd = listen_on(bind_addr, port, port_file);
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    serve(lfd);
    close(lfd);
    while (nconns > 0)
        drop(nconns - 1);
    log_line("stopped: %llu requests on %llu connections", hstats.requests, hstats.accepted);
    return 0;
}
