/* Event channels (ABI §11): ports, their bindings, and raising them into shared_info. */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include <stdint.h>
#include <public/event_channel.h>
#include <public/xen.h>

enum evtchn_state { ECS_FREE = 0, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_PIRQ, ECS_VIRQ, ECS_DEVICE };

struct evtchn {
    uint8_t state;   /* enum evtchn_state */
    uint8_t virq;    /* ECS_VIRQ; ECS_DEVICE: the network device index */
    uint16_t remote; /* ECS_INTERDOMAIN: the other end (in this same domain) */
};

struct evtchn_table {
    struct evtchn port[NR_EVENT_CHANNELS];
    uint16_t virq_port[NR_VIRQS]; /* 0 = unbound (port 0 is VIRQ_MISDIRECT's for good) */
};

void evtchn_init(struct evtchn_table *t);
/* Each returns a port (>= 0) or a negative XEN_E*, with *why on refusal. */
int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, const char **why);
int evtchn_alloc_unbound(struct evtchn_table *t, const char **why);
int evtchn_bind_interdomain(struct evtchn_table *t, uint32_t *port1, uint32_t *port2,
                            const char **why);
int evtchn_close(struct evtchn_table *t, uint32_t port, const char **why);
/* [ours] A port bound to network device dev (netif_op connect); the guest cannot close it, a
 * send on it kicks the device's rings. unbind frees it (disconnect). */
int evtchn_bind_device(struct evtchn_table *t, unsigned dev, const char **why);
void evtchn_unbind_device(struct evtchn_table *t, uint32_t port);
/* The port to raise for a send on local_port, or a negative XEN_E*. */
int evtchn_send_target(const struct evtchn_table *t, uint32_t local_port, const char **why);
int evtchn_status(const struct evtchn_table *t, uint32_t port, uint32_t *status, uint32_t *bound,
                  const char **why);

/* Set port pending in s (ABI §11); returns 1 when the guest must be told (upcall_pending was
 * newly set), 0 when the port was already pending, masked, or its selector bit already set.
 * Inline, with plain read-modify-writes: on the path of every event (the guest does not run
 * while the hypervisor does, so nothing needs a locked instruction). port < NR_EVENT_CHANNELS. */
static inline int evtchn_set_pending(shared_info_t *s, uint32_t port)
{
    uint32_t bit = 1u << (port & 31), *pending = &s->evtchn_pending[port >> 5];
    if (*pending & bit)
        return 0;
    *pending |= bit;
    if (s->evtchn_mask[port >> 5] & bit)
        return 0;
    uint32_t sel = 1u << (port >> 5);
    if (s->evtchn_pending_sel & sel)
        return 0;
    s->evtchn_pending_sel |= sel;
    s->evtchn_upcall_pending = 1;
    return 1;
}

#endif
