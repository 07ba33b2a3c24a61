/* netbench: the host's side of make bench's network figures (tests/bench/net.sh), against
 * echod and netbulk (appliance/bin/) through QEMU's forwards on 127.0.0.1 only. The same client
 * drives our appliance and the Linux VM, which run the same static binaries.
 *
 *   netbench rx PORT BYTES      read a netbulk source's connection to its end; it must bring
 *                               BYTES; prints megabits per second (connect to the last byte)
 *   netbench tx PORT BYTES      BYTES into a netbulk sink, half-close, wait for its close;
 *                               prints megabits per second (connect to the sink's close)
 *   netbench rr PORT SECONDS    one connection to echod (TCP_NODELAY), one byte out and back,
 *                               again and again for SECONDS; prints round trips per second
 *   netbench crr PORT SECONDS   connect, one byte out and back, close, again and again for
 *                               SECONDS; prints connections per second
 *   netbench rrn|crrn PORT N    the same for exactly N round trips (connections) instead of a
 *                               time (tests/bench/net-insns.sh counts instructions per one)
 *
 * Megabits are 10^6 bits. Exit status 0 with the figure on stdout; 1 with a message on stderr
 * when a connection fails, a peer stalls for 30 s, or fewer bytes than asked for arrive. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STALL_MS 30000

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "netbench: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static int connect_port(int port)
{
    struct sockaddr_in a;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a))
        die("connect");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Waits until fd is ready for events; a stalled peer ends the run. */
static void wait_ready(int fd, short events)
{
    struct pollfd p = {fd, events, 0};
    int n;

    while ((n = poll(&p, 1, STALL_MS)) < 0 && errno == EINTR)
        ;
    if (n == 0) {
        errno = 0;
        die("30 s without progress");
    }
    if (n < 0)
        die("poll");
}

static ssize_t read_some(int fd, void *buf, size_t len)
{
    ssize_t r;

    wait_ready(fd, POLLIN);
    r = read(fd, buf, len);
    if (r < 0)
        die("read");
    return r;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w;

        wait_ready(fd, POLLOUT);
        w = write(fd, p, n);
        if (w <= 0)
            die("write");
        p += w;
        n -= (size_t)w;
    }
}

static double mbps(unsigned long long bytes, double secs)
{
    return (double)bytes * 8 / 1e6 / (secs > 1e-9 ? secs : 1e-9);
}

static int bulk_rx(int port, unsigned long long want)
{
    static char buf[65536];
    unsigned long long got = 0;
    double t0 = now_s();
    int fd = connect_port(port);
    ssize_t r;

    while ((r = read_some(fd, buf, sizeof buf)) > 0)
        got += (unsigned long long)r;
    close(fd);
    if (got != want) {
        fprintf(stderr, "netbench: rx: %llu bytes, want %llu\n", got, want);
        return 1;
    }
    printf("%.2f\n", mbps(got, now_s() - t0));
    return 0;
}

static int bulk_tx(int port, unsigned long long bytes)
{
    static char buf[65536];
    unsigned long long left = bytes;
    double t0 = now_s();
    int fd = connect_port(port);

    while (left) {
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;

        write_all(fd, buf, n);
        left -= n;
    }
    shutdown(fd, SHUT_WR);
    while (read_some(fd, buf, sizeof buf) > 0) /* the sink says nothing; its close ends it */
        ;
    close(fd);
    printf("%.2f\n", mbps(bytes, now_s() - t0));
    return 0;
}

/* One byte out and its echo back. */
static void round_trip(int fd)
{
    char c = 'x';

    write_all(fd, &c, 1);
    if (read_some(fd, &c, 1) != 1) {
        errno = 0;
        die("the echo closed the connection");
    }
}

/* For secs, or (count > 0) for count round trips. */
static int request_response(int port, double secs, unsigned long long count, int reconnect)
{
    unsigned long long n = 0;
    double t0 = now_s(), t = t0;
    int fd = reconnect ? -1 : connect_port(port);

    while (count ? n < count : t - t0 < secs) {
        if (reconnect)
            fd = connect_port(port);
        round_trip(fd);
        if (reconnect)
            close(fd);
        n++;
        t = now_s();
    }
    if (!reconnect)
        close(fd);
    printf("%.1f\n", (double)n / (t - t0 > 1e-9 ? t - t0 : 1e-9));
    return 0;
}

int main(int argc, char **argv)
{
    int port;

    if (argc != 4) {
        fprintf(stderr,
                "usage: netbench rx|tx PORT BYTES | rr|crr PORT SECONDS | rrn|crrn PORT N\n");
        return 2;
    }
    port = atoi(argv[2]);
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "netbench: bad port '%s'\n", argv[2]);
        return 2;
    }
    if (!strcmp(argv[1], "rx"))
        return bulk_rx(port, strtoull(argv[3], NULL, 10));
    if (!strcmp(argv[1], "tx"))
        return bulk_tx(port, strtoull(argv[3], NULL, 10));
    if (!strcmp(argv[1], "rr") || !strcmp(argv[1], "crr")) {
        double secs = atof(argv[3]);

        if (secs <= 0) {
            fprintf(stderr, "netbench: bad duration '%s'\n", argv[3]);
            return 2;
        }
        return request_response(port, secs, 0, argv[1][0] == 'c');
    }
    if (!strcmp(argv[1], "rrn") || !strcmp(argv[1], "crrn")) {
        unsigned long long count = strtoull(argv[3], NULL, 10);

        if (count == 0) {
            fprintf(stderr, "netbench: bad count '%s'\n", argv[3]);
            return 2;
        }
        return request_response(port, 0, count, argv[1][0] == 'c');
    }
    fprintf(stderr, "netbench: unknown mode '%s'\n", argv[1]);
    return 2;
}
