/* Running one entry of the self-test table (kernel/selftest_table.h): prepare what it needs (the
 * kernel's memory manager if it asks, else the bootstrap mappings; upcalls masked unless it
 * needs events), run it, and return to the kernel, which shuts down. */
#include <pv/console.h>
#include <pv/events.h>
#include <arch/x86/gdt.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <kernel/sched.h>
#include <kernel/selftest_table.h>
#include <pv/time.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <selftest/probe.h>

static void halt_crashed(void)
{
    printk("shutting down: crash\n");
    HYPERVISOR_shutdown(SHUTDOWN_crash);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block);
}

/* The probe's trap table, the GDT, ring 3 and the test system calls at int $0x80. */
static void prepare_traps(const start_info_t *si, int fast_trap)
{
    int rc;

    traps_init();
    probe_traps_install();
    if (gdt_init(si) || user_init(si))
        halt_crashed();
    rc = user_fast_trap(fast_trap);
    printk("traps: trap table and callbacks registered, system calls at int $%#x, fast trap %s\n",
           TRAP_SYSCALL,
           rc          ? "refused"
           : fast_trap ? "on"
                       : "off");
}

void selftest_run(const struct selftest *t, const struct selftest_env *env)
{
    unsigned events = (t->needs & SELFTEST_EVENTS) == SELFTEST_EVENTS;

    /* In the kernel proper's order: the direct map before the trap table and the GDT. */
    if (t->needs & SELFTEST_MM) {
        if (physmap_init(env->si))
            halt_crashed();
        page_alloc_init();
    }
    if (t->needs & SELFTEST_TRAPS)
        prepare_traps(env->si, env->fast_trap);
    if (events) {
        events_init();
        timers_init();
        sched_init();
    }
    t->run(env);
    if (events)
        evt_disable();
}
