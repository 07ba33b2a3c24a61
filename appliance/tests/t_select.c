/* t_select: select on pipes: read and write sets, EOF and a vanished reader count as ready, a zero
 * timeout, a 50 ms timeout that expires, a child's write waking a blocked select, high fd
 * numbers, and EBADF / EINVAL. */
#include "check.h"

#include <sys/select.h>

/* select on one fd for reading (rd) or writing; returns select's result, *set = still in set. */
static int sel1(int fd, int rd, long usec, int *set)
{
    fd_set fs;
    FD_ZERO(&fs);
    FD_SET(fd, &fs);
    struct timeval tv = {usec / 1000000, usec % 1000000};
    int r = select(fd + 1, rd ? &fs : NULL, rd ? NULL : &fs, NULL, usec < 0 ? NULL : &tv);
    *set = FD_ISSET(fd, &fs) ? 1 : 0;
    return r;
}

int main(void)
{
    check_init();
    int p[2], in;
    pipe(p);
    CHECK_INT(sel1(p[0], 1, 0, &in), 0, "empty pipe, zero timeout: 0");
    CHECK_INT(in, 0, "the fd is cleared from the set");
    CHECK_INT(sel1(p[1], 0, 0, &in), 1, "write end ready");
    CHECK_INT(in, 1, "the fd stays in the write set");
    write(p[1], "data", 4);
    CHECK_INT(sel1(p[0], 1, 0, &in), 1, "readable after a write");
    CHECK_INT(in, 1, "the fd stays in the read set");

    /* Read and write sets together, nothing in the exception set. */
    fd_set rd, wr, ex;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_ZERO(&ex);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    FD_SET(p[0], &ex);
    struct timeval tv = {0, 0};
    CHECK_INT(select(p[1] + 1, &rd, &wr, &ex, &tv), 2, "read + write sets: 2 ready");
    CHECK(FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr) && !FD_ISSET(p[0], &ex),
          "read and write set, exception set empty");

    char buf[8];
    read(p[0], buf, sizeof buf);
    close(p[1]);
    CHECK_INT(sel1(p[0], 1, 0, &in), 1, "EOF (writer closed) counts as readable");
    CHECK_INT(read(p[0], buf, sizeof buf), 0, "and read returns 0");
    close(p[0]);
    pipe(p);
    close(p[0]);
    CHECK_INT(sel1(p[1], 0, 0, &in), 1, "no reader: the write end is ready (write will fail)");
    close(p[1]);
    CHECK_ERR(sel1(p[1], 1, 0, &in), EBADF, "a closed fd in the set");
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL, "negative nfds");

    pipe(p);
    long long t0 = check_now_ns();
    CHECK_INT(sel1(p[0], 1, 50000, &in), 0, "50 ms timeout with nothing to read: 0");
    CHECK((check_now_ns() - t0) / 1000000 >= 49, "it lasted at least 49 ms");
    t0 = check_now_ns();
    struct timeval t30 = {0, 30000};
    CHECK_INT(select(0, NULL, NULL, NULL, &t30), 0, "select with no fds sleeps");
    CHECK((check_now_ns() - t0) / 1000000 >= 29, "for at least 29 ms");

    pid_t pid = check_fork();
    if (pid == 0) {
        struct timespec ts = {0, 20 * 1000000};
        nanosleep(&ts, NULL);
        write(p[1], "z", 1);
        _exit(0);
    }
    CHECK_INT(sel1(p[0], 1, -1, &in), 1, "select without timeout woken by the child's write");
    check_status(check_wait(pid), 0, 0, "the writer");

    /* A high descriptor, many bits into the set. */
    CHECK_INT(dup2(p[0], 100), 100, "dup2 the read end to fd 100");
    CHECK_INT(sel1(100, 1, 0, &in), 1, "fd 100 is readable");
    read(100, buf, 1);
    CHECK_INT(sel1(100, 1, 0, &in), 0, "fd 100 drained");
    FD_ZERO(&rd);
    FD_SET(100, &rd);
    FD_SET(p[0], &rd);
    write(p[1], "w", 1);
    CHECK_INT(select(101, &rd, NULL, NULL, &tv), 2, "both fds of the same pipe readable");
    close(100);
    close(p[0]);
    close(p[1]);
    return check_done();
}
