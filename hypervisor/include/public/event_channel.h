/*
 * public/event_channel.h: event_channel_op (hypercall 16, ABI §11).
 * IN  EBX = pointer to an evtchn_op_t; the hypervisor copies it in, acts, and copies it back
 *     with the OUT fields filled. OUT EAX = 0 or a negative XEN_E*.
 */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H

#include <stdint.h>

typedef uint16_t domid_t;
#define DOMID_SELF ((domid_t)0x7FF0) /* this domain; with one guest, domain 0 means the same */

#define EVTCHNOP_bind_interdomain 0 /* IN dom1, dom2 (both this domain here): a loopback pair */
#define EVTCHNOP_bind_virq 1        /* IN virq; OUT port (binding a VIRQ twice: the same port) */
#define EVTCHNOP_bind_pirq 2        /* physical IRQs belong to the hypervisor: -XEN_EPERM */
#define EVTCHNOP_close 3            /* IN dom, port; port 0 (VIRQ_MISDIRECT) cannot be closed */
#define EVTCHNOP_send 4             /* IN local_port: raise the other end of an interdomain pair */
#define EVTCHNOP_status 5           /* IN dom, port; OUT status and what the port is bound to */
#define EVTCHNOP_alloc_unbound 6    /* IN dom; OUT port, unbound, for bind_interdomain later */

#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_netif 5 /* [ours] bound to a network device (netif_op); bound = device index */

typedef struct evtchn_op {
    uint32_t cmd;
    uint32_t _pad;
    union {
        struct {
            domid_t dom1, dom2;    /* IN */
            uint32_t port1, port2; /* IN: 0 = allocate a new port; OUT: the two ends */
        } bind_interdomain;
        struct {
            uint32_t virq; /* IN */
            uint32_t port; /* OUT */
        } bind_virq;
        struct {
            uint32_t pirq, flags, port;
        } bind_pirq;
        struct {
            domid_t dom;
            uint16_t _pad;
            uint32_t port; /* IN */
        } close;
        struct {
            uint32_t local_port; /* IN */
        } send;
        struct {
            domid_t dom;
            uint16_t _pad;
            uint32_t port;   /* IN */
            uint32_t status; /* OUT: EVTCHNSTAT_* */
            uint32_t bound;  /* OUT: the VIRQ, or the other end's port */
        } status;
        struct {
            domid_t dom;
            uint16_t _pad;
            uint32_t port; /* OUT */
        } alloc_unbound;
        uint8_t _size[24];
    } u;
} evtchn_op_t;

_Static_assert(sizeof(evtchn_op_t) == 32, "evtchn_op_t size");
_Static_assert(__builtin_offsetof(evtchn_op_t, u) == 8, "evtchn_op_t layout");
_Static_assert(__builtin_offsetof(evtchn_op_t, u.bind_virq.port) == 12, "evtchn_op_t layout");
_Static_assert(__builtin_offsetof(evtchn_op_t, u.status.status) == 16, "evtchn_op_t layout");
_Static_assert(__builtin_offsetof(evtchn_op_t, u.bind_interdomain.port2) == 16,
               "evtchn_op_t layout");

#endif
