/* /proc/hypervisor: the hypervisor's own statistics (hv_op get_stats), one "name value" per
 * line: non-zero hypercall counts by name, bounces per vector, batching, frame accounting,
 * events, the CPU's busy cycles, and the split of system calls between the fast trap and the
 * bounce path. */
#include <stddef.h>
#include <kernel/kstats.h>
#include <pv/mmu.h>
#include <lib/string.h>
#include "fs_impl.h"

static const char *const hypercall_names[32] = {
    [__HYPERVISOR_set_trap_table] = "set_trap_table",
    [__HYPERVISOR_mmu_update] = "mmu_update",
    [__HYPERVISOR_set_gdt] = "set_gdt",
    [__HYPERVISOR_stack_switch] = "stack_switch",
    [__HYPERVISOR_set_callbacks] = "set_callbacks",
    [__HYPERVISOR_fpu_taskswitch] = "fpu_taskswitch",
    [__HYPERVISOR_sched_op] = "sched_op",
    [__HYPERVISOR_dom0_op] = "dom0_op",
    [__HYPERVISOR_set_debugreg] = "set_debugreg",
    [__HYPERVISOR_get_debugreg] = "get_debugreg",
    [__HYPERVISOR_update_descriptor] = "update_descriptor",
    [__HYPERVISOR_set_fast_trap] = "set_fast_trap",
    [__HYPERVISOR_dom_mem_op] = "dom_mem_op",
    [__HYPERVISOR_multicall] = "multicall",
    [__HYPERVISOR_update_va_mapping] = "update_va_mapping",
    [__HYPERVISOR_set_timer_op] = "set_timer_op",
    [__HYPERVISOR_event_channel_op] = "event_channel_op",
    [__HYPERVISOR_xen_version] = "xen_version",
    [__HYPERVISOR_console_io] = "console_io",
    [__HYPERVISOR_physdev_op] = "physdev_op",
    [__HYPERVISOR_grant_table_op] = "grant_table_op",
    [__HYPERVISOR_vm_assist] = "vm_assist",
    [__HYPERVISOR_update_va_mapping_otherdomain] = "update_va_mapping_otherdomain",
    [__HYPERVISOR_netif_op] = "netif_op",
    [__HYPERVISOR_hv_op] = "hv_op",
};

#define FIELD(name)                       \
    {                                     \
#name, offsetof(hv_stats_t, name) \
    }
static const struct {
    const char *name;
    size_t off;
} fields[] = {
    FIELD(failsafe_callbacks),
    FIELD(event_upcalls),
    FIELD(pt_updates),
    FIELD(mmu_batches),
    FIELD(multicall_batches),
    FIELD(multicall_entries),
    FIELD(frames_free),
    FIELD(guest_frames),
    {"guest_frames_none", offsetof(hv_stats_t, guest_frames_by_type) + 0},
    {"guest_frames_l1", offsetof(hv_stats_t, guest_frames_by_type) + 4},
    {"guest_frames_l2", offsetof(hv_stats_t, guest_frames_by_type) + 8},
    {"guest_frames_gdt", offsetof(hv_stats_t, guest_frames_by_type) + 12},
    {"guest_frames_ldt", offsetof(hv_stats_t, guest_frames_by_type) + 16},
    {"guest_frames_writable", offsetof(hv_stats_t, guest_frames_by_type) + 20},
    FIELD(guest_frames_pinned),
    FIELD(guest_refs),
    FIELD(guest_type_refs),
    FIELD(events_sent),
    {"faults_net_tx", offsetof(hv_stats_t, faults_injected) + 0},
    {"faults_net_rx", offsetof(hv_stats_t, faults_injected) + 4},
    {"faults_timer", offsetof(hv_stats_t, faults_injected) + 8},
    {"faults_evtchn", offsetof(hv_stats_t, faults_injected) + 12},
    FIELD(idle_polls_woken),
    FIELD(idle_polls_halted),
};

int procfs_gen_hypervisor(char *buf, size_t size)
{
    static hv_stats_t s; /* 1.2 KB: not on the kernel stack */
    struct pfout o = {buf, size, 0};
    uint32_t bounced;
    int got;

    memset(&s, 0, sizeof(s));
    got = HYPERVISOR_hv_stats(&s);
    if (got < 0) {
        pf_printf(&o, "error %d\n", got);
        return (int)o.len;
    }
    for (unsigned i = 0; i < 32; i++) {
        if (!s.hypercalls[i])
            continue;
        if (hypercall_names[i])
            pf_printf(&o, "hypercall_%s %u\n", hypercall_names[i], s.hypercalls[i]);
        else
            pf_printf(&o, "hypercall_%u %u\n", i, s.hypercalls[i]);
    }
    for (unsigned v = 0; v < 256; v++) {
        if (s.bounces[v])
            pf_printf(&o, "bounce_%u %u\n", v, s.bounces[v]);
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        uint32_t v;

        if (fields[i].off + sizeof(v) > (size_t)got)
            continue; /* an older hypervisor: the field is not there */
        memcpy(&v, (const char *)&s + fields[i].off, sizeof(v));
        pf_printf(&o, "%s %u\n", fields[i].name, v);
    }
    if (offsetof(hv_stats_t, busy_tsc_hi) + sizeof(s.busy_tsc_hi) <= (size_t)got)
        pf_printf(&o, "busy_tsc %llu\n",
                  (unsigned long long)s.busy_tsc_hi << 32 | s.busy_tsc_lo); /* see hv_op.h */
    bounced = s.bounces[0x80];
    pf_printf(&o, "syscalls_bounced %u\n", bounced);
    pf_printf(&o, "syscalls_fast %u\n", kstats.syscalls >= bounced ? kstats.syscalls - bounced : 0);
    return (int)o.len;
}
