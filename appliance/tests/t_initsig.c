/* t_initsig: run as pid 1, as init is. Linux's rule for init: a signal it does not handle (its
 * action is SIG_DFL) is not delivered to it from inside, SIGKILL and SIGSTOP included, so
 * kill(1, SIGKILL) from a child, and init's own raise(SIGTERM), change nothing; a signal init
 * does handle arrives as usual. Also: a vfork parent whose child never execs can still be killed
 * (the wait is killable, as in Linux), and kill(-1, ...) spares init. Run by init (not as pid
 * 1), it only sends init those signals and checks that init is still there. */
#include "check.h"

#include <sys/syscall.h>

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
    (void)sig;
    usr1++;
}

/* A child sends sig to pid 1; its exit status is kill's errno (0 on success). */
static int send_to_init(void *arg)
{
    return kill(1, (int)(intptr_t)arg) == 0 ? 0 : errno;
}

static int tkill_init(void *arg)
{
    return syscall(SYS_tkill, 1, (int)(intptr_t)arg) == 0 ? 0 : errno;
}

static int kill_everybody(void *arg)
{
    (void)arg;
    return kill(-1, SIGKILL) == 0 ? 0 : errno; /* neither init nor us: nobody (ESRCH) */
}

/* vfork, and a child that never execs nor exits: the parent waits until it is killed. The child
 * says on fd that it runs (so the parent is waiting). */
static int vfork_forever(int fd)
{
    pid_t pid = vfork();
    if (pid == 0) {
        syscall(SYS_write, fd, "v", 1);
        for (;;)
            syscall(SYS_pause);
    }
    return 50; /* the child ended: not expected */
}

/* A process that vforks such a child; returns once the child runs. */
static pid_t start_vfork_parent(void)
{
    int p[2];
    char c;
    pipe(p);
    pid_t parent = check_fork();
    if (parent == 0)
        _exit(vfork_forever(p[1]));
    read(p[0], &c, 1);
    close(p[0]);
    close(p[1]);
    return parent;
}

/* The signals to init, then the vfork waits; "vfork" as argument runs only the latter. */
static void signals_to_init(void)
{

    check_status(check_run_child(send_to_init, (void *)SIGKILL), 0, 0,
                 "a child's kill(1, SIGKILL) succeeds");
    check_status(check_run_child(tkill_init, (void *)SIGKILL), 0, 0,
                 "a child's tkill(1, SIGKILL) succeeds");
    check_status(check_run_child(send_to_init, (void *)SIGTERM), 0, 0,
                 "a child's kill(1, SIGTERM) succeeds");
    check_status(check_run_child(send_to_init, (void *)SIGSTOP), 0, 0,
                 "a child's kill(1, SIGSTOP) succeeds");
    check_status(check_run_child(send_to_init, (void *)SIGSEGV), 0, 0,
                 "a child's kill(1, SIGSEGV) succeeds");
    CHECK_INT(raise(SIGTERM), 0, "init's own raise(SIGTERM) succeeds");
    CHECK_INT(raise(SIGKILL), 0, "init's own raise(SIGKILL) succeeds");
    CHECK(1, "init is still here after all of them");

    signal(SIGUSR1, on_usr1);
    check_status(check_run_child(send_to_init, (void *)SIGUSR1), 0, 0,
                 "a child's kill(1, SIGUSR1) with a handler installed");
    while (usr1 == 0)
        pause();
    CHECK_INT(usr1, 1, "the handled signal reached init");

    check_status(check_run_child(kill_everybody, 0), ESRCH, 0,
                 "a child's kill(-1, SIGKILL) spares init and finds nobody else (ESRCH)");
}

int main(int argc, char **argv)
{
    check_init();
    if (getpid() != 1) {
        static const int sigs[] = {SIGKILL, SIGTERM, SIGSTOP, SIGSEGV, SIGABRT};
        for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            CHECK_INT(kill(1, sigs[i]), 0, "kill(1, %s)", check_signame(sigs[i]));
        CHECK_INT(syscall(SYS_tkill, 1, SIGKILL), 0, "tkill(1, SIGKILL)");
        CHECK_INT(kill(1, 0), 0, "init is still there");
        return check_done();
    }
    CHECK_INT(getpid(), 1, "running as pid 1");
    if (argc < 2 || strcmp(argv[1], "vfork") != 0)
        signals_to_init();

    pid_t parent = start_vfork_parent();
    CHECK_INT(kill(parent, SIGKILL), 0, "SIGKILL to a vfork parent still waiting for its child");
    check_status(check_wait(parent), 0, SIGKILL, "the vfork parent");
    /* Its child, now an orphan, is init's: end it too. */
    CHECK_INT(kill(-1, SIGKILL), 0, "kill(-1, SIGKILL) reaches the orphaned vfork child");
    int st, reaped = 0;
    while (wait(&st) > 0)
        reaped += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    CHECK_INT(reaped, 1, "init reaped it, killed by SIGKILL");

    parent = start_vfork_parent();
    CHECK_INT(kill(parent, SIGTERM), 0, "SIGTERM (not handled) to a waiting vfork parent");
    check_status(check_wait(parent), 0, SIGTERM, "the vfork parent");
    kill(-1, SIGKILL);
    while (wait(&st) > 0)
        ;
    return check_done();
}
