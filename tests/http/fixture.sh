#!/usr/bin/env bash
# Usage: fixture.sh DIR [--once]
# Fixture /proc files for httpd run natively (httpd --proc DIR): DIR/stats, hypervisor, meminfo,
# uptime and sys/ringvisor/fasttrap, in the guest's formats (guest/kernel/fs/procfs_*.c). Without
# --once it keeps them moving, four times a second, until its parent is gone or it is killed: 400
# system calls per tick, on the fast trap while DIR/sys/ringvisor/fasttrap says 1 and bounced
# through the hypervisor (bounce_128) while it says 0, as the real counters behave; every file is
# replaced whole (rename), so a reader never sees half of one. net/dev is left out, as in today's
# guest (no network stack): httpd reports it unavailable.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 DIR [--once]" >&2; exit 2; }
dir=$1 once=${2:-}
mkdir -p "$dir/sys/ringvisor"
[ -f "$dir/sys/ringvisor/fasttrap" ] || printf '1\n' >"$dir/sys/ringvisor/fasttrap"
parent=$PPID

fast=100 bounced=0 hc_mmu=50 hc_multi=7 hc_sched=20 pt=500 upcalls=30 ctx=40 free=30000 tick=0
write() # NAME: stdin into DIR/NAME, atomically
{
    cat >"$dir/.$1.tmp" && mv "$dir/.$1.tmp" "$dir/$1"
}
emit()
{
    write stats <<EOF
syscalls $((fast + bounced))
syscalls_enosys 0
page_faults $((tick * 3 + 100))
cow_copies $((tick + 10))
forks $((tick / 4 + 2))
execs $((tick / 4 + 2))
exits $((tick / 4))
ctx_switches $ctx
mmu_batches $((tick * 2 + 47))
mmu_batched_updates $((tick * 9 + 429))
procs_live 3
itimer_overruns 0
timer_deferrals 0
oom_kills 0
pages_total 30755
pages_free $free
EOF
    write hypervisor <<EOF
hypercall_mmu_update $hc_mmu
hypercall_sched_op $hc_sched
hypercall_multicall $hc_multi
hypercall_set_timer_op $((tick + 5))
hypercall_hv_op $((tick + 1))
bounce_14 $((tick + 3))
$([ "$bounced" -gt 0 ] && echo "bounce_128 $bounced")
failsafe_callbacks 0
event_upcalls $upcalls
pt_updates $pt
mmu_batches $hc_mmu
multicall_batches $hc_multi
multicall_entries $((hc_multi * 2))
frames_free 1234
guest_frames 31650
guest_frames_pinned 12
events_sent $((upcalls + 5))
syscalls_bounced $bounced
syscalls_fast $fast
EOF
    write meminfo <<EOF
MemTotal:         123020 kB
MemFree:        $(printf '%8d' $((free * 4))) kB
MemAvailable:   $(printf '%8d' $((free * 4))) kB
EOF
    printf '%d.%02d 0.00\n' $((tick / 4)) $((tick % 4 * 25)) | write uptime
}

emit
[ "$once" = --once ] && exit 0
while kill -0 "$parent" 2>/dev/null; do
    sleep 0.25
    tick=$((tick + 1))
    if [ "$(head -c 1 "$dir/sys/ringvisor/fasttrap")" = 0 ]; then
        bounced=$((bounced + 400))
    else
        fast=$((fast + 400))
    fi
    hc_mmu=$((hc_mmu + 3)) hc_multi=$((hc_multi + 2)) hc_sched=$((hc_sched + 5))
    pt=$((pt + 27)) upcalls=$((upcalls + 4)) ctx=$((ctx + 6)) free=$((30000 - tick % 50))
    emit
done
