/*
 * The end of the machine. Whatever ends it, the console says what happens next, and nothing
 * waits for a person at a keyboard:
 *  - a guest poweroff powers off (ACPI), a guest reboot resets;
 *  - a failure (guest crash, suspend, a nonzero exit status, a refused image, too little
 *    memory, a hypervisor panic) first leaves QEMU through isa-debug-exit with a status that
 *    says which (exit=auto under QEMU, or exit=debug), otherwise does what oncrash= says after
 *    crashdelay= seconds: reboot (default, like Linux's panic=10), power off, or halt.
 * exit=debug sends every end through isa-debug-exit (the test scenarios rely on it).
 */
#include "hv/shutdown.h"
#include "hv/arch.h"
#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/options.h"

unsigned hv_exit_code(enum hv_end e, unsigned status)
{
    switch (e) {
    case END_POWEROFF:
        if (status == 0)
            return 0;
        return HV_EXIT_STATUS_BASE + (status > HV_EXIT_STATUS_MAX ? HV_EXIT_STATUS_MAX : status);
    case END_REBOOT:
        return 1;
    case END_SUSPEND:
        return 2;
    case END_CRASH:
        return 3;
    case END_BAD_IMAGE:
        return HV_EXIT_BAD_IMAGE;
    case END_NO_MEMORY:
        return HV_EXIT_NO_MEMORY;
    case END_PANIC:
    default:
        return HV_EXIT_PANIC;
    }
}

static int is_failure(enum hv_end e, unsigned status)
{
    return e == END_POWEROFF ? status != 0 : e != END_REBOOT;
}

int hv_exit_via_debug(enum hv_end e, unsigned status, int exit_mode, int under_qemu)
{
    if (exit_mode == EXIT_DEBUG)
        return 1;
    return exit_mode == EXIT_AUTO && under_qemu && is_failure(e, status);
}

static void wait_then(const char *what)
{
    if (hv_opts.crash_delay == 0) {
        printk("%s (oncrash=%s)\n", what,
               hv_opts.on_crash == ON_CRASH_POWEROFF ? "poweroff" : "reboot");
        return;
    }
    printk("%s in %u s (oncrash=%s, crashdelay=%u)\n", what, hv_opts.crash_delay,
           hv_opts.on_crash == ON_CRASH_POWEROFF ? "poweroff" : "reboot", hv_opts.crash_delay);
    arch_delay_ms(hv_opts.crash_delay * 1000u);
}

void hv_end(enum hv_end e, unsigned status)
{
    if (hv_exit_via_debug(e, status, hv_opts.exit, arch_under_qemu()))
        arch_debug_exit(hv_exit_code(e, status)); /* returns only when the device is absent */
    if (e == END_REBOOT) {
        printk("rebooting\n");
        arch_reboot();
    } else if (e == END_POWEROFF) { /* whatever the status: it is on the console */
        printk("powering off\n");
        arch_poweroff();
    } else if (hv_opts.on_crash == ON_CRASH_REBOOT) {
        wait_then("rebooting");
        arch_reboot();
    } else if (hv_opts.on_crash == ON_CRASH_POWEROFF) {
        wait_then("powering off");
        arch_poweroff();
    }
    printk("halted%s\n", hv_opts.on_crash == ON_CRASH_HALT ? " (oncrash=halt)" : "");
    arch_halt();
}
