/* t_fork: process creation and reaping: fork and vfork, wait4 for one child and for any, exit
 * statuses (truncated to 8 bits), deaths by signal, WNOHANG, ECHILD, a fork tree whose exit
 * statuses add up, separate memory after fork in both directions, and an orphan reparented to
 * init (this program is pid 1). */
#include "check.h"

#include <sched.h>
#include <sys/mman.h>

static int global = 1;

/* A binary tree of processes of the given depth; each exits with the number of nodes below it. */
static int tree(int depth)
{
    if (depth == 0)
        return 1;
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = check_fork();
        if (kids[i] == 0)
            _exit(tree(depth - 1));
    }
    int sum = 1;
    for (int i = 0; i < 2; i++) {
        int st = check_wait(kids[i]);
        sum += st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : 1000;
    }
    return sum;
}

int main(void)
{
    check_init();
    int fds[2];
    pid_t self = getpid();

    /* The child sees a copy of memory and knows its parent. */
    int *heap = malloc(sizeof *heap);
    *heap = 5;
    pipe(fds);
    pid_t pid = check_fork();
    if (pid == 0) {
        pid_t me = getpid();
        write(fds[1], &me, sizeof me);
        int ok = getppid() == self && global == 1 && *heap == 5;
        global = 2;
        *heap = 6;
        _exit(ok ? 0 : 1);
    }
    CHECK(pid > 0, "fork returns the child's pid in the parent");
    pid_t told = 0;
    read(fds[0], &told, sizeof told);
    close(fds[0]);
    close(fds[1]);
    CHECK(told == pid, "the child's getpid() is what fork returned");
    check_status(check_wait(pid), 0, 0, "child saw its parent and a copy of memory");
    CHECK(global == 1 && *heap == 5, "the child's writes did not reach the parent");

    /* The other direction: the parent writes after fork, while the child still shares the
     * pages it has not written (copy-on-write must take the parent's write access too); the
     * child reads them only once the parent says it is done. A page of its own, which nothing
     * else writes (the child's libc writes its own data right after fork, and would copy any
     * page it shares first), written before the fork so that it is writable in the parent. */
    volatile int *page =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[0] = 1;
    int go[2];
    pipe(go);
    pid = check_fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        _exit(read(go[0], &c, 1) == 1 && page[0] == 1 ? 0 : 1);
    }
    close(go[0]);
    page[0] = 2;
    write(go[1], "g", 1);
    close(go[1]);
    check_status(check_wait(pid), 0, 0, "the parent's writes after fork did not reach the child");
    munmap((void *)page, 4096);

    /* Statuses, reaped in reverse order by pid. */
    static const int codes[] = {0, 1, 2, 42, 127, 128, 200, 255, 256, 257, -1};
    pid_t kids[11];
    for (int i = 0; i < 11; i++)
        if ((kids[i] = check_fork()) == 0)
            exit(codes[i]);
    for (int i = 10; i >= 0; i--)
        check_status(check_wait(kids[i]), codes[i] & 0xff, 0, "exit(%d)", codes[i]);

    /* Signals. */
    if ((pid = check_fork()) == 0) {
        kill(getpid(), SIGKILL);
        _exit(99);
    }
    check_status(check_wait(pid), 0, SIGKILL, "a child that sends itself SIGKILL");
    if ((pid = check_fork()) == 0)
        for (;;)
            sched_yield();
    CHECK_INT(kill(pid, SIGTERM), 0, "kill(child, SIGTERM)");
    check_status(check_wait(pid), 0, SIGTERM, "the spinning child");
    CHECK_ERR(kill(pid, 0), ESRCH, "kill of a reaped pid");

    /* WNOHANG on a live child; it exits once the pipe closes. */
    pipe(fds);
    if ((pid = check_fork()) == 0) {
        char c;
        close(fds[1]);
        _exit(read(fds[0], &c, 1) == 0 ? 33 : 34);
    }
    close(fds[0]);
    int st = 0;
    CHECK_INT(wait4(pid, &st, WNOHANG, NULL), 0, "WNOHANG while the child runs returns 0");
    close(fds[1]);
    check_status(check_wait(pid), 33, 0, "the child saw EOF");
    CHECK_ERR(wait4(-1, &st, 0, NULL), ECHILD, "wait4 with no children");
    CHECK_ERR(wait4(-1, &st, WNOHANG, NULL), ECHILD, "WNOHANG with no children");

    /* Many at once, reaped with wait4(-1). */
    int seen = 0, bad = 0;
    for (int i = 0; i < 20; i++)
        if (check_fork() == 0) {
            for (int k = 0; k < i * 3; k++)
                sched_yield();
            _exit(i);
        }
    for (int i = 0; i < 20; i++) {
        pid_t r = wait4(-1, &st, 0, NULL);
        if (r > 0 && WIFEXITED(st) && WEXITSTATUS(st) < 20)
            seen |= 1 << WEXITSTATUS(st);
        else
            bad++;
    }
    CHECK(seen == (1 << 20) - 1 && bad == 0, "20 concurrent children, each reaped once");

    pid = check_fork();
    if (pid == 0)
        _exit(tree(4));
    check_status(check_wait(pid), 31, 0, "a fork tree of depth 4 counts its 31 processes");

    int cycles = 0;
    for (int i = 0; i < 100; i++) {
        pid = check_fork();
        if (pid == 0)
            _exit(i & 0x7f);
        st = check_wait(pid);
        cycles += st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == (i & 0x7f);
    }
    CHECK_INT(cycles, 100, "100 fork/exit/wait cycles");

    pid = vfork();
    if (pid == 0)
        _exit(7);
    check_status(check_wait(pid), 7, 0, "vfork child");

    /* An orphan: the child exits at once, its child is left to init, i.e. to us. */
    pipe(fds);
    if ((pid = check_fork()) == 0) {
        if (fork() == 0) {
            char c;
            close(fds[1]);
            read(fds[0], &c, 1);
            _exit(getppid() == 1 ? 44 : 45);
        }
        _exit(0);
    }
    close(fds[0]);
    check_status(check_wait(pid), 0, 0, "the orphan's parent");
    close(fds[1]);
    pid_t r = wait4(-1, &st, 0, NULL);
    CHECK(r > 0 && r != pid, "init reaps the orphan");
    check_status(r > 0 ? st : -1, 44, 0, "the orphan saw its parent become pid 1");
    free(heap);
    return check_done();
}
