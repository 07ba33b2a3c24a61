/*
 * Switching process context: the ring-1 entry stack (stack_switch, for tasks that run ring 3),
 * the address space (mmu_update NEW_BASEPTR), the TLS descriptors that differ from what the GDT
 * holds (update_descriptor) and, when the FPU is live, fpu_taskswitch, all in one multicall.
 * Kernel threads keep the address space and the entry stack they find (the kernel half is the
 * same in all, and they never run ring 3).
 */
#include <pv/console.h>
#include <arch/x86/context.h>
#include <arch/x86/gdt.h>
#include <kernel/kstats.h>
#include <pv/mmu.h>
#include <kernel/mm/physmap.h>
#include <kernel/sched.h>
#include <lib/errno_names.h>

static uint32_t gdt_tls[NR_TLS][2]; /* what the GDT's TLS entries hold now */

static uint32_t kernel_ss(void)
{
    uint32_t ss;

    __asm__ volatile("mov %%ss, %0" : "=r"(ss));
    return ss & 0xffff;
}

void context_use_mm(struct mm *mm)
{
    mmu_update_t req = {mm_l2_mfn(mm) << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR};

    if (mm == active_mm)
        return;
    if (HYPERVISOR_mmu_update(&req, 1, 0))
        printk("error: the hypervisor refused an address-space switch\n");
    active_mm = mm;
}

/* Queue into mc the descriptor writes that make the GDT hold p's TLS entries. */
static unsigned queue_tls(struct proc *p, multicall_entry_t *mc)
{
    unsigned n = 0;

    for (unsigned i = 0; i < NR_TLS; i++) {
        if (gdt_tls[i][0] == p->tls[i][0] && gdt_tls[i][1] == p->tls[i][1])
            continue;
        mc[n] = (multicall_entry_t){__HYPERVISOR_update_descriptor,
                                    {gdt_maddr(GDT_TLS_FIRST + i), p->tls[i][0], p->tls[i][1]}};
        gdt_tls[i][0] = p->tls[i][0];
        gdt_tls[i][1] = p->tls[i][1];
        n++;
    }
    return n;
}

int context_load_tls(struct proc *p)
{
    multicall_entry_t mc[NR_TLS];
    unsigned n = queue_tls(p, mc);
    uint16_t fs, gs;

    if (!n)
        return 0;
    /* FS/GS may name a slot being changed: null them across the call (the hypervisor could not
     * reload them on its way back), then reload what still loads. */
    __asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
    __asm__ volatile("mov %0, %%fs; mov %0, %%gs" ::"r"(0));
    int rc = HYPERVISOR_multicall(mc, n);
    for (unsigned i = 0; i < n && !rc; i++)
        rc = (int32_t)mc[i].args[MULTICALL_RESULT_ARG];
    load_fs_gs(fs, gs);
    return rc;
}

uint32_t context_entry_stack;

void context_switch(struct task *prev, struct task *next)
{
    static multicall_entry_t mc[3 + NR_TLS];
    static mmu_update_t baseptr;
    unsigned n = 0;
    uint32_t entry_stack = 0;

    /* The outgoing FS/GS are saved and nulled first: the multicall may replace the TLS
     * descriptors they name, and the hypervisor could not reload them on its way back. */
    uint16_t fs, gs;
    __asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
    prev->fs = fs;
    prev->gs = gs;
    __asm__ volatile("mov %0, %%fs; mov %0, %%gs" ::"r"(0));
    /* The entry stack (TSS esp1) serves entries from ring 3 only: a kernel thread leaves the
     * last task's in place, and the switch back to that task needs no stack_switch (a network
     * round trip through the net thread made two). */
    if ((next->proc || next->user_eip) && next->kstack_top != context_entry_stack) {
        entry_stack = next->kstack_top;
        mc[n++] = (multicall_entry_t){__HYPERVISOR_stack_switch, {kernel_ss(), entry_stack}};
    }
    if (next->proc && next->proc->mm != active_mm) {
        baseptr = (mmu_update_t){mm_l2_mfn(next->proc->mm) << 12 | MMU_EXTENDED_COMMAND,
                                 MMUEXT_NEW_BASEPTR};
        mc[n++] = (multicall_entry_t){__HYPERVISOR_mmu_update, {(uint32_t)&baseptr, 1, 0}};
        active_mm = next->proc->mm;
    }
    if (next->proc)
        n += queue_tls(next->proc, mc + n);
    if (fpu_needs_switch()) {
        mc[n++] = (multicall_entry_t){__HYPERVISOR_fpu_taskswitch, {0}};
        fpu_switched();
    }
    kstats.ctx_switches++;
    if (n == 0)
        return;
    int rc;

    if (n == 1 && entry_stack) {
        rc = HYPERVISOR_stack_switch(mc[0].args[0], mc[0].args[1]);
    } else {
        rc = HYPERVISOR_multicall(mc, n);
        for (unsigned i = 0; i < n && !rc; i++)
            rc = (int32_t)mc[i].args[MULTICALL_RESULT_ARG];
    }
    if (rc)
        printk("error: context switch to %s refused: %s\n", next->name, errno_name(rc));
    else if (entry_stack)
        context_entry_stack = entry_stack;
}
