/* check.h: helpers for the self-checking ring-3 test programs (appliance/tests/t_*.c).
 * Every check prints one line, "ok - what" or "FAIL - what: detail", and check_done() prints a
 * summary and gives main's exit status. The output must be identical natively and in the
 * appliance, so nothing printed here depends on pids, addresses, times or whether stdout is a tty.
 */
#ifndef CHECK_H
#define CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int check_total, check_failed;

/* Line buffering whatever stdout is (a tty in the appliance, a pipe natively). */
static inline void check_init(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
}

__attribute__((format(printf, 3, 0))) static inline int check_vreport(int ok, const char *detail,
                                                                      const char *what, va_list ap)
{
    check_total++;
    if (!ok)
        check_failed++;
    fputs(ok ? "ok - " : "FAIL - ", stdout);
    vprintf(what, ap);
    if (!ok && detail)
        printf(": %s", detail);
    putchar('\n');
    return ok;
}

__attribute__((format(printf, 3, 4))) static inline int check_report(int ok, const char *detail,
                                                                     const char *what, ...)
{
    va_list ap;
    va_start(ap, what);
    ok = check_vreport(ok, detail, what, ap);
    va_end(ap);
    return ok;
}

/* CHECK(cond, "what %d", ...): the condition's text is the detail on failure. */
#define CHECK(cond, ...) check_report((cond) ? 1 : 0, "false: " #cond, __VA_ARGS__)

__attribute__((format(printf, 3, 4))) static inline int check_int(long long got, long long want,
                                                                  const char *what, ...)
{
    char detail[64];
    va_list ap;
    snprintf(detail, sizeof detail, "got %lld want %lld", got, want);
    va_start(ap, what);
    int ok = check_vreport(got == want, detail, what, ap);
    va_end(ap);
    return ok;
}
#define CHECK_INT(got, want, ...) check_int((long long)(got), (long long)(want), __VA_ARGS__)

__attribute__((format(printf, 3, 4))) static inline int check_str(const char *got, const char *want,
                                                                  const char *what, ...)
{
    char detail[256];
    va_list ap;
    int ok = got && strcmp(got, want) == 0;
    snprintf(detail, sizeof detail, "got \"%s\" want \"%s\"", got ? got : "(null)", want);
    va_start(ap, what);
    ok = check_vreport(ok, detail, what, ap);
    va_end(ap);
    return ok;
}
#define CHECK_STR(got, want, ...) check_str((got), (want), __VA_ARGS__)

/* A call that must fail: returned -1 with errno == want. Use as CHECK_ERR(call(...), EFAULT, ...).
 */
__attribute__((format(printf, 3, 4))) static inline int check_err(long ret, int want,
                                                                  const char *what, ...)
{
    int err = errno;
    char detail[128];
    va_list ap;
    snprintf(detail, sizeof detail, "got %ld errno %d (%s) want -1 errno %d (%s)", ret,
             ret == -1 ? err : 0, ret == -1 ? strerror(err) : "-", want, strerror(want));
    va_start(ap, what);
    int ok = check_vreport(ret == -1 && err == want, detail, what, ap);
    va_end(ap);
    return ok;
}
#define CHECK_ERR(call, want, ...) (errno = 0, check_err((long)(call), (want), __VA_ARGS__))

/* The summary line, and main's exit status (0 only if every check passed). */
static inline int check_done(void)
{
    printf("# %d checks, %d failed\n", check_total, check_failed);
    fflush(stdout);
    return check_failed ? 1 : 0;
}

/* fork with stdio flushed first, so no buffered output is duplicated into the child. */
static inline pid_t check_fork(void)
{
    fflush(NULL);
    return fork();
}

/* wait4 for one child (retrying on EINTR); returns its status, or -1 if wait4 failed. */
static inline int check_wait(pid_t pid)
{
    int status;
    struct rusage ru;
    pid_t r;
    do
        r = wait4(pid, &status, 0, &ru);
    while (r < 0 && errno == EINTR);
    return r == pid ? status : -1;
}

static inline const char *check_signame(int sig)
{
    switch (sig) {
    case SIGHUP:
        return "SIGHUP";
    case SIGINT:
        return "SIGINT";
    case SIGQUIT:
        return "SIGQUIT";
    case SIGILL:
        return "SIGILL";
    case SIGTRAP:
        return "SIGTRAP";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGKILL:
        return "SIGKILL";
    case SIGUSR1:
        return "SIGUSR1";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGUSR2:
        return "SIGUSR2";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGALRM:
        return "SIGALRM";
    case SIGTERM:
        return "SIGTERM";
    case SIGCHLD:
        return "SIGCHLD";
    case SIGCONT:
        return "SIGCONT";
    case SIGSTOP:
        return "SIGSTOP";
    case SIGTSTP:
        return "SIGTSTP";
    case SIGTTIN:
        return "SIGTTIN";
    case SIGTTOU:
        return "SIGTTOU";
    default:
        return "?";
    }
}

/* "exited with status N" or "killed by signal N (NAME)", in a static buffer. */
static inline const char *check_status_str(int status)
{
    static char buf[64];
    if (status == -1)
        snprintf(buf, sizeof buf, "wait4 failed");
    else if (WIFEXITED(status))
        snprintf(buf, sizeof buf, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, sizeof buf, "killed by signal %d (%s)", WTERMSIG(status),
                 check_signame(WTERMSIG(status)));
    else
        snprintf(buf, sizeof buf, "status 0x%x", (unsigned)status);
    return buf;
}

/* Runs fn(arg) in a child that then exits with fn's return value; returns the wait status. */
static inline int check_run_child(int (*fn)(void *), void *arg)
{
    pid_t pid = check_fork();
    if (pid == 0)
        _exit(fn(arg));
    return pid < 0 ? -1 : check_wait(pid);
}

/* A field of /proc/meminfo in kB (MemTotal, MemFree, ...), without malloc; -1 if absent. */
static inline long meminfo(const char *key)
{
    static char buf[4096];
    int fd = open("/proc/meminfo", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    size_t len = strlen(key);
    for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : 0)
        if (strncmp(line, key, len) == 0 && line[len] == ':')
            return strtol(line + len + 1, NULL, 10);
    return -1;
}

/* 127.0.0.1 and port, for the socket tests. */
static inline struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A child status must be exactly "exited with status want_exit" (want_sig 0) or "killed by
 * want_sig"; the line shows what the parent saw, so both runs print the same thing. */
__attribute__((format(printf, 4, 5))) static inline int
check_status(int status, int want_exit, int want_sig, const char *what, ...)
{
    int ok = want_sig ? status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == want_sig
                      : status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == want_exit;
    char detail[128];
    va_list ap;
    snprintf(detail, sizeof detail, "want %s %d", want_sig ? "signal" : "exit status",
             want_sig ? want_sig : want_exit);
    check_total++;
    if (!ok)
        check_failed++;
    fputs(ok ? "ok - " : "FAIL - ", stdout);
    va_start(ap, what);
    vprintf(what, ap);
    va_end(ap);
    printf(": %s", check_status_str(status));
    if (!ok)
        printf(", %s", detail);
    putchar('\n');
    return ok;
}

/* A process's state letter from /proc/<pid>/stat (R, S, T, Z, ...), '?' when it cannot be read. */
static inline char check_proc_state(pid_t pid)
{
    char path[64], buf[256], *p;
    int fd, n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return '?';
    n = (int)read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return '?';
    buf[n] = 0;
    p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

/* CLOCK_MONOTONIC in nanoseconds. */
static inline long long check_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif
