/*
 * The guest's side of ABI §7: its frames, batched page-table updates (one mmu_update or one
 * multicall per batch), and address spaces built, switched and torn down through them.
 */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include <stdint.h>
#include <public/hv_op.h>
#include <public/xen.h>
#include <guest/hypercall.h>

#define GUEST_VIRT_START 0xC0000000u
#define KERNEL_L2_FIRST 768u /* 0xC0000000 >> 22: kernel half of every address space */
#define PTE_P 0x001u
#define PTE_RW 0x002u
#define PTE_US 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u

static inline int HYPERVISOR_mmu_update(const mmu_update_t *req, uint32_t count, uint32_t *done)
{
    return hypercall3(__HYPERVISOR_mmu_update, (uint32_t)req, count, (uint32_t)done);
}
static inline int HYPERVISOR_multicall(multicall_entry_t *list, uint32_t n)
{
    return hypercall3(__HYPERVISOR_multicall, (uint32_t)list, n, 0);
}
static inline int HYPERVISOR_stack_switch(uint32_t ss, uint32_t esp)
{
    return hypercall3(__HYPERVISOR_stack_switch, ss, esp, 0);
}
static inline int HYPERVISOR_hv_stats(hv_stats_t *s)
{
    return hypercall3(__HYPERVISOR_hv_op, HVOP_get_stats, (uint32_t)s, sizeof(*s));
}

/* ---- Frames (kernel/pfn.c) ---- */
void pfn_init(const start_info_t *si);
extern const uint32_t *guest_p2m; /* start_info.mfn_list: set by pfn_init or physmap_init */
static inline uint32_t pfn_to_mfn(uint32_t pfn)
{
    return guest_p2m[pfn];
}
uint32_t pfn_alloc(void); /* a free guest frame, not mapped anywhere; 0 when none left */
void pfn_free(uint32_t pfn);
uint32_t pfn_free_count(void);
uint32_t current_l2_mfn(void);
extern const uint32_t *boot_l2; /* the boot L2, mapped read-only at start_info.pt_base */
/* Map a frame at a scratch VA (writable), for filling it; unmap before it becomes a table. */
void *scratch_map(unsigned slot, uint32_t pfn);
void scratch_unmap(unsigned slot);
uint32_t scratch_va(unsigned slot);
uint32_t bench_va(void);      /* 256 free slots below the scratch slots, same L1 (mmu_bench) */
uint32_t kernel_l1_mfn(void); /* the bootstrap L1 that maps the scratch area */

/* ---- Batches (kernel/mmu_batch.c) ---- */
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

/* ---- Address spaces (kernel/addrspace.c) ---- */
#define AS_MAX_L1 4
struct addrspace {
    uint32_t l2_pfn;
    uint32_t l1_pfn[AS_MAX_L1]; /* user L1s, for user slots 0..AS_MAX_L1-1 */
    unsigned nr_l1;
};
int as_create(struct addrspace *as, unsigned nr_l1);
/* Queue a user mapping of frame pfn at va (< AS_MAX_L1 * 4 MB); mmu_flush() applies it. */
void as_queue_map(struct addrspace *as, uint32_t va, uint32_t pfn, int writable);
void as_queue_unmap(struct addrspace *as, uint32_t va);
int as_switch(const struct addrspace *as, uint32_t kernel_esp); /* one multicall */
int as_switch_mfn(uint32_t l2_mfn, uint32_t kernel_esp);
int as_switch_home(uint32_t kernel_esp);
int as_destroy(struct addrspace *as);

void mmu_tests(const start_info_t *si, const char *mode);
void test_isolation(void);                /* test=mmu-isolation (kernel/test_isolation.c) */
void test_review(const start_info_t *si); /* test=mmu-review (kernel/test_review.c) */
void mmu_bench(const start_info_t *si);

#endif
