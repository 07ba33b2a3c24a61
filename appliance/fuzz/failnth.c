/*
 * failnth [only=OP,...] [max=N] [verbose] [OP=N...]: the error paths of a list of operations, one
 * injected allocation failure at a time, and nothing left behind by any of them (issue 15).
 *
 * gfaults= fails allocations at random, so what it finds depends on the order in which processes
 * and interrupts happen to allocate: a leak seen in one run (gfaults-ring3) may not come back in
 * the next. This program takes the chance out. For each operation and n = 1, 2, ... a child arms
 * its own /proc/self/fail-nth with n (Linux's interface: the nth injectable allocation the process
 * makes fails, kernel/proc_pid.c), runs the operation (a few system calls that make and use
 * something: a fork, a TCP connection, files, mappings...), disarms and exits. The supervisor
 * (init, which nothing else runs beside) reaps it and everything it made, removes the scratch tree
 * /tmp/fn, and the kernel's memory in use (kmem_probe.h) must be back, to the byte, at its value
 * before. An exit frees all a process holds, so whatever is left is a path that forgot what it had
 * made when a later allocation failed. The operation is done when n passes the number of
 * allocations it makes: the injected count in /proc/stats no longer moves. One process at a time,
 * and the nth allocation of one process is the same one in every run: a LEAK line names the
 * operation and n, and "OP=N" on the command line replays just that case.
 *
 * Prints a line per operation ("failnth: OP: N allocations failed one at a time, nothing left"),
 * "failnth: LEAK OP n=N: +B bytes" for each case that left memory (a failure), and "failnth: ok".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "kmem_probe.h"

#define SCRATCH "/tmp/fn"
#define CHILD_MS 10000  /* an operation that takes longer is killed (and reported) */
#define SETTLE_TRIES 50 /* 20 ms each: the children of a killed operation on their way out */
#define PORT 5911

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- the operations: each runs in the armed child and may fail anywhere ---- */

static void op_fork(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* A child that touches the kernel's half and dies of SIGSEGV (t_isolate's shape). */
static void op_segv(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        *(volatile int *)0xC0000000 = 1;
        _exit(0);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* /bin/false runs whenever memory allows, so an execve that returns must say ENOMEM (it said
 * ENOEXEC when the region of a segment could not be allocated). */
#define WRONG_ERRNO 97
static void op_exec(void)
{
    char *args[] = {"/bin/false", NULL}; /* ours, small: exits 1 */
    execv(args[0], args);
    if (errno != ENOMEM) {
        printf("failnth: execve failed with %s, not ENOMEM\n", strerror(errno));
        _exit(WRONG_ERRNO);
    }
}

static void op_pipe(void)
{
    static char buf[6000];
    int p[2];
    if (pipe(p) != 0)
        return;
    if (write(p[1], buf, sizeof buf) > 0 && read(p[0], buf, sizeof buf) < 0)
        buf[0] = 1;
    int d = dup(p[0]);
    close(p[0]);
    close(p[1]);
    close(d);
}

static void op_files(void)
{
    static char buf[10000];
    char name[64];
    if (mkdir(SCRATCH "/d", 0755) != 0)
        return;
    int fd = open(SCRATCH "/d/a", O_CREAT | O_EXCL | O_RDWR, 0644);
    if (fd >= 0) {
        if (write(fd, buf, sizeof buf) < 0 || pwrite(fd, buf, 100, 100000) < 0)
            buf[0] = 1;
        if (ftruncate(fd, 5000) != 0)
            buf[0] = 2;
        close(fd);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, SCRATCH "/d/file-with-a-longer-name-%d", i);
        close(open(name, O_CREAT | O_WRONLY, 0644));
    }
    if (rename(SCRATCH "/d/a", SCRATCH "/d/b") == 0 && link(SCRATCH "/d/b", SCRATCH "/d/c") == 0)
        unlink(SCRATCH "/d/c");
    if (symlink("b", SCRATCH "/d/s") == 0 && readlink(SCRATCH "/d/s", name, sizeof name) > 0)
        unlink(SCRATCH "/d/s");
    if (mkfifo(SCRATCH "/d/f", 0644) == 0)
        unlink(SCRATCH "/d/f");
    fd = open(SCRATCH "/d", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        char dents[512];
        while (syscall(SYS_getdents64, fd, dents, sizeof dents) > 0)
            ;
        close(fd);
    }
    chdir(SCRATCH "/d");
    chdir("/");
    unlink(SCRATCH "/d/b");
}

static void op_mmap(void)
{
    char *m = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return;
    for (int i = 0; i < 16; i++)
        m[i * 4096] = 1;
    mprotect(m + 4 * 4096, 4096, PROT_READ); /* splits the region in three */
    munmap(m + 8 * 4096, 4096);              /* and again */
    char *r = mremap(m + 12 * 4096, 4 * 4096, 8 * 4096, MREMAP_MAYMOVE);
    if (r != MAP_FAILED)
        munmap(r, 8 * 4096);
    munmap(m, 12 * 4096);
    char *s = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s != MAP_FAILED) {
        s[0] = 1;
        op_fork(); /* the shared page and the copied regions */
        munmap(s, 2 * 4096);
    }
    int fd = open(SCRATCH "/m", O_CREAT | O_RDWR, 0644);
    if (fd >= 0 && ftruncate(fd, 8192) == 0) {
        char *f = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (f != MAP_FAILED) {
            f[5000] = 1;
            munmap(f, 8192);
        }
    }
    close(fd);
}

/* A connection over loopback, accepted, a few bytes each way, then closed with a reset (no
 * TIME-WAIT left holding anything, though lwIP's heap is not counted anyway). */
static void op_tcp(void)
{
    struct sockaddr_in a = loopback(PORT);
    int one = 1, l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), s = -1;
    char buf[64] = "ping";
    struct linger lg = {1, 0};

    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 4) == 0 &&
        (connect(c, (struct sockaddr *)&a, sizeof a) == 0 || errno == EINPROGRESS)) {
        struct pollfd pl = {l, POLLIN, 0};
        if (poll(&pl, 1, 2000) == 1)
            s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        if (s >= 0 && write(c, buf, 4) == 4) {
            struct pollfd ps = {s, POLLIN, 0};
            if (poll(&ps, 1, 2000) == 1 && read(s, buf, sizeof buf) > 0)
                write(s, buf, 4);
        }
    }
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(s);
    close(c);
    close(l);
}

static void op_udp(void)
{
    struct sockaddr_in a = loopback(PORT);
    int r = socket(AF_INET, SOCK_DGRAM, 0), w = socket(AF_INET, SOCK_DGRAM, 0);
    char buf[32] = "datagram";
    if (bind(r, (struct sockaddr *)&a, sizeof a) == 0 &&
        sendto(w, buf, 8, 0, (struct sockaddr *)&a, sizeof a) == 8) {
        struct pollfd p = {r, POLLIN, 0};
        if (poll(&p, 1, 2000) == 1)
            recv(r, buf, sizeof buf, 0);
    }
    close(r);
    close(w);
}

/* /dev/shm: a file written, mapped shared and sent into a pipe. */
static void op_shm(void)
{
    static char buf[5000];
    int fd = open("/dev/shm/fn", O_CREAT | O_RDWR, 0600), p[2];
    if (fd < 0)
        return;
    if (write(fd, buf, sizeof buf) == sizeof buf) {
        char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED) {
            m[100] = 1;
            munmap(m, 8192);
        }
        if (pipe(p) == 0) {
            off_t off = 0;
            sendfile(p[1], fd, &off, 3000);
            close(p[0]);
            close(p[1]);
        }
    }
    close(fd);
    unlink("/dev/shm/fn");
}

static void op_proc(void)
{
    static char buf[4096];
    static const char *const files[] = {"/proc/self/status", "/proc/self/maps",    "/proc/1/stat",
                                        "/proc/meminfo",     "/proc/self/cmdline", "/proc/stats"};
    for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) {
        int fd = open(files[i], O_RDONLY);
        if (fd >= 0) {
            while (read(fd, buf, sizeof buf) > 0)
                ;
            close(fd);
        }
    }
    readlink("/proc/self/exe", buf, sizeof buf);
    readlink("/proc/self/cwd", buf, sizeof buf);
    readlink("/proc/self/fd/0", buf, sizeof buf);
    int fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        while (syscall(SYS_getdents64, fd, buf, sizeof buf) > 0)
            ;
        close(fd);
    }
}

static volatile int caught;
static void on_signal(int sig)
{
    caught += sig;
}

static void op_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    raise(SIGUSR1);
    struct itimerval it = {{0, 0}, {0, 1000}};
    struct timespec nap = {0, 200000000}; /* ends early with SIGALRM */
    if (setitimer(ITIMER_REAL, &it, NULL) == 0)
        nanosleep(&nap, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

/* The descriptor table grows past its first size, then shrinks back. */
static void op_fds(void)
{
    int fd = dup2(0, 200);
    if (fd == 200)
        close(200);
    int s = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (s >= 0)
        fcntl(s, F_DUPFD, 100);
}

/* /proc/self/fd listed and its links read while descriptors come and go. */
static void op_procfd(void)
{
    static char buf[2048];
    int fds[6];
    for (int i = 0; i < 6; i++)
        fds[i] = open(i % 2 ? "/dev/null" : "/proc/self/status", O_RDONLY);
    for (int round = 0; round < 2; round++) {
        int fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
            while (syscall(SYS_getdents64, fd, buf, sizeof buf) > 0)
                ;
            close(fd);
        }
        for (int i = 0; i < 8; i++) {
            char path[32];
            snprintf(path, sizeof path, "/proc/self/fd/%d", i);
            readlink(path, buf, sizeof buf);
        }
        close(fds[round]);
        close(fds[round + 2]);
    }
    for (int i = 4; i < 6; i++)
        close(fds[i]);
}

/* Names moved, replaced and linked in tmpfs. */
static void op_rename(void)
{
    mkdir(SCRATCH "/a", 0755);
    mkdir(SCRATCH "/b", 0755);
    close(open(SCRATCH "/a/one", O_CREAT | O_WRONLY, 0644));
    close(open(SCRATCH "/b/two", O_CREAT | O_WRONLY, 0644));
    rename(SCRATCH "/a/one", SCRATCH "/b/two"); /* replaces */
    rename(SCRATCH "/b/two", SCRATCH "/a/a-much-longer-name-than-before");
    rename(SCRATCH "/a", SCRATCH "/c"); /* a directory */
    link(SCRATCH "/c/a-much-longer-name-than-before", SCRATCH "/b/linked");
    symlinkat("../c", AT_FDCWD, SCRATCH "/b/up");
    renameat(AT_FDCWD, SCRATCH "/b/up", AT_FDCWD, SCRATCH "/c/up");
}

/* Sockets' options and names, a shutdown, and a poll and select over many. */
static void op_sockopts(void)
{
    struct sockaddr_in a = loopback(PORT), got;
    socklen_t len = sizeof got;
    int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
    a.sin_port = htons(PORT + 1);
    if (bind(s, (struct sockaddr *)&a, sizeof a) == 0)
        getsockname(s, (struct sockaddr *)&got, &len);
    listen(s, 1);
    connect(u, (struct sockaddr *)&a, sizeof a);
    shutdown(u, SHUT_RDWR);
    struct pollfd p[3] = {{s, POLLIN, 0}, {u, POLLIN | POLLOUT, 0}, {0, POLLIN, 0}};
    poll(p, 3, 0);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(s, &r);
    struct timeval tv = {0, 0};
    select(s + 1, &r, NULL, NULL, &tv);
    close(s);
    close(u);
}

struct op {
    const char *name;
    void (*run)(void);
};

static const struct op ops[] = {
    {"fork", op_fork},     {"segv", op_segv},     {"exec", op_exec},         {"pipe", op_pipe},
    {"files", op_files},   {"mmap", op_mmap},     {"tcp", op_tcp},           {"udp", op_udp},
    {"shm", op_shm},       {"proc", op_proc},     {"signals", op_signals},   {"fds", op_fds},
    {"procfd", op_procfd}, {"rename", op_rename}, {"sockopts", op_sockopts},
};
#define NOPS (sizeof ops / sizeof ops[0])

/* ---- the supervisor ---- */

/* On a leak, the /proc/stats rows that moved since the baseline (what kind of memory stayed). */
static char base_stats[2048];

static void print_moved(void)
{
    char now[2048], *save = NULL;
    stats_read(now, sizeof now);
    for (char *line = strtok_r(now, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' '), name[64];
        if (!sp || sp - line > 60 || !strncmp(line, "syscalls", 8) || !strncmp(line, "faults_", 7))
            continue;
        snprintf(name, sizeof name, "%.*s", (int)(sp - line), line);
        long long before = stats_field(base_stats, name);
        if (before < 0)
            before = 0;
        if (strtoll(sp + 1, NULL, 10) != before)
            printf("failnth:   %s (was %lld)\n", line, before);
    }
}

static long long injected(void)
{
    char text[2048];
    stats_read(text, sizeof text);
    return stats_field(text, "faults_page") + stats_field(text, "faults_kmalloc");
}

/* The machine back as it was: every process the case made reaped, the scratch tree removed and
 * made again, and memory in use settled at want (or not, after the tries); with want -1, no
 * process left and two readings alike. */
static long long restore(pid_t me, long long want)
{
    long long now = -1, last;
    for (int i = 0;; i++) {
        int procs = kill_leftovers(me);
        rm_tree(AT_FDCWD, SCRATCH, 0);
        unlink("/dev/shm/fn");
        mkdir(SCRATCH, 0755);
        last = now;
        now = kernel_in_use();
        if (now == want || (want < 0 && procs == 0 && now == last) || i == SETTLE_TRIES)
            return now;
        sleep_ms(20);
    }
}

/* One case: op with its nth allocation failing. 1 if the failure was made (n within the op's
 * allocations), 0 if not; *left the bytes still in use after, *how the child's end. */
static int run_case(pid_t me, const struct op *op, unsigned n, long long base, long long *left,
                    char *how, size_t howsize)
{
    long long before = injected();
    pid_t pid = fork();
    if (pid == 0) {
        char num[16];
        int fd = open("/proc/self/fail-nth", O_WRONLY), len = snprintf(num, sizeof num, "%u", n);
        if (fd < 0 || write(fd, num, (size_t)len) != len)
            _exit(99);
        op->run();
        if (write(fd, "0", 1) != 1)
            _exit(98);
        _exit(0);
    }
    int status = 0, done = 0;
    for (long waited = 0; pid > 0 && waited < CHILD_MS; waited += 5) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            done = 1;
            break;
        }
        sleep_ms(5);
    }
    if (pid < 0)
        snprintf(how, howsize, "fork: %s", strerror(errno));
    else if (!done)
        snprintf(how, howsize, "still running after %d s: killed", CHILD_MS / 1000);
    else if (WIFEXITED(status))
        snprintf(how, howsize, "exit %d", WEXITSTATUS(status));
    else
        snprintf(how, howsize, "signal %d", WTERMSIG(status));
    *left = restore(me, base) - base;
    if (pid > 0 && done && WIFEXITED(status) && WEXITSTATUS(status) >= 98)
        snprintf(how, howsize, "could not arm /proc/self/fail-nth (exit %d)", WEXITSTATUS(status));
    return injected() > before;
}

/* The file itself (kernel/proc_pid.c): malformed counts and another process's file refused,
 * the count read back. 0 when all is as it should be. */
static unsigned read_nth(void)
{
    char text[32] = "";
    int fd = open("/proc/self/fail-nth", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0)
        close(fd);
    return n > 0 ? (unsigned)strtoul(text, NULL, 10) : ~0u;
}

static int check_file(void)
{
    static const char *const bad[] = {"abc", "12x", "-1", "2147483648", "4294967297", "\n", " 1"};
    int bad_ones = 0, fd = open("/proc/self/fail-nth", O_WRONLY);
    if (fd < 0) {
        printf("failnth: FAILED: /proc/self/fail-nth: %s\n", strerror(errno));
        return 1;
    }
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (write(fd, bad[i], strlen(bad[i])) != -1 || errno != EINVAL) {
            printf("failnth: FAILED: fail-nth took '%s'\n", bad[i]);
            bad_ones++;
        }
    pid_t pid = fork();
    if (pid == 0) {
        int theirs = open("/proc/1/fail-nth", O_WRONLY);
        _exit(theirs >= 0 && write(theirs, "5", 1) == -1 && errno == EPERM ? 0 : 1);
    }
    int status = 1;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
        printf("failnth: FAILED: a child could arm its parent's fail-nth\n");
        bad_ones++;
    }
    unsigned armed = write(fd, "1000000\n", 8) == 8 ? read_nth() : 0; /* opening counts too */
    if (armed == 0 || armed > 1000000) {
        printf("failnth: FAILED: fail-nth reads %u after 1000000 was written\n", armed);
        bad_ones++;
    }
    if (write(fd, "0", 1) != 1 || read_nth() != 0) {
        printf("failnth: FAILED: fail-nth not 0 after 0 was written\n");
        bad_ones++;
    }
    close(fd);
    printf("failnth: /proc/self/fail-nth: %u malformed counts and another's file refused, the "
           "count read back%s\n",
           (unsigned)(sizeof bad / sizeof bad[0]), bad_ones ? ": FAILED" : "");
    return bad_ones != 0;
}

/* "NAME," within ",list,"? */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *only = NULL;
    unsigned max = 2000, replay_n[NOPS] = {0};
    int verbose = 0, failed = 0, leaks = 0, replay = 0;
    pid_t me = getpid();

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (!strncmp(argv[i], "only=", 5))
            only = argv[i] + 5;
        else if (!strncmp(argv[i], "max=", 4))
            max = (unsigned)strtoul(argv[i] + 4, NULL, 10);
        else if (!strcmp(argv[i], "verbose"))
            verbose = 1;
        else {
            unsigned k = 0;
            while (k < NOPS && (!eq || strncmp(argv[i], ops[k].name, (size_t)(eq - argv[i])) ||
                                ops[k].name[eq - argv[i]]))
                k++;
            if (k == NOPS || !(replay_n[k] = (unsigned)strtoul(eq + 1, NULL, 10))) {
                printf("failnth: FAILED: bad argument '%s'\n", argv[i]);
                return 2;
            }
            replay = 1;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    failed |= check_file();
    /* Before the baseline: our stack as deep as it goes, stdio's buffer, /proc/<pid>/ filled,
     * a first run of every operation unarmed (what a first use makes once for good, a cache,
     * is not a leak: it is made here, before the count starts). */
    proc_self_fill();
    touch_stack();
    memset(base_stats, 1, sizeof base_stats); /* its page in memory now, not at the first leak */
    printf("failnth: every injectable allocation of %u operations failed in turn\n",
           (unsigned)NOPS);
    long long base = restore(me, -1);
    for (unsigned k = 0; k < NOPS; k++) {
        long long left;
        char how[64];
        run_case(me, &ops[k], 1u << 30, base, &left, how, sizeof how);
        base = restore(me, -1);
    }
    base = restore(me, -1);
    stats_read(base_stats, sizeof base_stats);
    printf("failnth: kernel memory in use %lld bytes\n", base);
    for (unsigned k = 0; k < NOPS; k++) {
        if ((only && !listed(only, ops[k].name)) || (replay && !replay_n[k]))
            continue;
        unsigned n = replay ? replay_n[k] : 1, made = 0, op_leaks = 0;
        for (; n <= max; n++) {
            long long left;
            char how[64];
            int fired = run_case(me, &ops[k], n, base, &left, how, sizeof how);
            if (verbose || left != 0 || !strncmp(how, "could", 5) || !strncmp(how, "still", 5))
                printf("failnth: %s%s n=%u (%s, %s): %+lld bytes\n", left ? "LEAK " : "",
                       ops[k].name, n, fired ? "failed" : "not reached", how, left);
            if (!strncmp(how, "could", 5)) {
                failed = 1;
                break;
            }
            if (!strcmp(how, "exit 97")) {
                printf("failnth: FAILED: %s n=%u: a wrong error (the line above)\n", ops[k].name,
                       n);
                failed = 1;
            }
            if (left != 0) {
                print_moved();
                failed = 1;
                op_leaks++;
                base += left; /* the next case is judged on its own */
                stats_read(base_stats, sizeof base_stats);
            }
            if (!fired || replay)
                break;
            made++;
        }
        if (n > max && !replay) {
            printf("failnth: FAILED: %s made more than max=%u allocations\n", ops[k].name, max);
            failed = 1;
        }
        leaks += (int)op_leaks;
        printf("failnth: %s: %u allocations failed one at a time, %u left memory in use\n",
               ops[k].name, made, op_leaks);
    }
    printf("failnth: %d cases left memory in use\n", leaks);
    if (!failed)
        printf("failnth: ok\n");
    return failed;
}
