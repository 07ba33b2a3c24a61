/* Event channels on the guest side (ABI §6, §11): handlers bound to ports, the upcall
 * demultiplexer, per-port mask/unmask and the upcall_mask "interrupt flag" helpers. */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <stdint.h>
#include <public/event_channel.h>
#include <public/xen.h>
#include <pv/hypercall.h>

/* What event_callback (arch/x86/entry.S) saved, low to high; ESP/SS only when CS is ring 3.
 * The same layout as struct trap_frame (arch/x86/traps.h), vector = -1, so code that returns to
 * ring 3 (preemption, signals) treats both alike. */
struct event_frame {
    uint32_t ebx, ecx, edx, esi, edi, ebp, eax;
    uint32_t ds, es;
    uint32_t vector, cr2, error;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;
};

typedef void evtchn_handler_t(uint32_t port, struct event_frame *f, void *arg);

/* The shared_info page (mapped by main.c); the callback's exit path names it directly. */
extern uint8_t shared_info_page[];
#define HYPERVISOR_shared_info ((volatile shared_info_t *)shared_info_page)

/* Upcall statistics: live upcall frames on this stack (per task), the deepest seen, nested
 * entries folded by the critical-region fixup, and re-checks on the exit path. */
struct evtchn_stats {
    uint32_t upcalls, depth, max_depth, fixups, exit_rechecks, forced;
};
extern struct evtchn_stats evtchn_stats;
extern volatile uint32_t evt_fixups, evt_exit_rechecks; /* counted in entry.S */

/* Called on the way out of every upcall (after the handlers, events still masked), e.g. for
 * preemption. NULL when nobody wants it. */
extern void (*evtchn_exit_hook)(struct event_frame *f);

void events_init(void);
int evtchn_bind(uint32_t port, evtchn_handler_t *fn, void *arg); /* 0 or -EINVAL */
void evtchn_unbind(uint32_t port);
int evtchn_bind_virq(uint32_t virq, evtchn_handler_t *fn, void *arg); /* port or -errno */
void evtchn_mask(uint32_t port);
void evtchn_unmask(uint32_t port); /* delivers a pending event at once if upcalls are on */
int evtchn_is_pending(uint32_t port);
void evtchn_clear(uint32_t port);
void evtchn_force_callback(void);

/* upcall_mask as an interrupt flag: disable returns the old value for restore. */
static inline uint8_t evt_disable(void)
{
    uint8_t old = HYPERVISOR_shared_info->evtchn_upcall_mask;

    HYPERVISOR_shared_info->evtchn_upcall_mask = 1;
    __asm__ volatile("" ::: "memory");
    return old;
}
void evt_enable(void); /* clears the mask, then delivers anything that came in meanwhile */
static inline void evt_restore(uint8_t old)
{
    if (!old)
        evt_enable();
}

static inline int HYPERVISOR_event_channel_op(evtchn_op_t *op)
{
    return hypercall1(__HYPERVISOR_event_channel_op, (uint32_t)op);
}
static inline int evtchn_send(uint32_t port)
{
    /* The hypervisor reads send's two words only: the rest of the op need not be zeroed. */
    evtchn_op_t op;

    op.cmd = EVTCHNOP_send;
    op.u.send.local_port = port;
    return HYPERVISOR_event_channel_op(&op);
}

#endif
