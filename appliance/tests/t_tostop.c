/* t_tostop: a background job and its controlling terminal, Linux's rules (termios(3) TOSTOP,
 * tcsetattr, tcsetpgrp, tty_check_change): with TOSTOP a background write stops the job with
 * SIGTTOU and is made again once the job is continued in the foreground; without TOSTOP it goes
 * ahead. A change of the settings (tcsetattr, tcflush, tcdrain) or of the foreground group
 * (tcsetpgrp) from the background gets SIGTTOU whatever TOSTOP says; reading it (tcgetattr,
 * tcgetpgrp) does not. A process that ignores or blocks SIGTTOU goes ahead (nothing is sent),
 * one with a handler gets EINTR after it runs, and a process of an orphaned process group gets
 * EIO (ENOTTY from tcsetpgrp) instead of a stop; a background read gets SIGTTIN, EIO when it
 * ignores SIGTTIN or is orphaned. And TIOCSPGRP's errors: EINVAL, EFAULT, ESRCH, EPERM.
 * Everything runs in a child that made its own session with a terminal (ctty.h: a
 * pseudo-terminal natively, the console in the appliance); the cases' jobs are its children. */
#include "check.h"
#include "ctty.h"

#include <termios.h>

static int tty;

enum op {
    OP_WRITE,
    OP_TCSETATTR,
    OP_TCFLUSH,
    OP_TCDRAIN,
    OP_TCSETPGRP,
    OP_TCGETATTR,
    OP_TCGETPGRP,
    OP_READ
};
enum disp { DEFAULT, IGNORE, BLOCK, HANDLE };

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
    (void)sig;
    handled = 1;
}

/* The call, 0 if it succeeded or its errno. A write is one "\r": invisible in both logs. */
static int do_op(enum op op)
{
    struct termios t;
    char c;
    int fd, r = -1;

    switch (op) {
    case OP_WRITE:
        r = write(tty, "\r", 1) == 1 ? 0 : -1;
        break;
    case OP_TCSETATTR:
        r = tcgetattr(tty, &t) ? -1 : tcsetattr(tty, TCSANOW, &t);
        break;
    case OP_TCFLUSH:
        r = tcflush(tty, TCIFLUSH);
        break;
    case OP_TCDRAIN:
        r = tcdrain(tty);
        break;
    case OP_TCSETPGRP:
        r = tcsetpgrp(tty, getpgrp());
        break;
    case OP_TCGETATTR:
        r = tcgetattr(tty, &t);
        break;
    case OP_TCGETPGRP:
        r = tcgetpgrp(tty) > 0 ? 0 : -1;
        break;
    case OP_READ: /* non-blocking: allowed, it finds nothing (EAGAIN) */
        fd = open("/dev/tty", O_RDONLY | O_NONBLOCK);
        r = fd < 0 ? -1 : (int)read(fd, &c, 1);
        break;
    }
    return r < 0 ? errno : 0;
}

/* SIGTTOU and SIGTTIN both get disposition d. */
static void set_disp(enum disp d)
{
    struct sigaction sa;
    sigset_t set;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = d == IGNORE ? SIG_IGN : d == HANDLE ? on_signal : SIG_DFL;
    sigaction(SIGTTOU, &sa, NULL);
    sigaction(SIGTTIN, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, SIGTTOU);
    sigaddset(&set, SIGTTIN);
    sigprocmask(d == BLOCK ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static const char *errname(int e)
{
    switch (e) {
    case 0:
        return "ok";
    case EIO:
        return "EIO";
    case EINTR:
        return "EINTR";
    case ENOTTY:
        return "ENOTTY";
    case EAGAIN:
        return "EAGAIN";
    default:
        return "other error";
    }
}

/* The child's exit code: the call's errno, +64 if a handler ran, +128 if a SIGTTOU or SIGTTIN
 * is left pending. */
static void describe_exit(int code, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s", errname(code & 63), code & 64 ? ", the handler ran" : "",
             code & 128 ? ", a signal left pending" : "");
}

/* op in a child of a new background group with disposition d; how it went, as text. A job that
 * stops is moved to the foreground and continued, and how the call then ends is told too. */
static const char *bg_case(enum op op, enum disp d)
{
    static char res[160];
    char tail[80];
    pid_t me = getpgrp(), c;
    int status;

    c = check_fork();
    if (c == 0) {
        sigset_t pending;
        int code;

        setpgid(0, 0);
        set_disp(d);
        code = do_op(op);
        if (handled)
            code |= 64;
        sigpending(&pending);
        if (sigismember(&pending, SIGTTOU) || sigismember(&pending, SIGTTIN))
            code |= 128;
        _exit(code);
    }
    setpgid(c, c);
    if (waitpid(c, &status, WUNTRACED) != c)
        return "waitpid failed";
    if (WIFSTOPPED(status)) {
        int sig = WSTOPSIG(status);

        tcsetpgrp(tty, c);
        kill(-c, SIGCONT);
        status = check_wait(c);
        tcsetpgrp(tty, me); /* from the background: we ignore SIGTTOU */
        describe_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 63, tail, sizeof tail);
        snprintf(res, sizeof res, "stopped by %s, then in the foreground: %s", check_signame(sig),
                 tail);
        return res;
    }
    if (!WIFEXITED(status))
        return "killed";
    describe_exit(WEXITSTATUS(status), res, sizeof res);
    return res;
}

static void set_tostop(int on)
{
    struct termios t;

    tcgetattr(tty, &t);
    if (on)
        t.c_lflag |= TOSTOP;
    else
        t.c_lflag &= ~TOSTOP;
    tcsetattr(tty, TCSANOW, &t);
}

/* In a group of its own whose parent has left: the group is orphaned. The results of its calls
 * go to the session leader through fd out, one byte each. */
static void orphan(int out)
{
    static const struct {
        enum op op;
        enum disp d;
    } calls[] = {{OP_WRITE, DEFAULT},    {OP_TCSETATTR, DEFAULT}, {OP_TCSETPGRP, DEFAULT},
                 {OP_TCDRAIN, DEFAULT},  {OP_READ, DEFAULT},      {OP_WRITE, IGNORE},
                 {OP_TCSETATTR, IGNORE}, {OP_TCGETATTR, DEFAULT}};
    pid_t parent = getpid();

    setpgid(0, 0);
    if (check_fork() != 0)
        _exit(0); /* the parent goes: its child's group has no link left in the session */
    for (int i = 0; i < 2000 && getppid() == parent; i++) /* until it has gone */
        usleep(5000);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char code;

        set_disp(calls[i].d);
        code = (char)do_op(calls[i].op);
        if (write(out, &code, 1) != 1)
            _exit(1);
    }
    _exit(0);
}

static int in_session(void *arg)
{
    struct sigaction ign;
    int p[2], pgid, bad = 0;
    char codes[8];
    pid_t c;

    (void)arg;
    if (!CHECK(setsid() == getpid() && (tty = ctty_acquire()) >= 0, "a session with a terminal"))
        return 1;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGTTOU, &ign, NULL); /* as a shell: it takes the terminal back from a job */
    CHECK_INT(tcgetpgrp(tty), getpid(), "our group is in the foreground");

    set_tostop(0);
    CHECK_STR(bg_case(OP_WRITE, DEFAULT), "ok", "without TOSTOP a background write goes ahead");
    set_tostop(1);
    CHECK_INT(write(tty, "\r", 1), 1, "with TOSTOP the foreground writes");
    CHECK_STR(bg_case(OP_WRITE, DEFAULT), "stopped by SIGTTOU, then in the foreground: ok",
              "with TOSTOP a background write stops the job, and is made again");
    CHECK_STR(bg_case(OP_WRITE, IGNORE), "ok", "a background write that ignores SIGTTOU");
    CHECK_STR(bg_case(OP_WRITE, BLOCK), "ok", "a background write that blocks SIGTTOU (none sent)");
    CHECK_STR(bg_case(OP_WRITE, HANDLE), "EINTR, the handler ran",
              "a background write with a SIGTTOU handler");
    set_tostop(0);
    CHECK_STR(bg_case(OP_TCSETATTR, DEFAULT), "stopped by SIGTTOU, then in the foreground: ok",
              "tcsetattr from the background, even without TOSTOP");
    CHECK_STR(bg_case(OP_TCSETATTR, IGNORE), "ok", "tcsetattr ignoring SIGTTOU");
    CHECK_STR(bg_case(OP_TCSETATTR, BLOCK), "ok", "tcsetattr blocking SIGTTOU (none sent)");
    CHECK_STR(bg_case(OP_TCFLUSH, DEFAULT), "stopped by SIGTTOU, then in the foreground: ok",
              "tcflush from the background");
    CHECK_STR(bg_case(OP_TCDRAIN, DEFAULT), "stopped by SIGTTOU, then in the foreground: ok",
              "tcdrain from the background");
    CHECK_STR(bg_case(OP_TCSETPGRP, DEFAULT), "stopped by SIGTTOU, then in the foreground: ok",
              "tcsetpgrp from the background");
    CHECK_STR(bg_case(OP_TCSETPGRP, IGNORE), "ok", "tcsetpgrp ignoring SIGTTOU, as shells do");
    CHECK_INT(tcgetpgrp(tty) != getpid() && tcsetpgrp(tty, getpid()) == 0, 1,
              "it took the foreground; we take it back");
    CHECK_STR(bg_case(OP_TCGETATTR, DEFAULT), "ok", "tcgetattr from the background");
    CHECK_STR(bg_case(OP_TCGETPGRP, DEFAULT), "ok", "tcgetpgrp from the background");
    CHECK_STR(bg_case(OP_READ, DEFAULT), "stopped by SIGTTIN, then in the foreground: EAGAIN",
              "a background read stops the job with SIGTTIN");
    CHECK_STR(bg_case(OP_READ, IGNORE), "EIO", "a background read ignoring SIGTTIN: EIO");
    CHECK_STR(bg_case(OP_READ, BLOCK), "EIO", "a background read blocking SIGTTIN: EIO");

    /* An orphaned background group: EIO instead of a stop (ENOTTY from tcsetpgrp). */
    set_tostop(1);
    CHECK_INT(pipe(p), 0, "pipe");
    c = check_fork();
    if (c == 0) {
        close(p[0]);
        orphan(p[1]);
    }
    close(p[1]);
    check_status(check_wait(c), 0, 0, "the orphan's parent");
    for (size_t got = 0; got < sizeof codes;) {
        ssize_t n = read(p[0], codes + got, sizeof codes - got);

        if (n <= 0) {
            bad = 1;
            break;
        }
        got += (size_t)n;
    }
    close(p[0]);
    if (CHECK(!bad, "the orphan's results")) {
        CHECK_STR(errname(codes[0]), "EIO", "orphaned: a write under TOSTOP");
        CHECK_STR(errname(codes[1]), "EIO", "orphaned: tcsetattr");
        CHECK_STR(errname(codes[2]), "ENOTTY", "orphaned: tcsetpgrp");
        CHECK_STR(errname(codes[3]), "EIO", "orphaned: tcdrain");
        CHECK_STR(errname(codes[4]), "EIO", "orphaned: a read");
        CHECK_STR(errname(codes[5]), "ok", "orphaned: a write ignoring SIGTTOU");
        CHECK_STR(errname(codes[6]), "ok", "orphaned: tcsetattr ignoring SIGTTOU");
        CHECK_STR(errname(codes[7]), "ok", "orphaned: tcgetattr");
    }
    set_tostop(0);

    /* TIOCSPGRP's errors, from the foreground. */
    pgid = -1;
    CHECK_ERR(ioctl(tty, TIOCSPGRP, &pgid), EINVAL, "TIOCSPGRP with a negative group");
    CHECK_ERR(ioctl(tty, TIOCSPGRP, (void *)1), EFAULT, "TIOCSPGRP with a bad pointer");
    pgid = 99999;
    CHECK_ERR(ioctl(tty, TIOCSPGRP, &pgid), ESRCH, "TIOCSPGRP to no such group");
    pgid = 1;
    CHECK_ERR(ioctl(tty, TIOCSPGRP, &pgid), EPERM, "TIOCSPGRP to a group of another session");
    CHECK_INT(tcgetpgrp(tty), getpid(), "still our group in the foreground");
    fflush(stdout);
    return check_failed ? 1 : 0;
}

int main(void)
{
    int status;

    check_init();
    status = check_run_child(in_session, NULL);
    check_status(status, 0, 0, "the checks in a session with a terminal");
    while (waitpid(-1, &status, 0) > 0) /* the orphan, left to us */
        ;
    CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD, "all children reaped");
    return check_done();
}
