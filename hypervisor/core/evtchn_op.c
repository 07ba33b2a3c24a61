/* event_channel_op (16): copy the request in, act through core/evtchn.c, copy the answer out;
 * and raising ports and VIRQs from the hypervisor's side. */
#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/fault_inject.h"
#include "hv/time.h"
#include "hv/hypercall.h"
#include "hv/netif.h"
#include "hv/uaccess.h"

void evtchn_raise(struct domain *d, uint32_t port)
{
    if (evtchn_set_pending(d->shared_info, port)) {
        d->events_sent++;
        if (fault_fire(FAULT_EVTCHN))
            time_defer_upcall(d); /* injected: the upcall comes up to 1 ms late */
    }
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

long do_event_channel_op(uint32_t uop)
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
    case EVTCHNOP_send:
        if (op.u.send.local_port < NR_EVENT_CHANNELS &&
            d->evtchn.port[op.u.send.local_port].state == ECS_DEVICE) {
            netif_kick(d, d->evtchn.port[op.u.send.local_port].virq);
            rc = 0;
            break;
        }
        rc = evtchn_send_target(&d->evtchn, op.u.send.local_port, &why);
        if (rc >= 0)
            evtchn_raise(d, (uint32_t)rc), rc = 0;
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
