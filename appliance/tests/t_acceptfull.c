/* t_acceptfull: accept when no descriptor is free. Linux says EMFILE; the kernel must then let go
 * of what it made for the connection exactly once (the guest kernel put the new socket's file a
 * second time, which decremented kmalloc's free-list link in the freed block), and, as Linux, take
 * no connection from the queue (the guest kernel took it first and lost it, and a second accept
 * then blocked). Then many sockets, pipes and files come and go, and a connection still works. Same
 * source natively (its own network namespace) and in the appliance. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "check.h"

#define PORT 5811

/* A connection to the listener, accepted: the accepted fd (the client's in *client), or -1. */
static int connected_pair(int l, int *client)
{
    struct sockaddr_in a = loopback(PORT);
    struct pollfd p = {l, POLLIN, 0};

    *client = socket(AF_INET, SOCK_STREAM, 0);
    if (*client < 0 || connect(*client, (struct sockaddr *)&a, sizeof a))
        return -1;
    poll(&p, 1, 5000);
    return accept(l, NULL, NULL);
}

int main(void)
{
    struct sockaddr_in a = loopback(PORT);
    struct rlimit orig, r;
    int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), c, fds[2];

    check_init();
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    CHECK(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 8) == 0,
          "a listener on 127.0.0.1");
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_INT(connect(c, (struct sockaddr *)&a, sizeof a), 0, "a client connects");
    struct pollfd p = {l, POLLIN, 0};
    CHECK_INT(poll(&p, 1, 5000), 1, "the listener has it queued");

    /* No descriptor left: the limit is the lowest free one. */
    getrlimit(RLIMIT_NOFILE, &orig);
    int probe = dup(0);
    close(probe);
    r = orig;
    r.rlim_cur = (rlim_t)probe;
    CHECK_INT(setrlimit(RLIMIT_NOFILE, &r), 0, "RLIMIT_NOFILE at the lowest free descriptor");
    for (int i = 0; i < 3; i++)
        CHECK_ERR(accept(l, NULL, NULL), EMFILE, "accept with no descriptor free (%d)", i + 1);
    CHECK_INT(setrlimit(RLIMIT_NOFILE, &orig), 0, "the limit back");
    int first = accept(l, NULL, NULL);
    CHECK(first >= 0, "the connection waited in the queue: accepted now");
    close(first);
    close(c);

    /* What the kernel allocates for files and sockets, many times over. */
    int ok = 1;
    for (int i = 0; i < 200 && ok; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0), f = open("/etc/motd", O_RDONLY);
        ok = s >= 0 && f >= 0 && pipe(fds) == 0;
        close(s);
        close(f);
        if (ok) {
            close(fds[0]);
            close(fds[1]);
        }
    }
    CHECK(ok, "200 sockets, files and pipes opened and closed");

    int client, server = connected_pair(l, &client);
    char buf[6] = {0};
    CHECK(server >= 0 && write(client, "hello", 5) == 5 && read(server, buf, 5) == 5 &&
              strcmp(buf, "hello") == 0,
          "a new connection carries bytes");
    close(client);
    close(server);
    close(l);
    return check_done();
}
