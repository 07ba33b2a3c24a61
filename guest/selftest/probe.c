/* Deliberate exceptions, checked: arm the trap probe, run the trigger in its ring, compare what
 * the handler recorded with what the ABI (§4) says the hypervisor delivers. */
#include <guest/check.h>
#include <guest/console.h>
#include <guest/probe.h>
#include <guest/traps.h>
#include <guest/user.h>
#include <lib/format.h>

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
         p->eip == (uint32_t)c->eip && (c->vector != 14 || p->cr2 == c->arg);
    return check_true(name, ok,
                      "got %u hit(s) vector %u error %#x cs %#x eip %#x cr2 %#x, want vector %u "
                      "error %#x ring %u eip %#x cr2 %#x",
                      p->hits, p->vector, p->error, p->cs, p->eip, p->cr2, c->vector, c->error,
                      c->ring, (uint32_t)c->eip, c->vector == 14 ? c->arg : 0);
}

int probe_run(const struct probe_case *c)
{
    probe_fire(c);
    return probe_check(c);
}
