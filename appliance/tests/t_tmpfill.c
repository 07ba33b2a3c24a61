/* t_tmpfill: /tmp filled until ENOSPC with symlinks (long targets), with files, and with
 * directories, and memory filled with pipes, each by a child, while init (this program, pid 1)
 * watches: the filler stops at ENOSPC (or ENOMEM/EMFILE for pipes), tmpfs stops at its size
 * limit (half of the memory), the kernel keeps its reserve, init can still fork and make a pipe,
 * and once everything is removed MemFree is back where it started.
 * The pipe fillers (one descriptor table holds 510 pipes, 32 MB, less than the memory) are all
 * forked, and have touched every page they will use, before the first one starts: a filler forked
 * once memory is full would take its first pages by page faults, and the OOM killer would kill an
 * earlier filler for them, so whether the attack ended at ENOMEM or at the last filler's EMFILE
 * depended on a few pages of the guest's memory (it failed on builds with 200 kB more free).
 * (Appliance only: it is about the appliance's memory, and the host's /tmp is not.)
 * ring3-appliance-only */
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#define SLACK_KB 128 /* what kmalloc may keep in its free lists, and the tmpfs root's growth */
#define TARGET_LEN 4000

enum kind { SYMLINKS, FILES, DIRS, PIPES };
static const char *const kind_name[] = {"symlinks", "files", "directories", "pipes"};

/* What a filler reports, in memory shared with init: no report may need memory it cannot get. */
struct report {
    volatile int ready, go, done, n, err;
};

/* Make things of one kind until the kernel says no; reports the count and the errno. Pipes are
 * filled too, and the child keeps them (it waits to be killed). */
static char target[TARGET_LEN + 1], buf[65536], name[64];

/* Every page fill will write, written before its turn. */
static void fill_prepare(void)
{
    memset(target, 't', TARGET_LEN);
    memset(buf, 'd', sizeof buf);
    memset(name, 0, sizeof name);
}

static void fill(enum kind k, struct report *r)
{
    int n = 0, err = 0;
    for (;; n++) {
        snprintf(name, sizeof name, "/tmp/fill/%c%d", "sfdp"[k], n);
        if (k == SYMLINKS && symlink(target, name) != 0)
            break;
        if (k == DIRS && mkdir(name, 0755) != 0)
            break;
        if (k == FILES) {
            int f = open(name, O_WRONLY | O_CREAT, 0644);
            if (f < 0)
                break;
            ssize_t w = write(f, buf, sizeof buf);
            close(f);
            if (w != (ssize_t)sizeof buf) {
                err = w < 0 ? errno : ENOSPC;
                break;
            }
        }
        if (k == PIPES) {
            int p[2];
            if (pipe(p) != 0)
                break;
            fcntl(p[1], F_SETFL, O_NONBLOCK);
            ssize_t w;
            while ((w = write(p[1], buf, sizeof buf)) > 0)
                ;
            if (errno != EAGAIN) {
                err = errno;
                break;
            }
        }
    }
    if (!err)
        err = errno;
    r->n = n;
    r->err = err;
    r->done = 1;
    if (k == PIPES)
        for (;;)
            pause();
}

/* init's own view while the memory is full: it still forks and makes pipes. */
static void init_still_works(const char *what)
{
    int p[2];
    CHECK_INT(pipe(p), 0, "%s: init still makes a pipe", what);
    pid_t c = check_fork();
    if (c == 0) {
        write(p[1], "ok", 2);
        _exit(3);
    }
    char got[3] = {0};
    read(p[0], got, 2);
    check_status(c > 0 ? check_wait(c) : -1, 3, 0, "%s: init still forks a child that runs", what);
    CHECK_STR(got, "ok", "%s: and that writes to the pipe", what);
    close(p[0]);
    close(p[1]);
}

static void remove_all(void)
{
    static char name[64];
    for (int k = 0; k < 3; k++) {
        for (int n = 0;; n++) {
            snprintf(name, sizeof name, "/tmp/fill/%c%d", "sfd"[k], n);
            if ((k == DIRS ? rmdir(name) : unlink(name)) != 0)
                break;
        }
    }
}

#define MAX_PIPE_FILLERS 8 /* each holds up to 510 full pipes (32 MB): more than the memory */

static struct report *reports; /* one per filler, shared with them (touched before any fork) */

static void nap(void)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* The stack a filler will use, touched now (stores the compiler keeps). */
static __attribute__((noinline)) void touch_stack(void)
{
    volatile char pad[16384];
    for (size_t i = 0; i < sizeof pad; i += 512)
        pad[i] = 1;
}

/* A filler child for reports[i]: it touches what it will use, says so, and waits for its turn. */
static pid_t fork_filler(enum kind k, int i)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        fill_prepare();
        touch_stack();
        reports[i].ready = 1;
        while (!reports[i].go)
            nap();
        fill(k, &reports[i]);
        _exit(0);
    }
    while (pid > 0 && !reports[i].ready)
        nap();
    return pid;
}

/* Lets filler i run; *n and *err what it reported. */
static void run_filler(int i, int *n, int *err)
{
    reports[i].go = 1;
    while (!reports[i].done)
        nap();
    *n = reports[i].n;
    *err = reports[i].err;
}

static void attack(enum kind k, long total)
{
    const char *what = kind_name[k];
    long before = meminfo("MemFree");
    pid_t pids[MAX_PIPE_FILLERS];
    int forked = k == PIPES ? MAX_PIPE_FILLERS : 1, fillers = 0, n = 0, err = 0, made = 0;
    memset((void *)reports, 0, MAX_PIPE_FILLERS * sizeof *reports);
    for (int i = 0; i < forked; i++)
        pids[i] = fork_filler(k, i);
    do {
        run_filler(fillers++, &n, &err);
        made += n;
    } while (k == PIPES && err == EMFILE && fillers < forked);
    long full = meminfo("MemFree");
    struct statvfs sv;
    statvfs("/tmp", &sv);
    long used_kb = (long)((sv.f_blocks - sv.f_bfree) * sv.f_frsize / 1024);
    printf(
        "# %s: %d made by %d (%s); MemFree %ld kB before, %ld kB full; /tmp uses %ld of %ld kB\n",
        what, made, fillers, strerror(err), before, full, used_kb,
        (long)(sv.f_blocks * sv.f_frsize / 1024));
    CHECK_INT(err, k == PIPES ? ENOMEM : ENOSPC, "%s: stopped by %s", what,
              k == PIPES ? "ENOMEM" : "ENOSPC");
    if (k != PIPES) {
        CHECK(sv.f_blocks * sv.f_frsize / 1024 <= (unsigned long)total / 2,
              "%s: /tmp's size is at most half of MemTotal", what);
        CHECK(used_kb <= total / 2, "%s: and it uses no more", what);
    }
    CHECK(full > 0, "%s: the kernel kept free memory for itself", what);
    init_still_works(what);
    for (int i = 0; i < forked; i++) { /* the pipe fillers not run yet are killed too */
        if (k == PIPES) {
            kill(pids[i], SIGKILL);
            check_status(check_wait(pids[i]), 0, SIGKILL, "%s: filler %d killed", what, i);
        } else {
            check_status(check_wait(pids[i]), 0, 0, "%s: the filler exited", what);
        }
    }
    remove_all();
    long after = meminfo("MemFree");
    printf("# %s: MemFree %ld kB after the clean-up\n", what, after);
    CHECK(after >= before - SLACK_KB, "%s: MemFree back to within %d kB of where it started", what,
          SLACK_KB);
}

/* With a kind's name as argument only that attack runs. */
int main(int argc, char **argv)
{
    check_init();
    long total = meminfo("MemTotal");
    if (total <= 0 || total > 3L * 1024 * 1024) {
        printf("FAIL - not the appliance (MemTotal %ld kB): refusing to fill /tmp\n", total);
        return 1;
    }
    reports = mmap(NULL, MAX_PIPE_FILLERS * sizeof *reports, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(reports != MAP_FAILED, "a page shared with the fillers");
    if (reports == MAP_FAILED)
        return check_done();
    memset((void *)reports, 0, MAX_PIPE_FILLERS * sizeof *reports);
    CHECK_INT(mkdir("/tmp/fill", 0755), 0, "a directory to fill");
    for (enum kind k = SYMLINKS; k <= PIPES; k++)
        if (argc < 2 || strcmp(argv[1], kind_name[k]) == 0)
            attack(k, total);
    CHECK_INT(rmdir("/tmp/fill"), 0, "the directory removed again");
    return check_done();
}
