/* echod: the echo service (RFC 862) on TCP and UDP, one process, poll(2) over every socket.
 * Plain POSIX: the same source runs natively and in the appliance (tests and benchmarks).
 *
 *   echod [--port N] [--max-conns N]      (defaults: port 7, 1024 connections)
 *
 * TCP: each connection's bytes come back in order; a connection whose echo cannot be written
 * yet is not read further until it can (so a client that does not read stalls only itself).
 * After the client's EOF the rest is flushed and the connection closed. UDP: each datagram goes
 * back to its sender. Errors on one connection close that connection only.
 *
 * Memory: the connections' records (16 kB buffers) are --max-conns slots mapped at start-up
 * (appliance/include/slots.h, as httpd's), each written whole the first time it is taken; the
 * stack's deepest frame (the 64 kB datagram buffer) is touched at start-up. So serving allocates
 * nothing, and the memory in use depends only on the most connections ever open at once: the
 * soak's memory check is exact (tests/net/soak.sh; with a calloc per connection, musl's malloc
 * kept or returned a 20 kB mapping depending on how the connections had overlapped). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "slots.h"

#define BUF 16384

struct conn {
    int fd;
    size_t len, off; /* buffered echo: bytes [off, len) still to write */
    int eof;
    char buf[BUF];
};

static struct slots slots;

static int open_sockets(int port, int *tcp, int *udp)
{
    struct sockaddr_in a;
    int one = 1;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    *tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    *udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (*tcp < 0 || *udp < 0)
        return -1;
    setsockopt(*tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(*tcp, (struct sockaddr *)&a, sizeof a) || listen(*tcp, 128) ||
        bind(*udp, (struct sockaddr *)&a, sizeof a))
        return -1;
    return 0;
}

/* With prefault_only, only touches its buffer (the stack's deepest frame) and returns. */
__attribute__((noinline)) static void udp_echo(int udp, int prefault_only)
{
    char buf[65536];
    struct sockaddr_in from;

    if (prefault_only) {
        prefault(buf, sizeof buf);
        __asm__ volatile("" : : "r"(buf) : "memory");
        return;
    }
    for (;;) {
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(udp, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);

        if (n < 0)
            return;
        sendto(udp, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
    }
}

/* Move bytes for one connection; 0 to keep it, -1 to close it. */
static int serve(struct conn *c, short revents)
{
    if (revents & POLLOUT || c->off < c->len) {
        while (c->off < c->len) {
            ssize_t w = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);

            if (w < 0)
                return errno == EAGAIN ? 0 : -1;
            c->off += (size_t)w;
        }
        c->off = c->len = 0;
    }
    if (c->eof)
        return -1;
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = recv(c->fd, c->buf, BUF, 0);

        if (n == 0)
            c->eof = 1;
        else if (n < 0)
            return errno == EAGAIN ? 0 : -1;
        else
            c->len = (size_t)n;
        return serve(c, 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int port = 7, max = 1024, tcp, udp, one = 1;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--max-conns") == 0)
            max = atoi(argv[i + 1]);
    }
    if (max < 1 || max > 65536) {
        fprintf(stderr, "echod: --max-conns %d: from 1 to 65536\n", max);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (open_sockets(port, &tcp, &udp)) {
        perror("echod: socket");
        return 1;
    }
    printf("[echod] echo on TCP and UDP port %d\n", port);
    fflush(stdout);
    struct conn **conns = calloc((size_t)max, sizeof *conns);
    struct pollfd *pfd = calloc((size_t)max + 2, sizeof *pfd);
    int n = 0;

    if (!conns || !pfd || slots_setup(&slots, max, sizeof(struct conn))) {
        fprintf(stderr, "echod: out of memory for %d connections\n", max);
        return 1;
    }
    prefault(conns, (size_t)max * sizeof *conns);
    prefault(pfd, ((size_t)max + 2) * sizeof *pfd);
    udp_echo(udp, 1);
    for (;;) {
        pfd[0] = (struct pollfd){tcp, n < max ? POLLIN : 0, 0};
        pfd[1] = (struct pollfd){udp, POLLIN, 0};
        for (int i = 0; i < n; i++)
            pfd[i + 2] = (struct pollfd){
                conns[i]->fd, (short)(conns[i]->off < conns[i]->len ? POLLOUT : POLLIN), 0};
        if (poll(pfd, (nfds_t)n + 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOMEM || errno == EAGAIN) { /* a moment's shortage: poll again */
                usleep(10000);
                continue;
            }
            perror("echod: poll");
            return 1;
        }
        if (pfd[1].revents)
            udp_echo(udp, 0);
        for (int i = n - 1; i >= 0; i--) {
            if (!pfd[i + 2].revents)
                continue;
            if (serve(conns[i], pfd[i + 2].revents)) {
                close(conns[i]->fd);
                slots_give(&slots, conns[i]);
                conns[i] = conns[--n];
            }
        }
        while (pfd[0].revents && n < max) {
            int fd = accept4(tcp, NULL, NULL, SOCK_NONBLOCK);

            if (fd < 0)
                break;
            conns[n] = slots_take(&slots); /* n < max: one is free */
            conns[n]->len = conns[n]->off = 0;
            conns[n]->eof = 0;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            conns[n++]->fd = fd;
        }
    }
}
