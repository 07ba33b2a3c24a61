/*
 * sysinfo: what the appliance is running on, from uname and /proc: memory, uptime, and the
 * guest's and the hypervisor's counters (system calls on the fast trap and bounced, page-table
 * batches). Plain POSIX; on Linux it prints what that kernel's /proc offers.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* Print the lines of a /proc file that start with one of the prefixes (all when NULL). */
static void show(const char *path, const char *const *prefixes)
{
    char line[256];
    FILE *f = fopen(path, "r");

    if (!f) {
        printf("sysinfo: %s: not available\n", path);
        return;
    }
    while (fgets(line, sizeof line, f)) {
        int keep = !prefixes;
        for (int i = 0; prefixes && prefixes[i] && !keep; i++)
            keep = strncmp(line, prefixes[i], strlen(prefixes[i])) == 0;
        if (keep)
            printf("sysinfo: %s", line);
    }
    fclose(f);
}

int main(void)
{
    static const char *const mem[] = {"MemTotal", "MemFree", NULL};
    static const char *const hv[] = {"syscalls_", "mmu_", "multicall", "frames_", NULL};
    struct utsname u;

    if (uname(&u) == 0)
        printf("sysinfo: %s %s (%s) %s\n", u.sysname, u.release, u.version, u.machine);
    show("/proc/meminfo", mem);
    show("/proc/uptime", NULL);
    show("/proc/stats", NULL);
    show("/proc/hypervisor", hv);
    return 0;
}
