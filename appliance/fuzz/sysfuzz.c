/* sysfuzz: the system-call fuzzer (issue 15). A ring-3 program that throws random system calls
 * at the guest kernel: random numbers (mostly the ones the kernel implements, some never
 * assigned), arguments biased to the values where kernels break (NULL, page ends with nothing
 * mapped behind them, the kernel's and the hypervisor's addresses, read-only text, huge lengths,
 * negative and out-of-range descriptors, pipes, sockets, FIFOs, /proc files, structures filled
 * with more of the same), signals at random points (an interval timer and signals sent to itself
 * and its children) and fork trees within a limit.
 *
 * Shape. The supervisor (this program's first process, normally init=/fuzz/sysfuzz) reads free
 * memory from /proc/meminfo, then runs workers one after another. A worker is a forked process
 * that makes up to WORKER_CALLS calls from its own seed (derived from the run's seed and its
 * index, so "seed=S worker=W" replays it) and then exits; a worker that dies of a signal (a
 * handler pointer it installed at random, say) or by a random exit is simply followed by the next.
 * Workers count their calls in a shared page. A worker that makes no progress for STALL_MS (it
 * blocks on a read nobody answers, with its timer's signal masked) gets SIGKILL; one that does
 * not die of it within HANG_MS is a kernel bug ("HUNG"). At the end every leftover process the
 * run made is killed and reaped, the scratch tree /tmp/fz removed, and free memory must be back
 * at its starting value ("LEAK" otherwise). The kernel must not panic: the scenario's log says so.
 *
 * What it never does (it must not kill the harness or the machine it reports through; each is
 * a documented exclusion, see docs/testing.md): reboot; kill/tkill/tgkill/rt_sigqueueinfo at
 * any pid but its own, its children's, or one that does not exist (never 0, -1, 1, its
 * supervisor); setpgid/setsid into another group than its own; fork/vfork/clone at random (the
 * fork-tree operation makes them, bounded); execve of anything but a path that cannot run or
 * /bin/false; setting the clock (clock_settime, settimeofday, stime, adjtimex); syslog actions
 * other than reading the ring without consuming it and asking its size (6-8 would silence the
 * console the harness reads); paths outside /tmp/fz but a few read-only /proc files; writing to
 * the console (its descriptors 0-2 are /dev/null). Everything else is fair game.
 *
 * Usage: sysfuzz [seed=N] [calls=N] [worker=N (per worker, 4000)] [verbose] [trace=W] (every call
 * of worker W on the console before it is made). Prints "sysfuzz: system-call fuzzer, seed=S ...",
 * a summary "sysfuzz: seed=S calls=N ... tsc=0x..." and "sysfuzz: ok", or lines with FAILED and
 * the seed. Exit status 0 when ok. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kmem_probe.h"

#define WORKER_CALLS_DEFAULT 4000
#define STALL_MS 300
#define HANG_MS 10000
#define MAX_DEPTH 2    /* a worker's children may fork once more */
#define MAX_CHILDREN 3 /* live children per process of the tree */
#define CHILD_CALLS 300
#define TRACE_FD 1000 /* the console, in trace mode only; no generator yields it */
#define SCRATCH "/tmp/fz"
/* The shared page: an address no generator makes (0x40000000, 1 << 30, is a length too). */
#define SHARED_AT 0x36b5d000u
#define NR_MAX 460 /* numbers are drawn below this, and a few far beyond */

/* The page the workers count in (MAP_SHARED, anonymous: one page for the whole tree). */
struct shared {
    volatile uint32_t calls;
    volatile uint32_t forks;
    volatile uint32_t signals;
    volatile uint32_t last_nr;
    volatile uint32_t last_step;
    uint32_t pattern[1000]; /* no worker writes it: a change is memory the kernel mixed up */
};
static struct shared *sh;

/* ---- random numbers: xorshift64*, seeded per worker ---- */
static uint64_t rng_state;
static uint64_t rnd64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}
static uint32_t rnd(uint32_t n)
{
    return n ? (uint32_t)(rnd64() >> 32) % n : 0;
}
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return (x ^ (x >> 31)) | 1;
}

/* ---- the worker's world ---- */
static unsigned char *buf;  /* two pages of random structures: pointers, lengths, fds */
static unsigned char *edge; /* the last page before a PROT_NONE page */
static int fds[24];         /* descriptors it opened (some may be closed by now) */
static int nfds;
static pid_t children[MAX_CHILDREN];
static int depth, self_pid;
static int tracing;

static const char *const paths[] = {
    SCRATCH "/f0",   SCRATCH "/f1",
    SCRATCH "/d0",   SCRATCH "/d0/f2",
    SCRATCH "/fifo", SCRATCH "/l0",
    SCRATCH "/nope", SCRATCH "/d0/d1",
    SCRATCH,         "/proc/self/status",
    "/proc/meminfo", "/proc/self/maps",
    "/proc/self",    "/proc",
    "/dev/zero",     "",
};
#define NPATHS (sizeof paths / sizeof paths[0])

/* A path argument: a pool path, a long one, one ending on an unmapped page, or a wild pointer. */
static long path_arg(void)
{
    switch (rnd(10)) {
    case 0: {
        char *p = (char *)buf + 4096;
        memset(p, 'a', 4095);
        memcpy(p, SCRATCH "/", 8);
        p[4095] = 0; /* longer than PATH_MAX */
        return (long)p;
    }
    case 1: {
        /* No NUL before the unmapped page. Should the page behind be readable after all (a
         * random mprotect), the name still lies inside the scratch tree: "/tmp/fzx" did not,
         * and what was made there outlived the run. */
        char *p = (char *)edge + 4096 - 9;
        memcpy(p, SCRATCH "/x", 9);
        return (long)p;
    }
    case 2:
        return (long)(rnd(2) ? 0 : 0xC0000000u + rnd(0x1000000));
    default:
        return (long)paths[rnd(NPATHS)];
    }
}

/* A descriptor argument. */
static long fd_arg(void)
{
    static const long odd[] = {-1,    -100 /* AT_FDCWD */, 1023,           1024,
                               65536, 0x7fffffff,          -0x7fffffff - 1};
    switch (rnd(10)) {
    case 0:
        return odd[rnd(sizeof odd / sizeof odd[0])];
    case 1:
    case 2:
        return rnd(48);
    default:
        return nfds ? fds[rnd(nfds)] : 3;
    }
}

/* A pointer argument: valid scratch, page ends, unmapped, read-only text, kernel, hypervisor. */
static long ptr_arg(void)
{
    switch (rnd(14)) {
    case 0:
        return 0;
    case 1:
        return 1 + rnd(4096);
    case 2:
        return (long)(edge + 4096 - 1 - rnd(16));
    case 3:
        return (long)(edge + 4096 + rnd(4096)); /* PROT_NONE */
    case 4:
        return (long)(0xC0000000u + (rnd(0x2000) << 12) + rnd(4096));
    case 5:
        return (long)(0xFC000000u + rnd(0x4000000));
    case 6:
        return (long)(0xBFFFF000u + rnd(4096));
    case 7:
        return (long)(uintptr_t)&mix; /* read-only text */
    case 8:
        return (long)(0xFFFFFFFFu - rnd(16));
    default:
        return (long)(buf + rnd(8192 - 64));
    }
}

/* A length or count argument. */
static long len_arg(void)
{
    static const long odd[] = {0,     1,          4095, 4096,        4097,      8192,
                               65536, 0x7fffffff, -1,   0x80000000u, 0x40000000};
    return rnd(3) ? (long)rnd(512) : odd[rnd(sizeof odd / sizeof odd[0])];
}

/* Any argument at all: one of the kinds above, a small integer, flags, or 32 random bits. */
static long any_arg(void)
{
    switch (rnd(8)) {
    case 0:
        return fd_arg();
    case 1:
        return ptr_arg();
    case 2:
        return len_arg();
    case 3:
        return path_arg();
    case 4:
        return rnd(16);
    case 5:
        return (long)(1u << rnd(32));
    default:
        return (long)(uint32_t)rnd64();
    }
}

/* Refill the scratch pages with words of every kind (iovecs, sigactions, pollfds, msghdrs
 * and timespecs then carry interesting pointers and lengths). */
static void refill(void)
{
    uint32_t *w = (uint32_t *)buf;
    for (int i = 0; i < 2048; i++)
        w[i] = rnd(3) ? (uint32_t)any_arg() : (uint32_t)rnd64();
    if (rnd(4) == 0)
        memset(buf + rnd(4096), 0, 4096); /* zeros and NULs too */
}

/* ---- the numbers, with the shape of their arguments where that matters ---- */
enum { A_ANY, A_FD, A_PTR, A_LEN, A_PATH };
struct call {
    int nr;
    unsigned char a[6];
};
#define C(n, ...)           \
    {                       \
        SYS_##n,            \
        {                   \
            __VA_ARGS__ + 0 \
        }                   \
    }
/* musl names the 32-bit time calls *32; the kernel's numbers are the same. */
#define SYS_gettimeofday SYS_gettimeofday_time32
#define SYS_clock_gettime SYS_clock_gettime32
#define SYS_clock_getres SYS_clock_getres_time32
#define SYS_clock_nanosleep SYS_clock_nanosleep_time32
#define SYS_clock_settime SYS_clock_settime32
#define SYS_settimeofday SYS_settimeofday_time32
static const struct call calls[] = {
    C(read, A_FD, A_PTR, A_LEN),
    C(write, A_FD, A_PTR, A_LEN),
    C(readv, A_FD, A_PTR, A_LEN),
    C(writev, A_FD, A_PTR, A_LEN),
    C(pread64, A_FD, A_PTR, A_LEN, A_ANY, A_ANY),
    C(pwrite64, A_FD, A_PTR, A_LEN, A_ANY, A_ANY),
    C(open, A_PATH, A_ANY, A_ANY),
    C(openat, A_FD, A_PATH, A_ANY, A_ANY),
    C(creat, A_PATH, A_ANY),
    C(close, A_FD),
    C(lseek, A_FD, A_ANY, A_ANY),
    C(_llseek, A_FD, A_ANY, A_ANY, A_PTR, A_ANY),
    C(stat64, A_PATH, A_PTR),
    C(lstat64, A_PATH, A_PTR),
    C(fstat64, A_FD, A_PTR),
    C(fstatat64, A_FD, A_PATH, A_PTR, A_ANY),
    C(statx, A_FD, A_PATH, A_ANY, A_ANY, A_PTR),
    C(statfs64, A_PATH, A_LEN, A_PTR),
    C(fstatfs64, A_FD, A_LEN, A_PTR),
    C(statfs, A_PATH, A_PTR),
    C(fstatfs, A_FD, A_PTR),
    C(getdents64, A_FD, A_PTR, A_LEN),
    C(ioctl, A_FD, A_ANY, A_PTR),
    C(fcntl64, A_FD, A_ANY, A_ANY),
    C(fcntl, A_FD, A_ANY, A_ANY),
    C(dup, A_FD),
    C(dup2, A_FD, A_FD),
    C(dup3, A_FD, A_FD, A_ANY),
    C(pipe, A_PTR),
    C(pipe2, A_PTR, A_ANY),
    C(poll, A_PTR, A_LEN, A_ANY),
    C(ppoll, A_PTR, A_LEN, A_PTR, A_PTR, A_LEN),
    C(_newselect, A_LEN, A_PTR, A_PTR, A_PTR, A_PTR),
    C(pselect6, A_LEN, A_PTR, A_PTR, A_PTR, A_PTR, A_PTR),
    C(access, A_PATH, A_ANY),
    C(faccessat, A_FD, A_PATH, A_ANY),
    C(getcwd, A_PTR, A_LEN),
    C(chdir, A_PATH),
    C(fchdir, A_FD),
    C(mkdir, A_PATH, A_ANY),
    C(mkdirat, A_FD, A_PATH, A_ANY),
    C(rmdir, A_PATH),
    C(unlink, A_PATH),
    C(unlinkat, A_FD, A_PATH, A_ANY),
    C(rename, A_PATH, A_PATH),
    C(renameat, A_FD, A_PATH, A_FD, A_PATH),
    C(readlink, A_PATH, A_PTR, A_LEN),
    C(readlinkat, A_FD, A_PATH, A_PTR, A_LEN),
    C(symlink, A_PATH, A_PATH),
    C(link, A_PATH, A_PATH),
    C(linkat, A_FD, A_PATH, A_FD, A_PATH, A_ANY),
    C(mknod, A_PATH, A_ANY, A_ANY),
    C(mknodat, A_FD, A_PATH, A_ANY, A_ANY),
    C(chmod, A_PATH, A_ANY),
    C(fchmod, A_FD, A_ANY),
    C(umask, A_ANY),
    C(fsync, A_FD),
    C(fdatasync, A_FD),
    C(truncate, A_PATH, A_LEN),
    C(truncate64, A_PATH, A_LEN, A_ANY),
    C(ftruncate, A_FD, A_LEN),
    C(ftruncate64, A_FD, A_LEN, A_ANY),
    C(sync),
    C(sendfile, A_FD, A_FD, A_PTR, A_LEN),
    C(sendfile64, A_FD, A_FD, A_PTR, A_LEN),
    C(chown, A_PATH, A_ANY, A_ANY),
    C(lchown32, A_PATH, A_ANY, A_ANY),
    C(fchown32, A_FD, A_ANY, A_ANY),
    C(fchownat, A_FD, A_PATH, A_ANY, A_ANY, A_ANY),
    C(utimensat, A_FD, A_PATH, A_PTR, A_ANY),
    C(brk, A_ANY),
    C(mmap2, A_PTR, A_LEN, A_ANY, A_ANY, A_FD, A_ANY),
    C(munmap, A_PTR, A_LEN),
    C(mprotect, A_PTR, A_LEN, A_ANY),
    C(mremap, A_PTR, A_LEN, A_LEN, A_ANY, A_PTR),
    C(madvise, A_PTR, A_LEN, A_ANY),
    C(rt_sigaction, A_ANY, A_PTR, A_PTR, A_LEN),
    C(rt_sigprocmask, A_ANY, A_PTR, A_PTR, A_LEN),
    C(rt_sigpending, A_PTR, A_LEN),
    C(sigaltstack, A_PTR, A_PTR),
    C(alarm, A_ANY),
    C(setitimer, A_ANY, A_PTR, A_PTR),
    C(getitimer, A_ANY, A_PTR),
    C(time, A_PTR),
    C(gettimeofday, A_PTR, A_PTR),
    C(clock_gettime, A_ANY, A_PTR),
    C(clock_gettime64, A_ANY, A_PTR),
    C(clock_getres, A_ANY, A_PTR),
    C(nanosleep, A_PTR, A_PTR),
    C(clock_nanosleep, A_ANY, A_ANY, A_PTR, A_PTR),
    C(times, A_PTR),
    C(getpid),
    C(getppid),
    C(gettid),
    C(getuid32),
    C(getpgrp),
    C(getpgid, A_ANY),
    C(getsid, A_ANY),
    C(set_tid_address, A_PTR),
    C(set_thread_area, A_PTR),
    C(get_thread_area, A_PTR),
    C(sched_yield),
    C(uname, A_PTR),
    C(sethostname, A_PTR, A_LEN),
    C(prlimit64, A_ANY, A_ANY, A_PTR, A_PTR),
    C(ugetrlimit, A_ANY, A_PTR),
    C(setrlimit, A_ANY, A_PTR),
    C(getrandom, A_PTR, A_LEN, A_ANY),
    C(sysinfo, A_PTR),
    C(prctl, A_ANY, A_ANY, A_ANY, A_ANY, A_ANY),
    C(futex, A_PTR, A_ANY, A_ANY, A_PTR, A_PTR, A_ANY),
    C(set_robust_list, A_PTR, A_LEN),
    C(wait4, A_ANY, A_PTR, A_ANY, A_PTR),
    C(waitpid, A_ANY, A_PTR, A_ANY),
    C(socketcall, A_ANY, A_PTR),
    C(socket, A_ANY, A_ANY, A_ANY),
    C(socketpair, A_ANY, A_ANY, A_ANY, A_PTR),
    C(bind, A_FD, A_PTR, A_LEN),
    C(connect, A_FD, A_PTR, A_LEN),
    C(listen, A_FD, A_ANY),
    C(accept4, A_FD, A_PTR, A_PTR, A_ANY),
    C(getsockopt, A_FD, A_ANY, A_ANY, A_PTR, A_PTR),
    C(setsockopt, A_FD, A_ANY, A_ANY, A_PTR, A_LEN),
    C(getsockname, A_FD, A_PTR, A_PTR),
    C(getpeername, A_FD, A_PTR, A_PTR),
    C(sendto, A_FD, A_PTR, A_LEN, A_ANY, A_PTR, A_LEN),
    C(sendmsg, A_FD, A_PTR, A_ANY),
    C(recvfrom, A_FD, A_PTR, A_LEN, A_ANY, A_PTR, A_PTR),
    C(recvmsg, A_FD, A_PTR, A_ANY),
    C(shutdown, A_FD, A_ANY),
    C(getgroups32, A_LEN, A_PTR),
    C(setgroups32, A_LEN, A_PTR),
    C(sched_getaffinity, A_ANY, A_LEN, A_PTR),
    C(sched_setaffinity, A_ANY, A_LEN, A_PTR),
    C(rseq, A_PTR, A_LEN, A_ANY, A_ANY),
    C(rt_sigsuspend, A_PTR, A_LEN),
    C(pause),
};
#define NCALLS (sizeof calls / sizeof calls[0])

/* Numbers never drawn at random (see the opening comment); those with a sanitized form are
 * made by special() instead. */
static int excluded(long nr)
{
    switch (nr) {
    case SYS_reboot:
    case SYS_fork:
    case SYS_vfork:
    case SYS_clone:
    case SYS_execve:
    case SYS_kill:
    case SYS_tkill:
    case SYS_tgkill:
    case SYS_rt_sigqueueinfo:
    case SYS_rt_tgsigqueueinfo:
    case SYS_setpgid:
    case SYS_setsid:
    case SYS_clock_settime:
    case SYS_settimeofday:
    case SYS_stime:
    case SYS_adjtimex:
    case SYS_syslog:
    case SYS_exit:
    case SYS_exit_group:
    case SYS_clock_settime64:
    case SYS_clock_adjtime:
#ifdef SYS_clone3
    case SYS_clone3:
#endif
#ifdef SYS_execveat
    case SYS_execveat:
#endif
#ifdef SYS_clock_adjtime64
    case SYS_clock_adjtime64:
#endif
        return 1;
    }
    return 0;
}

/* A number drawn at random that the table lists gets the table's shape, so that its paths stay
 * where the opening comment says: a path argument pointing into buf (random bytes, or text a
 * read left there: "/fuzz/sysfuzz", "/tmp/...") could name anything, in / as well, and a file
 * made there outlives the run and counts as kernel memory left in use. */
static const struct call *call_of(long nr)
{
    for (size_t i = 0; i < NCALLS; i++)
        if (calls[i].nr == nr)
            return &calls[i];
    return NULL;
}

static long arg_of(int kind)
{
    switch (kind) {
    case A_FD:
        return fd_arg();
    case A_PTR:
        return ptr_arg();
    case A_LEN:
        return len_arg();
    case A_PATH:
        return path_arg();
    default:
        return any_arg();
    }
}

static void trace_call(uint32_t step, long nr, const long *a)
{
    char line[160];
    int n = snprintf(line, sizeof line, "sysfuzz: trace step %u nr %ld (%lx %lx %lx %lx %lx %lx)\n",
                     step, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    write(TRACE_FD, line, n);
}

static void reap_children(int block)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0 && waitpid(children[i], NULL, block ? 0 : WNOHANG) != 0)
            children[i] = 0;
}

static void fuzz_loop(uint32_t budget);

/* A process of the tree ends its children (they may wait in pause() for ever) and reaps them. */
static void end_children(void)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL);
    reap_children(1);
}

/* The fork tree: at most MAX_CHILDREN live children per process, MAX_DEPTH levels. */
static void fork_op(void)
{
    int slot = -1;
    reap_children(0);
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] == 0)
            slot = i;
    if (depth >= MAX_DEPTH || slot < 0)
        return;
    uint64_t child_seed = rnd64() | 1;
    pid_t pid = fork();
    if (pid == 0) {
        rng_state = child_seed;
        depth++;
        self_pid = getpid();
        memset(children, 0, sizeof children);
        __sync_fetch_and_add(&sh->forks, 1);
        fuzz_loop(CHILD_CALLS);
        end_children();
        _exit(0);
    }
    if (pid > 0)
        children[slot] = pid;
}

/* The calls that must be sanitized, and the signals sent at random points. */
static void special(void)
{
    static const char *const exe[] = {"/bin/false", SCRATCH "/f0", SCRATCH "/nope", "/proc/self"};
    int sig = 1 + rnd(31);
    if (sig == SIGKILL || sig == SIGSTOP)
        sig = SIGUSR1;
    switch (rnd(8)) {
    case 0: {
        pid_t target = self_pid;
        int live = 0;
        for (int i = 0; i < MAX_CHILDREN; i++)
            if (children[i] > 0 && rnd(2)) {
                target = children[i];
                live = 1;
            }
        if (!live && rnd(4) == 0)
            target = 99999; /* no such process */
        syscall(SYS_kill, target, rnd(3) ? sig : (live ? SIGKILL : 0));
        break;
    }
    case 1:
        syscall(SYS_tgkill, self_pid, rnd(2) ? self_pid : 99999, sig);
        break;
    case 2:
        syscall(SYS_setpgid, 0, rnd(2) ? 0 : self_pid);
        break;
    case 3:
        syscall(SYS_syslog, rnd(2) ? 3 : 10, ptr_arg(), len_arg());
        break;
    case 4:
        if (rnd(50) == 0) {
            char *argv[] = {(char *)"false", NULL};
            syscall(SYS_execve, rnd(4) == 0 ? ptr_arg() : (long)exe[rnd(4)],
                    rnd(3) ? (long)argv : ptr_arg(), rnd(3) ? 0 : ptr_arg());
        }
        break;
    case 5:
        if (rnd(200) == 0)
            syscall(rnd(2) ? SYS_exit : SYS_exit_group, rnd(256));
        break;
    case 6:
        fork_op();
        break;
    default: {
        struct itimerval it = {{0, 1000 + rnd(20000)}, {0, 1000 + rnd(20000)}};
        setitimer(ITIMER_REAL, &it, NULL);
        break;
    }
    }
}

/* The memory calls may not unmap, move or replace the page the tree counts in. */
static int overlaps(long addr, long len)
{
    uint32_t a = (uint32_t)addr, l = (uint32_t)len;
    uint32_t e = a + l < a ? 0xffffffffu : a + l;
    return a < SHARED_AT + 4096 && e > SHARED_AT - 4096;
}
static int touches_shared(long nr, const long *a)
{
    switch (nr) {
    case SYS_munmap:
    case SYS_mprotect:
    case SYS_madvise:
    case SYS_mmap2:
#ifdef SYS_mmap
    case SYS_mmap:
#endif
        return overlaps(a[0], a[1]) ||
               (nr == SYS_mmap2 && (a[3] & MAP_FIXED) && overlaps(a[0], a[1]));
    case SYS_mremap:
        return overlaps(a[0], a[1]) || overlaps(a[4], a[2]);
    }
    return 0;
}

static void on_signal(int sig);

/* Every 64 steps: SIGALRM caught and unblocked, the timer running, so that a call blocked for
 * ever is interrupted soon (the supervisor's SIGKILL is the backstop). */
static void safety_net(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGALRM, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    struct itimerval it = {{0, 2000 + rnd(8000)}, {0, 2000 + rnd(8000)}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void fuzz_loop(uint32_t budget)
{
    for (uint32_t step = 0; step < budget; step++) {
        long nr, a[6];
        if (rnd(64) == 0)
            refill();
        if (rnd(40) == 0) {
            special();
            __sync_fetch_and_add(&sh->calls, 1);
            continue;
        }
        uint32_t pick = rnd(100);
        if (pick < 88) {
            const struct call *c = &calls[rnd(NCALLS)];
            nr = c->nr;
            for (int i = 0; i < 6; i++)
                a[i] = arg_of(c->a[i]);
        } else {
            nr = pick < 98 ? (long)rnd(NR_MAX) : (long)(uint32_t)rnd64();
            const struct call *c = call_of(nr);
            for (int i = 0; i < 6; i++)
                a[i] = c ? arg_of(c->a[i]) : any_arg();
        }
        if (excluded(nr) || touches_shared(nr, a))
            continue;
        if ((step & 63) == 0)
            safety_net();
        if (tracing)
            trace_call(step, nr, a);
        sh->last_nr = nr;
        sh->last_step = step;
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        __sync_fetch_and_add(&sh->calls, 1);
    }
}

static void on_signal(int sig)
{
    (void)sig;
    __sync_fetch_and_add(&sh->signals, 1);
    if (rnd(4) == 0)
        syscall(SYS_getpid);
}

/* The worker's start: its own session, /dev/null for 0-2, a pool of descriptors of every kind. */
static void worker(uint64_t seed, uint32_t budget, int trace)
{
    rng_state = seed;
    setsid();
    self_pid = getpid();
    if (trace)
        dup2(1, TRACE_FD);
    tracing = trace;
    int null = open("/dev/null", O_RDWR);
    for (int i = 0; i < 3; i++)
        dup2(null, i);
    if (null > 2)
        close(null);
    buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    edge = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    /* Without its PROT_NONE page (gfaults= can fail the split), edge is no edge: no worker. */
    if (buf == MAP_FAILED || edge == MAP_FAILED || mprotect(edge + 4096, 4096, PROT_NONE))
        _exit(90);
    refill();
    chdir(SCRATCH);
    int p[2], sv[2];
    if (pipe(p) == 0) {
        fds[nfds++] = p[0];
        fds[nfds++] = p[1];
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
        fds[nfds++] = sv[0];
        fds[nfds++] = sv[1];
    }
    fds[nfds++] = socket(AF_INET, SOCK_STREAM, 0);
    fds[nfds++] = socket(AF_INET, SOCK_DGRAM, 0);
    fds[nfds++] = open(SCRATCH "/fifo", O_RDWR | O_NONBLOCK);
    fds[nfds++] = open(SCRATCH "/f0", O_RDWR | O_CREAT, 0644);
    fds[nfds++] = open(SCRATCH "/d0", O_RDONLY | O_DIRECTORY);
    fds[nfds++] = open("/proc/self/status", O_RDONLY);
    fds[nfds++] = open("/proc/meminfo", O_RDONLY);
    fds[nfds++] = open("/dev/zero", O_RDONLY);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS && s != SIGILL)
            sigaction(s, &sa, NULL);
    struct itimerval it = {{0, 5000}, {0, 5000}};
    setitimer(ITIMER_REAL, &it, NULL);
    fuzz_loop(budget);
    end_children();
    _exit(0);
}

/* ---- the supervisor ---- */
static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static long mem_free_kb(void)
{
    char text[1024];
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd < 0) {
        printf("sysfuzz: /proc/meminfo: %s\n", strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) {
        printf("sysfuzz: /proc/meminfo: read %d (%s)\n", (int)n, strerror(errno));
        return -1;
    }
    text[n] = 0;
    char *p = strstr(text, "MemFree:");
    return p ? strtol(p + 8, NULL, 10) : -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void scratch_make(void)
{
    mkdir(SCRATCH, 0755);
    mkdir(SCRATCH "/d0", 0755);
    mkfifo(SCRATCH "/fifo", 0644);
    symlink("f0", SCRATCH "/l0");
}

/* /proc/kmalloc_sites (a DEBUG=1 kernel): "mark" at the baseline, and on a leak the call sites
 * of the kmalloc blocks made since that are still live. No heap; nothing without the file. */
static void kmalloc_sites_mark(void)
{
    int fd = open("/proc/kmalloc_sites", O_WRONLY);
    if (fd >= 0) {
        if (write(fd, "mark", 4) != 4)
            printf("sysfuzz: /proc/kmalloc_sites: mark: %s\n", strerror(errno));
        close(fd);
    }
}

static void kmalloc_sites_print(void)
{
    char text[4096];
    int fd = open("/proc/kmalloc_sites", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return;
    text[n] = 0;
    for (char *line = text, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            nl = line + strlen(line) - 1;
        else
            *nl = 0;
        printf("sysfuzz: kmalloc_sites: %s\n", line);
    }
}

/* Every process the run made (pids above ours) is killed and reaped. Returns how many were left. */
int main(int argc, char **argv)
{
    uint64_t seed = 1;
    uint32_t total = 100000, per = WORKER_CALLS_DEFAULT;
    int trace = -1, failed = 0, verbose = 0, leak_report = 0;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "seed=", 5))
            seed = strtoull(argv[i] + 5, NULL, 10);
        else if (!strncmp(argv[i], "calls=", 6))
            total = strtoul(argv[i] + 6, NULL, 10);
        else if (!strncmp(argv[i], "worker=", 7))
            per = strtoul(argv[i] + 7, NULL, 10);
        else if (!strncmp(argv[i], "trace=", 6))
            trace = atoi(argv[i] + 6);
        else if (!strcmp(argv[i], "verbose"))
            verbose = 1;
        else if (!strcmp(argv[i], "leak=report"))
            leak_report = 1; /* memory left is printed, not failed (SYSFUZZ_GFAULTS_LEAK=report) */
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("sysfuzz: system-call fuzzer, seed=%llu calls=%u per-worker=%u\n",
           (unsigned long long)seed, total, per);
    /* Nothing a worker sends may stop the supervisor (SIGCHLD stays default: waitpid needs it). */
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD)
            signal(s, SIG_IGN);
    pid_t me = getpid();
    /* Low, far below the workers' own mappings: a huge write starting in one of those runs up
     * through the pages above it, never down to this one. */
    sh = mmap((void *)SHARED_AT, 4096, PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (sh == MAP_FAILED) {
        printf("sysfuzz: FAILED seed=%llu: no shared page (%s)\n", (unsigned long long)seed,
               strerror(errno));
        return 1;
    }
    memset(sh, 0, sizeof *sh);
    for (int i = 0; i < 1000; i++)
        sh->pattern[i] = 0x5f5f0000u + i;
    kill_leftovers(me); /* its own heap grows once for opendir's buffers: before the baseline */
    touch_stack();
    proc_self_fill();
    long mem_before = mem_free_kb(), mem_base = -1;
    long long used_before = kernel_in_use(), used_base = -1;
    uint64_t t0 = rdtsc();
    uint32_t w = 0, died = 0, stalled = 0;
    while (sh->calls < total && !failed) {
        scratch_make();
        uint32_t before = sh->calls;
        pid_t pid = fork();
        if (pid == 0)
            worker(mix(seed * 1000003ULL + w), per, (int)w == trace);
        if (pid < 0) {
            printf("sysfuzz: FAILED seed=%llu worker=%u: fork: %s\n", (unsigned long long)seed, w,
                   strerror(errno));
            failed = 1;
            break;
        }
        uint32_t seen = sh->calls;
        long quiet = 0, since_kill = -1;
        int status = 0;
        for (;;) {
            pid_t r = waitpid(pid, &status, WNOHANG);
            if (r == pid)
                break;
            sleep_ms(20);
            if (sh->calls != seen) {
                seen = sh->calls;
                quiet = 0;
            } else if ((quiet += 20) >= STALL_MS && since_kill < 0) {
                kill(pid, SIGKILL);
                since_kill = 0;
                stalled++;
            }
            if (since_kill >= 0 && (since_kill += 20) >= HANG_MS) {
                printf("sysfuzz: FAILED seed=%llu worker=%u: HUNG: SIGKILL did not end it "
                       "(last nr %u at step %u)\n",
                       (unsigned long long)seed, w, sh->last_nr, sh->last_step);
                failed = 1;
                break;
            }
        }
        if (!failed && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
            died++;
        /* The worker's tree: its group first, then any that left it. */
        kill(-pid, SIGKILL);
        kill_leftovers(me);
        for (int i = 0; i < 1000 && !failed; i++)
            if (sh->pattern[i] != 0x5f5f0000u + i) {
                printf("sysfuzz: FAILED seed=%llu worker=%u: the shared page changed under the "
                       "supervisor (word %d: %#x)\n",
                       (unsigned long long)seed, w, i, sh->pattern[i]);
                failed = 1;
            }
        if (verbose)
            printf("sysfuzz: worker %u: %u calls, status %#x, kernel memory in use %lld bytes\n", w,
                   sh->calls - before, status, kernel_in_use());
        if (w == 0) {
            /* The warm-up worker: the kernel's kmalloc slabs grow to their working size once
             * and keep their pages; the baseline is taken after it, in the same state as the
             * final reading (no scratch tree, no process but this one). */
            rm_tree(AT_FDCWD, SCRATCH, 0);
            /* A process SIGKILLed above may still be on its way out (the signal acts when it
             * next runs): the baseline waits until /proc lists none, 5 s at most. */
            for (int i = 0; i < 100 && kill_leftovers(me) > 0; i++)
                sleep_ms(50);
            mem_base = mem_free_kb();
            used_base = kernel_in_use();
            kmalloc_sites_mark();
        }
        if (sh->calls == before && !failed) {
            /* a worker that made no call at all, many times over, would loop for ever */
            sh->calls++;
        }
        w++;
    }
    uint64_t t1 = rdtsc();
    int left = kill_leftovers(me);
    /* The tree goes once no process is left that could still make something in it (one
     * SIGKILLed a moment ago acts when it next runs), and again while memory is not back. */
    for (int i = 0; i < 100 && kill_leftovers(me) > 0; i++)
        sleep_ms(50);
    rm_tree(AT_FDCWD, SCRATCH, 0);
    long long used_after = kernel_in_use();
    for (int i = 0; i < 50 && used_after != used_base; i++) {
        sleep_ms(100); /* zombies of killed processes, deferred frees */
        kill_leftovers(me);
        rm_tree(AT_FDCWD, SCRATCH, 0);
        used_after = kernel_in_use();
    }
    long mem_after = mem_free_kb();
    printf("sysfuzz: seed=%llu calls=%u workers=%u died=%u stalled=%u forks=%u signals=%u "
           "leftover=%d tsc=0x%llx\n",
           (unsigned long long)seed, sh->calls, w, died, stalled, sh->forks, sh->signals, left,
           (unsigned long long)(t1 - t0));
    printf("sysfuzz: kernel memory in use %lld bytes at the start, %lld after the warm-up worker, "
           "%lld at the end (%+lld); MemFree %ld, %ld, %ld kB\n",
           used_before, used_base, used_after, used_after - used_base, mem_before, mem_base,
           mem_after);
    if (used_base < 0 || used_after != used_base) {
        printf("sysfuzz: %sseed=%llu: LEAK: kernel memory in use %lld bytes after the warm-up, "
               "%lld at the end (%+lld)\n",
               leak_report && used_base >= 0 ? "(reported, not failed) " : "FAILED ",
               (unsigned long long)seed, used_base, used_after, used_after - used_base);
        failed |= !leak_report || used_base < 0;
        kmalloc_sites_print();
    }
    if (!failed)
        printf("sysfuzz: ok\n");
    return failed;
}
