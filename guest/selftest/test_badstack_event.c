/* test=badstack-event[-limit]: an event upcall whose frame cannot be written. With upcalls
 * masked, a loopback event is made pending; then the kernel, in ring 1, points its own stack
 * at an unmapped page (test=badstack-event) or at 0, so that the frame's 12 bytes below it
 * wrap past the guest segment's limit (test=badstack-event-limit), clears the mask and makes a
 * hypercall. On the hypercall's way out the hypervisor must deliver the event and cannot write
 * the frame: it must crash the guest with its log line (the scenario checks it), neither
 * return nor fault itself. */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/events.h>
#include <stddef.h>
#include <kernel/selftest_table.h>
#include <lib/string.h>

#define BAD_STACK 0x40001000u /* its L2 entry is not present */

static void run_badstack_event(const struct selftest_env *env)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_bind_interdomain,
                     .u.bind_interdomain = {DOMID_SELF, DOMID_SELF, 0, 0}};
    uint32_t bad = strcmp(env->word, "test=badstack-event-limit") == 0 ? 0 : BAD_STACK;
    int rc;

    check_begin();
    printk("%s: an event upcall to the ring-1 stack at %#x\n", env->word, bad);
    evt_disable();
    check_eq("bind a loopback pair", HYPERVISOR_event_channel_op(&o), 0);
    check_eq("send with upcalls masked", evtchn_send(o.u.bind_interdomain.port1), 0);
    check_true("the upcall is pending", HYPERVISOR_shared_info->evtchn_upcall_pending != 0,
               "upcall_pending 0");
    __asm__ volatile(
        "movl %%esp, %%esi\n\t"
        "movl %[bad], %%esp\n\t"
        "movb $0, %%ds:shared_info_page + %c[mask]\n\t"
        "int $0x82\n\t"
        "movl %%esi, %%esp"
        : "=a"(rc)
        : "0"(__HYPERVISOR_xen_version),
          "b"(0), [bad] "r"(bad), [mask] "i"(offsetof(shared_info_t, evtchn_upcall_mask))
        : "esi", "memory");
    check_true("the hypervisor crashed the guest", 0, "the hypercall returned %d", rc);
    check_summary("badstack-event");
}
SELFTEST(badstack_event, "test=badstack-event*", run_badstack_event, SELFTEST_EVENTS);
