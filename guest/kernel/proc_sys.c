/* /proc/loadavg and /proc/cpuinfo in Linux's formats. The scheduler keeps no load average, so
 * its three figures are 0.00; the counts of runnable and all processes and the last pid are
 * real. cpuinfo describes the one CPU from CPUID. */
#include <stdarg.h>
#include <kernel/fs/fs.h>
#include <kernel/procs.h>
#include <lib/format.h>
#include <lib/string.h>

static int gen_loadavg(char *buf, size_t size)
{
    unsigned running = 0, all = 0;

    for (struct proc *p = procs_first(); p; p = procs_next(p)) {
        all++;
        running += !p->zombie && (p == current_proc() || p->task->state == TASK_RUNNABLE);
    }
    return snprintf(buf, size, "0.00 0.00 0.00 %u/%u %d\n", running, all, proc_last_pid());
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* Linux's names of CPUID.1 EDX and ECX bits (NULL: not shown). */
static const char *const edx_flags[32] = {
    "fpu",  "vme",  "de",   "pse", "tsc",  "msr", "pae",   "mce", "cx8",     "apic", "",
    "sep",  "mtrr", "pge",  "mca", "cmov", "pat", "pse36", "pn",  "clflush", "",     "dts",
    "acpi", "mmx",  "fxsr", "sse", "sse2", "ss",  "ht",    "tm",  "ia64",    "pbe"};
static const char *const ecx_flags[32] = {
    "pni",    "pclmulqdq", "dtes64", "monitor", "ds_cpl",
    "vmx",    "smx",       "est",    "tm2",     "ssse3",
    "cid",    "sdbg",      "fma",    "cx16",    "xtpr",
    "pdcm",   "",          "pcid",   "dca",     "sse4_1",
    "sse4_2", "x2apic",    "movbe",  "popcnt",  "tsc_deadline_timer",
    "aes",    "xsave",     "",       "avx",     "f16c",
    "rdrand", "hypervisor"};

static int gen_cpuinfo(char *buf, size_t size)
{
    uint32_t r[4], vendor[4] = {0}, name[13] = {0}, family, model, level;
    size_t len;

    cpuid(0, r);
    level = r[0];
    vendor[0] = r[1], vendor[1] = r[3], vendor[2] = r[2];
    cpuid(0x80000000u, r);
    if (r[0] >= 0x80000004u)
        for (uint32_t i = 0; i < 3; i++)
            cpuid(0x80000002u + i, name + 4 * i);
    cpuid(1, r);
    family = (r[0] >> 8) & 0xf;
    model = (r[0] >> 4) & 0xf;
    if (family == 0xf)
        family += (r[0] >> 20) & 0xff;
    if (family >= 6)
        model |= ((r[0] >> 16) & 0xf) << 4;
    len = (size_t)snprintf(buf, size,
                           "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
                           "model name\t: %s\nstepping\t: %u\nfpu\t\t: %s\ncpuid level\t: %u\n"
                           "flags\t\t:",
                           (const char *)vendor, family, model,
                           name[0] ? (const char *)name : "unknown", r[0] & 0xf,
                           (r[3] & 1) ? "yes" : "no", level);
    for (int i = 0; i < 64; i++) {
        const char *f = i < 32 ? edx_flags[i] : ecx_flags[i - 32];
        uint32_t bits = i < 32 ? r[3] : r[2];

        if (f && *f && (bits >> (i % 32) & 1))
            len += (size_t)snprintf(buf + (len < size ? len : size), len < size ? size - len : 0,
                                    " %s", f);
    }
    len += (size_t)snprintf(buf + (len < size ? len : size), len < size ? size - len : 0, "\n\n");
    return (int)len;
}

static const struct procfs_entry sys_files[] = {
    {.name = "loadavg", .gen = gen_loadavg},
    {.name = "cpuinfo", .gen = gen_cpuinfo},
};

void proc_sys_init(void)
{
    for (unsigned i = 0; i < sizeof(sys_files) / sizeof(sys_files[0]); i++)
        procfs_register(&sys_files[i]);
}
