/* t_ping: raw ICMP sockets (socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), what ping uses) over
 * loopback. An echo request sent to 127.0.0.1 comes back twice to the raw socket, as on Linux:
 * the request itself (every ICMP packet received is copied to raw sockets) and the stack's
 * reply, each with its IPv4 header; a request with a wrong checksum is copied but not answered.
 * Also: the socket's type and protocol, FIONREAD, poll, recvfrom's address, MSG_PEEK, a
 * connected raw socket, EDESTADDRREQ, EFAULT and EAGAIN. (Raw sockets of other protocols, which
 * the appliance refuses with EPERM, are not compared: Linux grants root any.) Same source
 * natively (in its own network namespace) and in the appliance. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "check.h"

#define PAYLOAD 56

static unsigned short cksum(const void *p, size_t n)
{
    const unsigned char *b = p;
    unsigned long sum = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (unsigned)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        sum += (unsigned)(b[n - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (unsigned short)~sum;
}

/* An echo request: type 8, id, seq, the payload bytes i + seq; checksum right or off by one. */
static size_t echo_request(unsigned char *m, int id, int seq, int bad_sum)
{
    unsigned short c;

    memset(m, 0, 8);
    m[0] = 8;
    m[4] = (unsigned char)(id >> 8);
    m[5] = (unsigned char)id;
    m[6] = (unsigned char)(seq >> 8);
    m[7] = (unsigned char)seq;
    for (int i = 0; i < PAYLOAD; i++)
        m[8 + i] = (unsigned char)(i + seq);
    c = cksum(m, 8 + PAYLOAD);
    if (bad_sum)
        c ^= 0x0100;
    m[2] = (unsigned char)(c >> 8);
    m[3] = (unsigned char)c;
    return 8 + PAYLOAD;
}

/* One packet from the raw socket: its IPv4 header and ICMP message, described in one line. */
static void expect_packet(int s, int type, int id, int seq, const char *what)
{
    unsigned char buf[256];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    struct pollfd p = {s, POLLIN, 0};
    char src[16] = "?";
    ssize_t n;

    CHECK_INT(poll(&p, 1, 5000), 1, "%s: poll says readable", what);
    n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    CHECK_INT(n, 20 + 8 + PAYLOAD, "%s: IPv4 header + ICMP message", what);
    if (n != 20 + 8 + PAYLOAD)
        return;
    inet_ntop(AF_INET, &from.sin_addr, src, sizeof src);
    CHECK_STR(src, "127.0.0.1", "%s: from 127.0.0.1", what);
    CHECK_INT(buf[0], 0x45, "%s: IPv4, 20-byte header", what);
    CHECK_INT(buf[9], IPPROTO_ICMP, "%s: protocol ICMP", what);
    CHECK_INT(buf[2] << 8 | buf[3], n, "%s: total length", what);
    CHECK_INT(cksum(buf, 20), 0, "%s: header checksum", what);
    CHECK_INT(buf[20], type, "%s: ICMP type", what);
    CHECK_INT(buf[24] << 8 | buf[25], id, "%s: identifier", what);
    CHECK_INT(buf[26] << 8 | buf[27], seq, "%s: sequence", what);
    if (type == 0)
        CHECK_INT(cksum(buf + 20, 8 + PAYLOAD), 0, "%s: ICMP checksum", what);
    CHECK_INT(buf[28 + 5], (unsigned char)(5 + seq), "%s: payload", what);
}

int main(void)
{
    struct sockaddr_in lo = loopback(0);
    unsigned char m[8 + PAYLOAD];
    int s, v, n;
    socklen_t len = sizeof v;

    check_init();

    s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (!CHECK(s >= 0, "raw ICMP socket opens"))
        return check_done();
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_RAW,
          "SO_TYPE is SOCK_RAW");
    len = sizeof v;
    CHECK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 && v == IPPROTO_ICMP,
          "SO_PROTOCOL is IPPROTO_ICMP");
    CHECK_ERR(send(s, m, echo_request(m, 0x1234, 1, 0), 0), EDESTADDRREQ,
              "send without a destination: EDESTADDRREQ");
    CHECK_ERR(sendto(s, (void *)16, 64, 0, (struct sockaddr *)&lo, sizeof lo), EFAULT,
              "sendto from a bad pointer: EFAULT");
    CHECK_ERR(recv(s, m, sizeof m, MSG_DONTWAIT), EAGAIN, "nothing queued yet: EAGAIN");

    CHECK_INT(sendto(s, m, echo_request(m, 0x1234, 1, 0), 0, (struct sockaddr *)&lo, sizeof lo),
              8 + PAYLOAD, "echo request 1 sent");
    CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 20 + 8 + PAYLOAD, "FIONREAD: the next packet's size");
    CHECK_INT(recv(s, m, 8, MSG_PEEK), 8, "MSG_PEEK takes a part");
    expect_packet(s, 8, 0x1234, 1, "request 1 (the raw copy)");
    expect_packet(s, 0, 0x1234, 1, "reply 1");

    CHECK_INT(sendto(s, m, echo_request(m, 0x1234, 2, 1), 0, (struct sockaddr *)&lo, sizeof lo),
              8 + PAYLOAD, "echo request 2, wrong checksum, sent");
    CHECK_INT(sendto(s, m, echo_request(m, 0x1234, 3, 0), 0, (struct sockaddr *)&lo, sizeof lo),
              8 + PAYLOAD, "echo request 3 sent");
    expect_packet(s, 8, 0x1234, 2, "request 2 (copied, not answered)");
    expect_packet(s, 8, 0x1234, 3, "request 3");
    expect_packet(s, 0, 0x1234, 3, "reply 3");
    CHECK_ERR(recv(s, m, sizeof m, MSG_DONTWAIT), EAGAIN, "no reply to request 2: EAGAIN");

    CHECK(connect(s, (struct sockaddr *)&lo, sizeof lo) == 0, "connect to 127.0.0.1");
    CHECK_INT(send(s, m, echo_request(m, 0x4321, 4, 0), 0), 8 + PAYLOAD,
              "send on the connected socket");
    expect_packet(s, 8, 0x4321, 4, "request 4");
    expect_packet(s, 0, 0x4321, 4, "reply 4");
    close(s);
    return check_done();
}
