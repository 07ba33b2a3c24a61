/* Start of day: console, descriptor tables, paging, memory, then build and enter domain 0. */
#include "hv/arch.h"
#include "hv/boot_info.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/frame.h"
#include "hv/options.h"
#include "hv/panic.h"
#include "hv/time.h"
#include "lib/format.h"
#include "lib/string.h"

#define HV_VERSION "0.1"
#define HV_HEAP_RESERVE_FRAMES 256 /* kept back from the guest's default size: 1 MB */

struct hv_options hv_opts;
static struct boot_info boot;

static void stop(uint32_t exit_code) __attribute__((noreturn));
static void stop(uint32_t exit_code)
{
    if (hv_opts.exit_debug)
        arch_debug_exit(exit_code);
    printk("(hv) halted\n");
    arch_halt();
}

static void refuse_image(const char *why) __attribute__((noreturn));
static void refuse_image(const char *why)
{
    printk("(hv) bad guest image: %s\n", why);
    stop(HV_EXIT_BAD_IMAGE);
}

static void warn_option(const char *msg, const char *word)
{
    printk("(hv) command line: %s: '%s'\n", msg, word);
}

static void setup_memory(void)
{
    struct mem_range reserved[BOOT_MAX_MODS + 2];
    unsigned n = 0;
    uint64_t total = 0;

    reserved[n++] = (struct mem_range){0, 0x100000}; /* firmware, real-mode data, VGA */
    reserved[n++] = arch_hv_image();
    for (unsigned i = 0; i < boot.nr_mods; i++)
        reserved[n++] = (struct mem_range){boot.mods[i].start, boot.mods[i].end};
    for (unsigned i = 0; i < boot.nr_ram; i++)
        total += boot.ram[i].end - boot.ram[i].start;

    if (frame_table_init(boot.ram, boot.nr_ram, reserved, n))
        panic("no room for the frame table");
    arch_m2p_init(max_mfn);
    printk("(hv) memory: %u MB in %u ranges, %u frames free\n", (unsigned)(total >> 20),
           boot.nr_ram, frame_free_count());
}

static uint32_t guest_pages(void)
{
    uint32_t avail = frame_free_count();
    avail = avail > HV_HEAP_RESERVE_FRAMES ? avail - HV_HEAP_RESERVE_FRAMES : 0;
    if (hv_opts.mem_bytes == 0)
        return avail;
    uint64_t want = hv_opts.mem_bytes >> 12;
    if (want > avail) {
        printk("(hv) mem=%u MB is more than the %u MB free: using %u MB\n",
               (unsigned)(hv_opts.mem_bytes >> 20), avail >> 8, avail >> 8);
        return avail;
    }
    return (uint32_t)want;
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

static void build_dom0(void)
{
    struct domain *d = &dom0;
    const char *why;

    if (boot.nr_mods == 0)
        refuse_image("no guest kernel module");
    d->id = 0;
    d->image = map_module(&boot.mods[0], "guest kernel");
    d->image_len = boot.mods[0].end - boot.mods[0].start;
    if (boot.nr_mods > 1) {
        d->module = map_module(&boot.mods[1], "initramfs");
        d->module_len = boot.mods[1].end - boot.mods[1].start;
    }
    d->nr_pages = guest_pages();
    strlcpy(d->cmdline, hv_opts.guest_cmdline, sizeof(d->cmdline));
    if (arch_build_domain(d, &why))
        refuse_image(why);

    /* The modules now live in the guest's memory; their frames go back to the allocator. */
    for (unsigned i = 0; i < boot.nr_mods && i < 2; i++) {
        arch_vunmap((void *)(i == 0 ? d->image : d->module), boot.mods[i].end - boot.mods[i].start);
        frame_release(boot.mods[i].start, boot.mods[i].end);
    }
    printk("(hv) domain 0: %u pages (%u MB), entry %#x, v_start %#x, start_info %#x\n", d->nr_pages,
           d->nr_pages >> 8, d->img.entry, d->layout.v_start, d->layout.si_start);
    printk("(hv) domain 0: module %u bytes, command line '%s'\n", d->module_len, d->cmdline);
}

void hv_start(uint32_t magic, uint32_t mbi)
{
    const char *why;

    arch_serial_init();
    console_init(CONSOLE_COM1);
    arch_desc_tables_init();
    arch_paging_init();
    if (boot_info_read(magic, mbi, &boot, &why)) {
        printk("(hv) cannot start: %s\n", why);
        stop(HV_EXIT_PANIC);
    }
    cmdline_parse(boot.cmdline, &hv_opts, warn_option);
    if (!boot.text_console)
        hv_opts.console &= ~CONSOLE_VGA;
    console_init(hv_opts.console);
    printk("(hv) ringvisor %s: Xen 2.0 x86_32 paravirtual hypervisor\n", HV_VERSION);
    printk("(hv) loader: %s; command line: %s\n", boot.loader[0] ? boot.loader : "unknown",
           boot.cmdline);
    if (hv_opts.panic_test)
        arch_panic_test();
    arch_cpu_init();
    arch_time_init();
    printk("(hv) TSC %u kHz, wall clock %u s since 1970\n", arch_tsc_hz() / 1000,
           arch_rtc_seconds());
    setup_memory();
    build_dom0();
    evtchn_init(&dom0.evtchn);
    time_init_domain(&dom0);
    arch_enter_guest(&dom0);
}
