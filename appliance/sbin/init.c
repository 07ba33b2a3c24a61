/*
 * init: the appliance's first process. It runs the entries of /etc/inittab in order:
 *   once PATH ARG...      run it and wait for it to end
 *   respawn PATH ARG...   keep it running: restarted when it ends, unless it keeps failing
 * reaps every orphan, and powers the machine off when no respawn service is left. Any
 * arguments init itself gets (from the kernel command line) replace the inittab with one
 * "once" entry; "--each PATH..." makes each path a "once" entry of its own (no arguments).
 * After every "once" entry init checks that the system survived it: it can still start a
 * process and reap it (what a program that broke the kernel, or starved it, would have taken
 * away), and says so. Plain POSIX: it runs (and is tested) on Linux too, where it never powers
 * off unless it is pid 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENTRIES 16
#define MAX_ARGS 16
#define RESPAWN_LIMIT 5 /* restarts within RESPAWN_WINDOW seconds before giving up */
#define RESPAWN_WINDOW 10

struct entry {
    int respawn;
    char *argv[MAX_ARGS + 1];
    pid_t pid;
    int restarts;
    time_t window_start;
};

static struct entry entries[MAX_ENTRIES];
static int nr_entries;

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
    while ((word = strtok(NULL, " \t\n")) && argc < MAX_ARGS)
        e->argv[argc++] = strdup(word);
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

static pid_t start(struct entry *e)
{
    pid_t pid = fork();

    if (pid == 0) {
        execv(e->argv[0], e->argv);
        printf("init: cannot run %s: %s\n", e->argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        printf("init: fork for %s failed: %s\n", e->argv[0], strerror(errno));
    e->pid = pid;
    return pid;
}

static void describe(const char *name, int status)
{
    if (WIFEXITED(status))
        printf("init: %s exited with status %d\n", name, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("init: %s killed by signal %d\n", name, WTERMSIG(status));
}

/* A respawn entry ended: start it again unless it failed too often too quickly. */
static void restart(struct entry *e, int status)
{
    time_t now = time(NULL);

    describe(e->argv[0], status);
    if (now - e->window_start > RESPAWN_WINDOW) {
        e->window_start = now;
        e->restarts = 0;
    }
    if (++e->restarts > RESPAWN_LIMIT) {
        printf("init: %s failed %d times in %d s: not restarted\n", e->argv[0], RESPAWN_LIMIT,
               RESPAWN_WINDOW);
        e->pid = 0;
        return;
    }
    sleep(1);
    start(e);
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

static int services_running(void)
{
    for (int i = 0; i < nr_entries; i++)
        if (entries[i].respawn && entries[i].pid > 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    struct utsname u;

    setvbuf(stdout, NULL, _IOLBF, 0);
    set_hostname();
    uname(&u);
    printf("init: %s %s on %s (%s), pid %d\n", u.sysname, u.release, u.machine, u.nodename,
           (int)getpid());
    if (argc > 2 && strcmp(argv[1], "--each") == 0) {
        for (int i = 2; i < argc && nr_entries < MAX_ENTRIES; i++)
            entries[nr_entries++].argv[0] = argv[i];
    } else if (argc > 1) {
        entries[0].argv[0] = argv[1];
        for (int i = 2; i < argc && i <= MAX_ARGS; i++)
            entries[0].argv[i - 1] = argv[i];
        nr_entries = 1;
    } else {
        read_inittab("/etc/inittab");
    }
    for (int i = 0; i < nr_entries; i++) {
        struct entry *e = &entries[i];
        if (start(e) <= 0 || e->respawn)
            continue;
        int status;
        pid_t pid;
        while ((pid = wait(&status)) > 0 && pid != e->pid)
            ; /* an orphan, reaped on the way */
        describe(e->argv[0], status);
        e->pid = 0;
        report_survival(e->argv[0]);
    }
    while (services_running()) {
        int status;
        pid_t pid = wait(&status);
        if (pid < 0 && errno != EINTR)
            break;
        for (int i = 0; i < nr_entries; i++)
            if (entries[i].pid == pid && entries[i].respawn)
                restart(&entries[i], status);
    }
    printf("init: nothing left to run, powering off\n");
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
    }
    return 0;
}
