/* t_pipe: pipes between processes: 1 MB through a pipe in odd-sized pieces, a pipeline between two
 * children, ping-pong, atomic writes of several writers, EOF when the writers close (also to a
 * reader already blocked), and SIGPIPE / EPIPE when the readers are gone. */
#include "check.h"

#define BIG (1024 * 1024 + 123)

static unsigned char byte_at(long i)
{
    return (unsigned char)(i * 13 + (i >> 12));
}

/* Writes BIG pattern bytes to fd in pieces of varying size; 0 on success. */
static int send_pattern(int fd)
{
    static unsigned char buf[9000];
    long off = 0, piece = 1;
    while (off < BIG) {
        long n = piece < BIG - off ? piece : BIG - off;
        for (long i = 0; i < n; i++)
            buf[i] = byte_at(off + i);
        if (write(fd, buf, (size_t)n) != n)
            return 1;
        off += n;
        piece = piece * 5 % 8999 + 1;
    }
    return 0;
}

/* Reads until EOF, checking the pattern; 0 if exactly BIG correct bytes came. */
static int receive_pattern(int fd)
{
    static unsigned char buf[3000];
    long off = 0;
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] != byte_at(off + i))
                return 1;
        off += r;
    }
    return r == 0 && off == BIG ? 0 : 2;
}

static void on_alarm(int sig)
{
    (void)sig; /* only there to interrupt a read that nothing else would end */
}

/* A reader blocked on an empty pipe must wake with EOF when the last writer goes (here, with
 * the child that held it). An alarm bounds the wait: a reader nobody wakes would otherwise
 * hang the whole test; it gets EINTR instead. 1 if it saw EOF. */
static int blocked_reader_sees_eof(void)
{
    int p[2];
    char c;
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: the alarm ends the read */
    sigaction(SIGALRM, &sa, NULL);
    pipe(p);
    pid_t pid = check_fork();
    if (pid == 0) {
        struct timespec ts = {0, 50 * 1000 * 1000}; /* the parent blocks in read meanwhile */
        close(p[0]);
        nanosleep(&ts, NULL);
        _exit(0);
    }
    close(p[1]);
    alarm(10);
    ssize_t n = read(p[0], &c, 1);
    alarm(0);
    close(p[0]);
    check_wait(pid);
    signal(SIGALRM, SIG_DFL);
    return CHECK_INT(n, 0, "a reader blocked on an empty pipe sees EOF when the last writer exits");
}

int main(void)
{
    check_init();
    int p[2], q[2];
    CHECK_INT(pipe(p), 0, "pipe");
    CHECK(p[0] == 3 && p[1] == 4, "pipe returns the lowest free fds, 3 and 4");
    CHECK_INT(write(p[1], "", 0), 0, "a 0-byte write");
    CHECK_INT(write(p[1], "hello", 5), 5, "write 5 bytes");
    char buf[16] = "";
    CHECK_INT(read(p[0], buf, 0), 0, "a 0-byte read");
    CHECK_INT(read(p[0], buf, sizeof buf), 5, "read returns what is there, not the full count");
    close(p[1]);
    CHECK_INT(read(p[0], buf, sizeof buf), 0, "EOF once the only writer closed");
    close(p[0]);
    /* First of the blocking cases: were it to fail, every later one would block for ever. */
    if (!blocked_reader_sees_eof())
        return check_done();

    /* Parent writes, child reads and checks. */
    pipe(p);
    pid_t pid = check_fork();
    if (pid == 0) {
        close(p[1]);
        _exit(receive_pattern(p[0]));
    }
    close(p[0]);
    CHECK_INT(send_pattern(p[1]), 0, "parent wrote %d bytes", BIG);
    close(p[1]);
    check_status(check_wait(pid), 0, 0, "child read them all, in order, then EOF");

    /* A pipeline between two children. */
    pipe(p);
    pid_t a = check_fork();
    if (a == 0) {
        close(p[0]);
        _exit(send_pattern(p[1]));
    }
    pid_t b = check_fork();
    if (b == 0) {
        close(p[1]);
        _exit(receive_pattern(p[0]));
    }
    close(p[0]);
    close(p[1]);
    check_status(check_wait(a), 0, 0, "pipeline writer");
    check_status(check_wait(b), 0, 0, "pipeline reader");

    /* Ping-pong: each side adds one. */
    pipe(p);
    pipe(q);
    if ((pid = check_fork()) == 0) {
        int v;
        close(p[1]);
        close(q[0]);
        while (read(p[0], &v, sizeof v) == sizeof v) {
            v++;
            write(q[1], &v, sizeof v);
        }
        _exit(0);
    }
    close(p[0]);
    close(q[1]);
    int v = 0, rounds = 0;
    for (int i = 0; i < 500; i++) {
        write(p[1], &v, sizeof v);
        if (read(q[0], &v, sizeof v) != sizeof v)
            break;
        rounds += v == 2 * i + 1;
        v++;
    }
    close(p[1]);
    close(q[0]);
    CHECK_INT(rounds, 500, "500 ping-pong round trips");
    check_status(check_wait(pid), 0, 0, "the echoing child ends on EOF");

    /* Writes up to PIPE_BUF are atomic: 4 writers, 200-byte records, never interleaved. */
    pipe(p);
    pid_t w[4];
    for (int k = 0; k < 4; k++)
        if ((w[k] = check_fork()) == 0) {
            char rec[200];
            close(p[0]);
            memset(rec, 'A' + k, sizeof rec);
            for (int i = 0; i < 100; i++)
                write(p[1], rec, sizeof rec);
            _exit(0);
        }
    close(p[1]);
    int counts[4] = {0, 0, 0, 0}, mixed = 0;
    char rec[200];
    size_t have = 0;
    ssize_t r;
    while ((r = read(p[0], rec + have, sizeof rec - have)) > 0) {
        have += (size_t)r;
        if (have < sizeof rec)
            continue;
        have = 0;
        int k = rec[0] - 'A';
        for (size_t i = 1; i < sizeof rec; i++)
            mixed += rec[i] != rec[0];
        if (k >= 0 && k < 4)
            counts[k]++;
    }
    close(p[0]);
    for (int k = 0; k < 4; k++)
        check_wait(w[k]);
    CHECK(counts[0] == 100 && counts[1] == 100 && counts[2] == 100 && counts[3] == 100,
          "400 records from 4 writers");
    CHECK_INT(mixed, 0, "no record interleaved with another");

    /* No readers left: SIGPIPE by default, EPIPE when it is ignored. */
    pipe(p);
    close(p[0]);
    if ((pid = check_fork()) == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(p[1], "x", 1);
        _exit(0);
    }
    check_status(check_wait(pid), 0, SIGPIPE, "write with no reader");
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(p[1], "x", 1), EPIPE, "write with no reader, SIGPIPE ignored");
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);

    /* The reader goes away while the writer is blocked on a full pipe. */
    pipe(p);
    if ((pid = check_fork()) == 0) {
        signal(SIGPIPE, SIG_DFL);
        close(p[0]);
        send_pattern(p[1]);
        _exit(0);
    }
    close(p[1]);
    CHECK_INT(read(p[0], buf, 1), 1, "the reader takes one byte");
    close(p[0]);
    check_status(check_wait(pid), 0, SIGPIPE, "the blocked writer once the reader closed");
    return check_done();
}
