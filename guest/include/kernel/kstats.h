/* Guest kernel counters, for /proc/stats and the appliance's status page. System calls are
 * counted here; which of them the hypervisor bounced is its own count (hv_stats.bounces[0x80]),
 * so fast-trap calls = syscalls - that. */
#ifndef GUEST_KSTATS_H
#define GUEST_KSTATS_H

#include <stdint.h>

struct kstats {
    uint32_t syscalls;        /* int $0x80 entries, both paths */
    uint32_t syscalls_enosys; /* unknown numbers */
    uint32_t page_faults;     /* ring-3 and uaccess faults handled */
    uint32_t cow_copies;      /* copy-on-write pages copied */
    uint32_t forks, execs, exits;
    uint32_t ctx_switches;
    uint32_t mmu_batches; /* mmu_update/multicall batches the kernel sent */
    uint32_t mmu_batched_updates;
    uint32_t procs_live;      /* processes now, zombies included */
    uint32_t itimer_overruns; /* interval-timer periods that passed unsignalled (kernel/itimer.c) */
};
extern struct kstats kstats;

#endif
