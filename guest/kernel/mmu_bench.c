/*
 * bench=mmu: guest instructions per page-table update, single vs batched vs multicall, and per
 * address-space switch, as one multicall vs the same calls one by one. Under QEMU's
 * -icount shift=0 the TSC counts guest instructions, so rdtsc deltas are instruction counts.
 */
#include <guest/console.h>
#include <guest/mmu.h>
#include <lib/format.h>

#define N_PTE 256
#define N_SWITCH 256
#define BENCH_VA 0xC0200000u /* 256 free slots of the bootstrap L1 */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint32_t frames[N_PTE];
static multicall_entry_t calls[N_PTE];

static void report(const char *key, uint64_t total, uint32_t n)
{
    uint32_t rem;
    uint64_t per = udiv64(total, n, &rem);
    printk("BENCH %s %u insns\n", key, (uint32_t)per);
}

static uint32_t pte(unsigned i)
{
    return pfn_to_mfn(frames[i]) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
}

static void unmap_all(void)
{
    for (unsigned i = 0; i < N_PTE; i++)
        mmu_queue_pte(kernel_l1_mfn(), ((BENCH_VA >> 12) & 1023) + i, 0);
    mmu_flush(0);
    HYPERVISOR_update_va_mapping(0, 0, UVMF_FLUSH_TLB);
}

static void bench_pte_updates(void)
{
    uint64_t t;
    for (unsigned i = 0; i < N_PTE; i++)
        frames[i] = pfn_alloc();

    t = rdtsc();
    for (unsigned i = 0; i < N_PTE; i++)
        HYPERVISOR_update_va_mapping((BENCH_VA >> 12) + i, pte(i), 0);
    report("pte_update_single_insns", rdtsc() - t, N_PTE);
    unmap_all();

    uint32_t l1 = kernel_l1_mfn();
    t = rdtsc();
    for (unsigned i = 0; i < N_PTE; i++)
        mmu_queue_pte(l1, ((BENCH_VA >> 12) & 1023) + i, pte(i));
    mmu_flush(0);
    report("pte_update_batched_insns", rdtsc() - t, N_PTE);
    unmap_all();

    t = rdtsc();
    for (unsigned i = 0; i < N_PTE; i++) {
        calls[i].op = __HYPERVISOR_update_va_mapping;
        calls[i].args[0] = (BENCH_VA >> 12) + i;
        calls[i].args[1] = pte(i);
        calls[i].args[2] = 0;
    }
    HYPERVISOR_multicall(calls, N_PTE);
    report("pte_update_multicall_insns", rdtsc() - t, N_PTE);
    unmap_all();
}

static void bench_switch(void)
{
    struct addrspace as;
    static mmu_update_t to_as, to_home;
    uint32_t esp;
    __asm__ volatile("mov %%esp, %0" : "=r"(esp));
    if (as_create(&as, 1)) {
        printk("bench=mmu: cannot build an address space\n");
        return;
    }
    to_as = (mmu_update_t){pfn_to_mfn(as.l2_pfn) << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR};
    to_home = (mmu_update_t){current_l2_mfn() << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR};

    uint64_t t = rdtsc();
    uint32_t as_mfn = pfn_to_mfn(as.l2_pfn), home = current_l2_mfn();
    for (unsigned i = 0; i < N_SWITCH; i++)
        as_switch_mfn((i & 1) ? home : as_mfn, esp);
    report("ctxswitch_multicall_insns", rdtsc() - t, N_SWITCH);

    t = rdtsc();
    for (unsigned i = 0; i < N_SWITCH; i++) {
        HYPERVISOR_stack_switch(FLAT_RING1_DS, esp);
        HYPERVISOR_mmu_update((i & 1) ? &to_home : &to_as, 1, 0);
    }
    report("ctxswitch_unbatched_insns", rdtsc() - t, N_SWITCH);
    as_destroy(&as);
}

void mmu_bench(const start_info_t *si)
{
    pfn_init(si);
    bench_pte_updates();
    bench_switch();
}
