/* Guest kernel entry: report what the domain builder handed over (start_info, module,
 * command line) and map shared_info. Then either run the self-test the command line asks for
 * (on the bootstrap mappings, as those tests were written) and shut down, or start the kernel
 * proper: the direct map, the file system from the initramfs, and the first process. */
#include <stdint.h>
#include <guest/console.h>
#include <guest/console_in.h>
#include <guest/fault.h>
#include <guest/fs.h>
#include <guest/page.h>
#include <guest/physmap.h>
#include <guest/proc.h>
#include <guest/procs.h>
#include <guest/event_tests.h>
#include <guest/fasttrap_ctl.h>
#include <guest/events.h>
#include <guest/gdt.h>
#include <guest/hypercall.h>
#include <guest/initramfs.h>
#include <guest/mmu.h>
#include <guest/sched.h>
#include <guest/selftest.h>
#include <guest/trap_tests.h>
#include <guest/time.h>
#include <guest/traps.h>
#include <guest/user_frame.h>
#include <guest/user.h>
#include <lib/string.h>
#include <public/xen.h>
#include <lib/errno_names.h>

void start_kernel(start_info_t *si);

#define INIT_ARGS_MAX 32
#define DEFAULT_INIT "/sbin/init"

/* The shared_info mapping uses PTE_P | PTE_RW (guest/mmu.h): supervisor only. */

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
    uint32_t shutdown;  /* SHUTDOWN_* */
    int shutdown_given; /* shutdown=: the boot test (banner, then shut down) */
    int test_hypercalls;
    int test_fault;
    const char *test_mmu; /* "mmu", "mmu-attacks", "mmu-stress" */
    int bench_mmu;
    int fast_trap;          /* fasttrap=on|off, default on */
    int demo;               /* demo: /proc/sys/ringvisor/fasttrap writable from ring 3 */
    int bug_test;           /* bug=test: a kernel bug on purpose, to see its report */
    const char *test_traps; /* "fastpath", "exceptions", "refusals", "failsafe-fs", "badstack",
                              "seglimits" */
    int bench_syscall;
    const char *test_events; /* "time", "events", "preempt", "console", "idle" */
    int bench_events;
    char *init_argv[INIT_ARGS_MAX + 1]; /* init=PATH ARG...: the rest of the command line */
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
    } else if (strcmp(w, "test=hypercalls") == 0) {
        o->test_hypercalls = 1;
        return;
    } else if (strcmp(w, "test=fault") == 0) {
        o->test_fault = 1;
        return;
    } else if (strncmp(w, "test=mmu", 8) == 0) {
        o->test_mmu = w + 5;
        return;
    } else if (strcmp(w, "bench=mmu") == 0) {
        o->bench_mmu = 1;
        return;
    } else if (strcmp(w, "test=fastpath") == 0 || strcmp(w, "test=exceptions") == 0 ||
               strcmp(w, "test=refusals") == 0 || strcmp(w, "test=badstack") == 0 ||
               strcmp(w, "test=failsafe-fs") == 0 || strcmp(w, "test=seglimits") == 0) {
        o->test_traps = w + 5;
        return;
    } else if (strcmp(w, "test=time") == 0 || strcmp(w, "test=events") == 0 ||
               strcmp(w, "test=preempt") == 0 || strcmp(w, "test=console") == 0 ||
               strcmp(w, "test=idle") == 0) {
        o->test_events = w + 5;
        return;
    } else if (strcmp(w, "bench=events") == 0) {
        o->bench_events = 1;
        return;
    } else if (strcmp(w, "bench=syscall") == 0) {
        o->bench_syscall = 1;
        return;
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
    } else if (strcmp(w, "demo") == 0) {
        o->demo = 1;
        return;
    } else if (strcmp(w, "bug=test") == 0) {
        o->bug_test = 1;
        return;
    } else if (strcmp(w, "framecheck=off") == 0) {
        user_frame_checks = 0; /* a test of the exception-table path (kernel/user_frame.c) */
        printk("framecheck=off: ring-3 frames are not checked before their iret\n");
        return;
    }
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

static void test_fault(void)
{
    printk("test=fault: touching unmapped 0x1000\n");
    (void)*(volatile uint32_t *)0x1000;
    printk("test=fault: error: the access did not fault\n");
    shutdown(SHUTDOWN_crash);
}

/* Trap table and callbacks, our own GDT, ring 3 and the system-call path. */
static void init_traps(const start_info_t *si, const struct options *o)
{
    int rc;

    traps_init(shared_info);
    if (gdt_init(si) || user_init(si))
        shutdown(SHUTDOWN_crash);
    rc = user_fast_trap(o->fast_trap);
    printk("traps: trap table and callbacks registered, system calls at int $%#x, fast trap %s\n",
           TRAP_SYSCALL,
           rc             ? "refused"
           : o->fast_trap ? "on"
                          : "off");
}

static void run_trap_tests(const start_info_t *si, const struct options *o)
{
    const char *t = o->test_traps;

    if (t && strcmp(t, "fastpath") == 0)
        test_fastpath(o->fast_trap);
    else if (t && strcmp(t, "exceptions") == 0)
        test_exceptions(si);
    else if (t && strcmp(t, "refusals") == 0)
        test_refusals(si);
    else if (t && strcmp(t, "failsafe-fs") == 0)
        test_failsafe_fs();
    else if (t && strcmp(t, "badstack") == 0)
        test_badstack();
    else if (t && strcmp(t, "seglimits") == 0)
        test_seglimits();
    if (o->bench_syscall)
        bench_syscall();
}

/* Events, timers and tasks: only for the modes that use them, so the older tests still run
 * with upcalls masked throughout, as they were written. */
static void run_event_tests(const struct options *o)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } modes[] = {{"time", test_time},
                 {"events", test_events},
                 {"preempt", test_preempt},
                 {"console", test_console},
                 {"idle", test_idle}};

    if (!o->test_events && !o->bench_events)
        return;
    events_init();
    timers_init();
    sched_init();
    for (unsigned i = 0; o->test_events && i < sizeof(modes) / sizeof(modes[0]); i++)
        if (strcmp(o->test_events, modes[i].name) == 0)
            modes[i].fn();
    if (o->bench_events)
        bench_events();
    evt_disable();
}

static int self_test_mode(const struct options *o)
{
    return o->shutdown_given || o->test_hypercalls || o->test_mmu || o->bench_mmu ||
           o->test_traps || o->bench_syscall || o->test_events || o->bench_events;
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
    traps_init(shared_info);
    if (gdt_init(si) || HYPERVISOR_set_trap_table(syscall_trap))
        shutdown(SHUTDOWN_crash);
    int rc = o->fast_trap ? HYPERVISOR_set_fast_trap(TRAP_SYSCALL) : 0;
    printk("system calls: Linux i386 at int $%#x, %s\n", TRAP_SYSCALL,
           rc             ? "fast trap refused: bounced"
           : o->fast_trap ? "fast trap"
                          : "bounced (fasttrap=off)");
    events_init();
    timers_init();
    sched_init();
    console_in_init();
    if (fs_init((const void *)si->mod_start, si->mod_len))
        shutdown(SHUTDOWN_crash);
    proc_pid_init();
    klog_start();
    fasttrap_ctl_init(o->fast_trap && rc == 0, o->demo);
    procs_running = 1;
    if (o->bug_test) { /* what a kernel bug reports: registers and a named backtrace */
        printk("bug=test: writing to address 0 in ring 1\n");
        // cppcheck-suppress nullPointer
        *(volatile uint32_t *)0 = 0;
    }
    char *const *argv = o->init_argv[0] ? o->init_argv : default_argv;
    proc_start_init(argv[0], argv);
    /* This task has nothing more to do; the scheduler idles the CPU when nothing runs. */
    evt_disable();
    for (;;)
        sched_block();
}

void start_kernel(start_info_t *si)
{
    static char cmdline[MAX_GUEST_CMDLINE];
    struct options opt = {.shutdown = SHUTDOWN_poweroff, .fast_trap = 1};
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
    if (opt.test_fault)
        test_fault(); /* before the trap table: the hypervisor must deal with it */
    if (!self_test_mode(&opt))
        run_kernel(si, &opt);
    init_traps(si, &opt);
    if (opt.test_hypercalls)
        selftest_hypercalls(si, shared_info_page);
    if (opt.test_mmu)
        mmu_tests(si, opt.test_mmu);
    if (opt.bench_mmu)
        mmu_bench(si);
    run_trap_tests(si, &opt);
    run_event_tests(&opt);
    shutdown(opt.shutdown);
}
