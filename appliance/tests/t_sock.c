/* t_sock: TCP and UDP sockets over loopback (127.0.0.1), blocking: a server and a client in two
 * processes, 1 MB each way in odd-sized pieces, EOF after shutdown and close, MSG_PEEK and
 * MSG_WAITALL, sendmsg/recvmsg with iovecs, names, options, UDP datagrams, and the errno of
 * each misuse (EADDRINUSE, ECONNREFUSED, ENOTCONN, EAFNOSUPPORT, EINVAL, ENOTSOCK, EBADF,
 * EFAULT on bad pointers in every call that takes one, EPIPE with and without SIGPIPE). Same source
 * natively (in its own network namespace) and in the appliance; nothing printed depends on
 * ephemeral ports. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "check.h"

#define PORT 5701
#define BIG (1024 * 1024 + 77)

static int listener(int port, int backlog)
{
    struct sockaddr_in a = loopback(port);
    int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, backlog)) {
        close(s);
        return -1;
    }
    return s;
}

static int connect_to(int port)
{
    struct sockaddr_in a = loopback(port);
    int s = socket(AF_INET, SOCK_STREAM, 0);

    if (connect(s, (struct sockaddr *)&a, sizeof a)) {
        close(s);
        return -1;
    }
    return s;
}

static unsigned char byte_at(long i)
{
    return (unsigned char)(i * 7 + (i >> 10));
}

static int send_pattern(int fd)
{
    static unsigned char buf[20000];
    long off = 0, piece = 1;

    while (off < BIG) {
        long n = piece < BIG - off ? piece : BIG - off;

        for (long i = 0; i < n; i++)
            buf[i] = byte_at(off + i);
        for (long done = 0; done < n;) {
            ssize_t w = write(fd, buf + done, (size_t)(n - done));

            if (w <= 0)
                return 1;
            done += w;
        }
        off += n;
        piece = piece * 7 % 19997 + 1;
    }
    return 0;
}

static int receive_pattern(int fd)
{
    static unsigned char buf[7000];
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

/* 1 MB from a child client to the parent's server, then back the other way. */
static void bulk(void)
{
    int l = listener(PORT, 4);

    CHECK(l >= 0, "listen on 127.0.0.1:%d", PORT);
    pid_t pid = check_fork();
    if (pid == 0) {
        close(l);
        int c = connect_to(PORT);
        if (c < 0)
            _exit(10);
        if (send_pattern(c))
            _exit(11);
        if (shutdown(c, SHUT_WR))
            _exit(12);
        _exit(receive_pattern(c) ? 13 : 0);
    }
    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    int a = accept(l, (struct sockaddr *)&peer, &plen);
    CHECK(a >= 0, "accept");
    CHECK(plen == sizeof peer && peer.sin_family == AF_INET &&
              peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && peer.sin_port != 0,
          "accept reports the client's address, 127.0.0.1");
    CHECK_INT(receive_pattern(a), 0, "server received %d bytes in order, then EOF", BIG);
    CHECK_INT(send_pattern(a), 0, "server sent %d bytes back", BIG);
    close(a);
    check_status(check_wait(pid), 0, 0, "client sent, shut down, received them all");
    close(l);
}

static void stream_details(void)
{
    int l = listener(PORT + 1, 2), c = connect_to(PORT + 1), a = accept(l, NULL, NULL);
    char buf[64];
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;

    CHECK(l >= 0 && c >= 0 && a >= 0, "connect and accept");
    CHECK_INT(getsockname(a, (struct sockaddr *)&sa, &len), 0, "getsockname of the accepted");
    CHECK(sa.sin_port == htons(PORT + 1) && sa.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "its local name is 127.0.0.1:%d", PORT + 1);
    len = sizeof sa;
    CHECK_INT(getpeername(c, (struct sockaddr *)&sa, &len), 0, "getpeername of the client");
    CHECK(sa.sin_port == htons(PORT + 1), "the client's peer is port %d", PORT + 1);
    int n = -1;
    CHECK_INT(ioctl(c, TIOCOUTQ, &n), 0, "SIOCOUTQ (TIOCOUTQ) before anything is sent");
    CHECK_INT(n, 0, "SIOCOUTQ: nothing outstanding");
    CHECK_ERR(ioctl(l, TIOCOUTQ, &n), EINVAL, "SIOCOUTQ on a listener");
    CHECK_INT(send(c, "hello world", 11, 0), 11, "send 11 bytes");
    usleep(20000);
    CHECK_INT(ioctl(a, FIONREAD, &n), 0, "FIONREAD");
    CHECK_INT(n, 11, "FIONREAD counts 11 bytes");
    CHECK_INT(recv(a, buf, 5, MSG_PEEK), 5, "MSG_PEEK 5");
    CHECK_INT(recv(a, buf + 5, 5, MSG_PEEK), 5, "MSG_PEEK again");
    CHECK(memcmp(buf, "hellohello", 10) == 0, "peeking does not consume");
    memset(buf, 0, sizeof buf);
    CHECK_INT(recv(a, buf, sizeof buf, 0), 11, "recv the 11");
    CHECK_STR(buf, "hello world", "the bytes");

    /* iovecs both ways */
    struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = 3;
    CHECK_INT(sendmsg(c, &m, 0), 6, "sendmsg of three iovecs");
    char x[3], y[10];
    struct iovec in[2] = {{x, 3}, {y, 3}};
    memset(&m, 0, sizeof m);
    m.msg_iov = in;
    m.msg_iovlen = 2;
    CHECK_INT(recvmsg(a, &m, MSG_WAITALL), 6, "recvmsg gathers them");
    CHECK(memcmp(x, "abc", 3) == 0 && memcmp(y, "def", 3) == 0, "split over the iovecs");

    /* MSG_WAITALL waits for a slower sender */
    pid_t pid = check_fork();
    if (pid == 0) {
        for (int i = 0; i < 4; i++) {
            usleep(10000);
            send(c, "12345", 5, 0);
        }
        _exit(0);
    }
    memset(buf, 0, sizeof buf);
    CHECK_INT(recv(a, buf, 20, MSG_WAITALL), 20, "MSG_WAITALL collects 20 bytes from 4 sends");
    check_wait(pid);

    /* options */
    int v = 1;
    socklen_t vl = sizeof v;
    CHECK_INT(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v), 0, "TCP_NODELAY on");
    v = 0;
    CHECK_INT(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl), 0, "get TCP_NODELAY");
    CHECK(v != 0, "TCP_NODELAY reads back set");
    v = 1;
    CHECK_INT(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v), 0, "SO_KEEPALIVE on");
    vl = sizeof v;
    v = 0;
    getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, &vl);
    CHECK(v != 0, "SO_KEEPALIVE reads back set");
    vl = sizeof v;
    getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &vl);
    CHECK_INT(v, SOCK_STREAM, "SO_TYPE");
    v = 65536;
    CHECK_INT(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &v, sizeof v), 0, "SO_SNDBUF");
    vl = sizeof v;
    getsockopt(c, SOL_SOCKET, SO_SNDBUF, &v, &vl);
    CHECK(v >= 65536, "SO_SNDBUF reads back at least what was set");
    struct timeval tv = {0, 50000};
    CHECK_INT(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0, "SO_RCVTIMEO 50 ms");
    CHECK_ERR(recv(a, buf, 1, 0), EAGAIN, "a recv that times out");
    struct linger lg = {1, 0};
    CHECK_INT(setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0, "SO_LINGER");

    /* shutdown and EOF */
    CHECK_INT(shutdown(c, SHUT_WR), 0, "shutdown(SHUT_WR)");
    CHECK_INT(recv(a, buf, sizeof buf, 0), 0, "the peer reads EOF");
    CHECK_INT(send(a, "back", 4, 0), 4, "the other direction still works");
    CHECK_INT(recv(c, buf, sizeof buf, 0), 4, "and is read");
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(send(c, "x", 1, 0), EPIPE, "send after SHUT_WR");
    CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "send after SHUT_WR, MSG_NOSIGNAL");
    signal(SIGPIPE, SIG_DFL);
    pid = check_fork();
    if (pid == 0) {
        send(c, "x", 1, 0);
        _exit(0);
    }
    check_status(check_wait(pid), 0, SIGPIPE, "send after SHUT_WR raises SIGPIPE");
    pid = check_fork();
    if (pid == 0) {
        _exit(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE ? 0 : 1);
    }
    check_status(check_wait(pid), 0, 0, "but not with MSG_NOSIGNAL");
    close(a);
    close(c);
    close(l);
}

static void refusals(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), t;
    struct sockaddr_in a = loopback(PORT + 2);
    char c;

    CHECK_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT, "an unknown family");
    CHECK_ERR(socket(AF_INET, 77, 0), EINVAL, "an unknown type");
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT,
              "TCP socket, UDP protocol");
    CHECK_ERR(connect(s, (struct sockaddr *)&a, sizeof a), ECONNREFUSED,
              "connect to a closed port");
    close(s);
    s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(recv(s, &c, 1, 0), ENOTCONN, "recv on an unconnected socket");
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    CHECK_ERR(getpeername(s, (struct sockaddr *)&sa, &len), ENOTCONN, "getpeername unconnected");
    CHECK_ERR(shutdown(s, SHUT_RDWR), ENOTCONN, "shutdown unconnected");
    CHECK_ERR(accept(s, NULL, NULL), EINVAL, "accept on a socket not listening");
    CHECK_ERR(bind(s, (struct sockaddr *)&a, 8), EINVAL, "bind with a short address");
    CHECK_ERR(bind(s, (struct sockaddr *)0x10, sizeof a), EFAULT, "bind with a bad pointer");
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    CHECK_ERR(bind(s, (struct sockaddr *)&a6, sizeof a), EAFNOSUPPORT,
              "bind an AF_INET6 address to AF_INET");
    struct sockaddr_in far = loopback(PORT);
    inet_pton(AF_INET, "192.0.2.1", &far.sin_addr);
    CHECK_ERR(bind(s, (struct sockaddr *)&far, sizeof far), EADDRNOTAVAIL,
              "bind a non-local address");
    CHECK_INT(bind(s, (struct sockaddr *)&a, sizeof a), 0, "bind 127.0.0.1:%d", PORT + 2);
    CHECK_ERR(bind(s, (struct sockaddr *)&a, sizeof a), EINVAL, "bind twice");
    t = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(bind(t, (struct sockaddr *)&a, sizeof a), EADDRINUSE, "bind a port in use");
    CHECK_INT(listen(s, 1), 0, "listen");
    CHECK_ERR(listen(t, 1) == 0 ? connect(t, (struct sockaddr *)&a, sizeof a) : -1, EISCONN,
              "connect on a listening socket");
    close(t);
    CHECK_ERR(getsockname(s, (struct sockaddr *)&sa, (socklen_t *)0x10), EFAULT,
              "getsockname with a bad length pointer");
    CHECK_ERR(send(s, (void *)0x10, 10, MSG_NOSIGNAL), EPIPE, "send on a listening socket");
    CHECK_ERR(setsockopt(s, SOL_SOCKET, 9999, &len, sizeof len), ENOPROTOOPT, "an unknown option");
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (void *)0x10, 4), EFAULT,
              "setsockopt with a bad pointer");
    close(s);
    CHECK_ERR(listen(0, 1), ENOTSOCK, "listen on stdin");
    CHECK_ERR(listen(99, 1), EBADF, "listen on a closed descriptor");
    t = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_ERR(listen(t, 1), EOPNOTSUPP, "listen on UDP");
    CHECK_ERR(send(t, "x", 1, 0), EDESTADDRREQ, "UDP send without an address");
    close(t);
    s = connect_to(PORT + 9);
    CHECK_INT(s, -1, "connect to a port nobody listens on fails");
}

/* Every call that takes a ring-3 pointer, given a bad one: EFAULT, as Linux (the connection an
 * accept with a bad address took is lost, as on Linux). And addresses of the wrong family. Not
 * recvmsg with a bad msghdr: musl's wrapper reads it first (time64 control messages). */
static void bad_pointers(void)
{
    struct sockaddr_in a = loopback(PORT + 4), sa;
    struct sockaddr_in6 a6;
    struct msghdr m;
    struct iovec v = {(void *)0x10, 4};
    socklen_t len = sizeof sa;
    int l = listener(PORT + 4, 4), c, acc, u = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
    char buf[8];

    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(PORT + 4);
    a6.sin6_addr.s6_addr[15] = 1;
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)0x10, sizeof a), EFAULT, "connect, bad address");
    CHECK_ERR(connect(c, (struct sockaddr *)&a6, sizeof a6), EAFNOSUPPORT,
              "connect an AF_INET socket to an AF_INET6 address");
    CHECK_INT(connect(c, (struct sockaddr *)&a, sizeof a), 0, "connect");
    CHECK_ERR(accept(l, (struct sockaddr *)0x10, &len), EFAULT, "accept, bad address");
    close(c);
    c = connect_to(PORT + 4);
    CHECK_ERR(accept(l, (struct sockaddr *)&sa, (socklen_t *)0x10), EFAULT,
              "accept, bad length pointer");
    close(c);
    c = connect_to(PORT + 4);
    acc = accept(l, NULL, NULL);
    CHECK(acc >= 0, "accept");
    CHECK_INT(send(c, "abcd", 4, 0), 4, "send 4 bytes");
    CHECK_ERR(recv(acc, (void *)0x10, 4, 0), EFAULT, "recv into a bad buffer");
    CHECK_INT(recv(acc, buf, 4, MSG_WAITALL), 4, "the bytes are still there");
    CHECK_ERR(send(c, (void *)0x10, 4, MSG_NOSIGNAL), EFAULT, "send from a bad buffer");
    CHECK_ERR(getpeername(acc, (struct sockaddr *)0x10, &len), EFAULT, "getpeername, bad address");
    CHECK_ERR(getsockopt(acc, SOL_SOCKET, SO_ERROR, (void *)0x10, &len), EFAULT,
              "getsockopt, bad value pointer");
    CHECK_ERR(getsockopt(acc, SOL_SOCKET, SO_ERROR, buf, (socklen_t *)0x10), EFAULT,
              "getsockopt, bad length pointer");
    CHECK_ERR(sendmsg(c, (struct msghdr *)0x10, 0), EFAULT, "sendmsg, bad msghdr");
    memset(&m, 0, sizeof m);
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    CHECK_ERR(sendmsg(c, &m, MSG_NOSIGNAL), EFAULT, "sendmsg, bad iovec buffer");
    m.msg_iov = (struct iovec *)0x10;
    CHECK_ERR(sendmsg(c, &m, MSG_NOSIGNAL), EFAULT, "sendmsg, bad iovec array");
    close(acc);
    close(c);
    close(l);

    /* Bound first: a send autobinds on Linux, even one that fails. Linux drops the datagram a
     * recvfrom could not deliver, so two are queued and nothing waits. */
    CHECK_INT(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0, "UDP socket");
    CHECK_INT(bind(u, (struct sockaddr *)&a, sizeof a), 0, "UDP bind");
    CHECK_ERR(sendto(u, "x", 1, 0, (struct sockaddr *)0x10, sizeof a), EFAULT,
              "sendto, bad destination");
    CHECK_ERR(sendto(u, "x", 1, 0, (struct sockaddr *)&a6, sizeof a6), EAFNOSUPPORT,
              "sendto an AF_INET6 address from AF_INET");
    CHECK_INT(sendto(u, "dgram", 5, 0, (struct sockaddr *)&a, sizeof a), 5, "a datagram to itself");
    CHECK_INT(sendto(u, "dgram", 5, 0, (struct sockaddr *)&a, sizeof a), 5, "and another");
    CHECK_ERR(recvfrom(u, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&sa, (socklen_t *)0x10),
              EFAULT, "recvfrom, bad length pointer");
    CHECK_ERR(recvfrom(u, (void *)0x10, sizeof buf, MSG_DONTWAIT, NULL, NULL), EFAULT,
              "recvfrom into a bad buffer");
    close(u);
}

static void udp(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(PORT + 3), from;
    socklen_t flen = sizeof from;
    char buf[100];

    CHECK_INT(bind(s, (struct sockaddr *)&a, sizeof a), 0, "UDP bind");
    CHECK_INT(sendto(c, "one", 3, 0, (struct sockaddr *)&a, sizeof a), 3, "sendto one");
    CHECK_INT(sendto(c, "two!", 4, 0, (struct sockaddr *)&a, sizeof a), 4, "sendto two!");
    int n = 0;
    ioctl(s, FIONREAD, &n);
    CHECK_INT(n, 3, "FIONREAD is the next datagram's size");
    CHECK_INT(recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen), 3, "recvfrom one");
    CHECK(flen == sizeof from && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "from 127.0.0.1");
    CHECK_INT(recv(s, buf, 2, 0), 2, "a short read of two! takes 2 bytes");
    CHECK_INT(recv(s, buf, sizeof buf, MSG_DONTWAIT), -1, "and the rest of the datagram is gone");
    CHECK_INT(connect(c, (struct sockaddr *)&a, sizeof a), 0, "UDP connect");
    CHECK_INT(send(c, "three", 5, 0), 5, "send on a connected UDP socket");
    struct msghdr m;
    struct iovec iov = {buf, 2};
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK_INT(recvmsg(s, &m, 0), 2, "recvmsg into 2 bytes");
    CHECK(m.msg_flags & MSG_TRUNC, "MSG_TRUNC set");
    socklen_t sl = sizeof from;
    getsockname(c, (struct sockaddr *)&from, &sl);
    CHECK_INT(sendto(s, "reply", 5, 0, (struct sockaddr *)&from, sizeof from), 5,
              "reply to the client's name");
    memset(buf, 0, sizeof buf);
    CHECK_INT(recv(c, buf, sizeof buf, 0), 5, "the client gets it");
    CHECK_STR(buf, "reply", "the reply");
    close(s);
    close(c);
}

static void ipv6_loopback(void)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0), c = socket(AF_INET6, SOCK_STREAM, 0), a;
    struct sockaddr_in6 sa;
    char buf[8] = "";

    memset(&sa, 0, sizeof sa);
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(PORT + 4);
    sa.sin6_addr = in6addr_loopback;
    CHECK_INT(bind(l, (struct sockaddr *)&sa, sizeof sa), 0, "bind [::1]:%d", PORT + 4);
    CHECK_INT(listen(l, 1), 0, "listen on ::1");
    CHECK_INT(connect(c, (struct sockaddr *)&sa, sizeof sa), 0, "connect to ::1");
    a = accept(l, NULL, NULL);
    CHECK(a >= 0, "accept over IPv6");
    CHECK_INT(write(c, "v6", 2), 2, "write");
    CHECK_INT(read(a, buf, sizeof buf), 2, "read");
    CHECK_STR(buf, "v6", "the bytes over ::1");
    close(a);
    close(c);
    close(l);
}

int main(void)
{
    check_init();
    bulk();
    stream_details();
    refusals();
    bad_pointers();
    udp();
    ipv6_loopback();
    return check_done();
}
