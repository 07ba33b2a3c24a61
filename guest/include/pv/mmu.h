/*
 * The guest's side of ABI §7: its frames (the P2M), batched page-table updates (one mmu_update or
 * one multicall per batch). The kernel's address spaces are kernel/mm/'s (kernel/mm/pgtable.h).
 */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include <stdint.h>
#include <public/hv_op.h>
#include <public/xen.h>
#include <pv/hypercall.h>

#define GUEST_VIRT_START 0xC0000000u
#define KERNEL_L2_FIRST 768u /* 0xC0000000 >> 22: kernel half of every address space */

static inline int HYPERVISOR_mmu_update(const mmu_update_t *req, uint32_t count, uint32_t *done)
{
    return hypercall3(__HYPERVISOR_mmu_update, (uint32_t)req, count, (uint32_t)done);
}
static inline int HYPERVISOR_multicall(multicall_entry_t *list, uint32_t n)
{
    return hypercall3(__HYPERVISOR_multicall, (uint32_t)list, n, 0);
}
/* The ring-1 entry stack context_switch last set with stack_switch, 0 when not known: any other
 * stack_switch (this wrapper: user_set_entry_stack, the self-tests) forgets it. */
extern uint32_t context_entry_stack;
static inline int HYPERVISOR_stack_switch(uint32_t ss, uint32_t esp)
{
    context_entry_stack = 0;
    return hypercall3(__HYPERVISOR_stack_switch, ss, esp, 0);
}
static inline int HYPERVISOR_hv_stats(hv_stats_t *s)
{
    return hypercall3(__HYPERVISOR_hv_op, HVOP_get_stats, (uint32_t)s, sizeof(*s));
}

/* ---- Frames: the P2M, start_info.mfn_list (set by physmap_init) ---- */
extern const uint32_t *guest_p2m;
static inline uint32_t pfn_to_mfn(uint32_t pfn)
{
    return guest_p2m[pfn];
}

/* ---- Batches (pv/mmu_batch.c) ---- */
#define MMU_BATCH_MAX 512
struct mmu_queue {
    unsigned n;
    int err; /* the first error of a flush forced by a full queue, reported by the next flush */
    mmu_update_t req[MMU_BATCH_MAX];
};
extern struct mmu_queue mmu_q;
int mmu_flush(uint32_t *done); /* one mmu_update for everything queued: 0 or -errno */

/* Inline: queueing sits on the fork/exec/mmap path, where a call per entry shows. */
static inline void mmu_queue(uint32_t ptr, uint32_t val)
{
    if (mmu_q.n == MMU_BATCH_MAX) {
        int rc = mmu_flush(0);
        if (rc && !mmu_q.err)
            mmu_q.err = rc;
    }
    mmu_q.req[mmu_q.n].ptr = ptr;
    mmu_q.req[mmu_q.n].val = val;
    mmu_q.n++;
}
static inline void mmu_queue_pte(uint32_t table_mfn, unsigned idx, uint32_t val)
{
    mmu_queue(table_mfn << 12 | idx * 4 | MMU_NORMAL_PT_UPDATE, val);
}
void mmu_queue_ext(uint32_t cmd, uint32_t mfn);
void mc_queue(uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
int mc_flush(void);            /* one multicall; 0 when every entry returned >= 0 */
int32_t mc_result(unsigned i); /* result of entry i of the last flush */

#endif
