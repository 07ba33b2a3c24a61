/* The MMU self-tests' frames, scratch mappings and address spaces, on the kernel's memory
 * manager (selftest/frames.c, selftest/addrspace.c; docs/guest.md). */
#ifndef SELFTEST_FRAMES_H
#define SELFTEST_FRAMES_H

#include <stdint.h>
#include <pv/mmu.h>

/* ---- Frames (selftest/frames.c) ---- */
/* After physmap_init and page_alloc_init (SELFTEST_MM): the kmap window and the pool. 0 or an
 * error (reported). */
int test_frames_init(void);
/* A self-test's opening: check_begin() and test_frames_init(). 0, or an error after the line
 * "NAME: FAILED: no test frames" (the scenarios forbid FAILED). */
int test_frames_begin(const char *name);
/* A frame from the pool: the page allocator's, mapped nowhere (not even in the direct map);
 * 0 when the pool is empty. */
uint32_t test_frame_alloc(void);
void test_frame_free(uint32_t pfn); /* back to the pool, still off the direct map */
uint32_t current_l2_mfn(void);      /* the boot L2: the kernel's own address space */
extern const uint32_t *boot_l2;     /* the boot L2, read-only in the direct map (= pt_base) */
/* Map a frame at a scratch VA (writable), for filling it; unmap before it becomes a table.
 * The scratch slots are the top 16 of the kmap window (kernel/mm/kmap.h). */
void *scratch_map(unsigned slot, uint32_t pfn);
void scratch_unmap(unsigned slot);
uint32_t scratch_va(unsigned slot);
#define BENCH_SLOTS 256
uint32_t bench_va(void);      /* BENCH_SLOTS free slots below the scratch slots (mmu_bench) */
uint32_t kernel_l1_mfn(void); /* the kmap window's L1, which maps the scratch and bench slots */

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
