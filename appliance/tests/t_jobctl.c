/* t_jobctl: job control without a terminal: SIGSTOP and SIGTSTP stop a child (wait4 with
 * WUNTRACED reports it once, /proc/<pid>/stat shows T), SIGCONT continues it (WCONTINUED reports
 * it once), SIGCHLD comes with CLD_STOPPED and CLD_CONTINUED unless SA_NOCLDSTOP, a handled
 * signal and a fatal one (SIGTERM) wait until the continue (only SIGKILL ends a stopped
 * process), a stop interrupting read() does not make it fail, and wait4's errors for bad options.
 */
#include "check.h"

#include <fcntl.h>
#include <string.h>

static volatile sig_atomic_t got_usr1;
static volatile int chld_code;

static void on_usr1(int sig)
{
    (void)sig;
    got_usr1 = 1;
}

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    chld_code = si->si_code;
}

/* A child that waits in pause() for a signal; with a handler for SIGUSR1 it then exits 7. */
static pid_t spawn_pauser(int handle_usr1)
{
    pid_t pid = check_fork();

    /* A group of its own, below ours in the same session: never an orphaned process group, in
     * which Linux discards SIGTSTP (natively the test's own group may be one, depending on what
     * started it). */
    if (pid > 0)
        setpgid(pid, pid);
    if (pid == 0) {
        setpgid(0, 0);
        if (handle_usr1)
            signal(SIGUSR1, on_usr1);
        for (;;) {
            pause();
            if (got_usr1)
                _exit(7);
        }
    }
    return pid;
}

/* wait4 for pid with these options, retrying on EINTR: the status, or -1. */
static int wait_opts(pid_t pid, int options)
{
    int status;
    pid_t r;

    do
        r = waitpid(pid, &status, options);
    while (r < 0 && errno == EINTR);
    return r == pid ? status : r == 0 ? -2 : -1;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {0, ms * 1000000L};

    nanosleep(&ts, NULL);
}

int main(void)
{
    struct sigaction sa;
    int status, p[2];
    pid_t pid;

    check_init();
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);

    pid = spawn_pauser(0);
    CHECK_INT(kill(pid, SIGSTOP), 0, "kill SIGSTOP");
    status = wait_opts(pid, WUNTRACED);
    CHECK(status >= 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP,
          "wait4 WUNTRACED: stopped by SIGSTOP (status %#x)", (unsigned)status);
    CHECK_INT(chld_code, CLD_STOPPED, "SIGCHLD with CLD_STOPPED");
    CHECK(check_proc_state(pid) == 'T', "/proc/<pid>/stat says T");
    CHECK_INT(wait_opts(pid, WUNTRACED | WNOHANG), -2, "the stop is reported once");
    chld_code = 0;
    CHECK_INT(kill(pid, SIGCONT), 0, "kill SIGCONT");
    status = wait_opts(pid, WCONTINUED);
    CHECK(status >= 0 && WIFCONTINUED(status), "wait4 WCONTINUED: continued (status %#x)",
          (unsigned)status);
    for (int i = 0; i < 100 && chld_code != CLD_CONTINUED; i++)
        sleep_ms(10); /* Linux sends it once the continued child runs */
    CHECK_INT(chld_code, CLD_CONTINUED, "SIGCHLD with CLD_CONTINUED");
    CHECK_INT(wait_opts(pid, WCONTINUED | WNOHANG), -2, "the continue is reported once");
    sleep_ms(20);
    CHECK(check_proc_state(pid) == 'S', "running again (S)");
    CHECK_INT(kill(pid, SIGTSTP), 0, "kill SIGTSTP");
    status = wait_opts(pid, WUNTRACED);
    CHECK(status >= 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP,
          "SIGTSTP stops by default (status %#x)", (unsigned)status);
    CHECK_INT(kill(pid, SIGTERM), 0, "SIGTERM to the stopped child");
    sleep_ms(50);
    CHECK_INT(wait_opts(pid, WNOHANG), -2, "it stays stopped with SIGTERM pending");
    kill(pid, SIGCONT);
    check_status(check_wait(pid), 0, SIGTERM, "SIGTERM ends it once it is continued");

    /* A handled signal waits for the continue. */
    pid = spawn_pauser(1);
    sleep_ms(20);
    kill(pid, SIGSTOP);
    wait_opts(pid, WUNTRACED);
    kill(pid, SIGUSR1);
    sleep_ms(50);
    CHECK_INT(wait_opts(pid, WNOHANG), -2, "SIGUSR1 to a stopped child: still there");
    kill(pid, SIGCONT);
    check_status(check_wait(pid), 7, 0, "its handler runs once it is continued");

    /* SA_NOCLDSTOP: no SIGCHLD for stop or continue, but wait4 still reports them. */
    sa.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    chld_code = 0;
    pid = spawn_pauser(0);
    kill(pid, SIGSTOP);
    status = wait_opts(pid, WUNTRACED);
    CHECK(status >= 0 && WIFSTOPPED(status), "SA_NOCLDSTOP: wait4 still sees the stop");
    kill(pid, SIGCONT);
    sleep_ms(20);
    CHECK_INT(chld_code, 0, "SA_NOCLDSTOP: no SIGCHLD for the stop or the continue");
    kill(pid, SIGKILL);
    check_status(check_wait(pid), 0, SIGKILL, "SIGKILL");

    /* A stop interrupting a blocking read: the read goes on after the continue. */
    CHECK_INT(pipe(p), 0, "pipe");
    pid = check_fork();
    if (pid == 0) {
        char c;
        _exit(read(p[0], &c, 1) == 1 && c == 'x' ? 0 : 1);
    }
    sleep_ms(20);
    kill(pid, SIGSTOP);
    wait_opts(pid, WUNTRACED);
    kill(pid, SIGCONT);
    sleep_ms(20);
    CHECK_INT(write(p[1], "x", 1), 1, "write");
    check_status(check_wait(pid), 0, 0, "the read gets its byte after a stop and continue");

    CHECK_ERR(waitpid(-1, &status, 0x100000), EINVAL, "wait4 with an unknown option");
    CHECK_ERR(waitpid(-1, &status, WUNTRACED), ECHILD, "wait4 WUNTRACED with no children");
    return check_done();
}
