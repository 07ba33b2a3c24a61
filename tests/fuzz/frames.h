/* The fuzzer's guest frames and scratch mappings, on the bootstrap mappings (frames.c). */
#ifndef FUZZ_FRAMES_H
#define FUZZ_FRAMES_H

#include <stdint.h>
#include <pv/mmu.h>

void pfn_init(const start_info_t *si); /* sets guest_p2m too */
uint32_t pfn_alloc(void); /* a free guest frame, not mapped anywhere; 0 when none left */
uint32_t current_l2_mfn(void);
/* Map a frame at a scratch VA (writable), for filling it; unmap before it becomes a table. */
void *scratch_map(unsigned slot, uint32_t pfn);
void scratch_unmap(unsigned slot);
uint32_t scratch_va(unsigned slot);
uint32_t kernel_l1_mfn(void); /* the bootstrap L1 that maps the scratch area */

#endif
