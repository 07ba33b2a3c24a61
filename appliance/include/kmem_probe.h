/* kmem_probe.h: what the leak-checking supervisors (appliance/fuzz/sysfuzz.c, gfrun.c, failnth.c)
 * measure and how they bring the machine back to a state they can compare: the guest kernel's
 * memory in use, every process above theirs killed and reaped, their own /proc/<pid>/ filled, a
 * scratch tree removed. */
#ifndef KMEM_PROBE_H
#define KMEM_PROBE_H

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* /proc/stats (the guest kernel's counters, one "name value" a line) into text, NUL-terminated
 * (empty on error); its length, or -1. */
static inline long stats_read(char *text, size_t size)
{
    int fd = open("/proc/stats", O_RDONLY);
    long n = fd < 0 ? -1 : (long)read(fd, text, size - 1);
    if (fd >= 0)
        close(fd);
    text[n > 0 ? n : 0] = 0;
    return n > 0 ? n : -1;
}

/* The value on the line "name value" of text (stats_read's), -1 when there is none. */
static inline long long stats_field(const char *text, const char *name)
{
    size_t len = strlen(name);
    for (const char *line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
        if (!strncmp(line, name, len) && line[len] == ' ')
            return strtoll(line + len + 1, NULL, 10);
    return -1;
}

/* The kernel's memory in use, in bytes, from /proc/stats: the pages the page allocator has handed
 * out, less the free blocks kmalloc keeps in its class pages (free memory, but not the page
 * allocator's: kmalloc gives a page back only when its class keeps two pages' worth of free
 * blocks). Unlike MemFree this does not move when freed blocks stay cached. -1 on error. */
static long long kernel_in_use(void)
{
    char text[2048];
    if (stats_read(text, sizeof text) < 0)
        return -1;
    long long total = stats_field(text, "pages_total"),
              free_pages = stats_field(text, "pages_free"),
              cached = stats_field(text, "kmalloc_free_bytes");
    if (total < 0 || free_pages < 0 || cached < 0)
        return -1;
    return (total - free_pages) * 4096 - cached;
}

/* One getdents64 record (a stack buffer's worth is read at a time: no heap). */
struct kmem_dirent {
    unsigned long long ino, off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* SIGKILL to every process above us (pids are not reused below the supervisor's in these runs),
 * then reap what has ended; how many /proc listed. One killed a moment ago may still be on its
 * way out (the signal acts when it next runs): call again until it says 0. No heap: opendir's
 * buffer came from malloc, and musl's heap grew by a page (and a region, 16 bytes of the
 * kernel's) now and then, which the count took for a leak of 4112 bytes. */
static int kill_leftovers(pid_t me)
{
    int left = 0, fd = open("/proc", O_RDONLY | O_DIRECTORY);
    char buf[1024];
    long n;
    while (fd >= 0 && (n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            const struct kmem_dirent *e = (const void *)(buf + at);
            long pid = strtol(e->name, NULL, 10);
            at += e->reclen;
            if (pid > me) {
                kill((pid_t)pid, SIGKILL);
                left++;
            }
        }
    }
    if (fd >= 0)
        close(fd);
    while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
        ;
    return left;
}

/* Touch the stack the supervisor may ever use (nftw and rm_tree recurse), so that its pages are
 * in place before the baseline: 64 KB below the caller's frame, where the calls made later go
 * (an array in main's own frame lies above them), by volatile stores. The memset the supervisors
 * had into an array nothing read was a dead store the compiler left out (gfrun's VmRSS 92 kB with
 * it, 148 kB with these), so the first deep rm_tree (a test that left nested directories) took
 * new stack pages: +4096 after t_procfd, t_sendfile or t_tmp in gfaults-ring3, +12288 in
 * gfrun-deep-scratch. */
__attribute__((noinline)) static void touch_stack(void)
{
    volatile char deep[64 * 1024];
    for (unsigned i = 0; i < sizeof deep; i += 512)
        deep[i] = 0; /* volatile stores: a memset of a dead array may be left out */
}

/* The kernel fills a /proc/<pid>/ directory the first time anything looks at it and keeps its
 * entries while the process lives: a program that looks at the supervisor's (pid 1 in the
 * scenarios) would otherwise count as a leak of 4-5 kB. Called before the baseline. */
static void proc_self_fill(void)
{
    struct stat st;
    stat("/proc/self/fd", &st);
}

/* Remove path and all under it with no heap (a malloc here would grow our own memory, which the
 * count includes): getdents64 into a stack buffer, at most RM_DEPTH directories deep. */
#define RM_DEPTH 32
static inline void rm_tree(int dirfd, const char *name, int depth)
{
    if (unlinkat(dirfd, name, 0) == 0 || depth == RM_DEPTH)
        return;
    fchmodat(dirfd, name, 0755, 0); /* a directory (a symlink went above): one made mode 0 */
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return;
    char buf[1024];
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            const struct kmem_dirent *e = (const void *)(buf + at);
            at += e->reclen;
            if (strcmp(e->name, ".") && strcmp(e->name, ".."))
                rm_tree(fd, e->name, depth + 1);
        }
    }
    close(fd);
    unlinkat(dirfd, name, AT_REMOVEDIR);
}

#endif
