/* t_pollwake: poll and select asleep (no timeout) on sockets alone wake when one of those sockets
 * changes: data on a connection, a connection for a listener, the peer's close. The guest kernel
 * wakes such a sleeper only for the sockets it scanned (keys in its wait entry); a key that does
 * not match leaves it asleep for good, so an alarm turns a lost wake-up into a failure. Same
 * source natively (its own network namespace) and in the appliance. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PORT 5821

static void lost(int sig)
{
    (void)sig;
    static const char m[] = "FAIL - a sleeper on sockets was not woken within 10 s\n";
    ssize_t w = write(1, m, sizeof m - 1);
    (void)w;
    _exit(1);
}

int main(void)
{
    struct sockaddr_in a = loopback(PORT);
    int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), c, s, idle[2];
    char b;

    check_init();
    signal(SIGALRM, lost);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    CHECK(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 8) == 0,
          "a listener on 127.0.0.1");
    /* Two idle connections, polled beside the one that changes. */
    for (int i = 0; i < 2; i++) {
        int k = socket(AF_INET, SOCK_STREAM, 0);
        CHECK_INT(connect(k, (struct sockaddr *)&a, sizeof a), 0, "idle client %d connects", i);
        idle[i] = accept(l, NULL, NULL);
        CHECK(idle[i] >= 0, "idle connection %d accepted", i);
    }
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_INT(connect(c, (struct sockaddr *)&a, sizeof a), 0, "a client connects");
    s = accept(l, NULL, NULL);
    CHECK(s >= 0, "accepted");

    pid_t pid = fork();
    if (pid == 0) { /* the changes, each after the parent is asleep */
        usleep(200000);
        if (write(c, "x", 1) != 1)
            _exit(2);
        usleep(200000);
        if (write(c, "y", 1) != 1)
            _exit(3);
        usleep(200000);
        int k = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(k, (struct sockaddr *)&a, sizeof a))
            _exit(4);
        usleep(200000);
        close(c);
        usleep(200000);
        _exit(0);
    }
    close(c);
    alarm(10);
    struct pollfd p[3] = {{idle[0], POLLIN, 0}, {s, POLLIN, 0}, {idle[1], POLLIN, 0}};
    CHECK_INT(poll(p, 3, -1), 1, "poll on three sockets wakes when one receives");
    CHECK_INT(p[1].revents & POLLIN, POLLIN, "... that one is readable");
    CHECK_INT(read(s, &b, 1), 1, "... and its byte is there");

    fd_set r;
    FD_ZERO(&r);
    FD_SET(s, &r);
    FD_SET(idle[0], &r);
    CHECK_INT(select((s > idle[0] ? s : idle[0]) + 1, &r, NULL, NULL, NULL), 1,
              "select on two sockets wakes when one receives");
    CHECK(FD_ISSET(s, &r), "... that one is readable");
    CHECK_INT(read(s, &b, 1), 1, "... and its byte is there");

    struct pollfd pl[2] = {{idle[0], POLLIN, 0}, {l, POLLIN, 0}};
    CHECK_INT(poll(pl, 2, -1), 1, "poll wakes when a listener gets a connection");
    CHECK_INT(pl[1].revents & POLLIN, POLLIN, "... the listener is readable");
    int k = accept(l, NULL, NULL);
    CHECK(k >= 0, "... and accepts it");

    p[1].revents = 0;
    CHECK_INT(poll(p, 3, -1), 1, "poll wakes when the peer closes");
    CHECK_INT(read(s, &b, 1), 0, "... end of file");
    alarm(0);

    int st;
    CHECK_INT(waitpid(pid, &st, 0), pid, "the child is reaped");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child made every change (status %#x)", st);
    close(k);
    close(s);
    close(idle[0]);
    close(idle[1]);
    close(l);
    return check_done();
}
