/* kmem_probe.h: what the leak-checking supervisors (appliance/fuzz/sysfuzz.c, gfrun.c) measure
 * and how they bring the machine back to a state they can compare: the guest kernel's memory in
 * use, every process above theirs killed and reaped, their own /proc/<pid>/ filled. */
#ifndef KMEM_PROBE_H
#define KMEM_PROBE_H

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel's memory in use, in bytes, from /proc/stats: the pages the page allocator has handed
 * out, less the free blocks kmalloc keeps in its class pages (free memory, but not the page
 * allocator's: kmalloc gives a page back only when its class keeps two pages' worth of free
 * blocks). Unlike MemFree this does not move when freed blocks stay cached. -1 on error. */
static long long kernel_in_use(void)
{
    char text[2048];
    int fd = open("/proc/stats", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    text[n] = 0;
    const char *t = strstr(text, "\npages_total "), *f = strstr(text, "\npages_free "),
               *k = strstr(text, "\nkmalloc_free_bytes ");
    if (!t || !f || !k)
        return -1;
    long long total = strtoll(t + 13, NULL, 10), free_pages = strtoll(f + 12, NULL, 10);
    return (total - free_pages) * 4096 - strtoll(k + 20, NULL, 10);
}

/* SIGKILL to every process above us (pids are not reused below the supervisor's in these runs),
 * then reap what has ended; how many /proc listed. One killed a moment ago may still be on its
 * way out (the signal acts when it next runs): call again until it says 0. */
static int kill_leftovers(pid_t me)
{
    int left = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        long pid = strtol(e->d_name, NULL, 10);
        if (pid > me) {
            kill((pid_t)pid, SIGKILL);
            left++;
        }
    }
    if (d)
        closedir(d);
    while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
        ;
    return left;
}

/* The kernel fills a /proc/<pid>/ directory the first time anything looks at it and keeps its
 * entries while the process lives: a program that looks at the supervisor's (pid 1 in the
 * scenarios) would otherwise count as a leak of 4-5 kB. Called before the baseline. */
static void proc_self_fill(void)
{
    struct stat st;
    stat("/proc/self/fd", &st);
}

#endif
