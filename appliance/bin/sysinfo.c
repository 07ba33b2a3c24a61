/*
 * sysinfo: what the appliance is running on, labelled and grouped: the system (uname), uptime
 * and memory, then the guest kernel's counters (/proc/stats) and the hypervisor's
 * (/proc/hypervisor): system calls on the fast trap and bounced, page-table batches. Plain
 * POSIX; on Linux the two counter files are missing and say so.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#define MAX_ROWS 128

struct table {
    int n;
    char name[MAX_ROWS][48];
    unsigned long value[MAX_ROWS];
};

/* "name value" lines (a trailing ':' on the name and a unit after the value are fine). */
static int load(const char *path, struct table *t)
{
    char line[256];
    FILE *f = fopen(path, "r");

    t->n = 0;
    if (!f)
        return -1;
    while (t->n < MAX_ROWS && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%47[^: ]%*[: ]%lu", t->name[t->n], &t->value[t->n]) == 2)
            t->n++;
    }
    fclose(f);
    return 0;
}

static int has(const struct table *t, const char *name, unsigned long *v)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->name[i], name) == 0) {
            *v = t->value[i];
            return 1;
        }
    return 0;
}

static unsigned long get(const struct table *t, const char *name)
{
    unsigned long v = 0;
    has(t, name, &v);
    return v;
}

static void row(const char *label, const char *fmt, unsigned long a, unsigned long b)
{
    printf("sysinfo:   %-22s", label);
    printf(fmt, a, b);
    printf("\n");
}

static void guest_counters(void)
{
    struct table t;

    printf("sysinfo: guest kernel (/proc/stats):\n");
    if (load("/proc/stats", &t) < 0) {
        printf("sysinfo:   not available\n");
        return;
    }
    row("system calls", "%lu (%lu returned ENOSYS)", get(&t, "syscalls"),
        get(&t, "syscalls_enosys"));
    row("page faults", "%lu (%lu copy-on-write copies)", get(&t, "page_faults"),
        get(&t, "cow_copies"));
    row("processes", "%lu live, %lu forks", get(&t, "procs_live"), get(&t, "forks"));
    row("", "%lu execs, %lu exits", get(&t, "execs"), get(&t, "exits"));
    row("context switches", "%lu%.0lu", get(&t, "ctx_switches"), 0);
    row("page-table batches", "%lu sent, %lu updates in them", get(&t, "mmu_batches"),
        get(&t, "mmu_batched_updates"));
    row("pages", "%lu managed, %lu free", get(&t, "pages_total"), get(&t, "pages_free"));
}

static void hypervisor_counters(void)
{
    struct table t;
    unsigned long v;

    printf("sysinfo: hypervisor (/proc/hypervisor):\n");
    if (load("/proc/hypervisor", &t) < 0) {
        printf("sysinfo:   not available\n");
        return;
    }
    row("system calls", "%lu on the fast trap, %lu bounced", get(&t, "syscalls_fast"),
        get(&t, "syscalls_bounced"));
    row("mmu_update calls", "%lu (%lu page-table entries written)", get(&t, "mmu_batches"),
        get(&t, "pt_updates"));
    row("multicalls", "%lu (%lu entries)", get(&t, "multicall_batches"),
        get(&t, "multicall_entries"));
    row("event upcalls", "%lu (%lu events sent)", get(&t, "event_upcalls"), get(&t, "events_sent"));
    row("guest frames", "%lu (%lu pinned tables)", get(&t, "guest_frames"),
        get(&t, "guest_frames_pinned"));
    if (has(&t, "frames_free", &v))
        row("machine frames free", "%lu%.0lu", v, 0);
}

int main(void)
{
    struct utsname u;
    double up;
    FILE *f;

    if (uname(&u) == 0)
        printf("sysinfo: system: %s %s (%s) %s\n", u.sysname, u.release, u.version, u.machine);
    f = fopen("/proc/uptime", "r");
    if (f && fscanf(f, "%lf", &up) == 1)
        printf("sysinfo: uptime: %.2f s\n", up);
    if (f)
        fclose(f);
    struct table m;
    if (load("/proc/meminfo", &m) == 0)
        printf("sysinfo: memory: %lu kB total, %lu kB free\n", get(&m, "MemTotal"),
               get(&m, "MemFree"));
    guest_counters();
    hypervisor_counters();
    return 0;
}
