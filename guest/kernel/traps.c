/* The guest's virtual IDT (ABI §4): vectors 0-19 to the entry.S stubs, the system call at
 * 0x80, a bounced test vector; the C side of every exception, with the test probe; the event
 * and failsafe callbacks (§6). */
#include <guest/console.h>
#include <guest/fault.h>
#include <guest/hypercall.h>
#include <guest/traps.h>
#include <lib/x86_names.h>
#include <lib/errno_names.h>

extern char trap_0[], trap_1[], trap_2[], trap_3[], trap_4[], trap_5[], trap_6[], trap_7[],
    trap_8[], trap_9[], trap_10[], trap_11[], trap_12[], trap_13[], trap_14[], trap_15[], trap_16[],
    trap_17[], trap_18[], trap_19[], trap_0x81[], syscall_entry[], event_callback[],
    failsafe_callback[];

#define DPL0 0
#define DPL3 3
#define T(v, dpl, fn)                             \
    {                                             \
        (v), (dpl), FLAT_RING1_CS, (uint32_t)(fn) \
    }

/* INT n from the guest is allowed only where DPL says: int3, into, the system call, the
 * bounced test vector. Exceptions are delivered whatever the DPL. */
static const trap_info_t trap_table[] = {
    T(0, DPL0, trap_0),
    T(1, DPL0, trap_1),
    T(2, DPL0, trap_2),
    T(3, DPL3, trap_3),
    T(4, DPL3, trap_4),
    T(5, DPL0, trap_5),
    T(6, DPL0, trap_6),
    T(7, DPL0, trap_7),
    T(8, DPL0, trap_8),
    T(9, DPL0, trap_9),
    T(10, DPL0, trap_10),
    T(11, DPL0, trap_11),
    T(12, DPL0, trap_12),
    T(13, DPL0, trap_13),
    T(14, DPL0, trap_14),
    T(15, DPL0, trap_15),
    T(16, DPL0, trap_16),
    T(17, DPL0, trap_17),
    T(18, DPL0, trap_18),
    T(19, DPL0, trap_19),
    T(TRAP_SYSCALL, DPL3, syscall_entry),
    T(TRAP_BOUNCED, DPL3, trap_0x81),
    {0, 0, 0, 0},
};

struct trap_probe trap_probe;
volatile uint32_t failsafe_count;
volatile uint32_t failsafe_segs[4];

const char *trap_name(unsigned v)
{
    return v == TRAP_SYSCALL ? "system call" : x86_exception_name(v);
}

int procs_running;

void trap_handler(struct trap_frame *f)
{
    struct trap_probe *p = &trap_probe;

    if (procs_running) {
        proc_trap(f);
        return;
    }
    if (p->armed) {
        p->armed = 0;
        p->hits++;
        p->vector = f->vector;
        p->error = f->error;
        p->cr2 = f->cr2;
        p->eip = f->eip;
        p->cs = f->cs & 0xffff;
        if (p->resume)
            f->eip = p->resume;
        return;
    }
    printk("unexpected %s at %#x (vector %u, error %#x, cr2 %#x, cs %#x)\n", trap_name(f->vector),
           f->eip, f->vector, f->error, f->cr2, f->cs & 0xffff);
    printk("shutting down: crash\n");
    HYPERVISOR_shutdown(SHUTDOWN_crash);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block);
}

void traps_init(volatile shared_info_t *si)
{
    int rc;

    (void)si; /* events.c reaches shared_info through shared_info_page */
    rc = HYPERVISOR_set_trap_table(trap_table);
    if (rc == 0)
        rc = HYPERVISOR_set_callbacks(FLAT_RING1_CS, (uint32_t)event_callback, FLAT_RING1_CS,
                                      (uint32_t)failsafe_callback);
    if (rc) {
        printk("error: cannot register the trap table and callbacks: %s\n", errno_name(rc));
        HYPERVISOR_shutdown(SHUTDOWN_crash);
    }
}
