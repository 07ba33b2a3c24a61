/*
 * test=mmu-review-VARIANT: a frame the hypervisor must write for the guest (an exception bounce,
 * an event upcall) onto a ring-1 stack that is not the guest's: ESP past 0xFC3FFFFF, an SS whose
 * base carries ESP there, or a stack selector that is no guest's data segment. The only safe
 * outcomes are a refusal up front or the guest crashed with the reason logged; the hypervisor
 * writing its own memory, hanging or panicking is a hole. The target address lies just past the
 * hypervisor's IDT (sidt shows it), memory that is certainly mapped.
 * If the guest comes back from the attempt, it prints a FAILED line.
 */
#include <pv/console.h>
#include <pv/events.h>
#include <arch/x86/gdt.h>
#include <pv/mmu.h>
#include <selftest/probe.h>
#include <selftest/review.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <lib/string.h>

TRIG_U(bounced);
TRIG_U(exit_now);

#define SS_BASE 0x7c000000u
#define E_STACK 12 /* GDT entry for the based stack segment */

static uint32_t target(void)
{
    uint8_t idtr[6];
    rv_sidt(idtr);
    return *(uint32_t *)(idtr + 2) + 0x800 + 0x40;
}

static void arm(void)
{
    trap_probe.hits = 0;
    trap_probe.resume = 0;
    trap_probe.armed = 1;
}

/* A pending event on a loopback pair, unmasked: upcall_pending stays set (upcall_mask is 1). */
static void pending_event(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_alloc_unbound, .u.alloc_unbound.dom = DOMID_SELF};
    HYPERVISOR_event_channel_op(&o);
    uint32_t b = o.u.alloc_unbound.port;
    o = (evtchn_op_t){.cmd = EVTCHNOP_bind_interdomain,
                      .u.bind_interdomain = {DOMID_SELF, DOMID_SELF, 0, b}};
    HYPERVISOR_event_channel_op(&o);
    evtchn_send(o.u.bind_interdomain.port1);
    printk("review-crash: event pending %u\n", HYPERVISOR_shared_info->evtchn_upcall_pending);
}

void test_review_crash(const char *v)
{
    uint32_t t = target();
    printk("review-crash: %s, target %#x\n", v, t);
    if (strcmp(v, "bounce-hole") == 0) {
        arm();
        rv_int81_on(t);
    } else if (strcmp(v, "bounce-ssbase") == 0) {
        struct gdt_desc d = gdt_make(SS_BASE, 0xfffff, DESC_DATA(1), DESC_G_D);
        int rc = HYPERVISOR_update_descriptor(gdt_maddr(E_STACK), d);
        struct gdt_desc got = gdt_read(E_STACK);
        printk("review-crash: SS base %#x: %d, limit %#x\n", SS_BASE, rc, gdt_limit20(got));
        arm();
        rv_int81_ss_esp(E_STACK << 3 | 1, t - SS_BASE);
    } else if (strcmp(v, "entry-hole") == 0) {
        printk("review-crash: stack_switch: %d\n", HYPERVISOR_stack_switch(FLAT_RING1_DS, t));
        user_fast_trap(0);
        arm();
        run_user(u_bounced);
    } else if (strcmp(v, "entry-sel") == 0) {
        printk("review-crash: stack_switch: %d\n",
               HYPERVISOR_stack_switch(0x0811, user_entry_stack_top()));
        user_fast_trap(0);
        arm();
        run_user(u_bounced);
    } else if (strcmp(v, "entry-sel-hole") == 0) {
        printk("review-crash: stack_switch: %d\n", HYPERVISOR_stack_switch(0x0811, t));
        user_fast_trap(0);
        arm();
        run_user(u_bounced);
    } else if (strcmp(v, "entry-sel-fast") == 0) {
        printk("review-crash: stack_switch: %d\n",
               HYPERVISOR_stack_switch(0x0811, user_entry_stack_top()));
        arm();
        run_user(u_exit_now); /* a fast-trap int $0x80: the CPU loads SS from the TSS itself */
    } else if (strcmp(v, "upcall-hole") == 0) {
        pending_event();
        rv_upcall_on(t);
    } else if (strcmp(v, "backtrace-loop") == 0) {
        /* A frame-pointer chain that points at itself; the bounce fails (ESP unmapped). */
        static uint32_t frame[2];
        frame[0] = (uint32_t)frame;
        frame[1] = 0xc0000000u;
        arm();
        rv_bounce_with_ebp((uint32_t)frame, 0x40000000u);
    } else if (strcmp(v, "backtrace-hole") == 0) {
        /* A chain into the hypervisor: the report must not print what lies there. */
        const volatile uint32_t *h = (const volatile uint32_t *)t;
        printk("review-crash: words at the target: %#x %#x\n", h[0], h[1]);
        arm();
        rv_bounce_with_ebp(t, 0x40000000u);
    } else {
        printk("review-crash: unknown variant %s\n", v);
        return;
    }
    trap_probe.armed = 0;
    printk("review-crash: %s: FAILED, the guest carried on (%u exception(s), vector %#x at "
           "%#x)\n",
           v, trap_probe.hits, trap_probe.vector, trap_probe.eip);
}
