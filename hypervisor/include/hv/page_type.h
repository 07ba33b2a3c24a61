/* Page types and reference counts (ABI §7); the invariants are in core/page_type.c. */
#ifndef HV_PAGE_TYPE_H
#define HV_PAGE_TYPE_H

#include <stdint.h>
#include "hv/fastcall.h"
#include "hv/frame.h"
#include <public/xen.h>

/* Each returns 0 or a negative XEN_E* with *why; a refusal takes no reference. */
int get_page(uint32_t mfn, uint16_t dom, const char **why);
void put_page(uint32_t mfn);
int get_page_type(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why);
void put_page_type(uint32_t mfn);
int get_page_and_type(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why);
void put_page_and_type(uint32_t mfn);

/* References held by one entry of a validated L1 / L2 (self_mfn: the L2 itself). */
int l1e_get(uint32_t pte, uint16_t dom, const char **why);
void l1e_put(uint32_t pte);
int l2e_get(uint32_t pde, uint32_t self_mfn, uint16_t dom, const char **why);
void l2e_put(uint32_t pde, uint32_t self_mfn);

/* Keeps the last table written mapped across a batch of updates; release it at the end. */
struct pt_cursor {
    uint32_t mfn;
    uint32_t *va; /* 0 when nothing is mapped */
};
HV_FASTCALL void pt_cursor_release(struct pt_cursor *c);

/* Write entry idx of a guest frame, checked by the frame's current type (L1 or L2 entry rules,
 * or a plain store into an ordinary page); *old_out gets the value replaced. */
HV_FASTCALL int mm_update_entry(struct pt_cursor *c, uint32_t table_mfn, unsigned idx, uint32_t val,
                                uint16_t dom, uint32_t *old_out, const char **why);
/* The same for entry idx of l1_mfn, which the caller has found to be an L1 table of dom in use
 * (frame_is_table): update_va_mapping's path, no cursor. */
HV_FASTCALL int mm_update_l1_entry(uint32_t l1_mfn, unsigned idx, uint32_t val, uint16_t dom,
                                   uint32_t *old_out, const char **why);
/* The same at *slot, an entry of a validated L1 of dom's that the caller has mapped (the
 * linear page table's L1 entry of an address whose L2 entry is present and writable). */
HV_FASTCALL int mm_update_l1_slot(uint32_t *slot, uint32_t val, uint16_t dom, uint32_t *old_out,
                                  const char **why);

/* Apply the leading run of MMU_NORMAL_PT_UPDATE requests of req[0, n): *done = how many were
 * applied (the run stops at another command or at the first refusal, whose error is returned);
 * *replaced becomes non-zero when a present entry was overwritten (a TLB flush is owed).
 * req[n] must be the end marker, a request whose ptr is MMU_RUN_END_PTR (no plain update: the
 * runs of one L1 stop at it without counting, hv/l1e_fast.h). */
#define MMU_RUN_END_PTR MMU_EXTENDED_COMMAND
int mm_update_run(struct pt_cursor *c, const mmu_update_t *req, unsigned n, uint16_t dom,
                  unsigned *done, int *replaced, const char **why);

/* Arch hook: check all descriptors of a would-be LDT frame. */
int arch_validate_ldt_frame(uint32_t mfn, const char **why);

#endif
