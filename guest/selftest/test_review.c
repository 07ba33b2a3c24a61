/*
 * test=mmu-review: the second adversarial review of issue 18, written as an attacker who has only
 * the public ABI (hypervisor/include/public/, ABI.md). Every place where a mapping, a page type
 * or a descriptor changes is attacked, and so is every piece of CPU state a guest can leave
 * behind when it enters the hypervisor. Each check states the SAFE outcome (a refusal with its
 * errno, a fault delivered to the guest, the accounting back where it was), so a hole shows up
 * as a FAILED line, or as a crash, hang or panic of the run.
 *
 *   test_review_tlb.c   stale writable TLB entries against every type change, inside batches too
 *   test_review_pt.c    linear page tables, count limits, frames that are not the guest's,
 *                       hypervisor writes into the M2P
 *   test_review_cost.c  what one request or batch costs, and whether the timer waits for it
 *   test_review_desc.c  descriptors: ranges, expand-down, GDT/LDT counts and remaps, A bit
 *   test_review_cpu.c   DF, NT, debug registers, FPU state, I/O ports, fast-trap vectors
 *   test_review_calls.c events, timers, scheduler, console output that imitates the hypervisor
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/review.h>
#include <lib/string.h>

#define READ_SCRATCH 15 /* the scratch slot of rv_frame_word */

int rv_mmu1(uint32_t ptr, uint32_t val)
{
    mmu_update_t r = {ptr, val};
    return HYPERVISOR_mmu_update(&r, 1, 0);
}

int rv_uvm(uint32_t va, uint32_t pte)
{
    return HYPERVISOR_update_va_mapping(va >> 12, pte, UVMF_INVLPG);
}

uint32_t rv_l2e(unsigned slot)
{
    return current_l2_mfn() << 12 | slot * 4;
}

unsigned rv_free_slots(unsigned n)
{
    for (unsigned s = 16; s + n <= KERNEL_L2_FIRST; s++) {
        unsigned k = 0;
        while (k < n && boot_l2[s + k] == 0)
            k++;
        if (k == n)
            return s;
    }
    return 0;
}

uint32_t rv_new_frame(uint32_t w0)
{
    uint32_t pfn = test_frame_alloc();
    uint32_t *p = scratch_map(0, pfn);
    memset(p, 0, XEN_PAGE_SIZE);
    p[0] = w0;
    scratch_unmap(0);
    return pfn;
}

uint32_t rv_filled_frame(uint32_t val, unsigned n)
{
    uint32_t pfn = rv_new_frame(0);
    uint32_t *p = scratch_map(0, pfn);
    for (unsigned i = 0; i < n; i++)
        p[i] = val;
    scratch_unmap(0);
    return pfn;
}

uint32_t rv_frame_word(uint32_t pfn, unsigned i)
{
    uint32_t va = scratch_va(READ_SCRATCH);
    if (rv_uvm(va, pfn_to_mfn(pfn) << 12 | PTE_P | PTE_A))
        return 0xdeadbeef;
    uint32_t w = ((volatile uint32_t *)va)[i];
    rv_uvm(va, 0);
    return w;
}

static hv_stats_t before;

void rv_snapshot(void)
{
    HYPERVISOR_hv_stats(&before);
}

void rv_accounting(const char *what)
{
    static hv_stats_t now;
    HYPERVISOR_hv_stats(&now);
    check_true(
        what,
        now.guest_refs == before.guest_refs && now.guest_type_refs == before.guest_type_refs &&
            now.guest_frames_pinned == before.guest_frames_pinned &&
            now.guest_frames == before.guest_frames &&
            memcmp(now.guest_frames_by_type, before.guest_frames_by_type,
                   sizeof(now.guest_frames_by_type)) == 0,
        "refs %u -> %u, type refs %u -> %u, pinned %u -> %u, L1 %u -> %u, L2 %u -> %u, "
        "GDT %u -> %u, LDT %u -> %u",
        before.guest_refs, now.guest_refs, before.guest_type_refs, now.guest_type_refs,
        before.guest_frames_pinned, now.guest_frames_pinned, before.guest_frames_by_type[1],
        now.guest_frames_by_type[1], before.guest_frames_by_type[2], now.guest_frames_by_type[2],
        before.guest_frames_by_type[3], now.guest_frames_by_type[3], before.guest_frames_by_type[4],
        now.guest_frames_by_type[4]);
}

int64_t rv_lsl(uint32_t sel)
{
    uint32_t limit = 0;
    uint8_t ok;
    __asm__ volatile("lsl %2, %0\n\tsetz %1" : "+r"(limit), "=q"(ok) : "r"(sel) : "cc");
    return ok ? (int64_t)limit : -1;
}

const start_info_t *rv_si;

void test_review(const start_info_t *si)
{
    rv_si = si;
    check_begin();
    printk("test=mmu-review\n");
    rv_snapshot();
    review_tlb();
    rv_accounting("accounting after the TLB sequences");
    rv_snapshot();
    review_page_tables();
    review_costs();
    rv_accounting("accounting after the page-table sequences");
    rv_snapshot();
    review_descriptors();
    rv_accounting("accounting after the descriptor sequences");
    rv_snapshot();
    review_cpu();
    review_calls();
    rv_accounting("accounting after the CPU and call sequences");
    check_summary("mmu-review");
}
