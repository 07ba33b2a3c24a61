/*
 * tcpfail: TCP over loopback with lwIP's allocations failed exactly where it sends control
 * segments, and no stall for it (issue 15). /proc/sys/ringvisor/lwip_fail (guest/net/lwip_faults.c)
 * fails the next N allocations lwIP makes in TCP's timer ("timer N") or while a SYN reaches TCP
 * ("syn N"), wherever they run; this program is the only user of TCP while it runs.
 *
 *   ack N: one byte on a fresh connection; the receiver's delayed ACK, sent from TCP's timer, has
 *          its allocation failed N times in a row. lwIP dropped it after one failed try there,
 *          and the sender waited for its retransmission timer.
 *   syn N [after K]: a connect whose SYN meets N failed allocations at the listener, after K
 *          that succeed (the new pcb, which lwIP's tcp_alloc tries five times; then the SYN-ACK's
 *          pbuf and segment and its copy on loopback). lwIP dropped the SYN when the pcb or the
 *          SYN-ACK could not be allocated, and the client waited for its SYN retransmission.
 *
 * The verdict counts, it does not time: the sender's segment (or SYN) must be acknowledged with
 * no retransmission at all (TCP_RETRANS_SEGS in /proc/net/lwip, which counts the retransmission
 * timer's too), all N failures must have been made (the control file reads 0 after), and no
 * other connection may have been ended to make room (lwIP's tcp_alloc did that when a pcb could
 * not be allocated: the TCP_PCB pcbs in use after a SYN case must be as after a clean one), so a
 * loaded host, which stretches both lwIP's timers and the retries alike, cannot change it. The
 * guest's clock is printed for each case. "tcpfail: ok" at the end, or "tcpfail: FAILED ...".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CTL "/proc/sys/ringvisor/lwip_fail"
#define PORT 5913
#define WAIT_MS 20000 /* what the sender may wait for its ACK, retransmissions included */

static int failures;
static long clean_pcbs = -1; /* pcbs a clean connect and close leaves (its TIME-WAIT) */

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void fail(const char *what, int n, const char *why)
{
    printf("tcpfail: FAILED %s %d: %s\n", what, n, why);
    failures++;
}

/* The whole of a small /proc file into buf: its length, or -1. */
static int slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY), len = 0, n;

    if (fd < 0)
        return -1;
    while (len < (int)size - 1 && (n = (int)read(fd, buf + len, size - 1 - len)) > 0)
        len += n;
    close(fd);
    buf[len] = 0;
    return len;
}

/* The number after "name" at the start of a line of path, or -1. */
static long field(const char *path, const char *name)
{
    static char buf[8192];
    size_t len = strlen(name);

    if (slurp(path, buf, sizeof(buf)) < 0)
        return -1;
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, name, len) && (l[len] == ' ' || l[len] == '\t'))
            return strtol(l + len, NULL, 10);
    return -1;
}

static long retrans(void)
{
    return field("/proc/net/lwip", "TCP_RETRANS_SEGS");
}

static long pcbs(void)
{
    return field("/proc/net/lwip", "TCP_PCB");
}

static int arm(const char *site, int n, int skip)
{
    char line[40];
    int fd = open(CTL, O_WRONLY), len = snprintf(line, sizeof(line), "%s %d %d\n", site, n, skip);
    int ok = fd >= 0 && write(fd, line, (size_t)len) == len;

    if (fd >= 0)
        close(fd);
    return ok ? 0 : -1;
}

static struct sockaddr_in loopback(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(PORT)};

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int listener(void)
{
    struct sockaddr_in a = loopback();
    int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 8)) {
        perror("tcpfail: listener");
        exit(1);
    }
    return l;
}

/* A connection to the listener: the client's end, the server's in *s; -1 on an error. */
static int connect_pair(int l, int *s)
{
    struct sockaddr_in a = loopback();
    struct timeval tv = {WAIT_MS / 1000, 0};
    int c = socket(AF_INET, SOCK_STREAM, 0);

    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a)) {
        if (c >= 0)
            close(c);
        return -1;
    }
    *s = accept(l, NULL, NULL);
    if (*s < 0) {
        close(c);
        return -1;
    }
    return c;
}

/* The control file refuses what it does not understand. (Every process is root here: the file
 * takes writes only with gfaults= on the command line, gfaults-off checks the refusal.) */
static void check_refusals(void)
{
    static const char *const bad[] = {"\n",           "timer",       "timer ",        "timer x",
                                      "timer -1",     "timer 1 2 3", "syn 1 x",       "syn 1 ",
                                      "other 1",      "bogus 1",     "timer 1000001", "timer  1",
                                      "syn 99999999", "timer 1\n\n", "TIMER 1"};
    char want[64], got[64];
    int refused = 0, n = (int)(sizeof(bad) / sizeof(bad[0]));

    slurp(CTL, want, sizeof(want));
    for (int i = 0; i < n; i++) {
        int fd = open(CTL, O_WRONLY);
        long len = (long)strlen(bad[i]), w = fd < 0 ? -2 : write(fd, bad[i], (size_t)len);
        int e = errno;

        if (fd >= 0)
            close(fd);
        if (w == -1 && e == EINVAL)
            refused++;
        else
            printf("tcpfail: FAILED refusal: \"%s\" gave %ld (%s)\n", bad[i], w, strerror(e));
    }
    slurp(CTL, got, sizeof(got));
    if (strcmp(want, got))
        printf("tcpfail: FAILED refusal: the counts moved: \"%s\" then \"%s\"\n", want, got);
    if (refused != n || strcmp(want, got)) {
        failures++;
        printf("tcpfail: FAILED refusal: %d of %d malformed lines refused\n", refused, n);
        return;
    }
    printf("tcpfail: " CTL ": %d malformed lines refused, the counts unmoved\n", n);
}

static void case_ack(int l, int n)
{
    int s, c = connect_pair(l, &s), q = 1;
    long r0 = retrans(), t0, t;

    if (c < 0) {
        fail("ack", n, strerror(errno));
        return;
    }
    if (arm("timer", n, 0)) {
        fail("ack", n, "cannot arm " CTL);
        return;
    }
    t0 = now_ms();
    if (write(c, "x", 1) != 1)
        fail("ack", n, "write");
    while ((t = now_ms() - t0) < WAIT_MS && ioctl(c, TIOCOUTQ, &q) == 0 && q > 0)
        sleep_ms(5);
    long left = field(CTL, "timer"), r = retrans() - r0;
    printf("tcpfail: ack %d: its allocation failed %ld times in TCP's timer: acknowledged after "
           "%ld ms, %ld retransmissions\n",
           n, n - left, t, r);
    if (q != 0)
        fail("ack", n, "the byte was never acknowledged");
    if (left != 0)
        fail("ack", n, "not every failure was made (the ACK went before them?)");
    if (r != 0)
        fail("ack", n, "the sender retransmitted: the ACK waited for its timer");
    arm("timer", 0, 0);
    close(s); /* the server closes first: the TIME-WAIT is the server's */
    close(c);
}

static void case_syn(int l, int n, int skip)
{
    long r0 = retrans(), p0 = pcbs(), t0, t, left;
    int s, c;

    if (arm("syn", n, skip)) {
        fail("syn", n, "cannot arm " CTL);
        return;
    }
    t0 = now_ms();
    c = connect_pair(l, &s);
    t = now_ms() - t0;
    left = field(CTL, "syn");
    printf("tcpfail: syn %d after %d: %ld allocations failed at the listener: connected after %ld "
           "ms, %ld retransmissions\n",
           n, skip, n - left, t, retrans() - r0);
    if (c < 0)
        fail("syn", n, strerror(errno));
    if (left != 0)
        fail("syn", n, "not every failure was made");
    if (retrans() - r0 != 0)
        fail("syn", n, "a segment was retransmitted: the SYN or its SYN-ACK waited for a timer");
    arm("syn", 0, 0);
    if (c >= 0) {
        close(s);
        close(c);
    }
    if (n == 0)
        clean_pcbs = pcbs() - p0;
    else if (pcbs() - p0 != clean_pcbs)
        fail("syn", n, "another connection was ended to make room for this one");
}

int main(int argc, char **argv)
{
    int l = listener(), ack_max = argc > 1 ? atoi(argv[1]) : 3,
        syn_max = argc > 2 ? atoi(argv[2]) : 8;

    if (retrans() < 0) {
        printf("tcpfail: FAILED: no TCP_RETRANS_SEGS in /proc/net/lwip\n");
        return 1;
    }
    check_refusals();
    for (int n = 1; n <= ack_max; n++)
        case_ack(l, n);
    case_syn(l, 0, 0);                 /* the clean case */
    for (int n = 1; n <= syn_max; n++) /* the pcb's tries, then what follows them */
        case_syn(l, n, 0);
    for (int skip = 1; skip <= 3; skip++) /* the pcb made: the SYN-ACK's pbuf, segment, copy */
        case_syn(l, 1, skip);
    printf("tcpfail: %ld ACK tries and %ld SYNs given again by the timer\n",
           field("/proc/net/lwip", "TCP_ACKS_RETRIED"),
           field("/proc/net/lwip", "TCP_SYNS_REPLAYED"));
    close(l);
    if (failures) {
        printf("tcpfail: FAILED: %d checks\n", failures);
        return 1;
    }
    printf("tcpfail: ok\n");
    return 0;
}
