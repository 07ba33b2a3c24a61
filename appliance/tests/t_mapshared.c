/* t_mapshared: an anonymous MAP_SHARED region is one piece of memory for every process that maps
 * it, whichever touches a page first and when: a page first touched after fork (by the child, by
 * both, by a grandchild, by a second child) is the same page for all; munmap in one process
 * leaves the others' pages; the pieces mprotect cuts still share (and are one region again once
 * put back), a piece mremap moved still shares; and a page past the region's first size (mremap
 * grew it) is SIGBUS, as on Linux. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/mman.h>

#define PAGES 12
#define PAGE 4096

static char *m;

static volatile int *at(char *base, int page)
{
    return (volatile int *)(base + page * PAGE);
}

/* A pipe for each direction between a parent and one child: each side waits for the other's
 * byte, so nothing depends on timing. */
static int to_child[2], to_parent[2];

static void tell(int fd)
{
    char c = 1;
    if (write(fd, &c, 1) != 1)
        _exit(90);
}

static void await(int fd)
{
    char c;
    if (read(fd, &c, 1) != 1)
        _exit(91);
}

static void pipes(void)
{
    if (pipe(to_child) || pipe(to_parent)) {
        printf("FAIL - pipes: %s\n", strerror(errno));
        exit(1);
    }
}

static void close_pipes(void)
{
    close(to_child[0]), close(to_child[1]), close(to_parent[0]), close(to_parent[1]);
}

static void first_touch_in_child(void)
{
    *at(m, 0) = 1;
    pid_t pid = check_fork();
    if (pid == 0) {
        *at(m, 0) = 2;
        *at(m, 1) = 3;
        _exit(0);
    }
    check_status(check_wait(pid), 0, 0, "the child writes two pages");
    CHECK_INT(*at(m, 0), 2, "a page touched before fork: the child's write seen");
    CHECK_INT(*at(m, 1), 3, "a page first touched by the child after fork: its write seen");
}

/* Both fault the page in after the fork: the parent reads it first (a zero page of its own,
 * were the page not the region's), then the child writes it. */
static void first_touch_in_both(void)
{
    pipes();
    pid_t pid = check_fork();
    if (pid == 0) {
        await(to_child[0]);
        *at(m, 2) = 4;
        _exit(0);
    }
    int before = *at(m, 2);
    tell(to_child[1]);
    check_status(check_wait(pid), 0, 0, "the child writes a page the parent read first");
    CHECK_INT(before, 0, "the untouched page reads 0");
    CHECK_INT(*at(m, 2), 4, "the parent sees the child's write to it");
    close_pipes();
}

static void grandchild(void)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            *at(m, 3) = 5;
            _exit(0);
        }
        int status = -1;
        waitpid(g, &status, 0);
        _exit(WIFEXITED(status) && WEXITSTATUS(status) == 0 && *at(m, 3) == 5 ? 0 : 1);
    }
    check_status(check_wait(pid), 0, 0, "a child sees its own child's write");
    CHECK_INT(*at(m, 3), 5, "the grandchild's write to an untouched page seen");
}

/* The child unmaps the first pages; the parent's stay, and the rest is still shared. */
static void munmap_in_one(void)
{
    pipes();
    pid_t pid = check_fork();
    if (pid == 0) {
        int ok = munmap(m, 4 * PAGE) == 0;
        tell(to_parent[1]);
        await(to_child[0]);
        _exit(ok && *at(m, 4) == 6 ? 0 : 1);
    }
    await(to_parent[0]);
    CHECK_INT(*at(m, 1), 3, "the child's munmap leaves the parent's pages");
    *at(m, 0) = 7;
    *at(m, 4) = 6;
    tell(to_child[1]);
    check_status(check_wait(pid), 0, 0,
                 "after its munmap, the child sees a page first written by the parent");
    CHECK_INT(*at(m, 0), 7, "the parent still writes the pages the child unmapped");
    close_pipes();
}

static void second_fork(void)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        *at(m, 5) = 8;
        _exit(*at(m, 4) == 6 && *at(m, 2) == 4 && *at(m, 0) == 7 ? 0 : 1);
    }
    check_status(check_wait(pid), 0, 0, "a second child sees what the first ones wrote");
    CHECK_INT(*at(m, 5), 8, "and its write to an untouched page is seen");
}

/* mprotect cuts the region in three: the last piece still maps the region's own pages. */
static void pieces(void)
{
    CHECK_INT(mprotect((void *)at(m, 6), PAGE, PROT_READ), 0, "mprotect one page read-only");
    pid_t pid = check_fork();
    if (pid == 0) {
        *at(m, 7) = 9;
        _exit(*at(m, 6) == 0 ? 0 : 1);
    }
    check_status(check_wait(pid), 0, 0, "the child writes past the read-only piece");
    CHECK_INT(*at(m, 7), 9, "its write to an untouched page in the third piece seen");
    CHECK_INT(mprotect((void *)at(m, 6), PAGE, PROT_READ | PROT_WRITE), 0, "writable again");
    CHECK(mremap(m, PAGES * PAGE, PAGES * PAGE, 0) == m, "the pieces are one region again");
}

/* mremap moves the last piece (pages 7-11) to grow it by a page: a child forked before the move
 * writes at the old address, the parent reads at the new one. */
#define MOVED 7
#define MOVED_PAGES (PAGES - MOVED)

static char *moved(void)
{
    void *stop = mmap(m + PAGES * PAGE, PAGE, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    pipes();
    pid_t pid = check_fork();
    if (pid == 0) {
        await(to_child[0]);
        *at(m, 8) = 10;
        _exit(0);
    }
    char *r =
        mremap(m + MOVED * PAGE, MOVED_PAGES * PAGE, (MOVED_PAGES + 1) * PAGE, MREMAP_MAYMOVE);
    tell(to_child[1]);
    check_status(check_wait(pid), 0, 0, "the child writes at the old address");
    close_pipes();
    if (stop != MAP_FAILED)
        munmap(stop, PAGE);
    if (!CHECK(r != MAP_FAILED && r != m + MOVED * PAGE, "mremap moves the last piece to grow it"))
        return NULL;
    CHECK_INT(*at(r, 0), 9, "the moved piece keeps its contents");
    CHECK_INT(*at(r, 1), 10, "a page first touched at the old address after the move seen");
    CHECK_INT(*at(m, 0), 7, "the pieces left in place keep theirs");
    pid = check_fork();
    if (pid == 0) {
        *at(r, 2) = 11;
        _exit(0);
    }
    check_status(check_wait(pid), 0, 0, "a child of the moved piece writes");
    CHECK_INT(*at(r, 2), 11, "and its write is seen");
    return r;
}

/* The page mremap added is past the region's memory (Linux: past its shmem file's end). */
static void past_the_end(char *r)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        signal(SIGBUS, SIG_DFL);
        *at(r, MOVED_PAGES) = 12;
        _exit(0);
    }
    check_status(check_wait(pid), 0, SIGBUS, "a write past the region's first size");
    pid = check_fork();
    if (pid == 0)
        _exit(*at(r, MOVED_PAGES) == 0);
    check_status(check_wait(pid), 0, SIGBUS, "a read past it");
}

int main(void)
{
    check_init();
    alarm(60); /* a child waiting for a byte that never comes fails in a minute */
    m = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(m != MAP_FAILED, "mmap MAP_SHARED | MAP_ANONYMOUS"))
        return check_done();
    first_touch_in_child();
    first_touch_in_both();
    grandchild();
    munmap_in_one();
    second_fork();
    pieces();
    char *r = moved();
    if (r) {
        past_the_end(r);
        CHECK_INT(munmap(r, (MOVED_PAGES + 1) * PAGE), 0, "munmap the moved piece");
        CHECK_INT(munmap(m, MOVED * PAGE), 0, "munmap the rest");
    }
    return check_done();
}
