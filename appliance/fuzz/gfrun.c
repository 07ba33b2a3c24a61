/*
 * gfrun [deadline=S] [skip=NAME,...] [strict] PROGRAM|DIR...: ring-3 programs against the guest's
 * own allocator faults (gfaults=, docs/testing.md); a directory stands for its programs named t_*,
 * in name order, less the skip= names. Each program runs in turn (fork and exec, no arguments,
 * output to the console, input from /dev/null) and may fail: an ENOMEM it did not expect is its
 * own business, and so is one still running after S seconds (30: a test waiting for a peer whose
 * fork failed): it is killed and counted as stalled. A program that SIGKILL does not end within
 * 10 s is HUNG, a failure of the kernel's. Its process group and every process left (pids above
 * ours) is then killed and reaped, what it left in /tmp and /dev/shm removed (a test that failed
 * half-way skips its cleanup: files are not leaks), and the kernel's memory in use (/proc/stats, as
 * sysfuzz counts it: pages handed out less kmalloc's cached free blocks) should be back where it
 * was: a failure path that leaks shows here, a LEAK line with the program that took it (the next
 * one is judged from there), a failure with strict. Meant to run as init: gfaults= spares pid 1, so
 * gfrun's own forks and reads cannot fail. Prints a line per program, then "gfrun: ok" or lines
 * with FAILED.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kmem_probe.h"

#define HANG_MS 10000   /* after SIGKILL */
#define SETTLE_TRIES 50 /* 100 ms each: zombies of killed processes, deferred frees */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The entries of /tmp and /dev/shm before the first program; the rest is removed after each.
 * No heap after the baseline (a malloc could grow our own memory, which the count includes):
 * names in a fixed table, directories read with getdents64 into a stack buffer. */
#define MAX_KEEP 64
static char keep[MAX_KEEP][128];
static int nkeep;

static void scratch_dirs(int clean)
{
    static const char *const dirs[] = {"/tmp", "/dev/shm"};
    char path[512], buf[1024];
    long n;

    for (unsigned i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        int fd = open(dirs[i], O_RDONLY | O_DIRECTORY);
        while (fd >= 0 && (n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long at = 0; at < n;) {
                const struct kmem_dirent *e = (const void *)(buf + at);
                at += e->reclen;
                if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
                    continue;
                snprintf(path, sizeof path, "%s/%s", dirs[i], e->name);
                int kept = 0;
                for (int k = 0; k < nkeep; k++)
                    kept |= !strcmp(keep[k], path);
                size_t len = strlen(path);
                if (!clean && nkeep < MAX_KEEP && len < sizeof keep[0])
                    memcpy(keep[nkeep++], path, len + 1);
                else if (clean && !kept)
                    rm_tree(AT_FDCWD, path, 0);
            }
        }
        if (fd >= 0)
            close(fd);
    }
}

static long long settled(pid_t me, long long want)
{
    long long now = kernel_in_use();
    for (int i = 0; i < SETTLE_TRIES && now != want; i++) {
        sleep_ms(100);
        kill_leftovers(me);
        now = kernel_in_use();
    }
    return now;
}

#define MAX_PROGS 128

static char *progs[MAX_PROGS];
static int nprogs;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ",name," within ",skip,"? */
static int skipped(const char *skip, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = skip; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0))
            return 1;
    return 0;
}

static void add(const char *path, const char *skip)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int from = nprogs;

    if (!d) {
        if (nprogs < MAX_PROGS)
            progs[nprogs++] = strdup(path);
        return;
    }
    while ((e = readdir(d)) && nprogs < MAX_PROGS) {
        if (strncmp(e->d_name, "t_", 2) || skipped(skip, e->d_name))
            continue;
        char *full = malloc(strlen(path) + strlen(e->d_name) + 2);
        sprintf(full, "%s/%s", path, e->d_name);
        progs[nprogs++] = full;
    }
    closedir(d);
    qsort(progs + from, (size_t)(nprogs - from), sizeof(progs[0]), by_name);
}

int main(int argc, char **argv)
{
    long deadline_ms = 30000;
    const char *skip = NULL;
    int failed = 0, nstalled = 0, nleaks = 0, strict = 0;
    pid_t me = getpid();

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "deadline=", 9))
            deadline_ms = strtol(argv[i] + 9, NULL, 10) * 1000;
        else if (!strncmp(argv[i], "skip=", 5))
            skip = argv[i] + 5;
        else if (!strcmp(argv[i], "strict"))
            strict = 1;
        else
            add(argv[i], skip);
    }
    signal(SIGPIPE, SIG_IGN);
    /* Before the baseline: our stack as deep as rm_tree goes, our descriptor table as large as
     * it will be, opendir's buffers in our heap, our /proc/<pid>/ filled. */
    proc_self_fill();
    touch_stack();
    if (dup2(0, 63) == 63)
        close(63);
    scratch_dirs(0);
    kill_leftovers(me);
    scratch_dirs(1);
    long long base = kernel_in_use();
    printf("gfrun: %d programs, kernel memory in use %lld bytes\n", nprogs, base);
    for (int n = 0; n < nprogs; n++) {
        const char *prog = progs[n];
        pid_t pid = fork();
        if (pid == 0) {
            setpgid(0, 0);
            /* stdin from /dev/null: a test that ignores a failed pipe() may read fd 0 */
            int null = open("/dev/null", O_RDONLY);
            if (null > 0) {
                dup2(null, 0);
                close(null);
            }
            char *args[] = {(char *)prog, NULL};
            execv(prog, args);
            printf("gfrun: %s: exec: %s\n", prog, strerror(errno));
            _exit(127);
        }
        if (pid < 0) {
            printf("gfrun: FAILED: fork for %s: %s\n", prog, strerror(errno));
            failed = 1;
            break;
        }
        int status = 0, stalled = 1, hung = 0;
        for (long waited = 0; waited < deadline_ms; waited += 20) {
            if (waitpid(pid, &status, WNOHANG) == pid) {
                stalled = 0;
                break;
            }
            sleep_ms(20);
        }
        kill(-pid, SIGKILL);
        if (stalled) {
            /* A test waiting for a peer that an injected failure never made is its own
             * business; a process that SIGKILL cannot end is the kernel's. */
            kill(pid, SIGKILL);
            hung = 1;
            for (long waited = 0; hung && waited < HANG_MS; waited += 20) {
                hung = waitpid(pid, &status, WNOHANG) != pid;
                if (hung)
                    sleep_ms(20);
            }
            nstalled++;
        }
        kill_leftovers(me);
        scratch_dirs(1);
        long long now = settled(me, base);
        char how[48];
        if (WIFEXITED(status))
            snprintf(how, sizeof how, "exit %d", WEXITSTATUS(status));
        else
            snprintf(how, sizeof how, "signal %d", WTERMSIG(status));
        printf("gfrun: %s: %s, kernel memory in use %+lld bytes\n", prog,
               hung      ? "HUNG"
               : stalled ? "stalled: killed"
                         : how,
               now - base);
        if (hung) {
            printf("gfrun: FAILED: %s HUNG: SIGKILL did not end it within %d s\n", prog,
                   HANG_MS / 1000);
            failed = 1;
            break;
        } else if (now != base) {
            printf("gfrun: %sLEAK after %s: kernel memory in use %lld bytes, %+lld\n",
                   strict ? "FAILED: " : "", prog, now, now - base);
            failed |= strict;
            nleaks++;
            base = now; /* the next program is judged on its own */
        }
    }
    printf("gfrun: %d programs run, %d stalled (killed after %ld s), %d left memory in use\n",
           nprogs, nstalled, deadline_ms / 1000, nleaks);
    if (!failed)
        printf("gfrun: ok\n");
    return failed;
}
