/* t_exec: execve chains and images: this program execs itself with a counter down to 0 (pid and the
 * given environment kept, memory fresh), runs /bin/hello with its output in a pipe, passes 200
 * arguments, and checks execve's errors (ENOENT, ENOEXEC, EACCES, EFAULT).
 * Modes: t_exec | t_exec chain N PID | t_exec args A0 .. A199 */
#include "check.h"

#include <sys/syscall.h>

#define SELF "/tests/t_exec"

static int fresh = 1; /* must start at 1 in every image */

static int chain(int n, const char *pid, char **envp)
{
    char want[32];
    snprintf(want, sizeof want, "CHAIN=%d", n + 1);
    int ok = atoi(pid) == getpid() && fresh == 1 && envp[0] && strcmp(envp[0], want) == 0 &&
             envp[1] && strcmp(envp[1], "KEEP=yes") == 0 && envp[2] == NULL;
    printf("chain %d: %s\n", n, ok ? "pid, environment and fresh memory ok" : "WRONG");
    fresh = 2;
    if (!ok)
        return 1;
    if (n == 0)
        return 42;
    char num[16], env0[32];
    snprintf(num, sizeof num, "%d", n - 1);
    snprintf(env0, sizeof env0, "CHAIN=%d", n);
    char *const argv[] = {SELF, "chain", num, (char *)pid, NULL};
    char *const env[] = {env0, "KEEP=yes", NULL};
    fflush(stdout);
    execve(SELF, argv, env);
    printf("chain %d: execve failed: %s\n", n, strerror(errno));
    return 2;
}

static int args(int argc, char **argv)
{
    int bad = argc != 202;
    for (int i = 2; i < argc && !bad; i++) {
        char want[16];
        snprintf(want, sizeof want, "a%d", i - 2);
        bad = strcmp(argv[i], want) != 0;
    }
    return bad ? 1 : 0;
}

/* fork, then execve(path, argv) in the child with env; the wait status. */
static int spawn(const char *path, char *const argv[], char *const env[])
{
    pid_t pid = check_fork();
    if (pid == 0) {
        execve(path, argv, env);
        _exit(127);
    }
    return check_wait(pid);
}

int main(int argc, char **argv, char **envp)
{
    check_init();
    if (argc == 4 && strcmp(argv[1], "chain") == 0)
        return chain(atoi(argv[2]), argv[3], envp);
    if (argc > 1 && strcmp(argv[1], "args") == 0)
        return args(argc, argv);

    /* The chain runs in a child: its pid is what the images must keep. */
    pid_t pid = check_fork();
    if (pid == 0) {
        char p[16];
        snprintf(p, sizeof p, "%d", getpid());
        char *const av[] = {SELF, "chain", "5", p, NULL};
        char *const env[] = {"CHAIN=6", "KEEP=yes", NULL};
        execve(SELF, av, env);
        _exit(127);
    }
    check_status(check_wait(pid), 42, 0, "execve chain 5 .. 0 ends with exit(42)");

    /* vfork + execve, the way shells spawn. */
    pid = vfork();
    if (pid == 0) {
        char p[16];
        snprintf(p, sizeof p, "%d", getpid());
        char *const av[] = {SELF, "chain", "1", p, NULL};
        char *const env[] = {"CHAIN=2", "KEEP=yes", NULL};
        execve(SELF, av, env);
        _exit(127);
    }
    check_status(check_wait(pid), 42, 0, "vfork + execve chain 1 .. 0");

    /* Another program, its output read through a pipe. */
    int fds[2];
    pipe(fds);
    pid = check_fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        char *const av[] = {"/bin/hello", NULL};
        execve(av[0], av, envp);
        _exit(127);
    }
    close(fds[1]);
    char out[64] = "";
    size_t got = 0;
    ssize_t r;
    while (got < sizeof out - 1 && (r = read(fds[0], out + got, sizeof out - 1 - got)) > 0)
        got += (size_t)r;
    close(fds[0]);
    check_status(check_wait(pid), 0, 0, "/bin/hello");
    CHECK_STR(out, "hello from ring 3\n", "its output through the pipe");

    static char *many[203];
    static char store[200][8];
    many[0] = SELF;
    many[1] = "args";
    for (int i = 0; i < 200; i++) {
        snprintf(store[i], sizeof store[i], "a%d", i);
        many[i + 2] = store[i];
    }
    check_status(spawn(SELF, many, envp), 0, 0, "200 arguments arrive intact");

    char *const none[] = {"x", NULL};
    CHECK_ERR(execve("/tests/no-such-program", none, envp), ENOENT, "execve of a missing file");
    CHECK_ERR(execve("/etc/testdata/notelf", none, envp), ENOEXEC, "execve of a non-ELF file");
    CHECK_ERR(execve("/etc/motd", none, envp), EACCES, "execve of a file without x bits");
    CHECK_ERR(execve("/etc", none, envp), EACCES, "execve of a directory");
    CHECK_ERR(syscall(SYS_execve, (void *)1, none, envp), EFAULT, "execve of a wild path");
    CHECK_ERR(syscall(SYS_execve, SELF, (void *)0xC0000000, envp), EFAULT, "a wild argv");
    CHECK(fresh == 1, "this image is still running after the failed execs");
    return check_done();
}
