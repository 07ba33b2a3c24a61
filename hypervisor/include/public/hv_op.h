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

/*
 * HVOP_get_net_stats [ours, issue 12]
 * IN  EBX = HVOP_get_net_stats, ECX = guest buffer, EDX = its size in bytes.
 * OUT EAX = bytes copied: min(size, sizeof(netif_stats_t)); layout in public/netif.h.
 */
#define HVOP_get_net_stats 1

typedef struct hv_stats {
    uint32_t size;               /* sizeof(hv_stats_t) in this hypervisor */
    uint32_t hypercalls[32];     /* calls per hypercall number (this one included) */
    uint32_t bounces[256];       /* exceptions and software interrupts delivered, per vector */
    uint32_t failsafe_callbacks; /* failsafe deliveries (faulting segment reload or iret) */
    uint32_t event_upcalls;      /* event-callback deliveries */
    /* Page tables and batching (ABI §3, §7). */
    uint32_t pt_updates;        /* page-table entries written (mmu_update, update_va_mapping) */
    uint32_t mmu_batches;       /* mmu_update calls */
    uint32_t multicall_batches; /* multicall calls */
    uint32_t multicall_entries; /* entries over all multicalls */
    /* Frame accounting, so a guest can prove that nothing leaked. */
    uint32_t frames_free;             /* machine frames on no one's books */
    uint32_t guest_frames;            /* frames the guest owns */
    uint32_t guest_frames_by_type[6]; /* with type_count > 0: none, L1, L2, GDT, LDT, writable */
    uint32_t guest_frames_pinned;
    uint32_t guest_refs;      /* sum of general reference counts */
    uint32_t guest_type_refs; /* sum of type reference counts */
    /* Events (ABI §11). */
    uint32_t events_sent; /* ports raised that set upcall_pending */
    /* Fault injection (faults=): faults made, per point: net_tx, net_rx, timer, evtchn. */
    uint32_t faults_injected[4];
    /* TSC cycles since reset during which the CPU was not idle (halted, or polling before a halt),
     * at the time of this call, low word first (two words: the layout is the same for a 64-bit
     * reader). Under QEMU's -icount shift=0 one cycle is one instruction executed. */
    uint32_t busy_tsc_lo, busy_tsc_hi;
    /* The idle loop (idlepoll=): blocks whose event came while it polled before halting, and
     * blocks that went on to halt. Both stay 0 with idlepoll=0. */
    uint32_t idle_polls_woken, idle_polls_halted;
} hv_stats_t;

_Static_assert(__builtin_offsetof(hv_stats_t, hypercalls) == 4, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, bounces) == 132, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, failsafe_callbacks) == 1156, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, pt_updates) == 1164, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, guest_frames_by_type) == 1188, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, faults_injected) == 1228, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, busy_tsc_lo) == 1244, "hv_stats_t layout");
_Static_assert(__builtin_offsetof(hv_stats_t, idle_polls_woken) == 1252, "hv_stats_t layout");
_Static_assert(sizeof(hv_stats_t) == 1260, "hv_stats_t layout");

#endif
