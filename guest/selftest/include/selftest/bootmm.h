/* The self-tests' own frames and address spaces, on the bootstrap mappings (the tests were
 * written before the kernel's memory manager, kernel/mm/, existed; see docs/guest.md). */
#ifndef SELFTEST_BOOTMM_H
#define SELFTEST_BOOTMM_H

#include <stdint.h>
#include <pv/mmu.h>

/* ---- Frames (selftest/pfn.c) ---- */
void pfn_init(const start_info_t *si); /* sets guest_p2m too */
uint32_t pfn_alloc(void); /* a free guest frame, not mapped anywhere; 0 when none left */
void pfn_free(uint32_t pfn);
uint32_t current_l2_mfn(void);
extern const uint32_t *boot_l2; /* the boot L2, mapped read-only at start_info.pt_base */
/* Map a frame at a scratch VA (writable), for filling it; unmap before it becomes a table. */
void *scratch_map(unsigned slot, uint32_t pfn);
void scratch_unmap(unsigned slot);
uint32_t scratch_va(unsigned slot);
uint32_t bench_va(void);      /* 256 free slots below the scratch slots, same L1 (mmu_bench) */
uint32_t kernel_l1_mfn(void); /* the bootstrap L1 that maps the scratch area */

/* ---- Address spaces (selftest/addrspace.c) ---- */
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
void test_isolation(void);                /* test=mmu-isolation (selftest/test_isolation.c) */
void test_review(const start_info_t *si); /* test=mmu-review (selftest/test_review.c) */
void mmu_bench(const start_info_t *si);

#endif
