/* Start of day: console, descriptor tables, paging, memory, then build and enter domain 0. */
#include "hv/arch.h"
#include "hv/boot_info.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/fault_inject.h"
#include "hv/frame.h"
#include "hv/net.h"
#include "hv/log_limit.h"
#include "hv/options.h"
#include "hv/shutdown.h"
#include "hv/hypercall.h"
#include "hv/panic.h"
#include "hv/time.h"
#include "lib/format.h"
#include "lib/string.h"

#define HV_VERSION "0.1"
#define HV_HEAP_RESERVE_FRAMES 256 /* kept back for the hypervisor's own later use: 1 MB */

struct hv_options hv_opts;
static struct boot_info boot;

static void refuse_image(const char *why) __attribute__((noreturn));
static void refuse_image(const char *why)
{
    printk("bad guest image: %s\n", why);
    hv_end(END_BAD_IMAGE, 0);
}

static void warn_option(const char *msg, const char *word)
{
    printk("command line: %s: '%s'\n", msg, word);
}

static unsigned mb(uint64_t bytes)
{
    return (unsigned)(bytes >> 20);
}

static void setup_memory(void)
{
    struct mem_range reserved[BOOT_MAX_MODS + 2 + BOOT_MAX_RESERVED];
    unsigned n = 0;
    uint64_t total = 0;

    reserved[n++] = (struct mem_range){0, 0x100000}; /* firmware, real-mode data, VGA */
    reserved[n++] = arch_hv_image();
    for (unsigned i = 0; i < boot.nr_mods; i++)
        reserved[n++] = (struct mem_range){boot.mods[i].start, boot.mods[i].end};
    for (unsigned i = 0; i < boot.nr_reserved; i++)
        reserved[n++] = boot.reserved[i];
    for (unsigned i = 0; i < boot.nr_ram; i++)
        total += boot.ram[i].end - boot.ram[i].start;

    if (boot.ram_above_4g)
        printk("memory above 4 GB ignored (no PAE): %u MB\n", mb(boot.ram_above_4g));
    if (boot.ranges_dropped)
        printk("memory map: %u entries beyond the first %u RAM and %u reserved ignored\n",
               boot.ranges_dropped, BOOT_MAX_RAM, BOOT_MAX_RESERVED);
    if (frame_table_init(boot.ram, boot.nr_ram, reserved, n)) {
        printk("cannot start: no room for the frame table (%u KB) in the hypervisor's "
               "direct-mapped low memory beside the boot modules\n",
               (unsigned)(frame_table_bytes(max_mfn) >> 10));
        hv_end(END_NO_MEMORY, 0);
    }
    arch_m2p_init(max_mfn);
    printk("memory: %u MB usable below 4 GB in %u ranges, %u frames free\n", mb(total), boot.nr_ram,
           frame_free_count());
}

static void *map_module(const struct boot_module *m, const char *what)
{
    static char why[80];
    uint32_t len = m->end - m->start;
    if (len == 0) {
        snprintf(why, sizeof(why), "the %s module is empty", what);
        refuse_image(why);
    }
    void *p = arch_vmap(m->start, len);
    if (p == 0) {
        snprintf(why, sizeof(why), "the %s module (%u bytes) is too large to map", what, len);
        refuse_image(why);
    }
    return p;
}

static void too_little_memory(const char *what, uint32_t have, uint32_t need)
    __attribute__((noreturn));
static void too_little_memory(const char *what, uint32_t have, uint32_t need)
{
    printk("not enough memory for domain 0: %s %u pages (%u KB); its kernel, initramfs and "
           "boot page tables alone need %u pages (%u KB)%s\n",
           what, have, have * 4, need, need * 4,
           hv_opts.mem_bytes ? "; raise mem=" : "; give the machine more memory");
    hv_end(END_NO_MEMORY, 0);
}

/*
 * The guest's size: mem= when given, else all it can use. That is what the free frames still
 * hold once the hypervisor's share is counted (the P2M list, shared_info and a reserve for its
 * own heap), capped at what a guest can direct-map below the hypervisor hole.
 */
static uint32_t guest_pages(const struct domain *d)
{
    uint32_t fit = dom_pages_fitting(frame_free_count(), HV_HEAP_RESERVE_FRAMES);
    uint32_t cap = dom_directmap_pages(d->img.v_start), n = fit < cap ? fit : cap;
    uint32_t need = dom_layout_min_pages(d->img.v_start, d->img.v_kend, d->module_len);

    if (hv_opts.mem_bytes) {
        uint64_t want = hv_opts.mem_bytes >> 12;
        if (want > n)
            printk("mem=%u MB is more than %s (%u MB): using %u MB\n", mb(hv_opts.mem_bytes),
                   fit < cap ? "the memory free" : "a guest can direct-map below 0xfc000000",
                   n >> 8, n >> 8);
        else
            n = (uint32_t)want;
        if (n < need)
            too_little_memory(want > n ? "the machine has room for" : "mem= gives it", n, need);
    } else if (n < need) {
        too_little_memory("the machine has room for", n, need);
    } else if (cap < fit) {
        printk("domain 0: %u MB of RAM left to the hypervisor: a guest at %#x direct-maps "
               "at most %u MB\n",
               (fit - cap) >> 8, d->img.v_start, cap >> 8);
    }
    return n;
}

#define GUEST_KSYMS_MAX_FRAMES 32 /* a larger table is left out: the reports go without names */

/* Keep the guest's symbol table (the image itself goes back to the allocator). */
static void keep_guest_ksyms(struct domain *d)
{
    uint32_t frames = (d->img.ksyms_len + 4095) / 4096, first;
    if (frames == 0 || frames > GUEST_KSYMS_MAX_FRAMES || !(first = frame_alloc_hv_contig(frames)))
        return;
    memcpy(arch_directmap(first), d->image + d->img.ksyms_off, d->img.ksyms_len);
    d->ksyms = arch_directmap(first);
    d->ksyms_len = d->img.ksyms_len;
}

static void build_dom0(void)
{
    struct domain *d = &dom0;
    const char *why;

    if (boot.nr_mods == 0)
        refuse_image("no guest kernel module");
    d->id = DOM0_ID;
    d->image = map_module(&boot.mods[0], "guest kernel");
    d->image_len = boot.mods[0].end - boot.mods[0].start;
    if (boot.nr_mods > 1) {
        d->module = map_module(&boot.mods[1], "initramfs");
        d->module_len = boot.mods[1].end - boot.mods[1].start;
    }
    if (guest_image_parse(d->image, d->image_len, &d->img, &why))
        refuse_image(why);
    d->nr_pages = guest_pages(d);
    keep_guest_ksyms(d);
    strlcpy(d->cmdline, hv_opts.guest_cmdline, sizeof(d->cmdline));
    if (arch_build_domain(d, hv_opts.scrub, &why)) {
        printk("cannot build domain 0: %s\n", why);
        hv_end(END_NO_MEMORY, 0);
    }

    /* The modules now live in the guest's memory; their frames go back to the allocator. */
    for (unsigned i = 0; i < boot.nr_mods && i < 2; i++) {
        arch_vunmap((void *)(i == 0 ? d->image : d->module), boot.mods[i].end - boot.mods[i].start);
        frame_release(boot.mods[i].start, boot.mods[i].end);
    }
    printk("domain 0: %u pages (%u MB), entry %#x, v_start %#x, start_info %#x\n", d->nr_pages,
           d->nr_pages >> 8, d->img.entry, d->layout.v_start, d->layout.si_start);
    printk("domain 0: module %u bytes, command line '%s'\n", d->module_len, d->cmdline);
    if (hv_opts.scrub == SCRUB_ALL)
        printk("domain 0: all %u pages zeroed (scrub=all)\n", d->nr_pages);
    else
        printk("domain 0: %u boot pages zeroed, the other %u %s\n", d->layout.nr_boot_pages,
               d->nr_pages - d->layout.nr_boot_pages,
               hv_opts.scrub == SCRUB_POISON ? "filled with 0xa5 bytes (scrub=poison)"
                                             : "as the machine left them (scrub=boot)");
}

/* "2026-12-02 17:49:44 UTC" from seconds since 1970 (days to a civil date, proleptic Gregorian). */
static void format_utc(char *buf, size_t size, uint32_t secs)
{
    uint32_t days = secs / 86400, rem = secs % 86400;
    uint32_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    uint32_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    uint32_t year = yoe + era * 400 + (month <= 2);
    snprintf(buf, size, "%04u-%02u-%02u %02u:%02u:%02u UTC", year, month, day, rem / 3600,
             rem / 60 % 60, rem % 60);
}

void hv_start(uint32_t magic, uint32_t mbi)
{
    const char *why;

    cmdline_parse(0, &hv_opts, 0); /* the defaults, for an end before the command line is read */
    arch_serial_init();
    console_init(CONSOLE_COM1, 0);
    arch_desc_tables_init();
    arch_paging_init();
    if (boot_info_read(magic, mbi, &boot, &why)) {
        printk("cannot start: %s\n", why);
        hv_end(END_PANIC, 0);
    }
    cmdline_parse(boot.cmdline, &hv_opts, warn_option);
    if (!boot.text_console && !boot.has_fb)
        hv_opts.console &= ~CONSOLE_VGA; /* a framebuffer we cannot draw on: serial only */
    console_init(hv_opts.console, boot.has_fb ? &boot.fb : 0);
    printk("ringvisor %s: Xen 2.0 x86_32 paravirtual hypervisor\n", HV_VERSION);
    printk("loader: %s; command line: %s\n", boot.loader[0] ? boot.loader : "unknown",
           boot.cmdline);
    if (boot.has_fb)
        printk("screen: %ux%u framebuffer, %u bits per pixel: %s\n", boot.fb.width, boot.fb.height,
               boot.fb.bpp,
               console_on_fb() ? "text console drawn on it"
                               : "not used (console=com1, or unusable)");
    if (hv_opts.panic_test)
        arch_panic_test();
    arch_cpu_init();
    arch_time_init();
    char date[32];
    format_utc(date, sizeof(date), arch_rtc_seconds());
    printk("TSC %u kHz, wall clock %s\n", arch_tsc_hz() / 1000, date);
    log_limit_burst = hv_opts.refusal_log;
    if (hv_opts.clock_check)
        clock_check(hv_opts.clock_check);
    fault_setup(hv_opts.fault_rate, hv_opts.fault_seed);
    if (fault_enabled())
        printk("fault injection: net_tx %u.%02u%%, net_rx %u.%02u%%, timer %u.%02u%%, "
               "evtchn %u.%02u%%, faultseed=%llu\n",
               hv_opts.fault_rate[0] / 100, hv_opts.fault_rate[0] % 100,
               hv_opts.fault_rate[1] / 100, hv_opts.fault_rate[1] % 100,
               hv_opts.fault_rate[2] / 100, hv_opts.fault_rate[2] % 100,
               hv_opts.fault_rate[3] / 100, hv_opts.fault_rate[3] % 100,
               (unsigned long long)hv_opts.fault_seed);
    hypercall_table_check();
    setup_memory();
    net_init(); /* before the guest takes the free memory: the drivers' DMA buffers */
    build_dom0();
    evtchn_init(&dom0.evtchn);
    time_init_domain(&dom0);
    arch_enter_guest(&dom0);
}
