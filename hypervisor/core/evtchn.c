/*
 * Event-channel logic (ABI §11), apart from hypercall plumbing so the host tests can run it.
 * Ports are allocated lowest first; port 0 is VIRQ_MISDIRECT's for good; a VIRQ bound twice
 * gives the same port. With a single guest an "interdomain" channel joins two of its own
 * ports: a send on one end raises the other (a loopback, useful for measuring delivery).
 */
#include "hv/evtchn.h"
#include "lib/string.h"

static int refuse(const char **why, const char *reason)
{
    *why = reason;
    return -XEN_EINVAL;
}

void evtchn_init(struct evtchn_table *t)
{
    memset(t, 0, sizeof(*t));
    t->port[0].state = ECS_VIRQ;
    t->port[0].virq = VIRQ_MISDIRECT;
}

static int alloc_port(struct evtchn_table *t, const char **why)
{
    for (uint32_t p = 1; p < NR_EVENT_CHANNELS; p++)
        if (t->port[p].state == ECS_FREE)
            return (int)p;
    *why = "no free event channel";
    return -XEN_ENOSPC;
}

int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, const char **why)
{
    if (virq >= NR_VIRQS)
        return refuse(why, "no such VIRQ");
    if (virq == VIRQ_MISDIRECT)
        return 0;
    if (t->virq_port[virq])
        return t->virq_port[virq];
    int p = alloc_port(t, why);
    if (p < 0)
        return p;
    t->port[p].state = ECS_VIRQ;
    t->port[p].virq = (uint8_t)virq;
    t->virq_port[virq] = (uint16_t)p;
    return p;
}

int evtchn_alloc_unbound(struct evtchn_table *t, const char **why)
{
    int p = alloc_port(t, why);
    if (p > 0)
        t->port[p].state = ECS_UNBOUND;
    return p;
}

/* A port given by the caller must be unbound (from alloc_unbound); 0 asks for a new one. */
static int take_end(struct evtchn_table *t, uint32_t want, const char **why)
{
    if (want == 0) {
        int p = alloc_port(t, why);
        if (p > 0)
            t->port[p].state = ECS_UNBOUND;
        return p;
    }
    if (want >= NR_EVENT_CHANNELS || t->port[want].state != ECS_UNBOUND)
        return refuse(why, "port is not an unbound port");
    return (int)want;
}

int evtchn_bind_interdomain(struct evtchn_table *t, uint32_t *port1, uint32_t *port2,
                            const char **why)
{
    if (*port1 && *port1 == *port2)
        return refuse(why, "both ends are the same port");
    int a = take_end(t, *port1, why);
    if (a < 0)
        return a;
    int b = take_end(t, *port2, why);
    if (b < 0) {
        if (*port1 == 0)
            t->port[a].state = ECS_FREE;
        return b;
    }
    t->port[a] = (struct evtchn){ECS_INTERDOMAIN, 0, (uint16_t)b};
    t->port[b] = (struct evtchn){ECS_INTERDOMAIN, 0, (uint16_t)a};
    *port1 = (uint32_t)a;
    *port2 = (uint32_t)b;
    return 0;
}

int evtchn_close(struct evtchn_table *t, uint32_t port, const char **why)
{
    if (port == 0)
        return refuse(why, "port 0 (VIRQ_MISDIRECT) cannot be closed");
    if (port >= NR_EVENT_CHANNELS || t->port[port].state == ECS_FREE)
        return refuse(why, "port is not open");
    if (t->port[port].state == ECS_DEVICE)
        return refuse(why, "port belongs to a network device (netif_op disconnect frees it)");
    struct evtchn *e = &t->port[port];
    if (e->state == ECS_VIRQ)
        t->virq_port[e->virq] = 0;
    if (e->state == ECS_INTERDOMAIN)
        t->port[e->remote].state = ECS_UNBOUND; /* the other end waits for a new partner */
    *e = (struct evtchn){ECS_FREE, 0, 0};
    return 0;
}

int evtchn_bind_device(struct evtchn_table *t, unsigned dev, const char **why)
{
    int p = alloc_port(t, why);
    if (p > 0)
        t->port[p] = (struct evtchn){ECS_DEVICE, (uint8_t)dev, 0};
    return p;
}

void evtchn_unbind_device(struct evtchn_table *t, uint32_t port)
{
    if (port < NR_EVENT_CHANNELS && t->port[port].state == ECS_DEVICE)
        t->port[port] = (struct evtchn){ECS_FREE, 0, 0};
}

int evtchn_send_target(const struct evtchn_table *t, uint32_t local_port, const char **why)
{
    if (local_port >= NR_EVENT_CHANNELS || t->port[local_port].state != ECS_INTERDOMAIN)
        return refuse(why, "port is not an interdomain channel");
    return t->port[local_port].remote;
}

int evtchn_status(const struct evtchn_table *t, uint32_t port, uint32_t *status, uint32_t *bound,
                  const char **why)
{
    if (port >= NR_EVENT_CHANNELS)
        return refuse(why, "no such port");
    const struct evtchn *e = &t->port[port];
    static const uint32_t stat[] = {EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain,
                                    EVTCHNSTAT_pirq,   EVTCHNSTAT_virq,    EVTCHNSTAT_netif};
    *status = stat[e->state];
    *bound = e->state == ECS_VIRQ || e->state == ECS_DEVICE ? e->virq
             : e->state == ECS_INTERDOMAIN                  ? e->remote
                                                            : 0;
    return 0;
}
