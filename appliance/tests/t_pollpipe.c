/* t_pollpipe: a process asleep in poll on a pipe sleeps through other pipes' and sockets'
 * changes (its voluntary context switches in /proc/PID/status do not move), and wakes when its
 * own pipe changes: data, then the writer's close. The guest kernel wakes a poller only for the
 * objects it watches (kernel/wait.h); before, every socket's and pipe's change woke every poller
 * of a pipe (init, asleep on its wake pipe, cost two address-space switches per network round
 * trip). Same source natively (its own network namespace) and in the appliance. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PORT 5831
#define CHANGES 100

static void lost(int sig)
{
    (void)sig;
    _exit(9); /* the watched pipe's change did not wake the sleeper within 30 s */
}

/* The child: asleep in poll on its pipe; 0 when data and then the writer's close woke it. */
static int sleeper(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    char b;

    signal(SIGALRM, lost);
    alarm(30);
    if (poll(&p, 1, -1) != 1 || !(p.revents & POLLIN) || read(fd, &b, 1) != 1 || b != 'x')
        return 2;
    if (poll(&p, 1, -1) != 1 || !(p.revents & POLLHUP) || read(fd, &b, 1) != 0)
        return 3;
    return 0;
}

/* A field of /proc/PID/status ("State" as its letter), or -1. */
static long status_field(pid_t pid, const char *name)
{
    char path[64], line[128];
    size_t len = strlen(name);
    long v = -1;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, name, len) && line[len] == ':') {
            const char *s = line + len + 1;
            while (*s == ' ' || *s == '\t')
                s++;
            v = *s >= '0' && *s <= '9' ? strtol(s, NULL, 10) : *s;
            break;
        }
    fclose(f);
    return v;
}

int main(void)
{
    struct sockaddr_in a = loopback(PORT);
    int one = 1, watched[2], other[2], l = socket(AF_INET, SOCK_STREAM, 0), c, s;
    char b;

    check_init();
    CHECK(pipe(watched) == 0 && pipe(other) == 0, "two pipes");
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    CHECK(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 8) == 0,
          "a listener on 127.0.0.1");
    c = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* no wait for delayed ACKs */
    CHECK_INT(connect(c, (struct sockaddr *)&a, sizeof a), 0, "a client connects");
    s = accept(l, NULL, NULL);
    CHECK(s >= 0, "accepted");

    pid_t pid = fork();
    if (pid == 0) {
        close(watched[1]);
        _exit(sleeper(watched[0]));
    }
    close(watched[0]);
    for (int i = 0; i < 500 && status_field(pid, "State") != 'S'; i++)
        usleep(10000);
    usleep(100000);
    CHECK_INT(status_field(pid, "State"), 'S', "the child sleeps in poll on its pipe");
    long before = status_field(pid, "voluntary_ctxt_switches");
    CHECK(before >= 0, "/proc/PID/status has voluntary_ctxt_switches");

    int moved = 0;
    for (int i = 0; i < CHANGES; i++) {
        moved += write(other[1], "y", 1) == 1 && read(other[0], &b, 1) == 1;
        moved += write(c, "z", 1) == 1 && read(s, &b, 1) == 1;
    }
    CHECK_INT(moved, 2 * CHANGES, "a byte through the other pipe and the connection, %d times",
              CHANGES);
    CHECK_INT(status_field(pid, "voluntary_ctxt_switches") - before, 0,
              "the poller of a pipe slept through them (voluntary context switches)");

    CHECK_INT(write(watched[1], "x", 1), 1, "a byte into the watched pipe");
    usleep(100000);
    close(watched[1]);
    int st;
    CHECK_INT(waitpid(pid, &st, 0), pid, "the child is reaped");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "the child woke for its pipe's byte and its writer's close (status %#x)", st);
    close(c);
    close(s);
    close(l);
    close(other[0]);
    close(other[1]);
    return check_done();
}
