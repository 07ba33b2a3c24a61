/* event_channel_op (16): copy the request in (send: two words read in place), act through
 * core/evtchn.c, copy the answer out;
 * and raising ports and VIRQs from the hypervisor's side. */
#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/fault_inject.h"
#include "hv/time.h"
#include "hv/hypercall.h"
#include "hv/netif.h"
#include "hv/uaccess.h"
#include <stddef.h>

/* Inline on the send path (the hot one), out of line for everything else. */
static inline __attribute__((always_inline)) void raise(struct domain *d, uint32_t port)
{
    if (evtchn_set_pending(d->shared_info, port)) {
        d->events_sent++;
        if (fault_fire(FAULT_EVTCHN))
            time_defer_upcall(d); /* injected: the upcall comes up to 1 ms late */
    }
}

void evtchn_raise(struct domain *d, uint32_t port)
{
    raise(d, port);
}

void send_virq(struct domain *d, unsigned virq)
{
    uint16_t port = d->evtchn.virq_port[virq];
    if (port || virq == VIRQ_MISDIRECT)
        evtchn_raise(d, port);
}

static int self(domid_t dom)
{
    return dom == 0 || dom == DOMID_SELF;
}

/* A send that needs no checks beyond the port's state: to one end of a loopback pair (its other
 * end raised) or to a device's port (its backend kicked). 1 when done, 0 for anything else. */
static inline __attribute__((always_inline)) int send_plain(struct domain *d, uint32_t port)
{
    if (port < NR_EVENT_CHANNELS) {
        const struct evtchn *e = &d->evtchn.port[port];
        if (e->state == ECS_INTERDOMAIN) {
            raise(d, e->remote);
            return 1;
        }
        if (e->state == ECS_DEVICE) {
            netif_kick(d, e->virq);
            return 1;
        }
    }
    return 0;
}

/* send: raise the other end of an interdomain pair, or kick a device's backend. */
static inline __attribute__((always_inline)) int send(struct domain *d, uint32_t port,
                                                      const char **why)
{
    if (send_plain(d, port))
        return 0;
    return evtchn_send_target(&d->evtchn, port, why); /* the refusal, with its reason */
}

/* Everything but the fast send below: the request copied in, checked, acted on, the answer
 * copied out. Every refusal is here, with its log line. */
static __attribute__((noinline)) long event_channel_op_full(uint32_t uop)
{
    struct domain *d = current_domain();
    evtchn_op_t op;
    const char *why = "";
    int rc;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return hv_refuse("event_channel_op", uop, -XEN_EFAULT, "request unreadable");
    /* Check, then act: a command that allocates a port must be able to say which, or the port
     * would be taken behind the guest's back. send and close answer nothing but their result. */
    int answers = op.cmd != EVTCHNOP_send && op.cmd != EVTCHNOP_close;
    if (answers && !guest_range_mapped(uop, sizeof(op), 1))
        return hv_refuse("event_channel_op", uop, -XEN_EFAULT, "answer unwritable");
    switch (op.cmd) {
    case EVTCHNOP_bind_interdomain:
        rc = self(op.u.bind_interdomain.dom1) && self(op.u.bind_interdomain.dom2)
                 ? evtchn_bind_interdomain(&d->evtchn, &op.u.bind_interdomain.port1,
                                           &op.u.bind_interdomain.port2, &why)
                 : (why = "no such domain", -XEN_ESRCH);
        break;
    case EVTCHNOP_bind_virq:
        rc = evtchn_bind_virq(&d->evtchn, op.u.bind_virq.virq, &why);
        if (rc >= 0)
            op.u.bind_virq.port = (uint32_t)rc, rc = 0;
        break;
    case EVTCHNOP_bind_pirq:
        rc = -XEN_EPERM, why = "physical IRQs belong to the hypervisor";
        break;
    case EVTCHNOP_close:
        rc = self(op.u.close.dom) ? evtchn_close(&d->evtchn, op.u.close.port, &why)
                                  : (why = "no such domain", -XEN_ESRCH);
        break;
    case EVTCHNOP_send: /* the fast path did not take it: a fault reading, or a refusal */
        rc = send(d, op.u.send.local_port, &why);
        break;
    case EVTCHNOP_status:
        rc = self(op.u.status.dom) ? evtchn_status(&d->evtchn, op.u.status.port,
                                                   &op.u.status.status, &op.u.status.bound, &why)
                                   : (why = "no such domain", -XEN_ESRCH);
        break;
    case EVTCHNOP_alloc_unbound:
        rc = self(op.u.alloc_unbound.dom) ? evtchn_alloc_unbound(&d->evtchn, &why)
                                          : (why = "no such domain", -XEN_ESRCH);
        if (rc >= 0)
            op.u.alloc_unbound.port = (uint32_t)rc, rc = 0;
        break;
    default:
        rc = -XEN_ENOSYS, why = "unknown command";
    }
    if (rc < 0)
        return hv_refuse("event_channel_op", op.cmd, rc, "%s", why);
    if (answers && copy_to_guest(uop, &op, sizeof(op)))
        return hv_refuse("event_channel_op", uop, -XEN_EFAULT, "answer unwritable");
    return 0;
}

/* The hypercall. send, the hot command (every event a guest raises for itself or a device), to a
 * port that is one end of a loopback pair or a device's: two words read in place instead of the
 * whole op copied in, nothing written back, in a function of its own without a frame (the
 * hypercall entry is its only caller: no backtrace loses a frame it would name). Anything
 * else -- another command, a fault on either read, a port out of range or in another state --
 * takes the full path, which reads the request again and refuses what it must with its log
 * line. */
__attribute__((optimize("omit-frame-pointer"))) long do_event_channel_op(uint32_t uop)
{
    if (guest_range_readable(uop, offsetof(evtchn_op_t, u.send.local_port) + 4)) {
        uint32_t cmd, port;
        __get_guest_u32(cmd, (const uint32_t *)uop, full);
        if (cmd != EVTCHNOP_send)
            goto full;
        __get_guest_u32(port, (const uint32_t *)(uop + offsetof(evtchn_op_t, u.send.local_port)),
                        full);
        if (send_plain(current_domain(), port))
            return 0;
    }
full:
    return event_channel_op_full(uop);
}
