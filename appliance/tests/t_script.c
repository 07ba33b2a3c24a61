/* t_script: "#!" interpreter scripts in execve, Linux's rules: the interpreter and one optional
 * argument (everything after it on the line, inner blanks kept, trailing ones cut), then the
 * script's path, then argv[1..]; scripts run by scripts (up to Linux's depth, then ELOOP); a
 * line longer than 256 bytes; the refusals (no interpreter, a missing or non-executable one, a
 * non-executable script, a cut interpreter name). The interpreter is this program itself: with
 * T_SCRIPT_SHOW in its environment it prints its arguments joined by '|'. */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

#define SELF "/tests/t_script"

static int show(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        printf("%s%s", i ? "|" : "", argv[i]);
    printf("\n");
    return 0;
}

static void put_script(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd))
        printf("FAIL - cannot write %s\n", path);
    chmod(path, mode);
}

/* Run path with arguments (NULL-terminated) and T_SCRIPT_SHOW set; its output in out. Returns
 * the child's exit status, or 100 + errno when execve failed. */
static int run(const char *path, char *const argv[], char *out, size_t size)
{
    char *envp[] = {"T_SCRIPT_SHOW=1", NULL};
    int fds[2], status;
    size_t got = 0;
    ssize_t n;
    pid_t pid;

    fflush(stdout);
    if (pipe(fds))
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execve(path, argv, envp);
        _exit(100 + errno);
    }
    close(fds[1]);
    while (got + 1 < size && (n = read(fds[0], out + got, size - 1 - got)) > 0)
        got += (size_t)n;
    out[got] = 0;
    if (got && out[got - 1] == '\n')
        out[got - 1] = 0;
    close(fds[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void expect_run(const char *path, const char *want, const char *what)
{
    char *argv[] = {"argv0-dropped", "x", "y", NULL};
    char out[1024];
    int st = run(path, argv, out, sizeof out);

    CHECK_INT(st, 0, "%s: runs", what);
    CHECK_STR(out, want, "%s: the interpreter's arguments", what);
}

static void expect_refused(const char *path, int err, const char *what)
{
    char *argv[] = {"x", NULL};
    char out[256];

    CHECK_INT(run(path, argv, out, sizeof out), 100 + err, "%s: execve fails with %s", what,
              strerror(err));
}

int main(int argc, char **argv)
{
    char line[512], want[512];

    if (getenv("T_SCRIPT_SHOW"))
        return show(argc, argv);
    check_init();
    put_script("/tmp/s1", "#!" SELF " show\necho not read\n", 0755);
    expect_run("/tmp/s1", SELF "|show|/tmp/s1|x|y", "one argument");
    put_script("/tmp/s2", "#! \t" SELF "   two  words \t \nrest\n", 0755);
    expect_run("/tmp/s2", SELF "|two  words|/tmp/s2|x|y", "blanks around, inside kept");
    put_script("/tmp/s3", "#!" SELF "\n", 0755);
    expect_run("/tmp/s3", SELF "|/tmp/s3|x|y", "no argument");
    put_script("/tmp/s4", "#!/tmp/s1 nested\n", 0755);
    expect_run("/tmp/s4", SELF "|show|/tmp/s1|nested|/tmp/s4|x|y", "a script as interpreter");
    CHECK_INT(chdir("/tmp"), 0, "chdir /tmp");
    expect_run("s1", SELF "|show|s1|x|y", "a relative path is passed as given");
    put_script("/tmp/s5", "#!s1\n", 0755);
    expect_run("/tmp/s5", SELF "|show|s1|/tmp/s5|x|y", "a relative interpreter, from the cwd");

    /* A line longer than the 256-byte buffer: the argument is cut at the buffer's end. */
    snprintf(line, sizeof line, "#!%s %0300d\n", SELF, 7);
    put_script("/tmp/long", line, 0755);
    snprintf(want, sizeof want, "%s|%.*s|/tmp/long|x|y", SELF, 255 - 3 - (int)strlen(SELF),
             line + 3 + strlen(SELF));
    expect_run("/tmp/long", want, "a line past 256 bytes");

    /* Depth: five interpreters that are scripts are fine, a sixth is ELOOP. */
    put_script("/tmp/d0", "#!/tmp/s3\n", 0755);
    for (int i = 1; i <= 5; i++) {
        snprintf(line, sizeof line, "#!/tmp/d%d\n", i - 1);
        snprintf(want, sizeof want, "/tmp/d%d", i);
        put_script(want, line, 0755);
    }
    expect_run("/tmp/d3", SELF "|/tmp/s3|/tmp/d0|/tmp/d1|/tmp/d2|/tmp/d3|x|y", "depth 5");
    expect_refused("/tmp/d4", ELOOP, "depth 6");
    put_script("/tmp/loop", "#!/tmp/loop\n", 0755);
    expect_refused("/tmp/loop", ELOOP, "a script that names itself");

    put_script("/tmp/e1", "#!\n", 0755);
    expect_refused("/tmp/e1", ENOEXEC, "no interpreter");
    put_script("/tmp/e2", "#!  \t \n", 0755);
    expect_refused("/tmp/e2", ENOEXEC, "only blanks");
    put_script("/tmp/e3", "#!/nonexistent/interp\n", 0755);
    expect_refused("/tmp/e3", ENOENT, "a missing interpreter");
    put_script("/tmp/e4", "#!/etc/motd\n", 0755);
    expect_refused("/tmp/e4", EACCES, "an interpreter without x bits");
    put_script("/tmp/e5", "#!" SELF " show\n", 0644);
    expect_refused("/tmp/e5", EACCES, "a script without x bits");
    snprintf(line, sizeof line, "#!/%0300d", 0);
    put_script("/tmp/e6", line, 0755);
    expect_refused("/tmp/e6", ENOEXEC, "an interpreter name cut by the buffer");
    put_script("/tmp/e7", "#", 0755);
    expect_refused("/tmp/e7", ENOEXEC, "a one-byte file");
    return check_done();
}
