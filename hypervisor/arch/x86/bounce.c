/* The one way a bounce (bounce.h) fails: its frame cannot be written to the guest's stack. */
#include "bounce.h"
#include "lib/x86_names.h"

void x86_bounce_failed(struct domain *d, const struct cpu_regs *r, unsigned what, uint16_t ss,
                       uint32_t esp)
{
    const char *name = what == BOUNCE_EVENT      ? "event upcall"
                       : what == BOUNCE_FAILSAFE ? "failsafe"
                                                 : x86_exception_name(what);
    domain_crash(d, r, "cannot write the %s frame to the guest stack %04x:%08x", name, ss, esp);
}
