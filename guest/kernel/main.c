/* Guest kernel entry: report what the domain builder handed over (start_info, module,
 * command line) and map shared_info. Then either run the self-test the command line asks for
 * (guest/selftest/, found in the table kernel/selftest_table.h) and shut down, or start the
 * kernel proper: the direct map, the file system from the initramfs, and the first process. */
#include <stdint.h>
#include <pv/console.h>
#include <pv/console_in.h>
#include <arch/x86/fault.h>
#include <kernel/fs/fs.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <kernel/proc.h>
#include <kernel/procs.h>
#include <kernel/random.h>
#include <pv/fasttrap_ctl.h>
#include <pv/events.h>
#include <arch/x86/gdt.h>
#include <pv/hypercall.h>
#include <kernel/gfault.h>
#include <kernel/initramfs.h>
#include <pv/mmu.h>
#include <kernel/sched.h>
#include <kernel/selftest_table.h>
#include <net/net.h>
#include <pv/time.h>
#include <arch/x86/traps.h>
#include <arch/x86/user_frame.h>
#include <lib/format.h>
#include <lib/string.h>
#include <public/xen.h>
#include <lib/errno_names.h>

void start_kernel(start_info_t *si);

/* Absent from a kernel built without self-tests (kernel/selftest_table.h). */
#pragma weak selftest_run

#define INIT_ARGS_MAX 32
#define DEFAULT_INIT "/sbin/init"

/* The shared_info mapping uses PTE_P | PTE_RW (pv/mmu.h): supervisor only. */

uint8_t shared_info_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
static volatile shared_info_t *shared_info;

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff",
    [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend",
    [SHUTDOWN_crash] = "crash",
};
#define NR_SHUTDOWN_REASONS (sizeof(shutdown_names) / sizeof(shutdown_names[0]))

struct options {
    uint32_t shutdown;           /* SHUTDOWN_* */
    int shutdown_given;          /* shutdown=: the boot test (banner, then shut down) */
    const struct selftest *test; /* test=NAME or bench=NAME, when the table has it */
    const char *test_word;
    int fast_trap; /* fasttrap=on|off, default on */
    int demo;      /* demo: /proc/sys/ringvisor/fasttrap writable from ring 3 */
    int bug_test;  /* bug=test: a kernel bug on purpose, to see its report */
    char *init_argv[INIT_ARGS_MAX + 1];  /* init=PATH ARG...: the rest of the command line */
    uint16_t gfault_rate[GFAULT_POINTS]; /* gfaults=page:N%,...: hundredths of a percent; 0 */
    uint64_t gfault_seed;                /* gfaultseed=<n>: 1 */
};

static __attribute__((noreturn)) void shutdown(uint32_t reason)
{
    int rc;

    printk("shutting down: %s\n", shutdown_names[reason]);
    rc = HYPERVISOR_shutdown(reason);
    printk("error: sched_op(shutdown, %s) returned %s\n", shutdown_names[reason], errno_name(rc));
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block);
}

static unsigned current_ring(void)
{
    uint16_t cs;

    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3u;
}

static void report_module(const start_info_t *si)
{
    const void *mod = (const void *)(uintptr_t)si->mod_start;
    size_t bad_off = 0;
    int n;

    if (si->mod_start == 0 || si->mod_len == 0) {
        printk("module: none\n");
        return;
    }
    printk("module: %#x, %u bytes\n", si->mod_start, si->mod_len);
    if (!cpio_is_newc(mod, si->mod_len))
        return;
    n = cpio_walk(mod, si->mod_len, NULL, NULL, &bad_off);
    if (n < 0)
        printk("initramfs: corrupt cpio archive at offset %zu\n", bad_off);
    else
        printk("initramfs: cpio newc, %d entries\n", n);
}

static void map_shared_info(const start_info_t *si)
{
    uint32_t va = (uint32_t)(uintptr_t)shared_info_page;
    int rc = HYPERVISOR_update_va_mapping(va >> XEN_PAGE_SHIFT, si->shared_info | PTE_P | PTE_RW,
                                          UVMF_INVLPG);

    if (rc < 0) {
        printk("error: cannot map shared_info (machine %#x) at %#x: %s\n", si->shared_info, va,
               errno_name(rc));
        shutdown(SHUTDOWN_crash);
    }
    shared_info = (volatile shared_info_t *)shared_info_page;
    printk("shared_info mapped at %#x, upcall_mask=%u\n", va, shared_info->evtchn_upcall_mask);
}

static void parse_option(struct options *o, const char *w)
{
    if (strncmp(w, "shutdown=", 9) == 0) {
        for (uint32_t r = 0; r < NR_SHUTDOWN_REASONS; r++) {
            if (strcmp(w + 9, shutdown_names[r]) == 0) {
                o->shutdown = r;
                o->shutdown_given = 1;
                return;
            }
        }
    } else if (strncmp(w, "test=", 5) == 0 || strncmp(w, "bench=", 6) == 0) {
        const struct selftest *t = selftest_find(w);

        if (t) {
            o->test = t;
            o->test_word = w;
            return;
        }
    } else if (strcmp(w, "fasttrap=on") == 0 || strcmp(w, "fasttrap=off") == 0) {
        o->fast_trap = w[10] == 'n';
        return;
    } else if (strncmp(w, "ttysize=", 8) == 0) {
        unsigned cols = 0, rows = 0;
        const char *p = w + 8;

        while (*p >= '0' && *p <= '9' && cols <= 1000)
            cols = cols * 10 + (unsigned)(*p++ - '0');
        if (*p++ == 'x')
            while (*p >= '0' && *p <= '9' && rows <= 1000)
                rows = rows * 10 + (unsigned)(*p++ - '0');
        if (*p || cols == 0 || rows == 0 || cols > 1000 || rows > 1000)
            printk("bad ttysize= value (COLSxROWS, 1 to 1000 each): '%s'\n", w);
        else
            tty_set_default_size(cols, rows);
        return;
    } else if (strncmp(w, "gfaults=", 8) == 0) {
        if (gfault_parse_rates(w + 8, o->gfault_rate))
            printk("bad gfaults= value (page, kmalloc, lwip as name:N%%, each once, N from 0 to "
                   "100, two decimals): '%s'\n",
                   w);
        else
            gfault_given = 1;
        return;
    } else if (strncmp(w, "gfaultseed=", 11) == 0) {
        if (gfault_parse_seed(w + 11, &o->gfault_seed))
            printk("bad gfaultseed= value (a number above 0): '%s'\n", w);
        return;
    } else if (strcmp(w, "demo") == 0) {
        o->demo = 1;
        return;
    } else if (strcmp(w, "bug=test") == 0) {
        o->bug_test = 1;
        return;
    } else if (strcmp(w, "framecheck=off") == 0) {
        user_frame_checks = 0; /* a test of the exception-table path (arch/x86/user_frame.c) */
        printk("framecheck=off: ring-3 frames are not checked before their iret\n");
        return;
    }
    if (net_option(w))
        return;
    printk("unknown option '%s'\n", w);
}

/* The next word at *pp, its quotes removed in place (NULL at the end): double- or single-quoted
 * parts keep their blanks (and the other quote), as a shell does; Linux's own parser knows only
 * double quotes. An unterminated quote runs to the end of the line, and is reported. */
static char *next_word(char **pp)
{
    char *p = *pp, *w, *out, *end;
    char quote = 0;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == 0)
        return NULL;
    w = out = p;
    for (; *p; p++) {
        if (quote && *p == quote) {
            quote = 0;
            continue;
        }
        if (!quote && (*p == '"' || *p == '\'')) {
            quote = *p;
            continue;
        }
        if (!quote && (*p == ' ' || *p == '\t'))
            break;
        *out++ = *p;
    }
    if (quote)
        printk("command line: unterminated %c quote: the word runs to the end\n", quote);
    end = p;
    *pp = *end ? end + 1 : end;
    *out = 0;
    return w;
}

/* Split the command line (a private copy, NUL-terminated) into words (next_word). The word
 * init=PATH makes PATH and every word after it the first program's argv. */
static void parse_cmdline(struct options *o, char *line)
{
    char *p = line, *w;
    unsigned argc = 0;

    while ((w = next_word(&p))) {
        if (argc == 0 && strncmp(w, "init=", 5) == 0 && w[5])
            o->init_argv[argc++] = w + 5;
        else if (argc > 0 && argc < INIT_ARGS_MAX)
            o->init_argv[argc++] = w;
        else if (argc > 0)
            printk("init: more than %u arguments, '%s' dropped\n", INIT_ARGS_MAX, w);
        else
            parse_option(o, w);
    }
}

/* gfaults=: on from here (the boot's own allocations are done), said once. */
static void gfault_start(const struct options *o)
{
    char line[128];
    int n = 0;

    gfault_setup(o->gfault_rate, o->gfault_seed);
    if (!gfault_on)
        return;
    for (unsigned i = 0; i < GFAULT_POINTS; i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, "%s %s %u.%02u%%", i ? "," : "",
                      gfault_point_names[i], o->gfault_rate[i] / 100u, o->gfault_rate[i] % 100u);
    printk("fault injection:%s, gfaultseed=%u\n", line, (unsigned)o->gfault_seed);
}

/* The kernel proper: processes from the initramfs, system calls at int $0x80. */
static void run_kernel(const start_info_t *si, const struct options *o)
{
    extern char linux_syscall_entry[];
    const trap_info_t syscall_trap[] = {
        {TRAP_SYSCALL, 3, FLAT_RING1_CS, (uint32_t)linux_syscall_entry}, {0, 0, 0, 0}};
    static char default_init[] = DEFAULT_INIT;
    char *const default_argv[] = {default_init, 0};

    if (physmap_init(si))
        shutdown(SHUTDOWN_crash);
    page_alloc_init();
    traps_init();
    if (gdt_init(si) || HYPERVISOR_set_trap_table(syscall_trap))
        shutdown(SHUTDOWN_crash);
    int rc = o->fast_trap ? HYPERVISOR_set_fast_trap(TRAP_SYSCALL) : 0;
    printk("system calls: Linux i386 at int $%#x, %s\n", TRAP_SYSCALL,
           rc             ? "fast trap refused: bounced"
           : o->fast_trap ? "fast trap"
                          : "bounced (fasttrap=off)");
    events_init();
    timers_init();
    random_init();
    sched_init();
    console_in_init();
    if (fs_init((const void *)si->mod_start, si->mod_len))
        shutdown(SHUTDOWN_crash);
    proc_pid_init();
    klog_start();
    fasttrap_ctl_init(o->fast_trap && rc == 0, o->demo);
    net_init();
    procs_running = 1;
    if (o->bug_test) { /* what a kernel bug reports: registers and a named backtrace */
        printk("bug=test: writing to address 0 in ring 1\n");
        // cppcheck-suppress nullPointer
        *(volatile uint32_t *)0 = 0;
    }
    char *const *argv = o->init_argv[0] ? o->init_argv : default_argv;
    gfault_start(o);
    proc_start_init(argv[0], argv);
    /* This task has nothing more to do; the scheduler idles the CPU when nothing runs. */
    evt_disable();
    for (;;)
        sched_block();
}

void start_kernel(start_info_t *si)
{
    static char cmdline[MAX_GUEST_CMDLINE];
    struct options opt = {.shutdown = SHUTDOWN_poweroff, .fast_trap = 1, .gfault_seed = 1};
    int ver = HYPERVISOR_xen_version(XENVER_version);

    printk("ringvisor guest kernel, ring %u, Xen ABI version %d.%d\n", current_ring(),
           (int)((uint32_t)ver >> 16), ver & 0xffff);
    printk("start_info: nr_pages=%u shared_info=%#x flags=%#x pt_base=%#x nr_pt_frames=%u "
           "mfn_list=%#x\n",
           si->nr_pages, si->shared_info, si->flags, si->pt_base, si->nr_pt_frames, si->mfn_list);
    report_module(si);

    memcpy(cmdline, si->cmd_line, sizeof(cmdline));
    cmdline[sizeof(cmdline) - 1] = 0;
    printk("command line: '%s'\n", cmdline);
    if (strlen(cmdline) == sizeof(cmdline) - 1)
        printk("command line: %u bytes, the most start_info carries: it may have been cut\n",
               (unsigned)sizeof(cmdline) - 1);

    map_shared_info(si);

    parse_cmdline(&opt, cmdline);
    if (opt.test) {
        const struct selftest_env env = {si, opt.test_word, opt.fast_trap};

        selftest_run(opt.test, &env);
    }
    if (opt.test || opt.shutdown_given)
        shutdown(opt.shutdown);
    run_kernel(si, &opt);
}
