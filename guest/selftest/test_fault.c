/* test=fault: a page fault before there is a trap table; the hypervisor must deal with it
 * (crash the guest, report the fault, its registers and a backtrace). */
#include <stdint.h>
#include <pv/console.h>
#include <pv/hypercall.h>
#include <kernel/selftest_table.h>

static void test_fault(const struct selftest_env *env)
{
    (void)env;
    printk("test=fault: touching unmapped 0x1000\n");
    (void)*(volatile uint32_t *)0x1000;
    printk("test=fault: error: the access did not fault\n");
    printk("shutting down: crash\n");
    HYPERVISOR_shutdown(SHUTDOWN_crash);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block);
}
SELFTEST(fault, "test=fault", test_fault, SELFTEST_BARE);
