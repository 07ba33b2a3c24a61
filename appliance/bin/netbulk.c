/* netbulk: a bulk-transfer source and sink for tests and benchmarks, and a one-program-per-
 * connection service for the soak's fork/exec churn. Plain POSIX: the same source runs natively
 * and in the appliance.
 *
 *   netbulk source PORT BYTES   every connection gets BYTES of the pattern, then the close
 *   netbulk sink PORT           every connection is read to its end; "[netbulk] N bytes" logged
 *   netbulk exec PORT PROG [ARG...]   every connection runs PROG (execv) with the connection as
 *                               its standard input and output (like inetd's "nowait")
 *   netbulk hold PORT N BYTES   takes N connections and reads none until each holds BYTES unread
 *                               (FIONREAD), then reads each to its end and checks the pattern
 *                               from byte 0: the kernel holds many received segments at once
 *                               (tests/net/e2e.sh "held"); logs /proc/net/lwip's
 *                               NETFRONT_RX_LENT line while they are held and after
 *
 * The pattern (byte i = (i * 7 + (i >> 10)) mod 256) is what tests/tools/netclient generates
 * too, so a client can check what arrives by its SHA-256. Connections are served one at a time,
 * each by a child process, so several may run at once; a SIGCHLD handler reaps each child as
 * it ends (so no finished child waits as a zombie for the next connection). */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned char pattern_at(unsigned long long i)
{
    return (unsigned char)(i * 7 + (i >> 10));
}

/* The pattern repeats every 256 KB ((i * 7) mod 256 depends on i mod 256, (i >> 10) mod 256 on
 * i mod 256 KB): one period is made once and written as it is. Made byte by byte as it went,
 * the pattern cost ~15 instructions per byte, more than the network's own work, so bulk
 * figures measured this program instead of the kernels (make bench's tcp_rx_guest_insns). */
#define PERIOD (256u * 1024u)
static unsigned char period[PERIOD];

static int source(int fd, unsigned long long bytes)
{
    unsigned long long off = 0;

    if (!period[1])
        for (unsigned i = 0; i < PERIOD; i++)
            period[i] = pattern_at(i);
    while (off < bytes) {
        size_t at = (size_t)(off % PERIOD), n = PERIOD - at;
        ssize_t w;

        if (n > bytes - off)
            n = (size_t)(bytes - off);
        if (n > 65536)
            n = 65536; /* the writes the byte-by-byte version made */
        w = write(fd, period + at, n);
        if (w <= 0)
            return 1;
        off += (unsigned long long)w;
    }
    return 0;
}

static void reap(int sig)
{
    int saved = errno;

    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved;
}

static int run(int fd, char **argv)
{
    signal(SIGPIPE, SIG_DFL); /* an ignored signal would stay ignored in the program */
    if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
        return 1;
    close(fd);
    execv(argv[0], argv);
    fprintf(stderr, "[netbulk] exec %s: %s\n", argv[0], strerror(errno));
    return 127;
}

static int sink(int fd)
{
    static char buf[65536];
    unsigned long long total = 0;
    ssize_t r;

    while ((r = read(fd, buf, sizeof buf)) > 0)
        total += (unsigned long long)r;
    printf("[netbulk] %llu bytes\n", total);
    return r < 0;
}

/* /proc/net/lwip's line for the receive buffers lent to lwIP ("none" natively). */
static void lent_line(char *out, size_t size)
{
    char line[128];
    FILE *f = fopen("/proc/net/lwip", "r");

    snprintf(out, size, "none");
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "NETFRONT_RX_LENT", 16) == 0) {
            line[strcspn(line, "\n")] = 0;
            snprintf(out, size, "%s", line);
        }
    }
    if (f)
        fclose(f);
}

#define HOLD_MAX 16
static int hold(int l, int n, unsigned long long bytes)
{
    int c[HOLD_MAX], bad = 0;
    char lent[128];

    for (int i = 0; i < n; i++)
        while ((c[i] = accept(l, NULL, NULL)) < 0)
            ;
    for (int i = 0, waited = 0; i < n; waited++) { /* each holds BYTES: 30 s at most */
        int unread = 0;

        if (ioctl(c[i], FIONREAD, &unread) == 0 && (unsigned long long)unread >= bytes) {
            i++;
            continue;
        }
        if (waited >= 3000) {
            printf("[netbulk] hold: connection %d holds %d of %llu bytes after 30 s\n", i, unread,
                   bytes);
            bad = 1;
            break;
        }
        usleep(10000);
    }
    lent_line(lent, sizeof lent);
    printf("[netbulk] hold: %d connections of %llu bytes unread; %s\n", n, bytes, lent);
    for (int i = 0; i < n; i++) {
        static unsigned char buf[65536];
        unsigned long long off = 0;
        ssize_t r;

        while ((r = read(c[i], buf, sizeof buf)) > 0) {
            for (ssize_t k = 0; k < r && !bad; k++)
                if (buf[k] != pattern_at(off + (unsigned long long)k)) {
                    printf("[netbulk] hold: connection %d byte %llu is %u, want %u\n", i,
                           off + (unsigned long long)k, buf[k],
                           pattern_at(off + (unsigned long long)k));
                    bad = 1;
                }
            off += (unsigned long long)r;
        }
        if (off != bytes && !bad) {
            printf("[netbulk] hold: connection %d ended after %llu of %llu bytes\n", i, off, bytes);
            bad = 1;
        }
        close(c[i]);
    }
    lent_line(lent, sizeof lent);
    printf("[netbulk] hold: %d connections, %llu bytes, %s; %s\n", n, bytes * (unsigned)n,
           bad ? "FAILED" : "pattern intact", lent);
    fflush(stdout);
    return bad;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    int one = 1, l;

    int is_hold = argc >= 3 && strcmp(argv[1], "hold") == 0;

    if (argc < 3 || (strcmp(argv[1], "source") == 0 && argc < 4) ||
        (strcmp(argv[1], "exec") == 0 && argc < 4) ||
        (is_hold && (argc < 5 || atoi(argv[3]) < 1 || atoi(argv[3]) > HOLD_MAX)) ||
        (strcmp(argv[1], "source") != 0 && strcmp(argv[1], "sink") != 0 &&
         strcmp(argv[1], "exec") != 0 && !is_hold)) {
        fprintf(stderr, "usage: netbulk source PORT BYTES | netbulk sink PORT | "
                        "netbulk exec PORT PROG [ARG...] | netbulk hold PORT N BYTES\n");
        return 2;
    }
    int is_source = strcmp(argv[1], "source") == 0, is_exec = strcmp(argv[1], "exec") == 0;
    unsigned long long bytes = is_source ? strtoull(argv[3], NULL, 0) : 0;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, reap);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[2]));
    l = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 16)) {
        perror("netbulk: listen");
        return 1;
    }
    printf("[netbulk] %s on port %s\n", argv[1], argv[2]);
    fflush(stdout);
    if (is_hold)
        return hold(l, atoi(argv[3]), strtoull(argv[4], NULL, 0));
    for (;;) {
        int c = accept(l, NULL, NULL);

        if (c < 0)
            continue;
        fflush(stdout);
        pid_t pid = fork();
        /* No memory for a process this moment: try again a little later rather than drop the
         * connection (the kernel's fault injection, gfaults=, makes this happen). */
        for (int tries = 0; pid < 0 && (errno == ENOMEM || errno == EAGAIN) && tries < 100;
             tries++) {
            usleep(10000);
            pid = fork();
        }
        if (pid == 0) {
            close(l);
            signal(SIGCHLD, SIG_DFL);
            int rc = is_exec ? run(c, argv + 3) : is_source ? source(c, bytes) : sink(c);

            fflush(stdout);
            _exit(rc);
        }
        close(c);
    }
}
