/* t_poll: poll on pipes and files: readiness for reading and writing, POLLHUP, POLLERR, POLLNVAL,
 * ignored negative fds, timeout 0, a 50 ms timeout that expires, and a blocking poll woken by a
 * child's write. Times are checked, never printed. */
#include "check.h"

#include <fcntl.h>
#include <poll.h>

static int poll1(int fd, short events, int timeout, short *revents)
{
    struct pollfd pfd = {.fd = fd, .events = events, .revents = -1};
    int r = poll(&pfd, 1, timeout);
    *revents = pfd.revents;
    return r;
}

int main(void)
{
    check_init();
    int p[2];
    short rev;
    pipe(p);
    CHECK_INT(poll1(p[0], POLLIN, 0, &rev), 0, "empty pipe, timeout 0: nothing ready");
    CHECK_INT(rev, 0, "revents 0");
    CHECK_INT(poll1(p[1], POLLOUT, 0, &rev), 1, "the write end is ready");
    CHECK_INT(rev, POLLOUT, "revents POLLOUT");
    write(p[1], "abc", 3);
    CHECK_INT(poll1(p[0], POLLIN, 0, &rev), 1, "after a write the read end is ready");
    CHECK_INT(rev, POLLIN, "revents POLLIN");
    CHECK_INT(poll1(p[0], POLLIN, -1, &rev), 1, "timeout -1 returns at once when ready");
    close(p[1]);
    CHECK_INT(poll1(p[0], POLLIN, 0, &rev), 1, "data left, writer closed");
    CHECK((rev & POLLIN) && (rev & POLLHUP), "revents POLLIN | POLLHUP");
    char buf[8];
    read(p[0], buf, sizeof buf);
    CHECK_INT(poll1(p[0], POLLIN, 0, &rev), 1, "drained, writer closed");
    CHECK_INT(rev, POLLHUP, "revents POLLHUP");
    close(p[0]);

    pipe(p);
    close(p[0]);
    CHECK_INT(poll1(p[1], POLLOUT, 0, &rev), 1, "the reader closed");
    CHECK(rev & POLLERR, "the write end has POLLERR");
    close(p[1]);
    CHECK_INT(poll1(p[1], POLLIN, 0, &rev), 1, "a closed fd counts as ready");
    CHECK_INT(rev, POLLNVAL, "revents POLLNVAL");

    /* Several at once; a negative fd is skipped. */
    int a[2], b[2], c[2];
    pipe(a);
    pipe(b);
    pipe(c);
    write(a[1], "x", 1);
    write(c[1], "y", 1);
    struct pollfd set[4] = {
        {a[0], POLLIN, -1}, {b[0], POLLIN, -1}, {-5, POLLIN, -1}, {c[0], POLLIN, -1}};
    CHECK_INT(poll(set, 4, 0), 2, "two of three pipes ready");
    CHECK(set[0].revents == POLLIN && set[1].revents == 0 && set[2].revents == 0 &&
              set[3].revents == POLLIN,
          "revents: POLLIN, 0, 0 (negative fd), POLLIN");

    /* A 50 ms timeout runs out. */
    long long t0 = check_now_ns();
    CHECK_INT(poll1(b[0], POLLIN, 50, &rev), 0, "timeout 50 ms with nothing to read returns 0");
    long long ms = (check_now_ns() - t0) / 1000000;
    CHECK(ms >= 49, "it lasted at least 49 ms");
    t0 = check_now_ns();
    CHECK_INT(poll(NULL, 0, 30), 0, "poll on no fds sleeps and returns 0");
    CHECK((check_now_ns() - t0) / 1000000 >= 29, "for at least 29 ms");

    /* A blocked poll is woken by a child writing 20 ms later. */
    pid_t pid = check_fork();
    if (pid == 0) {
        struct timespec ts = {0, 20 * 1000000};
        nanosleep(&ts, NULL);
        write(b[1], "z", 1);
        _exit(0);
    }
    CHECK_INT(poll1(b[0], POLLIN, 5000, &rev), 1, "blocking poll woken by the child's write");
    CHECK_INT(rev, POLLIN, "revents POLLIN");
    check_status(check_wait(pid), 0, 0, "the writer");
    for (int i = 0; i < 2; i++) {
        close(a[i]);
        close(b[i]);
        close(c[i]);
    }

    int fd = open("/etc/motd", O_RDONLY);
    CHECK_INT(poll1(fd, POLLIN | POLLOUT, 0, &rev), 1, "a regular file is always ready");
    CHECK_INT(rev, POLLIN | POLLOUT, "revents POLLIN | POLLOUT");
    close(fd);
    fd = open("/dev/null", O_WRONLY);
    CHECK_INT(poll1(fd, POLLOUT, 0, &rev), 1, "/dev/null is ready for writing");
    close(fd);
    return check_done();
}
