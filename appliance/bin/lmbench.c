/* lmbench: lmbench-style latency probes, printed as "BENCH <prefix><key> <n> insns", per operation.
 * Under QEMU's -icount shift=0 rdtsc counts guest instructions (ring 0 to 3), so the figures are
 * instruction counts; natively rdtsc counts cycles. The same binary runs in our appliance, as /init
 * of a Linux VM (prefix linux_) and on the host. As pid 1 it powers the machine off when done.
 *
 * Each probe runs RUNS times N operations; the figure is the median run minus the median of its
 * loop overhead (the same loop without the operation, measured the same way), divided by N. The
 * median, not the minimum: under icount nothing is noise in the timing sense, but work that the
 * kernel defers (RCU frees, slab refills, timer ticks) lands in some runs and not others. It is
 * part of what an operation costs, and the minimum would pick the run it missed; the median drops
 * the cold first run and the odd unlucky one. The spread is printed as a "#" line per probe.
 *
 *   lmbench [--prefix P] [--runs R] [--only KEY]   run every probe (or the one named KEY)
 *   lmbench exit                      exit at once (the program that lat_exec execs) */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RUNS 31
#define PAGE 4096
/* Under 2 MB, so no transparent huge page fits in the region and each page faults on its own. */
#define FAULT_PAGES 256
/* lat_fork_big's resident set: 8 MB of private anonymous memory, written once before the runs. */
#define FORK_BIG_BYTES (8u << 20)

/* Linux i386 numbers, spelled out: these probes bypass libc on purpose. */
#define NR_READ 3
#define NR_WRITE 4
#define NR_GETPPID 64

/* System calls through int $0x80 itself, not libc's wrappers (which go through AT_SYSINFO when the
 * kernel offers it). With NOTRAP for insn they set up the same registers and skip the trap: that
 * is how the overhead loops are made. */
#define SYS0(insn, nr)                                          \
    ({                                                          \
        long r_;                                                \
        __asm__ volatile(insn : "=a"(r_) : "0"(nr) : "memory"); \
        r_;                                                     \
    })
#define SYS3(insn, nr, a, b, c)                                                    \
    ({                                                                             \
        long r_;                                                                   \
        __asm__ volatile(insn                                                      \
                         : "=a"(r_)                                                \
                         : "0"(nr), "b"((long)(a)), "c"((long)(b)), "d"((long)(c)) \
                         : "memory");                                              \
        r_;                                                                        \
    })
#define TRAP "int $0x80"
#define NOTRAP ""

extern char **environ;

static const char *self_path; /* what lat_exec executes */
static int devnull = -1;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static int fail(const char *key, const char *what, int err)
{
    fprintf(stderr, "lmbench: %s: %s: %s\n", key, what, strerror(err));
    return -1;
}

/* The loop overhead of the probes whose operation is a function call or more. */
static __attribute__((noinline)) uint64_t time_empty(unsigned n)
{
    uint64_t t = rdtsc();
    for (unsigned i = 0; i < n; i++)
        __asm__ volatile("" ::: "memory");
    return rdtsc() - t;
}

/* A probe measures one run of n operations into *op and its loop overhead into *base. */
typedef int probe_fn(const char *key, unsigned n, uint64_t *op, uint64_t *base);

static int probe_null(const char *key, unsigned n, uint64_t *op, uint64_t *base)
{
    long r = 0;
    uint64_t t = rdtsc();
    for (unsigned i = 0; i < n; i++)
        r = SYS0(TRAP, NR_GETPPID);
    *op = rdtsc() - t;
    t = rdtsc();
    for (unsigned i = 0; i < n; i++)
        SYS0(NOTRAP, NR_GETPPID);
    *base = rdtsc() - t;
    return r < 0 ? fail(key, "getppid", (int)-r) : 0;
}

static int probe_write(const char *key, unsigned n, uint64_t *op, uint64_t *base)
{
    char c = 'x';
    long r = 1;
    uint64_t t = rdtsc();
    for (unsigned i = 0; i < n; i++)
        r = SYS3(TRAP, NR_WRITE, devnull, &c, 1);
    *op = rdtsc() - t;
    t = rdtsc();
    for (unsigned i = 0; i < n; i++)
        SYS3(NOTRAP, NR_WRITE, devnull, &c, 1);
    *base = rdtsc() - t;
    if (r < 0)
        return fail(key, "write /dev/null", (int)-r);
    return r == 1 ? 0 : fail(key, "write /dev/null: short write", EIO);
}

/* First write to each page of a fresh anonymous region; the overhead is a second pass. */
static int probe_pagefault(const char *key, unsigned n, uint64_t *op, uint64_t *base)
{
    volatile char *p =
        mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t t;

    if (p == MAP_FAILED)
        return fail(key, "mmap", errno);
    t = rdtsc();
    for (unsigned i = 0; i < n; i++)
        p[(size_t)i * PAGE] = 1;
    *op = rdtsc() - t;
    t = rdtsc();
    for (unsigned i = 0; i < n; i++)
        p[(size_t)i * PAGE] = 1;
    *base = rdtsc() - t;
    if (munmap((void *)p, (size_t)n * PAGE))
        return fail(key, "munmap", errno);
    return 0;
}

static int probe_mmap(const char *key, unsigned n, uint64_t *op, uint64_t *base)
{
    uint64_t t = rdtsc();
    for (unsigned i = 0; i < n; i++) {
        volatile char *p =
            mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return fail(key, "mmap", errno);
        *p = 1;
        if (munmap((void *)p, PAGE))
            return fail(key, "munmap", errno);
    }
    *op = rdtsc() - t;
    *base = time_empty(n);
    return 0;
}

/* fork, then the child either exits at once or execs "self exit"; the parent waits for it. */
static int spawn_wait(const char *key, int exec)
{
    int status;
    pid_t pid = fork();

    if (pid < 0)
        return fail(key, "fork", errno);
    if (pid == 0) {
        if (exec) {
            char *argv[] = {(char *)self_path, "exit", NULL};
            execve(self_path, argv, environ);
        }
        _exit(exec ? 127 : 0);
    }
    if (waitpid(pid, &status, 0) != pid)
        return fail(key, "waitpid", errno);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "lmbench: %s: child status %#x%s\n", key, (unsigned)status,
                exec ? " (execve failed?)" : "");
        return -1;
    }
    return 0;
}

static int probe_spawn(const char *key, unsigned n, uint64_t *op, uint64_t *base, int exec)
{
    uint64_t t = rdtsc();
    for (unsigned i = 0; i < n; i++)
        if (spawn_wait(key, exec))
            return -1;
    *op = rdtsc() - t;
    *base = time_empty(n);
    return 0;
}

static int probe_fork(const char *key, unsigned n, uint64_t *op, uint64_t *base)
{
    return probe_spawn(key, n, op, base, 0);
}

static int probe_exec(const char *key, unsigned n, uint64_t *op, uint64_t *base)
{
    return probe_spawn(key, n, op, base, 1);
}

/* fork + exit + wait with 8 MB resident: what fork costs per mapped page (copying the page
 * tables, and tearing them down at exit), which lat_fork's tiny process hides. The region is
 * written once, at the first run, and kept: every fork after the first finds its pages already
 * shared copy-on-write (read-only in the parent), as a long-lived server's would be; the
 * parent's write-protection of its pages happens once, outside the timed runs' median. Huge
 * pages are asked off, so that Linux maps the region with 4 KB pages as the appliance does. */
static int probe_fork_big(const char *key, unsigned n, uint64_t *op, uint64_t *base)
{
    static volatile char *region;

    if (!region) {
        void *p =
            mmap(NULL, FORK_BIG_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return fail(key, "mmap", errno);
#ifdef MADV_NOHUGEPAGE
        madvise(p, FORK_BIG_BYTES, MADV_NOHUGEPAGE); /* a kernel without THP says EINVAL: fine */
#endif
        region = p;
        for (size_t off = 0; off < FORK_BIG_BYTES; off += PAGE)
            region[off] = 1;
    }
    return probe_spawn(key, n, op, base, 0);
}

/* n round trips of one byte: write to wfd, read the echo from rfd. Stops at the first call that
 * does not return want_w or want_r (1, or the call number for the trap-less overhead loop). */
#define ROUND_TRIPS(insn, n, wfd, rfd, c, want_w, want_r)      \
    ({                                                         \
        int bad_ = 0;                                          \
        for (unsigned i_ = 0; i_ < (n); i_++) {                \
            if (SYS3(insn, NR_WRITE, wfd, c, 1) != (want_w) || \
                SYS3(insn, NR_READ, rfd, c, 1) != (want_r)) {  \
                bad_ = 1;                                      \
                break;                                         \
            }                                                  \
        }                                                      \
        bad_;                                                  \
    })

/* One byte to the child over one pipe and back over another, per round trip. The child echoes
 * until it reads end of file. */
static int probe_pipe(const char *key, unsigned n, uint64_t *op, uint64_t *base)
{
    int to_child[2], to_parent[2], status, bad;
    char c = 'p';
    uint64_t t;
    pid_t pid;

    if (pipe(to_child))
        return fail(key, "pipe", errno);
    if (pipe(to_parent))
        return fail(key, "pipe", errno);
    pid = fork();
    if (pid < 0)
        return fail(key, "fork", errno);
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        while (SYS3(TRAP, NR_READ, to_child[0], &c, 1) == 1)
            if (SYS3(TRAP, NR_WRITE, to_parent[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    t = rdtsc();
    bad = ROUND_TRIPS(TRAP, n, to_child[1], to_parent[0], &c, 1, 1);
    *op = rdtsc() - t;
    t = rdtsc();
    ROUND_TRIPS(NOTRAP, n, to_child[1], to_parent[0], &c, NR_WRITE, NR_READ);
    *base = rdtsc() - t;
    close(to_child[1]); /* the child reads end of file and exits */
    close(to_parent[0]);
    if (waitpid(pid, &status, 0) != pid)
        return fail(key, "waitpid", errno);
    if (bad)
        return fail(key, "pipe round trip", EIO);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "lmbench: %s: child status %#x\n", key, (unsigned)status);
        return -1;
    }
    return 0;
}

static const struct probe {
    const char *key;
    probe_fn *fn;
    unsigned n; /* operations per run */
} probes[] = {
    {"lat_null_insns", probe_null, 1000},
    {"lat_write_insns", probe_write, 1000},
    {"lat_pagefault_insns", probe_pagefault, FAULT_PAGES},
    {"lat_mmap_insns", probe_mmap, 256},
    {"lat_fork_insns", probe_fork, 32},
    {"lat_fork_big_insns", probe_fork_big, 8},
    {"lat_exec_insns", probe_exec, 16},
    {"lat_pipe_insns", probe_pipe, 256},
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t median(uint64_t *v, int count)
{
    qsort(v, (size_t)count, sizeof(*v), cmp_u64);
    return v[count / 2];
}

/* Rounded per-operation figure of a run total minus its overhead; 0 if the overhead was larger
 * (for the spread line only: a median that small is an error, see run_probe). */
static uint64_t per_op(uint64_t total, uint64_t overhead, unsigned n)
{
    return total > overhead ? (total - overhead + n / 2) / n : 0;
}

static int run_probe(const struct probe *p, const char *prefix, int runs)
{
    uint64_t op[MAX_RUNS] = {0}, base[MAX_RUNS] = {0}, lo, hi, b;

    for (int i = 0; i < runs; i++)
        if (p->fn(p->key, p->n, &op[i], &base[i]))
            return -1;
    b = median(base, runs);
    lo = per_op(op[0], b, p->n);
    hi = lo;
    for (int i = 1; i < runs; i++) {
        uint64_t v = per_op(op[i], b, p->n);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    printf("# %s%s: %d runs of %u, per operation min %llu max %llu, loop overhead %llu per run\n",
           prefix, p->key, runs, p->n, (unsigned long long)lo, (unsigned long long)hi,
           (unsigned long long)b);
    uint64_t med = median(op, runs), fig = per_op(med, b, p->n);
    if (fig == 0) {
        /* An operation no dearer than its empty loop was not measured: say so, print nothing. */
        fprintf(stderr, "lmbench: %s%s: implausible: median run %llu ticks, loop overhead %llu\n",
                prefix, p->key, (unsigned long long)med, (unsigned long long)b);
        return -1;
    }
    printf("BENCH %s%s %llu insns\n", prefix, p->key, (unsigned long long)fig);
    return 0;
}

/* As pid 1 (a Linux VM's /init) the root may be nothing but this program and an empty /dev: make
 * the console, should fds 0-2 not be open, and /dev/null. Only on a clear "not there" (EBADF,
 * ENOENT), so a kernel that has both but lacks fcntl or mknod is left alone. */
static void pid1_devices(void)
{
    int fd;

    if (fcntl(1, F_GETFD) < 0 && errno == EBADF) {
        mkdir("/dev", 0755);
        mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
        fd = open("/dev/console", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2)
                close(fd);
        }
    }
    fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) {
        close(fd);
    } else if (errno == ENOENT) {
        mkdir("/dev", 0755);
        if (mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3)))
            fprintf(stderr, "lmbench: mknod /dev/null: %s\n", strerror(errno));
    }
}

/* Which kernel this is, as it says itself: the drivers label their columns with it. */
static void print_kernel(void)
{
    struct utsname u;
    if (uname(&u) == 0)
        printf("# lmbench: kernel %s %s %s\n", u.sysname, u.release, u.machine);
    else
        fprintf(stderr, "lmbench: uname: %s\n", strerror(errno));
}

static void usage(void)
{
    fprintf(stderr, "usage: lmbench [--prefix P] [--runs 1-%d] [--only KEY] | lmbench exit\n",
            MAX_RUNS);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *prefix = "", *only = NULL;
    int runs = 11, failed = 0;

    if (argc > 1 && !strcmp(argv[1], "exit"))
        _exit(0); /* before anything else: lat_exec measures exactly this */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--prefix") && i + 1 < argc)
            prefix = argv[++i];
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else
            usage();
    }
    if (runs < 1 || runs > MAX_RUNS)
        usage();
    if (getpid() == 1)
        pid1_devices();
    setvbuf(stdout, NULL, _IOLBF, 0); /* lines out as they come, even if the console is no tty */
    print_kernel();
    /* What execve runs: this program, by its own path (argv[0] of an init is its full path). */
    self_path = argv[0] && strchr(argv[0], '/') ? argv[0] : "/proc/self/exe";

    devnull = open("/dev/null", O_WRONLY);
    if (devnull < 0)
        fprintf(stderr, "lmbench: open /dev/null: %s\n", strerror(errno));
    printf("# lmbench: median of %d runs, rdtsc ticks per operation (instructions under icount)\n",
           runs);
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
        if ((!only || !strcmp(only, probes[i].key)) && run_probe(&probes[i], prefix, runs))
            failed = 1;
    printf("# lmbench: %s\n", failed ? "some probes failed" : "done");
    fflush(stdout);

    if (getpid() == 1) { /* never anywhere else: this may run as root on a host */
        sync();
        reboot(RB_POWER_OFF);
        fprintf(stderr, "lmbench: reboot(RB_POWER_OFF): %s\n", strerror(errno));
    }
    return failed;
}
