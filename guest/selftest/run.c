/* Running one entry of the self-test table (kernel/selftest_table.h): prepare what it needs the
 * way the tests were written (on the bootstrap mappings; upcalls masked unless it needs events),
 * run it, and return to the kernel, which shuts down. */
#include <pv/console.h>
#include <pv/events.h>
#include <arch/x86/gdt.h>
#include <kernel/sched.h>
#include <kernel/selftest_table.h>
#include <pv/time.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <selftest/probe.h>

/* The probe's trap table, the GDT, ring 3 and the test system calls at int $0x80. */
static void prepare_traps(const start_info_t *si, int fast_trap)
{
    int rc;

    traps_init();
    probe_traps_install();
    if (gdt_init(si) || user_init(si)) {
        printk("shutting down: crash\n");
        HYPERVISOR_shutdown(SHUTDOWN_crash);
        for (;;)
            HYPERVISOR_sched_op(SCHEDOP_block);
    }
    rc = user_fast_trap(fast_trap);
    printk("traps: trap table and callbacks registered, system calls at int $%#x, fast trap %s\n",
           TRAP_SYSCALL,
           rc          ? "refused"
           : fast_trap ? "on"
                       : "off");
}

void selftest_run(const struct selftest *t, const struct selftest_env *env)
{
    if (t->needs & SELFTEST_TRAPS)
        prepare_traps(env->si, env->fast_trap);
    if (t->needs == SELFTEST_EVENTS) {
        events_init();
        timers_init();
        sched_init();
    }
    t->run(env);
    if (t->needs == SELFTEST_EVENTS)
        evt_disable();
}
