/* t_shmhostile: a hostile program against anonymous MAP_SHARED memory, checked against Linux:
 * bad lengths, MAP_FIXED over a piece, munmap of the middle, mprotect pieces then mremap (grow,
 * shrink and grow back, MREMAP_MAYMOVE, MREMAP_FIXED onto another shared region), a child
 * touching past a shrunk end, madvise(MADV_DONTNEED), msync, mlock, execve with the region
 * mapped, /proc/self/maps of every piece, children forked after each step that exit in a
 * scrambled order, and the kernel's memory back where it was once the worker is gone. */
#define _GNU_SOURCE
#include "check.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function" /* only kernel_in_use is wanted */
#include "kmem_probe.h"
#pragma GCC diagnostic pop

#include <sys/mman.h>

#define P 4096
#define WIN 24 /* pages of the window everything is placed in */
#define NKIDS 6

static char *w; /* the window: PROT_NONE private until pieces are mapped over it */

static volatile int *at(char *base, int page)
{
    return (volatile int *)(base + page * P);
}

/* Children forked after each step wait on their pipe; released in a scrambled order, each
 * writes its slot in page 1 (shared in every view) and checks page 0's final mark. */
static int release[NKIDS][2];
static pid_t kids[NKIDS];
static int nkids;

static void keep_child(void)
{
    int k = nkids;
    if (pipe(release[k])) {
        printf("FAIL - pipe: %s\n", strerror(errno));
        exit(1);
    }
    pid_t pid = check_fork();
    if (pid == 0) {
        char c;
        close(release[k][1]);
        if (read(release[k][0], &c, 1) != 1)
            _exit(2);
        at(w, 1)[k + 1] = 1000 + k;
        _exit(*at(w, 0) == 4242 ? 0 : 1);
    }
    close(release[k][0]);
    kids[nkids++] = pid;
}

/* The fate of one access by a child: 0, or the signal that ended it. */
static int touch(volatile int *p, int write)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL), signal(SIGBUS, SIG_DFL);
        if (write)
            *p = 1;
        else
            (void)*p;
        _exit(0);
    }
    int status = check_wait(pid);
    return WIFSIGNALED(status) ? WTERMSIG(status) : status == 0 ? 0 : -1;
}

/* Every region in the window, relative to it: where pieces start and end, and their modes.
 * Read without stdio's buffers: a malloc'd one could land in a hole of the window. */
static void print_maps(const char *when)
{
    static char text[16384];
    int fd = open("/proc/self/maps", O_RDONLY);
    long n = 0, got;
    if (!CHECK(fd >= 0, "open /proc/self/maps"))
        return;
    while (n < (long)sizeof text - 1 && (got = read(fd, text + n, sizeof text - 1 - n)) > 0)
        n += got;
    close(fd);
    text[n] = 0;
    printf("# maps %s:", when);
    for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : 0) {
        unsigned long lo, hi, b = (unsigned long)w, e = b + WIN * P;
        char mode[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, mode) != 3 || hi <= b || lo >= e)
            continue;
        lo = lo < b ? b : lo, hi = hi > e ? e : hi;
        printf(" %lu-%lu:%s", (lo - b) / P, (hi - b) / P, mode);
    }
    printf("\n");
}

static void lengths(void)
{
    int f = MAP_SHARED | MAP_ANONYMOUS, rw = PROT_READ | PROT_WRITE;
    CHECK_ERR(mmap(NULL, 0, rw, f, -1, 0), EINVAL, "a zero length");
    CHECK_ERR(mmap(NULL, 0xfffff001u, rw, f, -1, 0), ENOMEM, "a length that wraps when rounded");
    CHECK_ERR(mmap(NULL, 0xffffe001u, rw, f, -1, 0), ENOMEM, "a length past the address space");
    CHECK_ERR(mmap(w + 1, P, rw, f | MAP_FIXED, -1, 0), EINVAL,
              "MAP_FIXED at an unaligned address");
    char *u = mmap(NULL, P + 1, rw, f, -1, 0);
    if (!CHECK(u != MAP_FAILED, "an unaligned length"))
        return;
    u[2 * P - 1] = 7;
    CHECK_INT(touch((volatile int *)(u + P), 1) == 0 && u[2 * P - 1] == 7, 1,
              "an unaligned length maps its last page whole, shared");
    CHECK_INT(munmap(u, P + 1), 0, "munmap with the same unaligned length");
}

/* Pages 0-7 of the window, page i holding 100 + i; page 3 then privately replaced, 5 unmapped. */
static void pieces(void)
{
    for (int i = 0; i < 8; i++)
        *at(w, i) = 100 + i;
    keep_child();
    CHECK(mmap(w + 3 * P, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
               0) == w + 3 * P,
          "MAP_FIXED private over page 3 of the shared region");
    CHECK_INT(*at(w, 3), 0, "the private page reads 0");
    *at(w, 3) = 33;
    pid_t pid = check_fork();
    if (pid == 0) {
        *at(w, 2) = 22, *at(w, 3) = 34, *at(w, 4) = 44;
        _exit(0);
    }
    check_status(check_wait(pid), 0, 0, "a child writes around the private page");
    CHECK_INT(*at(w, 2) * 100 + *at(w, 4), 2244, "the pieces on both sides still share");
    CHECK_INT(*at(w, 3), 33, "the private page does not");
    keep_child();
    CHECK_INT(munmap(w + 5 * P, P), 0, "munmap page 5, the middle of the last piece");
    CHECK_INT(touch(at(w, 5), 0), SIGSEGV, "a child reading the hole");
    pid = check_fork();
    if (pid == 0) {
        *at(w, 6) = 66;
        _exit(0);
    }
    check_status(check_wait(pid), 0, 0, "a child writes past the hole");
    CHECK_INT(*at(w, 6) * 1000 + *at(w, 4), 66044, "both sides of the hole still share");
    keep_child();
    print_maps("after MAP_FIXED and munmap");
}

/* Page 6 read-only cuts 6-7 in two: mremap over both is refused; page 7 alone moves. */
static void protect_then_remap(void)
{
    CHECK_INT(mprotect(w + 6 * P, P, PROT_READ), 0, "mprotect page 6 read-only");
    CHECK_INT(touch(at(w, 6), 1), SIGSEGV, "a child writing the read-only page");
    print_maps("after mprotect");
    CHECK_ERR(mremap(w + 6 * P, 2 * P, 3 * P, MREMAP_MAYMOVE), EFAULT, "mremap across two pieces");
    char *r = mremap(w + 7 * P, P, 2 * P, MREMAP_MAYMOVE);
    if (!CHECK(r != MAP_FAILED && r != w + 7 * P, "mremap moves page 7 to grow it"))
        return;
    CHECK_INT(*at(r, 0), 107, "the moved page keeps its contents");
    CHECK_INT(touch(at(r, 1), 0), SIGBUS, "a child reading the grown page (past the object)");
    CHECK_INT(touch(at(w, 7), 0), SIGSEGV, "a child reading where it was");
    keep_child();
    CHECK_INT(mprotect(w + 6 * P, P, PROT_READ | PROT_WRITE), 0, "page 6 writable again");
    *at(r, 0) = 117;
    CHECK_INT(munmap(r, 2 * P), 0, "munmap the moved page");
    print_maps("after the move");
}

/* A region shrunk and grown back in place: its object kept the pages in between. */
static void shrink_and_grow(void)
{
    char *t = w + 10 * P;
    CHECK(mmap(t, 4 * P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
              t,
          "a second shared region of 4 pages");
    *at(t, 3) = 3;
    int go[2], done[2];
    if (pipe(go) || pipe(done))
        return;
    pid_t before = check_fork();
    if (before == 0) {
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(2);
        int ok = *at(t, 3) == 3;
        *at(t, 3) = 77;
        _exit(ok && write(done[1], &c, 1) == 1 ? 0 : 1);
    }
    CHECK(mremap(t, 4 * P, 2 * P, 0) == t, "mremap shrinks it to 2 pages");
    CHECK_INT(touch(at(t, 3), 1), SIGSEGV, "a child writing past the shrunk end");
    char c = 1;
    if (write(go[1], &c, 1) != 1 || read(done[0], &c, 1) != 1)
        CHECK(0, "the child forked before the shrink answers");
    check_status(check_wait(before), 0, 0, "a child forked before the shrink writes its page 3");
    CHECK(mremap(t, 2 * P, 4 * P, 0) == t, "mremap grows it back in place");
    CHECK_INT(*at(t, 3), 77, "page 3 again: the object kept the child's write");
    close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

/* MREMAP_FIXED moves region u onto region v: v's pages go, u's take their place. */
static void remap_fixed(void)
{
    char *u = w + 16 * P, *v = w + 19 * P;
    int f = MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, rw = PROT_READ | PROT_WRITE;
    if (!CHECK(mmap(u, 2 * P, rw, f, -1, 0) == u && mmap(v, 2 * P, rw, f, -1, 0) == v,
               "two shared regions of 2 pages"))
        return;
    *at(u, 0) = 500, *at(v, 0) = 600;
    CHECK_ERR(mremap(u, 2 * P, 2 * P, MREMAP_FIXED, v), EINVAL, "MREMAP_FIXED without MAYMOVE");
    CHECK_ERR(mremap(u, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, u + P), EINVAL,
              "MREMAP_FIXED onto itself");
    CHECK_ERR(mremap(u, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, v + 1), EINVAL,
              "MREMAP_FIXED to an unaligned address");
    CHECK_ERR(mremap(u, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0xffffe000u), EINVAL,
              "MREMAP_FIXED past the address space");
    char *r = mremap(u, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, v);
    if (!CHECK(r == v, "MREMAP_FIXED onto the other shared region"))
        return;
    CHECK_INT(*at(v, 0), 500, "the moved region's page is there");
    CHECK_INT(touch(at(u, 0), 0), SIGSEGV, "a child reading where it was");
    pid_t pid = check_fork();
    if (pid == 0) {
        *at(v, 1) = 501;
        _exit(0);
    }
    check_status(check_wait(pid), 0, 0, "a child writes the moved region");
    CHECK_INT(*at(v, 1), 501, "and its write is seen");
    CHECK_INT(munmap(v, 2 * P), 0, "munmap it");
    /* Onto the start of its own region: the region the destination cuts is the one moved. */
    if (!CHECK(mmap(u, 6 * P, rw, f, -1, 0) == u, "a shared region of 6 pages"))
        return;
    *at(u, 0) = 700, *at(u, 4) = 704, *at(u, 5) = 705;
    CHECK(mremap(u + 4 * P, P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, u) == u,
          "MREMAP_FIXED of page 4, grown, onto pages 0-1 of its own region");
    CHECK_INT(*at(u, 0), 704, "page 0 is page 4 now");
    CHECK_INT(*at(u, 1), 705, "page 1 is page 5, still in the object");
    CHECK_INT(touch(at(u, 4), 0), SIGSEGV, "a child reading where page 4 was");
    CHECK_INT(*at(u, 5), 705, "page 5 stays where it was too");
    CHECK_INT(munmap(u, 6 * P), 0, "munmap what is left");
    /* A private region moves by copy, shrunk on the way. */
    char *p = mmap(u, 3 * P, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (!CHECK(p == u, "a private region of 3 pages"))
        return;
    *at(p, 0) = 800, *at(p, 2) = 802;
    CHECK(mremap(p, 3 * P, P, MREMAP_MAYMOVE | MREMAP_FIXED, v) == v,
          "MREMAP_FIXED of a private region, shrunk");
    CHECK_INT(*at(v, 0), 800, "its first page moved");
    CHECK_INT(touch(at(v, 1), 0), SIGSEGV, "a child reading past its new end");
    CHECK_INT(touch(at(p, 2), 0), SIGSEGV, "a child reading where it was");
    CHECK_INT(munmap(v, P), 0, "munmap it");
}

static void advice_sync_lock(void)
{
    CHECK_INT(madvise(w + 2 * P, P, MADV_DONTNEED), 0, "madvise(MADV_DONTNEED) a shared page");
    CHECK_INT(*at(w, 2), 22, "its data stays (the object keeps it)");
    CHECK_INT(msync(w, 2 * P, MS_SYNC), 0, "msync(MS_SYNC) shared pages");
    CHECK_INT(msync(w, P, MS_ASYNC | MS_INVALIDATE), 0, "msync(MS_ASYNC | MS_INVALIDATE)");
    CHECK_ERR(msync(w + 1, P, MS_SYNC), EINVAL, "msync at an unaligned address");
    CHECK_ERR(msync(w, P, MS_SYNC | MS_ASYNC), EINVAL, "msync with both MS_SYNC and MS_ASYNC");
    CHECK_ERR(msync(w, P, 8), EINVAL, "msync with an unknown flag");
    CHECK_ERR(msync(w + 4 * P, 2 * P, MS_SYNC), ENOMEM, "msync over the hole");
    CHECK_INT(mlock(w, 2 * P), 0, "mlock shared pages");
    CHECK_INT(*at(w, 1), 101, "locked pages read as before");
    CHECK_INT(munlock(w, 2 * P), 0, "munlock them");
    CHECK_ERR(mlock(w + 4 * P, 2 * P), ENOMEM, "mlock over the hole");
}

static void exec_while_mapped(void)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        *at(w, 4) = 45;
        execl("/bin/true", "true", (char *)NULL);
        _exit(3);
    }
    check_status(check_wait(pid), 0, 0, "a child writes then execs /bin/true");
    CHECK_INT(*at(w, 4), 45, "its write outlives its exec");
}

static int worker(void)
{
    w = mmap(NULL, WIN * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(w != MAP_FAILED, "a window to work in"))
        return 1;
    lengths();
    if (!CHECK(mmap(w, 8 * P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1,
                    0) == w,
               "a shared region of 8 pages"))
        return 1;
    pieces();
    protect_then_remap();
    shrink_and_grow();
    remap_fixed();
    advice_sync_lock();
    exec_while_mapped();
    keep_child();
    *at(w, 0) = 4242;
    static const int order[NKIDS] = {3, 0, 4, 1, 2, 5};
    int ok = 1;
    for (int i = 0; i < NKIDS; i++) {
        int k = order[i];
        if (k >= nkids)
            continue;
        char c = 1;
        if (write(release[k][1], &c, 1) != 1)
            ok = 0;
        int status = check_wait(kids[k]);
        if (status != 0) {
            printf("FAIL - child %d of the kept ones: %s\n", k, check_status_str(status));
            ok = 0;
        }
        close(release[k][1]);
    }
    CHECK(ok, "the kept children, released in a scrambled order, see the final mark");
    int slots = 0;
    for (int k = 0; k < nkids; k++)
        slots += at(w, 1)[k + 1] == 1000 + k;
    CHECK_INT(slots, nkids, "every kept child's write seen");
    CHECK_INT(munmap(w, WIN * P), 0, "munmap the whole window");
    return check_failed ? 1 : 0;
}

int main(void)
{
    check_init();
    alarm(60);
    /* The kernel keeps 16 bytes from the first open of a maps file ever: open one first. */
    char text[4096];
    int fd = open("/proc/self/maps", O_RDONLY);
    while (fd >= 0 && read(fd, text, sizeof text) > 0)
        continue;
    close(fd);
    long long before = kernel_in_use();
    pid_t pid = check_fork();
    if (pid == 0)
        _exit(worker());
    check_status(check_wait(pid), 0, 0, "the worker");
    long long after = kernel_in_use();
    if (!CHECK(before < 0 || after == before, "the kernel's memory back to its start"))
        printf("# kernel memory in use: %lld before, %lld after\n", before, after);
    return check_done();
}
