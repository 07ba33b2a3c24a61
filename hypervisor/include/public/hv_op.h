/*
 * public/hv_op.h: [ours] hv_op (hypercall 31), read-only statistics for the guest (ABI §13),
 * so an appliance can show what the hypervisor did without any privileged access.
 */
#ifndef PUBLIC_HV_OP_H
#define PUBLIC_HV_OP_H

#include <stdint.h>

/*
 * HVOP_get_stats
 * IN  EBX = HVOP_get_stats, ECX = guest buffer, EDX = its size in bytes.
 * OUT EAX = bytes copied: min(size, sizeof(hv_stats_t)), or -XEN_EFAULT (bad buffer),
 *     -XEN_ENOSYS (unknown command). Fields are only ever appended: read `size` first.
 */
#define HVOP_get_stats 0

typedef struct hv_stats {
    uint32_t size;               /* sizeof(hv_stats_t) in this hypervisor */
    uint32_t hypercalls[32];     /* calls per hypercall number (this one included) */
    uint32_t bounces[256];       /* exceptions and software interrupts delivered, per vector */
    uint32_t failsafe_callbacks; /* failsafe deliveries (faulting segment reload or iret) */
    uint32_t event_upcalls;      /* event-callback deliveries */
} hv_stats_t;

_Static_assert(__builtin_offsetof(hv_stats_t, hypercalls) == 4, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, bounces) == 132, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, failsafe_callbacks) == 1156, "hv_stats_t layout");
_Static_assert(sizeof(hv_stats_t) == 1164, "hv_stats_t layout");

#endif
