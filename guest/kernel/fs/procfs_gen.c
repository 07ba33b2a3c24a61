/* The guest's own /proc files: meminfo (Linux's format, from the page allocator), uptime,
 * stats (struct kstats, one "name value" per line), version, and the file systems: mounts and
 * filesystems (Linux's formats; the root is named tmpfs, which it is: busybox's df ignores an
 * entry named "rootfs"). */
#include <kernel/gfault.h>
#include <kernel/mm/kmem.h>
#include <kernel/kstats.h>
#include <kernel/mm/oom.h>
#include <pv/time.h>
#include <lib/format.h>
#include "fs_impl.h"

int procfs_gen_meminfo(char *buf, size_t size)
{
    struct pfout o = {buf, size, 0};
    uint32_t total = page_total_count() * (PAGE_SIZE / 1024);
    uint32_t free = page_free_count() * (PAGE_SIZE / 1024);

    /* Linux pads the label to 16 columns and the number to 8. */
    pf_printf(&o, "%-16s%8u kB\n", "MemTotal:", total);
    pf_printf(&o, "%-16s%8u kB\n", "MemFree:", free);
    pf_printf(&o, "%-16s%8u kB\n", "MemAvailable:", free);
    /* No page cache, swap, shared memory or reclaimable slab: zeros, in Linux's order (busybox's
     * free wants Cached and SReclaimable beside MemAvailable, or prints the pre-3.14 layout). */
    static const char *const zeros[] = {
        "Buffers:", "Cached:", "SwapTotal:", "SwapFree:", "Shmem:", "SReclaimable:"};
    for (unsigned i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
        pf_printf(&o, "%-16s%8u kB\n", zeros[i], 0u);
    return (int)o.len;
}

/* The second number is idle time, which the scheduler does not account: always 0.00. */
int procfs_gen_uptime(char *buf, size_t size)
{
    struct pfout o = {buf, size, 0};
    uint32_t cs;
    uint64_t sec = udiv64(udiv64(clock_now(), 10000000u, NULL), 100, &cs);

    pf_printf(&o, "%llu.%02u 0.00\n", (unsigned long long)sec, cs);
    return (int)o.len;
}

int procfs_gen_stats(char *buf, size_t size)
{
    struct pfout o = {buf, size, 0};
    const struct {
        const char *name;
        uint32_t value;
    } rows[] = {
        {"syscalls", kstats.syscalls},
        {"syscalls_enosys", kstats.syscalls_enosys},
        {"page_faults", kstats.page_faults},
        {"cow_copies", kstats.cow_copies},
        {"forks", kstats.forks},
        {"execs", kstats.execs},
        {"exits", kstats.exits},
        {"ctx_switches", kstats.ctx_switches},
        {"mmu_batches", kstats.mmu_batches},
        {"mmu_batched_updates", kstats.mmu_batched_updates},
        {"procs_live", kstats.procs_live},
        {"itimer_overruns", kstats.itimer_overruns},
        {"timer_deferrals", timer_deferrals},
        {"oom_kills", oom_kills},
        {"pages_total", page_total_count()},
        {"pages_free", page_free_count()},
        {"kmalloc_free_bytes", kmalloc_free_bytes()},
        {"faults_page", gfault_injected[GFAULT_PAGE]},
        {"faults_kmalloc", gfault_injected[GFAULT_KMALLOC]},
        {"faults_lwip", gfault_injected[GFAULT_LWIP]},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        pf_printf(&o, "%s %u\n", rows[i].name, rows[i].value);
    return (int)o.len;
}

int procfs_gen_version(char *buf, size_t size)
{
    struct pfout o = {buf, size, 0};

    pf_printf(&o, "ringvisor guest kernel 0.1 (Xen 2.0 x86_32 paravirtual guest, "
                  "Linux i386 system-call ABI)\n");
    return (int)o.len;
}

int procfs_gen_mounts(char *buf, size_t size)
{
    struct pfout o = {buf, size, 0};

    pf_printf(&o, "tmpfs / tmpfs rw 0 0\n"
                  "devtmpfs /dev devtmpfs ro 0 0\n"
                  "proc /proc proc ro 0 0\n"
                  "tmpfs /dev/shm tmpfs rw 0 0\n");
    mounts_list(&o);
    return (int)(o.len < size ? o.len : size);
}

int procfs_gen_filesystems(char *buf, size_t size)
{
    return snprintf(buf, size,
                    "nodev\trootfs\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n"
                    "nodev\tpipefs\n");
}
