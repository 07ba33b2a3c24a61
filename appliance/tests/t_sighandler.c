/* t_sighandler: caught signals. A handler runs with its siginfo and the interrupted registers
 * intact afterwards; sa_mask and the signal itself are blocked while it runs (unless SA_NODEFER);
 * SA_RESETHAND; SIGCHLD reaches a handler; a SIGSEGV handler sees the faulting address and leaves
 * with siglongjmp; sigsuspend waits for a handler and returns EINTR; a blocking read is
 * interrupted (EINTR) by a handler without SA_RESTART and restarted by one with it; alarm and
 * setitimer deliver SIGALRM, once or at intervals. No check depends on timing: a signal that
 * comes earlier than planned changes nothing printed, and none can leave a wait with no end. */
#include <sys/time.h>
#include "check.h"
#include <setjmp.h>

static volatile sig_atomic_t hits, last_sig, depth, max_depth, entries, blocked_inside, child_seen;
static volatile int info_signo, info_code_user, info_pid_ok;
static void *volatile fault_addr;
static sigjmp_buf escape;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_sig = sig;
    info_signo = si->si_signo;
    info_code_user = si->si_code == SI_USER || si->si_code == SI_TKILL;
    info_pid_ok = si->si_pid == getpid();
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    blocked_inside = sigismember(&now, SIGUSR1) * 2 + sigismember(&now, SIGUSR2);
}

static void on_nested(int sig)
{
    (void)sig;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    /* With SA_NODEFER this nests. Without it each raise waits until the handler returns and
     * then enters it again: the cap on entries keeps a kernel that ignores the flag from looping
     * for ever. */
    if (depth < 3 && ++entries < 10)
        raise(SIGUSR2);
    depth--;
}

static void on_chld(int sig)
{
    (void)sig;
    child_seen++;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    fault_addr = si->si_addr;
    siglongjmp(escape, 1);
}

static void count(int sig)
{
    (void)sig;
    hits++;
}

/* A child that sends SIGUSR2 to us every 50 ms until it is killed: whenever our read starts
 * blocking, a signal arrives while it blocks (one that came before the read only runs the
 * handler early). */
static pid_t interrupt_repeatedly(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        for (;;) {
            nanosleep(&ts, NULL);
            kill(getppid(), SIGUSR2);
        }
    }
    return pid;
}

/* A child that sends SIGUSR2 to us 50 ms from now, waits until our handler has run (it writes
 * to ack), then writes "R" to fd: the byte always comes after the handler, whenever the signal
 * landed, so a read that waits for it cannot hang. */
static int ack[2];
static pid_t interrupt_then_write(int fd)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        char c;
        nanosleep(&ts, NULL);
        kill(getppid(), SIGUSR2);
        read(ack[0], &c, 1);
        write(fd, "R", 1);
        _exit(0);
    }
    return pid;
}

static void count_and_ack(int sig)
{
    (void)sig;
    hits++;
    write(ack[1], "h", 1);
}

/* Registers the compiler keeps live across a raise() must come back unchanged. */
static int registers_survive(void)
{
    volatile unsigned a = 0x11111111, b = 0x22222222, c = 0x33333333;
    unsigned x = a, y = b, z = c;
    raise(SIGUSR1);
    return x == 0x11111111 && y == 0x22222222 && z == 0x33333333 && a + b + c == 0x66666666;
}

int main(void)
{
    check_init();
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_INT(sigaction(SIGUSR1, &sa, NULL), 0, "sigaction SIGUSR1 with SA_SIGINFO");
    CHECK_INT(raise(SIGUSR1), 0, "raise(SIGUSR1)");
    CHECK(hits == 1 && last_sig == SIGUSR1, "the handler ran once with its signal number");
    CHECK(info_signo == SIGUSR1 && info_code_user && info_pid_ok,
          "siginfo: si_signo, a user-sent si_code and our pid");
    CHECK_INT(blocked_inside, 3, "inside: the signal and sa_mask (SIGUSR2) are blocked");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2),
          "after it returns the mask is as before");
    CHECK(registers_survive(), "registers live across a handled signal are intact");
    CHECK_INT(hits, 2, "the second signal was handled too");

    /* SA_NODEFER lets the handler be entered again from inside itself. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_nested;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    CHECK_INT(max_depth, 3, "SA_NODEFER: handlers nested three deep");

    /* SA_RESETHAND: the first delivery puts SIG_DFL back. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGHUP, &sa, NULL);
    hits = 0;
    raise(SIGHUP);
    struct sigaction old;
    sigaction(SIGHUP, NULL, &old);
    CHECK(hits == 1 && old.sa_handler == SIG_DFL, "SA_RESETHAND: handled once, then SIG_DFL");

    /* SIGCHLD to a handler when a child exits. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, NULL);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    CHECK(child_seen >= 1 && WIFEXITED(status) && WEXITSTATUS(status) == 7,
          "SIGCHLD handler ran and the child's status is intact");
    signal(SIGCHLD, SIG_DFL);

    /* A SIGSEGV handler gets the faulting address and leaves with siglongjmp. */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    volatile int escaped = 0;
    if (sigsetjmp(escape, 1) == 0)
        *(volatile int *)0x1234 = 1;
    else
        escaped = 1;
    CHECK(escaped && fault_addr == (void *)0x1234,
          "SIGSEGV handler: si_addr 0x1234, siglongjmp out");
    /* Once out, the signal is unblocked again (sigsetjmp saved the mask). */
    escaped = 0;
    if (sigsetjmp(escape, 1) == 0)
        *(volatile int *)0x5678 = 1;
    else
        escaped = 1;
    CHECK(escaped && fault_addr == (void *)0x5678, "a second fault reaches the handler too");
    signal(SIGSEGV, SIG_DFL);

    /* sigsuspend: wait with SIGUSR1 unblocked until it arrives from a child. */
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    hits = 0;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, SIGUSR1);
    int rc = sigsuspend(&wait_mask);
    CHECK(rc == -1 && errno == EINTR && hits == 1, "sigsuspend returns EINTR after the handler");
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1), "sigsuspend put the old mask back (SIGUSR1 blocked)");
    waitpid(pid, NULL, 0);
    sigprocmask(SIG_UNBLOCK, &block, NULL);

    /* A handler without SA_RESTART interrupts a blocking read with EINTR. */
    int p[2];
    pipe(p);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count;
    sigaction(SIGUSR2, &sa, NULL);
    hits = 0;
    pid = interrupt_repeatedly();
    char c;
    long n = read(p[0], &c, 1);
    int err = errno;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    CHECK(n == -1 && err == EINTR && hits >= 1, "a blocking read is interrupted: EINTR");

    /* With SA_RESTART the same read resumes after the handler and gets the byte sent later. */
    pipe(ack);
    sa.sa_handler = count_and_ack;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, NULL);
    hits = 0;
    pid = interrupt_then_write(p[1]);
    n = read(p[0], &c, 1);
    CHECK(n == 1 && c == 'R' && hits == 1, "SA_RESTART: the read resumes after the handler");
    waitpid(pid, NULL, 0);
    signal(SIGUSR2, SIG_DFL);

    /* alarm: SIGALRM ends a wait; the seconds left are reported. SIGALRM stays blocked but
     * for the wait itself (sigsuspend), so it cannot come between the check and the wait. */
    sigset_t alrm, unblocked;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, &unblocked);
    sigdelset(&unblocked, SIGALRM);
    signal(SIGALRM, count);
    hits = 0;
    CHECK_INT(alarm(5), 0, "alarm(5) with none pending returns 0");
    CHECK_INT(alarm(1), 5, "alarm(1) returns the 5 seconds left of the first");
    rc = sigsuspend(&unblocked);
    CHECK(rc == -1 && errno == EINTR && hits == 1, "the wait ends with EINTR after SIGALRM");
    CHECK_INT(alarm(0), 0, "no alarm left after it fired");

    /* setitimer: an interval timer fires repeatedly; getitimer sees it running. */
    struct itimerval it = {{0, 20000}, {0, 20000}}, cur;
    hits = 0;
    CHECK_INT(setitimer(ITIMER_REAL, &it, NULL), 0, "setitimer 20 ms, interval 20 ms");
    CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_interval.tv_usec == 20000 &&
              (cur.it_value.tv_sec || cur.it_value.tv_usec),
          "getitimer: the interval and a running value");
    while (hits < 3)
        sigsuspend(&unblocked);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, &cur);
    CHECK(hits == 3 && cur.it_interval.tv_usec == 20000, "three SIGALRMs, then disarmed");
    CHECK(getitimer(ITIMER_REAL, &cur) == 0 && !cur.it_value.tv_sec && !cur.it_value.tv_usec,
          "getitimer after disarming: zero");
    signal(SIGALRM, SIG_IGN); /* a fourth one, pending since, is dropped */
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
    return check_done();
}
