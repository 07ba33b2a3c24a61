/* Unit tests for core/shutdown.c: the isa-debug-exit value of each end, and which ends leave
 * through isa-debug-exit under exit=auto|debug|none (only failures, only under QEMU, for auto). */
#include <stdarg.h>
#include <stdint.h>

#include "harness.h"
#include "hv/arch.h"
#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/options.h"
#include "hv/shutdown.h"

/* What hv_end needs from the rest of the hypervisor; none of it runs here. */
struct hv_options hv_opts;
void printk(const char *fmt, ...)
{
    (void)fmt;
}
void arch_debug_exit(uint32_t code)
{
    (void)code;
}
void arch_poweroff(void)
{
}
void arch_reboot(void)
{
}
void arch_halt(void)
{
    for (;;)
        ;
}
int arch_under_qemu(void)
{
    return 0;
}
void arch_delay_ms(uint32_t ms)
{
    (void)ms;
}

TEST(exit_codes)
{
    CHECK_EQ(hv_exit_code(END_POWEROFF, 0), 0u);
    CHECK_EQ(hv_exit_code(END_REBOOT, 0), 1u);
    CHECK_EQ(hv_exit_code(END_SUSPEND, 0), 2u);
    CHECK_EQ(hv_exit_code(END_CRASH, 0), 3u);
    CHECK_EQ(hv_exit_code(END_BAD_IMAGE, 0), 0x10u);
    CHECK_EQ(hv_exit_code(END_PANIC, 0), 0x11u);
    CHECK_EQ(hv_exit_code(END_NO_MEMORY, 0), 0x12u);
    CHECK_EQ(hv_exit_code(END_POWEROFF, 1), 0x41u); /* QEMU status 131 */
    CHECK_EQ(hv_exit_code(END_POWEROFF, 63), 0x7fu);
    CHECK_EQ(hv_exit_code(END_POWEROFF, 64), 0x7fu); /* saturates: QEMU status 255 */
    CHECK_EQ(hv_exit_code(END_POWEROFF, 255), 0x7fu);
}

TEST(which_ends_use_debug_exit)
{
    const enum hv_end failures[] = {END_SUSPEND, END_CRASH, END_BAD_IMAGE, END_NO_MEMORY,
                                    END_PANIC};
    for (unsigned i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
        CHECK_EQ(hv_exit_via_debug(failures[i], 0, EXIT_AUTO, 1), 1);
        CHECK_EQ(hv_exit_via_debug(failures[i], 0, EXIT_AUTO, 0), 0);
        CHECK_EQ(hv_exit_via_debug(failures[i], 0, EXIT_DEBUG, 0), 1);
        CHECK_EQ(hv_exit_via_debug(failures[i], 0, EXIT_NONE, 1), 0);
    }
    /* A clean poweroff and a reboot are no failures: ACPI and reset, so QEMU says 0. */
    CHECK_EQ(hv_exit_via_debug(END_POWEROFF, 0, EXIT_AUTO, 1), 0);
    CHECK_EQ(hv_exit_via_debug(END_REBOOT, 0, EXIT_AUTO, 1), 0);
    CHECK_EQ(hv_exit_via_debug(END_POWEROFF, 0, EXIT_DEBUG, 0), 1);
    CHECK_EQ(hv_exit_via_debug(END_REBOOT, 0, EXIT_DEBUG, 0), 1);
    /* A nonzero exit status is news: it leaves through the device under QEMU. */
    CHECK_EQ(hv_exit_via_debug(END_POWEROFF, 3, EXIT_AUTO, 1), 1);
    CHECK_EQ(hv_exit_via_debug(END_POWEROFF, 3, EXIT_AUTO, 0), 0);
    CHECK_EQ(hv_exit_via_debug(END_POWEROFF, 3, EXIT_NONE, 1), 0);
}

RUN_TESTS(T(exit_codes), T(which_ends_use_debug_exit))
