/* The guest's virtual IDT (ABI §4): vectors 0-19 to the entry.S stubs (the system call at 0x80
 * is main.c's); the C side of every exception; the event and failsafe callbacks (§6). */
#include <pv/console.h>
#include <arch/x86/fault.h>
#include <pv/hypercall.h>
#include <arch/x86/traps.h>
#include <lib/x86_names.h>
#include <lib/errno_names.h>

extern const uint32_t trap_stubs[NR_CPU_TRAPS]; /* entry.S */
extern char event_callback[], failsafe_callback[];

void traps_fill(trap_info_t *t, const uint32_t stubs[NR_CPU_TRAPS])
{
    for (unsigned v = 0; v < NR_CPU_TRAPS; v++) {
        /* INT n from the guest is allowed only where DPL says: int3 and into. Exceptions are
         * delivered whatever the DPL. */
        t[v] = (trap_info_t){v, v == 3 || v == 4 ? 3 : 0, FLAT_RING1_CS, stubs[v]};
    }
}

volatile uint32_t failsafe_count;
volatile uint32_t failsafe_segs[4];

const char *trap_name(unsigned v)
{
    return v == TRAP_SYSCALL ? "system call" : x86_exception_name(v);
}

int procs_running;

void trap_handler(struct trap_frame *f)
{
    if (procs_running) {
        proc_trap(f);
        return;
    }
    printk("unexpected %s at %#x (vector %u, error %#x, cr2 %#x, cs %#x)\n", trap_name(f->vector),
           f->eip, f->vector, f->error, f->cr2, f->cs & 0xffff);
    printk("shutting down: crash\n");
    HYPERVISOR_shutdown(SHUTDOWN_crash);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block);
}

void traps_init(void)
{
    trap_info_t trap_table[NR_CPU_TRAPS + 1] = {0};
    int rc;

    traps_fill(trap_table, trap_stubs);
    rc = HYPERVISOR_set_trap_table(trap_table);
    if (rc == 0)
        rc = HYPERVISOR_set_callbacks(FLAT_RING1_CS, (uint32_t)event_callback, FLAT_RING1_CS,
                                      (uint32_t)failsafe_callback);
    if (rc) {
        printk("error: cannot register the trap table and callbacks: %s\n", errno_name(rc));
        HYPERVISOR_shutdown(SHUTDOWN_crash);
    }
}
