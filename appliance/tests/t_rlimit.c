/* t_rlimit: resource limits through getrlimit/setrlimit (musl: prlimit64), the old setrlimit and
 * ugetrlimit calls, and prlimit64 on another process: RLIMIT_NOFILE (EMFILE, EBADF, EINVAL),
 * RLIMIT_FSIZE (short write, then EFBIG and SIGXFSZ), RLIMIT_AS (mmap, brk and mremap get
 * ENOMEM), the limits kept across fork, and the refusals (soft above hard, bad resource).
 * RLIMIT_NPROC has its own program (t_forkbomb, appliance only: root is exempt on Linux). */
#define _GNU_SOURCE /* prlimit, mremap */
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define MB (1u << 20)

struct rlimit32 {
    unsigned long cur, max;
};

static int set_soft(int resource, rlim_t cur)
{
    struct rlimit r;
    if (getrlimit(resource, &r) != 0)
        return -1;
    r.rlim_cur = cur;
    return setrlimit(resource, &r);
}

static int nofile(void *arg)
{
    (void)arg;
    if (set_soft(RLIMIT_NOFILE, 16) != 0)
        return 10;
    int opened = 0, fd, err = 0;
    while ((fd = open("/etc/motd", O_RDONLY)) >= 0)
        opened++;
    err = errno;
    printf("# %d opened\n", opened);
    if (err != EMFILE || opened != 13)
        return 11;
    if (dup(0) != -1 || errno != EMFILE)
        return 12;
    int p[2];
    if (pipe(p) != -1 || errno != EMFILE)
        return 13;
    if (dup2(0, 16) != -1 || errno != EBADF)
        return 14;
    if (fcntl(0, F_DUPFD, 16) != -1 || errno != EINVAL)
        return 15;
    if (dup2(0, 15) != 15) /* below the limit: replaces what is open there */
        return 16;
    return 0;
}

static void on_xfsz(int sig)
{
    (void)sig;
    write(1, "# SIGXFSZ\n", 10);
}

static int fsize(void *arg)
{
    int handle = arg != NULL;
    char buf[8192];
    memset(buf, 'f', sizeof buf);
    if (handle)
        signal(SIGXFSZ, on_xfsz);
    if (set_soft(RLIMIT_FSIZE, 10000) != 0)
        return 10;
    int fd = open("/tmp/t_rlimit.fsize", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    unlink("/tmp/t_rlimit.fsize");
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
        return 11;
    if (write(fd, buf, sizeof buf) != 10000 - 8192)
        return 12; /* cut at the limit, no signal */
    fflush(stdout);
    if (write(fd, buf, 1) != -1 || errno != EFBIG) /* at the limit: SIGXFSZ */
        return 13;
    if (ftruncate(fd, 20000) != -1 || errno != EFBIG)
        return 14;
    if (ftruncate(fd, 5000) != 0)
        return 15;
    return 0;
}

static int address_space(void *arg)
{
    (void)arg;
    struct rlimit r = {64 * MB, 64 * MB};
    if (setrlimit(RLIMIT_AS, &r) != 0)
        return 10;
    void *big = mmap(NULL, 128 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (big != MAP_FAILED || errno != ENOMEM)
        return 11;
    char *small = mmap(NULL, 4 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (small == MAP_FAILED)
        return 12;
    small[0] = 1;
    if (mremap(small, 4 * MB, 128 * MB, MREMAP_MAYMOVE) != MAP_FAILED || errno != ENOMEM)
        return 13;
    /* brk answers with the break it ends up at: unchanged when refused. */
    unsigned long cur = (unsigned long)syscall(SYS_brk, 0);
    if ((unsigned long)syscall(SYS_brk, cur + 128 * MB) != cur)
        return 14;
    void *huge = malloc(100 * MB);
    free(huge);
    if (huge != NULL)
        return 15;
    if ((unsigned long)syscall(SYS_brk, cur + 64 * 1024) != cur + 64 * 1024)
        return 16; /* a little more heap is still fine */
    return 0;
}

/* The child sleeps until the parent has changed its limit, then reports it. */
static int report_nofile(int fd)
{
    char c;
    if (read(fd, &c, 1) != 1)
        return 20;
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    return r.rlim_cur == 100 ? 0 : 21;
}

int main(void)
{
    check_init();
    struct rlimit orig, r;
    CHECK_INT(getrlimit(RLIMIT_NOFILE, &orig), 0, "getrlimit(RLIMIT_NOFILE)");
    CHECK(orig.rlim_cur <= orig.rlim_max, "soft <= hard");
    r = orig;
    r.rlim_cur = 64;
    CHECK_INT(setrlimit(RLIMIT_NOFILE, &r), 0, "setrlimit lowers the soft limit to 64");
    struct rlimit back;
    getrlimit(RLIMIT_NOFILE, &back);
    CHECK(back.rlim_cur == 64 && back.rlim_max == orig.rlim_max, "getrlimit reads it back");
    struct rlimit32 old32;
    CHECK(syscall(SYS_ugetrlimit, RLIMIT_NOFILE, &old32) == 0 && old32.cur == 64,
          "ugetrlimit agrees");
    old32.cur = 32;
    old32.max = (unsigned long)orig.rlim_max;
    CHECK(syscall(SYS_setrlimit, RLIMIT_NOFILE, &old32) == 0 &&
              getrlimit(RLIMIT_NOFILE, &back) == 0 && back.rlim_cur == 32,
          "the old setrlimit call sets it too");
    CHECK_INT(setrlimit(RLIMIT_NOFILE, &orig), 0, "and back to what it was");
    r.rlim_cur = orig.rlim_max + 1;
    r.rlim_max = orig.rlim_max;
    if (orig.rlim_max != RLIM_INFINITY)
        CHECK_ERR(setrlimit(RLIMIT_NOFILE, &r), EINVAL, "a soft limit above the hard one");
    else
        CHECK(1, "a soft limit above the hard one");
    CHECK_ERR(syscall(SYS_prlimit64, 0, 99, NULL, &r), EINVAL, "an unknown resource");

    check_status(check_run_child(nofile, 0), 0, 0,
                 "RLIMIT_NOFILE 16: open, dup, pipe get EMFILE, dup2 EBADF, F_DUPFD EINVAL");
    check_status(check_run_child(fsize, (void *)1), 0, 0,
                 "RLIMIT_FSIZE 10000, SIGXFSZ handled: a short write, then EFBIG");
    check_status(check_run_child(fsize, 0), 0, SIGXFSZ,
                 "RLIMIT_FSIZE 10000, SIGXFSZ not handled: the write past it");
    check_status(check_run_child(address_space, 0), 0, 0,
                 "RLIMIT_AS 64 MB: mmap, mremap, brk and malloc of 100+ MB get ENOMEM");

    int p[2];
    pipe(p);
    pid_t pid = check_fork();
    if (pid == 0) {
        close(p[1]);
        _exit(report_nofile(p[0]));
    }
    close(p[0]);
    struct rlimit64 {
        unsigned long long cur, max;
    } n = {100, orig.rlim_max}, got;
    CHECK_INT(syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, &n, &got), 0,
              "prlimit64 sets another process's limit");
    CHECK(got.cur == orig.rlim_cur, "and returns its old value");
    write(p[1], "x", 1);
    close(p[1]);
    check_status(check_wait(pid), 0, 0, "that process sees the new limit");

    set_soft(RLIMIT_FSIZE, 4096);
    pid = check_fork();
    if (pid == 0) {
        getrlimit(RLIMIT_FSIZE, &r);
        _exit(r.rlim_cur == 4096 ? 0 : 1);
    }
    check_status(check_wait(pid), 0, 0, "a forked child inherits the limits");
    getrlimit(RLIMIT_FSIZE, &r);
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_FSIZE, &r);
    return check_done();
}
