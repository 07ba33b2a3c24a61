/* hv_op (31) [ours]: the statistics the hypervisor keeps, copied out for the guest. */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/fault_inject.h"
#include "hv/frame.h"
#include "hv/hypercall.h"
#include "hv/idle.h"
#include "hv/uaccess.h"
#include "lib/string.h"
#include "hv/netif.h"
#include <public/hv_op.h>

long do_hv_op(uint32_t cmd, uint32_t buffer, uint32_t size)
{
    static hv_stats_t s; /* one CPU, hypercalls do not nest */
    struct domain *d = current_domain();

    if (cmd == HVOP_get_net_stats) {
        static netif_stats_t ns;
        netif_get_stats(&ns);
        uint32_t n = size < sizeof(ns) ? size : sizeof(ns);
        if (copy_to_guest(buffer, &ns, n))
            return hv_refuse("hv_op", cmd, -XEN_EFAULT, "buffer %#x+%u not writable", buffer, size);
        return n;
    }
    if (cmd != HVOP_get_stats)
        return hv_refuse("hv_op", cmd, -XEN_ENOSYS, "unknown command");
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);
    memcpy(s.hypercalls, d->hypercalls, sizeof(s.hypercalls));
    memcpy(s.bounces, d->bounces, sizeof(s.bounces));
    s.failsafe_callbacks = d->failsafe_callbacks;
    s.event_upcalls = d->event_upcalls;
    s.pt_updates = d->pt_updates;
    s.mmu_batches = d->mmu_batches;
    s.multicall_batches = d->hypercalls[__HYPERVISOR_multicall] - d->multicall_refused;
    s.multicall_entries = d->multicall_entries;
    s.frames_free = frame_free_count();
    s.events_sent = d->events_sent;
    memcpy(s.faults_injected, fault_injected, sizeof(s.faults_injected));
    uint64_t busy = arch_busy_cycles();
    s.busy_tsc_lo = (uint32_t)busy;
    s.busy_tsc_hi = (uint32_t)(busy >> 32);
    s.idle_polls_woken = idle_polls_woken;
    s.idle_polls_halted = idle_polls_halted;
    for (uint32_t mfn = 0; mfn < max_mfn; mfn++) {
        const struct frame_info *f = &frame_table[mfn];
        if ((mfn & 0xfff) == 0xfff) /* a 4 GB machine has a million frames: let interrupts in */
            arch_irq_window();
        if (f->owner != d->id)
            continue;
        s.guest_frames++;
        if (f->type_count && f->type < 6)
            s.guest_frames_by_type[f->type]++;
        s.guest_frames_pinned += (f->flags & FF_PINNED) != 0;
        s.guest_refs += f->count;
        s.guest_type_refs += f->type_count;
    }
    uint32_t n = size < sizeof(s) ? size : sizeof(s);
    if (copy_to_guest(buffer, &s, n))
        return hv_refuse("hv_op", cmd, -XEN_EFAULT, "buffer %#x+%u not writable", buffer, size);
    return n;
}
