/* t_signals: signals as far as the kernel's minimal model goes: faults become SIGILL, SIGFPE,
 * SIGTRAP and SIGSEGV (stack overflow too); kill() with default actions (terminate or ignore),
 * SIG_IGN (inherited across fork and execve), a blocked signal staying pending until unblocked,
 * SIGKILL and SIGSTOP that cannot be blocked, and kill()'s errors. No handlers. Modes: t_signals |
 * t_signals selfkill SIGNUM */
#include "check.h"

#include <limits.h>
#include <stdint.h>

static volatile int vzero = 0, vmin = INT_MIN, vminus1 = -1;

static int do_ud2(void *a)
{
    (void)a;
    __asm__ volatile("ud2");
    return 0;
}

static int do_div0(void *a)
{
    (void)a;
    return 10 / vzero; // cppcheck-suppress zerodiv ; the point
}

static int do_divmin(void *a)
{
    (void)a;
    return vmin / vminus1;
}

static int do_int3(void *a)
{
    (void)a;
    __asm__ volatile("int3");
    return 0;
}

static int recurse(int n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    return vzero == 0 ? recurse(n + 1) + pad[0] : n; /* always recurses */
}

static int overflow_stack(void *a)
{
    (void)a;
    return recurse(0);
}

static int self_kill(void *a)
{
    kill(getpid(), (int)(intptr_t)a);
    return 0;
}

static int ignored_then_killed(void *a)
{
    signal((int)(intptr_t)a, SIG_IGN);
    kill(getpid(), (int)(intptr_t)a);
    return 0;
}

/* SIG_IGN set here must survive fork and then execve into "selfkill". */
static int ignore_across_exec(void *a)
{
    signal(SIGUSR2, SIG_IGN);
    pid_t pid = fork();
    if (pid == 0) {
        char *const av[] = {"/tests/t_signals", "selfkill", "12", NULL};
        char *const env[] = {NULL};
        execve(av[0], av, env);
        _exit(127);
    }
    int st = check_wait(pid);
    (void)a;
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : 126;
}

/* SIGUSR1 blocked: kill leaves it pending; it strikes when unblocked. */
static int blocked(void *a)
{
    int fd = (int)(intptr_t)a;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    kill(getpid(), SIGUSR1);
    write(fd, "alive", 5);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    return 0;
}

/* Every signal blocked: SIGKILL and SIGSTOP stay out of the mask ('y' to fd if so), and the
 * parent's SIGKILL still ends us. The nap is bounded (20 s) so that a kernel that lets SIGKILL be
 * blocked fails the check rather than hanging the test. */
static void block_everything(int fd)
{
    sigset_t all, now;
    struct timespec ts = {0, 100 * 1000 * 1000};
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    sigprocmask(SIG_BLOCK, NULL, &now);
    int ok =
        !sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP) && sigismember(&now, SIGTERM);
    write(fd, ok ? "y" : "n", 1);
    for (int i = 0; i < 200; i++)
        nanosleep(&ts, NULL);
    _exit(0);
}

int main(int argc, char **argv)
{
    check_init();
    if (argc == 3 && strcmp(argv[1], "selfkill") == 0) {
        kill(getpid(), atoi(argv[2]));
        return 33;
    }
    check_status(check_run_child(do_ud2, NULL), 0, SIGILL, "ud2");
    check_status(check_run_child(do_div0, NULL), 0, SIGFPE, "integer division by zero");
    check_status(check_run_child(do_divmin, NULL), 0, SIGFPE, "INT_MIN / -1");
    check_status(check_run_child(do_int3, NULL), 0, SIGTRAP, "int3");
    check_status(check_run_child(overflow_stack, NULL), 0, SIGSEGV, "unbounded recursion");

    static const int fatal[] = {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        check_status(check_run_child(self_kill, (void *)(intptr_t)fatal[i]), 0, fatal[i],
                     "kill(self, %d), default action", fatal[i]);
    check_status(check_run_child(self_kill, (void *)(intptr_t)SIGCHLD), 0, 0,
                 "kill(self, SIGCHLD) is ignored by default");
    check_status(check_run_child(self_kill, (void *)(intptr_t)SIGWINCH), 0, 0,
                 "kill(self, SIGWINCH) is ignored by default");
    check_status(check_run_child(ignored_then_killed, (void *)(intptr_t)SIGTERM), 0, 0,
                 "SIGTERM under SIG_IGN");
    check_status(check_run_child(ignored_then_killed, (void *)(intptr_t)SIGKILL), 0, SIGKILL,
                 "SIGKILL cannot be ignored");
    check_status(check_run_child(ignore_across_exec, NULL), 33, 0,
                 "SIG_IGN survives fork and execve");

    int p[2];
    pipe(p);
    check_status(check_run_child(blocked, (void *)(intptr_t)p[1]), 0, SIGUSR1,
                 "a blocked SIGUSR1, once unblocked");
    char buf[8] = "";
    CHECK(read(p[0], buf, 5) == 5 && strcmp(buf, "alive") == 0, "it stayed pending while blocked");

    errno = 0;
    CHECK(signal(SIGKILL, SIG_IGN) == SIG_ERR && errno == EINVAL, "SIG_IGN for SIGKILL: EINVAL");
    pid_t pid = check_fork();
    if (pid == 0) {
        char c;
        read(p[0], &c, 1);
        _exit(0);
    }
    CHECK_INT(kill(pid, 0), 0, "kill(pid, 0) of a live child");
    CHECK_ERR(kill(pid, 1000), EINVAL, "kill with signal 1000");
    write(p[1], "x", 1);
    check_status(check_wait(pid), 0, 0, "that child");
    CHECK_ERR(kill(99999, SIGTERM), ESRCH, "kill of a pid that does not exist");

    int q[2];
    pipe(q);
    if ((pid = check_fork()) == 0)
        block_everything(q[1]);
    char c = 0;
    read(q[0], &c, 1);
    CHECK(c == 'y', "sigprocmask blocks everything but SIGKILL and SIGSTOP");
    kill(pid, SIGKILL);
    check_status(check_wait(pid), 0, SIGKILL, "SIGKILL ends a process that blocked every signal");
    return check_done();
}
