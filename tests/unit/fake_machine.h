/* A small fake machine for host tests of core/page_type.c: a frame table, FAKE_FRAMES frames of
 * memory behind arch_map_frame, and the few arch hooks page types call, each counted or steerable.
 */
#ifndef TESTS_UNIT_FAKE_MACHINE_H
#define TESTS_UNIT_FAKE_MACHINE_H

#include <setjmp.h>
#include <stdint.h>

#include "hv/frame.h"

#define FAKE_FRAMES 64u
#define FAKE_MAX_MFN 60u /* frames [FAKE_MAX_MFN, FAKE_FRAMES) exist but lie past max_mfn */
#define FAKE_DOM 0u

/* What arch_copy_hv_slots writes into L2 slot i (1008..1023) but the linear page table's
 * (ARCH_LINEAR_SLOT), which maps the L2 itself: FAKE_LINEAR_PDE(its frame). */
#define FAKE_HV_PDE(i) (0xFEC00063u | ((uint32_t)(i) << 12))
#define FAKE_LINEAR_PDE(mfn) ((uint32_t)(mfn) << 12 | 0x63u)

extern uint32_t fake_mem[FAKE_FRAMES][1024];
extern unsigned fake_map_calls, fake_unmap_calls, fake_copy_hv_calls, fake_ldt_calls;
extern int fake_ldt_result;    /* what arch_validate_ldt_frame returns (0 = accept) */
extern const char *fake_error; /* first misuse of the fake (bad mfn, unbalanced unmap), or 0 */

extern unsigned fake_irq_windows; /* arch_irq_window calls */
extern unsigned fake_flushes;     /* arch_flush_tlb calls (each also advances tlbflush_clock) */
/* arch_l2e_changed: the L2 playing the one in CR3, the calls made for it (the linear area's
 * invalidations) and the last call's arguments, whichever L2. */
extern uint32_t fake_loaded_l2;
extern unsigned fake_linear_invalidations;
extern uint32_t fake_linear_last_l2, fake_linear_last_slot;
extern jmp_buf *fake_panic_jump; /* where a failed ASSERT jumps, when set */
extern char fake_panic_msg[256];

/* Every frame RAM, owned by FAKE_DOM, type NONE, counts 0, memory zeroed, counters cleared. */
void fake_machine_reset(void);
/* Frames currently mapped through arch_map_frame and not yet unmapped. */
unsigned fake_maps_live(void);

#endif
