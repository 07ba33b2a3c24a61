/* t_forkbomb: fork bombs against RLIMIT_NPROC, run as pid 1 (init): with the default limit and
 * with a lowered one, by processes that stay alive and by zombies nobody reaps. Every bomb must
 * stop at EAGAIN, while init itself can still fork. (Appliance only: on Linux root is exempt
 * from RLIMIT_NPROC, so natively nothing would stop the bomb.)
 * ring3-appliance-only */
#include "check.h"

#include <sys/syscall.h>

/* The bomb: fork until EAGAIN; children either wait forever or exit at once (left unreaped).
 * Writes how many forks worked, then the errno of the one that did not. */
static void bomb(int fd, int zombies, rlim_t limit)
{
    if (limit) {
        struct rlimit r = {limit, limit};
        if (setrlimit(RLIMIT_NPROC, &r) != 0)
            _exit(10);
    }
    setpgid(0, 0);
    signal(SIGCHLD, SIG_DFL);
    int made = 0;
    for (;;) {
        pid_t pid = fork();
        if (pid == 0) {
            if (zombies)
                _exit(0);
            for (;;)
                pause();
        }
        if (pid < 0)
            break;
        made++;
    }
    int err = errno;
    write(fd, &made, sizeof made);
    write(fd, &err, sizeof err);
    for (;;)
        pause();
}

static void run(const char *what, int zombies, rlim_t limit)
{
    int p[2];
    pipe(p);
    pid_t pid = check_fork();
    if (pid == 0) {
        close(p[0]);
        bomb(p[1], zombies, limit);
    }
    close(p[1]);
    int made = -1, err = 0;
    read(p[0], &made, sizeof made);
    read(p[0], &err, sizeof err);
    close(p[0]);
    printf("# %s: %d forks\n", what, made);
    CHECK(made > 0 && err == EAGAIN, "%s: stopped with EAGAIN", what);
    if (limit)
        CHECK(made < (int)limit, "%s: below the limit of %d", what, (int)limit);

    /* init is exempt: it still forks, and the child runs. */
    pid_t c = check_fork();
    if (c == 0)
        _exit(7);
    check_status(c > 0 ? check_wait(c) : -1, 7, 0, "%s: init still forks a child that runs", what);

    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    check_status(check_wait(pid), 0, SIGKILL, "%s: the bomb killed", what);
    int st, reaped = 0;
    while (waitpid(-1, &st, 0) > 0)
        reaped++; /* the orphans and zombies, now init's */
    printf("# %s: %d reaped\n", what, reaped);
}

int main(void)
{
    check_init();
    struct rlimit r;
    CHECK_INT(getrlimit(RLIMIT_NPROC, &r), 0, "getrlimit(RLIMIT_NPROC)");
    printf("# RLIMIT_NPROC %llu %llu\n", (unsigned long long)r.rlim_cur,
           (unsigned long long)r.rlim_max);
    run("live bomb, default limit", 0, 0);
    run("zombie bomb, default limit", 1, 0);
    run("live bomb, RLIMIT_NPROC 20", 0, 20);
    run("zombie bomb, RLIMIT_NPROC 20", 1, 20);
    r.rlim_cur = r.rlim_max + 1;
    CHECK_ERR(setrlimit(RLIMIT_NPROC, &r), EINVAL, "a soft limit above the hard one");
    pid_t c = check_fork();
    if (c == 0) {
        struct rlimit low = {5, 5}, high = {10, 10};
        setrlimit(RLIMIT_NPROC, &low);
        _exit(setrlimit(RLIMIT_NPROC, &high) == -1 && errno == EPERM ? 0 : 1);
    }
    check_status(check_wait(c), 0, 0, "a lowered hard limit cannot be raised again (EPERM)");
    return check_done();
}
