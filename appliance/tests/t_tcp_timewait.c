/* t_tcp_timewait: a new connection on the four numbers of a connection in TIME-WAIT. Over
 * loopback, a client bound to a fixed port connects to a server, the server closes first (its
 * side waits in TIME-WAIT for two minutes), and the client connects again from the same port
 * three times: each SYN comes after everything the old connection sent, so the TIME-WAIT side
 * takes it as a new connection (Linux's rule; guest/net/tcp_timewait.c) and the connection
 * works, where lwIP alone answered with a reset (ECONNREFUSED). Same source natively (in its own
 * network namespace) and in the appliance. */
#include <netinet/in.h>
#include <sys/socket.h>
#include "check.h"

#define SERVER_PORT 5711
#define CLIENT_PORT 5712
#define ROUNDS 3

static int bound_socket(int port)
{
    struct sockaddr_in a = loopback(port);
    int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a)) {
        close(s);
        return -1;
    }
    return s;
}

int main(void)
{
    struct sockaddr_in to = loopback(SERVER_PORT);
    int l = bound_socket(SERVER_PORT);

    check_init();
    alarm(20); /* a SYN answered with a bare ACK would leave connect waiting */
    if (!CHECK(l >= 0 && listen(l, 4) == 0, "listener on %d", SERVER_PORT))
        return check_done();
    for (int r = 1; r <= ROUNDS; r++) {
        int c = bound_socket(CLIENT_PORT), a, rc, e;
        char b = 0;

        if (!CHECK(c >= 0, "round %d: client bound to port %d", r, CLIENT_PORT))
            break;
        rc = connect(c, (struct sockaddr *)&to, sizeof to);
        e = errno;
        if (!check_report(rc == 0, strerror(e), "round %d: connect from port %d", r, CLIENT_PORT)) {
            close(c);
            break;
        }
        a = accept(l, NULL, NULL);
        CHECK(a >= 0, "round %d: accepted", r);
        CHECK(write(c, "x", 1) == 1 && read(a, &b, 1) == 1 && b == 'x', "round %d: a byte across",
              r);
        close(a); /* the server closes first: its side goes to TIME-WAIT */
        CHECK(read(c, &b, 1) == 0, "round %d: the client sees the end", r);
        close(c);
        usleep(600 * 1000); /* the closes' last segments, and time for a later sequence number */
    }
    close(l);
    return check_done();
}
