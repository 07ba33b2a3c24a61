/* t_socknb: sockets that do not block, and poll/select across sockets, pipes and the console:
 * a non-blocking connect (EINPROGRESS, then writable, SO_ERROR 0; to a closed port SO_ERROR
 * ECONNREFUSED), EAGAIN from accept, recv and a full send buffer, SOCK_NONBLOCK/FIONBIO/
 * O_NONBLOCK alike, poll readiness as data, EOF and resets arrive, select over a socket and a
 * pipe, dup and fork sharing a socket, close-on-exec. Same source natively (its own network
 * namespace) and in the appliance; over 127.0.0.1. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include "check.h"

#define PORT 5801

static int listener(int port)
{
    struct sockaddr_in a = loopback(port);
    int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 8))
        return -1;
    return s;
}

static short wait_for(int fd, short events, int ms)
{
    struct pollfd p = {fd, events, 0};

    return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

static void nonblocking_connect(void)
{
    int l = listener(PORT), c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), a, err = -1;
    struct sockaddr_in to = loopback(PORT);
    socklen_t len = sizeof err;
    char buf[8];

    CHECK(l >= 0, "a non-blocking listener");
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN, "accept with nothing queued");
    CHECK_INT(wait_for(l, POLLIN, 0), 0, "poll: the listener is not readable yet");
    int r = connect(c, (struct sockaddr *)&to, sizeof to);
    CHECK(r == 0 || errno == EINPROGRESS, "non-blocking connect: 0 or EINPROGRESS");
    CHECK(wait_for(c, POLLOUT, 5000) & POLLOUT, "the connecting socket becomes writable");
    CHECK_INT(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0, "getsockopt SO_ERROR");
    CHECK_INT(err, 0, "SO_ERROR 0: connected");
    CHECK(wait_for(l, POLLIN, 5000) & POLLIN, "poll: the listener is readable");
    a = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    CHECK(a >= 0, "accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)");
    CHECK((fcntl(a, F_GETFL) & O_NONBLOCK) && (fcntl(a, F_GETFD) & FD_CLOEXEC),
          "the accepted socket is non-blocking and close-on-exec");
    CHECK_ERR(recv(a, buf, sizeof buf, 0), EAGAIN, "recv with nothing there");
    CHECK_INT(wait_for(a, POLLIN, 0), 0, "poll: not readable");
    CHECK_INT(send(c, "ping", 4, 0), 4, "send 4");
    CHECK_INT(wait_for(a, POLLIN, 5000), POLLIN, "poll: POLLIN");
    CHECK_INT(recv(a, buf, sizeof buf, 0), 4, "recv 4");

    /* fill the send buffer: the peer does not read */
    static char big[65536];
    long total = 0;
    ssize_t w;
    while ((w = send(c, big, sizeof big, 0)) > 0)
        total += w;
    CHECK(w == -1 && errno == EAGAIN, "send on a full buffer: EAGAIN");
    CHECK(total > 0, "some bytes went before the buffer filled");
    CHECK(!(wait_for(c, POLLOUT, 0) & POLLOUT), "poll: a full socket is not writable");
    long got = 0;
    ssize_t n;
    while (got < total && wait_for(a, POLLIN, 5000)) {
        if ((n = recv(a, big, sizeof big, 0)) <= 0)
            break;
        got += n;
    }
    CHECK(got == total, "the reader drains every byte sent");
    CHECK(wait_for(c, POLLOUT, 5000) & POLLOUT, "and the writer becomes writable again");

    /* EOF and reset as poll sees them */
    close(c);
    CHECK(wait_for(a, POLLIN, 5000) & POLLIN, "the peer's close: POLLIN");
    CHECK_INT(recv(a, buf, sizeof buf, 0), 0, "then recv returns 0");
    close(a);

    c = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    CHECK_INT(ioctl(c, FIONBIO, &on), 0, "FIONBIO");
    struct sockaddr_in closed = loopback(PORT + 1);
    r = connect(c, (struct sockaddr *)&closed, sizeof closed);
    CHECK(r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED), "connect to a closed port");
    wait_for(c, POLLOUT, 5000);
    err = 0;
    len = sizeof err;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
    CHECK(err == ECONNREFUSED || (r == -1 && errno == ECONNREFUSED), "SO_ERROR: ECONNREFUSED");
    close(c);
    close(l);
}

static void select_mix(void)
{
    int l = listener(PORT + 2), p[2], c = socket(AF_INET, SOCK_STREAM, 0), a;
    struct sockaddr_in to = loopback(PORT + 2);
    fd_set rd;
    struct timeval tv = {0, 0};
    char buf[8];

    pipe(p);
    CHECK_INT(connect(c, (struct sockaddr *)&to, sizeof to), 0, "blocking connect");
    wait_for(l, POLLIN, 5000);
    a = accept(l, NULL, NULL);
    FD_ZERO(&rd);
    FD_SET(a, &rd);
    FD_SET(p[0], &rd);
    CHECK_INT(select((a > p[0] ? a : p[0]) + 1, &rd, NULL, NULL, &tv), 0, "select: nothing ready");
    write(p[1], "x", 1);
    send(c, "y", 1, 0);
    FD_ZERO(&rd);
    FD_SET(a, &rd);
    FD_SET(p[0], &rd);
    tv.tv_sec = 5;
    int n = select((a > p[0] ? a : p[0]) + 1, &rd, NULL, NULL, &tv);
    if (n == 1) { /* the other one may come a moment later */
        struct pollfd q[2] = {{a, POLLIN, 0}, {p[0], POLLIN, 0}};
        poll(q, 2, 5000);
        n = (q[0].revents & POLLIN ? 1 : 0) + (q[1].revents & POLLIN ? 1 : 0);
    }
    CHECK_INT(n, 2, "select/poll: the socket and the pipe are both readable");
    struct pollfd q[3] = {{a, POLLIN, 0}, {p[0], POLLIN, 0}, {c, POLLOUT, 0}};
    CHECK_INT(poll(q, 3, 0), 3, "poll over a socket, a pipe and a writable socket");
    read(p[0], buf, 1);
    recv(a, buf, 1, 0);

    /* dup and fork share the connection */
    int d = dup(a);
    CHECK(d >= 0, "dup of a socket");
    close(a);
    pid_t pid = check_fork();
    if (pid == 0) {
        char m[6];
        _exit(recv(d, m, 5, MSG_WAITALL) == 5 && memcmp(m, "child", 5) == 0 ? 0 : 1);
    }
    send(c, "child", 5, 0);
    check_status(check_wait(pid), 0, 0, "a forked child reads from the inherited socket");
    CHECK_INT(send(d, "back", 4, 0), 4, "the dup writes");
    CHECK_INT(recv(c, buf, sizeof buf, 0), 4, "and the peer reads it");
    close(d);
    CHECK_INT(recv(c, buf, sizeof buf, 0), 0, "EOF once the last descriptor closed");
    close(c);
    close(l);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    check_init();
    nonblocking_connect();
    select_mix();
    return check_done();
}
