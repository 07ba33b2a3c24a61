/* t_orphan: orphaned process groups and the end of a session, Linux's rules (_exit(2), setpgid(2),
 * credentials(7)). When an exit leaves a process group orphaned (no member has a parent in another
 * group of its session) and a member is stopped, every member gets SIGHUP and then SIGCONT:
 * whether the group lost its link through its own member's exit or through a parent's in another
 * group; an orphaned group with nobody stopped gets nothing. In an orphaned group SIGTSTP,
 * SIGTTIN and SIGTTOU are discarded (nobody could continue the job), SIGSTOP still stops. When a
 * session leader with a controlling terminal exits, the terminal's foreground group gets SIGHUP
 * (a background group nothing), the session loses the terminal (tcgetpgrp ENOTTY, /dev/tty
 * ENXIO) and a new session leader may take it (ctty.h: a pseudo-terminal natively, the console
 * in the appliance). The processes that report are orphans by design: they write what happened
 * to a pipe the checking process reads (10 s at most: a kernel that forgets them leaves them
 * stopped), and are reaped by pid 1 at the end. */
#include "check.h"
#include "ctty.h"

#include <poll.h>

static int report = -1; /* where the process under test writes what happened */

static void say(char c)
{
    if (write(report, &c, 1) != 1)
        _exit(99);
}

static void on_hup(int sig)
{
    (void)sig;
    say('H');
}

static void handle_hup(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
}

/* Up to n bytes from fd within 10 s; how many came. */
static size_t collect_n(int fd, char *buf, size_t n)
{
    size_t got = 0;
    long long end = check_now_ns() + 10000000000LL;

    while (got < n) {
        struct pollfd pfd = {fd, POLLIN, 0};
        long long left = (end - check_now_ns()) / 1000000;
        ssize_t r;

        if (left <= 0 || poll(&pfd, 1, (int)left) != 1)
            break;
        r = read(fd, buf + got, n - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

/* The same as a string (buf holds n + 1). */
static const char *collect(int fd, char *buf, size_t n)
{
    buf[collect_n(fd, buf, n)] = 0;
    return buf;
}

static pid_t read_pid(int fd)
{
    pid_t pid;

    return collect_n(fd, (char *)&pid, sizeof pid) == sizeof pid ? pid : 0;
}

static void say_pid(void)
{
    pid_t me = getpid();

    if (write(report, &me, sizeof me) != (ssize_t)sizeof me)
        _exit(99);
}

/* A stopped process whose group the exit of its parent (c) orphans: c in group own_group ? its
 * own : ours, the stopped one in c's group or (!own_group) in one of its own. What it saw. */
static const char *stopped_then_orphaned(int own_group, char *res, size_t n)
{
    int p[2];
    pid_t c, s;

    if (pipe(p))
        return "pipe failed";
    c = check_fork();
    if (c == 0) {
        int status;

        if (own_group)
            setpgid(0, 0);
        report = p[1];
        s = check_fork();
        if (s == 0) {
            if (!own_group)
                setpgid(0, 0);
            handle_hup();
            say_pid();
            kill(getpid(), SIGSTOP);
            say('C'); /* after the SIGHUP handler: continued */
            _exit(0);
        }
        if (!own_group)
            setpgid(s, s);
        if (waitpid(s, &status, WUNTRACED) != s || !WIFSTOPPED(status))
            _exit(1);
        _exit(0); /* the stopped child's group is orphaned now */
    }
    close(p[1]);
    check_status(check_wait(c), 0, 0, "its parent saw it stop and left");
    s = read_pid(p[0]);
    collect(p[0], res, n - 1);
    if (s > 0 && strcmp(res, "HC") != 0)
        kill(s, SIGKILL); /* left stopped: do not leave it behind */
    close(p[0]);
    return res;
}

static void orphan_rule(void)
{
    char res[8], buf[8];
    int p[2], go[2];
    pid_t c, s;

    CHECK_STR(stopped_then_orphaned(1, res, sizeof res), "HC",
              "a stopped member of a group its parent's exit orphans: SIGHUP, then SIGCONT");
    CHECK_STR(stopped_then_orphaned(0, res, sizeof res), "HC",
              "a stopped child in a group of its own whose parent exits: SIGHUP, then SIGCONT");

    /* Orphaned with nobody stopped: no SIGHUP. */
    CHECK_INT(pipe(p) | pipe(go), 0, "pipes");
    c = check_fork();
    if (c == 0) {
        setpgid(0, 0);
        s = check_fork();
        if (s == 0) {
            char ch;

            report = p[1];
            handle_hup();
            close(go[1]);
            say('R');
            if (read(go[0], &ch, 1) != 1)
                _exit(1);
            say('E');
            _exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    close(go[0]);
    CHECK_STR(collect(p[0], buf, 1), "R", "the running one is ready");
    check_status(check_wait(c), 0, 0, "its parent left");
    CHECK_INT(write(go[1], "g", 1), 1, "let it go on");
    CHECK_STR(collect(p[0], buf, 2), "E", "orphaned with nobody stopped: no SIGHUP");
    close(p[0]);
    close(go[1]);

    /* In an orphaned group the job-control stops are discarded; SIGSTOP still stops. */
    CHECK_INT(pipe(p), 0, "pipe");
    c = check_fork();
    if (c == 0) {
        pid_t parent = getpid();

        setpgid(0, 0);
        s = check_fork();
        if (s == 0) {
            report = p[1];
            say_pid();
            for (int i = 0; i < 2000 && getppid() == parent; i++) /* until it has gone */
                usleep(5000);
            raise(SIGTSTP);
            say('t');
            raise(SIGTTIN);
            say('i');
            raise(SIGTTOU);
            say('o');
            raise(SIGSTOP);
            say('s');
            _exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    check_status(check_wait(c), 0, 0, "the parent left");
    s = read_pid(p[0]);
    CHECK_STR(collect(p[0], buf, 3), "tio", "orphaned: SIGTSTP, SIGTTIN, SIGTTOU discarded");
    for (int i = 0; i < 1000 && s > 0 && check_proc_state(s) != 'T'; i++)
        usleep(10000);
    CHECK(s > 0 && check_proc_state(s) == 'T', "orphaned: SIGSTOP still stops");
    if (s > 0)
        kill(s, SIGCONT);
    if (!CHECK_STR(collect(p[0], buf, 1), "s", "and SIGCONT continues it") && s > 0)
        kill(s, SIGKILL); /* stopped again: do not leave it behind */
    close(p[0]);
}

static int in_session(void *arg)
{
    (void)arg;
    if (!CHECK_INT(setsid(), getpid(), "setsid"))
        return 1;
    orphan_rule();
    fflush(stdout);
    return check_failed ? 1 : 0;
}

/* A session leader with a terminal, a child in its (foreground) group and one in a background
 * group; the leader exits. What the children see goes to p. */
static int leader(void *arg)
{
    int *fds = arg, ready[2], tty;
    pid_t f, b;
    char ch;

    close(fds[0]);
    report = fds[1];
    if (setsid() != getpid() || (tty = ctty_acquire()) < 0 || pipe(ready))
        return 1;
    f = check_fork();
    if (f == 0) {
        struct sigaction sa;
        sigset_t hup, old;
        int ok;

        sigemptyset(&hup);
        sigaddset(&hup, SIGHUP);
        sigprocmask(SIG_BLOCK, &hup, &old);
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_hup;
        sigaction(SIGHUP, &sa, NULL);
        say_pid();
        say(tcgetpgrp(tty) == getpgrp() ? 'F' : 'f');
        close(ready[0]);
        close(ready[1]);  /* ready: the leader may go */
        sigsuspend(&old); /* until the SIGHUP (its handler says 'H') */
        errno = 0;
        say(tcgetpgrp(tty) == -1 && errno == ENOTTY ? 'n' : '-');
        errno = 0;
        say(open("/dev/tty", O_RDWR) == -1 && errno == ENXIO ? 'x' : '-');
        ok = setsid() == getpid() && ioctl(tty, TIOCSCTTY, 0) == 0 && tcgetpgrp(tty) == getpid();
        say(ok ? 'c' : '-');
        _exit(0);
    }
    b = check_fork();
    if (b == 0) {
        close(ready[0]);
        close(ready[1]);
        setpgid(0, 0);
        handle_hup();
        if (read(fds[2], &ch, 1) != 1)
            _exit(1);
        say('b');
        _exit(0);
    }
    setpgid(b, b);
    close(ready[1]);
    if (read(ready[0], &ch, 1) != 0)
        return 1;
    return 0;
}

static void leader_exits(void)
{
    int fds[3], p[2], go[2], status;
    char buf[8];
    pid_t f;

    CHECK_INT(pipe(p) | pipe(go), 0, "pipes");
    fds[0] = go[1];
    fds[1] = p[1];
    fds[2] = go[0];
    status = check_run_child(leader, fds);
    check_status(status, 0, 0, "a session leader with a terminal exits");
    close(p[1]);
    close(go[0]);
    f = read_pid(p[0]);
    CHECK_STR(collect(p[0], buf, 1), "F", "its child was in the foreground group");
    collect(p[0], buf, 4);
    CHECK(buf[0] == 'H', "the foreground group gets SIGHUP");
    CHECK(buf[0] && buf[1] == 'n', "the session has no terminal: tcgetpgrp ENOTTY");
    CHECK(buf[0] && buf[1] && buf[2] == 'x', "and /dev/tty ENXIO");
    CHECK(buf[0] && buf[1] && buf[2] && buf[3] == 'c', "a new session leader takes the terminal");
    if (f > 0 && strlen(buf) < 4)
        kill(f, SIGKILL); /* never hung up: do not leave it behind */
    CHECK_INT(write(go[1], "g", 1), 1, "let the background one go on");
    CHECK_STR(collect(p[0], buf, 2), "b", "the background group got no SIGHUP");
    close(p[0]);
    close(go[1]);
}

int main(void)
{
    int status;

    check_init();
    status = check_run_child(in_session, NULL);
    check_status(status, 0, 0, "the checks in a new session");
    leader_exits();
    while (waitpid(-1, &status, 0) > 0) /* the orphans, left to us */
        ;
    CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD, "all children reaped");
    return check_done();
}
