/*
 * init: the appliance's first process. It runs the entries of /etc/inittab in order:
 *   once PATH ARG...      run it and wait for it to end
 *   respawn PATH ARG...   a service: kept running, restarted when it ends
 * An entry may start with "needs=PATH" after its action: it is skipped (and says so) when PATH
 * does not exist, e.g. "respawn needs=/proc/net/dev /sbin/httpd" runs the web server only where
 * the kernel has a network stack.
 *
 * Its arguments (the words after init= on the kernel command line) choose what it runs:
 *   init                          /etc/inittab
 *   init --inittab FILE           another inittab
 *   init --each PATH...           each PATH a "once" entry of its own (no arguments)
 *   init PATH ARG...              one "once" entry
 *
 * A service that ends is logged and restarted: at once if it had run for RESPAWN_WINDOW seconds,
 * otherwise after a back-off that doubles from 250 ms to 4 s; after RESPAWN_LIMIT quick ends in
 * a row it is given up. Every start and every end is one log line, with the monotonic clock's
 * time (the guest's uptime: a restart's delay can be read from the log). After every "once" entry
 * init checks that the system survived it (it can still start a process and reap it), and
 * reaps every orphan.
 *
 * Shutdown, on request: SIGUSR2 powers off, SIGUSR1 halts (BusyBox's init's signals), SIGINT
 * reboots (what Linux sends init for Ctrl-Alt-Del); /sbin/poweroff and /sbin/reboot send them.
 * init then forwards SIGTERM to every service, waits up to SHUTDOWN_GRACE seconds for them,
 * SIGKILLs what is left, and powers off or reboots. When no service is left to run, it powers
 * off. As pid 1 it leaves SIGTERM alone (a signal pid 1 does not handle is not delivered: any
 * process could otherwise take the appliance down with it, t_initsig); as an ordinary process
 * SIGTERM makes it stop its services the same way and exit. Plain POSIX: it runs (and is
 * tested, tests/init/) on Linux too, where, not being pid 1, it exits instead of powering off.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENTRIES 16
#define MAX_ARGS 16
#define RESPAWN_WINDOW 10 /* seconds: a service that ran this long ended "normally" */
#define RESPAWN_LIMIT 5   /* quick ends in a row before a service is given up */
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 4000
#define SHUTDOWN_GRACE 5 /* seconds between SIGTERM and SIGKILL */

struct entry {
    int respawn;
    const char *needs;
    char *argv[MAX_ARGS + 1];
    pid_t pid;            /* running, or 0 */
    long long started;    /* ms */
    long long restart_at; /* ms; 0: no restart due */
    int quick_ends;       /* in a row */
    int done;             /* a once entry that ended, or a service given up */
};

static struct entry entries[MAX_ENTRIES];
static int nr_entries;
static int wake_pipe[2] = {-1, -1};
static volatile sig_atomic_t shutdown_signal;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "12.345": the monotonic clock (in the guest: its uptime) for the start and end lines, so that
 * a restart's delay can be read from the log in the machine's own time. */
static const char *stamp(char buf[24], long long ms)
{
    snprintf(buf, 24, "%lld.%03lld", ms / 1000, ms % 1000);
    return buf;
}

/* Signals only set a flag and wake the main loop through a pipe (no race with its poll). */
static void on_signal(int sig)
{
    int saved = errno;

    if (sig != SIGCHLD && !shutdown_signal)
        shutdown_signal = sig;
    if (write(wake_pipe[1], "x", 1) < 0)
        (void)0; /* the pipe is full: the loop is awake anyway */
    errno = saved;
}

static void setup_signals(void)
{
    static const int sigs[] = {SIGCHLD, SIGUSR1, SIGUSR2, SIGINT, SIGTERM};
    size_t n = sizeof(sigs) / sizeof(sigs[0]) - (getpid() == 1); /* pid 1: not SIGTERM */
    struct sigaction sa;

    if (pipe(wake_pipe) != 0) {
        printf("init: pipe: %s\n", strerror(errno));
        return;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(wake_pipe[i], F_SETFL, O_NONBLOCK);
        fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < n; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* The machine's name, from /etc/hostname (its first line). */
static void set_hostname(void)
{
    char name[65];
    FILE *f = fopen("/etc/hostname", "r");

    if (!f)
        return;
    if (fgets(name, sizeof name, f)) {
        name[strcspn(name, "\n")] = 0;
        if (name[0] && getpid() == 1 && sethostname(name, strlen(name)) != 0)
            printf("init: sethostname %s: %s\n", name, strerror(errno));
    }
    fclose(f);
}

static void parse_line(char *line)
{
    struct entry *e = &entries[nr_entries];
    int argc = 0;
    char *word = strtok(line, " \t\n");

    if (!word || word[0] == '#')
        return;
    if (strcmp(word, "once") != 0 && strcmp(word, "respawn") != 0) {
        printf("init: inittab: unknown action '%s' ignored\n", word);
        return;
    }
    if (nr_entries == MAX_ENTRIES) {
        printf("init: inittab: more than %d entries, '%s' ignored\n", MAX_ENTRIES, line);
        return;
    }
    e->respawn = strcmp(word, "respawn") == 0;
    while ((word = strtok(NULL, " \t\n")) && argc < MAX_ARGS) {
        if (argc == 0 && !e->needs && strncmp(word, "needs=", 6) == 0)
            e->needs = strdup(word + 6);
        else
            e->argv[argc++] = strdup(word);
    }
    if (argc)
        nr_entries++;
}

static void read_inittab(const char *path)
{
    char line[512];
    FILE *f = fopen(path, "r");

    if (!f) {
        printf("init: no %s: nothing to run\n", path);
        return;
    }
    while (fgets(line, sizeof line, f))
        parse_line(line);
    fclose(f);
}

static void schedule_restart(struct entry *e, long long now);

static pid_t start(struct entry *e)
{
    char at[24];
    pid_t pid = fork();

    if (pid == 0) {
        execv(e->argv[0], e->argv); /* init's handlers do not survive it */
        printf("init: cannot run %s: %s\n", e->argv[0], strerror(errno));
        _exit(127);
    }
    e->pid = pid > 0 ? pid : 0;
    e->started = now_ms();
    e->restart_at = 0;
    if (pid < 0) {
        printf("init: fork for %s failed: %s\n", e->argv[0], strerror(errno));
        if (e->respawn)
            schedule_restart(e, e->started);
    } else if (e->respawn) {
        printf("init: started %s (pid %d) at %s s\n", e->argv[0], (int)pid, stamp(at, e->started));
    }
    return pid;
}

static void describe(const char *name, int status, long long when)
{
    char at[24];

    if (WIFEXITED(status))
        printf("init: %s exited with status %d at %s s\n", name, WEXITSTATUS(status),
               stamp(at, when));
    else if (WIFSIGNALED(status))
        printf("init: %s killed by signal %d at %s s\n", name, WTERMSIG(status), stamp(at, when));
}

/* A service ended: schedule its restart, or give it up. */
static void schedule_restart(struct entry *e, long long now)
{
    long long delay = 0;

    if (now - e->started >= RESPAWN_WINDOW * 1000LL) {
        e->quick_ends = 0;
    } else if (++e->quick_ends >= RESPAWN_LIMIT) {
        printf("init: %s ended %d times in a row within %d s of its start: given up\n", e->argv[0],
               RESPAWN_LIMIT, RESPAWN_WINDOW);
        e->done = 1;
        return;
    } else {
        delay = (long long)BACKOFF_FIRST_MS << (e->quick_ends - 1);
        if (delay > BACKOFF_MAX_MS)
            delay = BACKOFF_MAX_MS;
    }
    if (delay)
        printf("init: restarting %s in %lld.%03lld s\n", e->argv[0], delay / 1000, delay % 1000);
    e->restart_at = now + (delay ? delay : 1);
}

/* Reaps every child that has ended; the ones that were entries are logged. */
static void reap(int shutting_down)
{
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int i = 0; i < nr_entries; i++) {
            struct entry *e = &entries[i];

            if (e->pid != pid)
                continue;
            long long now = now_ms();

            e->pid = 0;
            describe(e->argv[0], status, now);
            if (!e->respawn)
                e->done = 1;
            else if (!shutting_down)
                schedule_restart(e, now);
        }
    }
}

/* Sleeps until a signal comes or timeout_ms passes (-1: until a signal). */
static void wait_event(long long timeout_ms)
{
    struct pollfd p = {wake_pipe[0], POLLIN, 0};
    char drain[64];

    if (poll(&p, 1, timeout_ms > 60000 ? 60000 : (int)timeout_ms) > 0)
        while (read(wake_pipe[0], drain, sizeof(drain)) > 0)
            ;
}

static int running(void)
{
    int n = 0;

    for (int i = 0; i < nr_entries; i++)
        n += entries[i].pid > 0;
    return n;
}

static void __attribute__((noreturn)) shut_down(int sig)
{
    const char *what = sig == SIGUSR2   ? "power off"
                       : sig == SIGUSR1 ? "halt"
                       : sig == SIGINT  ? "reboot"
                                        : "stop";
    long long deadline;

    printf("init: %s requested (signal %d)\n", what, sig);
    for (int i = 0; i < nr_entries; i++) {
        if (entries[i].pid > 0) {
            printf("init: sending SIGTERM to %s (pid %d)\n", entries[i].argv[0],
                   (int)entries[i].pid);
            kill(entries[i].pid, SIGTERM);
        }
    }
    deadline = now_ms() + SHUTDOWN_GRACE * 1000LL;
    while (running() && now_ms() < deadline) {
        wait_event(deadline - now_ms());
        reap(1);
    }
    for (int i = 0; i < nr_entries; i++) {
        if (entries[i].pid > 0) {
            printf("init: %s did not stop within %d s: SIGKILL\n", entries[i].argv[0],
                   SHUTDOWN_GRACE);
            kill(entries[i].pid, SIGKILL);
            waitpid(entries[i].pid, NULL, 0);
        }
    }
    if (getpid() != 1) {
        printf("init: every service stopped, exiting\n");
        exit(0);
    }
    printf("init: %s\n", sig == SIGUSR2   ? "powering off"
                         : sig == SIGUSR1 ? "halting"
                                          : "rebooting");
    kill(-1, SIGKILL); /* what is left besides the services */
    sync();
    reboot(sig == SIGUSR2 ? RB_POWER_OFF : sig == SIGUSR1 ? RB_HALT_SYSTEM : RB_AUTOBOOT);
    printf("init: reboot(2) failed: %s\n", strerror(errno));
    exit(1);
}

/* Waits for what matters next: a once entry's end (until), or any service event. */
static void run_events(const struct entry *until)
{
    for (;;) {
        long long now = now_ms(), next = -1;

        reap(0);
        if (shutdown_signal)
            shut_down(shutdown_signal);
        if (until && until->pid == 0)
            return;
        for (int i = 0; i < nr_entries; i++) {
            struct entry *e = &entries[i];

            if (!e->restart_at)
                continue;
            if (e->restart_at <= now)
                start(e);
            else if (next < 0 || e->restart_at - now < next)
                next = e->restart_at - now;
        }
        if (!until && !running() && next < 0)
            return;
        wait_event(next);
    }
}

/* Can init still start a process, and reap it? */
static void report_survival(const char *name)
{
    int status = 0;
    pid_t pid = fork();

    if (pid == 0)
        _exit(0);
    if (pid < 0)
        printf("init: after %s the system is damaged: fork failed: %s\n", name, strerror(errno));
    else if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("init: after %s the system is damaged: a new process did not run\n", name);
    else
        printf("init: the system survived %s: a new process still starts and is reaped\n", name);
}

static void parse_args(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--each") == 0) {
        for (int i = 2; i < argc && nr_entries < MAX_ENTRIES; i++)
            entries[nr_entries++].argv[0] = argv[i];
    } else if (argc > 2 && strcmp(argv[1], "--inittab") == 0) {
        read_inittab(argv[2]);
    } else if (argc > 1) {
        entries[0].argv[0] = argv[1];
        for (int i = 2; i < argc && i <= MAX_ARGS; i++)
            entries[0].argv[i - 1] = argv[i];
        nr_entries = 1;
    } else {
        read_inittab("/etc/inittab");
    }
}

int main(int argc, char **argv)
{
    struct utsname u;
    struct stat st;

    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The kernel makes the console the first session's controlling terminal (so that a shell
     * started as init= has job control); init lets it go: a Ctrl-C typed on the console must
     * not reach init (SIGINT reboots) or its services. A maintenance shell takes it back with
     * "setsid -c" (docs/appliance.md). On a terminal-less Linux run this fails harmlessly. */
    if (getpid() == 1)
        ioctl(0, TIOCNOTTY);
    setup_signals();
    set_hostname();
    uname(&u);
    printf("init: %s %s on %s (%s), pid %d\n", u.sysname, u.release, u.machine, u.nodename,
           (int)getpid());
    parse_args(argc, argv);
    for (int i = 0; i < nr_entries; i++) {
        struct entry *e = &entries[i];

        if (e->needs && stat(e->needs, &st) != 0) {
            printf("init: %s not started: it needs %s, which is not there\n", e->argv[0], e->needs);
            e->done = 1;
            continue;
        }
        if (start(e) <= 0 || e->respawn)
            continue;
        run_events(e);
        report_survival(e->argv[0]);
    }
    run_events(NULL);
    if (shutdown_signal)
        shut_down(shutdown_signal);
    printf("init: nothing left to run, powering off\n");
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
    }
    return 0;
}
