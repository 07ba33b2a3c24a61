/* netclient: the host's side of the network tests (tests/net/e2e.sh), against the appliance's
 * echod and netbulk through QEMU's forwards on 127.0.0.1 only.
 *
 *   netclient pattern BYTES        netbulk's pattern on stdout (for its SHA-256)
 *   netclient echo PORT            stdin to the connection while its echo goes to stdout; after
 *                                  stdin's end, a half-close, then the rest of the echo
 *   netclient recv PORT            the connection's bytes to stdout, until its end
 *   netclient send PORT            stdin to the connection, half-close, wait for the end
 *   netclient conns PORT N         N connections open at once, each echoing its own lines;
 *                                  prints "conns: K of N open at once echoed"
 *   netclient udp PORT N           N datagrams, each echoed within 2 s; "udp: K of N echoed"
 *   netclient udpsend PORT N       N datagrams "datagram K", 50 ms apart, no wait for echoes
 *
 * Exit status 0 when everything asked for happened; 1 otherwise (with a message on stderr). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_port(int port, int type)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, type, 0);

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        perror("netclient: connect");
        exit(1);
    }
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Pump stdin -> sock and sock -> stdout until both ends are done. */
static int pump(int sock, int send_stdin, int recv_stdout)
{
    static char buf[65536];
    int in_open = send_stdin, out_open = 1;

    if (!send_stdin)
        shutdown(sock, SHUT_WR);
    while (out_open) {
        struct pollfd p[2] = {{sock, POLLIN, 0}, {0, POLLIN, 0}};
        int n = poll(p, in_open ? 2 : 1, 30000);

        if (n == 0) {
            fprintf(stderr, "netclient: 30 s without progress\n");
            return 1;
        }
        if (n < 0)
            return 1;
        if (p[0].revents) {
            ssize_t r = read(sock, buf, sizeof buf);

            if (r < 0) {
                perror("netclient: read");
                return 1;
            }
            if (r == 0)
                out_open = 0;
            else if (recv_stdout && write_all(1, buf, (size_t)r))
                return 1;
        }
        if (in_open && p[1].revents) {
            ssize_t r = read(0, buf, sizeof buf);

            if (r <= 0) {
                in_open = 0;
                shutdown(sock, SHUT_WR);
            } else if (write_all(sock, buf, (size_t)r)) {
                perror("netclient: write");
                return 1;
            }
        }
    }
    return 0;
}

/* One line to fd and its echo back within 10 s: 1 if it came whole and equal. */
static int echo_line(int fd, const char *line)
{
    size_t len = strlen(line), have = 0;
    char got[64];

    if (write_all(fd, line, len))
        return 0;
    while (have < len) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;

        if (poll(&p, 1, 10000) != 1 || (r = read(fd, got + have, len - have)) <= 0)
            return 0;
        have += (size_t)r;
    }
    return memcmp(got, line, len) == 0;
}

/* N connections open at once: each is opened and echoes a first line before the next is opened
 * (QEMU's forward accepts connections one at a time, from a listen queue of one: opening them
 * all in one go only measures the host's SYN retransmission timer), then each echoes a second
 * line while all are open. */
static int conns(int port, int n)
{
    int *fd = calloc((size_t)n, sizeof *fd), ok = 0;
    char line[64];

    for (int i = 0; i < n; i++) {
        fd[i] = connect_port(port, SOCK_STREAM);
        snprintf(line, sizeof line, "connection %d\n", i);
        if (!echo_line(fd[i], line)) {
            fprintf(stderr, "netclient: connection %d: no echo\n", i);
            break;
        }
    }
    for (int i = 0; i < n; i++) {
        snprintf(line, sizeof line, "again %d\n", i);
        ok += fd[i] > 0 && echo_line(fd[i], line);
    }
    for (int i = 0; i < n; i++)
        if (fd[i] > 0)
            close(fd[i]);
    free(fd);
    printf("conns: %d of %d open at once echoed\n", ok, n);
    return ok == n ? 0 : 1;
}

static int udp(int port, int n)
{
    int fd = connect_port(port, SOCK_DGRAM), ok = 0;
    char msg[64], got[64];

    for (int i = 0; i < n; i++) {
        int len = snprintf(msg, sizeof msg, "datagram %d", i);
        struct pollfd p = {fd, POLLIN, 0};

        send(fd, msg, (size_t)len, 0);
        if (poll(&p, 1, 2000) == 1 && recv(fd, got, sizeof got, 0) == len &&
            !memcmp(got, msg, (size_t)len))
            ok++;
    }
    printf("udp: %d of %d echoed\n", ok, n);
    return ok == n ? 0 : 1;
}

static int udpsend(int port, int n)
{
    int fd = connect_port(port, SOCK_DGRAM);
    char msg[64];

    for (int i = 0; i < n; i++) {
        int len = snprintf(msg, sizeof msg, "datagram %d", i);

        if (send(fd, msg, (size_t)len, 0) != len) {
            perror("netclient: send");
            return 1;
        }
        usleep(50000);
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "pattern") == 0) {
        static unsigned char buf[65536];
        unsigned long long bytes = strtoull(argv[2], NULL, 0), off = 0;

        while (off < bytes) {
            size_t n = bytes - off < sizeof buf ? (size_t)(bytes - off) : sizeof buf;

            for (size_t i = 0; i < n; i++)
                buf[i] = (unsigned char)((off + i) * 7 + ((off + i) >> 10));
            if (write_all(1, (char *)buf, n))
                return 1;
            off += n;
        }
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "echo") == 0)
        return pump(connect_port(atoi(argv[2]), SOCK_STREAM), 1, 1);
    if (argc >= 3 && strcmp(argv[1], "recv") == 0)
        return pump(connect_port(atoi(argv[2]), SOCK_STREAM), 0, 1);
    if (argc >= 3 && strcmp(argv[1], "send") == 0)
        return pump(connect_port(atoi(argv[2]), SOCK_STREAM), 1, 0);
    if (argc >= 4 && strcmp(argv[1], "conns") == 0)
        return conns(atoi(argv[2]), atoi(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "udp") == 0)
        return udp(atoi(argv[2]), atoi(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "udpsend") == 0)
        return udpsend(atoi(argv[2]), atoi(argv[3]));
    fprintf(stderr, "usage: see the top of tests/tools/netclient.c\n");
    return 2;
}
