/* Deliberate exceptions, checked: arm the trap probe, run the trigger in its ring, compare what
 * the handler recorded with what the ABI (§4) says the hypervisor delivers. The probe's trap
 * table replaces the kernel's for the self-tests (run.c): its stubs (x86/probe_entry.S) call
 * probe_trap, which hands every exception no probe waits for to the kernel's trap_handler. */
#include <pv/console.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <lib/format.h>
#include <selftest/check.h>
#include <selftest/probe.h>

extern const uint32_t probe_trap_stubs[NR_CPU_TRAPS];
extern char probe_trap_0x81[], syscall_entry[];

struct trap_probe trap_probe;

void probe_traps_install(void)
{
    trap_info_t t[NR_CPU_TRAPS + 3] = {0};
    int rc;

    traps_fill(t, probe_trap_stubs);
    t[NR_CPU_TRAPS] = (trap_info_t){TRAP_SYSCALL, 3, FLAT_RING1_CS, (uint32_t)syscall_entry};
    t[NR_CPU_TRAPS + 1] = (trap_info_t){TRAP_BOUNCED, 3, FLAT_RING1_CS, (uint32_t)probe_trap_0x81};
    rc = HYPERVISOR_set_trap_table(t);
    if (rc)
        printk("error: cannot register the probe's trap table: %d\n", rc);
}

void probe_trap(struct trap_frame *f)
{
    struct trap_probe *p = &trap_probe;

    if (!p->armed) {
        trap_handler(f);
        return;
    }
    p->armed = 0;
    p->hits++;
    p->vector = f->vector;
    p->error = f->error;
    p->cr2 = f->cr2;
    p->eip = f->eip;
    p->cs = f->cs & 0xffff;
    if (p->resume)
        f->eip = p->resume;
}

unsigned probe_fire(const struct probe_case *c)
{
    struct trap_probe *p = &trap_probe;

    if (c->arg)
        trig_arg = c->arg;
    p->hits = 0;
    p->vector = p->error = p->cr2 = p->eip = p->cs = 0;
    p->resume = (uint32_t)c->resume;
    p->armed = 1;
    if (c->ring == 3)
        run_user(c->fn);
    else
        c->fn();
    p->armed = 0;
    return p->hits;
}

int probe_check(const struct probe_case *c)
{
    const struct trap_probe *p = &trap_probe;
    char name[96];
    int ok;

    snprintf(name, sizeof(name), "ring%u %s", c->ring, c->name);
    if (c->vector == PROBE_NONE)
        return check_true(name, p->hits == 0, "%s (vector %u) at %#x", trap_name(p->vector),
                          p->vector, p->eip);
    ok = p->hits == 1 && p->vector == c->vector && p->error == c->error && (p->cs & 3) == c->ring &&
         p->eip == (uint32_t)c->eip && (c->vector != TRAP_page_fault || p->cr2 == c->arg);
    return check_true(name, ok,
                      "got %u hit(s) vector %u error %#x cs %#x eip %#x cr2 %#x, want vector %u "
                      "error %#x ring %u eip %#x cr2 %#x",
                      p->hits, p->vector, p->error, p->cs, p->eip, p->cr2, c->vector, c->error,
                      c->ring, (uint32_t)c->eip, c->vector == TRAP_page_fault ? c->arg : 0);
}

int probe_run(const struct probe_case *c)
{
    probe_fire(c);
    return probe_check(c);
}
